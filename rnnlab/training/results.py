"""What scoring a trained forecaster returns: its test-day evaluation beside the baselines.

Prices and errors are in the price file's units (e.g. USD); MAPE is in percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab.runtime.forecasts import rmse_line, span
from rnnlab.runtime.prices.frames import date_frame
from rnnlab.runtime.scores.metrics import format_table
from rnnlab.runtime.scores.paths import format_paths_table

VIEWS = ("one_step", "generation")


@dataclass(frozen=True)
class Evaluation:
    """A model's scores on its test days beside the baselines, and its predictions.

    Attributes:
        metrics: ``{"test_start", "test_end", "days", "one_step": table[, "generation":
            table]}``; a table maps the model and each baseline to ``rmse`` and ``mae``
            (price units) and ``mape`` (percent) on the same days.
        dates: ``(days,)`` the test days.
        actual: ``(days,)`` real prices of the target column.
        one_step: ``(days,)`` each day forecast from the true days before it.
        generation: ``(days,)`` the test period generated from the last training
            window, feeding predictions back; None for multivariate models.
    """

    metrics: dict
    dates: np.ndarray
    actual: np.ndarray
    one_step: np.ndarray
    generation: np.ndarray | None = None

    def to_dict(self) -> dict:
        """The metrics and ``"predictions": {"dates", "actual", "one_step"[, "generation"]}``
        as plain JSON data (dates as ``YYYY-MM-DD`` strings)."""
        predictions = {"dates": [str(d) for d in self.dates], "actual": self.actual.tolist(),
                       "one_step": self.one_step.tolist()}
        if self.generation is not None:
            predictions["generation"] = self.generation.tolist()
        return {**self.metrics, "predictions": predictions}

    @staticmethod
    def format_metrics(metrics: dict, title: str) -> str:
        """One plain-text table per view (one-step, generation) of an evaluation's metrics."""
        formats = {"one_step": format_table, "generation": format_paths_table}
        return "\n".join(
            formats[view](metrics[view], f"{title} {view.replace('_', '-')}, "
                          f"{metrics['test_start']} to {metrics['test_end']} ({metrics['days']} "
                          "days):")
            for view in VIEWS if view in metrics)

    @staticmethod
    def mean_over_seeds(evaluations: list[Evaluation]) -> dict:
        """Mean and sample sd over seeds of every metric: ``rmse`` and ``rmse_sd`` etc."""
        results = [evaluation.metrics for evaluation in evaluations]
        summary = {}
        for view in ("one_step", "generation"):
            if view not in results[0]:
                continue
            summary[view] = {}
            for name in results[0][view]:
                summary[view][name] = {}
                for metric in results[0][view][name]:
                    values = np.array([r[view][name][metric] for r in results])
                    summary[view][name][metric] = float(values.mean())
                    if len(values) > 1:
                        summary[view][name][metric + "_sd"] = float(values.std(ddof=1))
        return summary

    def format(self, title: str = "test") -> str:
        """The score tables as plain text."""
        return self.format_metrics(self.metrics, title)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        views = "; ".join(f"{view.replace('_', '-')} {rmse_line(self.metrics[view])}"
                          for view in VIEWS if view in self.metrics)
        return f"Evaluation({span(self.dates)}, {len(self.dates)} days; {views})"

    def to_frame(self) -> Any:
        """``actual``, ``one_step`` (and ``generation``) indexed by ``Date`` (needs pandas)."""
        columns = {"actual": self.actual, "one_step": self.one_step}
        if self.generation is not None:
            columns["generation"] = self.generation
        return date_frame(self.dates, columns)
