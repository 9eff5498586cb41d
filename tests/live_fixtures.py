"""Fixtures for the page's JavaScript, written by the Python runtime (tests/js/*.test.js
read them): what the runtime reads from each shipped model's metadata, what its encoder,
date and metric functions return on small synthetic inputs.

``python tests/live_fixtures.py FOLDER`` writes them by hand; test_live_js.py writes them
to a temporary folder and runs ``node --test`` on them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from rnnlab.runtime.metrics import compare
from rnnlab.runtime.model import load
from rnnlab.runtime.preprocessing import TRANSFORMS, Encoder
from rnnlab.runtime.prices import Prices
from rnnlab.runtime.shipped import SHIPPED, shipped_path


def cards(folder: Path) -> dict:
    """Each shipped model's props and card, and three doctored files the reader refuses
    or reads (non-ASCII text), made with ``onnx`` from the smallest shipped model."""
    import onnx

    shipped = {}
    for name in SHIPPED:
        model = load(name)
        shipped[name] = {"path": str(shipped_path(name)), "card": model.card.to_dict(),
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


def dates() -> dict:
    """Prices.before for dates on, between and beyond trading days; numpy's busday_offset
    after each weekday of a week that crosses a year end."""
    trading = np.array(["2017-12-27", "2017-12-28", "2017-12-29", "2018-01-02", "2018-01-03"],
                       dtype="datetime64[D]")
    prices = Prices(trading, np.ones((5, 1)), ("High",), "test")
    asked = ["2017-12-01", "2017-12-27", "2017-12-30", "2018-01-01", "2018-01-02",
             "2018-01-04"]
    weekdays = ["2017-12-25", "2017-12-28", "2017-12-29", "2018-01-01", "2018-02-28",
                "2020-02-28"]
    return {
        "trading": trading.astype(str).tolist(),
        "before": {d: prices.before(np.datetime64(d)) for d in asked},
        "weekdays_after": {d: np.busday_offset(np.datetime64(d), np.arange(1, 8),
                                               roll="forward").astype(str).tolist()
                           for d in weekdays},
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


def write_fixtures(folder: Path) -> Path:
    """Write ``fixtures.json`` (and the doctored .onnx files) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fixtures.json"
    path.write_text(json.dumps({"cards": cards(folder), "encoders": encoders(),
                                "dates": dates(), "metrics": metrics()}))
    return path


if __name__ == "__main__":
    print(write_fixtures(Path(sys.argv[1])))
