"""An ONNX file as every rnnlab exporter writes it (forecasters, character models, their int8
versions): the card in its metadata, checked in full, saved atomically as one file."""

from __future__ import annotations

from pathlib import Path

import onnx
from onnx import helper

from rnnlab.runtime.files import atomic_path


def checked(proto: onnx.ModelProto, card) -> onnx.ModelProto:
    """``proto`` with ``card`` (anything with ``to_props()``) as its metadata, checked in
    full: what every rnnlab exporter (forecasters, character models) ships."""
    helper.set_model_props(proto, card.to_props())
    onnx.checker.check_model(proto, full_check=True)
    return proto


def save(proto: onnx.ModelProto, path: str | Path) -> int:
    """Write ``proto`` atomically as a single file; return its size in bytes."""
    with atomic_path(path) as temp:
        onnx.save_model(proto, temp, save_as_external_data=False)
    return Path(path).stat().st_size
