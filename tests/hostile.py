"""Hostile inputs for tests/test_hostile.py: each case is (name, how to make the bad input).

CSV cases are bytes; model cases edit one rnnlab metadata field of a good ONNX file;
checkpoint cases edit a good checkpoint's payload. Every one must end in exit code 2
with a single ``error:`` line.
"""

from __future__ import annotations

import gzip
import json

import numpy as np

HEADER = "Date,Open,High,Low,Close,Volume,Name"
GOOD = "2015-01-05,100.0,101.0,99.0,100.5,1000000,TEST"


def rows(days: int = 40, start: str = "2015-01-01") -> list[str]:
    """``days`` good weekday rows of the test format."""
    dates = np.busday_offset(np.datetime64(start), np.arange(days), roll="forward")
    level = 100 + np.sin(np.arange(days) / 5)
    return [f"{d},{p:.2f},{p + 1:.2f},{p - 1:.2f},{p + 0.5:.2f},{1000000 + i},TEST"
            for i, (d, p) in enumerate(zip(dates, level))]


def csv_with(bad_row: str | None = None, at: int = 20, header: str = HEADER,
             trailer: str = "") -> bytes:
    """A good file with ``bad_row`` in place of row ``at``."""
    body = rows()
    if bad_row is not None:
        body[at] = bad_row
    return ("\r\n".join([header, *body]) + "\r\n" + trailer).encode()


def cell(column: str, text: str) -> bytes:
    """A good file whose row 20 has ``text`` in ``column``."""
    names = HEADER.split(",")
    row = rows()[20].split(",")
    row[names.index(column)] = text
    return csv_with(",".join(row))


CSV_CASES: dict[str, bytes] = {
    # encodings
    "latin-1 name": csv_with(rows()[20].replace("TEST", "Soci\xe9t\xe9")).replace(
        "Société".encode(), "Société".encode("latin-1")),
    "utf-16 le": "\r\n".join([HEADER, *rows()]).encode("utf-16"),
    "utf-16 be": b"\xfe\xff" + "\r\n".join([HEADER, *rows()]).encode("utf-16-be"),
    "utf-16 no bom": "\r\n".join([HEADER, *rows()]).encode("utf-16-le"),
    "utf-32": "\r\n".join([HEADER, *rows()]).encode("utf-32"),
    "random binary": np.random.default_rng(0).bytes(4096),
    "png bytes": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "gzip": gzip.compress(csv_with()),
    "bad utf-8 in date": csv_with(GOOD.replace("2015-01-05", "2015-01-\xff5")).replace(
        "\xff".encode(), b"\xff"),
    "overlong utf-8": csv_with().replace(b"TEST", b"T\xc0\xafST", 1),
    "surrogate utf-8": csv_with().replace(b"TEST", b"T\xed\xa0\x80ST", 1),
    "truncated utf-8": csv_with() + b"\xe2\x82",
    "empty file": b"",
    "only a bom": b"\xef\xbb\xbf",
    "only the header": (HEADER + "\r\n").encode(),
    "blank lines only": b"\r\n\r\n\n",
    "nul in a row": csv_with().replace(b"TEST", b"TE\x00ST", 1).replace(b"101.", b"1\x0001.", 1),
    "nul header": b"\x00" * 64 + b"\n" + b"\x00" * 64,
    # quoting
    "unterminated quote mid-file": csv_with(GOOD.replace("TEST", '"TEST')),
    "unterminated quote last row": csv_with(trailer=GOOD.replace("2015-01-05", "2017-01-05")
                                            .replace("TEST", '"TEST')),
    "text after closing quote": csv_with(GOOD.replace("TEST", '"TE"ST')),
    "quoted field over lines": csv_with(GOOD.replace("TEST", '"TE\r\nST"')),
    "field over 128 KiB": csv_with(GOOD.replace("TEST", "X" * 140_000)),
    "quoted field over 128 KiB": csv_with(GOOD.replace("TEST", '"' + "X" * 140_000 + '"')),
    "quote inside date": csv_with(GOOD.replace("2015-01-05", '"2015-01-05')),
    # header
    "no date column": csv_with(header=HEADER.replace("Date", "Day")),
    "lowercase date": csv_with(header=HEADER.replace("Date", "date")),
    "no high column": csv_with(header=HEADER.replace("High", "Hi")),
    "two high columns": csv_with(header=HEADER.replace("Low", "High")),
    "control chars in header": b"\x1b[31mDate\x07,\x1b[0m\r\nerror: fake\r\n",
    "header of one field": b"Date\r\n2015-01-05\r\n",
    # rows
    "too few fields": csv_with("2015-02-02,1,2"),
    "too many fields": csv_with(GOOD.replace("TEST", "TEST,Inc")),
    "duplicate date": csv_with(rows()[19]),
    "trailer -1": csv_with(trailer="-1,,,,,,\r\n"),
    # dates
    **{f"date {text!r}": cell("Date", text) for text in (
        "", "NaT", "nan", "20170301", "2017", "2017-02-30", "2017-13-01", "17-03-01",
        "2017/03/01", "03/01/2017", "2017-3-1", "2017-03-01x", "0000-01-01", "2017-00-10",
        "2017-03-01T25:00", "2017-03-01 12:61", "+2017-03-01", "\u0662\u0660\u0661\u0667-03-01",
        "2017-03-01 2017-03-02", "None", "1e3", "2017-W09-3")},
    # numbers
    **{f"high {text!r}": cell("High", text) for text in (
        "1_4_5.5", "inf", "-inf", "nan", "NaN", "Infinity", "1e300", "1e400", "-5", "-0.01",
        '"1,234"', "$100", "0x1F", "12abc", "1.2.3", "\u0661\u0662\u0663", "\uff11\uff12",
        "1e5000000", "+-5", ".", "e5", "2e9", "1 000", "100%", "\u2212" + "5", "1e-",
        "--1", "NULL", "N/A", "0b11")},
}

# Read only when a model uses Volume: through `train --features Volume`.
VOLUME_CASES: dict[str, bytes] = {
    "negative volume": cell("Volume", "-100"),
    "volume beyond any": cell("Volume", "1e20"),
    "volume nan": cell("Volume", "nan"),
    "volume 1_000": cell("Volume", "1_000"),
}

# Cases that need the relative-transform model (shipped ohlc-gru): prices must be above zero.
POSITIVE_CASES: dict[str, bytes] = {
    "zero low for ohlc-gru": cell("Low", "0"),
    "zero high for ohlc-gru": cell("High", "0.0"),
}

TOO_SHORT_CASES: dict[str, bytes] = {
    "five rows": ("\r\n".join([HEADER, *rows(5)]) + "\r\n").encode(),
    "one row": ("\r\n".join([HEADER, *rows(1)]) + "\r\n").encode(),
    "rows blank but commas": ("\r\n".join([HEADER, ",,,,,,", ",,,,,,"]) + "\r\n").encode(),
}


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


# (field, new JSON text) for the ONNX metadata entry ``rnnlab.<field>``; None deletes it.
def metadata_cases(card: dict) -> dict[str, tuple[str, str | None]]:
    arch, enc = card["architecture"], card["encoder"]

    def arch_with(**changes):
        return ("architecture", json.dumps({**arch, **changes}))

    def enc_with(**changes):
        return ("encoder", json.dumps({**enc, **changes}))

    width = len(enc["columns"])
    history = card["history"]
    return {
        "window as text": enc_with(window="10"),
        "window 0": enc_with(window=0),
        "window -1": enc_with(window=-1),
        "window 1.5": enc_with(window=1.5),
        "window true": enc_with(window=True),
        "window 10**7": enc_with(window=10**7),
        "units 10**6": arch_with(units=10**6),
        "units 0": arch_with(units=0),
        "units text": arch_with(units="8"),
        "cells empty": arch_with(cells=[]),
        "cells unknown": arch_with(cells=["tanh", "gru"]),
        "cells as text": arch_with(cells="lstm"),
        "cells 1000 layers": arch_with(cells=["gru"] * 1000),
        "features 0": arch_with(features=0),
        "bidirectional text": arch_with(bidirectional="yes"),
        "branches 3 of 2 cells": arch_with(branches=3),
        "architecture extra field": arch_with(evil=1),
        "architecture a list": ("architecture", "[1, 2]"),
        "encoder null": ("encoder", "null"),
        "columns empty": enc_with(columns=[]),
        "columns blank name": enc_with(columns=[""]),
        "columns newline": enc_with(columns=["High\nerror: fake"]),
        "columns repeated": enc_with(columns=["High", "High"], lo=[0, 0], hi=[1, 1]),
        "columns numbers": enc_with(columns=[1]),
        "lo equals hi": enc_with(lo=enc["hi"]),
        "lo above hi": enc_with(lo=[h + 1 for h in enc["hi"]]),
        "lo NaN": ("encoder", json.dumps(enc).replace(json.dumps(enc["lo"]), "[NaN]")),
        "hi Infinity": ("encoder", json.dumps(enc).replace(json.dumps(enc["hi"]), "[Infinity]")),
        "lo too long": enc_with(lo=enc["lo"] * 2),
        "lo as text": enc_with(lo=["0"] * width),
        "transform unknown": enc_with(transform="sqrt"),
        "log the target": enc_with(log_columns=["High"]),
        "encoder extra field": enc_with(evil=1),
        "target not first column": ("target", json.dumps("Low")),
        "target ansi escape": ("target", json.dumps("\x1b[31mHigh")),
        "preset newline": ("preset", json.dumps("x\nerror: fake")),
        "data_file carriage return": ("data_file", json.dumps("a\rb.csv")),
        "version bell": ("rnnlab_version", json.dumps("0.1\x07")),
        "preset bidi override": ("preset", json.dumps("gru\u202e1lm")),
        "preset 5000 chars": ("preset", json.dumps("p" * 5000)),
        "split not a date": ("split", json.dumps("2015-13-45")),
        "split 2017 only": ("split", json.dumps("2017")),
        "train_start after train_end": ("train_start", json.dumps("2016-01-01")),
        "train_end empty": ("train_end", json.dumps("")),
        "history NaN": ("history", json.dumps(history).replace(
            json.dumps(history[0][0]), "NaN", 1)),
        "history too short": ("history", json.dumps(history[1:])),
        "history negative": ("history", json.dumps([[-1.0] * width] * len(history))),
        "history text": ("history", json.dumps("lots")),
        "history_end bad": ("history_end", json.dumps("yesterday")),
        "metrics missing keys": ("metrics", json.dumps({"one_step": {}})),
        "metrics days text": ("metrics", json.dumps({**card["metrics"], "days": "many"})),
        "metrics a list": ("metrics", json.dumps([1])),
        "metrics value text": ("metrics", json.dumps(
            {**card["metrics"], "one_step": {"model": {"rmse": "low"}}})),
        "residual_sd NaN": ("residual_sd", "NaN"),
        "residual_sd negative": ("residual_sd", "-1"),
        "residual_sd huge": ("residual_sd", "1e9"),
        "seed text": ("seed", json.dumps("zero")),
        "seed negative": ("seed", "-1"),
        "sha256 not hex": ("data_sha256", json.dumps("xyz")),
        "missing policy unknown": ("missing", json.dumps("zero")),
        "format text": ("format", json.dumps("1")),
        "format 99": ("format", "99"),
        "format removed": ("format", None),
        "format true": ("format", "true"),
        "invalid json": ("encoder", "{nope"),
        "deep json": ("history", deep_json(100_000)),
        "huge integer": ("seed", "9" * 5000),
    }
