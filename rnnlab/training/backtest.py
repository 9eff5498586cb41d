"""Walk-forward backtest: for each test year, train on every day before it, test on that year.

Folds (one per ticker, preset, year and seed) are independent, so they run in parallel
worker processes, each with one PyTorch thread.
"""

from __future__ import annotations

import itertools
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from rnnlab.runtime.errors import DataWarning
from rnnlab.runtime.metrics import BASELINES, scores
from rnnlab.training.presets import Recipe, preset


def run_fold(job: dict) -> dict:
    """Train and score one fold; ``job`` holds csv, preset, year, seed, missing and overrides.

    The fold's data warnings (dropped or filled days of its own rows) are returned in
    ``warnings``, each naming the fold, instead of printing once per process.
    """
    import torch

    from rnnlab.training.data import load_split
    from rnnlab.training.run import train

    torch.set_num_threads(1)
    recipe: Recipe = preset(job["preset"]).with_overrides(**job["overrides"])
    year, ticker = job["year"], Path(job["csv"]).name.split("_")[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        split = load_split(job["csv"], job["target"], recipe.features, f"{year}-01-01",
                           missing=job.get("missing", "drop"), until=f"{year + 1}-01-01")
        run = train(split, recipe, job["preset"], job["seed"], device="cpu", progress=False)
    name = f"{ticker} {job['preset']} {year} seed {job['seed']}"
    predictions = run.result["predictions"]
    return {**{k: job[k] for k in ("preset", "year", "seed")}, "ticker": ticker,
            "days": run.result["days"], "one_step": run.result["one_step"],
            "actual": predictions["actual"],
            "predicted": [round(v, 4) for v in predictions["one_step"]],
            "warnings": [f"fold {name}: {w.message}" for w in caught
                         if issubclass(w.category, DataWarning)]}


def backtest(csvs: list[str], presets: list[str], years: list[int], seeds: list[int],
             target: str = "High", overrides: dict | None = None, workers: int = 1,
             progress=None, missing: str = "drop") -> list[dict]:
    """Every fold's result, in a stable order; ``progress(done, total)`` after each fold.

    ``missing`` is the policy for empty cells (see :func:`rnnlab.runtime.prices.read_prices`).
    """
    jobs = [{"csv": c, "preset": p, "year": y, "seed": s, "target": target,
             "missing": missing, "overrides": overrides or {}}
            for c, p, y, s in itertools.product(csvs, presets, years, seeds)]
    for name in presets:
        preset(name)  # fail fast on an unknown preset, before any worker starts
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


def summarize_folds(results: list[dict]) -> list[dict]:
    """One row per ticker, preset and year: model RMSE mean ± sd over seeds, beside baselines.

    ``ratio`` is model RMSE / persistence RMSE and ``ratio_linear`` model RMSE / linear
    RMSE: below 1 beats tomorrow = today, or the linear model on the same inputs.
    ``ensemble`` is the RMSE of the seeds' mean forecast (where folds carry predictions).
    Baselines a fold lacks (results from before they existed) are None.
    """
    rows = []
    key = lambda r: (r["ticker"], r["preset"], r["year"])  # noqa: E731
    for (ticker, name, year), group in itertools.groupby(sorted(results, key=key), key=key):
        group = list(group)
        rmse = np.array([g["one_step"]["model"]["rmse"] for g in group])
        table = group[0]["one_step"]
        base = {b: table[b]["rmse"] if b in table else None for b in BASELINES}
        rows.append({"ticker": ticker, "preset": name, "year": year, "seeds": len(group),
                     "rmse": float(rmse.mean()),
                     "rmse_sd": float(rmse.std(ddof=1)) if len(rmse) > 1 else 0.0,
                     "ensemble": _ensemble_rmse(group), **base,
                     "ratio": float(rmse.mean() / base["persistence"]),
                     "ratio_linear": (float(rmse.mean() / base["linear"])
                                      if base["linear"] else None)})
    return rows


def _ensemble_rmse(group: list[dict]) -> float | None:
    """RMSE of the mean over seeds of the folds' forecasts (None without predictions)."""
    if len(group) < 2 or not all("predicted" in g for g in group):
        return None
    mean = np.mean([g["predicted"] for g in group], axis=0)
    return scores(np.array(group[0]["actual"]), mean)["rmse"]


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def markdown(rows: list[dict]) -> str:
    """The summary as a Markdown table."""
    lines = ["| ticker | preset | test year | model RMSE (mean ± sd) | seed ensemble | linear "
             "| close-anchored | persistence | flat | model / linear | model / persistence |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cells = [r["ticker"], r["preset"], r["year"], f"{r['rmse']:.3f} ± {r['rmse_sd']:.3f}",
                 *map(_number, (r.get("ensemble"), r.get("linear"), r.get("close-anchored"),
                                r["persistence"], r["flat"], r.get("ratio_linear"),
                                r["ratio"]))]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines)


def overview(rows: list[dict]) -> str:
    """One Markdown line per preset over all its folds (rows from :func:`summarize_folds`).

    A fold *beats* a baseline when its mean-over-seeds ratio is below 1, and is
    *within 2%* of persistence when the ratio is at most 1.02. Presets backtested
    before the linear baseline existed show "—" in its columns.
    """
    lines = ["| preset | folds | beats persistence | within 2% | mean model / persistence "
             "| worst fold | beats linear | mean model / linear |",
             "|---|---|---|---|---|---|---|---|"]
    for name in dict.fromkeys(r["preset"] for r in rows):
        group = [r for r in rows if r["preset"] == name]
        ratios = np.array([r["ratio"] for r in group])
        worst = group[int(ratios.argmax())]
        linear = [r.get("ratio_linear") for r in group]
        known = np.array([v for v in linear if v is not None])
        against_linear = (f"{(known < 1).sum()} | {known.mean():.3f}"
                          if len(known) == len(group) else "— | —")
        lines.append(f"| {name} | {len(group)} | {(ratios < 1).sum()} | {(ratios <= 1.02).sum()} "
                     f"| {ratios.mean():.3f} | {worst['ticker']} {worst['year']}: "
                     f"{worst['ratio']:.3f} | {against_linear} |")
    return "\n".join(lines)
