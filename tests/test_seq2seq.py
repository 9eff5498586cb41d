"""Sequence to sequence (rnnlab/seq2seq.py): the reversal task, attention over the encoder's
states, teacher forcing, greedy and beam-search decoding."""

from __future__ import annotations

import json

import pytest
import torch

from rnnlab.experiments import attention as attention_experiment
from rnnlab.seq2seq import (
    BOS,
    EOS,
    PAD,
    Seq2Seq,
    beam_search,
    greedy,
    loss,
    reversal_batch,
    to_text,
)


def test_reversal_batch_reverses_and_pads() -> None:
    source, lengths, target = reversal_batch(50, (3, 9), torch.Generator().manual_seed(0))
    assert source.shape == (int(lengths.max()), 50)
    assert target.shape == (int(lengths.max()) + 1, 50)
    assert lengths.min() >= 3 and lengths.max() <= 9
    for i, n in enumerate(lengths.tolist()):
        assert to_text(target[:, i]) == to_text(source[:, i])[::-1]
        assert len(to_text(source[:, i])) == n
        assert target[n, i] == EOS
        assert (source[n:, i] == PAD).all() and (target[n + 1:, i] == PAD).all()


def test_to_text_stops_at_eos() -> None:
    assert to_text([BOS, 3, 12, 4, EOS, 5]) == "091"


@pytest.mark.parametrize("attention", [False, True])
def test_padding_changes_nothing(attention: bool) -> None:
    """A string decodes the same alone and in a batch padded for a longer one; attention
    puts no weight on the padding and its weights sum to 1."""
    torch.manual_seed(0)
    model = Seq2Seq(hidden=16, embed=8, attention=attention)
    source, lengths, _ = reversal_batch(6, (2, 10), torch.Generator().manual_seed(1))
    tokens, weights = greedy(model, source, lengths, 12)
    for i, n in enumerate(lengths.tolist()):
        alone, alone_weights = greedy(model, source[:n, i:i + 1], lengths[i:i + 1], 12)
        assert torch.equal(alone[:, 0], tokens[:, i])
        if attention:
            torch.testing.assert_close(alone_weights[:, :, 0], weights[:, :n, i])
            assert (weights[:, n:, i] == 0).all()
            torch.testing.assert_close(weights[:, :, i].sum(dim=1), torch.ones(12))


def test_teacher_forcing_is_the_loop_fed_with_the_truth() -> None:
    torch.manual_seed(2)
    model = Seq2Seq(hidden=16, embed=8)
    source, lengths, target = reversal_batch(4, (3, 6), torch.Generator().manual_seed(3))
    logits = model(source, lengths, target)
    memory = model.encode(source, lengths)
    s, token = memory.last, torch.full((4,), BOS)
    for t in range(target.shape[0]):
        step_logits, s, _ = model.step(token, s, memory)
        torch.testing.assert_close(step_logits, logits[t], rtol=1e-5, atol=1e-6)
        token = target[t]


def test_beam_of_width_one_is_greedy() -> None:
    torch.manual_seed(4)
    model = Seq2Seq(hidden=16, embed=8)
    source, lengths, _ = reversal_batch(5, (3, 8), torch.Generator().manual_seed(5))
    tokens, _ = greedy(model, source, lengths, 10)
    for i, n in enumerate(lengths.tolist()):
        path = tokens[:, i].tolist()
        expected = path[:path.index(EOS)] if EOS in path else path
        assert beam_search(model, source[:n, i:i + 1], n, 10, width=1) == expected


@pytest.mark.slow  # trains until the model reverses strings
def test_training_learns_to_reverse_short_strings() -> None:
    """A few hundred steps on 2..4 digits reverse most fresh strings exactly, greedy and
    beam search alike."""
    torch.manual_seed(0)
    model = Seq2Seq(hidden=32, embed=16, attention=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    data = torch.Generator().manual_seed(0)
    for _ in range(300):
        batch_loss = loss(model, *reversal_batch(32, (2, 4), data))
        optimizer.zero_grad()
        batch_loss.backward()
        optimizer.step()
    source, lengths, target = reversal_batch(100, (2, 4), torch.Generator().manual_seed(9))
    tokens, _ = greedy(model, source, lengths, 5)
    exact = [to_text(tokens[:, i]) == to_text(target[:, i]) for i in range(100)]
    assert sum(exact) >= 90
    beams = [to_text(beam_search(model, source[:n, i:i + 1], n, 5)) == to_text(target[:, i])
             for i, n in enumerate(lengths.tolist()[:20])]
    assert sum(beams) >= 18


def test_attention_experiment_writes_its_four_files(tmp_path) -> None:
    attention_experiment.main(["--fast", "--out-dir", str(tmp_path)])
    for name in ("length", "decoding", "exposure"):
        text = (tmp_path / f"seq2seq-{name}.md").read_text()
        assert text.startswith("| ") and "Written by `python -m rnnlab.experiments." \
            f"attention --fast --out-dir {tmp_path}`." in text
    examples = json.loads((tmp_path / "seq2seq-attention.json").read_text())["examples"]
    for example in examples:
        weights = torch.tensor(example["weights"])
        assert weights.shape[1] == len(example["source"])
        torch.testing.assert_close(weights.sum(dim=1), torch.ones(len(weights)))
