"""Re-centre a shipped generating model's head (return models) and re-score its card,
weights kept.

    python scripts/refit_head.py MODEL.onnx PRICES.csv -o OUT.onnx

Reads the model and card from MODEL.onnx, splits PRICES.csv (the file it was trained
on) at the card's split date, and runs what training runs after the fit
(``rnnlab.training.run.finish``): the head's bias is shifted so the mean one-step
forecast on the training windows equals the training days' mean (no learned drift),
then the residual spread and the test-day scores are computed again. Only the head's
bias moves, so no retraining is needed and the result is the same on any machine.
"""

from __future__ import annotations

import argparse

from rnnlab.training.export import export, from_onnx
from rnnlab.training.run import finish
from rnnlab.training.trained import card_split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("csv")
    parser.add_argument("-o", "--out", required=True)
    args = parser.parse_args()
    model, card = from_onnx(args.model)
    trained = finish(model, card, card_split(card, args.csv, card.missing), [])
    export(trained.model, trained.card, args.out)


if __name__ == "__main__":
    main()
