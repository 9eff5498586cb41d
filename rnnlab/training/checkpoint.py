"""Save and load trained models: weights plus the model card, written atomically."""

from __future__ import annotations

import errno
import warnings
from pathlib import Path

import torch

from rnnlab.runtime.card import FORMAT, Card
from rnnlab.runtime.errors import RnnlabError, printable
from rnnlab.runtime.files import atomic_path
from rnnlab.training.network import Forecaster


def save(path: str | Path, model: Forecaster, card: Card, recipe: dict) -> None:
    """Write weights, card and training recipe to ``path`` (temp file, then rename)."""
    payload = {
        "format": FORMAT,
        "card": card.to_dict(),
        "recipe": recipe,
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
    }
    with atomic_path(path) as temp:
        try:
            torch.save(payload, temp)
        except RuntimeError as error:  # torch reports a failed write (a full disk) this way
            raise OSError(errno.EIO, _first_line(error)) from None


def load(path: str | Path) -> tuple[Forecaster, Card, dict]:
    """Rebuild a model in eval mode, its card and recipe, using ``weights_only=True``."""
    path = Path(path)
    if not path.is_file():
        raise RnnlabError(f"{path}: no such checkpoint; train one with `rnnlab train`")
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols of foreign files
            warnings.simplefilter("ignore")
            payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # noqa: BLE001 - any unpickling failure means "not ours"
        # torch's own message suggests weights_only=False, which would run the file's code.
        raise RnnlabError(f"{path}: not an rnnlab checkpoint (PyTorch cannot read it as plain "
                          "weights and data); give a .pt file written by `rnnlab train`") from None
    if not isinstance(payload, dict) or "card" not in payload:
        raise RnnlabError(f"{path}: not an rnnlab checkpoint; train one with `rnnlab train`")
    for key in ("card", "state_dict"):
        if not isinstance(payload.get(key), dict):
            raise RnnlabError(f"{path}: the checkpoint's {key} is "
                              f"{type(payload.get(key)).__name__}, not a mapping; "
                              "the file is damaged or not from rnnlab")
    card = Card.from_dict({**payload["card"], "format": payload.get("format")}, str(path))
    weights = payload["state_dict"]
    if not all(isinstance(v, torch.Tensor) and v.is_floating_point() for v in weights.values()):
        raise RnnlabError(f"{path}: the checkpoint's state_dict holds values that are not "
                          "float tensors; the file is damaged or not from rnnlab")
    model = Forecaster(card.architecture)
    try:
        model.load_state_dict(weights)
    except (KeyError, RuntimeError) as error:
        raise RnnlabError(f"{path}: weights do not match the card's architecture "
                          f"({_first_line(error)})") from None
    if not all(torch.isfinite(v).all() for v in weights.values()):
        raise RnnlabError(f"{path}: the checkpoint's weights hold NaN or infinite values; "
                          "retrain the model")
    recipe = payload.get("recipe", {})
    return model.eval(), card, recipe if isinstance(recipe, dict) else {}


def _first_line(error: BaseException) -> str:
    """The first line of an exception's message, control characters escaped, cut short."""
    text = str(error).strip().splitlines()
    return printable(text[0] if text else type(error).__name__, 160)
