"""Save and load trained models: weights plus the model card, written atomically."""

from __future__ import annotations

from pathlib import Path

import torch

from rnnlab.runtime.card import FORMAT, Card
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.files import atomic_path
from rnnlab.training.model import Forecaster


def save(path: str | Path, model: Forecaster, card: Card, recipe: dict) -> None:
    """Write weights, card and training recipe to ``path`` (temp file, then rename)."""
    payload = {
        "format": FORMAT,
        "card": card.to_dict(),
        "recipe": recipe,
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
    }
    with atomic_path(path) as temp:
        torch.save(payload, temp)


def load(path: str | Path) -> tuple[Forecaster, Card, dict]:
    """Rebuild a model in eval mode, its card and recipe, using ``weights_only=True``."""
    path = Path(path)
    if not path.is_file():
        raise RnnlabError(f"{path}: no such checkpoint; train one with `rnnlab train`")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - any unpickling failure means "not ours"
        raise RnnlabError(f"{path}: not a readable rnnlab checkpoint ({error})") from None
    if not isinstance(payload, dict) or "card" not in payload:
        raise RnnlabError(f"{path}: not an rnnlab checkpoint; train one with `rnnlab train`")
    card = Card.from_dict({**payload["card"], "format": payload.get("format")}, str(path))
    model = Forecaster(card.architecture)
    try:
        model.load_state_dict(payload["state_dict"])
    except (KeyError, RuntimeError) as error:
        raise RnnlabError(
            f"{path}: weights do not match the card's architecture ({error})"
        ) from None
    return model.eval(), card, payload.get("recipe", {})
