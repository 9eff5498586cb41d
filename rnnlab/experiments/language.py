"""Chapter 9's experiments on tinyshakespeare, at a reader's budget (minutes on a CPU).

    python -m rnnlab.experiments.language [--only PART,...] [--checkpoint FILE.pt]

writes ``tutorial/results/language-PART.json`` for each part (every file names this
command and the budget it ran with):

- ``minchar``: the numpy character RNN of ``rnnlab.language.minchar`` (chapter 2's BPTT)
  beside the same network shape trained with PyTorch, the same characters read.
- ``carry``: truncated BPTT with the state carried from batch to batch, against a state
  reset to zeros every batch (an LSTM; everything else equal).
- ``clip``: an Elman RNN with a high learning rate, with gradient-norm clipping and
  without: the loss and gradient norm of every update.
- ``cells``: RNN, GRU and LSTM layers of one width on one budget: learning curves.
- ``units`` and ``temperature`` read a trained checkpoint (``--checkpoint``, a copy of
  the shipped run's ``.pt``): see ``rnnlab.experiments.language_units``.

Validation: the first ``VAL_CHARS`` characters of the validation part (the last 10%), one
stream with the state carried; the final scores of ``minchar`` use the whole part.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from rnnlab.experiments import language_units
from rnnlab.experiments.language_units import RESULTS, TEXT
from rnnlab.language import minchar
from rnnlab.runtime.text.corpus import Vocabulary, read_text, split

COMMAND = "python -m rnnlab.experiments.language"
VAL_CHARS = 20_000
#: Small runs: one layer, 128 units, batches of 32 windows of 64 characters.
SMALL = {"units": 128, "embed": 32, "batch": 32, "bptt": 64}


def corpus() -> tuple[Vocabulary, np.ndarray, np.ndarray]:
    """The vocabulary, the training ids and the validation ids of tinyshakespeare."""
    train_text, val_text = split(read_text(TEXT))
    vocab = Vocabulary.of(train_text)
    return vocab, vocab.encode(train_text), vocab.encode(val_text, "validation text")


def run_torch(cell: str, train_ids: np.ndarray, val_ids: np.ndarray, vocab: int,
              updates: int, every: int, lr: float = 3e-3, clip: float | None = 1.0,
              carry: bool = True, sgd: bool = False, seed: int = 0, **shape) -> dict:
    """Adam on ``CharNet`` for ``updates`` windows (stateful truncated BPTT, ``carry``),
    the learning rate fixed; a record ``{"update", "chars", "train", "val", "seconds"}``
    every ``every`` updates, and the loss and gradient norm (before clipping) of each."""
    import torch
    from torch.nn import functional as F

    from rnnlab.language.charnet import CharNet, CharShape, detach
    from rnnlab.language.chartrain import nats_per_char, streams

    size = {**SMALL, **shape}
    torch.manual_seed(seed)
    model = CharNet(CharShape(cell, vocab, size["embed"], size["units"], 1))
    optimizer = (torch.optim.SGD if sgd else torch.optim.Adam)(model.parameters(), lr=lr)
    rows, bptt = streams(train_ids, size["batch"]), size["bptt"]
    state, begin, summed, started = None, 0, 0.0, time.perf_counter()
    history, losses, norms = [], [], []
    for update in range(1, updates + 1):
        if begin + bptt + 1 > rows.shape[1]:
            begin, state = 0, None
        model.train()
        logits, state = model(rows[:, begin:begin + bptt], state if carry else None)
        loss = F.cross_entropy(logits.reshape(-1, vocab),
                               rows[:, begin + 1:begin + bptt + 1].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip or float("inf"))
        optimizer.step()
        state, begin = detach(state), begin + bptt
        losses.append(loss.item())
        norms.append(norm.item())
        summed += loss.item()
        if update % every == 0 or update == updates:
            count = update - (history[-1]["update"] if history else 0)
            history.append({"update": update, "chars": update * bptt * size["batch"],
                            "train": summed / count,
                            "val": nats_per_char(model, val_ids[:VAL_CHARS]),
                            "seconds": round(time.perf_counter() - started, 1)})
            summed = 0.0
    return {"cell": cell, **size, "updates": updates, "lr": lr, "clip": clip, "carry": carry,
            "history": history, "losses": losses, "grad_norms": norms}


def part_minchar(updates: int = 2000) -> dict:
    """The numpy RNN and PyTorch's on the same characters (100 units, windows of 25)."""
    vocab, train_ids, val_ids = corpus()
    size = {"units": 100, "embed": len(vocab), "batch": 32, "bptt": 25}
    started = time.perf_counter()
    model, history = minchar.train(train_ids, len(vocab), hidden=100, steps=25, batch=32,
                                   updates=updates, every=updates // 8,
                                   val_ids=val_ids[:VAL_CHARS])
    numpy_seconds = time.perf_counter() - started
    torch_run = run_torch("rnn", train_ids, val_ids, len(vocab), updates, updates // 8,
                          clip=5.0, **size)
    sample = vocab.decode(minchar.sample(model, vocab.encode("ROMEO:"), 200, 0.8))
    return {"numpy": {"history": history, "seconds": round(numpy_seconds, 1),
                      "val_full": minchar.nats_per_char(model, val_ids), "sample": sample},
            "torch": {k: torch_run[k] for k in ("history", "lr", "clip")} | size,
            "budget": f"{updates} updates of 32 x 25 characters, 100 tanh units"}


def part_carry(updates: int = 600) -> dict:
    """The state carried across batches or reset each batch: LSTM, windows of 32."""
    vocab, train_ids, val_ids = corpus()
    runs = {name: run_torch("lstm", train_ids, val_ids, len(vocab), updates, updates // 6,
                            carry=carry, bptt=32)["history"]
            for name, carry in (("carried", True), ("reset", False))}
    return {"runs": runs, "budget": f"{updates} updates of 32 x 32 characters, LSTM 1 x 128"}


def part_clip(updates: int = 300, lr: float = 3.0) -> dict:
    """Clipping on and off on an Elman RNN, plain SGD at a learning rate that invites spikes."""
    vocab, train_ids, val_ids = corpus()
    runs = {}
    for name, clip in (("clipped", 1.0), ("unclipped", None)):
        run = run_torch("rnn", train_ids, val_ids, len(vocab), updates, updates // 3, lr=lr,
                        clip=clip, sgd=True)
        runs[name] = {k: run[k] for k in ("history", "losses", "grad_norms", "clip")}
    return {"runs": runs, "lr": lr,
            "budget": f"{updates} updates of 32 x 64 characters, RNN 1 x 128, SGD lr {lr}"}


def part_cells(updates: int = 400) -> dict:
    """RNN, GRU and LSTM, one layer of 128, the same updates and characters."""
    vocab, train_ids, val_ids = corpus()
    runs = {cell: run_torch(cell, train_ids, val_ids, len(vocab), updates, updates // 8)
            for cell in ("rnn", "gru", "lstm")}
    return {"runs": {c: r["history"] for c, r in runs.items()},
            "budget": f"{updates} updates of 32 x 64 characters, 1 x 128 units, Adam lr 3e-3"}


PARTS = {"minchar": part_minchar, "carry": part_carry, "clip": part_clip, "cells": part_cells}


def main(argv: list[str] | None = None) -> None:
    parts = {**PARTS, **language_units.PARTS}
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(parts), help="comma-separated parts")
    parser.add_argument("--checkpoint", type=Path, help="a character model's .pt")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder of the JSON files")
    args = parser.parse_args(argv)
    names = args.only.split(",")
    unknown = sorted(set(names) - parts.keys())
    if unknown:
        parser.error(f"--only {','.join(unknown)}: no such part; choose from {', '.join(parts)}")
    if set(names) & language_units.PARTS.keys() and args.checkpoint is None:
        parser.error(f"--only {','.join(names)}: units, temperature and shipped need --checkpoint")
    for name in names:
        started = time.perf_counter()
        result = (parts[name](args.checkpoint) if name in language_units.PARTS
                  else parts[name]())
        checkpoint = f" --checkpoint {args.checkpoint}" if name in language_units.PARTS else ""
        result.update(command=f"{COMMAND} --only {name}{checkpoint}", seconds=round(
            time.perf_counter() - started, 1), load_average=list(os.getloadavg()))
        path = args.out / f"language-{name}.json"
        path.write_text(json.dumps(result, indent=1) + "\n")
        print(f"{path}: {result['seconds']} s")


if __name__ == "__main__":
    main()
