"""Fixtures for the page's text mode (tests/js/text/*.test.js read them), written by the
Python side: a tiny exported character model (random weights: a model's quality does not
matter to sampling), the noise of a few seeds, and what the exported graph samples for a
few prompts, temperatures and seeds.

``python tests/text_fixtures.py FOLDER`` writes them by hand; test_text_js.py writes them
to a temporary folder and runs ``node --test`` on them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from rnnlab.runtime.shipped import shipped_path
from rnnlab.runtime.text.noise import uniforms

#: The tiny model's vocabulary comes from this text (newline and space included).
TEXT = "ROMEO:\nBut soft, what light through yonder window breaks?\nJULIET: Ay me!\n"
CASES = [  # prompt, characters, temperature, seed
    ("ROMEO:\n", 40, 0.8, 0), ("But ", 25, 0.5, 7), ("J", 60, 1.0, 2**32 - 1),
]


def tiny_text_model(path: Path, cell: str = "lstm", seed: int = 0) -> Path:
    """Export a 2 x 16 ``cell`` CharNet with random weights and a card to ``path``."""
    import torch

    from rnnlab.language.charexport import export
    from rnnlab.language.charnet import CharNet, CharShape
    from rnnlab.runtime.text.card import TextCard
    from rnnlab.runtime.text.corpus import Vocabulary

    torch.manual_seed(seed)
    vocab = Vocabulary.of(TEXT)
    model = CharNet(CharShape(cell, len(vocab), 8, 16, 2))
    export(model, TextCard(vocab=vocab.chars, cell=cell, layers=2, units=16, embed=8,
                           preset="tiny"), path)
    return path


def sampled(path: Path, prompt: str, chars: int, temperature: float, seed: int) -> dict:
    """What the Python runtime (``rnnlab.load(path).generate``) draws for ``seed``."""
    import rnnlab

    out = rnnlab.load(path).generate(prompt=prompt, chars=chars, temperature=temperature,
                                     seed=seed)
    probs = out.probs[0]
    top5 = np.argsort(-probs, axis=1, kind="stable")[:, :5]
    return {"prompt": prompt, "chars": chars, "temperature": temperature, "seed": seed,
            "text": out.texts[0], "ids": out.ids[0].tolist(), "probs": probs.tolist(),
            "top5": top5.tolist()}


def write_fixtures(folder: Path) -> Path:
    """Write ``fixtures.json`` and the tiny models into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    models = {cell: str(tiny_text_model(folder / f"tiny-{cell}.onnx", cell))
              for cell in ("lstm", "gru")}
    noise = {str(seed): uniforms(seed, 50).tolist() for seed in (0, 1, 12345, 2**32 - 1)}
    cases = [{"cell": cell, **sampled(Path(path), *case)}
             for cell, path in models.items() for case in CASES]
    path = folder / "fixtures.json"
    path.write_text(json.dumps({"models": models, "noise": noise, "cases": cases,
                                "price_model": str(shipped_path("gru"))}))
    return path


if __name__ == "__main__":
    print(write_fixtures(Path(sys.argv[1])))
