"""The typer application every command registers on."""

import typer

app = typer.Typer(
    name="rnnlab",
    help="Train recurrent forecasters (PyTorch), export them to ONNX, and forecast and "
    "generate with the torch-free runtime.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
