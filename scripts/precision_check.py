"""Does bfloat16 training keep the result? fp32 against bf16, 3 seeds each, same steps.

    python scripts/precision_check.py [--json] [--seeds 0,1,2] [--presets seed-lstm,...]

(a) The character model: the shipped ``shakespeare`` preset's architecture and recipe
(2 x LSTM(512), batch 64 x 128 characters, AdamW) trained for ONE epoch of the text's
first 90% (the fixed step count: 121 steps on tinyshakespeare), then scored on the last
10% in float32 (nats/char). bf16 keeps the result when its mean is within 0.01 nats/char
of fp32's.
(b) The price presets on IBM: each trained on 2006-2016 and scored on 2017 (one-step RMSE,
in dollars). bf16 keeps the result when its mean is within one fp32 seed standard
deviation of fp32's mean.

The runs share two worker processes, one PyTorch thread each (the same seed and thread
count give the same model), seed by seed, so the first verdicts come early. After every
finished run, tutorial/results/precision.{md,json} are rewritten with all runs so far
(the runs not finished are named); ``--json`` prints the JSON at the end. The verdicts
set each preset's default precision (rnnlab/training/presets.py,
rnnlab/language/chartrain.py), by hand, from this file. ``--resume`` keeps the runs an
interrupted check wrote, trains only the rest, and writes both files again.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

RESULTS = Path("tutorial/results")
COMMAND = "python scripts/precision_check.py"
PRICE_PRESETS = ("seed-lstm", "ohlc-gru")
CHAR_TOLERANCE = 0.01  # nats/char
PRECISIONS = ("fp32", "bf16")


def char_run(text: Path, seed: int, precision: str) -> dict:
    """Validation nats/char after one epoch of the shakespeare recipe."""
    import torch

    from rnnlab.language.chartrain import CHAR_PRESETS, train_chars

    torch.set_num_threads(1)
    recipe = replace(CHAR_PRESETS["shakespeare"], epochs=1, dev_fraction=0.0, patience=0)
    _, _, history = train_chars(text.read_text(), recipe, seed, precision, progress=False)
    last = history[-1]
    return {"val": last["val"], "chars_per_s": last["chars_per_s"], "seconds": last["seconds"],
            "steps": last["step"], "chars_per_step": recipe.batch * recipe.bptt}


def price_run(csv: Path, preset: str, seed: int, precision: str) -> dict:
    """2017 one-step RMSE ($) of ``preset`` trained on the days of ``csv`` before 2017."""
    import rnnlab

    start = time.perf_counter()
    trained = rnnlab.train(csv, preset, seed=seed, precision=precision, progress=False,
                           threads=1)
    return {"rmse": trained.evaluate().metrics["one_step"]["model"]["rmse"],
            "precision": trained.card.precision,
            "seconds": round(time.perf_counter() - start, 1)}


def summary(runs: dict, key: str) -> dict | None:
    """Means over the seeds done in both precisions, and fp32's seed sd; None before two."""
    seeds = sorted(set(runs["fp32"]) & set(runs["bf16"]))
    if len(seeds) < 2:
        return None
    fp32, bf16 = ({s: runs[p][s] for s in seeds} for p in PRECISIONS)
    return {"seeds": seeds, "fp32": mean(fp32, key), "bf16": mean(bf16, key),
            "fp32_sd": statistics.stdev(r[key] for r in fp32.values())}


def mean(runs: dict, key: str) -> float:
    return statistics.fmean(r[key] for r in runs.values())


def say(message: str) -> None:
    print(f"[precision_check] {message}", file=sys.stderr, flush=True)


def verdicts(result: dict) -> list[dict]:
    """One row per model: the means, the allowed difference and whether bf16 keeps it."""
    rows = []
    char = summary(result["char"], "val")
    if char:
        steps = sorted({r["steps"] for runs in result["char"].values() for r in runs.values()})
        rows.append({"model": f"shakespeare (2 x LSTM(512)), validation nats/char after one "
                              f"epoch ({'-'.join(map(str, (steps[0], steps[-1])[:len(steps)]))}"
                              " steps)", **char,
                     "allowed": CHAR_TOLERANCE, "allowed_text": f"± {CHAR_TOLERANCE}"})
    for preset, runs in result["price"].items():
        row = summary(runs, "rmse")
        if row:
            rows.append({"model": f"{preset}, IBM 2017 one-step RMSE ($)", **row,
                         "allowed": row["fp32_sd"],
                         "allowed_text": f"± {row['fp32_sd']:.3f} (fp32 seed sd)"})
    for row in rows:
        row["keeps"] = abs(row["bf16"] - row["fp32"]) <= row["allowed"]
    return rows


def markdown(result: dict) -> str:
    lines = ["| model | seeds | fp32 | bf16 | bf16 - fp32 | allowed | keeps the result |",
             "|---|---|---:|---:|---:|---|---|"]
    for row in result["verdicts"]:
        lines.append(f"| {row['model']} | {', '.join(map(str, row['seeds']))} | "
                     f"{row['fp32']:.4f} | {row['bf16']:.4f} | {row['bf16'] - row['fp32']:+.4f} "
                     f"| {row['allowed_text']} | {'yes' if row['keeps'] else 'no'} |")
    pending = result["pending"]
    lines += ["", "Means over the seeds done in both precisions; bf16 = "
              "`torch.autocast(\"cpu\", torch.bfloat16)` around the forward pass, weights and "
              "optimizer in float32, every score computed by the float32 model (what the "
              "exported file holds). On this CPU PyTorch's nn.GRU does not run under autocast "
              "(only the linear head does); nn.LSTM does. The character runs train one epoch "
              f"of the shakespeare recipe (steps of {result['chars_per_step']:,} characters "
              "over the text's first 90%, the count depending on the seed's offset); the price "
              "presets their full recipe on one thread. Speed is not measured here (the runs "
              "share a loaded machine; each run's seconds are in the JSON): the benchmark "
              "harness times bf16 training against fp32 and Keras in one run "
              "(benchmarks/results.md).", "",
              f"{result['cores']} cores, load average {result['load_before']:.1f} before and "
              f"{result['load_after']:.1f} after; {result['minutes']:.0f} minutes wall"
              + (f"; not finished: {', '.join(pending)}" if pending else "")
              + f". Written by `{COMMAND}`."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=Path, default=Path("../shared/data/tinyshakespeare.txt"))
    parser.add_argument("--csv", type=Path,
                        default=Path("../shared/data/IBM_2006-01-01_to_2018-01-01.csv"))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--presets", default=",".join(PRICE_PRESETS))
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--resume", action="store_true",
                        help="keep the runs already in tutorial/results/precision.json")
    parser.add_argument("--workers", type=int, default=2, help="processes training at once")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    if len(seeds) < 2:
        parser.error("--seeds: give at least two seeds (the spread needs them)")
    presets = args.presets.split(",")
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    result = {"command": COMMAND, "seeds": seeds, "char": {p: {} for p in PRECISIONS},
              "price": {name: {p: {} for p in PRECISIONS} for name in presets},
              "char_steps": 0, "chars_per_step": 0, "load_before": load_before,
              "cores": os.cpu_count()}
    # The jobs in the order that gives a verdict soonest: seed by seed, both parts.
    if args.resume:
        resume(result, json.loads((RESULTS / "precision.json").read_text()))
    jobs = {}
    with ProcessPoolExecutor(args.workers) as pool:
        for seed in seeds:
            for precision in PRECISIONS:
                if seed not in result["char"][precision]:
                    jobs[pool.submit(char_run, args.text, seed, precision)] = (
                        "char", None, seed, precision)
                for name in presets:
                    if seed not in result["price"][name][precision]:
                        jobs[pool.submit(price_run, args.csv, name, seed, precision)] = (
                            "price", name, seed, precision)
        for done in as_completed(jobs):
            part, name, seed, precision = jobs[done]
            run = done.result()
            if part == "char":
                result["char"][precision][seed] = run
                result["char_steps"], result["chars_per_step"] = (run["steps"],
                                                                  run["chars_per_step"])
            else:
                result["price"][name][precision][seed] = run
            say(f"{name or 'char'} {precision} seed {seed}: {run}")
            write(result, [f"{j[1] or 'char'} {j[3]} seed {j[2]}" for f, j in jobs.items()
                           if not f.done()], started)
    if not jobs:  # --resume with every run done: the same figures, written again
        write(result, [], started, ran=False)
    print(json.dumps(result, indent=1) if args.json else markdown(result))


def resume(result: dict, saved: dict) -> None:
    """Copy the runs of an earlier, interrupted check into ``result`` (JSON's seed keys
    are text); the minutes count from this start."""
    for precision in PRECISIONS:
        result["char"][precision] = {int(k): v for k, v in saved["char"][precision].items()}
        for name, runs in result["price"].items():
            old = saved["price"].get(name, {}).get(precision, {})
            runs[precision] = {int(k): v for k, v in old.items()}
    result["char_steps"], result["chars_per_step"] = (saved["char_steps"],
                                                      saved["chars_per_step"])
    for key in ("load_before", "load_after", "minutes"):
        result[key] = saved[key]
    result["minutes_before"] = saved["minutes"]


def write(result: dict, pending: list[str], started: float, ran: bool = True) -> None:
    """Rewrite precision.json and .md with every run finished so far; ``ran``: a run just
    finished (else the load and minutes stay those of the last run)."""
    if ran:
        result.update(load_after=os.getloadavg()[0], minutes=result.get("minutes_before", 0)
                      + (time.perf_counter() - started) / 60)
    result["pending"] = pending
    result["verdicts"] = verdicts(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "precision.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / "precision.md").write_text(markdown(result))

if __name__ == "__main__":
    main()
