"""Generated paths scored as distributions, the generating baselines, and no learned drift."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import IBM

from rnnlab.runtime.scores.paths import coverage, crps, naive_paths, pinball, score_paths


def test_crps_by_hand_and_by_its_definition():
    # two samples 0 and 1, y = 0.5: E|X - y| = 0.5, E|X - X'| = (0 + 1 + 1 + 0) / 4 = 0.5
    assert crps(np.array([[0.0], [1.0]]), np.array([0.5]))[0] == pytest.approx(0.25, abs=1e-12)
    # one sample: the absolute error
    assert crps(np.array([[3.0, 1.0]]), np.array([1.0, 4.0])) == pytest.approx([2.0, 3.0])
    rng = np.random.default_rng(0)
    paths, actual = rng.normal(size=(40, 7)), rng.normal(size=7)
    pairs = np.abs(paths[:, None, :] - paths[None, :, :]).mean(axis=(0, 1))
    brute = np.abs(paths - actual).mean(axis=0) - pairs / 2
    np.testing.assert_allclose(crps(paths, actual), brute, atol=1e-12)


def test_coverage_and_pinball_by_hand():
    paths = np.arange(101.0)[:, None] * np.ones((1, 4))  # 0..100 every day
    actual = np.array([50.0, 10.0, 3.0, 97.0])
    assert coverage(paths, actual, 0.9) == 0.5  # the 5-95 band is [5, 95]
    assert coverage(paths, actual, 0.5) == 0.25  # [25, 75]
    # a quantile q of 0..100 is 100 q; y = 50: loss q (50 - 100q) above, (q - 1)(50 - 100q)
    expected = np.mean([max(q * (50 - 100 * q), (q - 1) * (50 - 100 * q))
                        for q in (0.05, 0.25, 0.5, 0.75, 0.95)])
    assert pinball(paths[:, :1], actual[:1]) == pytest.approx(expected, abs=1e-9)


@pytest.mark.slow  # scores thousands of sampled paths
def test_a_calibrated_generator_covers_its_bands():
    """Paths and actuals from the same random walk: the bands hold what they say."""
    rng = np.random.default_rng(1)
    walks = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, size=(2000, 10)), axis=1))
    truths = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, size=(600, 10)), axis=1))
    scores = [score_paths(walks, truth) for truth in truths]  # many truths: the mean settles
    assert np.mean([s["cover90"] for s in scores]) == pytest.approx(0.9, abs=0.03)
    assert np.mean([s["cover50"] for s in scores]) == pytest.approx(0.5, abs=0.04)


def test_naive_fans_resample_the_history():
    history = 100 * np.exp(np.cumsum(np.r_[0, np.full(50, 0.01), np.full(50, -0.005)]))
    fans = naive_paths(history, 20, paths=500, seed=3)
    returns = np.diff(np.log(history))
    # each path's first step is one of the history's returns (the flat fan's centred)
    for paths, allowed in ((fans["drift walk"], returns),
                           (fans["flat + naive fan"], returns - returns.mean())):
        assert paths.shape == (500, 20)
        first = np.log(paths[:, 0] / history[-1])
        assert np.abs(first[:, None] - allowed[None, :]).min(axis=1).max() < 1e-12
    drift = np.log(np.median(fans["drift walk"][:, -1]) / history[-1]) / 20
    assert drift == pytest.approx(returns.mean(), abs=0.002)


@pytest.mark.skipif(not IBM.is_file(), reason="needs the IBM price file in ../shared/data")
def test_the_shipped_generator_has_no_learned_drift():
    """The path of its mean one-step forecast gains, per day, the training days' mean log
    return within its standard error (it gained +0.114% a day before the head was centred)."""
    import rnnlab

    model = rnnlab.load("return-gru")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prices = rnnlab.read_prices(IBM)
    train = prices.values[:prices.before(np.datetime64(model.card.train_end) + 1), 0]
    returns = np.diff(np.log(train))
    mean, error = returns.mean(), returns.std(ddof=1) / np.sqrt(len(returns))
    path = model.generate(251, samples=0)
    drift = np.log(path.values[0, -1] / path.start_value) / 251
    assert mean - error <= drift <= mean + error, (drift, mean, error)


def test_training_centres_a_return_models_head(tmp_path):
    """After training, a return model's mean forecast on its training windows is the
    training targets' mean (scaled, to float32 rounding)."""
    from helpers import write_prices

    from rnnlab.training.data import load_split
    from rnnlab.training.evaluate import predictor
    from rnnlab.training.presets import PRESETS
    from rnnlab.training.run import train_one

    csv = write_prices(tmp_path / "p.csv", days=160, seed=5)
    recipe = PRESETS["return-gru"].with_overrides(units=4, window=8, epochs=1, batch=16)
    run = train_one(load_split(str(csv), "High", (), "2015-06-01"), recipe, device="cpu",
                progress=False)
    x, y = run.card.encoder.supervised(run.split.training_days)
    assert predictor(run.model)(x).mean() == pytest.approx(y.mean(), abs=1e-5)
    assert set(run.card.metrics["generation"]) == {"model", "mean-forecast path",
                                                   "flat + naive fan", "drift walk"}
