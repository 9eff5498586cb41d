"""Write a trained model as one self-describing ONNX file.

The graph is built node by node from the PyTorch weights, using ONNX's own
RNN/LSTM/GRU operators, so onnxruntime runs its fused recurrent kernels.
One file, one graph, every use:

    inputs   x        float (batch, time, features)   scaled history
             state    float (state_rows, batch, units) packed h (and c) per layer
             steps    int64 ()                          values to produce, >= 1
             stateful bool  ()                          which loop to run
             noise    float (steps, batch)              added to step k's prediction
                                                        before it is fed back (zeros:
                                                        deterministic; samples: paths)
    outputs  y        float (batch, steps)             scaled predictions
             state_out float (state_rows, batch, units)

The first prediction always runs ``x`` through the stack from ``state`` (zeros
for a plain forecast): with ``steps=1`` that is all the graph does, so a one-step
forecast pays for no loop. For ``steps > 1`` an ``If`` on ``stateful`` picks one
of two ``Loop`` s for the remaining steps:

- windowed (``stateful=False``): slide the window (drop the oldest value, append
  the prediction) and re-run it from a zero state, exactly as the model was
  trained and as the notebook generates;
- stateful (``stateful=True``): one cell update per layer on the previous
  prediction, carrying the state. With ``x`` of one time step and ``steps=1``
  the graph is the streaming step ``(x_t, state) -> (y, state')``.

``state_out`` is the state after the first prediction's pass over ``x``, or, in
stateful mode, after the last step. Multivariate models cannot feed their
prediction back, so their graph has no loops and the runtime asks for ``steps=1``.

Everything else (window, scaler, history...) is in ``metadata_props``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from rnnlab.runtime.card import Card
from rnnlab.runtime.files import atomic_path
from rnnlab.training.model import Forecaster

OPSET = 17
OPS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
# PyTorch stores gates as LSTM (i, f, g, o) and GRU (r, z, n);
# ONNX wants (i, o, f, c) and (z, r, h).
GATE_ORDER = {"rnn": [0], "lstm": [0, 3, 1, 2], "gru": [1, 0, 2]}


def onnx_weights(layer: nn.RNNBase, cell: str) -> list[np.ndarray]:
    """``W (dirs, gates*H, in)``, ``R (dirs, gates*H, H)``, ``B (dirs, 2*gates*H)`` for ONNX."""
    order, suffixes = GATE_ORDER[cell], ["", "_reverse"][: 2 if layer.bidirectional else 1]

    def gates(name: str) -> np.ndarray:
        value = getattr(layer, name).detach().cpu().numpy()
        split = value.reshape(len(order), layer.hidden_size, *value.shape[1:])
        return split[order].reshape(value.shape)

    w = np.stack([gates(f"weight_ih_l0{s}") for s in suffixes])
    r = np.stack([gates(f"weight_hh_l0{s}") for s in suffixes])
    b = np.stack([np.concatenate([gates(f"bias_ih_l0{s}"), gates(f"bias_hh_l0{s}")])
                  for s in suffixes])
    return [w.astype(np.float32), r.astype(np.float32), b.astype(np.float32)]


class GraphBuilder:
    """Builds the graph: shared initializers in the main graph, subgraphs that use them."""

    def __init__(self, model: Forecaster) -> None:
        self.arch = model.arch
        self.initializers: dict[str, TensorProto] = {}
        for i, (layer, cell) in enumerate(zip(model.layers, self.arch.cells)):
            for part, value in zip("WRB", onnx_weights(layer, cell)):
                self.constant(f"{part}{i}", value)
        self.constant("head_W", model.head.weight.detach().cpu().numpy())
        self.constant("head_b", model.head.bias.detach().cpu().numpy())
        if model.skip is not None:
            self.constant("skip_W", model.skip.weight.detach().cpu().numpy().T)
            self.constant("skip_b", model.skip.bias.detach().cpu().numpy())
            self.constant("skip_from", np.array([-self.arch.skip], dtype=np.int64))
            self.constant("rows", np.array([0, -1], dtype=np.int64))
        ints = {"axis0": [0], "axis1": [1], "axis2": [2], "one": [1], "one_scalar": 1,
                "zero_scalar": 0,
                "huge": [2**62], "last": -1, "flatten": [0, 0, -1],
                # one h (and one c for LSTM) of `directions` rows per layer
                "state_sizes": [self.arch.directions] * (self.arch.state_rows()
                                                         // self.arch.directions)}
        for name, value in ints.items():
            self.constant(name, np.array(value, dtype=np.int64))

    def constant(self, name: str, value: np.ndarray) -> None:
        self.initializers[name] = numpy_helper.from_array(np.asarray(value), name)

    def stack(self, nodes: list, seq: str, state: str | None, tag: str) -> tuple[str, str]:
        """Append the recurrent layers and the head; return ``y (batch, 1)`` and the new state.

        ``seq`` is time-major ``(time, batch, features)``; ``state`` is the packed
        state, or None for zeros (the new state is then not needed and not built).
        """
        arch, dirs = self.arch, self.arch.directions
        per_layer = [2 if cell == "lstm" else 1 for cell in arch.cells]
        pieces = [f"{tag}_s{k}" for k in range(sum(per_layer))]
        if state is not None:
            nodes.append(helper.make_node("Split", [state, "state_sizes"], pieces, axis=0))
        new_states, last = [], []
        branch_input = seq
        for i, cell in enumerate(arch.cells):
            if i in {arch.branch(b)[0] for b in range(arch.branches)}:
                seq = branch_input  # every branch reads the input itself
            k = sum(per_layer[:i])
            initial = pieces[k:k + per_layer[i]] if state is not None else []
            finals = [f"{tag}_h{i}", f"{tag}_c{i}"][: per_layer[i]] if state is not None else []
            extra = {"linear_before_reset": 1} if cell == "gru" else {}
            nodes.append(helper.make_node(
                OPS[cell], [seq, f"W{i}", f"R{i}", f"B{i}", "", *initial],
                [f"{tag}_Y{i}", *finals], hidden_size=arch.units,
                direction="bidirectional" if arch.bidirectional else "forward", **extra))
            new_states += finals
            # Y (time, dirs, batch, H) -> (time, batch, dirs * H), the next layer's input.
            seq = f"{tag}_x{i + 1}"
            if dirs == 1:
                nodes.append(helper.make_node("Squeeze", [f"{tag}_Y{i}", "axis1"], [seq]))
            else:
                nodes.append(helper.make_node("Transpose", [f"{tag}_Y{i}"], [f"{seq}_t"],
                                              perm=[0, 2, 1, 3]))
                nodes.append(helper.make_node("Reshape", [f"{seq}_t", "flatten"], [seq]))
            if i == arch.branch(len(last))[-1]:  # the top of a branch: keep its last step
                last.append(f"{tag}_last{len(last)}")
                nodes.append(helper.make_node("Gather", [seq, "last"], [last[-1]], axis=0))
        # The branches' last outputs side by side, then the linear head: y = h_T W^T + b.
        nodes.append(helper.make_node("Concat", last, [f"{tag}_last"], axis=1) if len(last) > 1
                     else helper.make_node("Identity", last, [f"{tag}_last"]))
        nodes.append(helper.make_node("Gemm", [f"{tag}_last", "head_W", "head_b"], [f"{tag}_y"],
                                      transB=1))
        if new_states:
            nodes.append(helper.make_node("Concat", new_states, [f"{tag}_state"], axis=0))
        return f"{tag}_y", f"{tag}_state"

    @staticmethod
    def add_noise(nodes: list, y: str, step: str, out: str) -> None:
        """``out = y + noise[step]``: the sampled value of one step, ``(batch, 1)``."""
        nodes += [
            helper.make_node("Gather", ["noise", step], [f"{out}_eps"], axis=0),
            helper.make_node("Unsqueeze", [f"{out}_eps", "axis1"], [f"{out}_eps1"]),
            helper.make_node("Add", [y, f"{out}_eps1"], [out]),
        ]

    @staticmethod
    def slide(nodes: list, seq: str, y: str, out: str) -> None:
        """Drop the window's oldest step and append ``y (batch, 1)``; time-major."""
        nodes += [
            helper.make_node("Slice", [seq, "one", "huge", "axis0"], [f"{out}_older"]),
            helper.make_node("Unsqueeze", [y, "axis0"], [f"{out}_newest"]),
            helper.make_node("Concat", [f"{out}_older", f"{out}_newest"], [out], axis=0),
        ]

    def loop(self, stateful: bool) -> onnx.GraphProto:
        """A branch that produces steps 2..steps with a Loop, after the first prediction."""
        tag = "sf" if stateful else "wd"
        seq, st = f"{tag}_seq", f"{tag}_st"
        body: list = []
        raw_y, state = self.stack(body, seq, st if stateful else None, tag)
        # Iteration i of the Loop makes step i + 1 (step 0 is y1, before the Loop).
        body.append(helper.make_node("Add", [f"{tag}_i", "one_scalar"], [f"{tag}_step"]))
        y = f"{tag}_y_noisy"
        self.add_noise(body, raw_y, f"{tag}_step", y)
        if stateful:
            # The next input is the prediction itself: (batch, 1) -> (1, batch, 1).
            body.append(helper.make_node("Unsqueeze", [y, "axis0"], [f"{seq}_next"]))
            body.append(helper.make_node("Identity", [state], [f"{st}_next"]))
        else:
            self.slide(body, seq, y, f"{seq}_next")
        body.append(helper.make_node("Identity", [f"{tag}_cond"], [f"{tag}_cond_out"]))
        body.append(helper.make_node("Identity", [y], [f"{tag}_y_scan"]))
        carried = [seq, st] if stateful else [seq]
        body_graph = helper.make_graph(
            body, f"{tag}_body",
            [_value(f"{tag}_i", TensorProto.INT64, []), _value(f"{tag}_cond", TensorProto.BOOL, []),
             *map(_value, carried)],
            [_value(f"{tag}_cond_out", TensorProto.BOOL, []),
             *[_value(f"{n}_next") for n in carried], _value(f"{tag}_y_scan")])
        self.own_constants(body_graph, tag)

        nodes: list = []
        if stateful:
            nodes.append(helper.make_node("Unsqueeze", ["y1", "axis0"], [f"{tag}_start"]))
        else:  # windowed: the state stays what the first pass left
            self.slide(nodes, "x_tbf", "y1", f"{tag}_start")
            nodes.append(helper.make_node("Identity", ["state1"], [f"{tag}_state_out"]))
        nodes += [
            helper.make_node("Sub", ["steps", "one_scalar"], [f"{tag}_trips"]),
            helper.make_node(
                "Loop", [f"{tag}_trips", "", f"{tag}_start", *(["state1"] if stateful else [])],
                [f"{tag}_seq_final", *([f"{tag}_state_out"] if stateful else []), f"{tag}_ys"],
                body=body_graph),
            # ys (steps - 1, batch, 1) -> (batch, steps - 1), then y1 in front.
            helper.make_node("Squeeze", [f"{tag}_ys", "axis2"], [f"{tag}_ys2"]),
            helper.make_node("Transpose", [f"{tag}_ys2"], [f"{tag}_rest"], perm=[1, 0]),
            helper.make_node("Concat", ["y1", f"{tag}_rest"], [f"{tag}_y_out"], axis=1),
        ]
        return _branch(nodes, f"{tag}_branch", f"{tag}_y_out", f"{tag}_state_out")

    @staticmethod
    def add_skip(nodes: list, y: str) -> str:
        """``y + x[:, -skip:] (flattened) . skip_W + skip_b``, ``(batch, 1)``."""
        nodes += [
            helper.make_node("Slice", ["x", "skip_from", "huge", "axis1"], ["skip_x"]),
            helper.make_node("Reshape", ["skip_x", "rows"], ["skip_flat"]),
            helper.make_node("Gemm", ["skip_flat", "skip_W", "skip_b"], ["skip_y"]),
            helper.make_node("Add", [y, "skip_y"], ["y_skip"]),
        ]
        return "y_skip"

    def own_constants(self, body: onnx.GraphProto, tag: str) -> None:
        """Give a Loop body its own copy of every initializer (weights too) it reads.

        A Loop inside an If receives outer-scope values as implicit inputs, and
        onnxruntime copies them into the body on every iteration: all the weights,
        about 30 us a step here (measured: 251 windowed steps 40 ms with shared
        weights, 31 ms with the body's own). The copies cost file size instead.
        """
        used = sorted({name for node in body.node for name in node.input
                       if name in self.initializers})
        for node in body.node:
            node.input[:] = [f"{tag}.{name}" if name in used else name for name in node.input]
        for name in used:
            copy = TensorProto()
            copy.CopyFrom(self.initializers[name])
            copy.name = f"{tag}.{name}"
            body.initializer.append(copy)

    def model(self) -> onnx.ModelProto:
        arch = self.arch
        state_shape = [arch.state_rows(), "batch", arch.units]
        nodes = [helper.make_node("Transpose", ["x"], ["x_tbf"], perm=[1, 0, 2])]
        y1, state1 = self.stack(nodes, "x_tbf", "state", "first")
        if arch.skip:
            y1 = self.add_skip(nodes, y1)
        self.add_noise(nodes, y1, "zero_scalar", "y1")
        nodes.append(helper.make_node("Identity", [state1], ["state1"]))
        if arch.features == 1 and not arch.skip:
            loops = [helper.make_node("If", ["stateful"], ["loop_y", "loop_state"],
                                      then_branch=self.loop(stateful=True),
                                      else_branch=self.loop(stateful=False))]
            once = [helper.make_node("Identity", ["y1"], ["once_y"]),
                    helper.make_node("Identity", ["state1"], ["once_state"])]
            nodes += [
                helper.make_node("Greater", ["steps", "one_scalar"], ["more"]),
                helper.make_node("If", ["more"], ["y", "state_out"],
                                 then_branch=_branch(loops, "loops", "loop_y", "loop_state"),
                                 else_branch=_branch(once, "once", "once_y", "once_state")),
            ]
        else:
            nodes += [helper.make_node("Identity", ["y1"], ["y"]),
                      helper.make_node("Identity", ["state1"], ["state_out"])]
        graph = helper.make_graph(
            nodes, f"rnnlab_{arch.name}",
            [_value("x", TensorProto.FLOAT, ["batch", "time", arch.features]),
             _value("state", TensorProto.FLOAT, state_shape),
             _value("steps", TensorProto.INT64, []), _value("stateful", TensorProto.BOOL, []),
             _value("noise", TensorProto.FLOAT, ["steps", "batch"])],
            [_value("y", TensorProto.FLOAT, ["batch", "steps"]),
             _value("state_out", TensorProto.FLOAT, state_shape)],
            initializer=[t for name, t in self.initializers.items() if _uses(nodes, name)])
        model = helper.make_model(graph, producer_name="rnnlab",
                                  opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 8
        return model


def _value(name: str, dtype: int = TensorProto.FLOAT, shape: list | None = None):
    return helper.make_tensor_value_info(name, dtype, shape)


def _branch(nodes: list, name: str, y: str, state: str) -> onnx.GraphProto:
    """A subgraph with no inputs and the two outputs every branch must have."""
    return helper.make_graph(nodes, name, [], [_value(y), _value(state)])


def _uses(nodes, name: str) -> bool:
    """Whether any node, or any node of a subgraph, reads ``name``."""
    for node in nodes:
        if name in node.input:
            return True
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH and _uses(attr.g.node, name):
                return True
    return False


def to_onnx(model: Forecaster, card: Card) -> onnx.ModelProto:
    """The checked ONNX model of ``model``, with ``card`` as its metadata."""
    proto = GraphBuilder(model.cpu().eval()).model()
    helper.set_model_props(proto, card.to_props())
    onnx.checker.check_model(proto, full_check=True)
    return proto


def export(model: Forecaster, card: Card, path: str | Path) -> int:
    """Write the ONNX file atomically as a single file; return its size in bytes."""
    proto = to_onnx(model, card)
    with atomic_path(path) as temp:
        onnx.save_model(proto, temp, save_as_external_data=False)
    return Path(path).stat().st_size
