"""``rnnlab train --text`` and ``rnnlab export`` of a text checkpoint (they need PyTorch)."""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path

import typer

import rnnlab
from rnnlab.cli.render import emit_json
from rnnlab.language.chartrain import default_precision
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.files import check_outputs
from rnnlab.runtime.text.card import TextCard


def train_text_command(text: Path, preset: str, seeds: list[int], epochs: int | None,
                       batch: int | None, precision: str | None, threads: int,
                       out: Path | None,
                       json_: bool, progress: bool, price_only: dict) -> None:
    """Train one character model, save it, print its score beside the counting baselines."""
    given = [name for name, value in price_only.items() if value]
    if given:
        raise RnnlabError(f"{given[0]}: a price option; --text trains a character model")
    if preset not in rnnlab.CHAR_PRESETS:
        raise RnnlabError(f"--preset {preset}: not a text preset; --text trains "
                          f"{', '.join(rnnlab.CHAR_PRESETS)}")
    if len(seeds) > 1:
        raise RnnlabError("--seed: --text trains one model; give one seed")
    if not text.is_file():
        raise RnnlabError(f"--text {text}: no such file")
    out = out or Path("runs") / f"{preset}.pt"
    check_outputs({"--out": out}, [text], make_parents=True)
    precision = precision or default_precision(preset)
    words = ["rnnlab", "train", "--text", str(text), "--preset", preset, "--precision",
             precision, "--seed", str(seeds[0])]
    for option, value in (("--epochs", epochs), ("--batch", batch)):
        words += [option, str(value)] if value is not None else []
    command = shlex.join([*words, "--out", str(out)])
    trained = rnnlab.train(text, preset, seed=seeds[0], precision=precision,
                           progress=progress, threads=threads, command=command,
                           epochs=epochs, batch=batch)
    trained.save(out)
    result = trained.evaluate()
    if json_:
        emit_json({"preset": preset, "seed": seeds[0], "precision": trained.precision,
                   "checkpoint": str(out), "seconds": trained.seconds,
                   "history": trained.history, "kn_order": result.kn_order,
                   "scores": result.table()})
        return
    typer.echo(f"{preset} seed {seeds[0]} ({trained.precision}): {len(trained.history)} epochs in "
               f"{trained.seconds:.0f} s -> {out}")
    typer.echo(result.format(f"  validation, {text.name}'s last 10% "
                             f"({result.chars:,} characters):"))


def export_text(checkpoint: Path, output: Path, text: Path | None, int8: bool = False) -> None:
    """Export a text checkpoint; with ``text``, score it there first for the card."""
    trained = rnnlab.TrainedText.load(checkpoint)
    if text is not None:
        trained = trained.rescore(text)
    size = trained.export(output, int8).stat().st_size
    wrote_text(output, size, replace(trained.card(), weights="int8" if int8 else "float32"))


def wrote_text(output: Path, size: int, card: TextCard) -> None:
    """The line saying which text model was written, and how big."""
    int8 = card.weights == "int8"
    typer.echo(f"wrote {output} ({size / 2**20:.1f} MiB{', int8' if int8 else ''}): "
               f"{card.layers} x {card.cell.upper()}({card.units}), {len(card.vocab)} "
               f"characters, validation {card.scores['model']:.4f} nats/char"
               f"{' (of the float32 weights)' if int8 else ''}")
