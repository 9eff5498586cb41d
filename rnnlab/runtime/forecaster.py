"""Load an exported ONNX forecaster and use it: forecast, generate, stream.

Needs only numpy and onnxruntime. A file is checked before use: it must be a
single-file ONNX model with valid rnnlab metadata whose graph matches it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort

from rnnlab.runtime import arguments
from rnnlab.runtime.card import Card
from rnnlab.runtime.card_checks import MAX_SEED
from rnnlab.runtime.errors import ArgumentError, RnnlabError
from rnnlab.runtime.forecasts import Forecast, Generated
from rnnlab.runtime.preprocessing import POSITIVE_TRANSFORMS
from rnnlab.runtime.prices.calendar import trading_days_after
from rnnlab.runtime.prices.sources import PriceSource, check_source, read_prices
from rnnlab.runtime.prices.table import Prices, check_positive
from rnnlab.runtime.scores.baselines import score_one_step
from rnnlab.runtime.scores.conformal import calibrate
from rnnlab.runtime.scores.paths import PATHS, compare_paths
from rnnlab.runtime.scores.plausibility import warn_beyond_training, warn_implausible
from rnnlab.runtime.shipped import DEFAULT, SHIPPED, TEXT_SHIPPED, resolve
from rnnlab.runtime.text.card import TextCard, is_text
from rnnlab.runtime.text.model import TextModel

MAX_STEPS = 10_000
# Rows per call of a large batch: onnxruntime's recurrent kernels can be faster per row on
# small batches (their gate buffers stay in cache); `python -m benchmarks.steps --chunks`
# (benchmarks/chunks.md) times 251 windows for several chunk sizes.
ROWS_PER_CALL = 48
MAX_THREADS = 4
CORES = os.cpu_count() or 1


@lru_cache(maxsize=16)
def _zeros(*shape: int) -> np.ndarray:
    """A read-only float32 zeros array, made once per shape (the runtime's hot path)."""
    zeros = np.zeros(shape, dtype=np.float32)
    zeros.flags.writeable = False
    return zeros
MAX_SAMPLES = 10_000
MODES = ("windowed", "stateful")


class Model:
    """An exported forecaster, as ``rnnlab.load`` returns it.

    Attributes:
        path: the ONNX file.
        card: the model card: architecture, preprocessing, the data it was trained on
            and its test scores beside the baselines.
        encoder: ``card.encoder``: the input columns, window and scaling, which turn
            prices into scaled windows ``(batch, window, features)`` and back.
        session: the onnxruntime ``InferenceSession`` (large batches also open one
            per worker thread: two threads running one session slow each other down).
    """

    def __init__(self, path: Path, session: ort.InferenceSession, card: Card,
                 open_session: Callable[[], ort.InferenceSession] | None = None) -> None:
        self.path, self.session, self.card = path, session, card
        self.open_session = open_session or (lambda: session)
        self.arch, self.encoder = card.architecture, card.encoder
        self.threads = min(CORES, MAX_THREADS)
        self.pool: ThreadPoolExecutor | None = None  # made on the first large batch
        self.worker = threading.local()  # each pool thread's own session

    # -- the graph, in scaled units -------------------------------------------------------

    def zero_state(self, batch: int) -> np.ndarray:
        """``(state_rows, batch, units)`` zeros, read-only: the state before any input."""
        return _zeros(self.arch.state_rows(), batch, self.arch.units)

    def run(self, x: np.ndarray, steps: int = 1, stateful: bool = False,
            state: np.ndarray | None = None,
            noise: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Run the graph: ``x (batch, time, features)`` -> ``(y (batch, steps), state)``.

        Up to ``ROWS_PER_CALL`` rows take one ``session.run``; larger batches run in
        chunks across the cores, with the same result: one chunk per core for stateful
        generation, whose every step costs each call about the same whatever its rows,
        else chunks of at most ``ROWS_PER_CALL`` rows.

        ``noise (steps, batch)`` is added to each scaled prediction before it is fed
        back; None means zeros (the deterministic path).
        """
        x = np.ascontiguousarray(x, dtype=np.float32)
        batch = len(x)
        noise = _zeros(steps, batch) if noise is None else noise.astype(np.float32)
        state = self.zero_state(batch) if state is None else state
        flags = {"steps": np.array(steps, dtype=np.int64), "stateful": np.array(stateful)}
        if batch <= ROWS_PER_CALL:
            return tuple(self.session.run(None, {"x": x, "state": state, "noise": noise, **flags}))
        # Rows of a batch are independent: run it in chunks, side by side on the cores
        # (onnxruntime releases the GIL), then stitch the chunks back together.
        # Chunks of at most ROWS_PER_CALL rows, the same number for every thread; stateful
        # generation pays its per-step launches once per call, so one chunk per thread.
        per_thread = 1 if stateful and steps > 1 else -(-batch // (ROWS_PER_CALL * self.threads))
        chunks = per_thread * self.threads
        feeds = [{"x": xs, "state": ss, "noise": ns, **flags} for xs, ss, ns in zip(
            np.array_split(x, chunks), np.array_split(state, chunks, axis=1),
            np.array_split(noise, chunks, axis=1))]
        done = list(self.map(lambda feed: self.thread_session().run(None, feed), feeds))
        return (np.concatenate([y for y, _ in done]),
                np.concatenate([s for _, s in done], axis=1))

    def map(self, call, feeds: list) -> Iterator:
        """``call`` on every feed, on ``self.threads`` threads (one per core)."""
        if self.threads <= 1:
            return map(call, feeds)
        if self.pool is None:
            self.pool = ThreadPoolExecutor(self.threads)
        return self.pool.map(call, feeds)

    def thread_session(self) -> ort.InferenceSession:
        """The calling pool thread's own session, opened on its first chunk."""
        if self.threads <= 1:  # no pool: chunks run one after another in this thread
            return self.session
        if not hasattr(self.worker, "session"):
            self.worker.session = self.open_session()
        return self.worker.session

    def predict(self, windows: np.ndarray) -> np.ndarray:
        """Scaled next values for windows ``(batch, window, features)`` -> ``(batch,)``."""
        return self.run(windows)[0][:, 0]

    def generate_scaled(self, start: np.ndarray, steps: int, mode: str = "windowed",
                        noise: np.ndarray | None = None) -> np.ndarray:
        """Generate from scaled windows ``(paths, window, 1)`` -> ``(paths, steps)``."""
        self.check_generation(steps, mode)
        return self.run(start, steps, stateful=mode == "stateful", noise=noise)[0]

    def check_generation(self, steps: int, mode: str) -> None:
        arguments.integer("steps", steps, 1, MAX_STEPS)
        if mode not in MODES:
            raise ArgumentError("mode", mode, "is unknown; use windowed or stateful")
        if self.arch.features > 1 and steps > 1:
            raise RnnlabError(f"{self.path}: a model with input columns {self.encoder.columns} "
                              "cannot generate (it would need to forecast every column)")
        if self.arch.skip and steps > 1:
            raise RnnlabError(f"{self.path}: a linear-plus-recurrent model forecasts one step "
                              "only; generate with a plain one (e.g. return-gru)")
        if mode == "stateful" and self.arch.bidirectional:
            raise RnnlabError(f"{self.path}: a bidirectional model reads each window backwards "
                              "too, so it cannot stream; use --mode windowed")

    # -- in prices ------------------------------------------------------------------------

    def forecast(self, prices: PriceSource, start: str | None = None, end: str | None = None,
                 missing: str = "drop", interval: float | None = None) -> Forecast:
        """One-step forecasts for the days from ``start`` to ``end`` (inclusive).

        Each day is forecast from the true days before it. By default the range is the
        days after the model's training period, or the whole file when the file ends
        before that; history before ``start`` feeds the first window. The last value
        forecasts the trading day after ``end`` (the card's exchange's calendar).

        Args:
            prices: anything ``rnnlab.read_prices`` reads (a CSV path, a DataFrame,
                Prices) with the model's columns (``model.encoder.columns``).
            start: the first day to forecast (``YYYY-MM-DD``, ``datetime.date``,
                ``numpy.datetime64``, pandas ``Timestamp``: see ``arguments.date``), or None
                for the default above.
            end: the last day to forecast, on or after ``start``, or None for the file's last.
            missing: for a CSV or DataFrame: ``"drop"`` or ``"ffill"`` empty cells.
            interval: a nominal coverage (e.g. 0.9) for split-conformal intervals,
                calibrated on the one-step errors of the 250 days before ``start``
                (``rnnlab.runtime.scores.conformal``), or None for none.

        Returns:
            ``Forecast`` with ``(days,)`` prices and scores beside the baselines (and
            ``lower``/``upper`` with ``interval``).
        """
        start_day = arguments.optional_date("start", start)
        end_day = arguments.optional_date("end", end)
        if start_day is not None and end_day is not None and end_day < start_day:
            raise ArgumentError("end", str(end_day), f"is before start={str(start_day)!r}; "
                                "give an end on or after the start")
        prices = read_prices(check_source("prices", prices), self.encoder.columns, missing)
        self.check_prices(prices)
        dates = prices.dates
        stop = len(dates) if end is None else prices.before(end_day + 1)
        if start is None:
            first = prices.before(np.datetime64(self.card.train_end) + 1)
            first = first if first < stop else min(self.encoder.history_days, stop)
        else:
            first = prices.before(start_day)
        if first >= stop:
            given = ("start", start) if start is not None else ("end", end)
            if given[1] is None:
                raise RnnlabError(f"{prices.path}: {len(dates)} rows are too few; a forecast "
                                  f"needs {self.encoder.history_days} rows of history first")
            raise ArgumentError(*given, f"no days of {prices.path} fall in that range "
                                f"({dates[0]} to {dates[-1]})")
        raw = prices.values[:stop]
        history_start = max(0, first - self.encoder.history_days)
        warn_beyond_training(self.encoder, raw[history_start:], prices.path)
        scaled = self.predict(self.encoder.one_step_windows(raw, first))
        target = raw[:, 0]
        predicted = self.encoder.next_levels(scaled, target[first - 1:])
        bounds = {}
        if interval is not None:
            q = calibrate(self.encoder, self.predict, raw, first, prices.unscored, interval)
            bounds = {"interval": interval,
                      **{side: self.encoder.next_levels(scaled + sign * q, target[first - 1:])
                         for side, sign in (("lower", -1), ("upper", 1))}}
        return Forecast(
            dates=dates[first:stop], actual=target[first:], predicted=predicted[:-1],
            previous=target[first - 1:-1],
            scores=score_one_step(self.encoder, raw, first, {"model": predicted[:-1]},
                                  ~prices.unscored[first:stop]),
            next_date=trading_days_after(dates[stop - 1], 1, self.card.exchange)[0],
            next_value=float(predicted[-1]), scored=~prices.unscored[first:stop], **bounds,
            exchange=self.card.exchange,
            model=Path(self.path).name,
        )

    def generate(self, steps: int, history: PriceSource | None = None, mode: str | None = None,
                 samples: int = PATHS, seed: int = 0, start: str | None = None,
                 missing: str = "drop") -> Generated:
        """Generate ``steps`` trading days after the history, feeding each prediction back.

        By default ``samples`` paths, each prediction perturbed by noise before it is fed
        back: a distribution of paths, summarised by its median and 5-95% band per day.
        ``samples=0`` gives the one path of the mean one-step forecast, fed back: not a
        forecast of the path (its every step assumes the most likely day, which no real
        path does).

        Args:
            steps: trading days to generate, 1 to ``MAX_STEPS``.
            history: prices to start from (anything ``rnnlab.read_prices`` reads);
                None: the last training days stored in the model.
            mode: ``"windowed"`` (re-run the window, as trained) or ``"stateful"`` (one
                cell update per step); None: windowed for one path, stateful for samples.
            samples: N (default ``PATHS``) for N paths, each prediction perturbed by
                Gaussian noise with the standard deviation of the model's one-step errors
                on its training days (``card.residual_sd``, in scaled units), as one batch
                (one chunk per core); 0 for the path of the mean one-step forecast.
            seed: the noise's random seed.
            start: a date (as ``forecast`` takes): start from the days of ``history``
                before it, and score the paths against the real days from it (so some
                must follow it) as distributions (CRPS, 50%/90% band coverage, pinball
                loss, median-path RMSE; ``rnnlab.runtime.scores.paths``) beside two generators
                that know nothing: flat with a naive fan and a drift walk, both resampling
                the history's daily returns.
            missing: for a CSV or DataFrame: ``"drop"`` or ``"ffill"`` empty cells.

        Returns:
            ``Generated``: ``values (max(1, samples), steps)`` prices.
        """
        steps = arguments.integer("steps", steps, 1, MAX_STEPS)
        samples = arguments.integer("samples", samples, 0, MAX_SAMPLES)
        seed = arguments.integer("seed", seed, 0, MAX_SEED)
        if mode is None:
            mode = "stateful" if samples else "windowed"
        self.check_generation(steps, arguments.choice("mode", mode, MODES))
        start_day = arguments.optional_date("start", start)
        raw, end, (known, actual, unscored) = self._history(history, start_day, missing)
        paths = max(1, samples)
        window = np.repeat(self.encoder.last_window(raw), paths, axis=0)
        noise = None
        if samples:
            noise = np.random.default_rng(seed).normal(0.0, self.card.residual_sd, (steps, paths))
        with np.errstate(over="ignore"):  # a runaway log path overflows to inf: warned below
            values = self.encoder.path_levels(self.generate_scaled(window, steps, mode, noise),
                                              raw[-1, 0])
        # Step k is the k-th trading day after the history: where the prices have those
        # days, label the steps with their real dates, after them with the exchange's.
        known, actual, unscored = known[:steps], actual[:steps], unscored[:steps]
        after = known[-1] if len(known) else end
        dates = np.r_[known, trading_days_after(after, steps - len(known), self.card.exchange)]
        warn_implausible(values, dates)
        scores = None
        if len(actual):
            name = "model" if samples else "mean-forecast path"
            scores = compare_paths(actual, {name: values}, raw[:, 0], seed, samples or PATHS,
                                   ~unscored)
        return Generated(dates=dates, values=values, start_date=end, start_value=float(raw[-1, 0]),
                         mode=mode, sampled=samples > 0, actual=actual, scores=scores,
                         model=Path(self.path).name)

    def _history(self, source: PriceSource | None, start: np.datetime64 | None, missing: str
                ) -> tuple[np.ndarray, np.datetime64, tuple[np.ndarray, ...]]:
        """Raw history ``(days, features)`` to generate from, its last date, and the real
        days after it: dates ``(k,)``, target prices ``(k,)`` and whether each target was
        filled (``(k,)`` bool: not scored)."""
        if source is None:
            if start is not None:
                raise RnnlabError("--start: needs --csv (history= in Python), the prices to "
                                  "take history and actuals from")
            return (np.array(self.card.history, dtype=np.float64),
                    np.datetime64(self.card.history_end),
                    (np.empty(0, "datetime64[D]"), np.empty(0), np.empty(0, bool)))
        prices = read_prices(check_source("history", source), self.encoder.columns, missing)
        self.check_prices(prices)
        cut = len(prices.dates) if start is None else prices.before(start)
        if start is not None and cut == len(prices.dates):
            raise ArgumentError("start", str(start), f"is after the last day of {prices.path} "
                                f"({prices.dates[-1]}), so no real days follow to score "
                                "against; pick an earlier start or leave it out")
        raw = self.encoder.require(prices.values[:cut], self.encoder.history_days,
                                   "a generation start")
        warn_beyond_training(self.encoder, raw[-self.encoder.history_days:], prices.path)
        return raw, prices.dates[cut - 1], (prices.dates[cut:], prices.values[cut:, 0],
                                            prices.unscored[cut:])

    def check_prices(self, prices: Prices) -> None:
        """The model's columns, and prices above zero where its transform needs them."""
        if prices.columns != self.encoder.columns:
            raise RnnlabError(f"{prices.path}: read columns {prices.columns}, the model needs "
                              f"{self.encoder.columns}")
        if self.encoder.transform in POSITIVE_TRANSFORMS:
            check_positive(prices, f"{self.path.name}'s {self.encoder.transform} transform")


def load(path: str | Path | None = None, threads: int | None = None,
         default: str = DEFAULT) -> Model | TextModel:
    """Load and check an exported forecaster for the runtime (numpy + onnxruntime).

    Args:
        path: an rnnlab ONNX file (from ``Trained.export`` or ``rnnlab export``), a
            shipped model's name (``"return-gru"``, ``"ohlc-gru"``: scale-free, valid on
            any ticker; ``"gru"``, ``"lstm"``: the notebook's level models, valid on IBM's
            High only), or None for the shipped ``default``.
        threads: onnxruntime's intra-op threads per call; None means 1, the fastest
            for these small models. Batches larger than ``ROWS_PER_CALL`` rows are cut
            into chunks and spread across up to ``MAX_THREADS`` cores by ``Model.run``
            instead.

        default: the shipped model that None names: ``"return-gru"`` (a log-return GRU
            that forecasts and generates); ``rnnlab forecast`` passes ``"ohlc-gru"``.

    Returns:
        ``Model``: ``.forecast()``, ``.generate()``, ``.card``; for a character language
        model (``"shakespeare"`` or any exported text model),
        ``rnnlab.runtime.text.model.TextModel``: ``.generate(prompt=...)``, ``.score(text)``.

    Raises:
        RnnlabError: the file is missing, not an rnnlab model, or contradicts its card.
    """
    arguments.choice("default", default, SHIPPED)
    threads = arguments.threads("threads", threads)
    path = resolve(path if path is None else arguments.path("path", path, "an rnnlab ONNX file "
                                                         "or a shipped model's name"), default)
    if not path.is_file():
        raise RnnlabError(f"{path}: no such model file; export one with `rnnlab export` or "
                          f"name a shipped model ({', '.join([*SHIPPED, *TEXT_SHIPPED])})")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or 1
    options.inter_op_num_threads = 1
    # Idle intra-op workers would otherwise spin for a while after each call, on cores
    # that the caller's next work (or another process) needs.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    data = path.read_bytes()  # from bytes: a file can never make onnxruntime open others

    def open_session() -> ort.InferenceSession:
        return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])

    try:
        session = open_session()
    except Exception as error:  # noqa: BLE001 - onnxruntime raises several unrelated types
        if "external" in str(error).lower():
            raise RnnlabError(f"{path}: the model keeps weights in external data files; "
                              "rnnlab models are single files: re-export it") from None
        raise RnnlabError(f"{path}: not a loadable ONNX model ({str(error)[:120]})") from None
    props = session.get_modelmeta().custom_metadata_map
    if is_text(props):  # a character language model
        return TextModel(path, session, TextCard.from_props(props, str(path)))
    card = Card.from_props(props, str(path))
    check_graph(session, card, path)
    return Model(path, session, card, open_session)


def check_graph(session: ort.InferenceSession, card: Card, path: Path) -> None:
    """The graph's inputs and outputs must be what the metadata describes."""
    arch = card.architecture
    expected = {"x": [None, None, arch.features], "state": [arch.state_rows(), None, arch.units],
                "steps": [], "stateful": [], "noise": [None, None]}
    found = {i.name: i.shape for i in session.get_inputs()}
    outputs = sorted(o.name for o in session.get_outputs())
    if set(found) != set(expected) or outputs != ["state_out", "y"]:
        raise RnnlabError(f"{path}: graph inputs {sorted(found)} / outputs {outputs} are not an "
                          "rnnlab forecaster's (x, state, steps, stateful, noise / y, state_out)")
    for name, shape in expected.items():
        fixed = [d if isinstance(d, int) else None for d in found[name]]
        if fixed != shape:
            raise RnnlabError(f"{path}: graph input '{name}' has shape {found[name]}, but the "
                              f"metadata ({arch.name}, {arch.units} units, {arch.features} "
                              f"features) needs {shape}")
