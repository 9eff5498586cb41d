"""A trained character model as the API hands it out: train, evaluate, save, export.

``rnnlab.train(text, preset="char-lstm")`` and ``rnnlab train --text FILE`` both run
:func:`train_text`. Every score is validation nats per character (the text's last 10%),
measured beside a unigram and the Kneser-Ney n-gram fit on the first 90% in the same run.
"""

from __future__ import annotations

import datetime
import hashlib
import time
import warnings
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import torch

from rnnlab.language.charexport import export
from rnnlab.language.charnet import CharNet
from rnnlab.language.chartrain import (
    CHAR_PRESETS,
    PRECISIONS,
    CharRecipe,
    default_precision,
    load_checkpoint,
    nats_per_char,
    save,
    train_chars,
)
from rnnlab.runtime import arguments
from rnnlab.runtime.card_checks import Bad
from rnnlab.runtime.errors import ArgumentError, RnnlabError, printable
from rnnlab.runtime.text.card import TextCard, check_vocab
from rnnlab.runtime.text.corpus import Vocabulary, read_text, split
from rnnlab.runtime.text.model import TextScore
from rnnlab.runtime.text.ngram import baselines
from rnnlab.training.precision import effective
from rnnlab.version import __version__

MAX_TEXT_ARGUMENT = 4096  # a str this short without a newline that names a file is a path


@dataclass(frozen=True)
class Corpus:
    """A text split for training: where it came from, its two parts and the vocabulary."""

    text: str
    source: str
    sha256: str

    @classmethod
    def of(cls, text_or_path: str | Path) -> Corpus:
        """A ``Path`` (or a short one-line ``str`` naming a file) is read as UTF-8; any other
        string is the text itself."""
        path = _as_path(text_or_path)
        if path is None:
            data = str(text_or_path)
            return cls(data, "<text>", hashlib.sha256(data.encode("utf-8")).hexdigest())
        text = read_text(path)
        if len(text) < 2:
            raise RnnlabError(f"{path}: {len(text)} character(s); a text to train on needs "
                              "many more (give a longer UTF-8 file)")
        return cls(text, str(path), hashlib.sha256(path.read_bytes()).hexdigest())

    def parts(self):
        """``(train_ids, val_ids, vocab)``; the vocabulary is the training part's."""
        train_text, val_text = split(self.text)
        vocab = Vocabulary.of(train_text)
        return (vocab.encode(train_text), vocab.encode(val_text, "validation part"), vocab)


def _as_path(value: str | Path) -> Path | None:
    if isinstance(value, Path):
        return value
    if not isinstance(value, str):
        raise ArgumentError("text", type(value).__name__, "must be a string or a Path")
    if len(value) < MAX_TEXT_ARGUMENT and "\n" not in value and Path(value).is_file():
        return Path(value)
    return None


@dataclass(repr=False)
class TrainedText:
    """A trained character model, its vocabulary, how it was trained and its scores.

    Attributes:
        model: the PyTorch :class:`CharNet`, in eval mode, on the CPU.
        vocab: its characters (id i is ``vocab.chars[i]``).
        recipe: shape and schedule (:class:`CharRecipe`).
        history: one ``{"epoch", "train", "val", "seconds", ...}`` per epoch (nats/char).
        scores: validation nats/char of ``model`` and the baselines (``unigram``,
            ``kn-<order>``) and ``kn_order``; empty until scored.
    """

    model: CharNet
    vocab: Vocabulary
    recipe: CharRecipe
    preset: str = ""
    seed: int = 0
    precision: str = "fp32"
    history: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)
    data_file: str = ""
    data_sha256: str = ""
    train_chars: int = 0
    val_chars: int = 0
    command: str = ""
    seconds: float = 0.0
    trained_at: str = ""

    @staticmethod
    def is_checkpoint(path: Path) -> bool:
        """Whether ``path`` is a PyTorch file of plain data whose ``kind`` is ``"char"``."""
        if not path.is_file():
            return False
        try:
            with warnings.catch_warnings():  # torch warns about pickle protocols of foreign files
                warnings.simplefilter("ignore")
                payload = torch.load(path, map_location="cpu", weights_only=True)
        except Exception:  # noqa: BLE001 - any unpickling failure means "not ours"
            return False
        return isinstance(payload, dict) and payload.get("kind") == "char"

    @classmethod
    def load(cls, path: str | Path) -> TrainedText:
        """A checkpoint written by ``save`` (``torch.load(weights_only=True)``)."""
        path = Path(path)
        if not TrainedText.is_checkpoint(path):
            raise RnnlabError(f"{path}: not a text model's checkpoint; train one with "
                              "`rnnlab train --text FILE`")
        try:
            model, vocab, saved = load_checkpoint(path)
            check_vocab(vocab.chars)
            recipe = CharRecipe(**saved["recipe"])
        except (KeyError, TypeError, ValueError, RuntimeError, Bad) as error:
            raise RnnlabError(f"{path}: a damaged text checkpoint ("
                              f"{printable(str(error).splitlines()[0], 100)})") from None
        preset = saved.get("preset") or next(
            (name for name, r in CHAR_PRESETS.items() if r == recipe), "")
        extra = {f.name: saved[f.name] for f in fields(cls) if f.name in saved
                 and f.name not in ("model", "vocab", "recipe", "preset")}
        if not extra.get("seconds") and saved.get("history"):
            extra["seconds"] = float(saved["history"][-1].get("elapsed", 0.0))
        if not extra.get("trained_at"):  # a bare checkpoint: when its last epoch was written
            written = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
            extra["trained_at"] = written.strftime("%Y-%m-%dT%H:%M:%SZ")
        return cls(model, vocab, recipe, preset, **extra)

    def rescore(self, text_or_path: str | Path) -> TrainedText:
        """Score on ``text``'s last 10% beside the baselines fit on its first 90% (the
        training split); the data fields name that text."""
        corpus = Corpus.of(text_or_path)
        train_text, val_text = split(corpus.text)
        train = self.vocab.encode(train_text, f"{corpus.source} (training part)")
        val = self.vocab.encode(val_text, f"{corpus.source} (validation part)")
        scores = {"model": nats_per_char(self.model, val), **baselines(train, val,
                                                                       len(self.vocab))}
        return replace(self, scores=scores, data_file=Path(corpus.source).name,
                       data_sha256=corpus.sha256, train_chars=len(train), val_chars=len(val),
                       command=self.command or self.equivalent_command(corpus.source))

    def equivalent_command(self, source: str) -> str:
        return (f"rnnlab train --text {source} --preset {self.preset or 'CUSTOM'} "
                f"--precision {self.precision} --seed {self.seed}")

    def evaluate(self, text_or_path: str | Path | None = None) -> TextScore:
        """Validation nats/char beside the baselines: those measured in training (None),
        or on another text's split (see ``rescore``)."""
        scored = self if text_or_path is None else self.rescore(text_or_path)
        if not scored.scores:
            raise RnnlabError("evaluate(): this checkpoint holds no scores; pass the text it "
                              "was trained on")
        nats = {k: v for k, v in scored.scores.items() if k != "kn_order"}
        return TextScore(nats, max(0, scored.val_chars - 1),
                         f"{scored.data_file} (last 10%)", scored.scores.get("kn_order"),
                         [k for k in nats if k != "model"])

    def save(self, path: str | Path) -> Path:
        """Write the checkpoint; folders are created. ``chartrain.load_checkpoint`` reads it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        extra = {"preset": self.preset, "scores": self.scores, "data_file": self.data_file,
                 "data_sha256": self.data_sha256, "train_chars": self.train_chars,
                 "val_chars": self.val_chars, "command": self.command,
                 "seconds": self.seconds, "trained_at": self.trained_at}
        save(path, self.model, self.vocab, self.recipe, self.seed, self.precision,
             self.history, extra)
        return path

    def card(self) -> TextCard:
        shape = self.model.shape
        return TextCard(
            vocab=self.vocab.chars, cell=shape.cell, layers=shape.layers, units=shape.units,
            embed=shape.embed, preset=self.preset, seed=self.seed, precision=self.precision,
            data_file=self.data_file, data_sha256=self.data_sha256,
            train_chars=self.train_chars, val_chars=self.val_chars, scores=dict(self.scores),
            history=tuple((float(h["epoch"]), float(h["train"]), float(h["val"]))
                          for h in self.history),
            command=self.command, train_seconds=round(float(self.seconds), 1),
            trained_at=self.trained_at, rnnlab_version=__version__)

    def export(self, path: str | Path, int8: bool = False) -> Path:
        """Write one self-describing ONNX file for ``rnnlab.load`` (and the browser page);
        ``int8``: with int8 weights (smaller; GRU and RNN layers stay float32)."""
        arguments.flag("int8", int8)
        if not self.scores:
            raise RnnlabError("export: this checkpoint holds no validation scores for its "
                              "card; give the text it was trained on (--text FILE)")
        export(self.model, self.card(), path, int8=int8)
        return Path(path)

    def __repr__(self) -> str:
        s = self.model.shape
        shown = f", validation {self.scores['model']:.4f} nats/char" if self.scores else ""
        return (f"TrainedText({s.layers} x {s.cell.upper()}({s.units}), preset "
                f"'{self.preset}', seed {self.seed}, {self.precision}{shown})")


def train_text(text_or_path: str | Path, preset: str = "char-lstm", seed: int = 0,
               precision: str | None = None, progress: bool = True, threads: int | None = None,
               command: str = "", **overrides) -> TrainedText:
    """Train a character model on the first 90% of a text; score it on the last 10%.

    Args:
        text_or_path: a ``Path`` of a UTF-8 file, a short ``str`` naming one, or the text.
        preset: ``char-rnn``, ``char-gru``, ``char-lstm`` (the reader's budget) or
            ``shakespeare`` (the shipped model's recipe).
        seed: seeds the weights, dropout and the epochs' offsets.
        precision: ``fp32``, or ``bf16`` (autocast on the CPU; recorded in the card);
            None: the preset's (``bf16`` for ``shakespeare``, see ``BF16_PRESETS``).
            Where the CPU has no native bfloat16, ``bf16`` trains in fp32 and says so.
        threads: PyTorch CPU threads; None leaves PyTorch's setting.
        command: the command line to record in the card (the CLI passes its own).
        **overrides: :class:`CharRecipe` fields, e.g. ``epochs=1``, ``units=64``.

    Returns:
        :class:`TrainedText`, scored beside the unigram and the n-gram.
    """
    if preset not in CHAR_PRESETS:
        raise ArgumentError("preset", preset, f"is not a text preset; choose from "
                            f"{', '.join(CHAR_PRESETS)}")
    precision = default_precision(preset) if precision is None else precision
    if precision not in PRECISIONS:
        raise ArgumentError("precision", precision, f"choose from {', '.join(PRECISIONS)}")
    known = {f.name for f in fields(CharRecipe)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ArgumentError(unknown[0], overrides[unknown[0]], "is not a text recipe field; "
                            f"use {', '.join(sorted(known))}")
    recipe = replace(CHAR_PRESETS[preset], **{k: v for k, v in overrides.items()
                                              if v is not None})
    if recipe.epochs < 1 or recipe.batch < 1 or recipe.bptt < 1:
        raise ArgumentError("epochs", recipe.epochs, "epochs, batch and bptt must be at least 1")
    corpus = Corpus.of(text_or_path)
    train, val, vocab = corpus.parts()
    if len(train) // recipe.batch <= recipe.bptt + 1 or len(val) < 2:
        raise RnnlabError(f"{corpus.source}: {len(corpus.text):,} characters are too few for "
                          f"batch {recipe.batch} x bptt {recipe.bptt} (the training part needs "
                          f"more than {recipe.batch * (recipe.bptt + 2):,}); give a longer "
                          "text or a smaller --batch")
    if threads:
        torch.set_num_threads(threads)
    precision = effective(precision, torch.device("cpu"))
    counted = baselines(train, val, len(vocab))
    started = time.perf_counter()
    model, vocab, history = train_chars(corpus.text, recipe, seed, precision, progress)
    seconds = time.perf_counter() - started
    given = "".join(f", {k}={v!r}" for k, v in overrides.items() if v is not None)
    command = command or (f"rnnlab.train({corpus.source!r}, preset={preset!r}, seed={seed}, "
                          f"precision={precision!r}{given})")
    return TrainedText(
        model, vocab, recipe, preset, seed, precision, history,
        {"model": history[-1]["val"], **counted}, Path(corpus.source).name, corpus.sha256,
        len(train), len(val), command, round(seconds, 1),
        datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

