"""The model card: everything needed to use a trained forecaster besides its weights.

Checkpoints store it as a dict; ONNX files store it in ``metadata_props``, one
JSON value per key. :meth:`Card.from_props` validates untrusted metadata before
anything uses it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from rnnlab.runtime.card_checks import CELLS, Bad, stored_weights, validate
from rnnlab.runtime.errors import RnnlabError, printable
from rnnlab.runtime.preprocessing import TRANSFORMS, Encoder
from rnnlab.runtime.prices.calendar import EXCHANGE

FORMAT = 1


@dataclass(frozen=True)
class Architecture:
    """Stacks of recurrent layers and a linear head on their last step's outputs.

    ``cells`` names one cell per layer, so a hybrid stack (lstm, lstm, gru, gru)
    is as easy to describe as a plain one. With ``branches > 1`` the cells are cut
    into that many equal stacks that all read the input side by side; the head
    reads their concatenated last outputs. An ensemble that averages an LSTM and a
    GRU is such a model whose head holds each member's head divided by two.

    With ``skip > 0`` a linear map of the input's last ``skip`` steps (every feature)
    is added to the head's output: a linear model plus a recurrent residual. Such a
    model forecasts one step only.
    """

    cells: tuple[str, ...]
    units: int
    features: int = 1
    bidirectional: bool = False
    branches: int = 1
    skip: int = 0

    def branch(self, b: int) -> range:
        """Indices into ``cells`` of the layers of branch ``b``, bottom first."""
        depth = len(self.cells) // self.branches
        return range(b * depth, (b + 1) * depth)

    @property
    def width(self) -> int:
        """Size of one layer's output: units times directions."""
        return self.units * self.directions

    @property
    def layers(self) -> int:
        return len(self.cells)

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    def state_rows(self) -> int:
        """Rows of the packed state tensor: per layer and direction, h (and c for LSTM)."""
        return sum(self.directions * (2 if c == "lstm" else 1) for c in self.cells)

    @property
    def name(self) -> str:
        kinds = sorted(set(self.cells), key=self.cells.index)
        joint = "|" if self.branches > 1 else "+"
        return ("bi" if self.bidirectional else "") + joint.join(kinds)


@dataclass(frozen=True)
class Card:
    """What a trained model is, what it was trained on and how well it did."""

    architecture: Architecture
    encoder: Encoder
    target: str
    split: str
    train_start: str
    train_end: str
    data_file: str
    data_sha256: str
    missing: str = "drop"
    preset: str = ""
    seed: int = 0
    history: tuple[tuple[float, ...], ...] = ()
    history_end: str = ""
    metrics: dict = field(default_factory=dict)
    residual_sd: float = 0.0
    exchange: str = EXCHANGE  # whose trading days label forecast and generated dates
    precision: str = "fp32"  # of training (bf16: autocast); the weights are float32 either way
    rnnlab_version: str = ""
    weights: str = "float32"  # or "int8" (`rnnlab export --int8`)
    format: int = FORMAT

    def to_dict(self) -> dict:
        """JSON-ready nested dict."""
        return stored_weights(asdict(self))

    @classmethod
    def from_dict(cls, data: dict, source: str = "checkpoint") -> Card:
        """Rebuild and validate a card; ``source`` names the file in errors."""
        version = data.get("format") if isinstance(data, dict) else None
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise RnnlabError(
                f"{source}: no rnnlab format version; is it an rnnlab file?"
            )
        if version > FORMAT:
            raise RnnlabError(
                f"{source}: rnnlab format {version} is newer than this rnnlab reads ({FORMAT}); "
                "upgrade rnnlab"
            )
        try:
            validate(data, {f.name for f in fields(cls)})
        except Bad as problem:
            raise RnnlabError(f"{source}: bad rnnlab metadata: {problem}") from None
        arch = Architecture(**{**data["architecture"],
                               "cells": tuple(data["architecture"]["cells"])})
        card = cls(**{**data, "architecture": arch,
                      "encoder": Encoder.from_dict(data["encoder"]),
                      "history": tuple(tuple(map(float, row)) for row in data.get("history", ()))})
        card.check(source)
        return card

    def check(self, source: str) -> None:
        """Raise if fields contradict each other."""
        arch, enc = self.architecture, self.encoder
        problems = []
        if not arch.cells or any(c not in CELLS for c in arch.cells):
            problems.append(f"cells {arch.cells} must be from {CELLS}")
        if arch.branches < 1 or len(arch.cells) % arch.branches:
            problems.append(f"{len(arch.cells)} layers do not split into {arch.branches} branches")
        if arch.units < 1 or enc.window < 1:
            problems.append("units and window must be positive")
        if not 0 <= arch.skip <= enc.window:
            problems.append(f"skip {arch.skip} must be between 0 and the window {enc.window}")
        if arch.features != len(enc.columns) or len(enc.lo) != arch.features:
            problems.append(f"{arch.features} features but columns {enc.columns}")
        if enc.columns[0] != self.target:
            problems.append(f"target {self.target} is not the first column")
        if enc.transform not in TRANSFORMS:
            problems.append(f"transform {enc.transform} unknown")
        if self.history and (len(self.history) != enc.history_days
                             or any(len(row) != arch.features for row in self.history)):
            problems.append(f"history must hold {enc.history_days} rows of {arch.features}")
        if problems:
            raise RnnlabError(f"{source}: inconsistent rnnlab metadata: {'; '.join(problems)}")

    def to_props(self) -> dict[str, str]:
        """ONNX ``metadata_props``: one JSON value per top-level field."""
        return {f"rnnlab.{k}": json.dumps(v) for k, v in self.to_dict().items()}

    @classmethod
    def from_props(cls, props: dict[str, str], source: str) -> Card:
        """Read and validate a card from ONNX ``metadata_props``."""
        if "rnnlab.format" not in props:
            raise RnnlabError(
                f"{source}: an ONNX file without rnnlab metadata; export it with `rnnlab export`"
            )
        names = {f.name for f in fields(cls)}
        try:
            data = {k[7:]: json.loads(v) for k, v in props.items()
                    if k.startswith("rnnlab.") and k[7:] in names}
        except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
            raise RnnlabError(f"{source}: rnnlab metadata is not valid JSON "
                              f"({printable(str(error))})") from None
        return cls.from_dict(data, source)
