"""The PyTorch equivalent of ``rnnlab forecast CHECKPOINT --csv CSV``, timed as a whole process.

    python -m benchmarks.torch_forecast MODEL.pt PRICES.csv THREADS

Imports torch, rebuilds the model from its checkpoint, reads the CSV, forecasts
every test day and prints the same table.
"""

from __future__ import annotations

import sys

import torch

from benchmarks.forecasting import forecast_text
from benchmarks.torch_peer import predictor
from rnnlab.training import checkpoint


def main(argv: list[str]) -> None:
    """Forecast with the checkpoint ``argv[0]`` on the CSV ``argv[1]`` and print the scores.

    ``argv[2]`` is PyTorch's thread count.
    """
    torch.set_num_threads(int(argv[2]))
    model, card, _ = checkpoint.load(argv[0])
    print(forecast_text(card, argv[1], predictor(model)))


if __name__ == "__main__":
    main(sys.argv[1:])
