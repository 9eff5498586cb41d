"""Hostile inputs for tests/test_api_hostile.py: the Python API's arguments, by kind.

Each case is ``(kind, name, call, error, pattern)``: ``call(env)`` must raise ``error``
(``RnnlabError`` or its ``ArgumentError``) with a one-line message matching ``pattern``.
``env`` (built in the test module) holds a price CSV and the same prices as a DataFrame,
as Prices, the shipped ``return-gru`` (univariate) and ``ohlc-gru`` models, pandas and
a missing path. No case trains: each is refused before any work starts.
"""

from __future__ import annotations

import datetime

import numpy as np

import rnnlab
from rnnlab import Prices, read_prices
from rnnlab.runtime.errors import ArgumentError, RnnlabError

A, R = ArgumentError, RnnlabError
DAYS = np.arange("2015-01-01", "2015-01-11", dtype="datetime64[D]")
GOOD = np.linspace(100, 110, len(DAYS))[:, None]


def frame_with(env, **columns):
    """The env's DataFrame with some columns replaced (``Date`` included)."""
    frame = env.frame.copy()
    for name, value in columns.items():
        frame[name] = value
    return frame


def dated(env, index):
    """The env's DataFrame indexed by ``index`` instead of a Date column."""
    frame = env.frame.drop(columns="Date")
    frame.index = index
    return frame


def tz_index(env, zone):
    return env.pd.DatetimeIndex(env.frame["Date"]).tz_localize(zone)


def prices(dates=DAYS, values=GOOD, columns=("High",), path="memory"):
    return Prices(dates, values, columns, path)


def forecast(**kwargs):
    return lambda env: env.model.forecast(kwargs.pop("prices", env.csv), **kwargs)


def generate(**kwargs):
    return lambda env: env.model.generate(**{"steps": 5, **kwargs})


def train(**kwargs):
    return lambda env: rnnlab.train(kwargs.pop("prices", env.csv),
                                    **{"split": "2015-08-03", "progress": False, **kwargs})


def backtest(**kwargs):
    return lambda env: rnnlab.backtest(kwargs.pop("sources", env.csv),
                                       **{"years": [2016], "epochs": 1, **kwargs})


def stamp(env, text, zone=None):
    return env.pd.Timestamp(text, tz=zone)


CASES = [
    # -- types: what is not a source, a path, a number, a name ----------------------------
    ("types", "read_prices(None)", lambda e: read_prices(None), A, r"^source=None"),
    ("types", "read_prices(3)", lambda e: read_prices(3), A, r"^source="),
    ("types", "read_prices(3.5)", lambda e: read_prices(3.5), A, r"^source="),
    ("types", "read_prices(True)", lambda e: read_prices(True), A, r"^source="),
    ("types", "read_prices(bytes)", lambda e: read_prices(b"Date,High\n"), A, r"^source="),
    ("types", "read_prices([path])", lambda e: read_prices([e.csv]), A, r"^source="),
    ("types", "read_prices(dict)", lambda e: read_prices({"High": [1.0]}), A, r"^source="),
    ("types", "read_prices(object)", lambda e: read_prices(object()), A, r"^source="),
    ("types", "read_prices(Series)", lambda e: read_prices(e.frame["High"]), A,
     r"^source=.*Series.*to_frame"),
    ("types", "read_prices(ndarray)", lambda e: read_prices(GOOD), A, r"^source="),
    ("types", "read_prices(NUL in path)", lambda e: read_prices("a\0b.csv"), A, r"^source="),
    ("types", "read_prices(columns=None)", lambda e: read_prices(e.csv, None), A,
     r"^columns=None"),
    ("types", "read_prices(columns=3)", lambda e: read_prices(e.csv, 3), A, r"^columns=3"),
    ("types", "read_prices(columns=[1])", lambda e: read_prices(e.csv, [1]), A, r"^columns="),
    ("types", "read_prices(columns=bytes)", lambda e: read_prices(e.csv, b"High"), A,
     r"^columns="),
    ("types", "read_prices(columns=dict)", lambda e: read_prices(e.csv, {"High": 1}), A,
     r"^columns="),
    ("types", "read_prices(missing=None)", lambda e: read_prices(e.csv, missing=None), A,
     r"^missing=None"),
    ("types", "read_prices(missing=1)", lambda e: read_prices(e.csv, missing=1), A,
     r"^missing=1"),
    ("types", "load(3)", lambda e: rnnlab.load(3), A, r"^path=3"),
    ("types", "load(bytes)", lambda e: rnnlab.load(b"\x08\x07"), A, r"^path="),
    ("types", "load(3.5)", lambda e: rnnlab.load(3.5), A, r"^path="),
    ("types", "load(True)", lambda e: rnnlab.load(True), A, r"^path="),
    ("types", "load([name])", lambda e: rnnlab.load(["gru"]), A, r"^path="),
    ("types", "load(threads='2')", lambda e: rnnlab.load(threads="2"), A, r"^threads='2'"),
    ("types", "load(threads=1.5)", lambda e: rnnlab.load(threads=1.5), A, r"^threads=1.5"),
    ("types", "load(threads=True)", lambda e: rnnlab.load(threads=True), A, r"^threads=True"),
    ("types", "load(default=None)", lambda e: rnnlab.load(default=None), A, r"^default=None"),
    ("types", "load(default=3)", lambda e: rnnlab.load(default=3), A, r"^default=3"),
    ("types", "forecast(None)", forecast(prices=None), A, r"^prices=None"),
    ("types", "forecast(3)", forecast(prices=3), A, r"^prices=3"),
    ("types", "forecast(bytes)", forecast(prices=b"x"), A, r"^prices="),
    ("types", "forecast(Series)", lambda e: e.model.forecast(e.frame["High"]), A,
     r"^prices=.*Series"),
    ("types", "forecast(missing=2)", forecast(missing=2), A, r"^missing=2"),
    ("types", "generate(steps=1.5)", generate(steps=1.5), A, r"^steps=1.5"),
    ("types", "generate(steps='5')", generate(steps="5"), A, r"^steps='5'"),
    ("types", "generate(steps=None)", generate(steps=None), A, r"^steps=None"),
    ("types", "generate(steps=True)", generate(steps=True), A, r"^steps=True"),
    ("types", "generate(steps=np.float64)", generate(steps=np.float64(5)), A, r"^steps="),
    ("types", "generate(samples=1.5)", generate(samples=1.5), A, r"^samples=1.5"),
    ("types", "generate(samples='2')", generate(samples="2"), A, r"^samples='2'"),
    ("types", "generate(samples=True)", generate(samples=True), A, r"^samples=True"),
    ("types", "generate(seed=1.5)", generate(seed=1.5), A, r"^seed=1.5"),
    ("types", "generate(seed='0')", generate(seed="0"), A, r"^seed='0'"),
    ("types", "generate(seed=None)", generate(seed=None), A, r"^seed=None"),
    ("types", "generate(mode=1)", generate(mode=1), A, r"^mode=1"),
    ("types", "generate(mode='')", generate(mode=""), A, r"^mode=''"),
    ("types", "generate(mode='fast')", generate(mode="fast"), A, r"^mode='fast'"),
    ("types", "generate(history=3)", generate(history=3), A, r"^history=3"),
    ("types", "generate(history=bytes)", generate(history=b"x"), A, r"^history="),
    ("types", "train(None)", train(prices=None), A, r"^prices=None"),
    ("types", "train(3)", train(prices=3), A, r"^prices=3"),
    ("types", "train(preset=3)", train(preset=3), A, r"^preset=3"),
    ("types", "train(preset=None)", train(preset=None), A, r"^preset=None"),
    ("types", "train(seed=1.5)", train(seed=1.5), A, r"^seed=1.5"),
    ("types", "train(seed='0')", train(seed="0"), A, r"^seed='0'"),
    ("types", "train(seed=True)", train(seed=True), A, r"^seed=True"),
    ("types", "train(target=3)", train(target=3), A, r"^target=3"),
    ("types", "train(device=3)", train(device=3), A, r"^device=3"),
    ("types", "train(device='tpu')", train(device="tpu"), A, r"^device='tpu'"),
    ("types", "train(progress='yes')", train(progress="yes"), A, r"^progress='yes'"),
    ("types", "train(threads='2')", train(threads="2"), A, r"^threads='2'"),
    ("types", "train(threads=1.5)", train(threads=1.5), A, r"^threads=1.5"),
    ("types", "train(epochs=1.5)", train(epochs=1.5), A, r"^epochs=1.5"),
    ("types", "train(window='60')", train(window="60"), A, r"^window='60'"),
    ("types", "train(epochs=True)", train(epochs=True), A, r"^epochs=True"),
    ("types", "train(cells='nope')", train(cells=("nope",)), A, r"^cells="),
    ("types", "train(unknown setting)", train(colour=1), R, r"^colour: not a training"),
    ("types", "backtest(None)", backtest(sources=None), A, r"^sources=None"),
    ("types", "backtest(3)", backtest(sources=3), A, r"^sources=3"),
    ("types", "backtest({3: frame})", lambda e: rnnlab.backtest({3: e.frame}, years=2016),
     A, r"^sources=3"),
    ("types", "backtest({'IBM': 3})", backtest(sources={"IBM": 3}), A, r"^sources=3"),
    ("types", "backtest(presets=3)", backtest(presets=3), A, r"^presets=3"),
    ("types", "backtest(years='2017')", backtest(years="2017"), A, r"^years='2017'"),
    ("types", "backtest(years=2017.5)", backtest(years=2017.5), A, r"^years=2017.5"),
    ("types", "backtest(years=[True])", backtest(years=[True]), A, r"^years=True"),
    ("types", "backtest(seeds='0')", backtest(seeds="0"), A, r"^seeds='0'"),
    ("types", "backtest(seeds=1.5)", backtest(seeds=1.5), A, r"^seeds=1.5"),
    ("types", "backtest(seeds=[None])", backtest(seeds=[None]), A, r"^seeds=None"),
    ("types", "backtest(workers='2')", backtest(workers="2"), A, r"^workers='2'"),
    ("types", "backtest(workers=1.5)", backtest(workers=1.5), A, r"^workers=1.5"),
    ("types", "backtest(executor='dask')", backtest(executor="dask"), A, r"^executor='str'"),
    ("types", "backtest(store=3)", backtest(store=3), A, r"^store=3"),
    ("types", "backtest(stored_only='yes')", backtest(stored_only="yes"), A,
     r"^stored_only='yes'"),
    ("types", "backtest(progress='yes')", backtest(progress="yes"), A, r"^progress='yes'"),
    ("types", "backtest(target=3)", backtest(target=3), A, r"^target=3"),
    # -- ranges -----------------------------------------------------------------------------
    ("ranges", "load(threads=0)", lambda e: rnnlab.load(threads=0), A, r"^threads=0"),
    ("ranges", "load(threads=-1)", lambda e: rnnlab.load(threads=-1), A, r"^threads=-1"),
    ("ranges", "load(threads=10**6)", lambda e: rnnlab.load(threads=10**6), A, r"^threads="),
    ("ranges", "load(default='nope')", lambda e: rnnlab.load(default="nope"), A,
     r"^default='nope'"),
    ("ranges", "generate(steps=0)", generate(steps=0), A, r"^steps=0"),
    ("ranges", "generate(steps=-1)", generate(steps=-1), A, r"^steps=-1"),
    ("ranges", "generate(steps=10**6)", generate(steps=10**6), A, r"^steps=1000000"),
    ("ranges", "generate(steps=np.int64(0))", generate(steps=np.int64(0)), A, r"^steps=0"),
    ("ranges", "generate(samples=-1)", generate(samples=-1), A, r"^samples=-1"),
    ("ranges", "generate(samples=10**9)", generate(samples=10**9), A, r"^samples="),
    ("ranges", "generate(seed=-1)", generate(seed=-1), A, r"^seed=-1"),
    ("ranges", "generate(seed=2**40)", generate(seed=2**40), A, r"^seed="),
    ("ranges", "ohlc generate(steps=5)", lambda e: e.ohlc.generate(5), R,
     r"cannot generate"),
    ("ranges", "train(seed=-1)", train(seed=-1), A, r"^seed=-1"),
    ("ranges", "train(threads=0)", train(threads=0), A, r"^threads=0"),
    ("ranges", "train(threads=-1)", train(threads=-1), A, r"^threads=-1"),
    ("ranges", "train(epochs=0)", train(epochs=0), A, r"^epochs=0"),
    ("ranges", "train(units=-1)", train(units=-1), A, r"^units=-1"),
    ("ranges", "train(preset='nope')", train(preset="nope"), R, r"nope"),
    ("ranges", "train(target='Nope')", train(target="Nope"), R, r"no column 'Nope'"),
    ("ranges", "backtest(presets=['nope'])", backtest(presets=["nope"]), R, r"nope"),
    ("ranges", "backtest(years=999)", backtest(years=999), A, r"^years=999"),
    ("ranges", "backtest(years=2030)", backtest(years=2030), A, r"^years=2030.*no test"),
    ("ranges", "backtest(seeds=-1)", backtest(seeds=-1), A, r"^seeds=-1"),
    ("ranges", "backtest(workers=0)", backtest(workers=0), A, r"^workers=0"),
    ("ranges", "backtest(workers=True)", backtest(workers=True), A, r"^workers=True"),
    ("ranges", "backtest(epochs=0)", backtest(epochs=0), A, r"^epochs=0"),
    ("ranges", "backtest(target='Nope')", backtest(target="Nope"), R, r"no column 'Nope'"),
    ("ranges", "backtest(missing='zero')", backtest(missing="zero"), A, r"^missing='zero'"),
    ("ranges", "read_prices(missing='DROP')", lambda e: read_prices(e.csv, missing="DROP"), A,
     r"^missing='DROP'"),
    ("ranges", "read_prices(columns=['Nope'])", lambda e: read_prices(e.csv, ["Nope"]), R,
     r"Nope"),
    ("ranges", "frame columns=['Nope']", lambda e: read_prices(e.frame, ["Nope"]), R,
     r"no column 'Nope'"),
    ("ranges", "frame negative price", lambda e: read_prices(frame_with(e, High=-1.0)), R,
     r"row 1, column High: -1: a price cannot be negative"),
    ("ranges", "frame price 1e12", lambda e: read_prices(frame_with(e, High=1e12)), R,
     r"row 1, column High: .*check the units"),
    ("ranges", "logret on a zero price",
     lambda e: e.model.forecast(frame_with(e, High=0.0)), R, r"above zero"),
    # -- dates and time zones ----------------------------------------------------------------
    ("dates", "until='2017'", lambda e: read_prices(e.csv, until="2017"), A, r"^until='2017'"),
    ("dates", "until=20170101", lambda e: read_prices(e.csv, until=20170101), A, r"^until="),
    ("dates", "until='2017-02-30'", lambda e: read_prices(e.csv, until="2017-02-30"), A,
     r"^until="),
    ("dates", "until=True", lambda e: read_prices(e.csv, until=True), A, r"^until=True"),
    ("dates", "until=NaT", lambda e: read_prices(e.csv, until=np.datetime64("NaT")), A,
     r"^until="),
    ("dates", "forecast(start='2017')", forecast(start="2017"), A, r"^start='2017'"),
    ("dates", "forecast(start=20170103)", forecast(start=20170103), A, r"^start=20170103"),
    ("dates", "forecast(start='2017-02-30')", forecast(start="2017-02-30"), A, r"^start="),
    ("dates", "forecast(start=1.5)", forecast(start=1.5), A, r"^start=1.5"),
    ("dates", "forecast(start=True)", forecast(start=True), A, r"^start=True"),
    ("dates", "forecast(start=NaT)", forecast(start=np.datetime64("NaT")), A, r"^start="),
    ("dates", "forecast(end='01/03/2017')", forecast(end="01/03/2017"), A, r"^end="),
    ("dates", "forecast(end=[date])", forecast(end=["2015-06-01"]), A, r"^end="),
    ("dates", "forecast(end < start)", forecast(start="2015-06-01", end="2015-05-01"), A,
     r"^end='2015-05-01': is before start='2015-06-01'"),
    ("dates", "forecast(start after the data)", forecast(start="2030-01-02"), A,
     r"^start='2030-01-02': no days"),
    ("dates", "forecast(start=tz Tokyo moves a day)",
     lambda e: e.model.forecast(e.csv, start=stamp(e, "2015-06-02", "Asia/Tokyo")), A,
     r"^start=.*America/New_York"),
    ("dates", "generate(start=...) without history", generate(start="2015-06-01"), R,
     r"history"),
    ("dates", "generate(start after the data)",
     lambda e: e.model.generate(5, e.csv, start="2030-01-02"), A,
     r"^start='2030-01-02': is after the last day"),
    ("dates", "generate(start='June')", lambda e: e.model.generate(5, e.csv, start="June"),
     A, r"^start='June'"),
    ("dates", "generate(start=tz UTC midnight)",
     lambda e: e.model.generate(5, e.csv, start=stamp(e, "2015-06-02", "UTC")), A,
     r"^start=.*America/New_York"),
    ("dates", "train(split='2017')", train(split="2017"), A, r"^split='2017'"),
    ("dates", "train(split=2017)", train(split=2017), A, r"^split=2017"),
    ("dates", "train(split after the data)", train(split="2030-01-02"), A,
     r"^split='2030-01-02'.*one side is empty"),
    ("dates", "train(split=None)", train(split=None), A, r"^split=None"),
    ("dates", "frame Date tz Tokyo", lambda e: read_prices(frame_with(
        e, Date=e.frame["Date"].dt.tz_localize("Asia/Tokyo"))), R, r"Asia/Tokyo.*New_York"),
    ("dates", "frame index tz Tokyo", lambda e: read_prices(dated(e, tz_index(e, "Asia/Tokyo"))),
     R, r"Asia/Tokyo.*New_York"),
    ("dates", "frame index tz UTC midnight", lambda e: read_prices(dated(e, tz_index(e, "UTC"))),
     R, r"UTC.*New_York"),
    ("dates", "frame int dates", lambda e: read_prices(frame_with(e, Date=range(len(e.frame)))),
     R, r"^DataFrame: the dates are int64 numbers, not dates"),
    ("dates", "frame float dates", lambda e: read_prices(frame_with(
        e, Date=np.arange(len(e.frame), dtype=float))), R, r"not dates"),
    ("dates", "frame bool dates", lambda e: read_prices(frame_with(
        e, Date=np.ones(len(e.frame), dtype=bool))), R, r"not dates"),
    ("dates", "frame int index", lambda e: read_prices(dated(e, range(len(e.frame)))), R,
     r"no Date column and no DatetimeIndex"),
    ("dates", "frame date string 2015-13-01", lambda e: read_prices(frame_with(
        e, Date=["2015-13-01"] * len(e.frame))), R, r"^DataFrame row 1: 2015-13-01 is not a"),
    ("dates", "frame date string 01/02/2015", lambda e: read_prices(frame_with(
        e, Date=["01/02/2015"] * len(e.frame))), R, r"^DataFrame row 1: .*is not a date"),
    ("dates", "frame mixed object dates", lambda e: read_prices(frame_with(
        e, Date=[datetime.date(2015, 1, 2), 5] + ["2015-01-06"] * (len(e.frame) - 2))), R,
     r"^DataFrame row 2: 5 is not a date"),
    ("dates", "frame duplicate dates", lambda e: read_prices(frame_with(
        e, Date=[e.frame["Date"][0]] * len(e.frame))), R, r"duplicate dates"),
    ("dates", "frame NaT date", lambda e: read_prices(frame_with(
        e, Date=e.frame["Date"].where(e.frame.index != 3))), R, r"row 4: no date"),
    ("dates", "frame two Date columns", lambda e: read_prices(e.pd.concat(
        [e.frame, e.frame[["Date"]]], axis=1)), R, r"2 columns are named 'Date'"),
    ("dates", "Prices int dates", lambda e: prices(dates=np.arange(len(DAYS))), R,
     r"dates must be a 1-D datetime64 array, got int64"),
    ("dates", "Prices str dates", lambda e: prices(dates=DAYS.astype(str)), R,
     r"dates must be a 1-D datetime64"),
    ("dates", "Prices unsorted dates", lambda e: prices(dates=DAYS[::-1]), R,
     r"ascending order"),
    ("dates", "Prices repeated dates", lambda e: prices(dates=np.r_[DAYS[:1], DAYS[:-1]]), R,
     r"distinct days"),
    ("dates", "Prices NaT date", lambda e: prices(dates=np.r_[DAYS[:-1],
                                                               np.datetime64("NaT")]), R,
     r"no NaT"),
    # -- shapes --------------------------------------------------------------------------------
    ("shapes", "Prices 1-D values", lambda e: prices(values=GOOD[:, 0]), R,
     r"values must be a 2-D array"),
    ("shapes", "Prices 3-D values", lambda e: prices(values=GOOD[:, :, None]), R,
     r"values must be a 2-D array"),
    ("shapes", "Prices fewer values than dates", lambda e: prices(values=GOOD[:-1]), R,
     r"values have shape \(9, 1\), but there are 10 dates"),
    ("shapes", "Prices more columns than names", lambda e: prices(values=np.c_[GOOD, GOOD]),
     R, r"1 columns"),
    ("shapes", "Prices columns=[]", lambda e: prices(columns=()), R, r"columns \(\) must be"),
    ("shapes", "Prices repeated column", lambda e: prices(values=np.c_[GOOD, GOOD],
                                                          columns=("High", "High")), R,
     r"distinct column names"),
    ("shapes", "Prices column 1", lambda e: prices(columns=(1,)), R, r"must be one or more"),
    ("shapes", "Prices column ''", lambda e: prices(columns=("",)), R, r"must be one or more"),
    ("shapes", "Prices 2-D dates", lambda e: prices(dates=DAYS[:, None]), R,
     r"1-D datetime64"),
    ("shapes", "Prices bool values", lambda e: prices(values=GOOD > 105), R,
     r"array of numbers"),
    ("shapes", "Prices str values", lambda e: prices(values=GOOD.astype(str)), R,
     r"array of numbers"),
    ("shapes", "Prices complex values", lambda e: prices(values=GOOD + 1j), R,
     r"array of numbers"),
    ("shapes", "Prices path=3", lambda e: prices(path=3), A, r"^path='int'"),
    ("shapes", "read_prices(columns=[])", lambda e: read_prices(e.csv, []), A,
     r"^columns=\[\]: is empty"),
    ("shapes", "read_prices(columns=[''])", lambda e: read_prices(e.csv, [""]), A,
     r"^columns=''"),
    ("shapes", "read_prices(columns repeated)", lambda e: read_prices(e.csv, ["High", "High"]),
     A, r"^columns=\['High', 'High'\]: a name repeats"),
    ("shapes", "frame two High columns", lambda e: read_prices(e.pd.concat(
        [e.frame, e.frame[["High"]]], axis=1)), R, r"2 columns are named 'High'"),
    ("shapes", "frame bool High", lambda e: read_prices(frame_with(e, High=True)), R,
     r"column High is not numeric"),
    ("shapes", "frame str High", lambda e: read_prices(frame_with(e, High="a")), R,
     r"column High is not numeric"),
    ("shapes", "frame datetime High", lambda e: read_prices(frame_with(e, High=e.frame["Date"])),
     R, r"column High is not numeric"),
    ("shapes", "forecast with the wrong columns",
     lambda e: e.model.forecast(read_prices(e.csv, ["Open"])), R, r"the model needs"),
    ("shapes", "ohlc forecast of a High-only frame",
     lambda e: e.ohlc.forecast(e.frame[["Date", "High"]]), R, r"no column 'Open'"),
    # -- NaN and inf -------------------------------------------------------------------------
    ("nan-inf", "Prices NaN value", lambda e: prices(values=np.where(DAYS[:, None] == DAYS[3],
                                                                     np.nan, GOOD)), R,
     r"High is nan on 2015-01-04; values must be finite"),
    ("nan-inf", "Prices inf value", lambda e: prices(values=GOOD * np.inf), R,
     r"High is inf on"),
    ("nan-inf", "Prices -inf value", lambda e: prices(values=-GOOD * np.inf), R,
     r"High is -inf on"),
    ("nan-inf", "Prices negative value", lambda e: prices(values=-GOOD), R,
     r"High is -100 on 2015-01-01"),
    ("nan-inf", "frame inf High", lambda e: read_prices(frame_with(e, High=np.inf)), R,
     r"row 1, column High: not finite"),
    ("nan-inf", "frame -inf High", lambda e: read_prices(frame_with(e, High=-np.inf)), R,
     r"row 1, column High: not finite"),
    ("nan-inf", "frame NaN first row, ffill", lambda e: read_prices(frame_with(
        e, High=e.frame["High"].where(e.frame.index > 0)), missing="ffill"), R,
     r"row 1: the first row has no High"),
    ("nan-inf", "generate(steps=nan)", generate(steps=float("nan")), A, r"^steps=nan"),
    ("nan-inf", "generate(steps=inf)", generate(steps=float("inf")), A, r"^steps=inf"),
    ("nan-inf", "generate(seed=nan)", generate(seed=float("nan")), A, r"^seed=nan"),
    ("nan-inf", "train(epochs=nan)", train(epochs=float("nan")), A, r"^epochs=nan"),
    ("nan-inf", "train(lr=inf)", train(lr=float("inf")), A, r"^lr=inf"),
    ("nan-inf", "train(val_fraction=nan)", train(val_fraction=float("nan")), A,
     r"^val_fraction=nan"),
    ("nan-inf", "backtest(years=nan)", backtest(years=float("nan")), A, r"^years=nan"),
    ("nan-inf", "load(threads=nan)", lambda e: rnnlab.load(threads=float("nan")), A,
     r"^threads=nan"),
    # -- empty and tiny ----------------------------------------------------------------------
    ("empty-tiny", "read_prices('')", lambda e: read_prices(""), A, r"^source=''"),
    ("empty-tiny", "read_prices(missing file)", lambda e: read_prices(e.missing), R,
     r"no such file"),
    ("empty-tiny", "read_prices(a folder)", lambda e: read_prices(e.folder), R,
     r"no such file"),
    ("empty-tiny", "read_prices(empty frame)", lambda e: read_prices(e.frame.iloc[:0]), R,
     r"^DataFrame: no rows"),
    ("empty-tiny", "read_prices(frame without columns)",
     lambda e: read_prices(e.pd.DataFrame()), R, r"no Date column"),
    ("empty-tiny", "load('')", lambda e: rnnlab.load(""), A, r"^path=''"),
    ("empty-tiny", "load(missing file)", lambda e: rnnlab.load(e.missing), R,
     r"no such model file"),
    ("empty-tiny", "load(a CSV)", lambda e: rnnlab.load(e.csv), R, r"not a loadable ONNX"),
    ("empty-tiny", "forecast(missing file)", forecast(prices="nope.csv"), R, r"no such file"),
    ("empty-tiny", "forecast(10 rows)", lambda e: e.model.forecast(prices(values=GOOD)), R,
     r"too few"),
    ("empty-tiny", "forecast(1 row)", lambda e: e.model.forecast(
        prices(dates=DAYS[:1], values=GOOD[:1])), R, r"too few"),
    ("empty-tiny", "forecast(0 rows)", lambda e: e.model.forecast(
        prices(dates=DAYS[:0], values=GOOD[:0])), R, r"too few"),
    ("empty-tiny", "forecast(every row dropped)", lambda e: e.model.forecast(
        frame_with(e, High=np.nan)), R, r"too few"),
    ("empty-tiny", "generate(history of 10 rows)",
     lambda e: e.model.generate(5, prices(values=GOOD)), R, r"needs? .*61"),
    ("empty-tiny", "generate(history of 0 rows)",
     lambda e: e.model.generate(5, prices(dates=DAYS[:0], values=GOOD[:0])), R, r"61"),
    ("empty-tiny", "train(10 rows)", train(prices=prices(values=GOOD), split="2015-01-05"),
     R, r"."),
    ("empty-tiny", "backtest([])", backtest(sources=[]), A, r"^sources=\[\]: is empty"),
    ("empty-tiny", "backtest({})", backtest(sources={}), A, r"^sources=\[\]: is empty"),
    ("empty-tiny", "backtest(presets=[])", backtest(presets=[]), A, r"^presets=\[\]: is empty"),
    ("empty-tiny", "backtest(presets='')", backtest(presets=""), A, r"^presets=''"),
    ("empty-tiny", "backtest(years=[])", backtest(years=[]), A, r"^years=\[\]: is empty"),
    ("empty-tiny", "backtest(seeds=[])", backtest(seeds=[]), A, r"^seeds=\[\]: is empty"),
    ("empty-tiny", "backtest(stored_only without store)", backtest(stored_only=True), A,
     r"^store=None: stored_only=True reads every fold from a store"),
    ("empty-tiny", "backtest(stored_only, no such store)",
     lambda e: rnnlab.backtest(e.csv, years=2016, store=e.missing, stored_only=True), A,
     r"^store='.*': no such file; run the backtest with stored_only=False first"),
    # -- backtest sources, repeats -----------------------------------------------------------
    ("repeats", "backtest([csv, csv])", lambda e: rnnlab.backtest([e.csv, e.csv], years=2016), A,
     r"^sources='TEST': names two sources"),
    ("repeats", "backtest([frame, frame])",
     lambda e: rnnlab.backtest([e.frame, e.frame.copy()], years=2016), A,
     r"a DataFrame among several needs a name"),
    ("repeats", "backtest([IBM frame, AAPL frame])",
     lambda e: rnnlab.backtest([e.frame, frame_with(e, High=e.frame["High"] * 2)],
                               years=2016), A, r"needs a name; pass a dict"),
    ("repeats", "backtest([Prices, Prices])",
     lambda e: rnnlab.backtest([e.prices, e.prices], years=2016), A, r"names two sources"),
    ("repeats", "backtest({'a_b': frame})",
     lambda e: rnnlab.backtest({"a_b": e.frame}, years=2016), A, r"^sources='a_b'"),
    ("repeats", "backtest({'': frame})", lambda e: rnnlab.backtest({"": e.frame}, years=2016),
     A, r"^sources=''"),
    ("repeats", "backtest(seeds=[0, 0])", backtest(seeds=[0, 0]), A,
     r"^seeds=\[0, 0\]: a value repeats"),
    ("repeats", "backtest(years=[2016, 2016])", backtest(years=[2016, 2016]), A,
     r"^years=\[2016, 2016\]: a value repeats"),
    ("repeats", "backtest(presets twice)", backtest(presets=["seed-gru", "seed-gru"]), A,
     r"^presets=.*a name repeats"),
]
