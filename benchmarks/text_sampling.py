"""Characters per second of text generation: rnnlab's one ONNX call against PyTorch eager.

    python -m benchmarks.text_sampling CHECKPOINT [--repeats R] [--chars N] [--out FILE]

CHECKPOINT is a text model's checkpoint (the shipped model's shape: 2 x LSTM(512)); it is
exported to a temporary ONNX file, so both sides run the same weights. Each row draws
``--chars`` characters (default 1,000) after a 100-character prompt of tinyshakespeare at
temperature 0.8 with the same noise: rnnlab's ``TextModel.generate`` (one call, the
sampling Loop inside the graph) against ``charexport.sample_eager`` (PyTorch eager, one
step per character, the same inverse-CDF rule). Batch 1 and batch 64. Calls alternate
(ours, theirs, ...); the ratio is the median of the per-pair ratios. Both sides get one
thread (onnxruntime intra-op 1, ``torch.set_num_threads(1)``). The machine's load average
and the cores other processes used are written next to the figures.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from benchmarks.measure import Snapshot, settle, usage
from rnnlab.language.charexport import export, sample_eager
from rnnlab.language.chartrained import TrainedText
from rnnlab.runtime.files import write_text
from rnnlab.runtime.forecaster import load
from rnnlab.runtime.text.noise import uniforms

TEXT = Path(__file__).resolve().parents[2] / "shared" / "data" / "tinyshakespeare.txt"
PROMPT_CHARS = 100
TEMPERATURE = 0.8


def row(model, trained: TrainedText, prompt: str, batch: int, chars: int, repeats: int) -> str:
    """One table row: both sides draw ``batch`` x ``chars`` characters with the same noise."""
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.text_sampling",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--repeats", type=int, default=5, help="timed pairs per row")
    parser.add_argument("--chars", type=int, default=1000, help="characters per sample")
    parser.add_argument("--batches", default="1,64", help="comma-separated batch sizes")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/text_sampling.md"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    trained = TrainedText.load(args.checkpoint)
    prompt = TEXT.read_text(encoding="utf-8")[:PROMPT_CHARS]
    with tempfile.TemporaryDirectory() as folder:
        export(trained.model, trained.card(), Path(folder) / "m.onnx")
        model = load(Path(folder) / "m.onnx")
    shape = trained.model.shape
    lines = ["# Text generation speed: rnnlab (onnxruntime) vs PyTorch eager", "",
             f"`python -m benchmarks.text_sampling {args.checkpoint.name} --repeats "
             f"{args.repeats} --chars {args.chars}`; {shape.layers} x "
             f"{shape.cell.upper()}({shape.units}), embedding {shape.embed}, "
             f"{shape.vocab} characters; prompt {PROMPT_CHARS} characters, temperature "
             f"{TEMPERATURE}; one thread each side; median of {args.repeats} pairs.", "",
             "| batch | rnnlab chars/s | PyTorch eager chars/s | ratio (median of pairs) "
             "| same text | machine during the row |", "|---|---|---|---|---|---|"]
    for batch in (int(b) for b in args.batches.split(",")):
        lines.append(row(model, trained, prompt, batch, args.chars, args.repeats))
        print(lines[-1], flush=True)
    loadavg = Path("/proc/loadavg").read_text().split()[:3]
    lines += ["", f"/proc/loadavg at the end: {' '.join(loadavg)}. Measured on a shared, "
              "loaded 2-core machine: treat the figures as indicative only.", ""]
    write_text(args.out, "\n".join(lines))


if __name__ == "__main__":
    main()
