"""The CSV validation layer: what a price file may look like, and what it may not."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.prices.csv_values import day_number, number, parse_date
from rnnlab.runtime.prices.table import check_positive, read_csv, sha256_of

HEADER = "Date,Open,High,Low,Close,Volume,Name"


def write(tmp_path, *rows: str, newline: str = "\r\n", prefix: bytes = b"") -> object:
    path = tmp_path / "p.csv"
    path.write_bytes(prefix + (newline.join([HEADER, *rows]) + newline).encode())
    return path


ROWS = ("2020-01-02,1,2,0.5,1.5,100,X", "2020-01-03,2,3,1.5,2.5,200,X")


@pytest.mark.parametrize("newline, prefix", [("\r\n", b""), ("\n", b""), ("\r", b""),
                                             ("\r\n", b"\xef\xbb\xbf")],
                         ids=["crlf", "lf", "cr", "utf-8 bom"])
def test_line_endings_and_bom(tmp_path, newline, prefix):
    prices = read_csv(write(tmp_path, *ROWS, newline=newline, prefix=prefix))
    assert prices.column("High").tolist() == [2, 3]


def test_time_parts_quotes_and_blank_lines_are_fine(tmp_path):
    path = write(tmp_path, '"2020-01-02 00:00:00",1,"2",0.5,1.5,100,"X, Inc"', "",
                 "2020-01-03T16:00:00Z,2,3e0,1.5,2.5,200,X", ",,,,,,")
    prices = read_csv(path)
    assert prices.dates.astype(str).tolist() == ["2020-01-02", "2020-01-03"]
    assert prices.column("High").tolist() == [2, 3]


def test_only_the_chosen_columns_are_checked(tmp_path):
    path = write(tmp_path, "2020-01-02,oops,2,0.5,1.5,-1,\x00", "2020-01-03,2,3,1.5,2.5,200,X")
    assert read_csv(path, ("High",)).column("High").tolist() == [2, 3]
    with pytest.raises(RnnlabError, match="line 2, column Open: 'oops'"):
        read_csv(path, ("Open",))


def test_undecodable_byte_is_located(tmp_path):
    path = write(tmp_path, *ROWS)
    data = path.read_bytes()
    at = data.index(b"X")
    path.write_bytes(data[:at] + b"\xe9" + data[at + 1:])
    with pytest.raises(RnnlabError, match=f"byte offset {at} \\(line 2\\) is not UTF-8"):
        read_csv(path)


@pytest.mark.parametrize("text", ["2017-01-02", "2017-01-02 09:30", "2017-01-02T09:30:00.5",
                                  "2017-01-02T09:30:00+01:00", " 2017-01-02 "])
def test_strict_dates_accept_iso(text):
    assert day_number(text) == day_number("2017-01-02")


@pytest.mark.parametrize("text", ["2017", "20170102", "2017-1-2", "2017-02-29", "NaT", "",
                                  "2017-01-02T24:00", "\u0662017-01-02"])
def test_strict_dates_refuse_the_rest(text):
    assert day_number(text) is None
    with pytest.raises(RnnlabError, match="split=.*: is not a date; use YYYY-MM-DD"):
        parse_date(text, "--split")


@pytest.mark.parametrize("text, value", [("12", 12.0), ("-1.5", -1.5), (".5", 0.5),
                                         ("5.", 5.0), ("1e3", 1000.0), ("+2E-2", 0.02)])
def test_plain_numbers(text, value):
    assert number(text) == value


@pytest.mark.parametrize("text", ["1_000", "inf", "nan", "0x10", "1,5", "\uff11", "1e", ""])
def test_not_plain_numbers(text):
    assert number(text) is None


@pytest.mark.parametrize("row, message", [
    ("2020-01-06,1,-2,0.5,1.5,100,X", "line 4, column High: -2: a price cannot be negative"),
    ("2020-01-06,1,2e9,0.5,1.5,100,X", "2e\\+09: more than any price can be"),
    ("2020-01-06,1,2,0.5,1.5,-100,X", "column Volume: -100: a volume cannot be negative"),
    ("2020-01-06,1,2,0.5,1.5,1e16,X", "more than any volume can be"),
])
def test_magnitudes(tmp_path, row, message):
    with pytest.raises(RnnlabError, match=message):
        read_csv(write(tmp_path, *ROWS, row), ("High", "Volume"))


def test_positive_prices_are_required_by_name_and_date(tmp_path):
    prices = read_csv(write(tmp_path, *ROWS, "2020-01-06,1,2,0,1.5,0,X"), ("Low", "Volume"))
    check_positive(read_csv(write(tmp_path, *ROWS), ("Low", "Volume")), "x")
    with pytest.raises(RnnlabError, match="Low is 0 on 2020-01-06; the logret transform needs"):
        check_positive(prices, "the logret transform")


def test_sha256_reads_in_blocks(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(np.random.default_rng(0).bytes(3 << 20))
    assert sha256_of(path) == hashlib.sha256(path.read_bytes()).hexdigest()


# -- properties: nothing but RnnlabError, whatever the file holds -------------------------

QUICK = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@QUICK
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_are_read_or_refused(tmp_path, data):
    path = tmp_path / "any.csv"
    path.write_bytes((HEADER + "\n").encode() + data)
    try:
        prices = read_csv(path, ("High", "Volume"))
    except RnnlabError as error:
        assert "\n" not in str(error)
        return
    assert np.isfinite(prices.values).all() and (prices.values >= 0).all()
    assert (np.diff(prices.dates) > np.timedelta64(0, "D")).all()


CELL = st.one_of(st.text(max_size=12), st.sampled_from(
    ["2020-01-02", "2020-02-30", "1.5", "-3", "1e400", "nan", "", '"', "1_0", "2020-01-02T10:00"]))


@QUICK
@given(table=st.lists(st.lists(CELL, min_size=0, max_size=8), max_size=12),
       missing=st.sampled_from(["drop", "ffill"]))
def test_arbitrary_tables_are_read_or_refused(tmp_path, table, missing):
    path = tmp_path / "table.csv"
    path.write_text("\n".join([HEADER, *(",".join(row) for row in table)]), encoding="utf-8")
    try:
        prices = read_csv(path, ("High",), missing)
    except RnnlabError:
        return
    assert np.isfinite(prices.values).all() and len(prices.dates) == len(prices.values)
