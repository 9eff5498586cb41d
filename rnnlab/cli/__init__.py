"""The ``rnnlab`` command line: runtime commands (forecast, generate, info) and training
commands (train, evaluate, export, backtest). Training commands import PyTorch only
when they run, so ``rnnlab --help`` and the runtime commands work without it.
"""

from __future__ import annotations

import sys
import warnings

import typer

from rnnlab.cli import runtime_commands, training_commands  # noqa: F401 - they register commands
from rnnlab.cli.app import app
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.extras import install_hint, missing_package


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"warning: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; bad input prints ``error: ...`` on one line and exits with code 2."""
    warnings.showwarning = _one_line_warning
    try:
        app(args=argv, prog_name="rnnlab")
    except RnnlabError as error:
        fail(" ".join(str(error).split()))
    except ModuleNotFoundError as error:
        package = missing_package(error)
        if package is None:
            raise
        fail(str(install_hint(package, "this command")))


def fail(message: str) -> None:
    """Print ``error: message`` to stderr and exit with code 2."""
    typer.echo(f"error: {message}", err=True)
    raise SystemExit(2)


__all__ = ["app", "main"]
