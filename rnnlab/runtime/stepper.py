"""Run an exported one-layer next-value model (rnnlab/training/scan_export.py: minGRU or GRU)
without torch: feed a history, then generate, the loop running inside the ONNX graph.

The file is checked before use: its metadata must name this format, a known cell and the
hidden size, and its graph must have exactly the inputs and outputs of the design.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

from rnnlab.runtime.errors import ArgumentError, RnnlabError

FORMAT = "next-value-1"
CELLS = ("mingru", "gru")


class Stepper:
    """An exported next-value model: ``generate(history, steps)`` -> ``(batch, steps)``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(self.path), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as error:  # noqa: BLE001 - onnxruntime raises several types
            raise RnnlabError(f"{self.path}: not a loadable ONNX model "
                              f"({str(error)[:120]})") from None
        props = self.session.get_modelmeta().custom_metadata_map
        if props.get("rnnlab.format") != FORMAT or props.get("rnnlab.cell") not in CELLS:
            raise RnnlabError(f"{self.path}: not an rnnlab next-value model (metadata "
                              f"rnnlab.format={props.get('rnnlab.format')!r}, rnnlab.cell="
                              f"{props.get('rnnlab.cell')!r}); export it with "
                              "rnnlab.training.scan_export")
        self.cell = props["rnnlab.cell"]
        hidden = props.get("rnnlab.hidden", "")
        if not hidden.isdigit() or int(hidden) < 1:
            raise RnnlabError(f"{self.path}: metadata rnnlab.hidden={hidden!r} is not a "
                              "positive integer; re-export the model")
        self.hidden = int(hidden)
        expected = {"x": [None, None, 1], "state": [1, None, self.hidden],
                    "noise": [None, None]}
        found = {i.name: [d if isinstance(d, int) else None for d in i.shape]
                 for i in self.session.get_inputs()}
        outputs = sorted(o.name for o in self.session.get_outputs())
        if found != expected or outputs != ["state_out", "y"]:
            raise RnnlabError(f"{self.path}: graph inputs {found} / outputs {outputs} are not "
                              f"those of a {self.cell} next-value model with hidden size "
                              f"{self.hidden}; re-export the model")

    def initial_state(self, batch: int) -> np.ndarray:
        """The state before any input, ``(1, batch, hidden)``: 0.5 for minGRU (its
        ``g(0)``; the state must stay > 0), zeros for GRU."""
        value = 0.5 if self.cell == "mingru" else 0.0
        return np.full((1, batch, self.hidden), value, dtype=np.float32)

    def generate(self, history: np.ndarray, steps: int, noise: np.ndarray | None = None,
                 state: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``history (batch, time)`` -> predictions ``(batch, steps)`` and the state after
        them ``(1, batch, hidden)``. ``noise (steps, batch)`` is added to each prediction
        before it is fed back (None: zeros)."""
        history = np.asarray(history, dtype=np.float32)
        if history.ndim != 2 or history.shape[1] < 1:
            raise ArgumentError("history", history.shape, "needs the shape (batch, time), "
                                "time >= 1")
        if steps < 1:
            raise ArgumentError("steps", steps, "must be at least 1")
        batch = history.shape[0]
        noise = np.zeros((steps, batch), np.float32) if noise is None else noise
        if np.shape(noise) != (steps, batch):
            raise ArgumentError("noise", np.shape(noise), f"needs the shape {(steps, batch)}")
        state = self.initial_state(batch) if state is None else state
        y, state_out = self.session.run(None, {
            "x": history[:, :, None], "state": np.asarray(state, np.float32),
            "noise": np.asarray(noise, np.float32)})
        return y, state_out
