"""The ``rnnlab`` command line: runtime commands (forecast, generate, info, score) and training
commands (train, evaluate, export, backtest, ensemble), composed in :mod:`rnnlab.cli.app`.
Training commands import PyTorch only when they run, so ``rnnlab --help`` and the runtime
commands work without it.

A Ctrl-C while the commands load is answered like one later: ``error: interrupted``,
exit code 130, no traceback.
"""

from __future__ import annotations

from rnnlab.cli.exits import interrupted

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
