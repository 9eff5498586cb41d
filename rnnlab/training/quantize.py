"""int8 files: onnxruntime's dynamic quantization of an exported rnnlab graph.

Dynamic quantization stores each weight matrix ``W`` as 8-bit integers plus one float
scale (per LSTM direction, per matrix for a MatMul), and quantizes the activations
``x`` on the fly, call by call, from their own range:

    scale = (max(x) - min(x)) / 255,   zero_point = round(-min(x) / scale)
    x_q = clip(round(x / scale) + zero_point, 0, 255)    (uint8; weights: int8,
                                                          symmetric, zero point 0)

so that ``x W`` becomes one integer matrix product and one float rescale. What turns
into what (``onnxruntime.quantization.quantize_dynamic``, integer-ops mode):

- ``LSTM`` -> ``DynamicQuantizeLSTM`` (com.microsoft), its input and recurrent weights int8;
- ``MatMul`` with a constant right side (the heads) -> ``DynamicQuantizeLinear`` +
  ``MatMulInteger``;
- ``GRU`` and ``RNN``: onnxruntime has no quantized operator, so they stay float32;
- the bodies of ``Scan`` and ``Loop`` (generation, sampling) are quantized too.

Everything else (the embedding's ``Gather``, a skip's ``Gemm``, the sampling arithmetic)
stays float32. The file keeps its card, with ``weights = "int8"``.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper

from rnnlab.runtime.errors import RnnlabError
from rnnlab.training.onnx_file import checked, save

QUANTIZED = {"LSTM": "DynamicQuantizeLSTM", "MatMul": "MatMulInteger"}
FLOAT_RECURRENT = ("GRU", "RNN")  # no quantized operator in onnxruntime
WEIGHT_INPUTS = {"LSTM": (1, 2), "MatMul": (1,)}  # the inputs quantize_dynamic rewrites
LOCAL = "int8_local."  # prefix of a subgraph's own copy of an outer weight


def subgraphs(graph: onnx.GraphProto) -> Iterator[onnx.GraphProto]:
    """Every graph attribute of ``graph``'s nodes (If branches, Scan/Loop bodies), nested."""
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield attr.g
                yield from subgraphs(attr.g)


def op_counts(proto: onnx.ModelProto) -> Counter:
    """How many nodes of each type the model holds, subgraphs included."""
    graphs = [proto.graph, *subgraphs(proto.graph)]
    return Counter(node.op_type for graph in graphs for node in graph.node)


def localize(graph: onnx.GraphProto, outer: dict[str, onnx.TensorProto]) -> None:
    """Give every subgraph its own copy (``LOCAL`` + name) of each outer-scope weight its
    LSTMs and MatMuls read: ``quantize_dynamic`` only quantizes a subgraph's own
    initializers (the character model's sampling ``Loop`` reads the outer ones)."""
    for node in graph.node:
        for attr in node.attribute:
            if attr.type != onnx.AttributeProto.GRAPH:
                continue
            body, copies = attr.g, {}
            own = {t.name for t in body.initializer}
            for inner in body.node:
                for k in WEIGHT_INPUTS.get(inner.op_type, ()):
                    name = inner.input[k] if k < len(inner.input) else ""
                    if name in outer and name not in own:
                        copies[name] = LOCAL + name
                        inner.input[k] = LOCAL + name
            for name, local in copies.items():
                copy = onnx.TensorProto()
                copy.CopyFrom(outer[name])
                copy.name = local
                body.initializer.append(copy)
            localize(body, {**outer, **{t.name: t for t in body.initializer}})


def unlocalize(graph: onnx.GraphProto, outer: dict[str, onnx.TensorProto]) -> None:
    """Drop each ``LOCAL`` copy whose quantized tensor equals the outer one of the same
    name, reading the outer one instead: the file carries each int8 weight once."""
    for body in (a.g for n in graph.node for a in n.attribute
                 if a.type == onnx.AttributeProto.GRAPH):
        same = {}
        for tensor in list(body.initializer):
            name = tensor.name.removeprefix(LOCAL)
            if name != tensor.name and name in outer and _equal(tensor, outer[name]):
                same[tensor.name] = name
                body.initializer.remove(tensor)
        for inner in body.node:
            inner.input[:] = [same.get(name, name) for name in inner.input]
        unlocalize(body, {**outer, **{t.name: t for t in body.initializer}})


def _equal(a: onnx.TensorProto, b: onnx.TensorProto) -> bool:
    x, y = numpy_helper.to_array(a), numpy_helper.to_array(b)
    return x.dtype == y.dtype and x.shape == y.shape and bool(np.array_equal(x, y))


def quantize(proto: onnx.ModelProto) -> onnx.ModelProto:
    """The int8 graph of a float32 rnnlab ``proto`` (metadata kept as it is)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    work = onnx.ModelProto()
    work.CopyFrom(proto)
    localize(work.graph, {t.name: t for t in work.graph.initializer})
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "float32.onnx", Path(folder) / "int8.onnx"
        onnx.save_model(work, str(source))  # onnxruntime 1.17 (our floor) reads only paths
        logging.disable(logging.WARNING)  # its advice to run shape pre-processing
        try:
            with warnings.catch_warnings():  # older onnx warns about its own old names
                warnings.simplefilter("ignore", DeprecationWarning)
                quantize_dynamic(source, out, op_types_to_quantize=list(QUANTIZED),
                                 weight_type=QuantType.QInt8,
                                 extra_options={"EnableSubgraph": True})
        finally:
            logging.disable(logging.NOTSET)
        int8 = onnx.load(str(out))
    unlocalize(int8.graph, {t.name: t for t in int8.graph.initializer})
    topological(int8.graph)
    return int8


def what_stays_float(after: Counter) -> str | None:
    """One line on the recurrent layers int8 leaves float32, or None when none."""
    left = "/".join(op for op in FLOAT_RECURRENT if after[op])
    if not left:
        return None
    return (f"int8: the {left} layers stay float32 (onnxruntime has no quantized {left} "
            "operator); only the head's MatMul is int8, so the file is no smaller")


def topological(graph: onnx.GraphProto) -> None:
    """Reorder ``graph``'s nodes so each comes after the producers of what it reads, the
    names its subgraphs read from outside included (``quantize_dynamic`` can put an
    ``If`` before the node making a value only its branches read)."""
    def reads(node: onnx.NodeProto) -> set[str]:
        inner = [n for a in node.attribute if a.type == onnx.AttributeProto.GRAPH
                 for g in (a.g, *subgraphs(a.g)) for n in g.node]
        return {name for n in (node, *inner) for name in n.input}

    nodes, ordered, made = list(graph.node), [], set()
    producer = {out: i for i, node in enumerate(nodes) for out in node.output if out}
    while len(ordered) < len(nodes):
        ready = next(node for node in nodes if id(node) not in made and all(
            producer.get(name) is None or id(nodes[producer[name]]) in made
            for name in reads(node)))
        ordered.append(ready)
        made.add(id(ready))
    graph.ClearField("node")
    graph.node.extend(ordered)


def to_int8(proto: onnx.ModelProto, card: Any) -> onnx.ModelProto:
    """``proto`` (float32, with ``card`` as its metadata) quantized, with the card marked
    ``weights="int8"``; warns, in one line, about layers that stay float32."""
    if getattr(card, "weights", "float32") == "int8":
        raise RnnlabError("int8: this model is already int8; give its float32 file or "
                          "checkpoint")
    int8 = quantize(proto)
    note = what_stays_float(op_counts(int8))
    if note:
        warnings.warn(note, UserWarning, stacklevel=3)
    return checked(int8, replace(card, weights="int8"))


def export_int8(proto: onnx.ModelProto, card: Any, path: str | Path) -> int:
    """Write the int8 file of ``proto`` atomically; return its size in bytes."""
    return save(to_int8(proto, card), path)
