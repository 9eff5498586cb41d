"""Training verbs for text: rnnlab.train with a text preset, its result's evaluate/save/export,
checkpoints without scores (exported with the text), reproducibility per seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from language_fixtures import VERSE

import rnnlab
from rnnlab.language.chartrain import CHAR_PRESETS, save
from rnnlab.language.chartrained import TrainedText
from rnnlab.runtime.errors import RnnlabError

pytestmark = pytest.mark.usefixtures("one_torch_thread")
TINY = {"epochs": 1, "units": 16, "embed": 4, "batch": 4, "bptt": 24, "warmup": 2}


def test_train_verb_evaluate_save_export_round_trip(tmp_path):
    trained = rnnlab.train(VERSE * 20, preset="char-gru", seed=2, progress=False, **TINY)
    again = rnnlab.train(VERSE * 20, preset="char-gru", seed=2, progress=False, **TINY)
    assert isinstance(trained, TrainedText) and trained.data_file == "<text>"
    for a, b in zip(trained.model.parameters(), again.model.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)  # same seed, same model
    score = trained.evaluate()
    assert score.model == trained.history[-1]["val"] and score.kn_order >= 1
    assert set(score.nats) == {"model", "unigram", f"kn-{score.kn_order}"}
    loaded = TrainedText.load(trained.save(tmp_path / "m.pt"))
    assert loaded.scores == trained.scores and loaded.preset == "char-gru"
    assert loaded.vocab == trained.vocab and loaded.command.startswith("rnnlab.train(")
    model = rnnlab.load(loaded.export(tmp_path / "m.onnx"))
    assert model.card.scores == trained.scores and model.card.cell == "gru"


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


def test_bad_training_arguments_are_named():
    with pytest.raises(RnnlabError, match="precision='fp16'"):
        rnnlab.train(VERSE * 20, preset="char-lstm", precision="fp16", progress=False)
    with pytest.raises(RnnlabError, match="too few"):
        rnnlab.train(VERSE, preset="char-lstm", progress=False)
    with pytest.raises(RnnlabError, match="window"):
        rnnlab.train(VERSE * 20, preset="char-lstm", window=3, progress=False)
    assert set(CHAR_PRESETS) >= {"char-rnn", "char-gru", "char-lstm", "shakespeare"}


def test_damaged_checkpoints_are_one_line(tmp_path):
    (tmp_path / "junk.pt").write_bytes(np.arange(10).tobytes())
    with pytest.raises(RnnlabError, match="not a text model's checkpoint"):
        TrainedText.load(tmp_path / "junk.pt")
    torch.save({"kind": "char", "vocab": "ab"}, tmp_path / "half.pt")
    with pytest.raises(RnnlabError, match="damaged text checkpoint"):
        TrainedText.load(tmp_path / "half.pt")
