"""The Keras peer, exactly as the notebook builds and uses it; needs ``pip install tensorflow-cpu``.

    LSTM: 4 x LSTM(50) (return_sequences on the first 3), each followed by
          Dropout(0.2), then Dense(1); RMSprop, mean squared error, batch 32.
    GRU:  4 x GRU(50, tanh) + Dropout(0.2) each, Dense(1); SGD(lr=0.01,
          decay=1e-7, momentum=0.9), mean squared error, batch 150.

Forecasts and generation call ``model.predict`` as the notebook does. Run as a
script it is the Keras cold start:

    python -m benchmarks.keras_peer FOLDER CELL PRICES.csv
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.forecasting import forecast_text
from benchmarks.inputs import ModelFiles, Workload
from rnnlab.runtime.generation import windowed_loop

INSTALL = "pip install tensorflow-cpu"
BATCH = {"lstm": 32, "gru": 150}
# The notebook forecasts and generates by sliding the window; it never streams state.
OFFERED = ("batch", "single", "windowed")


def available() -> bool:
    """Whether tensorflow can be imported here."""
    return importlib.util.find_spec("tensorflow") is not None


def build(cell: str, window: int):
    """The notebook's compiled Sequential model for ``cell`` (lstm or gru)."""
    from tensorflow import keras

    layer = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell]
    model = keras.Sequential([keras.Input(shape=(window, 1))])
    for k in range(4):
        model.add(layer(units=50, return_sequences=k < 3, activation="tanh"))
        model.add(keras.layers.Dropout(0.2))
    model.add(keras.layers.Dense(units=1))
    if cell == "lstm":
        optimizer = "rmsprop"
    else:
        # SGD(lr=0.01, decay=1e-7): the legacy decay is lr / (1 + decay * step).
        rate = keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-7)
        optimizer = keras.optimizers.SGD(learning_rate=rate, momentum=0.9, nesterov=False)
    model.compile(optimizer=optimizer, loss="mean_squared_error")
    return model


def save_weights(cell: str, window: int, path: Path) -> None:
    """Save a freshly built model's weights, for the scenarios and the cold start to load."""
    build(cell, window).save_weights(path)


def loaded(files: ModelFiles, window: int):
    """The model of ``files.cell`` with its saved weights."""
    model = build(files.cell, window)
    model.load_weights(files.keras_weights)
    return model


def predictor(model) -> Callable[[np.ndarray], np.ndarray]:
    """``(batch, window, 1)`` -> ``(batch,)`` through ``model.predict``, as the notebook."""
    return lambda windows: model.predict(windows, verbose=0)[:, 0]


def scenarios(files: ModelFiles, work: Workload) -> dict[str, Callable[[], np.ndarray]]:
    """The notebook's uses: forecast the test windows, one window, and generate by predict()."""
    predict = predictor(loaded(files, work.windows.shape[1]))
    return {
        "batch": lambda: predict(work.windows),
        "single": lambda: predict(work.windows[:1]),
        "windowed": lambda: windowed_loop(predict, work.start, work.steps),
    }


def train_seconds(cell: str, x: np.ndarray, y: np.ndarray, epochs: int) -> float:
    """Wall seconds of ``model.fit`` for ``epochs`` on ``(x, y)`` with the notebook's batch."""
    model = build(cell, x.shape[1])
    start = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=BATCH[cell], verbose=0)
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    """Cold start: import tensorflow, load the model, forecast the CSV ``argv[2]``, print."""
    files = ModelFiles(Path(argv[0]), argv[1])
    card = files.read_card()
    print(forecast_text(card, argv[2], predictor(loaded(files, card.encoder.window))))


if __name__ == "__main__":
    main(sys.argv[1:])
