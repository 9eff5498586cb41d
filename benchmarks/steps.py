"""Where the shipped graphs' time goes: per generated step (now and at an earlier
commit), and per chunk of windows that one call hands onnxruntime.

    python -m benchmarks.steps                   # print the Markdown
    python -m benchmarks.steps --save            # also write benchmarks/steps.md
    python -m benchmarks.steps --before REV      # compare with exported/ at git REV
    python -m benchmarks.steps --chunks [--repeats N] > benchmarks/chunks.md

A step of 251-step generation costs ``(t(251 steps) - t(2 steps)) / 249``: medians of
interleaved runs, one onnxruntime thread. It barely depends on arithmetic (one row of 50
units): it is the nodes the step launches. So the table counts them, times the two kinds
on tiny graphs (a recurrent operator on one time step; an ``Add`` of 50 floats), and
gives onnxruntime's profiler's kernel time per step by operator (the profiler adds a
little to every node, so read its column as shares).

``--chunks``: how big a chunk should :meth:`rnnlab.runtime.forecaster.Model.run` hand
onnxruntime? Times the 251 test windows of each shipped model with ``ROWS_PER_CALL`` set
to each candidate, on one thread and on every core, and prints a Markdown table of
medians. Runtime only: PyTorch is never imported, so no idle OpenMP threads share the
cores.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import subprocess
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

import rnnlab.runtime.forecaster as runtime_model
from benchmarks.measure import machine, median_ms
from benchmarks.peers import CELLS, IBM_CSV, Workload
from rnnlab.runtime.shipped import SHIPPED, shipped_path

REPO = Path(__file__).resolve().parent.parent
BEFORE = "bbafe6c"  # the last commit whose graphs ran Loops with packed state
MODELS = ("lstm", "gru")
CANDIDATES = (251, 128, 96, 64, 48, 32, 16)  # --chunks: rows per call


def session(data: bytes, profile: str | None = None) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.log_severity_level = 1, 3
    if profile:
        options.enable_profiling, options.profile_file_prefix = True, profile
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def feed(sess: ort.InferenceSession, steps: int, stateful: bool) -> dict:
    rows, units = sess.get_inputs()[1].shape[0], 50
    return {"x": np.full((1, 60, 1), 0.5, np.float32),
            "state": np.zeros((rows, 1, units), np.float32),
            "noise": np.zeros((steps, 1), np.float32),
            "steps": np.array(steps), "stateful": np.array(stateful)}


def medians(calls: dict, rounds: int) -> dict:
    """Median seconds of each call, the calls interleaved round by round."""
    times = collections.defaultdict(list)
    for call in calls.values():
        call()
    for _ in range(rounds):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def per_step_us(graphs: dict[str, bytes], stateful: bool, rounds: int) -> dict[str, float]:
    """Microseconds per generated step of each graph: the slope between 2 and 251 steps."""
    calls = {}
    for name, data in graphs.items():
        sess = session(data)
        for steps in (2, 251):
            calls[name, steps] = (lambda s=sess, f=feed(sess, steps, stateful): s.run(None, f))
    t = medians(calls, rounds)
    return {name: (t[name, 251] - t[name, 2]) / 249 * 1e6 for name in graphs}


def step_nodes(data: bytes, stateful: bool) -> collections.Counter:
    """Operators in the body of the stateful or windowed loop, by type."""
    tag = "sf" if stateful else "wd"

    def bodies(nodes):
        for node in nodes:
            for attribute in node.attribute:
                if attribute.type == onnx.AttributeProto.GRAPH:
                    if node.op_type in ("Loop", "Scan") and attribute.g.name.startswith(tag):
                        yield attribute.g
                    yield from bodies(attribute.g.node)

    body = next(bodies(onnx.load_from_string(data).graph.node))
    return collections.Counter(node.op_type for node in body.node)


def profiled_us(data: bytes, stateful: bool, folder: str) -> dict[str, float]:
    """onnxruntime's profiler: kernel microseconds per step by operator, inside the loop."""
    sess = session(data, profile=f"{folder}/profile")
    f, runs = feed(sess, 251, stateful), 10
    for _ in range(runs):
        sess.run(None, f)
    per_op: dict[str, float] = collections.Counter()
    for event in json.loads(Path(sess.end_profiling()).read_text()):
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            per_op[event["args"]["op_name"]] += event["dur"]
    loops = {op: us for op, us in per_op.items() if op not in ("If", "Loop", "Scan")}
    return {op: us / runs / 250 for op, us in loops.items()}


def launch_costs(rounds: int) -> dict[str, float]:
    """Microseconds per node: 40 chained LSTM(50) steps, and 40 chained Adds of 50 floats."""
    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.normal(0, 0.1, shape).astype(np.float32), name)
               for name, shape in (("W", (1, 200, 50)), ("R", (1, 200, 50)),
                                   ("B", (1, 400)), ("c", (1, 1, 50)))]
    chains = {
        "LSTM, one time step": [helper.make_node("LSTM", [f"v{k}", "W", "R", "B"],
                                                 ["", f"v{k + 1}"], hidden_size=50)
                                for k in range(40)],
        "Add, 50 floats": [helper.make_node("Add", [f"v{k}", "c"], [f"v{k + 1}"])
                           for k in range(40)],
    }
    calls = {}
    for name, nodes in chains.items():
        for count in (1, 40):
            graph = helper.make_graph(
                nodes[:count], "chain", [helper.make_tensor_value_info("v0", TensorProto.FLOAT,
                                                                       [1, 1, 50])],
                [helper.make_tensor_value_info(f"v{count}", TensorProto.FLOAT, None)],
                initializer=weights)
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
            model.ir_version = 8
            sess = session(model.SerializeToString())
            calls[name, count] = (
                lambda s=sess: s.run(None, {"v0": np.full((1, 1, 50), 0.5, np.float32)}))
    t = medians(calls, rounds)
    return {name: (t[name, 40] - t[name, 1]) / 39 * 1e6 for name in chains}


def report(before: str, rounds: int) -> str:
    lines = ["# Per-step cost of generation", "",
             f"- command: `python -m benchmarks.steps --before {before} --save`",
             "- machine: {cpu}, {cores} cores; load average {load_average} at start; "
             "onnxruntime {onnxruntime}".format(**machine(), **machine()["packages"]),
             "- one onnxruntime thread; per-step time = (t(251 steps) - t(2 steps)) / 249, "
             f"medians of {rounds} interleaved rounds", ""]
    costs = launch_costs(rounds * 20)
    lines += ["| node | µs to launch and run |", "|---|---|"]
    lines += [f"| {name} | {us:.2f} |" for name, us in costs.items()]
    lines += ["", "| model | mode | graph | µs per step | nodes per step | "
              "profiler: kernel µs per step by operator |", "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        for name in MODELS:
            path = f"exported/{SHIPPED[name]}"
            graphs = {f"at {before}": subprocess.run(["git", "show", f"{before}:{path}"],
                                                     cwd=REPO, capture_output=True,
                                                     check=True).stdout,
                      "now": shipped_path(name).read_bytes()}
            for stateful in (True, False):
                steps_us = per_step_us(graphs, stateful, rounds if stateful else rounds // 4)
                for label, data in graphs.items():
                    nodes = step_nodes(data, stateful)
                    kernels = sorted((kv for kv in profiled_us(data, stateful, folder).items()
                                      if kv[1] >= 0.05),
                                     key=lambda kv: -kv[1])
                    lines.append(
                        f"| {name} | {'stateful' if stateful else 'windowed'} | {label} | "
                        f"{steps_us[label]:.1f} | {sum(nodes.values())}: "
                        + ", ".join(f"{n} {op}" for op, n in nodes.most_common()) + " | "
                        + ", ".join(f"{op} {us:.1f}" for op, us in kernels) + " |")
    return "\n".join(lines) + "\n"


def matmul_gflops(m: int, k: int, n: int, rounds: int = 20) -> float:
    """GFLOP/s of onnxruntime's MatMul ``(m, k) @ (k, n)`` on one thread: ``2 m k n``
    floating-point operations over the median call (each call repeated to ~10 ms)."""
    rng = np.random.default_rng(0)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["c"])], "matmul",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, [m, n])],
        initializer=[numpy_helper.from_array(rng.random((k, n), np.float32), "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    sess, a = session(model.SerializeToString()), {"a": rng.random((m, k), np.float32)}
    number = max(1, int(0.01 / (2 * m * k * n / 50e9)))  # ~10 ms at 50 GFLOP/s
    seconds = medians({"mm": lambda: [sess.run(None, a) for _ in range(number)]}, rounds)
    return 2 * m * k * n * number / seconds["mm"] / 1e9


def lstm_profile(ours_ms: float, torch_ms: float, windows: int, cores: int,
                 torch_threads: int) -> str:
    """Where onnxruntime's LSTM kernel sits, for the one-step row on ``windows`` windows of
    the seed LSTM (4 x LSTM(50), window 60, 1 feature): its GFLOP/s per core against
    onnxruntime MatMul's on one thread at a large square shape (the machine's practical
    peak) and at the shape of one recurrent product (a chunk of rows' h x R)."""
    units, window, chunk = 50, 60, runtime_model.ROWS_PER_CALL
    # FLOP = 2 * 4 units * (inputs + units) per row and step, summed over the 4 layers;
    # the h x R part (2 * 4 units * units per layer) must run step after step.
    flops = windows * window * sum(2 * 4 * units * (inputs + units) for inputs in (1, 50, 50, 50))
    recurrent = windows * window * 4 * 2 * 4 * units * units / flops
    peak, step = matmul_gflops(512, 512, 512), matmul_gflops(chunk, units, 4 * units)
    ours, theirs = flops / ours_ms / 1e6 / cores, flops / torch_ms / 1e6 / torch_threads
    return (f"LSTM profile: one-step on {windows} windows is {flops / 1e9:.2f} GFLOP of gate "
            f"products; rnnlab reaches {ours:.1f} GFLOP/s per core ({cores} cores), PyTorch "
            f"eager's oneDNN LSTM {theirs:.1f} per thread ({torch_threads}). onnxruntime's "
            f"MatMul on one thread: {peak:.0f} GFLOP/s at 512 x 512 x 512 (the machine's "
            f"practical peak), so the LSTM kernel runs at {ours / peak:.0%} of it; 1.5x "
            f"PyTorch needs {1.5 * theirs:.0f} GFLOP/s per core, {1.5 * theirs / peak:.0%} of "
            f"the peak. Out of reach: {recurrent:.0%} of the work is h x R, {window} dependent "
            f"products per layer of ({chunk} x {units}) x ({units} x {4 * units}), which "
            f"cannot be batched across steps; one such MatMul alone runs at {step:.0f} "
            "GFLOP/s (its call overhead included), and both runtimes already use MLAS/oneDNN "
            "GEMMs for them")


def chunks(repeats: int) -> None:
    """Print the table of 251-window medians per ``ROWS_PER_CALL`` candidate."""
    cores = min(runtime_model.CORES, runtime_model.MAX_THREADS)
    heads = [f"{cell}, {n} thread{'s' if n > 1 else ''}" for cell in CELLS for n in (1, cores)]
    print(f"| rows per call | {' | '.join(heads)} |")
    print("|---" * (1 + 2 * len(CELLS)) + "|")
    models = {cell: runtime_model.load(shipped_path(cell)) for cell in CELLS}
    windows = {cell: Workload.from_csv(m.card, IBM_CSV).windows for cell, m in models.items()}
    chosen = runtime_model.ROWS_PER_CALL
    try:
        for rows in CANDIDATES:
            runtime_model.ROWS_PER_CALL = rows
            found = []
            for cell, model in models.items():
                for threads in (1, cores):
                    model.threads = threads
                    found.append(median_ms(partial(model.predict, windows[cell]), repeats))
            mark = " (rnnlab's choice)" if rows == chosen else ""
            print(f"| {rows}{mark} | {' | '.join(f'{ms:.1f} ms' for ms in found)} |")
    finally:
        runtime_model.ROWS_PER_CALL = chosen



def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.steps", description=__doc__)
    parser.add_argument("--before", default=BEFORE, help=f"git revision (default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=40, help="interleaved rounds")
    parser.add_argument("--save", action="store_true", help="write benchmarks/steps.md")
    parser.add_argument("--chunks", action="store_true",
                        help="time 251 windows per rows-per-call candidate instead")
    parser.add_argument("--repeats", type=int, default=41, help="--chunks: timed calls per cell")
    args = parser.parse_args(argv)
    if args.chunks:
        return chunks(args.repeats)
    text = report(args.before, args.rounds)
    print(text, end="")
    if args.save:
        (REPO / "benchmarks" / "steps.md").write_text(text)
    return None


if __name__ == "__main__":
    main()
