"""The one-file text export: PyTorch and onnxruntime draw the same text from the same noise;
the stateful step scores and continues; the metadata is validated; the noise ports to JS."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import onnx
import pytest
import torch

from rnnlab.language.charexport import sample_eager, to_onnx
from rnnlab.language.charnet import CharNet, CharShape
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.text.card import TextCard
from rnnlab.runtime.text.model import TextModel
from rnnlab.runtime.text.noise import uniforms

pytestmark = pytest.mark.usefixtures("one_torch_thread")
VOCAB = "\n !,abcdefghijklmnopqrstuvwxyz"


def session(model: CharNet, card: TextCard):
    import onnxruntime as ort

    return ort.InferenceSession(to_onnx(model, card).SerializeToString())


def random_model(cell: str, seed: int = 0) -> tuple[CharNet, TextCard]:
    torch.manual_seed(seed)
    model = CharNet(CharShape(cell, len(VOCAB), 6, 20, 2)).eval()
    return model, TextCard(vocab=VOCAB, cell=cell, layers=2, units=20, embed=6)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("top_k", [0, 4])
def test_pytorch_and_onnxruntime_draw_the_same_text(cell, top_k):
    model, card = random_model(cell)
    run = session(model, card)
    prompt = np.array([[1, 5, 6, 7], [9, 9, 2, 0], [3, 4, 5, 6]])
    noise = uniforms(11, 3 * 300).reshape(3, 300)
    ids, probs, logits, state = run.run(None, {
        "prompt": prompt, "state": np.zeros((card.state_rows(), 3, 20), np.float32),
        "temperature": np.array(0.8, np.float32), "top_k": np.array(top_k), "noise": noise})
    eager_ids, eager_probs = sample_eager(model, prompt, noise, 0.8, top_k)
    np.testing.assert_array_equal(ids, eager_ids)
    # float32 kernels differ in the last digits; with top-k, a near-tie at the k-th logit
    # can keep a different character, so compare the steps that keep the same ones
    same = ((probs > 0) == (eager_probs > 0)).all(-1)
    assert same.mean() > 0.99
    np.testing.assert_allclose(probs[same], eager_probs[same], atol=1e-5)
    assert probs.shape == (3, 300, len(VOCAB)) and state.shape == (card.state_rows(), 3, 20)
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-5)
    if top_k:
        assert ((probs > 0).sum(-1) == top_k).all()
        assert np.take_along_axis(probs, ids[..., None], -1).min() > 0


def test_trained_model_text_is_the_same_through_both(tiny_text):
    from rnnlab.runtime.forecaster import load

    trained, model = tiny_text["trained"], load(tiny_text["onnx"])
    assert isinstance(model, TextModel)
    drawn = model.generate("To be", chars=200, temperature=0.8, seed=3, samples=2)
    prompt = trained.vocab.encode("To be")[None].repeat(2, 0)
    eager, _ = sample_eager(trained.model, prompt, uniforms(3, 400).reshape(2, 200), 0.8)
    assert drawn.texts == [trained.vocab.decode(row) for row in eager]
    assert drawn.texts[0] != drawn.texts[1]


def test_stateful_step_scores_like_pytorch_and_continues(tiny_text):
    from rnnlab.language.chartrain import nats_per_char
    from rnnlab.runtime.forecaster import load

    model, trained = load(tiny_text["onnx"]), tiny_text["trained"]
    text = tiny_text["text"].read_text()[:3000]
    ids = trained.vocab.encode(text)
    # chunks of 8192 carry the state; 3000 characters in chunks of 1000 must agree too
    assert model.nats(ids) == pytest.approx(nats_per_char(trained.model, ids), abs=1e-5)
    noise = uniforms(5, 60)[None]
    once = model.run(ids[None, :10], noise, 0.9)
    first = model.run(ids[None, :10], noise[:, :30], 0.9)
    rest = model.run(first["ids"][:, -1:], noise[:, 30:], 0.9, state=first["state_out"])
    np.testing.assert_array_equal(once["ids"], np.c_[first["ids"], rest["ids"]])
    np.testing.assert_allclose(once["state_out"], rest["state_out"], atol=1e-5)
    empty = model.run(ids[None, :10], np.zeros((1, 0), np.float32))
    assert empty["ids"].shape == (1, 0) and empty["probs"].shape == (1, 0, len(trained.vocab))
    # N = 0: the state after the prompt, packed per layer as h then c
    with torch.no_grad():
        _, (h, c) = trained.model(torch.as_tensor(ids[None, :10]))
    packed = torch.stack([h[0], c[0], h[1], c[1]]).numpy()
    np.testing.assert_allclose(empty["state_out"], packed, atol=1e-5)


def test_card_round_trips_and_hostile_metadata_is_refused(tiny_text, tmp_path):
    from rnnlab.runtime.forecaster import load

    card = load(tiny_text["onnx"]).card
    trained = tiny_text["trained"]
    assert card.vocab == trained.vocab.chars and card.cell == "lstm" and card.units == 24
    assert card.scores["model"] == pytest.approx(trained.scores["model"])
    assert {"unigram", f"kn-{card.scores['kn_order']}"} <= set(card.scores)
    assert card.precision == "fp32" and card.command.startswith("rnnlab.train(")
    proto = onnx.load(str(tiny_text["onnx"]))
    for key, value, problem in (("rnnlab.vocab", json.dumps("ba"), "sorted"),
                                ("rnnlab.vocab", json.dumps("\x1bab"), "control"),
                                ("rnnlab.units", json.dumps(25), "graph"),
                                ("rnnlab.scores", json.dumps({"model": "x"}), "scores.model"),
                                ("rnnlab.precision", json.dumps("fp8"), "precision")):
        bad = onnx.ModelProto()
        bad.CopyFrom(proto)
        for prop in bad.metadata_props:
            if prop.key == key:
                prop.value = value
        onnx.save(bad, tmp_path / "bad.onnx")
        with pytest.raises(RnnlabError, match=problem):
            load(tmp_path / "bad.onnx")


def test_noise_is_the_documented_hash():
    u = uniforms(0, 4)
    assert u.dtype == np.float32 and ((u > 0) & (u < 1)).all()
    # odd multiples of 2^-24: exact in float32
    assert ((u.astype(np.float64) * 2**24) % 2 == 1).all()
    assert uniforms(7, 10)[3] == uniforms(7, 4)[3]  # counter-based: an index on its own
    many = uniforms(123, 100_000)
    assert abs(many.mean() - 0.5) < 0.005 and len(np.unique(many)) > 99_000


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the JavaScript")
def test_noise_ports_to_javascript_exactly():
    from rnnlab.runtime.text import noise

    script = noise.__doc__.split("In JavaScript::")[1].split("Runtime side")[0]
    script += ("\nconst out = [];\nfor (const s of [0, 1, 4294967295]) for (let i = 0; i < 50; "
               "i++) out.push(uniform(s, i));\nconsole.log(JSON.stringify(out));")
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    ours = np.concatenate([uniforms(s, 50) for s in (0, 1, 4294967295)]).astype(np.float64)
    np.testing.assert_array_equal(np.array(json.loads(done.stdout)), ours)
