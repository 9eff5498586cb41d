"""Add the input-reading baselines (linear, close-anchored) to shipped models' card metrics.

Models exported before these baselines existed store their test scores beside persistence
and flat only. The baselines are fit on the model's training days alone, with no
randomness, so they can be added afterwards without retraining: this script scores each
model again on its own test days with the runtime (``Model.forecast``), checks that the
model's score is the stored one, and rewrites the card's metrics in the ONNX metadata with
every baseline beside the model. The weights are untouched.

    python scripts/add_card_baselines.py exported/ibm-high-lstm.onnx exported/ibm-high-gru.onnx
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import onnx

from rnnlab.runtime.errors import DataWarning
from rnnlab.runtime.files import atomic_path
from rnnlab.runtime.forecaster import load
from rnnlab.runtime.prices.table import read_csv

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def rescored_metrics(path: Path) -> dict:
    """The card's metrics with every baseline added to each view, from a fresh forecast."""
    model = load(path)
    card = model.card
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # stated when the model was trained
        prices = read_csv(DATA / card.data_file, card.encoder.columns, card.missing)
    scores = model.forecast(prices, start=card.split).scores
    stored = card.metrics["one_step"]
    if abs(scores["model"]["rmse"] - stored["model"]["rmse"]) > 1e-4 * stored["model"]["rmse"] \
            or scores["persistence"] != stored["persistence"]:
        sys.exit(f"{path}: its test days or forecasts differ from the stored metrics")
    baselines = {name: row for name, row in scores.items() if name != "model"}
    views = {view: {"model": card.metrics[view]["model"], **baselines}
             for view in ("one_step", "generation") if view in card.metrics}
    return {**card.metrics, **views}


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        metrics = rescored_metrics(path)
        proto = onnx.load(str(path))
        for prop in proto.metadata_props:
            if prop.key == "rnnlab.metrics":
                prop.value = json.dumps(metrics)
        with atomic_path(path) as temp:
            onnx.save_model(proto, temp, save_as_external_data=False)
        load(path)  # still a valid rnnlab model
        print(f"{path}: baselines {', '.join(metrics['one_step'])}")


if __name__ == "__main__":
    main(sys.argv[1:])
