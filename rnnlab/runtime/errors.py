"""The one exception type rnnlab raises for bad input.

Every message is a single line that names the file, column, row or argument at
fault and says what would fix it. The CLI prints it and exits with code 2.
"""

import warnings


class RnnlabError(ValueError):
    """Bad input: a file, column, row or argument that rnnlab cannot use."""


class DataWarning(UserWarning):
    """Data that rnnlab repaired (dropped rows, re-sorted dates) and says so."""


def warn(message: str) -> None:
    """Emit a one-line DataWarning attributed to the caller's caller."""
    warnings.warn(message, DataWarning, stacklevel=3)
