"""Fixtures for the page's JavaScript, written by the Python runtime (tests/js/*.test.js
read them): what the runtime reads from each shipped model's metadata, what its encoder,
baseline, date and metric functions return on small synthetic inputs.

``python tests/live_fixtures.py FOLDER`` writes them by hand; test_live_js.py writes them
to a temporary folder and runs ``node --test`` on them.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from helpers import write_prices

from rnnlab.runtime.forecaster import load
from rnnlab.runtime.preprocessing import TRANSFORMS, Encoder
from rnnlab.runtime.prices.calendar import EXCHANGE, exchange_holidays, trading_days_after
from rnnlab.runtime.prices.table import Prices, read_csv
from rnnlab.runtime.scores.baselines import baseline_forecasts, fit_ridge
from rnnlab.runtime.scores.metrics import compare
from rnnlab.runtime.shipped import SHIPPED, shipped_path


def cards(folder: Path) -> dict:
    """Each shipped model's props and card, and three doctored files the reader refuses
    or reads (non-ASCII text), made with ``onnx`` from the smallest shipped model."""
    import onnx

    shipped = {}
    for name in SHIPPED:
        model = load(name)
        card = model.card.to_dict()
        # the fields the page uses, as the runtime reads them
        used = {"architecture": {k: card["architecture"][k] for k in
                                 ("cells", "units", "features", "bidirectional")},
                **{k: card[k] for k in ("encoder", "target", "residual_sd")}}
        shipped[name] = {"path": str(shipped_path(name)), "card": used,
                         "props": model.session.get_modelmeta().custom_metadata_map}
    doctored = {}
    for case, change in {"no-rnnlab": lambda props: props.clear(),
                         "newer-format": lambda props: props.update({"rnnlab.format": "2"}),
                         "non-ascii": lambda props: props.update({"note": "prix en €, Zürich"})
                         }.items():
        proto = onnx.load(str(shipped_path("ohlc-gru")))
        props = {p.key: p.value for p in proto.metadata_props}
        change(props)
        del proto.metadata_props[:]
        onnx.helper.set_model_props(proto, props)
        path = folder / f"{case}.onnx"
        onnx.save(proto, str(path))
        doctored[case] = {"path": str(path), "props": props}
    return {"shipped": shipped, "doctored": doctored}


def encoders() -> list[dict]:
    """Every transform, with and without a logged volume column, on a random walk."""
    rng = np.random.default_rng(0)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 40)))
    raw = np.column_stack([close, close * rng.uniform(0.97, 1.03, 40),
                           rng.uniform(1e5, 1e6, 40)])
    cases = []
    for transform in TRANSFORMS:
        for columns, logs in ((("Close",), ()), (("Close", "Open", "Volume"), ("Volume",))):
            data = raw[:, :len(columns)]
            encoder = Encoder.fit(data[:30], columns, window=4, transform=transform,
                                  log_columns=logs)
            scaled = rng.uniform(0, 1, 6)
            cases.append({
                "encoder": encoder.to_dict(), "raw": data.tolist(),
                "encoded": encoder.encode(data).tolist(),
                "one_step_windows": encoder.one_step_windows(data, 30).tolist(),
                "last_window": encoder.last_window(data[:25]).tolist(),
                "scaled": scaled.tolist(), "previous": data[30:36, 0].tolist(),
                "next_levels": encoder.next_levels(scaled, data[30:36, 0]).tolist(),
                "path_levels": encoder.path_levels(scaled[None], data[29, 0])[0].tolist(),
            })
    return cases


def baselines() -> dict:
    """The input-reading baselines of each shipped model's encoder on a random walk of its
    columns (fit on the first 150 days), and a ridge whose best penalty, 0, meets a
    singular system (a repeated column, an exact linear target)."""
    rng = np.random.default_rng(2)
    close = 150 * np.exp(np.cumsum(rng.normal(0, 0.015, 190)))
    models = {}
    for name in SHIPPED:
        encoder = load(name).encoder
        raw = np.column_stack([close if c == "Close" else close * rng.uniform(0.98, 1.02, 190)
                               for c in encoder.columns])
        models[name] = {"encoder": encoder.to_dict(), "raw": raw.tolist(), "first": 150,
                        "forecasts": {k: v.tolist() for k, v in
                                      baseline_forecasts(encoder, raw, 150).items()}}
    a, b = rng.normal(0, 1, (2, 60))
    x = np.column_stack([a, a, b])
    singular = fit_ridge(x[:50], x[:50, 0] + 2 * x[:50, 2])
    return {"models": models, "ridge": {"x": x[:50].tolist(), "y": (a + 2 * b)[:50].tolist(),
                                        "new": x[50:].tolist(), "penalty": singular.penalty,
                                        "predicted": singular.predict(x[50:]).tolist()}}


def dates() -> dict:
    """Prices.before for dates on, between and beyond trading days; the exchange's trading
    days (rnnlab/runtime/prices/calendar.py) after days around holidays and a year end."""
    trading = np.array(["2017-12-27", "2017-12-28", "2017-12-29", "2018-01-02", "2018-01-03"],
                       dtype="datetime64[D]")
    prices = Prices(trading, np.ones((5, 1)), ("High",), "test")
    asked = ["2017-12-01", "2017-12-27", "2017-12-30", "2018-01-01", "2018-01-02",
             "2018-01-04"]
    # Christmas and New Year's, a Saturday, Good Friday 2018, Hurricane Sandy's two days
    after = ["2017-12-22", "2017-12-25", "2017-12-29", "2017-12-30", "2018-03-28",
             "2012-10-26", "2020-02-28"]
    return {
        "trading": trading.astype(str).tolist(),
        "before": {d: prices.before(np.datetime64(d)) for d in asked},
        "holidays": exchange_holidays(EXCHANGE, 2012, 2020).astype(str).tolist(),
        "trading_days_after": {d: trading_days_after(np.datetime64(d), 7).astype(str).tolist()
                               for d in after},
    }


def metrics() -> dict:
    """compare() on random prices, and numpy's quantiles over paths, as the CLI takes them."""
    rng = np.random.default_rng(1)
    actual = 100 + rng.normal(0, 3, 30)
    model = actual + rng.normal(0, 1, 30)
    previous = np.r_[99.0, actual[:-1]]
    paths = rng.normal(0, 1, (7, 12))
    return {"actual": actual.tolist(), "model": model.tolist(), "previous": previous.tolist(),
            "last_known": 99.0, "scores": compare(actual, {"model": model}, previous, 99.0),
            "paths": paths.tolist(),
            "quantiles": {str(q): np.quantile(paths, q, axis=0).tolist()
                          for q in (0.05, 0.5, 0.95)}}


def cli_json(*args) -> dict:
    """What ``rnnlab ARGS --json`` prints, parsed."""
    from rnnlab.cli import main

    out = io.StringIO()
    with (contextlib.redirect_stdout(out), warnings.catch_warnings(),
          contextlib.suppress(SystemExit)):  # typer exits after every command
        warnings.simplefilter("ignore")  # the dropped row is expected
        main([*map(str, args), "--json"])
    return json.loads(out.getvalue())


def runs(folder: Path) -> dict:
    """A random-walk price file with one day lacking Open, as the page's JSON holds it, and
    what ``rnnlab forecast`` / ``rnnlab generate`` print for a few choices on it."""
    csv = write_prices(folder / "prices.csv", days=160, start="2017-06-01",
                       columns=("Open", "High", "Low", "Close"))
    lines = csv.read_text().splitlines()
    lines[120] = lines[120].split(",", 2)[0] + ",," + lines[120].split(",", 2)[2]
    csv.write_text("\n".join(lines) + "\n")
    columns = ("High", "Open", "Low", "Close")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = {c: read_csv(csv, (c,)) for c in columns}
    dates = table["High"].dates.astype(str).tolist()
    data = {"dates": dates, "columns": {
        c: [dict(zip(p.dates.astype(str).tolist(), p.values[:, 0].tolist())).get(d)
            for d in dates] for c, p in table.items()},
            "holidays": exchange_holidays(EXCHANGE, 2017, 2019).astype(str).tolist()}
    start, end = dates[100], dates[140]
    cases = []
    for model in SHIPPED:
        cases.append({"command": "forecast", "model": model, "start": start,
                      "printed": cli_json("forecast", model, "--csv", csv, "--start", start,
                                          "--end", end)})
    for model, when, steps, mode, samples in (("gru", dates[150], 25, "windowed", 0),
                                              ("lstm", dates[130], 12, "stateful", 5)):
        args = ["--start", when, "--steps", steps, "--mode", mode, "--samples", samples]
        cases.append({"command": "generate", "model": model, "start": when, "steps": steps,
                      "mode": mode, "samples": samples,
                      "printed": cli_json("generate", model, "--csv", csv, *args)})
    normals = np.random.default_rng(0).standard_normal(12 * 5).tolist()
    models = {name: str(shipped_path(name)) for name in SHIPPED}
    return {"data": data, "models": models, "normals": normals, "cases": cases}


def write_fixtures(folder: Path) -> Path:
    """Write ``fixtures.json`` (and the doctored .onnx files) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fixtures.json"
    path.write_text(json.dumps({"cards": cards(folder), "encoders": encoders(),
                                "baselines": baselines(), "dates": dates(),
                                "metrics": metrics(), "runs": runs(folder)}))
    return path


if __name__ == "__main__":
    print(write_fixtures(Path(sys.argv[1])))
