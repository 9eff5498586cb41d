"""A text corpus as characters: read it, split it as nanoGPT does, map characters to ids.

Runtime side: numpy only. Scores on text are in nats per character (natural log);
bits per character = nats / ln 2; perplexity = exp(nats).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlab.runtime.errors import RnnlabError, printable

TRAIN_FRACTION = 0.9  # nanoGPT's split: the first 90% trains, the last 10% validates


def read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path``; a file that is not UTF-8 names the first bad byte."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RnnlabError(f"{path}: byte {error.start} is not UTF-8 ({error.reason}); "
                          "save the file as UTF-8") from None


def split(text: str, fraction: float = TRAIN_FRACTION) -> tuple[str, str]:
    """``(train, validation)``: the first ``fraction`` of the characters, then the rest."""
    cut = int(len(text) * fraction)
    return text[:cut], text[cut:]


@dataclass(frozen=True)
class Vocabulary:
    """The sorted distinct characters of a training text; id ``i`` is ``chars[i]``."""

    chars: str

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        if len(set(text)) < 2:
            raise RnnlabError("the text needs at least two distinct characters to model")
        return cls("".join(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str, what: str = "text") -> np.ndarray:
        """``text`` -> ``(len(text),)`` int64 ids; a character outside the vocabulary is named."""
        index = {c: i for i, c in enumerate(self.chars)}
        missing = sorted(set(text) - index.keys())
        if missing:
            shown = ", ".join(repr(c) for c in missing[:5])
            raise RnnlabError(printable(f"{what}: {len(missing)} character(s) not in the "
                                        f"model's vocabulary: {shown}", 200)
                              + "; use only characters the model was trained on")
        return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids: np.ndarray) -> str:
        return "".join(self.chars[i] for i in np.asarray(ids).ravel())
