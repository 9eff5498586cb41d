"""Where a generated step's time goes, in the shipped graphs now and at an earlier commit.

    python -m benchmarks.steps                   # print the Markdown
    python -m benchmarks.steps --save            # also write benchmarks/steps.md
    python -m benchmarks.steps --before REV      # compare with exported/ at git REV

A step of 251-step generation costs ``(t(251 steps) - t(2 steps)) / 249``: medians of
interleaved runs, one onnxruntime thread. It barely depends on arithmetic (one row of 50
units): it is the nodes the step launches. So the table counts them, times the two kinds
on tiny graphs (a recurrent operator on one time step; an ``Add`` of 50 floats), and
gives onnxruntime's profiler's kernel time per step by operator (the profiler adds a
little to every node, so read its column as shares).
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from benchmarks.measure import machine
from rnnlab.runtime.shipped import SHIPPED, shipped_path

REPO = Path(__file__).resolve().parent.parent
BEFORE = "bbafe6c"  # the last commit whose graphs ran Loops with packed state
MODELS = ("lstm", "gru")


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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.steps", description=__doc__)
    parser.add_argument("--before", default=BEFORE, help=f"git revision (default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=40, help="interleaved rounds")
    parser.add_argument("--save", action="store_true", help="write benchmarks/steps.md")
    args = parser.parse_args()
    text = report(args.before, args.rounds)
    print(text, end="")
    if args.save:
        (REPO / "benchmarks" / "steps.md").write_text(text)


if __name__ == "__main__":
    main()
