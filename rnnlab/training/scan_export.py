"""Export a one-layer minGRU (or, to compare, GRU) next-value model as one ONNX file whose
generation loop runs inside the graph, the design of rnnlab/training/export.py cut to the
stateful mode:

    inputs   x      float (batch, time, 1)     history, fed one step at a time
             state  float (1, batch, hidden)   h before the history (minGRU: > 0)
             noise  float (steps, batch)       added to step k's prediction before it is
                                               fed back (zeros: the deterministic path)
    outputs  y      float (batch, steps)       predictions, noise included
             state_out float (1, batch, hidden)  h after the history and every prediction

One ``Scan`` runs the cell over ``x`` (the loop of inference mode: no parallel scan, which
would need a log-cumulative-sum-exp that ONNX lacks); a second ``Scan`` over ``noise``
makes each generation step: predict ``y_k = head(h) + noise[k]``, then feed ``y_k`` to the
cell. (A Scan over zero steps fails in onnxruntime, hence no separate first prediction:
``state_out`` has read the last prediction too, ready for the next observation.) A minGRU step is a
MatMul, an Add and seven elementwise nodes; a GRU step is ONNX's ``GRU`` operator on one
time step. ``metadata_props`` say which cell and its size; rnnlab/runtime/stepper.py runs
the file without torch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from rnnlab.mingru import MinGRU
from rnnlab.runtime.files import atomic_path
from rnnlab.runtime.stepper import FORMAT
from rnnlab.training.export import OPSET, onnx_weights


class NextValue(nn.Module):
    """``x (time, batch, 1)`` -> next values ``(time, batch)``: a cell, then a linear head.
    Training runs ``forward`` (minGRU: the parallel scan); ``generate`` is the loop that the
    exported graph runs."""

    def __init__(self, cell: str, hidden: int) -> None:
        super().__init__()
        self.cell = cell
        self.recurrent = MinGRU(1, hidden) if cell == "mingru" else nn.GRU(1, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.recurrent(x)[0]).squeeze(-1)

    def step(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """One cell update: ``x (batch, 1)``, ``h (batch, hidden)`` -> the next h."""
        if self.cell == "mingru":
            return self.recurrent.step(x, h)
        return self.recurrent(x.unsqueeze(0), h.unsqueeze(0))[1][0]

    @torch.no_grad()
    def generate(self, history: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Read ``history (time, batch)``, then make ``len(noise)`` steps: predict
        ``y_k = head(h) + noise[k]`` and feed ``y_k`` back. Returns ``(batch, steps)``."""
        batch = history.shape[1]
        h = (self.recurrent.initial(batch, history) if self.cell == "mingru"
             else torch.zeros(batch, self.head.in_features))
        for x_t in history:
            h = self.step(x_t.unsqueeze(-1), h)
        ys = []
        for eps in noise:
            # y_k = w . h + b + noise_k, the next input
            y = self.head(h) + eps.unsqueeze(-1)
            h = self.step(y, h)
            ys.append(y.squeeze(-1))
        return torch.stack(ys, dim=1)


def _cell(cell: str, hidden: int, tag: str, x: str, h: str, out: str
          ) -> list[onnx.NodeProto]:
    """Nodes of one step: ``x (batch, 1)``, ``h (batch, hidden)`` -> ``out (batch, hidden)``."""
    def n(name: str) -> str:
        return f"{tag}_{name}"

    if cell == "gru":
        return [helper.make_node("Unsqueeze", [x, "axis0"], [n("x3")]),
                helper.make_node("Unsqueeze", [h, "axis0"], [n("h3")]),
                helper.make_node("GRU", [n("x3"), "gru_W", "gru_R", "gru_B", "", n("h3")],
                                 ["", n("h_new3")], hidden_size=hidden, linear_before_reset=1),
                helper.make_node("Squeeze", [n("h_new3"), "axis0"], [out])]
    return [
        # [k | c] = x W^T + b
        helper.make_node("MatMul", [x, "min_Wt"], [n("xw")]),
        helper.make_node("Add", [n("xw"), "min_b"], [n("kc")]),
        helper.make_node("Split", [n("kc"), "halves"], [n("k"), n("c")], axis=1),
        # z = sigmoid(k)
        helper.make_node("Sigmoid", [n("k")], [n("z")]),
        # g(c) = c + 0.5 if c >= 0 else sigmoid(c)
        helper.make_node("Add", [n("c"), "half"], [n("c_half")]),
        helper.make_node("Sigmoid", [n("c")], [n("c_sig")]),
        helper.make_node("GreaterOrEqual", [n("c"), "zero"], [n("c_pos")]),
        helper.make_node("Where", [n("c_pos"), n("c_half"), n("c_sig")], [n("g")]),
        # h_t = (1 - z) h_{t-1} + z g = h_{t-1} + z (g - h_{t-1})
        helper.make_node("Sub", [n("g"), h], [n("dg")]),
        helper.make_node("Mul", [n("z"), n("dg")], [n("zdg")]),
        helper.make_node("Add", [h, n("zdg")], [out]),
    ]


def _head(tag: str, h: str, eps: str, out: str) -> list[onnx.NodeProto]:
    """``out (batch, 1) = h . w + b + eps``."""
    return [helper.make_node("MatMul", [h, "head_Wt"], [f"{tag}_hw"]),
            helper.make_node("Add", [f"{tag}_hw", "head_b"], [f"{tag}_y0"]),
            helper.make_node("Add", [f"{tag}_y0", eps], [out])]


def _value(name: str, shape: list | None = None, dtype: int = TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


def _weights(model: NextValue) -> dict[str, np.ndarray]:
    hidden = model.head.in_features
    weights = {"head_Wt": model.head.weight.detach().numpy().T,
               "head_b": model.head.bias.detach().numpy(),
               "axis0": np.array([0]), "axis2": np.array([2])}
    if model.cell == "gru":
        weights.update(zip(["gru_W", "gru_R", "gru_B"], onnx_weights(model.recurrent, "gru"),
                           strict=True))
    else:
        linear = model.recurrent.linear
        weights.update(min_Wt=linear.weight.detach().numpy().T,
                       min_b=linear.bias.detach().numpy(), halves=np.array([hidden, hidden]),
                       half=np.array(0.5), zero=np.array(0.0))
    return {name: value.astype(np.float32) if value.dtype.kind == "f" else value
            for name, value in weights.items()}


def to_onnx(model: NextValue) -> onnx.ModelProto:
    """The graph of ``model``, weights included."""
    cell, hidden = model.cell, model.head.in_features
    # Every subgraph value has its shape: older onnxruntimes (1.17) refuse a Scan body
    # output without one.
    state, value = ["batch", hidden], ["batch", 1]
    prefix = helper.make_graph(
        _cell(cell, hidden, "p", "p_x", "p_h", "p_h_new")
        + [helper.make_node("Identity", ["p_h_new"], ["p_h_out"])],
        "history_step", [_value("p_h", state), _value("p_x", value)],
        [_value("p_h_out", state)])
    generate = helper.make_graph(
        _head("g", "g_h", "g_eps", "g_y") + _cell(cell, hidden, "g", "g_y", "g_h", "g_h_new")
        + [helper.make_node("Identity", ["g_y"], ["g_y_out"])],
        "generation_step", [_value("g_h", state), _value("g_eps", value)],
        [_value("g_h_new", state), _value("g_y_out", value)])
    nodes = [
        helper.make_node("Transpose", ["x"], ["x_tb"], perm=[1, 0, 2]),
        helper.make_node("Squeeze", ["state", "axis0"], ["h0"]),
        helper.make_node("Scan", ["h0", "x_tb"], ["h_last"], body=prefix,
                         num_scan_inputs=1),
        # noise (steps, batch) -> (steps, batch, 1), one slice per generation step
        helper.make_node("Unsqueeze", ["noise", "axis2"], ["eps"]),
        helper.make_node("Scan", ["h_last", "eps"], ["h_end", "ys"], body=generate,
                         num_scan_inputs=1),
        # ys (steps, batch, 1) -> (batch, steps)
        helper.make_node("Squeeze", ["ys", "axis2"], ["ys2"]),
        helper.make_node("Transpose", ["ys2"], ["y"], perm=[1, 0]),
        helper.make_node("Unsqueeze", ["h_end", "axis0"], ["state_out"]),
    ]
    initializers = [numpy_helper.from_array(value, name)
                    for name, value in _weights(model).items()]
    graph = helper.make_graph(
        nodes, f"rnnlab_{cell}_next_value",
        [_value("x", ["batch", "time", 1]), _value("state", [1, "batch", hidden]),
         _value("noise", ["steps", "batch"])],
        [_value("y", ["batch", "steps"]), _value("state_out", [1, "batch", hidden])],
        initializers)
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    helper.set_model_props(onnx_model, {"rnnlab.format": FORMAT, "rnnlab.cell": cell,
                                        "rnnlab.hidden": str(hidden)})
    onnx.checker.check_model(onnx_model, full_check=True)
    return onnx_model


def export(model: NextValue, path: str | Path) -> int:
    """Write ``model`` to ``path`` (atomically); returns the file's size in bytes."""
    data = to_onnx(model).SerializeToString()
    with atomic_path(Path(path)) as temporary:
        temporary.write_bytes(data)
    return len(data)
