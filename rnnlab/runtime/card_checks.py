"""Type and range checks of an untrusted model card (ONNX metadata or checkpoint dict).

:func:`validate` runs before a :class:`~rnnlab.runtime.card.Card` is built from the
data, so a wrong type, an out-of-range number, a NaN or a control character in a
string is one :class:`RnnlabError` naming the field, never a traceback, a NaN
forecast or text that rewrites the terminal.
"""

from __future__ import annotations

import math
import re

from rnnlab.runtime.errors import CONTROL, printable
from rnnlab.runtime.preprocessing import TRANSFORMS
from rnnlab.runtime.prices.csv_values import day_number

CELLS = ("rnn", "lstm", "gru")
MISSING = ("drop", "ffill")
PRECISIONS = ("fp32", "bf16")  # training's arithmetic; a card without the field: fp32
MAX_LAYERS = 32
MAX_UNITS = 4096
MAX_FEATURES = 64
MAX_WINDOW = 10_000
MAX_TEXT = 1000
MAX_SEED = 2**32 - 1  # what numpy and torch generators take everywhere
MAX_NOISE = 10.0  # residual_sd, in scaled units, where the training range spans 1
MAX_VALUE = 1e15
SHA256 = re.compile(r"[0-9a-f]{64}")
EXCHANGE_CODE = re.compile(r"[A-Z]{1,8}")
METRIC_VIEWS = ("one_step", "generation")
WEIGHTS = ("float32", "int8")  # how a file stores its weights (int8: `rnnlab export --int8`)


class Bad(Exception):
    """One field's problem; :func:`validate` turns it into an RnnlabError."""


def validate(data: object, fields: set[str]) -> None:
    """Raise :class:`Bad` ``"field: problem"`` for the first field that is wrong.

    Args:
        data: the card as decoded JSON (or a checkpoint's ``card`` dict).
        fields: the names a card may have.
    """
    card = _dict(data, "card")
    unknown = sorted(set(card) - fields)
    if unknown:
        raise Bad(f"unknown field(s) {printable(', '.join(map(str, unknown)))}")
    _architecture(_dict(_required(card, "architecture"), "architecture"))
    encoder = _dict(_required(card, "encoder"), "encoder")
    columns = _encoder(encoder)
    if _text(_required(card, "target"), "target") != columns[0]:
        raise Bad(f"target: '{printable(card['target'])}' is not the first column "
                  f"'{printable(columns[0])}'")
    start, end, split = (_date(_required(card, k), k) for k in ("train_start", "train_end",
                                                                 "split"))
    if not start <= end < split:
        raise Bad("train_start <= train_end < split does not hold")
    _text(_required(card, "data_file"), "data_file")
    sha = _text(_required(card, "data_sha256"), "data_sha256")
    if sha and not SHA256.fullmatch(sha):
        raise Bad("data_sha256: not 64 lowercase hex digits")
    if card.get("missing", "drop") not in MISSING:
        raise Bad(f"missing: must be one of {MISSING}")
    weights(card)
    if card.get("precision", "fp32") not in PRECISIONS:
        raise Bad(f"precision: must be one of {PRECISIONS}")
    if not EXCHANGE_CODE.fullmatch(str(card.get("exchange", "NYSE"))):
        raise Bad("exchange: must be an exchange code such as NYSE (1 to 8 capitals)")
    for key in ("preset", "rnnlab_version"):
        _text(card.get(key, ""), key)
    _integer(card.get("seed", 0), "seed", 0, MAX_SEED)
    _history(card, len(columns))
    _number(card.get("residual_sd", 0.0), "residual_sd", 0.0, MAX_NOISE)
    _metrics(_dict(card.get("metrics", {}), "metrics"))


def weights(card: dict) -> None:
    """``weights``, absent in files from before int8: float32."""
    if card.get("weights", "float32") not in WEIGHTS:
        raise Bad(f"weights: must be one of {WEIGHTS}")


def stored_weights(card: dict) -> dict:
    """``card`` as a file stores it: ``weights`` only when int8, so a float32 card (and an
    older rnnlab reading it) stays what it was before int8 files."""
    return card if card.get("weights") == "int8" else {k: v for k, v in card.items()
                                                        if k != "weights"}


def _required(card: dict, key: str, prefix: str = "") -> object:
    if key not in card:
        raise Bad(f"{prefix}{key}: missing")
    return card[key]


def _dict(value: object, name: str) -> dict:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise Bad(f"{name}: must be a mapping of names, not {type(value).__name__}")
    return value


def _list(value: object, name: str, low: int, high: int) -> list:
    if not isinstance(value, (list, tuple)) or not low <= len(value) <= high:
        raise Bad(f"{name}: must be a list of {low} to {high} items")
    return list(value)


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise Bad(f"{name}: must be text of at most {MAX_TEXT} characters")
    if CONTROL.search(value):
        raise Bad(f"{name}: '{printable(value)}' contains control characters")
    return value


def _date(value: object, name: str) -> int:
    day = day_number(_text(value, name))
    if day is None:
        raise Bad(f"{name}: '{printable(value)}' is not a date YYYY-MM-DD")
    return day


def _integer(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Bad(f"{name}: must be a whole number from {low} to {high}, not "
                  f"{printable(repr(value))}")
    return value


def _number(value: object, name: str, low: float = -MAX_VALUE, high: float = MAX_VALUE) -> float:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or not low <= value <= high):
        raise Bad(f"{name}: must be a finite number from {low:g} to {high:g}, not "
                  f"{printable(repr(value))}")
    return float(value)


def _architecture(arch: dict) -> None:
    cells = _list(_required(arch, "cells", "architecture."), "architecture.cells", 1, MAX_LAYERS)
    if any(cell not in CELLS for cell in cells):
        raise Bad(f"architecture.cells: each must be one of {CELLS}")
    _integer(_required(arch, "units", "architecture."), "architecture.units", 1, MAX_UNITS)
    _integer(arch.get("features", 1), "architecture.features", 1, MAX_FEATURES)
    if not isinstance(arch.get("bidirectional", False), bool):
        raise Bad("architecture.bidirectional: must be true or false")
    _integer(arch.get("branches", 1), "architecture.branches", 1, MAX_LAYERS)
    _integer(arch.get("skip", 0), "architecture.skip", 0, MAX_WINDOW)  # linear skip's steps
    extra = set(arch) - {"cells", "units", "features", "bidirectional", "branches", "skip"}
    if extra:
        raise Bad(f"architecture: unknown field(s) {printable(', '.join(sorted(extra)))}")


def _encoder(encoder: dict) -> list[str]:
    columns = _list(_required(encoder, "columns", "encoder."), "encoder.columns", 1, MAX_FEATURES)
    for column in columns:
        if not _text(column, "encoder.columns"):
            raise Bad("encoder.columns: a column name is empty")
    if len(set(columns)) != len(columns):
        raise Bad("encoder.columns: names repeat")
    _integer(_required(encoder, "window", "encoder."), "encoder.window", 1, MAX_WINDOW)
    width = len(columns)
    bounds = [[_number(v, f"encoder.{key}") for v in
               _list(_required(encoder, key, "encoder."), f"encoder.{key}", width, width)]
              for key in ("lo", "hi")]
    if any(hi <= lo for lo, hi in zip(*bounds)):
        raise Bad("encoder.hi: every column's hi must be above its lo (the scaler's range)")
    if encoder.get("transform", "level") not in TRANSFORMS:
        raise Bad(f"encoder.transform: must be one of {TRANSFORMS}")
    logged = _list(encoder.get("log_columns", []), "encoder.log_columns", 0, MAX_FEATURES)
    if any(name not in columns[1:] for name in logged):
        raise Bad("encoder.log_columns: must name input columns other than the target")
    extra = set(encoder) - {"columns", "window", "lo", "hi", "transform", "log_columns"}
    if extra:
        raise Bad(f"encoder: unknown field(s) {printable(', '.join(sorted(extra)))}")
    return columns


def _history(card: dict, features: int) -> None:
    rows = _list(card.get("history", []), "history", 0, MAX_WINDOW + 1)
    for row in rows:
        for value in _list(row, "history row", features, features):
            _number(value, "history", 0.0, MAX_VALUE)
    end = card.get("history_end", "")
    if rows:
        _date(end, "history_end")
    else:
        _text(end, "history_end")


def _metrics(metrics: dict) -> None:
    if not metrics:
        return
    for key in ("test_start", "test_end"):
        _date(_required(metrics, key, "metrics."), f"metrics.{key}")
    _integer(_required(metrics, "days", "metrics."), "metrics.days", 1, 10**7)
    for view in METRIC_VIEWS:
        if view not in metrics:
            continue
        for name, row in _dict(metrics[view], f"metrics.{view}").items():
            _text(name, f"metrics.{view} name")
            for metric, value in _dict(row, f"metrics.{view}.{name}").items():
                _text(metric, f"metrics.{view}.{name} name")
                if value is not None and (isinstance(value, bool)
                                          or not isinstance(value, (int, float))):
                    raise Bad(f"metrics.{view}.{printable(name)}.{printable(metric)}: "
                              "must be a number")
