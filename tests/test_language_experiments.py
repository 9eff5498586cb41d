"""Chapter 9's experiments (rnnlab.experiments.language and language_units) on tiny
inputs: the text features a unit is compared with, the correlation, the coloured HTML, and
the small PyTorch runs' records."""

import numpy as np
import pytest

from rnnlab.experiments import language_units

PLAY = "\nROMEO:\nBut soft\n\nJULIET:\nAy me\n"


def test_features_mark_what_a_reader_sees() -> None:
    f = language_units.features(PLAY)
    name = "".join(c for c, inside in zip(PLAY, f["inside a speaker's name"]) if inside)
    assert name == "ROMEO:\nJULIET:\n"
    at = PLAY.index("soft")
    assert f["position in the line"][at] == 4  # "But " before it
    assert f["position in the word"][at + 3] == 4  # the t of soft
    assert f["position in the speech"][PLAY.index("But")] == 7  # after "ROMEO:\n"
    assert f["position in the speech"][PLAY.index("JULIET")] == 0


def test_correlations_are_pearsons() -> None:
    rng = np.random.default_rng(0)
    feature = rng.normal(size=200)
    cells = np.column_stack([2 * feature + 1, -feature, rng.normal(size=200)])
    r = language_units.correlations(cells, feature)
    assert r[:2] == pytest.approx([1.0, -1.0])
    assert r[2] == pytest.approx(np.corrcoef(cells[:, 2], feature)[0, 1])


def test_coloured_text_keeps_every_character() -> None:
    html = language_units.coloured("a <b>\n", np.array([0.5, -0.25, 1.0, 0, 0, 0]))
    assert html.count("<span") == 6
    assert "rgba(198, 40, 40, 0.50)" in html and "rgba(21, 101, 192, 0.25)" in html
    assert ">&lt;<" in html and ">&gt;<" in html and "<br>" in html and "-0.00" not in html


def test_small_torch_run_records_every_update() -> None:
    pytest.importorskip("torch")
    from rnnlab.experiments.language import run_torch

    ids = np.tile(np.arange(5), 400)
    run = run_torch("gru", ids, ids[:300], 5, updates=6, every=3, units=8, embed=4, batch=4,
                    bptt=8, carry=False, clip=None)
    assert [h["update"] for h in run["history"]] == [3, 6]
    assert run["history"][-1]["chars"] == 6 * 4 * 8
    assert len(run["losses"]) == len(run["grad_norms"]) == 6
    assert run["history"][-1]["val"] < np.log(5)  # a cycle of 5 is learnt at once
