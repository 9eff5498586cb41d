"""What is measured: the models, their inputs, and each peer's calls on them.

- rnnlab: the exported ONNX graph through :mod:`rnnlab.runtime` (numpy + onnxruntime);
- PyTorch eager: the same weights as a ``Forecaster`` in ``inference_mode``;
- PyTorch script: ``python -m benchmarks.peers torch-forecast`` (the cold-start peer);
- Keras: :mod:`benchmarks.keras_worker`, in its own venv, with the same weights.

And the virtual environments the harness builds: the install-size pair and the Keras
peer's venv:

    runtime:  python -m venv V && V/bin/pip install REPO
    training: python -m venv V && V/bin/pip install torch==2.13.0 && V/bin/pip install 'REPO[train]'
    keras:    python -m venv V && V/bin/pip install tensorflow-cpu==2.21.0   (cached)

The Keras venv is kept under ``$RNNLAB_BENCH_CACHE`` (default ``~/.cache/rnnlab-bench``),
named by a hash of what it installs, so later runs reuse it; a ``complete`` marker,
written last, tells a finished venv from an interrupted build (``python -m
benchmarks.peers keras-venv`` builds it and prints its Python). Its Python runs the
repository's own code (``PYTHONPATH``), so it needs nothing of rnnlab's installed.

Imports only numpy and rnnlab's runtime at the top, so a probe process of one side
(``python -m benchmarks.peers probe SIDE ...``) loads that side's framework alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlab.runtime.card import Card
from rnnlab.runtime.generation import windowed_loop
from rnnlab.runtime.prices.table import read_csv
from rnnlab.runtime.scores.metrics import compare, format_table

CELLS = ("lstm", "gru")
SAMPLES = 100
IBM_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / \
    "IBM_2006-01-01_to_2018-01-01.csv"
# Scenario key -> label; every peer offers a subset of these as zero-argument calls.
SCENARIOS = {
    "batch": "one-step, 251 windows",
    "single": "one-step, one window",
    "windowed": "251-step windowed generation",
    "stateful": "251-step stateful generation",
}
Calls = dict[str, Callable[[], np.ndarray]]


@dataclass(frozen=True)
class ModelFiles:
    """The files of one prepared model (``cell`` is lstm or gru) in ``folder``."""

    folder: Path
    cell: str

    def path(self, suffix: str) -> Path:
        """``onnx``, ``pt`` (checkpoint), ``card.json``, ``keras.npz`` (Keras-layout weights)."""
        return self.folder / f"{self.cell}.{suffix}"

    def read_card(self) -> Card:
        card = self.path("card.json")
        return Card.from_dict(json.loads(card.read_text()), str(card))


@dataclass(frozen=True)
class Workload:
    """Scaled inputs: the test days' windows ``(days, window, 1)`` and the generation start.

    ``start`` ``(1, window, 1)`` is the last training window, as in the notebook;
    generation runs ``steps`` (by default the number of test days) from it.
    """

    windows: np.ndarray
    start: np.ndarray
    steps: int

    @classmethod
    def from_csv(cls, card: Card, csv: str | Path, steps: int | None = None) -> Workload:
        prices = read_csv(csv, card.encoder.columns)
        first = prices.before(np.datetime64(card.split))
        days = len(prices.dates) - first
        windows = card.encoder.one_step_windows(prices.values, first)[:days]
        # A copy: the encoder may hand back a read-only view for a single window.
        start = np.array(card.encoder.last_window(prices.values[:first]))
        return cls(windows, start, days if steps is None else steps)


def prepare(folder: Path, cell: str) -> tuple[ModelFiles, str]:
    """Write ``cell``'s ONNX file, checkpoint, card and Keras weights; say which weights.

    Every peer gets the trained weights of the shipped forecaster (``rnnlab.load(cell)``,
    seed 0 of the seed preset): fresh weights would let a GRU's generated path decay
    into subnormal floats, which are slow.
    """
    from rnnlab.runtime.shipped import shipped_path
    from rnnlab.training import checkpoint
    from rnnlab.training.export import from_onnx
    from rnnlab.training.presets import PRESETS

    files, shipped = ModelFiles(folder, cell), shipped_path(cell)
    model, card = from_onnx(shipped)
    shutil.copyfile(shipped, files.path("onnx"))
    checkpoint.save(files.path("pt"), model, card, PRESETS[f"seed-{cell}"].to_dict())
    files.path("card.json").write_text(json.dumps(card.to_dict()))
    np.savez(files.path("keras.npz"), *keras_weights(model))
    return files, f"{cell}: the trained weights of the shipped {shipped.name}"


def keras_weights(model) -> list[np.ndarray]:
    """The Forecaster's weights in the order and layout of ``keras.Model.set_weights``.

    LSTM: kernel ``W_ih.T``, recurrent kernel ``W_hh.T``, one bias ``b_ih + b_hh`` (gates
    i, f, g, o in both). GRU (``reset_after``): gates reordered from PyTorch's r, z, n to
    Keras' z, r, h, and both biases kept, ``(2, 3 * units)``. Dense: ``W.T``, ``b``.
    """
    out = []
    for layer in model.layers:
        w_ih, w_hh, b_ih, b_hh = (p.detach().numpy() for p in layer.parameters())
        if layer.mode == "GRU":
            order = np.arange(len(b_ih)).reshape(3, -1)[[1, 0, 2]].ravel()
            out += [w_ih[order].T, w_hh[order].T, np.stack([b_ih[order], b_hh[order]])]
        else:
            out += [w_ih.T, w_hh.T, b_ih + b_hh]
    out += [model.head.weight.detach().numpy().T, model.head.bias.detach().numpy()]
    return out


def forecast_text(card: Card, csv: str | Path, predict: Callable[[np.ndarray], np.ndarray]) -> str:
    """What ``rnnlab forecast`` prints (scores and the next weekday), through ``predict``."""
    prices = read_csv(csv, card.encoder.columns)
    first = prices.before(np.datetime64(card.split))
    target = prices.values[:, 0]
    scaled = predict(card.encoder.one_step_windows(prices.values, first))
    predicted = card.encoder.next_levels(scaled, target[first - 1:])
    scores = compare(target[first:], {"model": predicted[:-1]}, target[first - 1:-1],
                     target[first - 1])
    title = f"{Path(csv).name}: one-step {card.target}, {len(target) - first} days"
    return f"{format_table(scores, title)}\nnext weekday: {predicted[-1]:.2f}"


def rnnlab_calls(files: ModelFiles, work: Workload, threads: int | None = None) -> Calls:
    """rnnlab's scenarios, plus 100 sampled stateful paths (``sampled``) and the same batch
    as one plain ``session.run`` (``plain``). ``threads``: onnxruntime's intra-op threads
    (None: rnnlab's default; ``load`` opens sessions of several threads with spinning
    off)."""
    from rnnlab.runtime.forecaster import load

    model = load(files.path("onnx"), threads=threads)
    paths = np.repeat(work.start, SAMPLES, axis=0)
    noise = np.random.default_rng(0).normal(0, model.card.residual_sd, (work.steps, SAMPLES))
    noise = noise.astype(np.float32)
    feeds = {"x": paths, "state": model.zero_state(SAMPLES), "noise": noise,
             "steps": np.array(work.steps, dtype=np.int64), "stateful": np.array(True)}
    return {
        "batch": lambda: model.predict(work.windows),
        "single": lambda: model.predict(work.windows[:1]),
        "windowed": lambda: model.generate_scaled(work.start, work.steps, "windowed"),
        "stateful": lambda: model.generate_scaled(work.start, work.steps, "stateful"),
        "sampled": lambda: model.generate_scaled(paths, work.steps, "stateful", noise),
        "plain": lambda: model.session.run(None, feeds)[0],
    }


def torch_predictor(model) -> Callable[[np.ndarray], np.ndarray]:
    """``(batch, window, 1)`` numpy -> ``(batch,)`` numpy through ``model``, no autograd."""
    import torch

    def predict(windows: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return model(torch.from_numpy(windows)).numpy()

    return predict


def torch_stateful(model, start: np.ndarray, steps: int) -> np.ndarray:
    """Run ``start`` once from zero state, then feed each prediction back one step at a time,
    carrying every layer's state, as the ONNX graph's stateful loop does."""
    import torch

    out = np.empty((len(start), steps), dtype=np.float32)
    states: list = [None] * len(model.layers)
    with torch.inference_mode():
        x = torch.from_numpy(start)
        for step in range(steps):
            for i, layer in enumerate(model.layers):
                x, states[i] = layer(x, states[i])
            y = model.head(x[:, -1])
            out[:, step] = y[:, 0].numpy()
            x = y[:, None, :]
    return out


def torch_calls(files: ModelFiles, work: Workload) -> Calls:
    """PyTorch eager's scenarios on the checkpoint's model in eval mode."""
    from rnnlab.training import checkpoint

    model = checkpoint.load(files.path("pt"))[0]
    predict = torch_predictor(model)
    return {
        "batch": lambda: predict(work.windows),
        "single": lambda: predict(work.windows[:1]),
        "windowed": lambda: windowed_loop(predict, work.start, work.steps),
        "stateful": lambda: torch_stateful(model, work.start, work.steps),
    }


# The venvs.
REPO = Path(__file__).resolve().parents[1]
TORCH_PIN = "torch==2.13.0"
KERAS_PIN = "tensorflow-cpu==2.21.0"
INSTALLS = {"runtime": [[str(REPO)]], "training": [[TORCH_PIN], [f"{REPO}[train]"]]}
KERAS_INSTALL = [[KERAS_PIN]]
CACHE = Path(os.environ.get("RNNLAB_BENCH_CACHE", Path.home() / ".cache" / "rnnlab-bench"))


def build(folder: Path, installs: list[list[str]]) -> float:
    """Create a venv in ``folder``, run each pip install, return its size on disk in MiB."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True)
    for packages in installs:
        subprocess.run([str(folder / "bin" / "pip"), "install", "--quiet", *packages],
                       check=True, capture_output=True, text=True, timeout=1800)
    du = subprocess.run(["du", "-sk", str(folder)], check=True, capture_output=True, text=True)
    return int(du.stdout.split()[0]) / 1024


def cached_python(installs: list[list[str]], say=print) -> Path:
    """The Python of a cached venv with ``installs``, built first if it is missing."""
    key = hashlib.sha256(repr((sys.version_info[:2], installs)).encode()).hexdigest()[:10]
    folder = CACHE / f"venv-{key}"
    if not (folder / "complete").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        say(f"building {folder} ({installs}); minutes, once")
        build(folder, installs)
        (folder / "complete").write_text(repr(installs) + "\n")
    return folder / "bin" / "python"


def failure(error: Exception) -> str:
    """The last line a failed build printed, for a row's note."""
    lines = (getattr(error, "stderr", "") or str(error)).strip().splitlines()
    return (lines or [type(error).__name__])[-1][:200]



# The character model's training: rnnlab's train_chars on a head of tinyshakespeare.
TEXT = IBM_CSV.parent / "tinyshakespeare.txt"


@dataclass(frozen=True)
class CharTraining:
    """rnnlab's steady-epoch speed training the shipped character model's recipe, and the
    same batches (``x``, ``y``: ``(steps * batch, bptt)`` ids) for a peer to train on."""

    seconds_per_step: float
    chars_per_step: int
    vocab: int
    x: np.ndarray
    y: np.ndarray


def char_training(steps: int, precision: str) -> CharTraining:
    """Two epochs of ``steps`` steps of the ``shakespeare`` recipe (2 x LSTM(512), batch
    64 x 128 characters, AdamW, clipping) through ``train_chars``: the first warms up,
    the second is timed (its record's seconds exclude the validation scoring)."""
    from dataclasses import replace

    from rnnlab.language.chartrain import CHAR_PRESETS, streams, train_chars
    from rnnlab.runtime.text.corpus import Vocabulary, split

    recipe = replace(CHAR_PRESETS["shakespeare"], epochs=2, dev_fraction=0.0, patience=0)
    per_row = recipe.bptt * (steps + 1) + 2  # every epoch offset still leaves `steps` steps
    head = TEXT.read_text(encoding="utf-8")[:recipe.batch * per_row + 1]
    # the validation part (last 10%) repeats the head's end: every character is one the
    # vocabulary has, whatever `steps` is (only the speed counts here)
    text = head + head[-(len(head) // 9):]
    _, vocab, history = train_chars(text, recipe, seed=0, precision=precision, progress=False)
    timed = history[-1]["step"] - history[-2]["step"]
    train = split(text)[0]
    rows = streams(Vocabulary.of(train).encode(train), recipe.batch).numpy()
    x = np.concatenate([rows[:, k * recipe.bptt:(k + 1) * recipe.bptt] for k in range(steps)])
    y = np.concatenate([rows[:, k * recipe.bptt + 1:(k + 1) * recipe.bptt + 1]
                        for k in range(steps)])
    return CharTraining(history[-1]["seconds"] / timed, recipe.batch * recipe.bptt,
                        len(vocab), x, y)


def module_command(*args: str) -> list[str]:
    """``python -m benchmarks.peers ARGS`` with this interpreter."""
    return [sys.executable, "-m", "benchmarks.peers", *args]


def main(argv: list[str]) -> None:
    """``probe SIDE FOLDER CELL SCENARIO CSV THREADS``: run one scenario once (for its peak
    memory); ``torch-forecast MODEL.pt CSV THREADS``: the PyTorch cold-start script;
    ``keras-venv``: build the Keras venv (once) and print its Python."""
    if argv[0] == "keras-venv":
        print(cached_python(KERAS_INSTALL))
        return
    if argv[0] == "torch-forecast":
        import torch

        from rnnlab.training import checkpoint

        torch.set_num_threads(int(argv[3]))
        model, card, _ = checkpoint.load(argv[1])
        print(forecast_text(card, argv[2], torch_predictor(model)))
        return
    side, folder, cell, scenario, csv, threads = argv[1:]
    files = ModelFiles(Path(folder), cell)
    work = Workload.from_csv(files.read_card(), csv)
    if side == "rnnlab":
        calls = rnnlab_calls(files, work)
    else:
        import torch

        torch.set_num_threads(int(threads))
        calls = torch_calls(files, work)
    calls[scenario]()


if __name__ == "__main__":
    main(sys.argv[1:])
