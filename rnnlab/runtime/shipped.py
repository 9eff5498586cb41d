"""The forecasters shipped with rnnlab (built from the repo's ``exported/`` folder)."""

from __future__ import annotations

from pathlib import Path

from rnnlab.runtime.errors import RnnlabError

# The notebook's two level models (valid only on IBM's High near its 2006-2016 range),
# and chapter 8's two scale-free models (valid on any ticker): the one-step forecaster
# that reads the whole day, and a univariate log-return model that can also generate.
SHIPPED = {"lstm": "ibm-high-lstm.onnx", "gru": "ibm-high-gru.onnx",
           "ohlc-gru": "ibm-high-ohlc-gru.onnx", "return-gru": "ibm-high-return-gru.onnx"}
# The character language model (rnnlab.runtime.text.model), apart: the price tools iterate SHIPPED.
TEXT_SHIPPED = {"shakespeare": "shakespeare-lstm.onnx"}
DEFAULT = "return-gru"      # generate, info and rnnlab.load() without a model
FORECASTER = "ohlc-gru"     # forecast without a model


def shipped_dir() -> Path:
    """Where the shipped models are: inside the installed package, else the source tree."""
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "exported", package.parent / "exported"):
        if folder.is_dir():
            return folder
    raise RnnlabError("the shipped models are missing from this install; reinstall rnnlab")


def shipped_path(name: str = DEFAULT) -> Path:
    """Path of the shipped model ``name`` (one of :data:`SHIPPED` or :data:`TEXT_SHIPPED`)."""
    files = {**SHIPPED, **TEXT_SHIPPED}
    if name not in files:
        raise RnnlabError(f"no shipped model '{name}'; choose from {', '.join(files)}")
    return shipped_dir() / files[name]


def resolve(model: str | Path | None, default: str = DEFAULT) -> Path:
    """A model argument as a path: None is ``default``, a shipped name its file."""
    if model is None:
        return shipped_path(default)
    path = Path(model)
    shipped = str(model) in SHIPPED or str(model) in TEXT_SHIPPED
    return shipped_path(str(model)) if shipped and not path.is_file() else path
