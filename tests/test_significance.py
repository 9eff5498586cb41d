"""The RMSE ratio's block-bootstrap interval and the Diebold-Mariano test, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnlab.runtime.scores.significance import (
    block_bootstrap,
    compare_losses,
    diebold_mariano,
    newey_west,
    rmse_ratio,
)


def test_diebold_mariano_by_hand():
    model = np.array([1.0, 4.0, 0.0, 9.0, 1.0, 0.0])
    base = np.array([2.0, 1.0, 1.0, 4.0, 4.0, 1.0])
    d = model - base  # -1, 3, -1, 5, -3, -1: mean 1/3
    mean = 1 / 3
    c = d - mean
    g0 = sum(x * x for x in c) / 6
    g1 = sum(c[t] * c[t - 1] for t in range(1, 6)) / 6
    variance = g0 + 2 * (1 - 1 / 2) * g1  # one lag, Bartlett weight 1/2
    assert newey_west(d, 1) == pytest.approx(variance, rel=1e-12)
    statistic, p = diebold_mariano(model, base, lags=1)
    assert statistic == pytest.approx(mean / math.sqrt(variance / 6), rel=1e-12)
    # two-sided normal p: 2 (1 - Phi(|z|))
    phi = 0.5 * (1 + math.erf(abs(statistic) / math.sqrt(2)))
    assert p == pytest.approx(2 * (1 - phi), rel=1e-9)
    assert diebold_mariano(model, base, lags=0)[0] == pytest.approx(mean / math.sqrt(g0 / 6))


def test_equal_forecasters_are_not_told_apart_and_a_better_one_is():
    rng = np.random.default_rng(0)
    days = 500
    base = rng.normal(0, 1, days) ** 2
    same = compare_losses(base, base)
    assert same["ratio"] == 1.0 and same["low"] == 1.0 and same["high"] == 1.0
    better = rng.normal(0, 0.8, days) ** 2
    row = compare_losses(better, base)
    assert row["low"] < row["ratio"] < row["high"] < 1.0 and row["p"] < 0.01 and row["dm"] < 0
    assert row["ratio"] == pytest.approx(rmse_ratio(better, base))


def test_the_bootstrap_interval_covers_a_known_ratio():
    """Many samples of forecasters whose RMSE ratio is truly 0.9: the 95% interval holds
    it about 95% of the time."""
    hits = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        base = rng.normal(0, 1, 250) ** 2
        model = rng.normal(0, 0.9, 250) ** 2
        low, high = block_bootstrap(model, base, replicates=400, seed=seed)
        hits += low <= 0.9 <= high
    assert 0.88 <= hits / 200 <= 0.99
