"""Argument checks at the API's edge, shared by the Python API and the CLI.

Each function takes the argument's name (as the caller spelt it: ``steps``, ``years``)
and its value, and returns the value in the form rnnlab computes with, or raises
:class:`~rnnlab.runtime.errors.ArgumentError`: one line naming the argument, what it got
and what would fix it. Only numpy and the standard library: no pandas, which is read
by duck typing (a pandas ``Timestamp`` is a ``datetime.datetime``).
"""

from __future__ import annotations

import datetime
import numbers
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from rnnlab.runtime.card_checks import MAX_SEED
from rnnlab.runtime.errors import ArgumentError, in_range, printable
from rnnlab.runtime.prices.csv_values import day_number

# The calendar whose days rnnlab counts: tz-aware times become that exchange's date.
EXCHANGE_ZONE = "America/New_York"
MAX_THREADS = 256
YEARS = (1000, 9998)


class Shown(str):
    """A value as an error message shows it (its repr, escaped and cut), unquoted."""

    def __repr__(self) -> str:
        return str(self)


def shown(value: object) -> object:
    """``value`` itself when short and plain (``None``, a number, a short str), else its
    repr, control characters escaped and cut, so a message stays one readable line."""
    plain = value is None or isinstance(value, (numbers.Number, str, np.generic))
    text = repr(value)
    return value if plain and printable(text) == text else Shown(printable(text))


def integer(name: str, value: object, low: int, high: int | None = None) -> int:
    """``value`` as an ``int`` in ``[low, high]`` (``high`` None: no top).

    Python and numpy integers pass; booleans, floats (even ``5.0``) and strings do not.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ArgumentError(name, shown(value), f"must be a whole number (got "
                            f"{type(value).__name__}); pass e.g. {low}")
    value = int(value)
    in_range(name, value, low, high)
    return value


def optional_integer(name: str, value: object, low: int, high: int | None = None
                     ) -> int | None:
    """:func:`integer`, or None."""
    return None if value is None else integer(name, value, low, high)


def threads(name: str, value: object) -> int | None:
    """A thread count, 1 to ``MAX_THREADS``, or None (the default)."""
    return optional_integer(name, value, 1, MAX_THREADS)


def flag(name: str, value: object) -> bool:
    """A ``True``/``False`` argument (numpy's booleans too); 0, 1 and strings are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentError(name, shown(value), "must be True or False")
    return bool(value)


def choice(name: str, value: object, choices: Iterable[str]) -> str:
    """One of ``choices``."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ArgumentError(name, shown(value), f"is unknown; use one of {', '.join(choices)}")
    return value


def text(name: str, value: object) -> str:
    """A non-empty string (a column, a preset name)."""
    if not isinstance(value, str) or not value.strip():
        raise ArgumentError(name, shown(value), "must be a non-empty string")
    return value


def names(name: str, value: object, example: str) -> tuple[str, ...]:
    """One name or several, as a tuple: a ``str`` is one name, not its letters.

    Refused: nothing, a repeat, a name that is not a non-empty string.
    """
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable) or isinstance(value, (bytes, dict)):
        raise ArgumentError(name, shown(value), f"must be a name or a list of names, e.g. "
                            f"{example!r}")
    found = tuple(value)
    for item in found:
        text(name, item)
    if not found:
        raise ArgumentError(name, [], f"is empty; give at least one, e.g. {example!r}")
    if len(set(found)) < len(found):
        raise ArgumentError(name, shown(list(found)), "a name repeats; give each once")
    return found


def integers(name: str, value: object, low: int, high: int, why: str) -> list[int]:
    """One whole number or several, as a list: ``0`` is ``[0]``. Refused: none, a repeat
    (``why`` says why a repeat is useless), a value out of ``[low, high]``."""
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        value = [value]
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ArgumentError(name, shown(value), f"must be a whole number or a list of them, "
                            f"e.g. [{low}]")
    found = [integer(name, item, low, high) for item in value]
    if not found:
        raise ArgumentError(name, [], "is empty; give at least one")
    if len(set(found)) < len(found):
        raise ArgumentError(name, found, f"a value repeats; {why}")
    return found


def seeds(value: object, name: str = "seeds") -> list[int]:
    """Training seeds: ``0`` or ``[0, 1, 2]``, no repeats."""
    return integers(name, value, 0, MAX_SEED, "each seed gives the same model")


def years(value: object, name: str = "years") -> list[int]:
    """Test years: ``2017`` or ``[2016, 2017]``, no repeats."""
    return integers(name, value, *YEARS, "each year is one fold")


def date(name: str, value: object) -> np.datetime64:
    """A day, as ``datetime64[D]``.

    Accepted: ``"YYYY-MM-DD"`` (a time and zone after it are ignored, as in a CSV),
    ``datetime.date``, a naive ``datetime.datetime`` or pandas ``Timestamp`` (its date),
    a tz-aware one when its date in the exchange's zone (``EXCHANGE_ZONE``) is the date
    it shows (else refused: converting would move it a day), and ``numpy.datetime64``.
    """
    if isinstance(value, str):
        day = day_number(value)
        if day is None:
            raise ArgumentError(name, shown(value), "is not a date; use YYYY-MM-DD")
        return np.datetime64(day, "D")
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return exchange_day(name, value)
    if isinstance(value, datetime.date):
        return np.datetime64(value.isoformat()[:10], "D")
    if isinstance(value, np.datetime64) and not np.isnat(value):
        return value.astype("datetime64[D]")
    raise ArgumentError(name, shown(value), "is not a date; use 'YYYY-MM-DD', a "
                        "datetime.date or a numpy.datetime64")


def optional_date(name: str, value: object) -> np.datetime64 | None:
    """:func:`date`, or None."""
    return None if value is None else date(name, value)


def exchange_day(name: str, moment: datetime.datetime) -> np.datetime64:
    """The exchange's calendar date of a tz-aware time, when that is the date it shows."""
    from zoneinfo import ZoneInfo

    there = moment.astimezone(ZoneInfo(EXCHANGE_ZONE)).date()
    if there != moment.date():
        raise ArgumentError(name, str(moment), f"is {there} in {EXCHANGE_ZONE}, the "
                            f"exchange's calendar, but shows {moment.date()}; pass the day "
                            "you mean without a zone (e.g. its .date())")
    return np.datetime64(there.isoformat(), "D")


def path(name: str, value: object, what: str) -> Path:
    """A file path (``str`` or ``os.PathLike``); ``what`` says what file is wanted."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise ArgumentError(name, shown(value), f"is not a path; pass {what} as a str or "
                            "pathlib.Path")
    return Path(value)
