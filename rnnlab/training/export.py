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
of two ``Scan`` s over the noise of the remaining steps:

- windowed (``stateful=False``): slide the window (drop the oldest value, append
  the prediction) and re-run it from a zero state, exactly as the model was
  trained and as the notebook generates;
- stateful (``stateful=True``): one cell update per layer on the previous
  prediction, carrying the state. With ``x`` of one time step and ``steps=1``
  the graph is the streaming step ``(x_t, state) -> (y, state')``.

A step of either Scan is only the recurrent operators, one MatMul and one Add (plus
the slide when windowed): each one-way layer's final ``Y_h`` is the next layer's
input, and the noise plus the head's bias is made once, before the Scan. A stateful
step does almost no arithmetic, so what it costs is the nodes it launches, each
recurrent operator far more than a small node (``benchmarks/steps.md``).

``state_out`` is the state after the first prediction's pass over ``x``, or, in
stateful mode, after the last step. Multivariate models cannot feed their
prediction back, so their graph has no loops and the runtime asks for ``steps=1``.

Everything else (window, scaler, history...) is in ``metadata_props``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from rnnlab.runtime.card import Card
from rnnlab.runtime.errors import RnnlabError, printable
from rnnlab.runtime.text.card import TextCard
from rnnlab.training.network import Forecaster
from rnnlab.training.onnx_file import checked, save
from rnnlab.training.quantize import export_int8, to_int8

OPSET = 17
OPS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
# PyTorch stores gates as LSTM (i, f, g, o) and GRU (r, z, n);
# ONNX wants (i, o, f, c) and (z, r, h).
GATE_ORDER = {"rnn": [0], "lstm": [0, 3, 1, 2], "gru": [1, 0, 2]}


def permute_gates(value: np.ndarray, order: list[int] | np.ndarray, hidden: int) -> np.ndarray:
    """Reorder the gate blocks (``hidden`` rows each) along the first axis."""
    split = value.reshape(len(order), hidden, *value.shape[1:])
    return split[order].reshape(value.shape)


def onnx_weights(layer: nn.RNNBase, cell: str) -> list[np.ndarray]:
    """``W (dirs, gates*H, in)``, ``R (dirs, gates*H, H)``, ``B (dirs, 2*gates*H)`` for ONNX."""
    order, suffixes = GATE_ORDER[cell], ["", "_reverse"][: 2 if layer.bidirectional else 1]

    def gates(name: str) -> np.ndarray:
        value = getattr(layer, name).detach().cpu().numpy()
        return permute_gates(value, order, layer.hidden_size)

    w = np.stack([gates(f"weight_ih_l0{s}") for s in suffixes])
    r = np.stack([gates(f"weight_hh_l0{s}") for s in suffixes])
    b = np.stack([np.concatenate([gates(f"bias_ih_l0{s}"), gates(f"bias_hh_l0{s}")])
                  for s in suffixes])
    return [w.astype(np.float32), r.astype(np.float32), b.astype(np.float32)]


def from_onnx(path: str | Path) -> tuple[Forecaster, Card]:
    """The model and card an rnnlab ONNX file holds, to export again with this version's graph.

    A file from an older rnnlab loads and runs as it is; exporting what this returns gives
    it the current graph (faster generation) with the same weights and the same card.
    """
    from rnnlab.runtime.forecaster import load

    card = load(path).card  # checks the file, its card, and its graph's inputs
    if not isinstance(card, Card) or card.weights != "float32":
        raise RnnlabError(f"{path}: not a float32 forecaster's file; give the .onnx file "
                          "`rnnlab export` wrote without --int8")
    arch = card.architecture
    stored = {t.name: numpy_helper.to_array(t)
              for t in onnx.load(str(path), load_external_data=False).graph.initializer}
    try:
        head = stored["head_Wt"].T if "head_Wt" in stored else stored["head_W"]
        weights = {"head.weight": head, "head.bias": stored["head_b"]}
        if arch.skip:
            weights.update({"skip.weight": stored["skip_W"].T, "skip.bias": stored["skip_b"]})
        for i, cell in enumerate(arch.cells):
            back = np.argsort(GATE_ORDER[cell])  # ONNX's gate order back to PyTorch's
            w, r, b = (stored[f"{part}{i}"] for part in "WRB")
            for d, suffix in enumerate(["", "_reverse"][: arch.directions]):
                half = b.shape[1] // 2
                for name, value in (("weight_ih", w[d]), ("weight_hh", r[d]),
                                    ("bias_ih", b[d, :half]), ("bias_hh", b[d, half:])):
                    weights[f"layers.{i}.{name}_l0{suffix}"] = permute_gates(value, back,
                                                                             arch.units)
        model = Forecaster(arch)
        model.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32))
                               for k, v in weights.items()})
    except (KeyError, IndexError, ValueError, RuntimeError) as error:
        raise RnnlabError(f"{path}: its weights do not match its card's architecture "
                          f"({printable(str(error).splitlines()[0], 120)}); "
                          "export the model again from its checkpoint") from None
    return model.eval(), card


class GraphBuilder:
    """Builds the graph: shared initializers in the main graph, subgraphs that use them."""

    def __init__(self, model: Forecaster) -> None:
        self.arch = model.arch
        self.initializers: dict[str, TensorProto] = {}
        for i, (layer, cell) in enumerate(zip(model.layers, self.arch.cells)):
            for part, value in zip("WRB", onnx_weights(layer, cell)):
                self.constant(f"{part}{i}", value)
        # The head as a MatMul on (1, batch, width) tops: W^T (width * branches, 1).
        self.constant("head_Wt", model.head.weight.detach().cpu().numpy().T)
        self.constant("head_b", model.head.bias.detach().cpu().numpy())
        if model.skip is not None:
            self.constant("skip_W", model.skip.weight.detach().cpu().numpy().T)
            self.constant("skip_b", model.skip.bias.detach().cpu().numpy())
            self.constant("skip_from", np.array([-self.arch.skip], dtype=np.int64))
            self.constant("rows", np.array([0, -1], dtype=np.int64))
        ints = {"axis0": [0], "axis1": [1], "one": [1], "one_scalar": 1, "zero_scalar": 0,
                "huge": [2**62], "last": [-1], "flatten": [0, 0, -1], "axes13": [1, 3],
                # one h (and one c for LSTM) of `directions` rows per layer
                "state_sizes": [self.arch.directions] * self.pieces()}
        for name, value in ints.items():
            self.constant(name, np.array(value, dtype=np.int64))

    def constant(self, name: str, value: np.ndarray) -> None:
        self.initializers[name] = numpy_helper.from_array(np.asarray(value), name)

    def pieces(self) -> int:
        """How many state tensors the stack carries: h per layer, and c per LSTM layer."""
        return sum(2 if cell == "lstm" else 1 for cell in self.arch.cells)

    def layers(self, nodes: list, seq: str, state: list[str] | None, tag: str,
               keep_state: bool, one_step: bool = False) -> tuple[str, list[str]]:
        """Append the recurrent layers; return their top ``(1, batch, branches * width)``.

        ``seq`` is time-major ``(time, batch, features)``; ``state`` the per-layer state
        pieces (h, and c for LSTM, each ``(directions, batch, units)``) or None for
        zeros. With ``keep_state`` the second value lists the new pieces, else it is [].
        A one-way layer's final ``Y_h`` ``(1, batch, units)`` is its last output, so the
        top layer of a branch writes no sequence; with ``one_step`` (``seq`` of one time
        step) ``Y_h`` is also the next layer's input and no layer writes a sequence.
        """
        arch, dirs = self.arch, self.arch.directions
        bottoms = {arch.branch(b)[0] for b in range(arch.branches)}
        tops = {arch.branch(b)[-1] for b in range(arch.branches)}
        per_layer = [2 if cell == "lstm" else 1 for cell in arch.cells]
        new_states, last, branch_input = [], [], seq
        for i, cell in enumerate(arch.cells):
            if i in bottoms:
                seq = branch_input  # every branch reads the input itself
            k = sum(per_layer[:i])
            initial = state[k:k + per_layer[i]] if state is not None else []
            finals = [f"{tag}_h{i}", f"{tag}_c{i}"][: per_layer[i]]
            direct = dirs == 1 and (one_step or i in tops)  # Y_h is all that is needed
            wanted = finals if keep_state else finals[:1] if direct else []
            extra = {"linear_before_reset": 1} if cell == "gru" else {}
            nodes.append(helper.make_node(
                OPS[cell], [seq, f"W{i}", f"R{i}", f"B{i}", "", *initial],
                ["" if direct else f"{tag}_Y{i}", *wanted], hidden_size=arch.units,
                direction="bidirectional" if arch.bidirectional else "forward", **extra))
            new_states += wanted if keep_state else []
            if direct:
                seq = finals[0]
                if i in tops:
                    last.append(seq)
                continue
            # Y (time, dirs, batch, H) -> (time, batch, dirs * H), the next layer's input.
            seq = f"{tag}_x{i + 1}"
            if dirs == 1:
                nodes.append(helper.make_node("Squeeze", [f"{tag}_Y{i}", "axis1"], [seq]))
            else:
                nodes.append(helper.make_node("Transpose", [f"{tag}_Y{i}"], [f"{seq}_t"],
                                              perm=[0, 2, 1, 3]))
                nodes.append(helper.make_node("Reshape", [f"{seq}_t", "flatten"], [seq]))
            if i in tops:  # the last time step, kept as (1, batch, dirs * H)
                last.append(f"{tag}_last{len(last)}")
                nodes.append(helper.make_node("Gather", [seq, "last"], [last[-1]], axis=0))
        if len(last) > 1:  # the branches' last outputs side by side
            nodes.append(helper.make_node("Concat", last, [f"{tag}_top"], axis=2))
            return f"{tag}_top", new_states
        return last[0], new_states

    def head(self, nodes: list, top: str, bias: str, out: str) -> None:
        """The linear head: ``out = top . W^T + bias``, ``(1, batch, 1)``."""
        nodes += [helper.make_node("MatMul", [top, "head_Wt"], [f"{out}_Wh"]),
                  helper.make_node("Add", [f"{out}_Wh", bias], [out])]

    def scan(self, stateful: bool) -> onnx.GraphProto:
        """A branch that makes steps 2..steps with a Scan over the noise of those steps.

        Each iteration reads ``eps (1, batch, 1)``, the step's noise plus the head's
        bias, made before the Scan so that a step is only the layers, one MatMul and
        one Add. Stateful: one cell update per layer on the previous prediction,
        carrying the state pieces. Windowed: re-run the slid window from zeros.
        """
        tag = "sf" if stateful else "wd"
        seq, eps = f"{tag}_seq", f"{tag}_eps"
        pieces = [f"{tag}_p{k}" for k in range(self.pieces())] if stateful else []
        body: list = []
        top, new_states = self.layers(body, seq, pieces or None, tag, keep_state=stateful,
                                      one_step=stateful)
        y = f"{tag}_y"
        self.head(body, top, eps, y)
        if stateful:  # the prediction is the next input, (1, batch, 1)
            body.append(helper.make_node("Identity", [y], [f"{seq}_next"]))
            carried_out = [f"{seq}_next", *new_states]
        else:  # drop the window's oldest step and append the prediction
            body += [helper.make_node("Slice", [seq, "one", "huge", "axis0"], [f"{tag}_older"]),
                     helper.make_node("Concat", [f"{tag}_older", y], [f"{seq}_next"], axis=0)]
            carried_out = [f"{seq}_next"]
        body_graph = helper.make_graph(
            body, f"{tag}_body", [value_info(seq), *map(value_info, pieces), value_info(eps)],
            [*map(value_info, carried_out), value_info(y)])
        self.own_constants(body_graph, tag)

        carried_in = [f"{tag}_start", *(f"sf_in{k}" for k in range(len(pieces)))]
        nodes = [helper.make_node("Unsqueeze", ["y1", "axis0"], ["y1_3d"])]
        if stateful:
            nodes += [helper.make_node("Identity", ["y1_3d"], [f"{tag}_start"]),
                      helper.make_node("Split", ["state1", "state_sizes"], carried_in[1:],
                                       axis=0)]
        else:  # the first pass's window, slid; the state stays what that pass left
            nodes += [helper.make_node("Slice", ["x_tbf", "one", "huge", "axis0"], ["wd_old"]),
                      helper.make_node("Concat", ["wd_old", "y1_3d"], [f"{tag}_start"], axis=0),
                      helper.make_node("Identity", ["state1"], [f"{tag}_state_out"])]
        finals = [f"{tag}_final{k}" for k in range(len(pieces))]
        nodes += [
            helper.make_node("Scan", [*carried_in, "eps_rest"],
                             [f"{tag}_seq_final", *finals, f"{tag}_ys"],
                             body=body_graph, num_scan_inputs=1),
            # ys (steps - 1, 1, batch, 1) -> (batch, steps - 1), then y1 in front.
            helper.make_node("Squeeze", [f"{tag}_ys", "axes13"], [f"{tag}_ys2"]),
            helper.make_node("Transpose", [f"{tag}_ys2"], [f"{tag}_rest"], perm=[1, 0]),
            helper.make_node("Concat", ["y1", f"{tag}_rest"], [f"{tag}_y_out"], axis=1),
        ]
        if stateful:
            nodes.append(helper.make_node("Concat", finals, [f"{tag}_state_out"], axis=0))
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
        """Give a Scan body its own copy of every initializer (weights too) it reads.

        A Scan inside an If receives outer-scope values as implicit inputs, and
        onnxruntime copies them into the body on every iteration: all the weights,
        every step (measured on the earlier Loop graph: 251 windowed steps 40 ms with
        shared weights, 31 ms with the body's own). The copies cost file size instead.
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
        pieces = [f"state_p{k}" for k in range(self.pieces())]
        nodes = [helper.make_node("Transpose", ["x"], ["x_tbf"], perm=[1, 0, 2]),
                 helper.make_node("Split", ["state", "state_sizes"], pieces, axis=0)]
        top, state1 = self.layers(nodes, "x_tbf", pieces, "first", keep_state=True)
        self.head(nodes, top, "head_b", "y1_head")
        y1 = "y1_plain"  # (1, batch, 1) -> (batch, 1)
        nodes.append(helper.make_node("Squeeze", ["y1_head", "axis0"], [y1]))
        if arch.skip:
            y1 = self.add_skip(nodes, y1)
        nodes += [helper.make_node("Gather", ["noise", "zero_scalar"], ["eps0"], axis=0),
                  helper.make_node("Unsqueeze", ["eps0", "axis1"], ["eps0_col"]),
                  helper.make_node("Add", [y1, "eps0_col"], ["y1"]),
                  helper.make_node("Concat", state1, ["state1"], axis=0)]
        if arch.features == 1 and not arch.skip:
            # The noise of steps 2.., plus the head's bias: (steps - 1, 1, batch, 1).
            prepare = [
                helper.make_node("Slice", ["noise", "one", "huge", "axis0"], ["noise_rest"]),
                helper.make_node("Unsqueeze", ["noise_rest", "axes13"], ["noise_rest4"]),
                helper.make_node("Add", ["noise_rest4", "head_b"], ["eps_rest"]),
            ]
            windowed = self.scan(stateful=False)
            if arch.bidirectional:  # it reads windows backwards too, so it never streams
                loops = [*windowed.node,
                         helper.make_node("Identity", ["wd_y_out"], ["loop_y"]),
                         helper.make_node("Identity", ["wd_state_out"], ["loop_state"])]
            else:
                loops = [helper.make_node("If", ["stateful"], ["loop_y", "loop_state"],
                                          then_branch=self.scan(stateful=True),
                                          else_branch=windowed)]
            once = [helper.make_node("Identity", ["y1"], ["once_y"]),
                    helper.make_node("Identity", ["state1"], ["once_state"])]
            nodes += [
                helper.make_node("Greater", ["steps", "one_scalar"], ["more"]),
                helper.make_node("If", ["more"], ["y", "state_out"],
                                 then_branch=_branch(prepare + loops, "loops", "loop_y",
                                                     "loop_state"),
                                 else_branch=_branch(once, "once", "once_y", "once_state")),
            ]
        else:
            nodes += [helper.make_node("Identity", ["y1"], ["y"]),
                      helper.make_node("Identity", ["state1"], ["state_out"])]
        graph = helper.make_graph(
            nodes, f"rnnlab_{arch.name}",
            [value_info("x", TensorProto.FLOAT, ["batch", "time", arch.features]),
             value_info("state", TensorProto.FLOAT, state_shape),
             value_info("steps", TensorProto.INT64, []),
             value_info("stateful", TensorProto.BOOL, []),
             value_info("noise", TensorProto.FLOAT, ["steps", "batch"])],
            [value_info("y", TensorProto.FLOAT, ["batch", "steps"]),
             value_info("state_out", TensorProto.FLOAT, state_shape)],
            initializer=[t for name, t in self.initializers.items() if _uses(nodes, name)])
        return onnx_model(graph)


def onnx_model(graph: onnx.GraphProto) -> onnx.ModelProto:
    """``graph`` as an rnnlab model: our opset, IR version 8 (what onnxruntime-web reads)."""
    model = helper.make_model(graph, producer_name="rnnlab",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    return model


def value_info(name: str, dtype: int = TensorProto.FLOAT, shape: list | None = None):
    """A graph input or output: name, element type and shape (names for dynamic axes)."""
    return helper.make_tensor_value_info(name, dtype, shape)


def _branch(nodes: list, name: str, y: str, state: str) -> onnx.GraphProto:
    """A subgraph with no inputs and the two outputs every branch must have."""
    return helper.make_graph(nodes, name, [], [value_info(y), value_info(state)])


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
    return checked(GraphBuilder(model.cpu().eval()).model(), card)


def export(model: Forecaster, card: Card, path: str | Path, int8: bool = False) -> int:
    """Write the ONNX file atomically as a single file; return its size in bytes.
    ``int8``: its weights quantized (:mod:`rnnlab.training.quantize`)."""
    proto = to_onnx(model, card)
    return save(to_int8(proto, card) if int8 else proto, path)


def export_file(source: str | Path, output: str | Path, int8: bool) -> tuple[int, Card | TextCard]:
    """Write an rnnlab .onnx file again; return the size in bytes and its card.

    A forecaster gets this version's graph (``int8``: quantized), from its weights and card
    (:func:`from_onnx`). A text model keeps its graph, so its file
    is written again only as int8.
    """
    from rnnlab.runtime.forecaster import load

    card = load(source).card  # the file, its card and its graph's inputs, checked
    if not isinstance(card, TextCard):
        model, card = from_onnx(source)
        return export(model, card, output, int8=int8), card
    if not int8:
        raise RnnlabError(f"{source}: a text model's file is written again only with --int8; "
                          "export its checkpoint for this version's graph")
    return export_int8(onnx.load(str(source)), card, output), replace(card, weights="int8")
