"""What the user sees when something goes wrong: one ``error:`` line and an exit code.

- bad input (:class:`RnnlabError`), a usage mistake (unknown option, value of the wrong
  type), a file that cannot be written: ``error: ...`` on stderr, exit code 2;
- Ctrl-C: ``error: interrupted``, exit code 130 (see :mod:`rnnlab.cli`);
- warnings: ``warning: ...``, one line each; numpy's floating-point RuntimeWarnings
  never reach the user (results that go non-finite are checked and said in words).
"""

from __future__ import annotations

import sys
import warnings

import typer

try:  # typer >= 0.20 carries its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_errors

from rnnlab.cli.app import app
from rnnlab.cli.exits import INTERRUPTED, USAGE
from rnnlab.runtime.errors import ArgumentError, RnnlabError, printable
from rnnlab.runtime.extras import install_hint, missing_package

# click >= 8.2 raises this for a bare `rnnlab`; older click prints the help itself.
NO_ARGS = getattr(click_errors, "NoArgsIsHelpError", ())

MAX_MESSAGE = 2000


def one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"warning: {one_line(str(message))}", file=sys.stderr)


def run(argv: list[str] | None) -> None:
    """Run the typer app with rnnlab's error handling (see the module docstring)."""
    warnings.showwarning = one_line_warning
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    try:
        code = app(args=argv, prog_name="rnnlab", standalone_mode=False)
    except NO_ARGS as error:
        typer.echo(error.format_message())
        raise SystemExit(USAGE) from None
    except click_errors.UsageError as error:
        where = error.ctx.command_path if error.ctx else "rnnlab"
        fail(f"{error.format_message()} (see `{where} --help`)")
    except typer.Abort:  # Ctrl-C or end of input at a prompt
        raise KeyboardInterrupt from None
    except ArgumentError as error:
        fail(error.for_cli())
    except RnnlabError as error:
        fail(str(error))
    except ModuleNotFoundError as error:
        package = missing_package(error)
        if package is None:
            raise
        fail(str(install_hint(package, "this command")))
    if code == INTERRUPTED:  # typer turns a Ctrl-C inside a command into exit code 130
        raise KeyboardInterrupt
    if code:
        raise SystemExit(code)


def one_line(message: str) -> str:
    """``message`` on one line, without control characters, within a sane length."""
    return printable(" ".join(message.split()), MAX_MESSAGE)


def fail(message: str) -> None:
    """Print ``error: message`` to stderr and exit with code 2."""
    typer.echo(f"error: {one_line(message)}", err=True)
    raise SystemExit(USAGE)
