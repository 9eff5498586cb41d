"""Hostile inputs through the Python API, as tests/test_hostile.py does for the CLI.

Every case of tests/api_hostile.py (by kind: types, ranges, dates and time zones, shapes,
NaN/inf, empty and tiny inputs, backtest repeats) raises RnnlabError (or ArgumentError)
with one line naming what is wrong, and writes nothing. Beside them: inputs that must be
accepted (numpy integers, date objects, one column as a str, one year as an int), eight
threads on one Model, property tests of read_prices on arbitrary DataFrames, and a
backtest whose failing fold does not lose the fold that finished.
"""

from __future__ import annotations

import datetime
import threading
import time
import types
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from api_hostile import CASES, DAYS, GOOD
from helpers import write_prices
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import pandas as hp

import rnnlab
from rnnlab import Prices, read_prices
from rnnlab.runtime.errors import ArgumentError, DataWarning, RnnlabError

pd = pytest.importorskip("pandas")


def snapshot(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A price CSV (ticker TEST, 2015-01-01 to mid 2016), the same prices as a DataFrame
    and as Prices, and the shipped univariate and OHLC models."""
    folder = tmp_path_factory.mktemp("api_hostile")
    csv = write_prices(folder / "TEST_prices.csv", days=400)
    (folder / "folder").mkdir()
    return types.SimpleNamespace(
        csv=str(csv), folder=folder / "folder", missing=str(folder / "no such.csv"),
        frame=pd.read_csv(csv, parse_dates=["Date"]), prices=read_prices(csv),
        model=rnnlab.load(), ohlc=rnnlab.load("ohlc-gru"), pd=pd, root=folder)


@pytest.mark.filterwarnings("ignore::rnnlab.runtime.errors.DataWarning")
@pytest.mark.parametrize("kind, name, call, error, pattern", CASES,
                         ids=[f"{kind}: {name}" for kind, name, *_ in CASES])
def test_hostile_api(env, tmp_path, monkeypatch, kind, name, call, error, pattern):
    monkeypatch.chdir(tmp_path)
    before = snapshot(env.root), snapshot(tmp_path)
    with pytest.raises(RnnlabError) as raised:
        call(env)
    message = str(raised.value)
    assert type(raised.value) is error, message
    assert "\n" not in message and message.strip() == message
    assert raised.match(pattern)
    assert (snapshot(env.root), snapshot(tmp_path)) == before


def test_there_are_cases_of_every_kind():
    kinds = {kind for kind, *_ in CASES}
    assert {"types", "ranges", "dates", "shapes", "nan-inf", "empty-tiny", "repeats"} <= kinds
    assert len(CASES) >= 150


# -- accepted: what a careful user passes ---------------------------------------------------

@pytest.mark.filterwarnings("ignore::rnnlab.runtime.errors.DataWarning")
def test_numpy_integers_are_integers(env):
    plain = env.model.generate(5, samples=3, seed=1)
    numpy = env.model.generate(np.int64(5), samples=np.int32(3), seed=np.uint8(1))
    np.testing.assert_array_equal(plain.values, numpy.values)
    assert rnnlab.load(threads=np.int64(2)).session.get_session_options() \
        .intra_op_num_threads == 2


@pytest.mark.filterwarnings("ignore::rnnlab.runtime.errors.DataWarning")
@pytest.mark.parametrize("start", [
    "2015-06-01", datetime.date(2015, 6, 1), datetime.datetime(2015, 6, 1, 16, 0),
    np.datetime64("2015-06-01"), np.datetime64("2015-06-01T09:30"),
    pd.Timestamp("2015-06-01"), pd.Timestamp("2015-06-01 09:30", tz="America/New_York"),
    pd.Timestamp("2015-06-01 12:00", tz="Europe/London")])
def test_every_kind_of_date_is_the_same_day(env, start):
    forecast = env.model.forecast(env.csv, start=start, end=datetime.date(2015, 6, 30))
    assert forecast.dates[0] == np.datetime64("2015-06-01")
    assert forecast.dates[-1] == np.datetime64("2015-06-30")
    generated = env.model.generate(3, env.csv, start=start)
    assert generated.start_date == np.datetime64("2015-05-29")


def test_a_str_is_one_column_and_a_zone_on_the_exchange_keeps_its_days(env):
    assert read_prices(env.csv, "High").columns == ("High",)
    naive = read_prices(env.frame, ("High", "Low"))
    frame = env.frame.set_index("Date").tz_localize("America/New_York")
    aware = read_prices(frame, ["High", "Low"])
    np.testing.assert_array_equal(aware.dates, naive.dates)
    np.testing.assert_array_equal(aware.values, naive.values)
    column = env.frame.assign(Date=env.frame["Date"].dt.tz_localize("America/New_York"))
    np.testing.assert_array_equal(read_prices(column).dates, naive.dates)
    dates = env.frame.assign(Date=env.frame["Date"].dt.strftime("%Y-%m-%d"))
    np.testing.assert_array_equal(read_prices(dates).dates, naive.dates)


def test_prices_normalise_what_they_keep():
    prices = Prices(DAYS.astype("datetime64[ns]"), (GOOD * 100).astype(np.int64), "High")
    assert prices.dates.dtype == np.dtype("datetime64[D]")
    assert prices.values.dtype == np.float64 and prices.columns == ("High",)
    assert prices.path == "Prices"


def test_the_cli_and_the_api_share_the_seed_check(cli):
    code, _, err = cli("train", "--csv", "x.csv", "--seeds", "0,0")
    assert code == 2 and err.strip() == "error: --seeds [0, 0]: a value repeats; each seed " \
        "gives the same model"
    with pytest.raises(ArgumentError, match=r"^seeds=\[0, 0\]: a value repeats; each seed"):
        rnnlab.backtest("x.csv", seeds=[0, 0])


# -- concurrency -----------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore::rnnlab.runtime.errors.DataWarning")
def test_eight_threads_on_one_model_give_the_serial_results(env):
    """Forecasts and sampled paths from 8 threads at once equal the serial ones (to 1e-6
    relative: onnxruntime may split a batch across its own threads differently)."""
    model = rnnlab.load()
    jobs = [("forecast", i) for i in range(4)] + [("generate", i) for i in range(4)]

    def run(job):
        verb, seed = job
        if verb == "forecast":
            return model.forecast(env.frame, start=f"2015-0{seed + 4}-01").predicted
        return model.generate(10, env.csv, samples=60, seed=seed).values

    serial = [run(job) for job in jobs]
    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(run, jobs * 2))
    for got, want in zip(parallel, serial * 2):
        np.testing.assert_allclose(got, want, rtol=1e-6)


# -- property tests: read_prices on arbitrary DataFrames --------------------------------------

VALUES = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                   st.integers(-10, 10**10).map(float))
DATES = st.one_of(
    st.datetimes(min_value=datetime.datetime(1990, 1, 1),
                 max_value=datetime.datetime(2030, 1, 1)).map(np.datetime64),
    st.just(np.datetime64("NaT")))
FRAMES = hp.data_frames([hp.column("Date", elements=DATES, dtype="datetime64[ns]"),
                         hp.column("High", elements=VALUES, dtype=float),
                         hp.column("Low", elements=VALUES, dtype=float)],
                        index=hp.range_indexes(min_size=0, max_size=30))


@pytest.mark.slow  # 150 generated frames
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=FRAMES, missing=st.sampled_from(["drop", "ffill"]))
def test_read_prices_on_any_frame_keeps_the_invariants_or_says_why(frame, missing):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            prices = read_prices(frame, ("High", "Low"), missing)
    except RnnlabError as error:
        assert "\n" not in str(error)
        return
    assert prices.values.shape == (len(prices.dates), 2)
    assert np.all(np.diff(prices.dates) > np.timedelta64(0, "D"))
    assert np.isfinite(prices.values).all() and (prices.values >= 0).all()
    given_days = set(frame["Date"].dropna().to_numpy().astype("datetime64[D]"))
    assert set(prices.dates) <= given_days
    if missing == "drop":  # each kept row is one of the frame's rows, unchanged
        rows = {(d, h, lo) for d, h, lo in zip(
            frame["Date"].to_numpy().astype("datetime64[D]"), frame["High"], frame["Low"])}
        assert all((d, *v) in rows for d, v in zip(prices.dates, prices.values.tolist()))


# -- a failing fold does not lose a finished one ----------------------------------------------

def test_a_failed_job_still_yields_the_finished_ones():
    from rnnlab.jobs.workers import finished

    started = threading.Event()

    def run(job):
        if job == "bad":
            started.wait(30)
            raise RuntimeError("fold failed")
        started.set()
        time.sleep(0.3)  # finishes after the failure is known
        return job

    got = []
    with ThreadPoolExecutor(2) as pool, pytest.raises(RuntimeError, match="fold failed"):
        for key, result in finished(run, {"bad": "bad", "good": "good"}, 2, pool):
            got.append((key, result))
    assert got == [("good", "good")]


TINY = {"cells": ("gru",), "units": 4, "window": 5, "epochs": 1, "batch": 32}


def test_a_backtest_stores_the_fold_that_finished_before_raising(tmp_path, monkeypatch):
    from rnnlab.jobs import backtest as module
    from rnnlab.jobs.store import ResultStore

    real = module.run_fold
    started = threading.Event()

    def run_fold(fold):
        if fold.year == 2016:
            started.wait(30)
            raise RuntimeError("worker lost")
        started.set()
        return real(fold)

    monkeypatch.setattr(module, "run_fold", run_fold)
    csv = write_prices(tmp_path / "TEST_prices.csv", days=600, start="2014-01-01")
    store = tmp_path / "bt.sqlite"
    with ThreadPoolExecutor(2) as pool, pytest.raises(RuntimeError, match="worker lost"):
        rnnlab.backtest(csv, "seed-gru", [2015, 2016], 0, executor=pool, store=store, **TINY)
    with ResultStore(store) as db:
        assert db.versions() == {rnnlab.__version__: 1}
    monkeypatch.setattr(module, "run_fold", real)  # the rerun trains only 2016
    rerun = rnnlab.backtest(csv, "seed-gru", [2015, 2016], 0, workers=1, store=store, **TINY)
    assert [fold["year"] for fold in rerun.folds] == [2015, 2016]


@pytest.fixture(scope="module")
def named_frames(tmp_path_factory):
    """Two DataFrames named by a dict (TWO: ONE's High doubled) and their 2016 backtest
    in this process."""
    csv = write_prices(tmp_path_factory.mktemp("frames") / "TEST_prices.csv", days=600,
                       start="2014-01-01")
    frame = pd.read_csv(csv, parse_dates=["Date"])
    sources = {"ONE": frame, "TWO": frame.assign(High=frame["High"] * 2)}
    return sources, rnnlab.backtest(sources, "seed-gru", 2016, 0, workers=1, **TINY)


def test_named_frames_are_separate_tickers(named_frames):
    _, local = named_frames
    assert [(r["ticker"], r["seeds"]) for r in local.summary] == [("ONE", 1), ("TWO", 1)]
    assert local.summary[1]["persistence"] == pytest.approx(2 * local.summary[0]["persistence"])


@pytest.mark.slow  # a Dask LocalCluster
def test_a_dask_client_is_an_executor(named_frames):
    """A Dask Client passed as the executor trains the folds on its cluster, the same as in
    this process."""
    from distributed import Client, LocalCluster

    sources, local = named_frames
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        remote = rnnlab.backtest(sources, "seed-gru", 2016, 0, executor=client, **TINY)
    assert remote.folds == local.folds
