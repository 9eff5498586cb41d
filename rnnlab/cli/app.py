"""The typer application: every command, registered here in the order ``--help`` lists them.

Commands are plain functions in three modules (runtime, text, training); each parses its
options, calls the public API (``import rnnlab``) and renders the result.
"""

import typer

from rnnlab.cli import runtime_commands, text_commands, training_commands
from rnnlab.version import version_line

app = typer.Typer(
    name="rnnlab",
    help="Train recurrent forecasters (PyTorch), export them to ONNX, and forecast and "
    "generate with the torch-free runtime.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's plain help: typer's rich panels label every flag `<bool>` as if it took a
    # value, the plain layout is the one tutorial/cli.md records, and "rnnlab[dask]" in a
    # help text is an extra, not a rich markup tag.
    rich_markup_mode=None,
)


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print rnnlab's version and exit."),
) -> None:
    """Options that come before the command."""


for command in (runtime_commands.forecast, runtime_commands.generate, runtime_commands.info,
                text_commands.score, training_commands.train, training_commands.evaluate,
                training_commands.export, training_commands.backtest,
                training_commands.ensemble):
    app.command()(command)
