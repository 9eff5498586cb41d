"""Atomic writes: a reader (or a Ctrl-C) never sees half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rnnlab.runtime.errors import RnnlabError


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` on success.

    On any exception, KeyboardInterrupt included, the temporary file is removed
    and ``path`` keeps its old content (or stays absent).
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise RnnlabError(f"{path}: the folder {path.parent} does not exist; create it first")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise RnnlabError(f"{path}: cannot write in {path.parent} ({error.strerror}); "
                          "choose a writable folder") from None
    os.close(handle)
    temp = Path(temp)
    umask = os.umask(0)
    os.umask(umask)
    temp.chmod(0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
    try:
        yield temp
        os.replace(temp, path)
    except OSError as error:  # disk full, a folder in the way, a vanished folder
        raise RnnlabError(f"{path}: writing failed ({error.strerror}); "
                          "any earlier file there is unchanged") from None
    finally:
        temp.unlink(missing_ok=True)


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as temp:
        temp.write_text(text, encoding="utf-8")
