"""Strict parsing of one CSV cell or argument: ISO dates and plain decimal numbers.

Python's own parsers are too lenient for untrusted files: ``float`` takes
``1_4_5.5``, ``inf`` and ``nan``; numpy reads ``2017`` as 2017-01-01 and
``20170301`` as the year 20,170,301. These accept only:

- dates ``YYYY-MM-DD``, optionally followed by a time ``[T ]HH:MM[:SS[.f]]`` and a
  zone (``Z`` or ``+HH:MM``), which is ignored: rnnlab works with days;
- numbers ``[+-]digits[.digits][e[+-]digits]``: no underscores, no ``inf``/``nan``,
  no thousands separators.

Digits are ASCII only (Python's ``\\d`` and ``float`` also take Arabic-Indic or
full-width digits).
"""

from __future__ import annotations

import datetime
import re

import numpy as np

from rnnlab.runtime.errors import ArgumentError, printable

DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})"
                  r"(?:[T ]([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?)?", re.ASCII)
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
EPOCH = datetime.date(1970, 1, 1).toordinal()


def day_number(text: str) -> int | None:
    """Days since 1970-01-01 of a strict ISO date, or None if ``text`` is not one."""
    match = DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:  # 2017-02-30, month 13, year 0
        return None
    return day.toordinal() - EPOCH


def number(text: str) -> float | None:
    """The value of a plain decimal number, or None if ``text`` is not one."""
    text = text.strip()
    return float(text) if NUMBER.fullmatch(text) else None


def parse_date(text: str, what: str) -> np.datetime64:
    """Parse a strict ISO date (see the module docstring).

    ``what`` is the argument's name (``"split"``; a CLI spelling like ``"--split"`` is
    accepted): the error names it the way the caller passed it.
    """
    day = day_number(text) if isinstance(text, str) else None
    if day is None:
        name = what.lstrip("-").replace("-", "_")
        raise ArgumentError(name, printable(str(text)), "is not a date; use YYYY-MM-DD")
    return np.datetime64(day, "D")
