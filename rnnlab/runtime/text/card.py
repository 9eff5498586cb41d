"""The card of a character language model: vocabulary, shape, training and scores.

An exported text model stores it in ONNX ``metadata_props``, one JSON value per field
under ``rnnlab.<field>``, with ``rnnlab.kind = "text"`` telling it from a price model's
card (:mod:`rnnlab.runtime.card`). :meth:`TextCard.from_props` validates the untrusted
metadata fully before anything uses it. Scores are validation nats per character.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from rnnlab.runtime.card_checks import (
    MAX_LAYERS,
    MAX_SEED,
    MAX_UNITS,
    SHA256,
    Bad,
    _integer,
    _number,
    _text,
    stored_weights,
    weights,
)
from rnnlab.runtime.errors import CONTROL, RnnlabError, printable

FORMAT = 1
KIND = "text"
CELLS = ("rnn", "gru", "lstm")
PRECISIONS = ("fp32", "bf16")
MAX_VOCAB = 4096
MAX_EMBED = 4096
MAX_NATS = 100.0  # a loss in nats/char; ln(MAX_VOCAB) is 8.3
MAX_EPOCHS = 10_000
ALLOWED_CONTROLS = "\n\t"  # a vocabulary holds newlines and tabs, no other control character


@dataclass(frozen=True)
class TextCard:
    """What a character model is, what it was trained on and how well it did.

    ``scores``: validation nats/char by name: ``model``, ``unigram``, ``kn-<order>`` (the
    Kneser-Ney n-gram whose order was chosen on the training part's tail), and
    ``kn_order``. ``history``: one ``[epoch, train nats/char, validation nats/char]``
    per epoch.
    """

    vocab: str
    cell: str
    layers: int
    units: int
    embed: int
    preset: str = ""
    seed: int = 0
    precision: str = "fp32"
    data_file: str = ""
    data_sha256: str = ""
    train_chars: int = 0
    val_chars: int = 0
    scores: dict = field(default_factory=dict)
    history: tuple[tuple[float, ...], ...] = ()
    command: str = ""
    train_seconds: float = 0.0
    trained_at: str = ""
    rnnlab_version: str = ""
    weights: str = "float32"  # or "int8" (`rnnlab export --int8`)
    kind: str = KIND
    format: int = FORMAT

    def state_rows(self) -> int:
        """Rows of the packed state: per layer h, and c for an LSTM."""
        return self.layers * (2 if self.cell == "lstm" else 1)

    def to_dict(self) -> dict:
        return stored_weights(asdict(self))

    def to_props(self) -> dict[str, str]:
        """ONNX ``metadata_props``: one JSON value per field."""
        return {f"rnnlab.{k}": json.dumps(v) for k, v in self.to_dict().items()}

    @classmethod
    def from_props(cls, props: dict[str, str], source: str) -> TextCard:
        """Read and validate a card from ONNX ``metadata_props``."""
        names = {f.name for f in fields(cls)}
        try:
            data = {k[7:]: json.loads(v) for k, v in props.items()
                    if k.startswith("rnnlab.") and k[7:] in names}
        except (ValueError, RecursionError) as error:
            raise RnnlabError(f"{source}: rnnlab metadata is not valid JSON "
                              f"({printable(str(error))})") from None
        return cls.from_dict(data, source)

    @classmethod
    def from_dict(cls, data: dict, source: str) -> TextCard:
        """Rebuild and validate a card; ``source`` names the file in errors."""
        try:
            _validate(data, {f.name for f in fields(cls)})
        except Bad as problem:
            raise RnnlabError(f"{source}: bad rnnlab text metadata: {problem}") from None
        history = tuple(tuple(map(float, row)) for row in data.get("history", ()))
        return cls(**{**data, "history": history})


def is_text(props: dict[str, str]) -> bool:
    """Whether ONNX metadata describes a text model (``rnnlab.kind`` is ``"text"``)."""
    return props.get("rnnlab.kind") == json.dumps(KIND)


def check_vocab(vocab: object) -> str:
    """A vocabulary: 2 to MAX_VOCAB distinct characters, sorted, no control characters
    besides newline and tab."""
    if not isinstance(vocab, str) or not 2 <= len(vocab) <= MAX_VOCAB:
        raise Bad(f"vocab: must be text of 2 to {MAX_VOCAB} characters")
    if len(set(vocab)) != len(vocab) or list(vocab) != sorted(vocab):
        raise Bad("vocab: characters must be distinct and sorted")
    if CONTROL.search(vocab.translate({ord(c): None for c in ALLOWED_CONTROLS})):
        raise Bad("vocab: holds control characters other than newline and tab")
    return vocab


def _validate(data: object, names: set[str]) -> None:
    if not isinstance(data, dict):
        raise Bad("card: must be a mapping")
    unknown = sorted(set(data) - names)
    if unknown:
        raise Bad(f"unknown field(s) {printable(', '.join(map(str, unknown)))}")
    if data.get("format") != FORMAT:
        raise Bad(f"format: this rnnlab reads text format {FORMAT}; upgrade rnnlab")
    if data.get("kind") != KIND:
        raise Bad(f"kind: must be '{KIND}'")
    for key in ("vocab", "cell", "layers", "units", "embed"):
        if key not in data:
            raise Bad(f"{key}: missing")
    check_vocab(data["vocab"])
    if data["cell"] not in CELLS:
        raise Bad(f"cell: must be one of {CELLS}")
    if data.get("precision", "fp32") not in PRECISIONS:
        raise Bad(f"precision: must be one of {PRECISIONS}")
    weights(data)
    for key, high in (("layers", MAX_LAYERS), ("units", MAX_UNITS), ("embed", MAX_EMBED)):
        _integer(data[key], key, 1, high)
    _integer(data.get("seed", 0), "seed", 0, MAX_SEED)
    for key in ("train_chars", "val_chars"):
        _integer(data.get(key, 0), key, 0, 2**53)
    for key in ("preset", "data_file", "command", "trained_at", "rnnlab_version"):
        _text(data.get(key, ""), key)
    sha = _text(data.get("data_sha256", ""), "data_sha256")
    if sha and not SHA256.fullmatch(sha):
        raise Bad("data_sha256: not 64 lowercase hex digits")
    _number(data.get("train_seconds", 0.0), "train_seconds", 0.0, 1e9)
    scores = data.get("scores", {})
    if not isinstance(scores, dict) or len(scores) > 64:
        raise Bad("scores: must be a mapping of at most 64 names")
    for name, value in scores.items():
        _text(name, "scores name")
        if name == "kn_order":
            _integer(value, "scores.kn_order", 1, 64)
        else:
            _number(value, f"scores.{printable(name)}", 0.0, MAX_NATS)
    history = data.get("history", [])
    if not isinstance(history, (list, tuple)) or len(history) > MAX_EPOCHS:
        raise Bad(f"history: must be a list of at most {MAX_EPOCHS} rows")
    for row in history:
        if not isinstance(row, (list, tuple)) or len(row) != 3:
            raise Bad("history: each row must be [epoch, train, validation]")
        for value in row:
            _number(value, "history", 0.0, MAX_EPOCHS + MAX_NATS)

