"""int8 against float32 for every shipped model: file size, speed and accuracy, in one run.

    python scripts/int8_table.py [--repeats 5] [--val-chars 20000] [--out PREFIX] [--json]

Each ONNX file in exported/ is written again as int8 (what ``rnnlab export FILE --int8 -o
OUT`` does) into a temporary folder, and both files are loaded by the runtime (one
onnxruntime thread per session; a batch above 48 rows runs in chunks on up to 4 threads,
the same for both). Timings alternate float32, int8, float32, ... (``--repeats`` pairs,
each sample at least 50 ms of calls); a figure is the median of its side, a speedup the
median of the per-pair ratios float32 / int8.

- price models: one step = the one-step forecasts of the card's test days (the windows
  as one batch); generation = ``model.generate(251)`` (200 sampled paths, stateful; none
  for a multivariate model); accuracy = the RMSE of the one-step forecasts on the card's
  test days (2017) of ../shared/data/<the card's data file>.
- the text model: one step = one character in, its logits and state out (batch 1);
  generation = 500 characters after a newline (batch 1); accuracy = nats/char on the first
  ``--val-chars`` characters of the validation part (the text's last 10%, as the card
  defines it).

Writes benchmarks/int8.md and benchmarks/int8.json (``--out``: other names), with the load
average before and after, marked "measured under load" when the 1-minute load is above half
a core; ``--json`` also prints the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import rnnlab
from rnnlab.runtime.errors import DataWarning
from rnnlab.runtime.files import write_text
from rnnlab.runtime.text.card import TextCard
from rnnlab.runtime.text.corpus import read_text, split
from rnnlab.training.export import export_file

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "int8"
MIN_SAMPLE_S = 0.05
GENERATED_DAYS, GENERATED_CHARS = 251, 500
BUSY_LOAD = 0.5


def timed(calls: dict, repeats: int) -> dict:
    """``calls`` {"float32": f, "int8": g}, alternated: median ms per call of each side and
    the median of the per-pair ratios float32 / int8."""
    counts = {}
    for side, call in calls.items():
        start = time.perf_counter()
        call()  # warm-up, and how many calls make a sample
        counts[side] = max(1, int(MIN_SAMPLE_S / max(time.perf_counter() - start, 1e-6)))
    pairs = []
    for _ in range(repeats):
        pair = {}
        for side, call in calls.items():
            start = time.perf_counter()
            for _ in range(counts[side]):
                call()
            pair[side] = (time.perf_counter() - start) / counts[side] * 1000
        pairs.append(pair)
    return {**{side: statistics.median(p[side] for p in pairs) for side in calls},
            "speedup": statistics.median(p["float32"] / p["int8"] for p in pairs)}


def price_row(models: dict, repeats: int) -> dict:
    card = models["float32"].card
    days = card.metrics
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # a day without Open/Low
        prices = rnnlab.read_prices(DATA / card.data_file, card.encoder.columns)
    # the forecast's windows: the test days' (and the day after the last's), as forecast() makes
    first = prices.before(np.datetime64(days["test_start"]))
    stop = prices.before(np.datetime64(days["test_end"]) + 1)
    windows = card.encoder.one_step_windows(prices.values[:stop], first)
    rmse = {side: m.forecast(prices, days["test_start"], days["test_end"]).scores["model"]["rmse"]
            for side, m in models.items()}
    row = {"one_step": timed({s: (lambda m=m: m.predict(windows)) for s, m in models.items()},
                             repeats),
           "one_step_rows": len(windows), "rmse": rmse, "card_rmse":
           days["one_step"]["model"]["rmse"], "test_days": f"{days['test_start']} to "
           f"{days['test_end']}"}
    if card.architecture.features == 1 and not card.architecture.skip:
        row["generation"] = timed({s: (lambda m=m: m.generate(GENERATED_DAYS, seed=0))
                                   for s, m in models.items()}, repeats)
    return row


def text_row(models: dict, repeats: int, val_chars: int) -> dict:
    card = models["float32"].card
    val = split(read_text(DATA / card.data_file))[1]
    scored = val[:val_chars]
    nats = {side: m.score(scored).model for side, m in models.items()}
    one, empty = models["float32"].vocab.encode("\n")[None], np.zeros((1, 0), np.float32)
    return {"one_step": timed({s: (lambda m=m: m.run(one, empty)) for s, m in models.items()},
                              repeats),
            "generation": timed({s: (lambda m=m: m.generate("\n", GENERATED_CHARS, seed=0))
                                 for s, m in models.items()}, repeats),
            "nats": nats, "card_nats": card.scores["model"], "scored_chars": len(scored) - 1,
            "val_chars": len(val)}


def measure(repeats: int, val_chars: int) -> dict:
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        for path in sorted((ROOT / "exported").glob("*.onnx")):
            int8_path = Path(folder) / path.name
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                export_file(path, int8_path, int8=True)
            models = {"float32": rnnlab.load(path), "int8": rnnlab.load(int8_path)}
            card = models["float32"].card
            text = isinstance(card, TextCard)
            row = text_row(models, repeats, val_chars) if text else price_row(models, repeats)
            cells = card.cell if text else "+".join(sorted(set(card.architecture.cells)))
            rows[path.name] = {"cells": cells, "bytes": {"float32": path.stat().st_size,
                                                         "int8": int8_path.stat().st_size},
                               "notes": [str(w.message) for w in caught], **row}
            print(f"{path.name}: done", file=sys.stderr, flush=True)
    return rows


def speed(cell: dict | None) -> str:
    if cell is None:
        return "| - | - | - "
    return f"| {cell['float32']:.1f} | {cell['int8']:.1f} | {cell['speedup']:.2f}x "


def markdown(result: dict) -> str:
    rows = result["rows"]
    lines = ["| file | layers | float32 | int8 | size | one step f32 ms | int8 ms | speedup "
             "| generation f32 ms | int8 ms | speedup |", "|---|---|---:|---:|---:|---:|---:|"
             "---:|---:|---:|---:|"]
    for name, r in rows.items():
        f32, i8 = r["bytes"]["float32"], r["bytes"]["int8"]
        lines.append(f"| `{name}` | {r['cells']} | {f32 / 1024:,.0f} KiB | {i8 / 1024:,.0f} KiB "
                     f"| {i8 / f32:.0%} {speed(r['one_step'])}{speed(r.get('generation'))}|")
    lines += ["", "| file | accuracy on | float32 | int8 | change |", "|---|---|---:|---:|---:|"]
    for name, r in rows.items():
        if "rmse" in r:
            a, b, on = r["rmse"]["float32"], r["rmse"]["int8"], f"RMSE, {r['test_days']}"
        else:
            a, b = r["nats"]["float32"], r["nats"]["int8"]
            on = (f"nats/char, first {r['scored_chars'] + 1:,} of the {r['val_chars']:,} "
                  "validation characters")
        lines.append(f"| `{name}` | {on} | {a:.4f} | {b:.4f} | {(b - a) / a:+.2%} |")
    notes = sorted({n for r in rows.values() for n in r["notes"]})
    lines += ["", "One step: a price model's one-step forecasts of its test days as one batch, "
              "the text model's one character in (batch 1); generation: 251 days x 200 "
              f"sampled paths, or {GENERATED_CHARS} characters (batch 1). Median of "
              f"{result['repeats']} alternating pairs; speedup = float32 time / int8 time.",
              *(f"Export said: \"{n}\"" for n in notes), "",
              f"Written by `{result['command']}`; load average {result['load_before']} before "
              f"and {result['load_after']} after (`cat /proc/loadavg`), {result['cores']} "
              f"cores; {result['seconds']:.0f} s in all. {result['conditions']}"]
    return "\n".join(lines) + "\n"


def conditions(loadavg: str) -> str:
    """Whether the machine was busy when the run began (1-minute load above half a core)."""
    if float(loadavg.split()[0]) > BUSY_LOAD:
        return "**Measured under load** (a shared machine): the speeds are indicative only."
    return "Measured on a quiet machine."


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed pairs per figure")
    parser.add_argument("--val-chars", type=int, default=20_000,
                        help="validation characters the text model is scored on")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="writes OUT.md and OUT.json (default benchmarks/int8)")
    parser.add_argument("--json", action="store_true", help="also print the JSON")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.val_chars < 2:
        parser.error("--repeats must be at least 1 and --val-chars at least 2")
    loadavg = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    started = time.perf_counter()
    rows = measure(args.repeats, args.val_chars)
    command = "python scripts/int8_table.py" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    result = {"command": command, "repeats": args.repeats, "rows": rows,
              "load_before": loadavg,
              "load_after": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
              "cores": os.cpu_count(), "seconds": time.perf_counter() - started,
              "conditions": conditions(loadavg)}
    write_text(args.out.with_suffix(".json"), json.dumps(result, indent=1) + "\n")
    write_text(args.out.with_suffix(".md"), markdown(result))
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(markdown(result))


if __name__ == "__main__":
    main()
