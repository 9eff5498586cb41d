"""Pieces shared by the experiments: building a recurrent layer of a given kind, and
writing a result table to the Markdown file that the tutorial includes."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import torch
from torch import nn

from rnnlab.runtime import files
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.files import check_outputs
from rnnlab.training.threads import single_thread as single_thread  # the experiments' import

#: The three cells compared throughout the tutorial.
KINDS: tuple[str, ...] = ("rnn", "lstm", "gru")

_LAYERS: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def make_recurrent(kind: str, input_size: int, hidden_size: int,
                   dtype: torch.dtype = torch.float32) -> nn.RNNBase:
    """A one-layer ``nn.RNN``/``nn.LSTM``/``nn.GRU`` with PyTorch's default initialisation.

    It reads sequences ``(seq_len, batch, input_size)`` and returns outputs
    ``(seq_len, batch, hidden_size)``. Seed ``torch.manual_seed`` first for reproducibility.
    """
    return _LAYERS[kind](input_size, hidden_size).to(dtype)


def set_forget_bias(lstm: nn.LSTM, value: float) -> None:
    """Start the forget gate near ``sigmoid(value)``: ``bias_ih`` gets ``value``, ``bias_hh`` 0.

    Keras does this with ``value=1`` by default (``unit_forget_bias=True``).
    """
    hidden = lstm.hidden_size
    with torch.no_grad():
        # PyTorch orders the gate blocks i, f, g, o: the forget gate is rows hidden:2*hidden
        lstm.bias_ih_l0[hidden:2 * hidden] = value
        lstm.bias_hh_l0[hidden:2 * hidden] = 0.0


def command_line(prog: str, argv: Sequence[str] | None) -> str:
    """The command that is running, as a reader would type it: ``prog`` (such as
    ``python -m rnnlab.experiments.longlag``), then the arguments (``sys.argv`` if None)."""
    args = sys.argv[1:] if argv is None else argv
    return " ".join([prog, *map(shlex.quote, args)])


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of a Markdown table: first column left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def check_out_folder(out: Path) -> None:
    """Exit with status 2 and one ``error:`` line if ``out`` could not be written: checked
    before the experiment runs, not after minutes of training (the CLI's own checks)."""
    try:
        check_outputs({"--out": out})
    except RnnlabError as error:
        _fail(str(error))


def write_result(out: Path, text: str) -> None:
    """Write ``text`` to ``out`` atomically; exit 2 with one ``error:`` line if that fails."""
    try:
        files.write_text(out, text)
    except RnnlabError as error:
        _fail(f"--out {error}")


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)
