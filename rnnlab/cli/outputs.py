"""Output paths checked before any work starts, so a bad path never costs a run.

Each output option must name a file (not a folder, not a device) in a folder that
exists (or can be made, for ``train``) and can be written, must differ from every
input and from the other outputs; ``--plot`` also needs matplotlib. The files are
then written atomically (:mod:`rnnlab.runtime.files`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from rnnlab.runtime.errors import RnnlabError


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
            from rnnlab.plots import pyplot

            pyplot()


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
