"""Walk-forward backtest: for each test year, train on every day before it, test on that year.

Folds (one per ticker, preset, year and seed) are independent, so they run in parallel
worker processes, each with one PyTorch thread.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from rnnlab.runtime.card_schema import MAX_SEED
from rnnlab.runtime.errors import ArgumentError, in_range
from rnnlab.runtime.prices import read_prices
from rnnlab.training.data import input_columns
from rnnlab.training.presets import Recipe, preset

MAX_WORKERS = 64


def run_fold(job: dict) -> dict:
    """Train and score one fold; ``job`` holds csv, preset, year, seed and overrides."""
    import torch

    from rnnlab.training.data import load_split
    from rnnlab.training.run import train

    torch.set_num_threads(1)
    recipe: Recipe = preset(job["preset"]).with_overrides(**job["overrides"])
    year = job["year"]
    split = load_split(job["csv"], job["target"], recipe.features, f"{year}-01-01",
                       until=f"{year + 1}-01-01")
    run = train(split, recipe, job["preset"], job["seed"], device="cpu", progress=False)
    return {**{k: job[k] for k in ("preset", "year", "seed")},
            "ticker": Path(job["csv"]).name.split("_")[0],
            "days": run.result["days"], "one_step": run.result["one_step"]}


def backtest(csvs: list[str], presets: list[str], years: list[int], seeds: list[int],
             target: str = "High", overrides: dict | None = None, workers: int = 1,
             progress=None) -> list[dict]:
    """Every fold's result, in a stable order; ``progress(done, total)`` after each fold."""
    jobs = [{"csv": c, "preset": p, "year": y, "seed": s, "target": target,
             "overrides": overrides or {}}
            for c, p, y, s in itertools.product(csvs, presets, years, seeds)]
    check_folds(csvs, presets, years, seeds, target, overrides or {}, workers)
    results = []
    if workers <= 1:
        for job in jobs:
            results.append(run_fold(job))
            if progress:
                progress(len(results), len(jobs))
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(run_fold, jobs):
            results.append(result)
            if progress:
                progress(len(results), len(jobs))
    return results


def check_folds(csvs: list[str], presets: list[str], years: list[int], seeds: list[int],
                target: str, overrides: dict, workers: int) -> None:
    """Fail fast, before any worker starts: every argument in range, every fold has days."""
    if not years or not seeds:
        raise ArgumentError("years" if not years else "seeds", [], "is empty; give at least one")
    for seed in seeds:
        in_range("seeds", seed, 0, MAX_SEED)
    for year in years:
        in_range("years", year, 1000, 9998)
    in_range("workers", workers, 1, MAX_WORKERS)
    for name in presets:
        recipe = preset(name).with_overrides(**overrides)
        for csv in csvs:
            dates = read_prices(csv, input_columns(target, recipe.features)).dates
            for year in years:
                first = np.datetime64(f"{year}-01-01")
                inside = (dates >= first) & (dates < np.datetime64(f"{year + 1}-01-01"))
                if not inside.any() or dates[0] >= first:
                    raise ArgumentError("years", year, f"{csv} runs {dates[0]} to {dates[-1]}; "
                                        "a test year needs days in it and days before it")


def summarize_folds(results: list[dict]) -> list[dict]:
    """One row per ticker, preset and year: model RMSE mean ± sd over seeds, beside baselines.

    ``ratio`` is model RMSE / persistence RMSE: below 1 beats tomorrow = today.
    """
    rows = []
    key = lambda r: (r["ticker"], r["preset"], r["year"])  # noqa: E731
    for (ticker, name, year), group in itertools.groupby(sorted(results, key=key), key=key):
        group = list(group)
        rmse = np.array([g["one_step"]["model"]["rmse"] for g in group])
        persistence = group[0]["one_step"]["persistence"]["rmse"]
        rows.append({"ticker": ticker, "preset": name, "year": year, "seeds": len(group),
                     "rmse": float(rmse.mean()),
                     "rmse_sd": float(rmse.std(ddof=1)) if len(rmse) > 1 else 0.0,
                     "persistence": persistence,
                     "flat": group[0]["one_step"]["flat"]["rmse"],
                     "ratio": float(rmse.mean() / persistence)})
    return rows


def markdown(rows: list[dict]) -> str:
    """The summary as a Markdown table."""
    lines = ["| ticker | preset | test year | model RMSE (mean ± sd) | persistence | flat "
             "| model / persistence |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['ticker']} | {r['preset']} | {r['year']} | {r['rmse']:.3f} ± "
                     f"{r['rmse_sd']:.3f} | {r['persistence']:.3f} | {r['flat']:.3f} | "
                     f"{r['ratio']:.3f} |")
    return "\n".join(lines)


def overview(rows: list[dict]) -> str:
    """One Markdown line per preset over all its folds (rows from :func:`summarize_folds`).

    A fold *beats* persistence when its mean-over-seeds ratio is below 1, and is
    *within 2%* when the ratio is at most 1.02.
    """
    lines = ["| preset | folds | beats persistence | within 2% | mean model / persistence "
             "| worst fold |", "|---|---|---|---|---|---|"]
    for name in dict.fromkeys(r["preset"] for r in rows):
        group = [r for r in rows if r["preset"] == name]
        ratios = np.array([r["ratio"] for r in group])
        worst = group[int(ratios.argmax())]
        lines.append(f"| {name} | {len(group)} | {(ratios < 1).sum()} | {(ratios <= 1.02).sum()} "
                     f"| {ratios.mean():.3f} | {worst['ticker']} {worst['year']}: "
                     f"{worst['ratio']:.3f} |")
    return "\n".join(lines)
