"""A character language model for the runtime: generate text and score it (numpy + onnxruntime).

``rnnlab.load("shakespeare")`` (or the path of any exported text model) returns a
:class:`TextModel`. The file's graph and metadata are described in
:mod:`rnnlab.language.charexport`; the noise that makes a seed's text reproducible, in the
browser too, in :mod:`rnnlab.runtime.text.noise`. Scores are nats per character (natural log);
bits per character = nats / ln 2; perplexity = exp(nats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort

from rnnlab.runtime.card_checks import MAX_SEED
from rnnlab.runtime.errors import ArgumentError, RnnlabError, in_range
from rnnlab.runtime.text.card import TextCard
from rnnlab.runtime.text.corpus import Vocabulary, read_text, split
from rnnlab.runtime.text.ngram import baselines
from rnnlab.runtime.text.noise import uniforms

MAX_CHARS = 100_000  # characters generated per sample (--chars)
MAX_SAMPLES = 1_000
MAX_TOTAL = 1_000_000  # samples x chars per call: probs alone are 4 * vocab bytes each
MAX_PROMPT = 100_000
SCORE_CHUNK = 8192  # characters per graph call when scoring (the state is carried)


@dataclass(frozen=True)
class GeneratedText:
    """Sampled text after a prompt.

    Attributes:
        texts: one string per sample (the prompt not included).
        ids: ``(samples, chars)`` int64 character ids.
        probs: ``(samples, chars, vocab)`` float32: the distribution each character was
            drawn from (after temperature and top-k).
        prompt, temperature, top_k, seed: how they were drawn.
        vocab: the model's characters; id i is ``vocab[i]``.
    """

    texts: list[str]
    ids: np.ndarray
    probs: np.ndarray
    prompt: str
    temperature: float
    top_k: int
    seed: int
    vocab: str

    @property
    def text(self) -> str:
        """The first sample."""
        return self.texts[0]

    def top(self, k: int = 5, sample: int = 0) -> list[list[tuple[str, float]]]:
        """Per generated character, the ``k`` likeliest characters and their probabilities."""
        order = np.argsort(-self.probs[sample], axis=1, kind="stable")[:, :k]
        return [[(self.vocab[i], float(p[i])) for i in row]
                for row, p in zip(order, self.probs[sample])]

    def __repr__(self) -> str:
        return (f"GeneratedText({len(self.texts)} sample(s) of {self.ids.shape[1]} characters, "
                f"temperature {self.temperature}, seed {self.seed}: {self.text[:40]!r}...)")


@dataclass(frozen=True)
class TextScore:
    """Nats per character of a model on a text, beside the counting baselines.

    ``nats``: ``{"model" | "unigram" | "kn-<order>": nats/char}`` (baselines only when a
    whole corpus file was scored: fit on its first 90%, all scored on its last 10%).
    """

    nats: dict
    chars: int
    source: str
    kn_order: int | None = None
    baselines: list[str] = field(default_factory=list)

    @property
    def model(self) -> float:
        return self.nats["model"]

    def table(self) -> dict[str, dict[str, float]]:
        """``{name: {"nats/char", "bits/char", "perplexity"}}``."""
        return {name: {"nats/char": v, "bits/char": v / math.log(2), "perplexity": math.exp(v)}
                for name, v in self.nats.items()}

    def format(self, title: str) -> str:
        """A plain-text table: one row per model, nats/char, bits/char and perplexity."""
        rows = {("n-gram " if k.startswith("kn-") else "") + k: v for k, v in self.nats.items()}
        width = max(len(name) for name in rows) + 2
        lines = [title, f"{'':{width}}{'nats/char':>11}{'bits/char':>11}{'perplexity':>12}"]
        for name, v in rows.items():
            lines.append(f"{name:{width}}{v:11.4f}{v / math.log(2):11.4f}{math.exp(v):12.3f}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k} {v:.4f}" for k, v in self.nats.items())
        return f"TextScore({self.source}, {self.chars} characters: {shown} nats/char)"


class TextModel:
    """An exported character model, as ``rnnlab.load`` returns it for a text file.

    Attributes:
        path: the ONNX file.
        card: :class:`TextCard`: vocabulary, shape, training and validation scores.
        vocab: the model's :class:`Vocabulary`.
        session: the onnxruntime ``InferenceSession``.
    """

    def __init__(self, path: Path, session: ort.InferenceSession, card: TextCard) -> None:
        self.path, self.session, self.card = path, session, card
        self.vocab = Vocabulary(card.vocab)
        check_text_graph(session, card, path)

    def zero_state(self, batch: int) -> np.ndarray:
        """``(state_rows, batch, units)`` zeros: the state before any character."""
        return np.zeros((self.card.state_rows(), batch, self.card.units), dtype=np.float32)

    def run(self, prompt: np.ndarray, noise: np.ndarray, temperature: float = 1.0,
            top_k: int = 0, state: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """One call of the graph: ``prompt (batch, P)`` ids, ``noise (batch, N)`` ->
        ``{"ids", "probs", "logits", "state_out"}`` (see ``charexport``)."""
        prompt = np.ascontiguousarray(prompt, dtype=np.int64)
        feeds = {"prompt": prompt, "noise": np.ascontiguousarray(noise, dtype=np.float32),
                 "state": self.zero_state(len(prompt)) if state is None else state,
                 "temperature": np.array(temperature, dtype=np.float32),
                 "top_k": np.array(top_k, dtype=np.int64)}
        return dict(zip(("ids", "probs", "logits", "state_out"), self.session.run(None, feeds)))

    def generate(self, prompt: str = "\n", chars: int = 500, temperature: float = 1.0,
                 top_k: int = 0, seed: int = 0, samples: int = 1) -> GeneratedText:
        """Sample ``chars`` characters after ``prompt``, ``samples`` times in one batch.

        Sample b's character n is drawn with ``uniforms(seed, samples * chars)[b * chars +
        n]`` (:mod:`rnnlab.runtime.text.noise`), so a seed gives the same text every time and
        in the browser page.

        Args:
            prompt: at least one character, all in the model's vocabulary; it warms the state.
            chars: characters to generate per sample, 1 to ``MAX_CHARS``.
            temperature: > 0; below 1 sharpens the distribution, above 1 flattens it.
            top_k: draw from the ``top_k`` likeliest characters only (0: all).
            seed: 0 to 2**32 - 1.
            samples: independent samples, 1 to ``MAX_SAMPLES``.
        """
        ids = self.check_prompt(prompt)
        whole("chars", chars, 1, MAX_CHARS)
        whole("samples", samples, 1, MAX_SAMPLES)
        if chars * samples > MAX_TOTAL:
            raise ArgumentError("chars", chars, f"times samples={samples} is above "
                                f"{MAX_TOTAL:,} characters per call; ask for fewer")
        check_temperature(temperature)
        whole("top_k", top_k, 0, len(self.vocab))
        whole("seed", seed, 0, MAX_SEED)
        noise = uniforms(seed, samples * chars).reshape(samples, chars)
        out = self.run(np.repeat(ids[None], samples, axis=0), noise, temperature, int(top_k))
        texts = [self.vocab.decode(row) for row in out["ids"]]
        return GeneratedText(texts, out["ids"], out["probs"], prompt, float(temperature),
                             int(top_k), seed, self.card.vocab)

    def check_prompt(self, prompt: str) -> np.ndarray:
        if not isinstance(prompt, str) or not prompt:
            raise ArgumentError("prompt", prompt, "give at least one character, e.g. a newline")
        if len(prompt) > MAX_PROMPT:
            raise ArgumentError("prompt", f"<{len(prompt)} characters>",
                                f"is longer than {MAX_PROMPT:,} characters")
        return self.vocab.encode(prompt, "prompt")

    def nats(self, ids: np.ndarray) -> float:
        """Mean ``-ln p(ids[i] | ids[:i])`` over ``i >= 1``: one stream, the state carried
        from chunk to chunk (the stateful step, N = 0)."""
        inputs, targets = ids[:-1], ids[1:]
        total, state, empty = 0.0, None, np.zeros((1, 0), np.float32)
        for start in range(0, len(inputs), SCORE_CHUNK):
            out = self.run(inputs[None, start:start + SCORE_CHUNK], empty, state=state)
            z = out["logits"][0].astype(np.float64)
            # -ln softmax(z)[target] = logsumexp(z) - z[target]
            top = z.max(axis=1)
            lse = top + np.log(np.exp(z - top[:, None]).sum(axis=1))
            chunk_targets = targets[start:start + SCORE_CHUNK]
            total += float((lse - z[np.arange(len(z)), chunk_targets]).sum())
            state = out["state_out"]
        return total / len(targets)

    def score(self, text: str | Path) -> TextScore:
        """Nats per character of the model on a text.

        Args:
            text: a string: every character after the first is scored; or a
                ``pathlib.Path`` of a UTF-8 corpus file: split as in training (first 90%,
                last 10%), the last 10% scored beside a unigram and the Kneser-Ney n-gram
                fit on the first 90% (order chosen on that part's tail).
        """
        if isinstance(text, Path):
            return self._score_file(text)
        if not isinstance(text, str):
            raise ArgumentError("text", type(text).__name__, "must be a string or a Path")
        ids = self.vocab.encode(text, "text")
        if len(ids) < 2:
            raise ArgumentError("text", text, "give at least two characters to score")
        return TextScore({"model": self.nats(ids)}, len(ids) - 1, "text")

    def _score_file(self, path: Path) -> TextScore:
        whole = read_text(path)
        if len(whole) < 2:
            raise RnnlabError(f"{path}: {len(whole)} character(s); a text to score needs at "
                              "least two (give a longer UTF-8 file)")
        train_text, val_text = split(whole)
        if len(val_text) < 2 or not train_text:
            raise RnnlabError(f"{path}: {len(whole)} characters are too few to split into a "
                              "training part (90%) and a validation part of two characters "
                              "or more; give a longer file")
        train = self.vocab.encode(train_text, f"{path} (training part)")
        val = self.vocab.encode(val_text, f"{path} (validation part)")
        counted = baselines(train, val, len(self.vocab))
        order = counted.pop("kn_order")
        nats = {"model": self.nats(val), **counted}
        return TextScore(nats, len(val) - 1, f"{path} (last 10%)", order, list(counted))

    def forecast(self, *args, **kwargs):
        raise RnnlabError(self.not_prices())

    def not_prices(self) -> str:
        return (f"{self.path}: a text model; it generates and scores text (rnnlab generate "
                "--prompt, rnnlab score --text), it cannot forecast prices")

    def __repr__(self) -> str:
        c = self.card
        return (f"TextModel({self.path.name}: {c.layers} x {c.cell.upper()}({c.units}), "
                f"{len(c.vocab)} characters)")


def whole(name: str, value: int, low: int, high: int) -> None:
    """Raise :class:`ArgumentError` unless ``value`` is a whole number in ``[low, high]``."""
    in_range(name, value, low, high)
    if int(value) != value:
        raise ArgumentError(name, value, "must be a whole number")


def check_temperature(temperature: float) -> None:
    if (isinstance(temperature, bool) or not isinstance(temperature, (int, float))
            or not math.isfinite(temperature) or temperature <= 0):
        raise ArgumentError("temperature", temperature, "must be a finite number above 0, "
                            "e.g. 0.8")


def check_text_graph(session: ort.InferenceSession, card: TextCard, path: Path) -> None:
    """The graph's inputs and outputs must be what the card describes."""
    rows, units, vocab = card.state_rows(), card.units, len(card.vocab)
    expected = {"prompt": [None, None], "state": [rows, None, units], "temperature": [],
                "top_k": [], "noise": [None, None]}
    outputs = {"ids": [None, None], "probs": [None, None, vocab], "logits": [None, None, vocab],
               "state_out": [rows, None, units]}
    # top_k has a default (an initializer), so onnxruntime lists it apart
    inputs = [*session.get_inputs(), *session.get_overridable_initializers()]
    for kind, found, wanted in (("input", inputs, expected),
                                ("output", session.get_outputs(), outputs)):
        shapes = {i.name: [d if isinstance(d, int) else None for d in i.shape] for i in found}
        if shapes != wanted:
            raise RnnlabError(f"{path}: graph {kind}s {shapes} are not those of an rnnlab text "
                              f"model with {vocab} characters and {rows} x {units} state "
                              f"({wanted}); export it again")
