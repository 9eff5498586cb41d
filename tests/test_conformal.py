"""Split-conformal intervals for one-step forecasts: calibrated before the first forecast
day only, in text, JSON, to_frame() and the plot."""

from __future__ import annotations

import json

import numpy as np
import pytest

import rnnlab
from rnnlab.runtime.scores.conformal import half_width


def test_the_half_width_is_the_conformal_rank():
    residuals = np.array([-9.0, 1, -2, 3, 4, -5, 6, 7, 8])  # |r| = 1 .. 9, n = 9
    assert half_width(residuals, 0.9) == 9.0  # ceil(10 * 0.9) = 9th smallest
    assert half_width(residuals, 0.5) == 5.0  # ceil(10 * 0.5) = 5th
    with pytest.raises(rnnlab.RnnlabError, match="needs at least 19 calibration days"):
        half_width(residuals, 0.95)  # ceil(10 * 0.95) = 10 > 9


@pytest.fixture(scope="module")
def ninety(tiny):
    """tiny's exported model and its forecast from 2015-09-01 with a 90% interval."""
    model = rnnlab.load(tiny["onnx"])
    return model, model.forecast(tiny["csv"], "2015-09-01", interval=0.9)


def test_the_interval_holds_every_forecast_and_the_next_day(ninety):
    _, result = ninety
    forecasts = np.r_[result.predicted, result.next_value]
    assert np.all(result.lower <= forecasts) and np.all(forecasts <= result.upper)


def test_the_frame_carries_the_interval(ninety):
    _, result = ninety
    frame = result.to_frame()
    assert list(frame.columns) == ["actual", "forecast", "persistence", "lower", "upper"]


def test_coverage_is_the_share_of_real_days_inside(ninety):
    _, result = ninety
    inside = (result.actual >= result.lower[:-1]) & (result.actual <= result.upper[:-1])
    assert result.coverage == pytest.approx(inside.mean())


def test_intervals_are_calibrated_on_days_before_the_start_only(ninety, tiny, tmp_path):
    model, result = ninety
    # Move every test day's price: the interval's half-width (a level model: q times the
    # scaler's span, the same every day) does not change, as no test day is calibrated on.
    lines = tiny["csv"].read_text().splitlines()
    moved = [line if line.startswith("Date") or line < "2015-09-01" else
             line.split(",")[0] + "," + ",".join(f"{float(v) * 1.05:.2f}" for v in
                                                line.split(",")[1:-1]) + ",TEST"
             for line in lines]
    (tmp_path / "moved.csv").write_text("\n".join(moved) + "\n")
    again = model.forecast(tmp_path / "moved.csv", "2015-09-01", interval=0.9)
    np.testing.assert_allclose(again.upper - again.lower, result.upper - result.lower,
                               rtol=1e-5)


def test_a_higher_level_gives_a_wider_interval(ninety, tiny):
    model, result = ninety
    wider = model.forecast(tiny["csv"], "2015-09-01", interval=0.99)
    assert np.all(wider.upper - wider.lower >= result.upper - result.lower - 1e-9)


def test_a_level_outside_0_to_1_is_refused(ninety, tiny):
    model, _ = ninety
    with pytest.raises(rnnlab.RnnlabError, match="interval=1.5: must be between 0 and 1"):
        model.forecast(tiny["csv"], "2015-09-01", interval=1.5)


def forecast_ninety(cli, tiny, *more):
    return cli("forecast", tiny["onnx"], "--csv", tiny["csv"], "--start", "2015-09-01",
               "--interval", "0.9", *more)


def test_forecast_interval_prints_its_coverage_and_plots(cli, tiny, tmp_path):
    code, text, err = forecast_ninety(cli, tiny, "--plot", tmp_path / "f.png")
    assert code == 0, err
    assert "90% conformal interval held the real High on" in text
    assert (tmp_path / "f.png").stat().st_size > 0


def test_forecast_interval_json_has_the_bounds_of_every_day_and_the_next(cli, tiny):
    code, text, err = forecast_ninety(cli, tiny, "--json")
    assert code == 0, err
    summary = json.loads(text)
    assert summary["interval"]["level"] == 0.9
    assert summary["next"]["lower"] <= summary["next"]["forecast"] <= summary["next"]["upper"]
    assert len(summary["interval"]["lower"]) == summary["days"] + 1
