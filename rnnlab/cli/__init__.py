"""The ``rnnlab`` command line: runtime commands (forecast, generate, info) and training
commands (train, evaluate, export, backtest, ensemble). Training commands import PyTorch only
when they run, so ``rnnlab --help`` and the runtime commands work without it.

A Ctrl-C while the commands load is answered like one later: ``error: interrupted``,
exit code 130, no traceback.
"""

from __future__ import annotations

import sys

INTERRUPTED = 130


def interrupted() -> None:
    """Say that Ctrl-C stopped rnnlab, on one line, and exit with code 130."""
    print("error: interrupted (Ctrl-C); files being written were left as they were",
          file=sys.stderr)
    raise SystemExit(INTERRUPTED)


try:
    from rnnlab.cli.guard import app, run
except KeyboardInterrupt:  # pragma: no cover - Ctrl-C while numpy and onnxruntime load
    interrupted()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; bad input prints ``error: ...`` on one line and exits with code 2."""
    try:
        run(argv)
    except KeyboardInterrupt:
        interrupted()


__all__ = ["app", "main"]
