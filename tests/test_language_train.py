"""Training verbs for text: rnnlab.train with a text preset, its result's evaluate/save/export,
checkpoints without scores (exported with the text), reproducibility per seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers import assert_scores_close
from language_fixtures import VERSE, torch_threads

import rnnlab
from rnnlab.language.chartrain import CHAR_PRESETS, save
from rnnlab.language.chartrained import TrainedText
from rnnlab.runtime.errors import RnnlabError

pytestmark = pytest.mark.usefixtures("one_torch_thread")
TINY = {"epochs": 1, "units": 16, "embed": 4, "batch": 4, "bptt": 24, "warmup": 2}


def train_verse() -> TrainedText:
    return rnnlab.train(VERSE * 20, preset="char-gru", seed=2, progress=False, **TINY)


@pytest.fixture(scope="module")
def trained() -> TrainedText:
    """char-gru (tiny) trained by the public verb on a string, seed 2, on one thread."""
    with torch_threads(1):
        return train_verse()


def test_train_on_a_string_gives_a_trained_text_model(trained):
    assert isinstance(trained, TrainedText) and trained.data_file == "<text>"


def test_the_same_seed_gives_the_same_model(trained):
    again = train_verse()  # one thread: pytestmark
    for a, b in zip(trained.model.parameters(), again.model.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_evaluate_scores_the_model_beside_the_baselines(trained):
    score = trained.evaluate()
    assert score.model == trained.history[-1]["val"] and score.kn_order >= 1
    assert set(score.nats) == {"model", "unigram", f"kn-{score.kn_order}"}


def test_a_saved_model_loads_with_its_scores_vocabulary_and_command(trained, tmp_path):
    loaded = TrainedText.load(trained.save(tmp_path / "m.pt"))
    # stored numbers, not recomputed: equal but for a float's text round trip
    assert_scores_close(loaded.scores, trained.scores, rel=1e-12)
    assert loaded.preset == "char-gru" and loaded.vocab == trained.vocab
    assert loaded.command.startswith("rnnlab.train(")


def test_an_exported_model_carries_the_scores_and_the_cell(trained, tmp_path):
    model = rnnlab.load(trained.export(tmp_path / "m.onnx"))
    # the card's JSON metadata: equal but for a float's text round trip
    assert_scores_close(model.card.scores, trained.scores, rel=1e-12)
    assert model.card.cell == "gru"


def test_a_checkpoint_without_scores_exports_with_its_text(tmp_path, cli, tiny_text):
    trained = tiny_text["trained"]
    bare = tmp_path / "bare.pt"  # what train_chars(checkpoint=...) writes: no scores
    save(bare, trained.model, trained.vocab, trained.recipe, 0, "bf16", trained.history)
    code, _, err = cli("export", bare, "-o", tmp_path / "a.onnx")
    assert code == 2 and "--text FILE" in err
    code, out, err = cli("export", bare, "--text", tiny_text["text"], "-o", tmp_path / "a.onnx")
    assert code == 0, err
    card = rnnlab.load(tmp_path / "a.onnx").card
    assert card.scores["model"] == pytest.approx(trained.scores["model"], abs=1e-5)
    # not a preset's recipe (a tiny one), so the command says so
    assert card.command == (f"rnnlab train --text {tiny_text['text']} --preset CUSTOM "
                            "--precision bf16 --seed 0")
    assert card.train_seconds == pytest.approx(trained.history[-1]["elapsed"], abs=0.1)


@pytest.mark.parametrize("text, settings, message", [
    (VERSE * 20, {"precision": "fp16"}, "precision='fp16'"),
    (VERSE, {}, "too few"),
    (VERSE * 20, {"window": 3}, "window"),
], ids=["precision", "short text", "not a text setting"])
def test_bad_training_arguments_are_named(text, settings, message):
    with pytest.raises(RnnlabError, match=message):
        rnnlab.train(text, preset="char-lstm", progress=False, **settings)


def test_the_character_presets_are_there():
    assert set(CHAR_PRESETS) >= {"char-rnn", "char-gru", "char-lstm", "shakespeare"}


def test_damaged_checkpoints_are_one_line(tmp_path):
    (tmp_path / "junk.pt").write_bytes(np.arange(10).tobytes())
    with pytest.raises(RnnlabError, match="not a text model's checkpoint"):
        TrainedText.load(tmp_path / "junk.pt")
    torch.save({"kind": "char", "vocab": "ab"}, tmp_path / "half.pt")
    with pytest.raises(RnnlabError, match="damaged text checkpoint"):
        TrainedText.load(tmp_path / "half.pt")
