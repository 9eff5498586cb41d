"""Chapter 9's experiments on a trained character model (a checkpoint of the shipped run).

- ``units``: what single LSTM cells track. Every cell state ``c`` of both layers is read
  with ``rnnlab.scratch.lstm_cell`` over the first ``CHARS`` characters of the validation
  part, and correlated with features of the text a reader can see (position in the line,
  inside a speaker's name, position in the speech, position in the word). The best unit of
  each feature is picked on the first half of the excerpt and its correlation re-measured
  on the second half. Also writes ``language-units.md``: the excerpt coloured by the best
  unit's ``tanh(c)``, as HTML for the chapter to include.
- ``temperature``: samples at 0.5, 0.8 and 1.0 from one seed and prompt.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np

from rnnlab.runtime.text.corpus import read_text, split
from rnnlab.scratch import layers_from_state_dict, lstm_cell

ROOT = Path(__file__).resolve().parents[2]
TEXT = ROOT.parent / "shared" / "data" / "tinyshakespeare.txt"
RESULTS = ROOT / "tutorial" / "results"

CHARS = 10_000
SHOWN = 700  # characters of the excerpt the coloured HTML shows


def features(text: str) -> dict[str, np.ndarray]:
    """Per character of ``text``: what a reader sees about where it stands."""
    line_pos, name, speech_pos, word_pos = (np.zeros(len(text)) for _ in range(4))
    lines = text.split("\n")
    at, speech, previous = 0, 0, ""
    for line in lines:
        # a speaker's name: a line ending in ':' after a blank line (or at the start)
        is_name = line.endswith(":") and previous == ""
        if is_name:
            speech = 0
        for k, ch in enumerate(line + "\n"):
            if at >= len(text):
                break
            line_pos[at], name[at], speech_pos[at] = k, is_name, speech
            word_pos[at] = 0 if ch in " \n" else (word_pos[at - 1] + 1 if at else 1)
            at, speech = at + 1, speech + 1
        previous = line
    return {"position in the line": line_pos, "inside a speaker's name": name,
            "position in the speech": speech_pos, "position in the word": word_pos}


def cell_states(saved: dict, ids: np.ndarray) -> np.ndarray:
    """``c`` of every unit of every LSTM layer after each character: ``(time, units * layers)``."""
    weights = {k: np.asarray(v, dtype=np.float64) for k, v in saved["state_dict"].items()}
    layers = layers_from_state_dict({k.removeprefix("rnn."): v for k, v in weights.items()
                                     if k.startswith("rnn.")})
    embedded = weights["embed.weight"][ids]
    units = layers[0].hidden_size
    states = [(np.zeros((1, units)), np.zeros((1, units))) for _ in layers]
    cells = np.empty((len(ids), units * len(layers)))
    for t, x in enumerate(embedded):
        inputs = x[None]
        for k, p in enumerate(layers):
            states[k] = lstm_cell(inputs, states[k], p)
            inputs = states[k][0]
        cells[t] = np.concatenate([c[0] for _, c in states])
    return cells


def correlations(cells: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Pearson's r of each column of ``cells (time, units)`` with ``feature (time,)``."""
    a = cells - cells.mean(axis=0)
    b = feature - feature.mean()
    # $r = \sum (a - \bar a)(b - \bar b) / \sqrt{\sum (a - \bar a)^2 \sum (b - \bar b)^2}$
    return (a * b[:, None]).sum(axis=0) / np.sqrt((a ** 2).sum(axis=0) * (b ** 2).sum() + 1e-30)


def coloured(text: str, values: np.ndarray) -> str:
    """``text`` as HTML spans, each character's background blue (-1) to red (+1)."""
    spans = []
    for ch, v in zip(text, values):
        colour = f"rgba({'198, 40, 40' if v > 0 else '21, 101, 192'}, {abs(v):.2f})"
        shown = "&#8629;<br>" if ch == "\n" else html.escape(ch).replace(" ", "&nbsp;")
        spans.append(f'<span style="background:{colour}">{shown}</span>')
    return '<div class="unit-text" markdown="0">' + "".join(spans) + "</div>"


def part_units(checkpoint: Path) -> dict:
    import torch

    saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
    text = split(read_text(TEXT))[1][:CHARS]
    index = {c: i for i, c in enumerate(saved["vocab"])}
    cells = cell_states(saved, np.array([index[c] for c in text]))
    half = CHARS // 2
    found = {}
    for name, feature in features(text).items():
        r = correlations(cells[:half], feature[:half])
        best = int(np.abs(r).argmax())
        units = saved["shape"]["units"]
        found[name] = {"unit": best % units, "layer": best // units + 1, "column": best,
                       "r_found": float(r[best]),
                       "r_held_out": float(correlations(cells[half:, [best]],
                                                        feature[half:])[0])}
    best = max(found, key=lambda n: abs(found[n]["r_held_out"]))
    column = found[best]["column"]
    shown = np.tanh(cells[half:half + SHOWN, column])
    rows = [f"| {name} | {u['layer']} | {u['unit']} | {u['r_found']:+.2f} | "
            f"{u['r_held_out']:+.2f} |" for name, u in found.items()]
    (RESULTS / "language-units.md").write_text("\n".join([
        f"Checkpoint after {len(saved['history'])} epochs; correlations over {CHARS:,} "
        "validation characters.", "", "| feature | layer | unit | r where found (first half) "
        "| r held out (second half) |", "|---|---|---|---|---|", *rows, "",
        f"The held-out text coloured by the cell state of the unit for *{best}*:", "",
        coloured(text[half:half + SHOWN], shown)]) + "\n")
    return {"checkpoint_epochs": len(saved["history"]), "chars": CHARS, "units": found,
            "shown": best}


def part_temperature(checkpoint: Path, prompt: str = "ROMEO:", chars: int = 300,
                     seed: int = 0) -> dict:
    """The checkpoint exported as the shipped file is, sampled by the runtime at three
    temperatures with one seed: ``rnnlab generate FILE --prompt ... --seed 0``'s text."""
    import tempfile

    import rnnlab
    from rnnlab.language.charexport import export
    from rnnlab.language.chartrain import load_checkpoint
    from rnnlab.runtime.text.card import TextCard

    model, vocab, saved = load_checkpoint(checkpoint)
    shape = saved["shape"]
    card = TextCard(vocab=vocab.chars, cell=shape["cell"], layers=shape["layers"],
                    units=shape["units"], embed=shape["embed"])
    with tempfile.TemporaryDirectory() as folder:
        export(model, card, Path(folder) / "model.onnx")
        runtime = rnnlab.load(Path(folder) / "model.onnx")
        samples = {str(t): runtime.generate(prompt=prompt, chars=chars, temperature=t,
                                            seed=seed).texts[0] for t in (0.5, 0.8, 1.0)}
    blocks = [f"Checkpoint after {len(saved['history'])} epochs (validation "
              f"{saved['history'][-1]['val']:.3f} nats/char), seed {seed}."]
    for t, sample in samples.items():
        blocks += ["", f'```text title="temperature {t}"', prompt + sample, "```"]
    (RESULTS / "language-temperature.md").write_text("\n".join(blocks) + "\n")
    return {"checkpoint_epochs": len(saved["history"]), "prompt": prompt, "chars": chars,
            "seed": seed, "samples": samples, "val": saved["history"][-1]["val"]}


def part_shipped(checkpoint: Path) -> dict:
    """The shipped run's learning curve, as its checkpoint records it (one row per epoch)."""
    import torch

    saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
    ngram = json.loads((RESULTS / "ngram-shakespeare.json").read_text())
    line, train_chars = ngram["chosen_validation"], ngram["train_chars"]
    rows = [f"| {h['epoch']} | {h['epoch'] * train_chars / 1e6:.1f} | {h['val']:.3f} | "
            f"{'below' if h['val'] < line else 'above'} |" for h in saved["history"]]
    (RESULTS / "language-shipped.md").write_text("\n".join([
        f"Kneser-Ney order {ngram['chosen_order']}: {line:.3f} nats/char.", "",
        "| epoch | million characters read | validation nats/char | against the n-gram |",
        "|---|---|---|---|", *rows]) + "\n")
    return {"recipe": saved["recipe"], "precision": saved["precision"],
            "history": saved["history"]}


PARTS = {"units": part_units, "temperature": part_temperature, "shipped": part_shipped}
