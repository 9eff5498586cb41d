"""Write a character model as ONE self-describing ONNX file: prompt, sample, stream, score.

The graph, built node by node from the PyTorch weights on ONNX's own RNN/GRU/LSTM
operators (opset 17), has two uses in one: a prompt pass, then a ``Loop`` that samples.

    inputs   prompt       int64   (batch, P)            character ids, P >= 1
             state        float32 (rows, batch, units)  packed state before the prompt:
                                                        per layer h (LSTM: h then c);
                                                        zeros to start from nothing
             temperature  float32 ()                    > 0 (a scalar)
             top_k        int64   ()                    0 = off (optional: default 0)
             noise        float32 (batch, N)            uniforms in (0, 1), one per
                                                        generated character; N may be 0
    outputs  ids          int64   (batch, N)            the sampled characters
             probs        float32 (batch, N, vocab)     the distribution each was drawn from
             logits       float32 (batch, P, vocab)     position t: the next-character logits
                                                        after prompt[:, :t + 1]
             state_out    float32 (rows, batch, units)  the state after everything fed in

The prompt warms the state: one pass of the stack over all P characters from ``state``
gives ``logits`` and the state after the prompt. The ``Loop`` then runs N times; step n
takes the current logits ``z`` (first: the prompt's last position) and

    p = softmax(z / temperature)        over the characters whose z is at least the
                                        top_k-th largest (all of them when top_k is 0)
    id = #{ j : cumsum(p)_j <= u * sum(p) }   (inverse CDF: the first index whose
                                        cumulative probability exceeds u; u = noise[:, n])

then feeds ``id`` through the stack for the next logits. ``probs[:, n]`` is that ``p``.
Sampling with batch row b's noise ``noise[b, n] = uniforms(seed, B * N)[b * N + n]``
(:mod:`rnnlab.runtime.text.noise`) makes a seed's text the same in Python and in the browser.

**Streaming and scoring** are the same graph with N = 0 (``noise`` of shape (batch, 0)):
``logits`` scores every position of the prompt and ``state_out`` is the state after it,
to be passed as ``state`` with the next chunk. ``logits[:, t]`` predicts ``prompt[:, t+1]``,
and the last position predicts the next chunk's first character.

**Continuing a sample.** With N > 0, ``state_out`` is the state after the prompt and the
first N - 1 sampled characters: everything fed so far (the last sampled character is not
fed). Call again with ``prompt = ids[:, -1:]``, ``state = state_out`` and the next noise
to continue exactly as one longer call would have.

The vocabulary (``vocab``: id i is its i-th character), shape, training settings and
validation scores are in ``metadata_props`` (:class:`rnnlab.runtime.text.card.TextCard`):
one JSON value per key ``rnnlab.<field>``; ``rnnlab.kind`` is ``"text"``.

**From JavaScript (onnxruntime-web).** Feed ``prompt`` as a ``BigInt64Array`` tensor of dims
``[B, P]``, ``state`` as zeros of dims ``[rows, B, units]`` (``rows`` = layers, times 2 for
an LSTM; both from the metadata), ``temperature`` as a float32 tensor of dims ``[]``,
``top_k`` (optional) as an int64 tensor of dims ``[]``, and ``noise`` as
``uniform(seed, b * N + n)`` (the JavaScript in :mod:`rnnlab.runtime.text.noise`), dims
``[B, N]``. ``rnnlab generate MODEL --prompt P --chars N --temperature T --seed S`` is
exactly that call with B = 1 (``--samples B``: B rows of the same prompt).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch.nn import functional as F

from rnnlab.language.charnet import CharNet
from rnnlab.runtime.text.card import TextCard
from rnnlab.training.export import (
    GATE_ORDER,
    OPS,
    onnx_model,
    permute_gates,
    value_info,
)
from rnnlab.training.onnx_file import checked, save
from rnnlab.training.quantize import to_int8

OPSET = 17


def layer_weights(rnn: torch.nn.RNNBase, cell: str, index: int) -> list[np.ndarray]:
    """Layer ``index`` of a stacked PyTorch RNN as ONNX ``W (1, gates*H, in)``,
    ``R (1, gates*H, H)``, ``B (1, 2*gates*H)`` (gates reordered to ONNX's order)."""
    def gates(name: str) -> np.ndarray:
        value = getattr(rnn, f"{name}_l{index}").detach().float().cpu().numpy()
        return permute_gates(value, GATE_ORDER[cell], rnn.hidden_size)

    bias = np.concatenate([gates("bias_ih"), gates("bias_hh")])
    return [gates("weight_ih")[None], gates("weight_hh")[None], bias[None]]


class CharGraph:
    """The ONNX graph of a :class:`CharNet` (see the module docstring)."""

    def __init__(self, model: CharNet) -> None:
        self.shape = shape = model.shape
        self.per_layer = 2 if shape.cell == "lstm" else 1
        self.initializers: list[TensorProto] = []
        for i in range(shape.layers):
            for part, value in zip("WRB", layer_weights(model.rnn, shape.cell, i)):
                self.constant(f"{part}{i}", value)
        self.constant("embedding", model.embed.weight.detach().float().numpy())
        self.constant("head_Wt", model.head.weight.detach().float().numpy().T)
        self.constant("head_b", model.head.bias.detach().float().numpy())
        ints = {"axis0": [0], "axis1": [1], "last": [-1], "vocab": [shape.vocab],
                "vocab_1": shape.vocab - 1, "zero": 0, "one": 1, "state_sizes": [1] * self.pieces()}
        for name, value in ints.items():
            self.constant(name, np.array(value, dtype=np.int64))
        self.constant("true", np.array(True))
        self.constant("neg_inf", np.array(-np.inf, dtype=np.float32))

    def constant(self, name: str, value: np.ndarray) -> None:
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))

    def pieces(self) -> int:
        return self.shape.layers * self.per_layer

    def stack(self, nodes: list, seq: str, state: list[str], tag: str,
              one_step: bool) -> tuple[str, list[str]]:
        """Append the layers on ``seq (time, batch, in)`` from the pieces ``state``; return
        the top layer's output and the new pieces. One step: the output is ``Y_h``
        ``(1, batch, units)``; else the sequence ``(time, batch, units)``."""
        new = []
        for i in range(self.shape.layers):
            initial = state[i * self.per_layer:(i + 1) * self.per_layer]
            finals = [f"{tag}_h{i}", f"{tag}_c{i}"][: self.per_layer]
            extra = {"linear_before_reset": 1} if self.shape.cell == "gru" else {}
            y = "" if one_step else f"{tag}_Y{i}"
            nodes.append(helper.make_node(
                OPS[self.shape.cell], [seq, f"W{i}", f"R{i}", f"B{i}", "", *initial],
                [y, *finals], hidden_size=self.shape.units, **extra))
            new += finals
            if one_step:
                seq = finals[0]
            else:  # Y (time, 1, batch, units) -> (time, batch, units)
                seq = f"{tag}_x{i + 1}"
                nodes.append(helper.make_node("Squeeze", [y, "axis1"], [seq]))
        return seq, new

    def body(self) -> onnx.GraphProto:
        """One sampling step: draw from the carried logits, feed the draw, carry on."""
        pieces = [f"s_p{k}" for k in range(self.pieces())]
        nodes = [
            # u: this step's noise (batch, 1)
            helper.make_node("Gather", ["noise_t", "n"], ["u_row"], axis=0),
            helper.make_node("Unsqueeze", ["u_row", "axis1"], ["u"]),
            # z / temperature, the characters below the k-th largest set to -inf
            helper.make_node("Div", ["z", "temperature"], ["scaled"]),
            helper.make_node("TopK", ["scaled", "k"], ["top_values", "top_ids"], axis=1),
            helper.make_node("Gather", ["top_values", "last"], ["kth"], axis=1),
            helper.make_node("Less", ["scaled", "kth"], ["below"]),
            helper.make_node("Where", ["below", "neg_inf", "scaled"], ["kept"]),
            helper.make_node("Softmax", ["kept"], ["p"], axis=1),
            # id = #{j: cumsum(p)_j <= u * sum(p)}
            helper.make_node("CumSum", ["p", "one"], ["cdf"]),
            helper.make_node("Gather", ["cdf", "last"], ["total"], axis=1),
            helper.make_node("Mul", ["u", "total"], ["threshold"]),
            helper.make_node("LessOrEqual", ["cdf", "threshold"], ["passed"]),
            helper.make_node("Cast", ["passed"], ["passed_i"], to=TensorProto.INT64),
            helper.make_node("ReduceSum", ["passed_i", "axis1"], ["count"], keepdims=0),
            helper.make_node("Min", ["count", "vocab_1"], ["id"]),
            # feed the draw: (batch,) -> embedding (1, batch, embed) -> one cell step
            helper.make_node("Gather", ["embedding", "id"], ["e"], axis=0),
            helper.make_node("Unsqueeze", ["e", "axis0"], ["e_seq"]),
        ]
        top, new = self.stack(nodes, "e_seq", pieces, "s", one_step=True)
        nodes += [helper.make_node("MatMul", [top, "head_Wt"], ["z_wh"]),
                  helper.make_node("Add", ["z_wh", "head_b"], ["z_3d"]),
                  helper.make_node("Squeeze", ["z_3d", "axis0"], ["z_next"]),
                  helper.make_node("Identity", ["cond"], ["cond_out"])]
        before = [f"s_before{k}" for k in range(self.pieces())]
        nodes += [helper.make_node("Identity", [p], [b]) for p, b in zip(pieces, before)]
        prior = [f"s_prior{k}" for k in range(self.pieces())]
        return helper.make_graph(
            nodes, "sample_step",
            [value_info("n", TensorProto.INT64, []), value_info("cond", TensorProto.BOOL, []),
             value_info("z"), *map(value_info, pieces), *map(value_info, prior)],
            [value_info("cond_out", TensorProto.BOOL, []), value_info("z_next"),
             *map(value_info, new), *map(value_info, before),
             value_info("id", TensorProto.INT64), value_info("p")])

    def model(self) -> onnx.ModelProto:
        shape, count = self.shape, self.pieces()
        pieces = [f"state_p{k}" for k in range(count)]
        nodes = [helper.make_node("Split", ["state", "state_sizes"], pieces, axis=0),
                 helper.make_node("Transpose", ["prompt"], ["prompt_t"], perm=[1, 0]),
                 helper.make_node("Gather", ["embedding", "prompt_t"], ["x"], axis=0)]
        top, after = self.stack(nodes, "x", pieces, "prompt", one_step=False)
        nodes += [
            # logits (P, batch, vocab) -> (batch, P, vocab); the last position starts the Loop
            helper.make_node("MatMul", [top, "head_Wt"], ["z_all_wh"]),
            helper.make_node("Add", ["z_all_wh", "head_b"], ["z_all"]),
            helper.make_node("Transpose", ["z_all"], ["logits"], perm=[1, 0, 2]),
            helper.make_node("Gather", ["z_all", "last"], ["z_last3"], axis=0),
            helper.make_node("Squeeze", ["z_last3", "axis0"], ["z0"]),
            # k: top_k, or the whole vocabulary when top_k is 0 (or above it)
            helper.make_node("Reshape", ["top_k", "last"], ["top_k1"]),
            helper.make_node("Equal", ["top_k1", "zero"], ["k_off"]),
            helper.make_node("Min", ["top_k1", "vocab"], ["k_capped"]),
            helper.make_node("Where", ["k_off", "vocab", "k_capped"], ["k"]),
            helper.make_node("Transpose", ["noise"], ["noise_t"], perm=[1, 0]),
            helper.make_node("Shape", ["noise"], ["noise_shape"]),
            helper.make_node("Gather", ["noise_shape", "axis1"], ["steps1"], axis=0),
            helper.make_node("Squeeze", ["steps1", "axis0"], ["steps"]),
            helper.make_node("Loop", ["steps", "true", "z0", *after, *after],
                             ["z_final", *(f"final{k}" for k in range(count)),
                              *(f"before{k}" for k in range(count)), "ids_nb", "probs_nbv"],
                             body=self.body()),
            # (N, batch) and (N, batch, vocab), reshaped so that zero steps keep the rank
            helper.make_node("Shape", ["prompt"], ["prompt_shape"]),
            helper.make_node("Gather", ["prompt_shape", "axis0"], ["batch1"], axis=0),
            helper.make_node("Concat", ["steps1", "batch1"], ["nb"], axis=0),
            helper.make_node("Concat", ["nb", "vocab"], ["nbv"], axis=0),
            helper.make_node("Reshape", ["ids_nb", "nb"], ["ids_nb2"]),
            helper.make_node("Reshape", ["probs_nbv", "nbv"], ["probs_nbv2"]),
            helper.make_node("Transpose", ["ids_nb2"], ["ids"], perm=[1, 0]),
            helper.make_node("Transpose", ["probs_nbv2"], ["probs"], perm=[1, 0, 2]),
            helper.make_node("Concat", [f"before{k}" for k in range(count)], ["state_out"],
                             axis=0),
        ]
        state_shape = [count, "batch", shape.units]
        top_k_default = numpy_helper.from_array(np.array(0, dtype=np.int64), "top_k")
        graph = helper.make_graph(
            nodes, f"rnnlab_char_{shape.cell}",
            [value_info("prompt", TensorProto.INT64, ["batch", "P"]),
             value_info("state", TensorProto.FLOAT, state_shape),
             value_info("temperature", TensorProto.FLOAT, []),
             value_info("top_k", TensorProto.INT64, []),
             value_info("noise", TensorProto.FLOAT, ["batch", "N"])],
            [value_info("ids", TensorProto.INT64, ["batch", "N"]),
             value_info("probs", TensorProto.FLOAT, ["batch", "N", shape.vocab]),
             value_info("logits", TensorProto.FLOAT, ["batch", "P", shape.vocab]),
             value_info("state_out", TensorProto.FLOAT, state_shape)],
            initializer=[*self.initializers, top_k_default])
        return onnx_model(graph)


def to_onnx(model: CharNet, card: TextCard) -> onnx.ModelProto:
    """The checked ONNX model of ``model`` with ``card`` as its metadata."""
    return checked(CharGraph(model.cpu().eval()).model(), card)


def export(model: CharNet, card: TextCard, path: str | Path, int8: bool = False) -> int:
    """Write the ONNX file atomically as a single file; return its size in bytes.
    ``int8``: its weights quantized (:mod:`rnnlab.training.quantize`)."""
    proto = to_onnx(model, card)
    return save(to_int8(proto, card) if int8 else proto, path)


@torch.no_grad()
def sample_eager(model: CharNet, prompt: np.ndarray, noise: np.ndarray, temperature: float,
                 top_k: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The graph's sampling rule in PyTorch eager, one character at a time (the reference
    the exported file is tested and timed against).

    ``prompt (batch, P)`` int64 ids, ``noise (batch, N)`` uniforms ->
    ``(ids (batch, N) int64, probs (batch, N, vocab) float32)``.
    """
    model.eval()
    logits, state = model(torch.as_tensor(prompt))
    z = logits[:, -1].float()
    u = torch.as_tensor(noise, dtype=torch.float32)
    k = model.shape.vocab if top_k == 0 else min(top_k, model.shape.vocab)
    ids, probs = [], []
    for n in range(noise.shape[1]):
        scaled = z / temperature
        kth = torch.topk(scaled, k, dim=1).values[:, -1:]
        p = F.softmax(scaled.masked_fill(scaled < kth, -torch.inf), dim=1)
        cdf = torch.cumsum(p, dim=1)
        chosen = (cdf <= u[:, n:n + 1] * cdf[:, -1:]).sum(dim=1).clamp(max=model.shape.vocab - 1)
        ids.append(chosen)
        probs.append(p)
        logits, state = model(chosen[:, None], state)
        z = logits[:, -1].float()
    if not ids:
        return np.zeros((len(prompt), 0), np.int64), np.zeros((len(prompt), 0, model.shape.vocab),
                                                              np.float32)
    return torch.stack(ids, 1).numpy(), torch.stack(probs, 1).numpy()
