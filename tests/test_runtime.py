"""The torch-free runtime: same numbers as the training side, and every bad input's error."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from helpers import write_prices

from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.forecaster import MAX_STEPS, load
from rnnlab.runtime.prices.table import read_csv


def test_forecast_equals_training_side_evaluation(tiny):
    model = load(tiny["onnx"])
    result = model.forecast(read_csv(tiny["csv"]))  # default: the days after training
    expected = tiny["run"].evaluation.to_dict()
    assert str(result.dates[0]) == expected["test_start"] == "2015-08-03"
    np.testing.assert_allclose(result.predicted, expected["predictions"]["one_step"], atol=1e-3)
    assert result.scores["persistence"] == expected["one_step"]["persistence"]
    assert result.scores["model"]["rmse"] == pytest.approx(
        expected["one_step"]["model"]["rmse"], abs=1e-3)
    assert str(result.next_date) == "2015-11-05"  # the NYSE trading day after the last


def test_generate_from_stored_window_equals_training_side(tiny):
    model = load(tiny["onnx"])
    generated = model.generate(len(tiny["run"].evaluation.generation), samples=0)
    np.testing.assert_allclose(generated.values[0], tiny["run"].evaluation.generation,
                               atol=1e-3)
    assert str(generated.start_date) == "2015-07-31" and str(generated.dates[0]) == "2015-08-03"


def test_forecast_range_and_next_day(tiny):
    model = load(tiny["onnx"])
    result = model.forecast(read_csv(tiny["csv"]), start="2015-09-01", end="2015-09-30")
    assert str(result.dates[0]) == "2015-09-01" and str(result.dates[-1]) == "2015-09-30"
    assert str(result.next_date) == "2015-10-01" and len(result.actual) == 22
    with pytest.raises(RnnlabError, match="needs 10 earlier rows"):
        model.forecast(read_csv(tiny["csv"]), start="2015-01-02")


def strip_metadata(source, target, change=None):
    proto = onnx.load(source)
    props = {p.key: p.value for p in proto.metadata_props}
    del proto.metadata_props[:]
    if change is not None:
        onnx.helper.set_model_props(proto, change(props))
    onnx.save(proto, target)
    return target


@pytest.mark.parametrize("case, message", [
    ("missing", "no such model file"),
    ("not onnx", "not a loadable ONNX model"),
    ("no metadata", "without rnnlab metadata"),
    ("newer format", "format 2 is newer"),
    ("bad json", "not valid JSON"),
    ("graph mismatch", "graph input 'state' has shape"),
    ("history mismatch", "history must hold 10 rows"),
    ("external data", "external data"),
])
def test_bad_model_files(tiny, tmp_path, case, message):
    path = tmp_path / "bad.onnx"
    if case == "not onnx":
        path.write_text("this is not a model")
    elif case == "no metadata":
        strip_metadata(tiny["onnx"], path)
    elif case == "newer format":
        strip_metadata(tiny["onnx"], path, lambda p: {**p, "rnnlab.format": "2"})
    elif case == "bad json":
        strip_metadata(tiny["onnx"], path, lambda p: {**p, "rnnlab.encoder": "{"})
    elif case == "graph mismatch":
        strip_metadata(tiny["onnx"], path, lambda p: {**p, "rnnlab.architecture": p[
            "rnnlab.architecture"].replace('"units": 8', '"units": 9')})
    elif case == "history mismatch":
        strip_metadata(tiny["onnx"], path, lambda p: {**p, "rnnlab.history": "[[1.0]]"})
    elif case == "external data":
        proto = onnx.load(tiny["onnx"])
        onnx.external_data_helper.convert_model_to_external_data(
            proto, location="bad.onnx.data", size_threshold=0)
        onnx.save(proto, path)
    with pytest.raises(RnnlabError, match=message):
        load(path)


def test_bad_generation_arguments(tiny):
    model = load(tiny["onnx"])
    for steps in (0, -3, MAX_STEPS + 1):
        # Python callers see the parameter's name (the CLI shows --steps instead).
        with pytest.raises(RnnlabError, match=f"steps={steps}: must be between 1 and"):
            model.generate(steps)
    with pytest.raises(RnnlabError, match="mode='sideways': is unknown"):
        model.generate(5, mode="sideways")


def test_bad_csvs_for_a_model(tiny, tmp_path):
    model = load(tiny["onnx"])
    short = write_prices(tmp_path / "short.csv", days=8)
    with pytest.raises(RnnlabError, match="needs at least 10 rows"):
        model.generate(5, read_csv(short))
    no_high = write_prices(tmp_path / "nohigh.csv", columns=("Open", "Low"))
    with pytest.raises(RnnlabError, match="no column 'High'"):
        read_csv(no_high, model.encoder.columns)
    with pytest.raises(RnnlabError, match="read columns"):
        model.generate(5, read_csv(no_high, ("Open",)))


@pytest.fixture(scope="module")
def sampled(tiny):
    """tiny's exported model, its mean-forecast path of 30 steps and 200 paths sampled with
    seed 1."""
    model = load(tiny["onnx"])
    return model, model.generate(30, samples=0), model.generate(30, samples=200, seed=1)


def test_sampled_paths_are_the_same_for_the_same_seed(sampled):
    model, _, paths = sampled
    assert paths.values.shape == (200, 30)
    np.testing.assert_array_equal(model.generate(30, samples=200, seed=1).values, paths.values)


def test_the_first_step_spreads_by_the_residual_sd(sampled):
    model, _, paths = sampled
    assert model.card.residual_sd > 0
    low, high = np.quantile(paths.values, [0.05, 0.95], axis=0)
    # Step 0 is the model's prediction plus N(0, sd) noise: its 5-95% band is 2 * 1.645 sd wide.
    span = model.encoder.hi[0] - model.encoder.lo[0]
    assert (high - low)[0] == pytest.approx(3.29 * model.card.residual_sd * span, rel=0.2)
    assert (high - low).min() > 0


def test_sampled_paths_spread_around_the_deterministic_one(sampled):
    _, plain, paths = sampled
    low, high = np.quantile(paths.values, [0.05, 0.95], axis=0)
    inside = (low <= plain.values[0]) & (plain.values[0] <= high)
    assert inside.mean() > 0.8


def test_a_negative_sample_count_is_refused(sampled):
    with pytest.raises(RnnlabError, match="samples=-1: must be between 0 and"):
        sampled[0].generate(5, samples=-1)


def test_zero_noise_is_the_deterministic_path(tiny):
    model = load(tiny["onnx"])
    start = model.encoder.last_window(np.array(model.card.history))
    zeros = np.zeros((12, 1), dtype=np.float32)
    np.testing.assert_array_equal(model.generate_scaled(start, 12, noise=zeros),
                                  model.generate_scaled(start, 12))


@pytest.mark.parametrize("transform, features", [
    ("diff", ()), ("logret", ("Low", "Volume")), ("relative", ("Open", "Low", "Close"))])
def test_transforms_and_features_reach_the_runtime(tmp_path, transform, features):
    from rnnlab.training.data import load_split
    from rnnlab.training.export import export
    from rnnlab.training.presets import PRESETS
    from rnnlab.training.run import train_one

    csv = write_prices(tmp_path / "p.csv", days=160)
    recipe = PRESETS["seed-gru"].with_overrides(cells=("gru",), units=6, window=8, epochs=1,
                                                transform=transform, features=features)
    split = load_split(str(csv), "High", features, "2015-06-01")
    run = train_one(split, recipe, device="cpu", progress=False)
    export(run.model, run.card, tmp_path / "m.onnx")
    model = load(tmp_path / "m.onnx")
    assert model.encoder.transform == transform and model.encoder.columns[1:] == features
    result = model.forecast(read_csv(csv, model.encoder.columns))
    np.testing.assert_allclose(result.predicted, run.evaluation.one_step,
                               atol=1e-3)
    if features:
        with pytest.raises(RnnlabError, match="cannot generate"):
            model.generate(5)
    else:
        np.testing.assert_allclose(model.generate(20, samples=0).values[0],
                                   run.evaluation.generation[:20], atol=1e-3)


@pytest.mark.parametrize("steps, stateful", [(1, False), (7, False), (7, True)])
def test_large_batches_split_into_chunks_across_cores_give_one_calls_answer(
        tiny, monkeypatch, steps, stateful):
    import rnnlab.runtime.forecaster as runtime_model

    monkeypatch.setattr(runtime_model, "CORES", 4)  # before load: a model sizes its pool then
    model = load(tiny["onnx"])
    x = np.random.default_rng(3).random((300, 10, 1), dtype=np.float32)
    noise = np.random.default_rng(4).normal(0, 0.01, (steps, 300)).astype(np.float32)
    split_y, split_state = model.run(x, steps=steps, stateful=stateful, noise=noise)
    whole_y, whole_state = model.session.run(None, {
        "x": x, "state": model.zero_state(300), "noise": noise,
        "steps": np.array(steps), "stateful": np.array(stateful)})
    np.testing.assert_array_equal(split_y, whole_y)
    np.testing.assert_array_equal(split_state, whole_state)


def test_each_pool_thread_opens_its_own_session_once(tiny, monkeypatch):
    import rnnlab.runtime.forecaster as runtime_model

    monkeypatch.setattr(runtime_model, "CORES", 2)
    model = load(tiny["onnx"])
    opened, open_session = [], model.open_session
    model.open_session = lambda: opened.append(1) or open_session()
    x = np.random.default_rng(5).random((200, 10, 1), dtype=np.float32)
    model.predict(x[:10])  # small: the model's own session, in this thread
    assert opened == []
    first = model.predict(x)
    assert 1 <= len(opened) <= 2  # one per pool thread that took a chunk
    again = model.predict(x)
    assert len(opened) <= 2 and np.array_equal(first, again)
