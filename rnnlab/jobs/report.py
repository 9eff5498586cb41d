"""What a walk-forward backtest returns: every fold, a summary row per ticker, preset and
year beside the baselines, how sure each ratio is, and the Markdown tables.

Prices and errors are in the price file's units (e.g. USD). This module imports nothing from
the code that runs the folds (:mod:`rnnlab.jobs.backtest`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnlab.runtime.extras import require
from rnnlab.runtime.scores.metrics import BASELINES, scores
from rnnlab.runtime.scores.significance import compare_losses


def fold_key(fold: dict) -> tuple[str, str, int]:
    """What groups a backtest's folds into one row: ticker, preset and test year (the
    seeds of a fold share it)."""
    return fold["ticker"], fold["preset"], fold["year"]


def summarize_folds(results: list[dict]) -> list[dict]:
    """One row per ticker, preset and year: model RMSE mean ± sd over seeds, beside baselines.

    ``ratio`` is model RMSE / persistence RMSE and ``ratio_linear`` model RMSE / linear
    RMSE: below 1 beats tomorrow = today, or the linear model on the same inputs.
    ``ensemble`` is the RMSE of the seeds' mean forecast (where folds carry predictions).
    Baselines a fold lacks (results from before they existed) are None.
    """
    rows = []
    for (ticker, name, year), group in itertools.groupby(sorted(results, key=fold_key),
                                                         key=fold_key):
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


def significance(folds: list[dict]) -> list[dict]:
    """How sure each RMSE ratio is: per ticker, preset and year, then pooled per preset, the
    ratio of the model to each baseline with its 95% moving-block bootstrap interval and a
    Diebold-Mariano test (squared-error loss, HAC variance, horizon 1; see
    :mod:`rnnlab.runtime.scores.significance`).

    A day's model loss is the mean over seeds of its squared error; days no score counts
    (a filled target) are left out. Folds stored without their baselines' daily forecasts
    (by an older rnnlab) are left out too. Pooled: every ticker-year's days together.
    """
    rows, pooled = [], {}
    kept = sorted((f for f in folds if "baselines" in f), key=fold_key)
    for (ticker, name, year), group in itertools.groupby(kept, key=fold_key):
        group = list(group)
        scored = np.ones(len(group[0]["actual"]), dtype=bool)
        scored[group[0]["unscored"]] = False
        actual = np.array(group[0]["actual"])[scored]
        losses = {"model": np.mean([(np.array(f["predicted"])[scored] - actual) ** 2
                                    for f in group], axis=0)}
        losses.update({base: (np.array(values)[scored] - actual) ** 2
                       for base, values in group[0]["baselines"].items()})
        rows.append({"ticker": ticker, "preset": name, "year": year, "seeds": len(group),
                     **_against(losses)})
        for base, loss in losses.items():
            pooled.setdefault(name, {}).setdefault(base, []).append(loss)
    for name, parts in pooled.items():
        together = {base: np.concatenate(loss) for base, loss in parts.items()
                    if len(loss) == len(parts["model"])}  # baselines every fold has
        rows.append({"ticker": "pooled", "preset": name, "year": "all",
                     "seeds": None, **_against(together)})
    return rows


def _against(losses: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """``compare_losses`` of the model against each baseline (JSON-ready rows)."""
    return {"vs": {base: compare_losses(losses["model"], loss)
                   for base, loss in losses.items() if base != "model"}}


def significance_markdown(rows: list[dict]) -> str:
    """The rows of :func:`significance` as a Markdown table: one column per baseline, each
    cell the ratio model / baseline, its 95% interval and the DM statistic (p)."""
    if not rows:
        return "No fold carries its baselines' daily forecasts: rerun the backtest."
    bases = list(dict.fromkeys(base for r in rows for base in r["vs"]))
    lines = ["| ticker | preset | year | " + " | ".join(
        f"model / {base} [95%], DM (p)" for base in bases) + " |",
        "|---|---|---|" + "---|" * len(bases)]
    for r in rows:
        cells = [_sure(r["vs"].get(base)) for base in bases]
        lines.append(f"| {r['ticker']} | {r['preset']} | {r['year']} | " + " | ".join(cells)
                     + " |")
    return "\n".join(lines)


def _sure(row: dict | None) -> str:
    if row is None:
        return "—"
    return (f"{row['ratio']:.3f} [{row['low']:.3f}, {row['high']:.3f}], {row['dm']:+.2f} "
            f"({row['p']:.2f})")


@dataclass(frozen=True)
class Backtest:
    """A walk-forward backtest: every fold, and one summary row per ticker, preset and year.

    Attributes:
        folds: one dict per ticker, preset, test year and seed, with that fold's
            one-step scores beside the baselines on the year's test days.
        summary: one dict per ticker, preset and year: model RMSE mean and sd over
            seeds beside the baselines' RMSE, and ``ratio`` = model / persistence
            (below 1 beats tomorrow = today).
        significance: per ticker, preset and year, then pooled per preset: the ratio of
            the model to each baseline with its 95% block-bootstrap interval and a
            Diebold-Mariano test (see :func:`significance`).
    """

    folds: list[dict]
    summary: list[dict]
    significance: list[dict] = field(default_factory=list)

    def markdown(self) -> str:
        """The summary as a Markdown table."""
        return markdown(self.summary)

    def to_dict(self) -> dict:
        """``{"folds", "summary", "significance"}``: what ``rnnlab backtest --json`` prints."""
        return {"folds": self.folds, "summary": self.summary, "significance": self.significance}

    def significance_markdown(self) -> str:
        """How sure each ratio is, as a Markdown table (see :func:`significance`)."""
        return significance_markdown(self.significance)

    def overview(self) -> str:
        """One Markdown line per preset over all its folds: how many beat persistence."""
        return overview(self.summary)

    def __str__(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        ratios = [row["ratio"] for row in self.summary]
        mean = f"; mean RMSE / persistence {np.mean(ratios):.3f}" if ratios else ""
        return f"Backtest({len(self.folds)} fold(s), {len(self.summary)} ticker-year(s){mean})"

    def to_frame(self) -> Any:
        """The summary as a DataFrame indexed by ticker, preset and test year (needs pandas)."""
        pandas = require("pandas", "to_frame()")
        return pandas.DataFrame(self.summary).set_index(["ticker", "preset", "year"])
