"""mkdocs hook: the files the "Try it in your browser" page fetches, written into the site.

- ``live/models/*.onnx``: the shipped forecasters, copied from ``exported/`` (the same
  files the CLI loads; never duplicated in git).
- ``live/ibm.json``: the IBM days the page needs, read from ``../shared/data`` with the
  runtime's own CSV reader: every column the shipped models read, every day of the file
  (the linear baseline is fit on all the days before the first forecast day, as the CLI
  fits it), and the test range (the days after the models' training period).
  Empty cells stay ``null``, so the page drops a day only for models that read it. With
  them the exchange's holidays from the file's first year to two years after its last
  (rnnlab/runtime/prices/calendar.py), so the page dates the days after the file as the CLI does.
- ``live/normals-seed0.f64``: ``numpy.random.default_rng(0).standard_normal`` draws
  (float64, little-endian), the noise behind ``rnnlab generate --samples N --seed 0``.
- ``live/models/shakespeare-lstm.onnx``: the shipped text model, for the text mode
  (``manifest["text"]``; without the file, ``manifest["text_missing"]`` says so).
- ``live/manifest.json``: what is there; without the price file it says, in one
  sentence, what is missing, and the page shows that sentence. The build never fails.
"""

from __future__ import annotations

import json
import logging
import shutil
import warnings
from pathlib import Path

import numpy as np

from rnnlab.runtime.forecaster import load
from rnnlab.runtime.prices.calendar import exchange_holidays
from rnnlab.runtime.prices.table import read_csv
from rnnlab.runtime.shipped import DEFAULT, SHIPPED, TEXT_SHIPPED

ROOT = Path(__file__).resolve().parents[2]
EXPORTED = ROOT / "exported"
IBM = ROOT.parent / "shared" / "data" / "IBM_2006-01-01_to_2018-01-01.csv"
# What the page lets the reader ask for (it reads them from the manifest): up to a trading
# year of steps, up to 200 sampled paths; so it needs that many noise draws.
LIMITS = {"steps": 251, "samples": 200}
TEXT_LIMITS = {"chars": 2000, "prompt": 1000}  # the text mode's longest sample and prompt
SEED = 0

log = logging.getLogger("mkdocs.hooks.live")


def price_days(csv: Path, models: dict) -> dict:
    """The days of ``csv`` the page needs, as JSON: dates, one list per column, test range."""
    columns = list(dict.fromkeys(c for m in models.values() for c in m.encoder.columns))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a day without Open is dropped per model, later
        read = {c: read_csv(csv, (c,)) for c in columns}
    dates = np.unique(np.concatenate([p.dates for p in read.values()]))
    train_end = max(np.datetime64(m.card.train_end) for m in models.values())
    first_test = int(np.searchsorted(dates, train_end, side="right"))
    days = dates.astype(str).tolist()
    table = {}
    for column, prices in read.items():
        value_on = dict(zip(prices.dates.astype(str).tolist(), prices.values[:, 0].tolist()))
        table[column] = [value_on.get(day) for day in days]
    exchange = models[DEFAULT].card.exchange
    years = dates[[0, -1]].astype("datetime64[Y]").astype(int) + 1970
    closed = exchange_holidays(exchange, int(years[0]), int(years[1]) + 2)
    return {"source": csv.name, "csv": f"../shared/data/{csv.name}",
            "test_first": str(dates[first_test]), "test_last": str(dates[-1]),
            "dates": days, "columns": table, "exchange": exchange,
            "holidays": closed.astype(str).tolist()}


def text_models(live: Path) -> dict:
    """Copy the shipped text models that exist; the manifest's text entries."""
    found = {name: f"models/{file}" for name, file in TEXT_SHIPPED.items()
             if (EXPORTED / file).is_file()}
    for file in found.values():
        shutil.copy2(EXPORTED / Path(file).name, live / file)
    if not found:
        return {"text": None, "text_missing": (
            f"The site was built without a text model: put {', '.join(TEXT_SHIPPED.values())} "
            "in exported/, then run `mkdocs build` again.")}
    return {"text": {"models": found, "default": next(iter(found)), "limits": TEXT_LIMITS}}


def on_post_build(config, **kwargs) -> None:
    live = Path(config["site_dir"]) / "live"
    (live / "models").mkdir(parents=True, exist_ok=True)
    for file in SHIPPED.values():
        shutil.copy2(EXPORTED / file, live / "models" / file)
    draws = LIMITS["steps"] * LIMITS["samples"]
    np.random.default_rng(SEED).standard_normal(draws).astype("<f8").tofile(
        live / "normals-seed0.f64")
    manifest = {"models": {name: f"models/{file}" for name, file in SHIPPED.items()},
                "default": DEFAULT, "limits": LIMITS, "normals": "normals-seed0.f64", "data": None}
    manifest.update(text_models(live))
    if IBM.is_file():
        models = {name: load(EXPORTED / file) for name, file in SHIPPED.items()}
        (live / "ibm.json").write_text(json.dumps(price_days(IBM, models)))
        manifest["data"] = "ibm.json"
    else:
        manifest["data_missing"] = (
            f"The site was built without IBM's prices: put {IBM.name} in ../shared/data "
            "(beside the repository), then run `mkdocs build` again.")
        # info, not warning: `mkdocs build --strict` must pass without the data.
        log.info("no %s: the live page will say so", IBM)
    (live / "manifest.json").write_text(json.dumps(manifest))
