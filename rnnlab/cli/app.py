"""The typer application every command registers on."""

import typer

from rnnlab.__main__ import version_line

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
