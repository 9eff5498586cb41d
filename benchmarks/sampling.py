"""What does sampling cost? Price paths against single paths, and characters per second.

    python -m benchmarks.sampling [--samples N] [--repeats R]            # price paths
    python -m benchmarks.sampling --text CHECKPOINT [--repeats R] [--chars N] [--out FILE]

Price paths: times 251-step generation of a shipped model from its stored window: one
windowed path, one stateful path, then N noisy paths in each mode, each batch one
``Model.generate`` call. Prints a Markdown table of medians and each cost as a multiple of
one path. Runtime only: PyTorch is never imported.

Text (``--text``): characters per second of text generation, rnnlab's one ONNX call
against PyTorch eager. CHECKPOINT is a text model's checkpoint (the shipped model's shape:
2 x LSTM(512)); it is exported to a temporary ONNX file, so both sides run the same
weights. Each row draws ``--chars`` characters (default 1,000) after a 100-character prompt
of tinyshakespeare at temperature 0.8 with the same noise: rnnlab's ``TextModel.generate``
(one call, the sampling Loop inside the graph) against ``charexport.sample_eager``
(PyTorch eager, one step per character, the same inverse-CDF rule). Batch 1 and batch 64.
Calls alternate (ours, theirs, ...); the ratio is the median of the per-pair ratios. Both
sides get one thread (onnxruntime intra-op 1, ``torch.set_num_threads(1)``). The machine's
load average and the cores other processes used are written next to the figures
(benchmarks/text_sampling.md).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

from benchmarks.measure import Snapshot, median_ms, settle, usage
from rnnlab.runtime.files import write_text
from rnnlab.runtime.forecaster import load

STEPS = 251
TEXT = Path(__file__).resolve().parents[2] / "shared" / "data" / "tinyshakespeare.txt"
PROMPT_CHARS = 100
TEMPERATURE = 0.8


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sampling",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gru", help="a shipped model's name or a path")
    parser.add_argument("--samples", type=int, default=100, help="paths per sampled batch")
    parser.add_argument("--repeats", type=int, help="timed calls per row (21; --text: 5 pairs)")
    parser.add_argument("--text", type=Path, metavar="CHECKPOINT",
                        help="time text generation of this text model's checkpoint instead")
    parser.add_argument("--chars", type=int, default=1000, help="--text: characters per sample")
    parser.add_argument("--batches", default="1,64", help="--text: comma-separated batch sizes")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/text_sampling.md"),
                        help="--text: the Markdown file to write")
    args = parser.parse_args(argv)
    if args.text is not None:
        return text_main(args.text, args.repeats or 5, args.chars, args.batches, args.out)
    price_paths(args.model, args.samples, args.repeats or 21)
    return None


def price_paths(name: str, samples: int, repeats: int) -> None:
    """Print the price-path table: single paths, then ``samples`` paths per call."""
    model = load(name)
    single = {mode: median_ms(partial(model.generate, STEPS, mode=mode), repeats)
              for mode in ("windowed", "stateful")}
    print(f"{model.path.name}, {STEPS} steps from the stored window\n")
    print("| run | ms | × one windowed path | × one stateful path |")
    print("|---|---|---|---|")
    for mode, ms in single.items():
        print(f"| one {mode} path | {ms:.1f} | {ms / single['windowed']:.2f} "
              f"| {ms / single['stateful']:.2f} |")
    for mode in ("stateful", "windowed"):
        # the windowed batch re-runs every window each step: far slower, so fewer repeats
        few = max(3, repeats // 5) if mode == "windowed" else repeats
        ms = median_ms(partial(model.generate, STEPS, mode=mode, samples=samples), few)
        print(f"| {samples} {mode} paths | {ms:.1f} | {ms / single['windowed']:.2f} "
              f"| {ms / single['stateful']:.2f} |")


def row(model, trained, prompt: str, batch: int, chars: int, repeats: int) -> str:
    """One table row: both sides draw ``batch`` x ``chars`` characters with the same noise."""
    from rnnlab.language.charexport import sample_eager
    from rnnlab.runtime.text.noise import uniforms

    noise = uniforms(0, batch * chars).reshape(batch, chars)
    prompts = np.repeat(trained.vocab.encode(prompt)[None], batch, axis=0)

    def ours():
        return model.generate(prompt, chars, TEMPERATURE, 0, 0, batch).ids

    def theirs():
        return sample_eager(trained.model, prompts, noise, TEMPERATURE)[0]

    same = float((ours() == theirs()).mean())  # also the warm-up
    before, pairs = Snapshot.take(), []
    for _ in range(repeats):
        pair = []
        for side in (ours, theirs):
            settle()
            start = time.perf_counter()
            side()
            pair.append(time.perf_counter() - start)
        pairs.append(pair)
    after = Snapshot.take()
    mine, peer = (statistics.median(p[k] for p in pairs) for k in (0, 1))
    ratio = statistics.median(p[1] / p[0] for p in pairs)
    total = batch * chars
    return (f"| {batch} | {total / mine:,.0f} | {total / peer:,.0f} | {ratio:.2f}x | "
            f"{same:.1%} of characters | {usage(before, after)} |")


def text_main(checkpoint: Path, repeats: int, chars: int, batches: str, out: Path) -> None:
    """Write the characters-per-second table of ``checkpoint`` to ``out``."""
    import torch

    from rnnlab.language.charexport import export
    from rnnlab.language.chartrained import TrainedText

    torch.set_num_threads(1)
    trained = TrainedText.load(checkpoint)
    prompt = TEXT.read_text(encoding="utf-8")[:PROMPT_CHARS]
    with tempfile.TemporaryDirectory() as folder:
        export(trained.model, trained.card(), Path(folder) / "m.onnx")
        model = load(Path(folder) / "m.onnx")
    shape = trained.model.shape
    lines = ["# Text generation speed: rnnlab (onnxruntime) vs PyTorch eager", "",
             f"`python -m benchmarks.sampling --text {checkpoint.name} --repeats "
             f"{repeats} --chars {chars}`; {shape.layers} x "
             f"{shape.cell.upper()}({shape.units}), embedding {shape.embed}, "
             f"{shape.vocab} characters; prompt {PROMPT_CHARS} characters, temperature "
             f"{TEMPERATURE}; one thread each side; median of {repeats} pairs.", "",
             "| batch | rnnlab chars/s | PyTorch eager chars/s | ratio (median of pairs) "
             "| same text | machine during the row |", "|---|---|---|---|---|---|"]
    for batch in (int(b) for b in batches.split(",")):
        lines.append(row(model, trained, prompt, batch, chars, repeats))
        print(lines[-1], flush=True)
    loadavg = Path("/proc/loadavg").read_text().split()[:3]
    lines += ["", f"/proc/loadavg at the end: {' '.join(loadavg)}. Measured on a shared, "
              "loaded 2-core machine: treat the figures as indicative only.", ""]
    write_text(out, "\n".join(lines))


if __name__ == "__main__":
    main()
