"""The model card validation layer: every field's type and range, no control characters."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlab.runtime.card import Card
from rnnlab.runtime.errors import RnnlabError


@pytest.fixture(scope="module")
def card_dict(tiny) -> dict:
    return json.loads(json.dumps(tiny["run"].card.to_dict()))


def test_a_trained_card_round_trips(card_dict):
    def plain(card: Card) -> dict:
        return json.loads(json.dumps(card.to_dict()))

    assert plain(Card.from_dict(card_dict)) == card_dict
    assert plain(Card.from_props(Card.from_dict(card_dict).to_props(), "m.onnx")) == card_dict


@pytest.mark.parametrize("path, value, field", [
    (("encoder", "window"), "10", "encoder.window"),
    (("encoder", "window"), True, "encoder.window"),
    (("encoder", "lo"), [float("nan")], "encoder.lo"),
    (("encoder", "columns"), ["High\x1b[2J"], "encoder.columns"),
    (("architecture", "units"), 10**6, "architecture.units"),
    (("architecture", "cells"), [], "architecture.cells"),
    (("residual_sd",), float("inf"), "residual_sd"),
    (("history",), [[float("nan")]] * 10, "history"),
    (("metrics",), {"one_step": {}}, "metrics.test_start"),
    (("preset",), "line\nerror: fake", "preset"),
    (("seed",), -1, "seed"),
    (("train_start",), "2099-01-01", "train_start <= train_end"),
    (("data_sha256",), "abc", "data_sha256"),
])
def test_bad_fields_are_named(card_dict, path, value, field):
    bad = copy.deepcopy(card_dict)
    target = bad
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(RnnlabError, match=f"m.pt: bad rnnlab metadata: {field}") as error:
        Card.from_dict(bad, "m.pt")
    assert "\n" not in str(error.value) and "\x1b" not in str(error.value)


def test_scaler_of_a_constant_column_still_validates(tiny):
    import numpy as np

    from rnnlab.runtime.preprocessing import Encoder

    encoder = Encoder.fit(np.full((30, 1), 5.0), ("High",), 5)
    assert encoder.hi[0] > encoder.lo[0]


# -- properties ---------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20)
QUICK = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@QUICK
@given(data=st.data())
def test_any_edit_of_a_card_is_accepted_or_refused(card_dict, data):
    bad = copy.deepcopy(card_dict)
    target = bad
    keys = []
    while isinstance(target, dict) and target:
        key = data.draw(st.sampled_from(sorted(target)))
        keys.append(key)
        if not isinstance(target[key], dict) or data.draw(st.booleans()):
            target[key] = data.draw(JSON)
            break
        target = target[key]
    try:
        Card.from_dict(bad, "m.pt")
    except RnnlabError as error:
        assert "\n" not in str(error)


@QUICK
@given(props=st.dictionaries(st.sampled_from(
    ["rnnlab.format", "rnnlab.encoder", "rnnlab.architecture", "rnnlab.history",
     "rnnlab.target", "rnnlab.metrics", "other"]), st.text(max_size=30) | JSON.map(json.dumps),
    max_size=7))
def test_any_metadata_is_accepted_or_refused(props):
    try:
        Card.from_props(props, "m.onnx")
    except RnnlabError:
        pass
