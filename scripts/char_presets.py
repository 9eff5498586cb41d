"""The reader's character presets on one budget, beside the counting models and the shipped LSTM.

    python scripts/char_presets.py [--text ../shared/data/tinyshakespeare.txt]

Trains char-rnn, char-gru and char-lstm (seed 0, the CLI's default precision) with
``rnnlab.train``, each scored on the text's last 10% beside the unigram and the Kneser-Ney
n-gram measured in the same run, and writes tutorial/results/char-presets.{json,md} with the
wall time of each training and the machine's load. The shipped row is read from
exported/shakespeare-lstm.onnx's card (its own command: scripts/build_shakespeare.sh).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import rnnlab

PRESETS = ("char-rnn", "char-gru", "char-lstm")
RESULTS = Path("tutorial/results")
COMMAND = "python scripts/char_presets.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=Path, default=Path("../shared/data/tinyshakespeare.txt"))
    text = parser.parse_args().text
    rows, load_before = {}, os.getloadavg()[0]
    for preset in PRESETS:
        start = time.perf_counter()
        trained = rnnlab.train(text, preset=preset, seed=0, progress=False)
        rows[preset] = {"seconds": round(time.perf_counter() - start, 1),
                        "epochs": len(trained.history), **trained.evaluate().nats}
    shipped = rnnlab.load("shakespeare").card
    rows["shakespeare (shipped)"] = {"seconds": round(shipped.train_seconds, 1),
                                     "epochs": len(shipped.history), **shipped.scores}
    result = {"command": COMMAND, "rows": rows, "load_before": load_before,
              "load_after": os.getloadavg()[0], "cores": os.cpu_count()}
    (RESULTS / "char-presets.json").write_text(json.dumps(result, indent=1) + "\n")
    kn = next(k for k in rows["char-lstm"] if k.startswith("kn-"))
    lines = [f"| model | validation nats/char | unigram | {kn} | epochs | training time |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {name} | {r['model']:.4f} | {r['unigram']:.4f} | {r[kn]:.4f} | {r['epochs']} | "
              f"{r['seconds'] / 60:.1f} min |" for name, r in rows.items()]
    lines += ["", f"Validation: the text's last 10%; the counting models fit on the first 90% in "
              f"each run. {result['cores']} cores, load average {load_before:.1f} before and "
              f"{result['load_after']:.1f} after. Written by `{COMMAND}`."]
    (RESULTS / "char-presets.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
