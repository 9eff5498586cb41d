"""Output files: checked before any work starts, then written atomically.

- :func:`check_outputs`: each output option must name a file (not a folder, not a device)
  in a folder that exists (or can be made, for ``train``) and can be written, must differ
  from every input and from the other outputs; ``--plot`` also needs matplotlib. A bad path
  never costs a run (the CLI and the experiments' writers both check first).
- :func:`atomic_path`, :func:`write_text`: a reader (or a Ctrl-C) never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.extras import require


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


def check_outputs(outputs: Mapping[str, Path | None], inputs: Iterable[Path | None] = (),
                  make_parents: bool = False) -> None:
    """Raise naming the option of the first unusable output.

    Args:
        outputs: option (``"--out"``) -> the path given, or None when not asked for.
        inputs: the files the command reads; no output may overwrite one.
        make_parents: missing folders will be created (then their nearest existing
            ancestor must be writable).
    """
    given = [(option, Path(path)) for option, path in outputs.items() if path is not None]
    readable = [Path(p) for p in inputs if p is not None and Path(p).is_file()]
    seen: dict[str, str] = {}
    for option, path in given:
        _usable(option, path, make_parents)
        for source in readable:
            if path.exists() and os.path.samefile(path, source):
                raise RnnlabError(f"{option} {path}: that is an input file of this command; "
                                  "write the output elsewhere")
        key = os.path.abspath(path)
        if key in seen:
            raise RnnlabError(f"{option} {path}: {seen[key]} writes the same file; "
                              "give them different names")
        seen[key] = option
        if option == "--plot":
            require("matplotlib", "--plot")


def _usable(option: str, path: Path, make_parents: bool) -> None:
    if path.is_dir():
        raise RnnlabError(f"{option} {path}: is a folder; give a file name inside it")
    if path.exists() and not path.is_file():
        raise RnnlabError(f"{option} {path}: is not a regular file; give a file name")
    folder = path.parent
    if make_parents:
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
    if not folder.is_dir():
        problem = (f"{folder} is not a folder" if folder.exists()
                   else f"the folder {folder} does not exist; create it first")
        raise RnnlabError(f"{option} {path}: {problem}")
    try:
        handle, probe = tempfile.mkstemp(prefix=".rnnlab-probe-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise RnnlabError(f"{option} {path}: cannot write in {folder} ({error.strerror}); "
                          "choose a writable folder") from None
