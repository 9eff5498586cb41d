"""Training a character model: stateful truncated BPTT over contiguous streams.

The training text is cut into ``batch`` contiguous streams, one per batch row. Each step
reads the next ``bptt`` characters of every stream and predicts each one's successor;
the state reached at the end of a step starts the next step of the same stream, with its
history cut (``detach``), so the network sees context far beyond ``bptt`` characters while
gradients flow back at most ``bptt`` steps. Loss: cross-entropy in nats per character.
"""

from __future__ import annotations

import copy
import json
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from rnnlab.language.charnet import CharNet, CharShape, detach
from rnnlab.runtime.files import atomic_path
from rnnlab.runtime.text.corpus import Vocabulary, split

PRECISIONS = ("fp32", "bf16")


@dataclass(frozen=True)
class CharRecipe:
    """Network shape and training schedule of a character model."""

    cell: str = "lstm"
    embed: int = 64
    units: int = 256
    layers: int = 2
    dropout: float = 0.2
    batch: int = 32
    bptt: int = 100
    lr: float = 3e-3
    weight_decay: float = 0.0
    warmup: int = 100
    epochs: int = 5
    clip: float = 1.0
    dev_fraction: float = 0.0  # > 0: hold out this head of the TRAINING part ...
    patience: int = 0  # ... and stop when its loss has not improved for this many epochs


CHAR_PRESETS = {
    # The reader's presets: one budget (2 layers of 256, 5 epochs), three cells.
    "char-rnn": CharRecipe(cell="rnn", lr=1e-3),
    "char-gru": CharRecipe(cell="gru"),
    "char-lstm": CharRecipe(cell="lstm"),
    # The shipped model (exported/shakespeare-lstm.onnx): 2 x LSTM(512), ~3.3M weights,
    # up to 20 epochs, the weights of the epoch with the lowest loss on the training part's
    # first 5% (never on the validation part), stopped 2 epochs after that loss last fell.
    "shakespeare": CharRecipe(cell="lstm", embed=64, units=512, layers=2, dropout=0.3,
                              batch=64, bptt=128, lr=2e-3, weight_decay=0.05, epochs=20,
                              dev_fraction=0.05, patience=2),
}
# The presets that train in bfloat16 unless told otherwise: where `python
# scripts/precision_check.py` measured bf16 to keep the validation loss within 0.01
# nats/char of fp32 (tutorial/results/precision.md), and where it pays (about 2x faster).
BF16_PRESETS = ("shakespeare",)


def default_precision(preset: str) -> str:
    """``bf16`` for the presets in :data:`BF16_PRESETS`, else ``fp32``."""
    return "bf16" if preset in BF16_PRESETS else "fp32"


def streams(ids: np.ndarray, rows: int) -> torch.Tensor:
    """``(n,)`` ids -> ``(rows, n // rows)``: row r is the r-th contiguous slice of the text."""
    length = len(ids) // rows
    return torch.as_tensor(ids[: rows * length].reshape(rows, length))


def schedule(step: int, total: int, recipe: CharRecipe) -> float:
    """The learning-rate factor: linear warm-up, then a cosine from 1 down to 0.1."""
    if step < recipe.warmup:
        return (step + 1) / recipe.warmup
    done = (step - recipe.warmup) / max(1, total - recipe.warmup)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, done)))


@torch.no_grad()
def nats_per_char(model: CharNet, ids: np.ndarray, chunk: int = 4096) -> float:
    """Mean ``-ln p(c_i | c_<i)`` over ``ids[1:]``: one stream, state carried, exact."""
    model.eval()
    x = torch.as_tensor(ids).unsqueeze(0)
    total, state = 0.0, None
    for start in range(0, len(ids) - 1, chunk):
        inputs = x[:, start:start + chunk]
        targets = x[:, start + 1:start + chunk + 1]
        logits, state = model(inputs[:, : targets.shape[1]], state)
        total += F.cross_entropy(logits[0].float(), targets[0], reduction="sum").item()
    return total / (len(ids) - 1)


@torch.no_grad()
def sample(model: CharNet, vocab: Vocabulary, prompt: str, chars: int, temperature: float = 0.8,
           seed: int = 0) -> str:
    """PyTorch eager sampling, one character at a time (the progress bar's taste of the model)."""
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    logits, state = model(torch.as_tensor(vocab.encode(prompt)).unsqueeze(0))
    out = []
    for _ in range(chars):
        p = F.softmax(logits[0, -1].float() / temperature, dim=-1)
        nxt = torch.multinomial(p, 1, generator=generator)
        out.append(vocab.chars[nxt.item()])
        logits, state = model(nxt.view(1, 1), state)
    return "".join(out)


def train_chars(text: str, recipe: CharRecipe, seed: int = 0, precision: str = "fp32",
                progress: bool = True, log: Path | None = None,
                checkpoint: Path | None = None) -> tuple[CharNet, Vocabulary, list[dict]]:
    """Train on the first 90% of ``text``; score each epoch on the last 10% (nats/char).

    With ``recipe.dev_fraction`` the training part's own head is held out as a development
    set (not its tail: that is the same play as the validation part, and a model that never
    read it loses on validation what it did not learn of that play). The returned weights
    are those of the epoch with the lowest development loss, and ``patience`` epochs
    without a new lowest stop training. The validation part is only
    ever reported, never used to choose anything.

    Returns the trained network (eval mode), its vocabulary and one record per epoch:
    ``{"epoch", "step", "train", ["dev",] "val", "seconds", "chars_per_s"}``. With ``log``, each
    record is also appended to that JSON-lines file as it is made; with ``checkpoint``,
    the model is saved there after every epoch (see :func:`save`).
    """
    torch.manual_seed(seed)
    train_text, val_text = split(text)
    vocab = Vocabulary.of(train_text)
    train_ids, val_ids = vocab.encode(train_text), vocab.encode(val_text, "validation text")
    held = int(len(train_ids) * recipe.dev_fraction)
    dev_ids, train_ids = train_ids[:held], train_ids[held:]
    shape = CharShape(recipe.cell, len(vocab), recipe.embed, recipe.units, recipe.layers)
    model = CharNet(shape, recipe.dropout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr,
                                  weight_decay=recipe.weight_decay, betas=(0.9, 0.99))
    rows = streams(train_ids, recipe.batch)
    steps_per_epoch = (rows.shape[1] - 1) // recipe.bptt
    total = steps_per_epoch * recipe.epochs
    offsets = np.random.default_rng(seed).integers(0, recipe.bptt, recipe.epochs)
    history, step, started = [], 0, time.perf_counter()
    best, best_state, waited = float("inf"), None, 0
    bar = tqdm(total=total, desc="train", unit="step", file=sys.stderr, disable=not progress,
               leave=False)
    for epoch in range(recipe.epochs):
        model.train()
        state, summed, epoch_start = None, 0.0, time.perf_counter()
        # Each epoch cuts the streams at a different offset, so no character is always first.
        for begin in range(int(offsets[epoch]), rows.shape[1] - recipe.bptt - 1, recipe.bptt):
            for group in optimizer.param_groups:
                group["lr"] = recipe.lr * schedule(step, total, recipe)
            x = rows[:, begin:begin + recipe.bptt]
            y = rows[:, begin + 1:begin + recipe.bptt + 1]
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
                logits, state = model(x, state)
            loss = F.cross_entropy(logits.float().reshape(-1, shape.vocab), y.reshape(-1))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), recipe.clip)
            optimizer.step()
            state = detach(state)
            summed += loss.item()
            step += 1
            bar.update()
        seconds = time.perf_counter() - epoch_start
        record = {"epoch": epoch + 1, "step": step, "train": summed / steps_per_epoch,
                  **({"dev": nats_per_char(model, dev_ids)} if held else {}),
                  "val": nats_per_char(model, val_ids), "seconds": round(seconds, 2),
                  "chars_per_s": round(steps_per_epoch * recipe.batch * recipe.bptt / seconds),
                  "elapsed": round(time.perf_counter() - started, 1)}
        history.append(record)
        bar.set_postfix(val=f"{record['val']:.3f}",
                        sample=sample(model, vocab, "\n", 30, seed=seed).replace("\n", "|"))
        if log is not None:
            with open(log, "a") as f:
                f.write(json.dumps(record) + "\n")
        if held and record["dev"] < best:
            best, best_state, waited = record["dev"], copy.deepcopy(model.state_dict()), 0
        elif held:
            waited += 1
        if checkpoint is not None:
            save(checkpoint, model, vocab, recipe, seed, precision, history)
        if held and recipe.patience and waited >= recipe.patience:
            break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
        if checkpoint is not None:
            save(checkpoint, model, vocab, recipe, seed, precision, history)
    model.eval()
    return model, vocab, history


def save(path: Path, model: CharNet, vocab: Vocabulary, recipe: CharRecipe, seed: int,
         precision: str, history: list[dict], extra: dict | None = None) -> None:
    """Plain types and tensors only, so ``torch.load(weights_only=True)`` reads it;
    ``extra``: more plain fields (scores, data, command), written atomically."""
    with atomic_path(path) as temp:
        torch.save({**(extra or {}), "kind": "char", "shape": asdict(model.shape),
                    "recipe": asdict(recipe), "vocab": vocab.chars, "seed": seed,
                    "precision": precision, "history": history,
                    "state_dict": model.state_dict()}, temp)


def load_checkpoint(path: Path) -> tuple[CharNet, Vocabulary, dict]:
    """The network (eval mode), its vocabulary and the checkpoint's plain fields."""
    saved = torch.load(path, map_location="cpu", weights_only=True)
    model = CharNet(CharShape(**saved["shape"]), saved["recipe"]["dropout"])
    model.load_state_dict(saved["state_dict"])
    model.eval()
    return model, Vocabulary(saved["vocab"]), saved
