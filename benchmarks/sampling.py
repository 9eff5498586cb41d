"""What do sampled paths cost? ``rnnlab generate --samples N`` against single paths.

    python -m benchmarks.sampling [--samples N] [--repeats R]

Times 251-step generation of a shipped model from its stored window: one windowed path,
one stateful path, then N noisy paths in each mode, each batch one ``Model.generate``
call. Prints a Markdown table of medians and each cost as a multiple of one path.
Runtime only: PyTorch is never imported.
"""

from __future__ import annotations

import argparse
from functools import partial

from benchmarks.measure import median_ms
from rnnlab.runtime.forecaster import load

STEPS = 251


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sampling", description=__doc__)
    parser.add_argument("--model", default="gru", help="a shipped model's name or a path")
    parser.add_argument("--samples", type=int, default=100, help="paths per sampled batch")
    parser.add_argument("--repeats", type=int, default=21, help="timed calls per row")
    args = parser.parse_args(argv)
    model = load(args.model)
    single = {mode: median_ms(partial(model.generate, STEPS, mode=mode), args.repeats)
              for mode in ("windowed", "stateful")}
    print(f"{model.path.name}, {STEPS} steps from the stored window\n")
    print("| run | ms | × one windowed path | × one stateful path |")
    print("|---|---|---|---|")
    for mode, ms in single.items():
        print(f"| one {mode} path | {ms:.1f} | {ms / single['windowed']:.2f} "
              f"| {ms / single['stateful']:.2f} |")
    for mode in ("stateful", "windowed"):
        # the windowed batch re-runs every window each step: far slower, so fewer repeats
        repeats = max(3, args.repeats // 5) if mode == "windowed" else args.repeats
        ms = median_ms(partial(model.generate, STEPS, mode=mode, samples=args.samples), repeats)
        print(f"| {args.samples} {mode} paths | {ms:.1f} | {ms / single['windowed']:.2f} "
              f"| {ms / single['stateful']:.2f} |")


if __name__ == "__main__":
    main()
