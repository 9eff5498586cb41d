"""The Keras peer: the notebook's model in a worker process of the TensorFlow venv.

    LSTM: 4 x LSTM(50) (return_sequences on the first 3), each followed by
          Dropout(0.2), then Dense(1); RMSprop, mean squared error, batch 32.
    GRU:  4 x GRU(50, tanh) + Dropout(0.2) each, Dense(1); SGD(lr=0.01,
          decay=1e-7, momentum=0.9), mean squared error, batch 150.

The harness never imports TensorFlow. It starts ``PYTHON -m benchmarks.keras_worker
serve FOLDER CELL CSV STEPS`` with the venv's Python (``peers.py``) and drives it over
a pipe, one JSON line each way, so rnnlab's calls (timed in the parent) and Keras'
(timed here) still alternate: ``time`` (seconds per call of a scenario), ``output``,
``settle`` (sleep until this process stops spinning), ``train`` (seconds of every
epoch of ``model.fit`` on the given pairs), ``chars`` (the same for the character model
on the given batches), ``quit``. The model carries rnnlab's
weights (``ModelFiles.path("keras.npz")``); forecasts and generation call
``model.predict`` as the notebook does. Also, as whole processes:

    PYTHON -m benchmarks.keras_worker forecast FOLDER CELL CSV        # the cold start
    PYTHON -m benchmarks.keras_worker probe FOLDER CELL SCENARIO CSV  # one call, for memory
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.measure import REPO, seconds_per_call, settle
from benchmarks.peers import ModelFiles, Workload, forecast_text
from rnnlab.runtime.generation import windowed_loop

BATCH = {"lstm": 32, "gru": 150}
OFFERED = ("batch", "single", "windowed")  # the notebook never streams state


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


def calls(files: ModelFiles, work: Workload) -> dict:
    """The notebook's uses on rnnlab's weights: the test windows, one window, generation."""
    model = build(files.cell, work.windows.shape[1])
    with np.load(files.path("keras.npz")) as weights:
        model.set_weights([weights[f"arr_{i}"] for i in range(len(weights.files))])

    def predict(windows: np.ndarray) -> np.ndarray:
        return model.predict(windows, verbose=0)[:, 0]

    return {"batch": lambda: predict(work.windows), "single": lambda: predict(work.windows[:1]),
            "windowed": lambda: windowed_loop(predict, work.start, work.steps),
            "forecast": predict}


def epoch_clock():
    """A Keras callback whose ``seconds`` collects each epoch's wall seconds (TensorFlow
    is imported here, in the worker only)."""
    from tensorflow import keras

    class EpochClock(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.seconds: list[float] = []

        def on_epoch_begin(self, epoch, logs=None) -> None:
            self.began = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None) -> None:
            self.seconds.append(time.perf_counter() - self.began)

    return EpochClock()


def epoch_seconds(cell: str, x: np.ndarray, y: np.ndarray, epochs: int) -> list[float]:
    """Wall seconds of each epoch of ``model.fit`` with the notebook's batch size."""
    clock = epoch_clock()
    build(cell, x.shape[1]).fit(x, y, epochs=epochs, batch_size=BATCH[cell], verbose=0,
                                callbacks=[clock])
    return clock.seconds


def char_epoch_seconds(x: np.ndarray, y: np.ndarray, vocab: int, epochs: int) -> list[float]:
    """Wall seconds of each epoch of ``model.fit`` of the shipped character model's shape:
    Embedding(vocab, 64), 2 x LSTM(512) with Dropout(0.3) after each, Dense(vocab) logits;
    AdamW(2e-3, weight decay 0.05, beta_2 0.99), global norm clipping 1; batch 64 of
    ``x (n, 128)`` in order. Stateless (rnnlab carries the state between steps: the same
    arithmetic per step)."""
    from tensorflow import keras

    model = keras.Sequential([keras.Input(shape=(x.shape[1],), batch_size=64),
                              keras.layers.Embedding(vocab, 64)])
    for _ in range(2):
        model.add(keras.layers.LSTM(512, return_sequences=True))
        model.add(keras.layers.Dropout(0.3))
    model.add(keras.layers.Dense(vocab))
    model.compile(optimizer=keras.optimizers.AdamW(2e-3, weight_decay=0.05, beta_2=0.99,
                                                   global_clipnorm=1.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    clock = epoch_clock()
    model.fit(x, y, epochs=epochs, batch_size=64, shuffle=False, verbose=0, callbacks=[clock])
    return clock.seconds


def serve(folder: str, cell: str, csv: str, steps: str) -> None:
    """Answer the parent's requests, one JSON line in, one out, until ``quit``."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout = sys.stderr  # nothing TensorFlow prints may corrupt the replies
    files = ModelFiles(Path(folder), cell)
    scenarios = calls(files, Workload.from_csv(files.read_card(), csv, int(steps)))
    answers = {
        "time": lambda r: seconds_per_call(scenarios[r["scenario"]], r["number"]),
        "output": lambda r: scenarios[r["scenario"]]().tolist(),
        "settle": lambda r: settle(),
        "train": lambda r: epoch_seconds(cell, np.load(r["x"]), np.load(r["y"]), r["epochs"]),
        "chars": lambda r: char_epoch_seconds(np.load(r["x"]), np.load(r["y"]), r["vocab"],
                                              r["epochs"]),
    }
    print(json.dumps({"ready": True}), file=replies, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "quit":
            return
        print(json.dumps({"value": answers[request["op"]](request)}), file=replies, flush=True)


class Worker:
    """The parent's handle on a ``serve`` process of ``python`` (the TensorFlow venv's)."""

    def __init__(self, python: Path, files: ModelFiles, csv: Path, steps: int,
                 log: Path) -> None:
        self.log, self.python = log, python
        self.process = subprocess.Popen(
            command(python, "serve", str(files.folder), files.cell, str(csv), str(steps)),
            cwd=REPO, env=environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=log.open("w"), text=True)
        self.reply()  # ready: TensorFlow imported, model built

    def reply(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            tail = self.log.read_text().strip().splitlines()[-3:]
            raise RuntimeError(f"the Keras worker exited: {' / '.join(tail)}")
        return json.loads(line)

    def ask(self, op: str, **fields):
        """Send one request, return its answer."""
        print(json.dumps({"op": op, **fields}), file=self.process.stdin, flush=True)
        return self.reply()["value"]

    def side(self, scenario: str) -> Remote:
        return Remote(self, scenario)

    def close(self) -> None:
        if self.process.poll() is None:
            print(json.dumps({"op": "quit"}), file=self.process.stdin, flush=True)
            self.process.wait(timeout=60)


class Remote:
    """One Keras scenario as a :class:`benchmarks.measure.Side`: timed in the worker."""

    def __init__(self, worker: Worker, scenario: str) -> None:
        self.worker, self.scenario = worker, scenario

    def time(self, number: int) -> float:
        return self.worker.ask("time", scenario=self.scenario, number=number)

    def settle(self) -> None:
        self.worker.ask("settle")
        settle()


def environment() -> dict:
    """This environment, with the repository importable and TensorFlow's logs quiet."""
    return {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "2",
            "CUDA_VISIBLE_DEVICES": ""}


def command(python: Path, *args: str) -> list[str]:
    """The command line of this module's ``args`` under ``python``."""
    return [str(python), "-m", "benchmarks.keras_worker", *args]


def main(argv: list[str]) -> None:
    if argv[0] == "serve":
        serve(*argv[1:])
        return
    if argv[0] == "forecast":
        folder, cell, csv = argv[1:]
    else:  # probe
        folder, cell, scenario, csv = argv[1:]
    files = ModelFiles(Path(folder), cell)
    card = files.read_card()
    scenarios = calls(files, Workload.from_csv(card, csv))
    if argv[0] == "forecast":
        print(forecast_text(card, csv, scenarios["forecast"]))
    else:
        scenarios[scenario]()


if __name__ == "__main__":
    main(sys.argv[1:])
