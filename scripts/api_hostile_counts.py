"""Tally the cases of tests/api_hostile.py by kind and outcome, against any rnnlab tree.

    PYTHONPATH=TREE python scripts/api_hostile_counts.py TREE

TREE is a checkout (this one, or an older commit unpacked with ``git archive``) with
tests/api_hostile.py copied into it. Each case runs in its own forked process, so a case
that hangs or crashes is that case's outcome:

- ok: the expected RnnlabError type, one line, the expected text;
- wrong-message: an RnnlabError of another type or text;
- foreign: another exception (a traceback from inside the stack);
- accepted: no error at all (a silent result);
- slow: still working after ``LIMIT_S`` (work started on bad input, or a hang);
- crash: the process died.

tests/test_api_hostile.py asserts "ok" for every case; this script is how the closing
note of issue 29 counted the same cases before the fix (scripts/api_hostile_counts.md).
"""

from __future__ import annotations

import collections
import os
import re
import select
import signal
import sys
import tempfile
import types
import warnings
from pathlib import Path

LIMIT_S = 20


def main(tree: Path) -> None:
    sys.path[:0] = [str(tree / "tests")]
    warnings.simplefilter("ignore")
    import pandas as pd
    from api_hostile import CASES
    from helpers import write_prices

    import rnnlab
    import rnnlab.api  # noqa: F401 - PyTorch imported once, before the cases fork

    folder = Path(tempfile.mkdtemp())
    csv = write_prices(folder / "TEST_prices.csv", days=400)
    (folder / "folder").mkdir()
    env = types.SimpleNamespace(
        csv=str(csv), folder=folder / "folder", missing=str(folder / "no such.csv"),
        frame=pd.read_csv(csv, parse_dates=["Date"]), prices=rnnlab.read_prices(csv),
        model=rnnlab.load(), ohlc=rnnlab.load("ohlc-gru"), pd=pd, root=folder)
    tally = collections.defaultdict(collections.Counter)
    for kind, name, call, error, pattern in CASES:
        outcome, note = in_a_child(outcome_of, env, call, error, pattern)
        tally[kind][outcome] += 1
        if outcome != "ok":
            print(f"{kind:10} {outcome:13} {name}{note}", flush=True)
    print()
    for kind, counts in [*tally.items(), ("all", sum(tally.values(), collections.Counter()))]:
        print(f"{kind:10} {sum(counts.values()):3} cases: "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def outcome_of(env, call, error, pattern) -> tuple[str, str]:
    from rnnlab.runtime.errors import RnnlabError

    try:
        call(env)
        return "accepted", ""
    except RnnlabError as raised:
        text = str(raised)
        ok = type(raised) is error and "\n" not in text and re.search(pattern, text)
        return ("ok" if ok else "wrong-message"), ""
    except Exception as raised:  # noqa: BLE001 - what is being counted
        return "foreign", f": {type(raised).__name__}"


def in_a_child(run, *args) -> tuple[str, str]:
    """``run(*args)`` in a forked process, killed after ``LIMIT_S``: (outcome, note)."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        os.write(write, "|".join(run(*args)).encode())
        os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], LIMIT_S)
    text = os.read(read, 1000).decode() if ready else None
    if text is None:
        os.kill(child, signal.SIGKILL)
    os.close(read)
    os.waitpid(child, 0)
    if text is None:
        return "slow", ""
    return tuple(text.split("|", 1)) if text else ("crash", "")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
