"""Reversing digit strings with and without attention: accuracy against length, greedy
against beam search, and exposure bias during training (chapter 11).

    python -m rnnlab.experiments.attention --out-dir tutorial/results

trains two ``rnnlab.seq2seq.Seq2Seq`` models from the same seed on the same batches, one
without attention and one with, then writes to ``--out-dir``:

- ``seq2seq-length.md``: exact-match accuracy (greedy) on fresh strings of each length;
- ``seq2seq-decoding.md``: greedy against beam search, on fewer strings (beam is slow);
- ``seq2seq-exposure.md``: at each checkpoint, the teacher-forced loss and per-digit
  accuracy against the free-running exact match;
- ``seq2seq-attention.json``: the attention weights on two examples (the heat-map figure).

``--fast`` trains for a few steps (the docs tests): the tables then say nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from rnnlab.experiments.common import (
    check_out_folder,
    command_line,
    markdown_table,
    single_thread,
    write_result,
)
from rnnlab.seq2seq import (
    PAD,
    Seq2Seq,
    beam_search,
    greedy,
    loss,
    reversal_batch,
    to_text,
)

PROG = "python -m rnnlab.experiments.attention"


@dataclass(frozen=True)
class Config:
    """Training and evaluation sizes; the same for both models."""

    lengths: tuple[int, int] = (3, 10)
    steps: int = 500
    batch: int = 64
    hidden: int = 64
    lr: float = 1e-2
    check_every: int = 125
    test_lengths: tuple[int, ...] = (4, 7, 10)
    test_per_length: int = 100
    beam_per_length: int = 10
    width: int = 5
    seed: int = 0


FULL = Config()
FAST = Config(steps=6, batch=8, hidden=16, check_every=3, test_lengths=(3, 6),
              test_per_length=8, beam_per_length=2)


def exact_match(model: Seq2Seq, source: torch.Tensor, lengths: torch.Tensor,
                target: torch.Tensor) -> float:
    """Fraction of strings that greedy decoding reverses exactly (EOS included), in [0, 1]."""
    tokens, _ = greedy(model, source, lengths, target.shape[0])
    real = target != PAD
    return float(((tokens == target) | ~real).all(dim=0).float().mean())


def teacher_forced(model: Seq2Seq, source: torch.Tensor, lengths: torch.Tensor,
                   target: torch.Tensor) -> tuple[float, float]:
    """Teacher-forced loss (nats per token) and per-token accuracy: each step is given the
    true previous token, as in training."""
    with torch.no_grad():
        logits = model(source, lengths, target)
        real = target != PAD
        correct = (logits.argmax(-1) == target) & real
        return float(loss(model, source, lengths, target)), float(correct.sum() / real.sum())


def train(config: Config, attention: bool) -> tuple[Seq2Seq, list[dict[str, float]]]:
    """Train one model; returns it and, at each checkpoint, the exposure-bias figures on a
    held-out batch of 256 strings."""
    torch.manual_seed(config.seed)
    model = Seq2Seq(config.hidden, attention=attention)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    data = torch.Generator().manual_seed(config.seed)
    held_out = reversal_batch(256, config.lengths, torch.Generator().manual_seed(10_000))
    checkpoints = []
    for step in range(1, config.steps + 1):
        batch_loss = loss(model, *reversal_batch(config.batch, config.lengths, data))
        optimizer.zero_grad()
        batch_loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % config.check_every == 0:
            tf_loss, tf_accuracy = teacher_forced(model, *held_out)
            checkpoints.append({"step": step, "loss": tf_loss, "token_accuracy": tf_accuracy,
                                "exact_match": exact_match(model, *held_out)})
    return model, checkpoints


def evaluate(model: Seq2Seq, config: Config) -> dict[str, list[float]]:
    """Greedy exact match on ``test_per_length`` strings of each test length, and greedy
    against beam search on the first ``beam_per_length`` of them."""
    greedy_all, greedy_few, beam_few = [], [], []
    for n in config.test_lengths:
        source, lengths, target = reversal_batch(
            config.test_per_length, (n, n), torch.Generator().manual_seed(20_000 + n))
        greedy_all.append(exact_match(model, source, lengths, target))
        few = config.beam_per_length
        greedy_few.append(exact_match(model, source[:, :few], lengths[:few], target[:, :few]))
        beams = [beam_search(model, source[:, i:i + 1], n, n + 1, config.width)
                 for i in range(few)]
        beam_few.append(sum(b == target[:n, i].tolist() for i, b in enumerate(beams)) / few)
    return {"greedy": greedy_all, "greedy_few": greedy_few, "beam_few": beam_few}


def attention_example(model: Seq2Seq, length: int) -> dict[str, object]:
    """One string of ``length`` digits, the model's output and its attention weights
    (output step x source position)."""
    source, lengths, _ = reversal_batch(1, (length, length),
                                        torch.Generator().manual_seed(30_000 + length))
    tokens, weights = greedy(model, source, lengths, length + 1)
    return {"source": to_text(source[:, 0]), "output": to_text(tokens[:, 0]),
            "weights": weights[:, :, 0].tolist()}


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: train both models, print the tables, write them to ``--out-dir``."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="a few steps, runs in seconds")
    parser.add_argument("--out-dir", type=Path, help="write the result files here")
    args = parser.parse_args(argv)
    names = ["seq2seq-length.md", "seq2seq-decoding.md", "seq2seq-exposure.md",
             "seq2seq-attention.json"]
    if args.out_dir is not None:
        for name in names:
            check_out_folder(args.out_dir / name)
    config = FAST if args.fast else FULL
    load, start = Path("/proc/loadavg").read_text().strip(), time.perf_counter()
    runs = {}
    with single_thread():
        for attention in (False, True):
            model, checkpoints = train(config, attention)
            runs[attention] = (model, checkpoints, evaluate(model, config))
    footer = (f"\n{config.steps} Adam steps of {config.batch} strings of "
              f"{config.lengths[0]}..{config.lengths[1]} digits, hidden size {config.hidden}; "
              f"both models in {time.perf_counter() - start:.0f} s on one CPU thread "
              f"(/proc/loadavg `{load}` at the start). Written by "
              f"`{command_line(PROG, argv)}`.\n")
    texts = dict(zip(names, _tables(config, runs), strict=False))
    texts = {name: text + footer for name, text in texts.items()}
    texts["seq2seq-attention.json"] = json.dumps(
        {"command": command_line(PROG, argv),
         "examples": [attention_example(runs[True][0], n) for n in (6, 10)]})
    for name, text in texts.items():
        print(text if name.endswith(".md") else "")
        if args.out_dir is not None:
            write_result(args.out_dir / name, text)


def _tables(config: Config, runs: dict) -> list[str]:
    """The three Markdown tables: accuracy by length, decoding, exposure bias."""
    percent = "{:.0%}".format
    plain, attended = runs[False][2], runs[True][2]
    length = markdown_table(
        ["digits", "no attention", "attention"],
        ([str(n), percent(a), percent(b)] for n, a, b
         in zip(config.test_lengths, plain["greedy"], attended["greedy"], strict=True)))
    length += ["", f"Exact-match accuracy (greedy decoding) on {config.test_per_length} "
               "fresh strings of each length."]
    decoding = markdown_table(
        ["digits", "no attention: greedy", "beam", "attention: greedy", "beam"],
        ([str(n), percent(a), percent(b), percent(c), percent(d)] for n, a, b, c, d
         in zip(config.test_lengths, plain["greedy_few"], plain["beam_few"],
                attended["greedy_few"], attended["beam_few"], strict=True)))
    decoding += ["", f"Exact match on the first {config.beam_per_length} test strings of "
                 f"each length, greedy and beam search of width {config.width}."]
    rows = []
    for attention, name in ((False, "no attention"), (True, "attention")):
        rows += [[name, str(c["step"]), f"{c['loss']:.3f}", percent(c["token_accuracy"]),
                  percent(c["token_accuracy"] ** 7.5), percent(c["exact_match"])]
                 for c in runs[attention][1]]
    exposure = markdown_table(["model", "step", "teacher-forced loss",
                               "teacher-forced digit accuracy p", "p^7.5",
                               "free-running exact match"], rows)
    exposure += ["", "On 256 held-out strings (6.5 digits and EOS on average). p^7.5: "
                 "the exact match if each of 7.5 steps were right with probability p, "
                 "independently."]
    return ["\n".join(lines) + "\n" for lines in (length, decoding, exposure)]


if __name__ == "__main__":
    main()
