"""The one exception type rnnlab raises for bad input.

Every message is a single line that names the file, column, row or argument at
fault and says what would fix it. The CLI prints it and exits with code 2.
"""

from __future__ import annotations

import numbers
import re
import warnings

# C0 and C1 control characters (tab and newline included) and the bidirectional
# overrides that reorder what a terminal shows: never echoed raw.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SHOWN_CHARS = 60


class RnnlabError(ValueError):
    """Bad input: a file, column, row or argument that rnnlab cannot use."""


class ArgumentError(RnnlabError):
    """A bad argument value, named the way the caller passed it.

    ``str()`` names the Python parameter (``epochs=0: ...``); the CLI prints the
    same error with its option instead (``--epochs 0: ...``), see :meth:`for_cli`.
    """

    def __init__(self, name: str, value: object, problem: str, cli: str | None = None) -> None:
        self.name, self.value, self.problem, self.cli = name, value, problem, cli
        super().__init__(f"{name}={value!r}: {problem}")

    def for_cli(self) -> str:
        """The message with the command-line option: ``--val-fraction 1.5: ...``, or
        ``cli``, the whole message in the CLI's words, where they differ more."""
        return self.cli or f"--{self.name.replace('_', '-')} {self.value}: {self.problem}"


class DataWarning(UserWarning):
    """Data that rnnlab repaired (dropped rows, re-sorted dates) and says so."""


def warn(message: str) -> None:
    """Emit a one-line DataWarning attributed to the caller's caller."""
    warnings.warn(message, DataWarning, stacklevel=3)


def printable(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` safe to show on one line: control characters escaped, long text cut."""
    shown = CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)
    return shown if len(shown) <= limit else shown[:limit] + "..."


def in_range(name: str, value: float, low: float, high: float | None = None) -> None:
    """Raise :class:`ArgumentError` unless ``low <= value <= high`` (``high`` None: no top).

    Booleans and non-numbers are refused too, so ``window=True`` is not 1; numpy's
    numbers are numbers.
    """
    if (isinstance(value, bool) or type(value).__name__ == "bool_"
            or not isinstance(value, numbers.Real) or value != value
            or value in (float("inf"), float("-inf"))):
        raise ArgumentError(name, value, "must be a number")
    if high is None and value < low:
        raise ArgumentError(name, value, f"must be at least {low}")
    if high is not None and not low <= value <= high:
        raise ArgumentError(name, value, f"must be between {low} and {high}")
