"""The model card of an exported text model, as Markdown, from the file's own metadata.

    python scripts/write_text_card.py exported/shakespeare-lstm.onnx > exported/shakespeare-lstm.md

Refuses a file over the size limit of the wheel and the browser page (16 MB).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from rnnlab import load
from rnnlab.runtime.text.model import TextModel

MAX_BYTES = 16 * 2**20


def card_markdown(path: Path) -> str:
    model = load(path)
    if not isinstance(model, TextModel):
        raise SystemExit(f"error: {path} is not a text model")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"error: {path} is {size / 2**20:.1f} MiB, above the 16 MiB limit")
    c = model.card
    order = c.scores.get("kn_order")
    rows = [(name, v) for name, v in c.scores.items() if name != "kn_order"]
    lines = [
        f"# {path.name}", "",
        f"A character language model: {c.layers} x {c.cell.upper()}({c.units}), embedding "
        f"{c.embed}, {len(c.vocab)} characters; {size / 2**20:.1f} MiB, float32.", "",
        f"- trained on `{c.data_file}` (sha256 `{c.data_sha256}`): its first "
        f"{c.train_chars:,} characters; validation: the last {c.val_chars:,}",
        f"- command: `{c.command}`",
        f"- preset `{c.preset}`, seed {c.seed}, precision {c.precision}; {len(c.history)} "
        f"epochs in {c.train_seconds / 3600:.2f} h ({c.trained_at or 'time not recorded'})",
        f"- rnnlab {c.rnnlab_version}", "",
        "Validation (the text's last 10%), the counting baselines fit on the first 90% "
        f"in the same run (the n-gram's order, {order}, chosen on the training part's tail):",
        "", "| model | nats/char | bits/char | perplexity |", "|---|---|---|---|",
        *(f"| {name} | {v:.4f} | {v / math.log(2):.4f} | {math.exp(v):.3f} |"
          for name, v in rows), "",
    ]
    if c.history:
        lines += ["Where the preset holds out a development set (`dev_fraction`, `patience` in "
                  "`rnnlab.language.chartrain`), the weights kept are those of the epoch with the "
                  "lowest loss on the training part's head; the validation part chose nothing.",
                  "", "| epoch | train nats/char | validation nats/char |", "|---|---|---|",
                  *(f"| {int(e)} | {t:.4f} | {v:.4f} |" for e, t, v in c.history), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(card_markdown(Path(name)))
