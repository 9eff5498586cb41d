"""The practice of training recurrent networks, measured on the adding problem (chapter 10).

Sections, each small enough for a CPU in well under a minute (``--fast``: seconds):

- ``clipping``: plain SGD on an Elman RNN, with and without clipping the gradient's norm;
- ``init``: default, orthogonal and identity (IRNN) recurrent weights, forget-gate bias 1;
- ``regularise``: dropout between two layers, dropout of the recurrent state, layer norm;
- ``bidirectional``: reading ``output[-1]`` of a bidirectional layer, or both ends;
- ``lengths``: padded batches of mixed lengths, read after the padding or packed;
- ``exercises``: chapter 2's exercises 2 and 3 (IRNN at T = 50, the LSTM unclipped at T = 100).

``python -m rnnlab.experiments.practice --out tutorial/results/practice.json`` writes every
measurement as JSON and, beside it, one Markdown table per section
(``practice-clipping.md``, ...) that the chapters include.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
from torch import nn

from rnnlab.experiments import lengths, longlag, variants
from rnnlab.experiments.common import (
    check_out_folder,
    command_line,
    markdown_table,
    set_forget_bias,
    single_thread,
    write_result,
)

Prepare = Callable[[longlag.LastStepRegressor], None] | None


@dataclass(frozen=True)
class Settings:
    """Sizes of every section; ``FAST`` shrinks them for the tests."""

    seeds: tuple[int, ...] = (0, 1, 2)
    clip_length: int = 20
    clip_lr: float = 0.3
    clip_steps: int = 300
    init_length: int = 30
    init_steps: int = 1500
    small_length: int = 20
    small_steps: int = 1000
    exercise_seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    exercise_steps: int = 3000


FULL = Settings()
FAST = Settings(seeds=(0,), clip_length=8, clip_steps=30, init_length=8, init_steps=50,
                small_length=8, small_steps=50, exercise_seeds=(0,), exercise_steps=50)


def _replace_recurrent(build: Callable[[], nn.Module]) -> Prepare:
    return lambda model: setattr(model, "recurrent", build())


def _rnn_relu_identity(model: longlag.LastStepRegressor) -> None:
    model.recurrent = variants.identity_relu(2, model.recurrent.hidden_size)


def clipping(s: Settings) -> list[dict]:
    """SGD (learning rate ``clip_lr``) on the RNN at ``clip_length``, per seed without and
    with clipping at norm 1: the loss and the gradient's norm (before clipping) at every
    step, stopped at the first loss that is not finite."""
    runs = []
    for seed in s.seeds:
        for clip in (None, 1.0):
            torch.manual_seed(seed)
            model = longlag.LastStepRegressor("rnn", 32)
            optimizer = torch.optim.SGD(model.parameters(), lr=s.clip_lr)
            data = torch.Generator().manual_seed(seed)
            losses, norms, radius = [], [], []
            for _ in range(s.clip_steps):
                x, y = longlag.adding_batch(32, s.clip_length, data)
                loss = nn.functional.mse_loss(model(x), y)
                if not math.isfinite(loss.item()):
                    break
                optimizer.zero_grad()
                loss.backward()
                norm = nn.utils.clip_grad_norm_(model.parameters(), clip or math.inf)
                w_hh = model.recurrent.weight_hh_l0.detach().double()
                radius.append(torch.linalg.eigvals(w_hh).abs().max().item())
                optimizer.step()
                losses.append(loss.item())
                norms.append(norm.item())
            runs.append({"seed": seed, "clip": clip, "losses": losses, "norms": norms,
                         "spectral_radius": radius})
    return runs


def _groups(s: Settings, length: int, steps: int,
            rows: Sequence[tuple[str, str, Prepare]], seeds: Sequence[int] | None = None,
            clip: float | None = 1.0) -> list[dict]:
    """Train each ``(label, kind, prepare)`` row from every seed with longlag's Adam loop."""
    config = replace(longlag.FULL, max_steps=steps, clip_norm=clip)
    return [{"label": label, "length": length,
             "trials": [asdict(longlag.train_trial(kind, length, seed, config, prepare)[0])
                        for seed in (s.seeds if seeds is None else seeds)]}
            for label, kind, prepare in rows]


def initialisation(s: Settings) -> list[dict]:
    def forget_one(model: longlag.LastStepRegressor) -> None:
        set_forget_bias(model.recurrent, 1.0)

    def orthogonal(model: longlag.LastStepRegressor) -> None:
        variants.orthogonal(model.recurrent)

    rows = [("rnn, default", "rnn", None), ("rnn, orthogonal", "rnn", orthogonal),
            ("IRNN (relu, identity)", "rnn", _rnn_relu_identity),
            ("lstm, default", "lstm", None), ("lstm, orthogonal", "lstm", orthogonal),
            ("lstm, forget bias 1", "lstm", forget_one)]
    return _groups(s, s.init_length, s.init_steps, rows)


def regularise(s: Settings) -> list[dict]:
    def loop(**options: object) -> Prepare:
        return _replace_recurrent(lambda: variants.CellLoop(2, 32, **options))

    def stacked(dropout: float) -> Prepare:
        return _replace_recurrent(lambda: nn.LSTM(2, 32, num_layers=2, dropout=dropout))

    rows = [("lstm, 1 layer", "lstm", None), ("lstm, 2 layers", "lstm", stacked(0.0)),
            ("2 layers, dropout 0.25 between", "lstm", stacked(0.25)),
            ("recurrent dropout 0.25", "lstm", loop(recurrent_dropout=0.25)),
            ("layer norm", "lstm", loop(layer_norm=True))]
    return _groups(s, s.small_length, s.small_steps, rows)


def bidirectional(s: Settings) -> list[dict]:
    def both(model: longlag.LastStepRegressor) -> None:
        model.recurrent = variants.BothEnds(2, 32)

    def last_row(model: longlag.LastStepRegressor) -> None:
        model.recurrent = nn.LSTM(2, 16, bidirectional=True)

    rows = [("lstm (32 units)", "lstm", None), ("bilstm, output[-1]", "lstm", last_row),
            ("bilstm, both ends", "lstm", both)]
    return _groups(s, s.init_length, s.init_steps, rows)


def variable_lengths(s: Settings) -> list[dict]:
    """An LSTM on padded batches of lengths ``small_length // 2 .. small_length``, read
    after the padding or packed (:func:`rnnlab.experiments.lengths.train`)."""
    return [{"reading": reading,
             "trials": [{"seed": seed, "mse": lengths.train(reading, seed, s.small_length,
                                                           s.small_steps)}
                        for seed in s.seeds]}
            for reading in ("padded-end", "packed")]


def exercises(s: Settings) -> dict[str, list[dict]]:
    """Chapter 2: the IRNN at T = 50 (clipped, like the table) and the LSTM at T = 100
    without clipping, on longlag's full budget."""
    return {"irnn": _groups(s, 50, s.exercise_steps, [("IRNN", "rnn", _rnn_relu_identity)],
                            s.exercise_seeds),
            "unclipped": _groups(s, 100, s.exercise_steps, [("lstm, unclipped", "lstm", None)],
                                 s.seeds, clip=None)}


SECTIONS: dict[str, Callable[[Settings], object]] = {
    "clipping": clipping, "init": initialisation, "regularise": regularise,
    "bidirectional": bidirectional, "lengths": variable_lengths, "exercises": exercises}


def spike(run: dict, factor: float = 10.0) -> dict:
    """The first step whose loss exceeds ``factor`` times the lowest loss before it, with the
    gradient's norm and the spectral radius of ``W_hh`` there (before that step's update),
    and the first step that starts with ``rho(W_hh) > 1``; ``None`` where there is none."""
    losses, radius = run["losses"], run["spectral_radius"]
    jump = next((t for t in range(1, len(losses)) if losses[t] > factor * min(losses[:t])),
                None)
    above = next((t for t, r in enumerate(radius) if r > 1), None)
    return {"step": None if jump is None else jump + 1,
            "rho_above_1": None if above is None else above + 1,
            **({} if jump is None else {"before": min(losses[:jump]), "loss": losses[jump],
                                        "norm": run["norms"][jump], "radius": radius[jump]})}


def _clipping_table(runs: list[dict], steps: int) -> list[str]:
    rows = []
    for run in runs:
        jump, n = spike(run), len(run["losses"])
        end = (f"diverged after {n} steps" if n < steps
               else f"{sum(run['losses'][-50:]) / 50:.3f}")
        at = ["none", "", ""] if jump["step"] is None else [
            f"step {jump['step']}: {jump['before']:.3f} to {jump['loss']:.3g}",
            f"{jump['norm']:.3g}", f"{jump['radius']:.2f}"]
        rows.append([str(run["seed"]), "norm 1" if run["clip"] else "none", *at,
                     "never" if jump["rho_above_1"] is None else f"step {jump['rho_above_1']}",
                     f"{max(run['norms']):.3g}", end])
    return markdown_table(["seed", "clipping", "first loss spike (10x the lowest so far)",
                           "gradient norm there", "rho(W_hh) there", "rho(W_hh) > 1 from",
                           "largest gradient norm", "last 50 steps' mean loss"], rows)


def _groups_table(groups: list[dict]) -> list[str]:
    rows = []
    for group in groups:
        trials = group["trials"]
        solved = [t["steps"] for t in trials if t["solved"]]
        each = ", ".join(str(t["steps"]) if t["solved"] else f"not solved (MSE {t['mse']:.3f})"
                         for t in trials)
        rows.append([group["label"], f"{len(solved)}/{len(trials)}",
                     f"{sum(solved) / len(solved):.0f}" if solved else "", each])
    return markdown_table(["variant", "solved", "mean steps (solved)",
                           "steps to solve, per seed"], rows)


def markdown(results: dict, command: str) -> dict[str, str]:
    """Section -> its Markdown table, with the settings, time and load under it."""
    s = Settings(**{k: tuple(v) if isinstance(v, list) else v
                    for k, v in results["settings"].items()})
    lengths_rows = [[g["reading"], ", ".join(f"{t['mse']:.4f}" for t in g["trials"])]
                    for g in results["lengths"]]
    tables = {
        "clipping": _clipping_table(results["clipping"], s.clip_steps),
        "init": _groups_table(results["init"]),
        "regularise": _groups_table(results["regularise"]),
        "bidirectional": _groups_table(results["bidirectional"]),
        "lengths": markdown_table(["reading", "test MSE after training, per seed"],
                                  lengths_rows),
        "exercises": _groups_table(results["exercises"]["irnn"]
                                   + results["exercises"]["unclipped"]),
    }
    notes = {
        "clipping": f"Elman RNN (32 units) at T = {s.clip_length}, plain SGD with learning "
                    f"rate {s.clip_lr}, batches of 32, {s.clip_steps} steps.",
        "init": f"T = {s.init_length}, Adam as in chapter 2, at most {s.init_steps} steps.",
        "regularise": f"T = {s.small_length}, Adam, at most {s.small_steps} steps.",
        "bidirectional": f"T = {s.init_length}, Adam, at most {s.init_steps} steps; "
                         "32 units in all (16 per direction).",
        "lengths": f"LSTM (32 units), lengths {s.small_length // 2} to {s.small_length}, "
                   f"Adam, {s.small_steps} steps; the MSE of always answering 1 is 0.167.",
        "exercises": f"T = 50 (IRNN, clipped) and T = 100 (LSTM, unclipped), Adam, at most "
                     f"{s.exercise_steps} steps.",
    }
    out = {}
    for name, lines in tables.items():
        timing = results["seconds"][name]
        lines += ["", f"{notes[name]} Seeds as listed; {timing:.0f} s on one CPU thread "
                  f"(load average {results['load'][name]:.2f} at the start). "
                  f"Written by `{command}`."]
        out[name] = "\n".join(lines) + "\n"
    return out


def run(settings: Settings, sections: Sequence[str] = tuple(SECTIONS)) -> dict:
    """Every section's measurements, with its time in seconds and the load at its start."""
    results: dict = {"settings": asdict(settings), "seconds": {}, "load": {}}
    with single_thread():
        for name in sections:
            results["load"][name] = os.getloadavg()[0]
            start = time.perf_counter()
            results[name] = SECTIONS[name](settings)
            results["seconds"][name] = time.perf_counter() - start
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: run every section; print JSON, or write it to ``--out`` with the
    Markdown tables beside it (``practice-SECTION.md``)."""
    parser = argparse.ArgumentParser(prog="python -m rnnlab.experiments.practice",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="tiny sizes, runs in seconds")
    parser.add_argument("--out", type=Path, help="write the JSON here, the tables beside it")
    args = parser.parse_args(argv)
    if args.out is not None:
        check_out_folder(args.out)
    results = run(FAST if args.fast else FULL)
    results["command"] = command_line(parser.prog, argv)
    text = json.dumps(results, indent=1)
    if args.out is None:
        print(text)
        return
    write_result(args.out, text + "\n")
    for name, table in markdown(results, results["command"]).items():
        write_result(args.out.with_name(f"practice-{name}.md"), table)


if __name__ == "__main__":
    main()
