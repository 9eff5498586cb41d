"""Stream the ``Date`` column and chosen numeric columns of a CSV into arrays.

The file is read one record at a time and only the chosen cells are kept, as
machine numbers, so memory stays a small multiple of the kept columns (not of the
file). Everything an untrusted file can do wrong is one :class:`RnnlabError`:

- not UTF-8 (with or without a byte-order mark): the byte offset and line;
- broken quoting: an unterminated quote, text after a closing quote, a quoted
  field running over several lines, a field over 128 KiB;
- a row with the wrong number of fields, a cell that is not a strict date or a
  plain decimal number (see :mod:`rnnlab.runtime.prices.csv_values`).
"""

from __future__ import annotations

import csv
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlab.runtime.errors import RnnlabError, printable
from rnnlab.runtime.prices.csv_values import day_number, number

NO_VALUE = {"nan", "inf", "infinity", "na", "n/a", "null", "none", "nat", "-"}
# Byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE).
BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
        b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


@dataclass(frozen=True)
class Table:
    """Rows of a CSV in file order.

    Attributes:
        dates: ``(rows,)`` ``datetime64[D]``.
        values: ``(rows, len(columns))`` float64; NaN where a cell was empty.
        lines: ``(rows,)`` the line number of each row in the file (the header is 1).
    """

    dates: np.ndarray
    values: np.ndarray
    lines: np.ndarray


def read_table(path: Path, columns: Sequence[str]) -> Table:
    """Read ``Date`` and ``columns`` of the CSV at ``path`` (any line endings)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            return _rows(_records(reader, path), path, columns)
        except UnicodeDecodeError:
            raise RnnlabError(f"{path}: {not_utf8(path)}") from None


def _records(reader, path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` per record; a record must be one physical line."""
    expected = 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            raise RnnlabError(f"{path} line {expected}: {_quoting(str(error))}") from None
        if row is None:
            return
        if reader.line_num != expected:
            raise RnnlabError(f"{path} lines {expected}-{reader.line_num}: a quoted field runs "
                              "over several lines; close its quote on the line it opens")
        yield expected, row
        expected += 1


def _quoting(problem: str) -> str:
    """The csv module's complaint in words, with the fix."""
    if "end of data" in problem:
        return "a quote opened on this line is never closed; close it or remove it"
    if "field limit" in problem:
        return f"a field over {csv.field_size_limit() // 1024} KiB; is this a price CSV?"
    return f"broken CSV quoting ({problem}); quote whole cells only"


def _rows(records: Iterator[tuple[int, list[str]]], path: Path,
          columns: Sequence[str]) -> Table:
    header = [name.strip() for name in next(records, (0, []))[1]]
    if not header:
        raise RnnlabError(f"{path}: the file is empty; expected a header line with Date")
    if any("\x00" in name for name in header):
        raise RnnlabError(f"{path}: the header holds NUL bytes, so this is not UTF-8 text "
                          "(UTF-16, or a binary file?); save it as a UTF-8 CSV")
    picks = [_column(header, name, path) for name in ("Date", *columns)]
    date_at, value_at = picks[0], picks[1:]
    days, values, lines = array("q"), array("d"), array("q")
    for line, row in records:
        if (len(row) != len(header) or not row[date_at].strip()) and _blank(row):
            continue
        if len(row) != len(header):
            raise RnnlabError(f"{path} line {line}: {len(row)} fields, the header has "
                              f"{len(header)}; quote cells that contain commas")
        day = day_number(row[date_at])
        if day is None:
            raise RnnlabError(f"{path} line {line}, column Date: "
                              f"'{printable(row[date_at])}' is not a date; use YYYY-MM-DD")
        days.append(day)
        for at in value_at:
            values.append(_value(row[at], path, line, header[at]))
        lines.append(line)
    if not days:
        raise RnnlabError(f"{path}: no data rows below the header")
    return Table(np.frombuffer(days, dtype=np.int64).astype("datetime64[D]"),
                 np.frombuffer(values, dtype=np.float64).reshape(len(days), len(value_at)),
                 np.frombuffer(lines, dtype=np.int64))


def _blank(row: list[str]) -> bool:
    """A line with no text in any cell (``,,,,`` included): skipped."""
    return not any(cell.strip() for cell in row)


def _column(header: list[str], name: str, path: Path) -> int:
    """Index of ``name`` in the header; it must be there exactly once."""
    found = header.count(name)
    if found != 1:
        shown = printable(", ".join(header), 200)
        raise RnnlabError(f"{path}: no column '{name}'; the columns are {shown}" if not found
                          else f"{path}: {found} columns are called '{name}'; rename all but one")
    return header.index(name)


def _value(cell: str, path: Path, line: int, column: str) -> float:
    """A plain decimal number, or NaN for an empty cell; anything else is an error."""
    value = number(cell)
    if value is not None:
        return value
    if not cell.strip():
        return np.nan
    where = f"{path} line {line}, column {printable(column)}: '{printable(cell)}'"
    if cell.strip().lower().lstrip("+-") in NO_VALUE:
        raise RnnlabError(f"{where} is not a value; leave the cell empty for a missing one")
    raise RnnlabError(f"{where} is not a plain decimal number (like 123.45); fix it or empty "
                      "the cell")


def not_utf8(path: Path) -> str:
    """Why ``path`` is not UTF-8 text: where its first undecodable byte is."""
    data = path.read_bytes()
    for bom, encoding in BOMS.items():
        if data.startswith(bom):
            return f"the file is {encoding}, not UTF-8; save it as UTF-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        at = error.start
        line = data.count(b"\n", 0, at) + 1
        return (f"byte offset {at} (line {line}) is not UTF-8 "
                f"({data[at:at + 4]!r}); save the file as UTF-8")
    return "the file is not UTF-8; save it as UTF-8"
