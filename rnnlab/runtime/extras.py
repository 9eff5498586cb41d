"""Optional packages: which extra of ``pip install 'rnnlab[...]'`` brings each one.

A missing optional package is bad setup, not a crash: it becomes a one-line
:class:`RnnlabError` that names the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from rnnlab.runtime.errors import RnnlabError

EXTRAS = {"torch": "train", "onnx": "train", "tqdm": "train", "matplotlib": "plot",
          "pandas": "pandas"}


def install_hint(package: str, what: str) -> RnnlabError:
    """The error for ``what`` (a command, option or function) lacking ``package``."""
    return RnnlabError(f"{what} needs {package}: pip install 'rnnlab[{EXTRAS[package]}]'")


def require(package: str, what: str) -> ModuleType:
    """Import ``package``, or raise :func:`install_hint`'s one-line error."""
    try:
        return importlib.import_module(package)
    except ModuleNotFoundError:
        raise install_hint(package, what) from None


def missing_package(error: ModuleNotFoundError) -> str | None:
    """The optional package whose absence raised ``error``, or None for any other module."""
    top = (error.name or "").split(".")[0]
    return top if top in EXTRAS else None
