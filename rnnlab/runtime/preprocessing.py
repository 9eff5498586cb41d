"""From raw prices to model inputs and back: transform, min-max scale, window.

One :class:`Encoder` serves training and the runtime, so a model always sees
its inputs prepared exactly as it was trained. It is fit on training days only.

The pipeline, per column, for raw prices ``p`` of shape ``(days, features)``:

1. columns in ``log_columns`` (e.g. Volume) become ``log(1 + p)``;
2. the ``transform``: ``level`` keeps values, ``diff`` takes ``p_t - p_{t-1}``,
   ``logret`` takes ``log(p_t / p_{t-1})`` (a difference for log columns), and
   ``relative`` takes ``log(p_t / target_{t-1})``: every price column against the
   target's previous day, so a day's Close and Low say where they closed relative
   to the High (for the target column itself this is its log return);
3. min-max scaling to [0, 1] with the training days' minimum and maximum.

Column 0 is always the target: the model predicts its next scaled value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from rnnlab.runtime.errors import RnnlabError

TRANSFORMS = ("level", "diff", "logret", "relative")
POSITIVE_TRANSFORMS = ("logret", "relative")  # they take logs of prices


def sliding_windows(series: np.ndarray, window: int) -> np.ndarray:
    """All windows of ``window`` consecutive rows, without a Python loop.

    Args:
        series: ``(days, features)``.
    Returns:
        ``(days - window + 1, window, features)`` float32, a fresh writeable array.
    """
    view = np.lib.stride_tricks.sliding_window_view(series, window, axis=0)
    return np.array(view.transpose(0, 2, 1), dtype=np.float32, order="C")


@dataclass(frozen=True)
class Encoder:
    """Fitted preprocessing for one model; every field is a plain number or string."""

    columns: tuple[str, ...]
    window: int
    lo: tuple[float, ...]
    hi: tuple[float, ...]
    transform: str = "level"
    log_columns: tuple[str, ...] = ()

    @classmethod
    def fit(
        cls,
        train: np.ndarray,
        columns: tuple[str, ...],
        window: int,
        transform: str = "level",
        log_columns: tuple[str, ...] = (),
    ) -> Encoder:
        """Fit the scaler on the training days ``train``, shape ``(days, features)``."""
        if transform not in TRANSFORMS:
            raise RnnlabError(f"--transform: '{transform}' is unknown; use one of {TRANSFORMS}")
        if columns[0] in log_columns:
            raise RnnlabError(f"--log-columns: the target '{columns[0]}' cannot be logged")
        unfitted = cls(columns, window, (0.0,) * len(columns), (1.0,) * len(columns),
                       transform, tuple(log_columns))
        changes = unfitted.changes(train)
        lo, hi = changes.min(axis=0), changes.max(axis=0)
        # A constant column gets a span of 1 (what scaling did anyway), so hi > lo always.
        hi = np.where(hi > lo, hi, lo + 1.0)
        return cls(columns, window, tuple(lo.tolist()), tuple(hi.tolist()), transform,
                   tuple(log_columns))

    @property
    def offset(self) -> int:
        """Raw days consumed before the first transformed row (1 for diff/logret)."""
        return 0 if self.transform == "level" else 1

    @property
    def history_days(self) -> int:
        """Raw days needed to build one input window."""
        return self.window + self.offset

    def changes(self, raw: np.ndarray) -> np.ndarray:
        """Steps 1-2: ``(days, F)`` raw prices -> ``(days - offset, F)`` unscaled."""
        logged = np.array([c in self.log_columns for c in self.columns])
        x = np.where(logged, np.log1p(np.maximum(raw, 0.0)), raw)
        if self.transform == "level":
            return x
        if self.transform in POSITIVE_TRANSFORMS and np.any(raw[:, ~logged] <= 0):
            raise RnnlabError(f"the {self.transform} transform needs prices above zero")
        if self.transform == "relative":
            # r_t = log(p_t / target_{t-1}); log columns difference themselves
            relative = np.log(np.where(logged, 1.0, raw)[1:] / raw[:-1, :1])
            return np.where(logged, np.diff(x, axis=0), relative)
        if self.transform == "logret":
            # r_t = log(p_t / p_{t-1}); log columns are already logs, so they just difference
            x = np.where(logged, x, np.log(np.where(logged, 1.0, raw)))
        # d_t = x_t - x_{t-1}
        return np.diff(x, axis=0)

    def encode(self, raw: np.ndarray) -> np.ndarray:
        """Steps 1-3: ``(days, F)`` raw -> ``(days - offset, F)`` scaled float32."""
        lo, span = self._scale()
        # x' = (x - min) / (max - min)
        return ((self.changes(raw) - lo) / span).astype(np.float32)

    def unscale_target(self, scaled: np.ndarray) -> np.ndarray:
        """Step 3 undone for column 0 (any shape)."""
        lo, span = self._scale()
        # x = x' (max - min) + min
        return np.asarray(scaled, dtype=np.float64) * span[0] + lo[0]

    def next_levels(self, scaled: np.ndarray, previous: np.ndarray) -> np.ndarray:
        """Target prices from one-step predictions, each beside its true previous day.

        Args:
            scaled: ``(n,)`` predicted scaled values.
            previous: ``(n,)`` the true target price the day before each prediction.
        """
        change = self.unscale_target(scaled)
        if self.transform == "level":
            return change
        # p_t = p_{t-1} + d_t,  or  p_t = p_{t-1} exp(r_t)
        return previous + change if self.transform == "diff" else previous * np.exp(change)

    def path_levels(self, scaled: np.ndarray, last: float) -> np.ndarray:
        """Target prices of generated paths, each step building on the one before.

        Args:
            scaled: ``(paths, steps)`` generated scaled values.
            last: the last known target price, where every path starts.
        """
        change = self.unscale_target(scaled)
        if self.transform == "level":
            return change
        # p_{t+k} = p_t + sum d,  or  p_{t+k} = p_t exp(sum r)
        total = np.cumsum(change, axis=-1)
        return last + total if self.transform == "diff" else last * np.exp(total)

    def supervised(self, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Training pairs: every window and the scaled target right after it.

        Returns:
            ``x`` of shape ``(pairs, window, features)``, ``y`` of shape ``(pairs,)``.
        """
        encoded = self.encode(self.require(raw, self.history_days + 1, "training",
                                           "give more training days or a smaller window"))
        return sliding_windows(encoded[:-1], self.window), encoded[self.window:, 0].copy()

    def one_step_windows(self, raw: np.ndarray, first: int) -> np.ndarray:
        """Windows that forecast raw days ``first .. days`` (the last is tomorrow).

        Each window ends the day before the day it forecasts, on true history.
        Returns ``(days - first + 1, window, features)``.
        """
        if first < self.history_days:
            raise RnnlabError(
                f"the first forecast day needs {self.history_days} earlier rows of history, "
                f"the file has {first}; start later or give a longer CSV"
            )
        encoded = self.encode(raw[first - self.history_days:])
        return sliding_windows(encoded, self.window)

    def last_window(self, raw: np.ndarray) -> np.ndarray:
        """The window that ends on the last row of ``raw``: ``(1, window, features)``."""
        raw = self.require(raw, self.history_days, "a generation start")
        return sliding_windows(self.encode(raw[-self.history_days:]), self.window)

    def require(self, raw: np.ndarray, rows: int, purpose: str,
                fix: str = "give a longer CSV") -> np.ndarray:
        """``raw`` itself, or an error saying how many rows ``purpose`` needs and ``fix``."""
        if len(raw) < rows:
            raise RnnlabError(
                f"{purpose} needs at least {rows} rows (window {self.window}"
                f"{' + 1 for the ' + self.transform if self.offset else ''}), got {len(raw)}; "
                f"{fix}"
            )
        return raw

    def beyond_training(self, raw: np.ndarray) -> list[str]:
        """Columns of ``raw (days, F)`` whose inputs leave the scaler's training range.

        One phrase per column that goes below its minimum or above its maximum by more
        than a margin of the range's span, saying by how much. The margin is 5% for
        levels, which a model cannot extrapolate; 50% for daily changes, whose record
        days are routinely beaten a little out of sample.
        """
        margin = 0.05 if self.transform == "level" else 0.5
        kind = {"level": "values", "diff": "daily changes"}.get(self.transform, "log changes")
        found = []
        with np.errstate(all="ignore"):
            changes = self.changes(raw)
        for column, x, lo, hi in zip(self.columns, changes.T, self.lo, self.hi):
            span = hi - lo
            # how far past the nearer edge, as a fraction of the training span
            low, high = (lo - x.min()) / span, (x.max() - hi) / span
            if max(low, high) > margin:
                edge, value = ("above", x.max()) if high >= low else ("below", x.min())
                found.append(f"{column} {kind} reach {value:.6g}, {max(low, high):.0%} of the "
                             f"training range {edge} it ({lo:.6g} to {hi:.6g})")
        return found

    def to_dict(self) -> dict:
        """JSON-ready fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, fields: dict) -> Encoder:
        """Inverse of :meth:`to_dict`."""
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})

    def _scale(self) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.array(self.lo), np.array(self.hi)
        span = np.where(hi > lo, hi - lo, 1.0)
        return lo, span
