"""Text commands and the text side of ``generate`` and ``info``: numpy + onnxruntime only.

``rnnlab generate shakespeare --prompt ...``, ``rnnlab score MODEL --text FILE`` and
``rnnlab info shakespeare`` run a character language model (:mod:`rnnlab.runtime.text.model`).
"""

from __future__ import annotations

from pathlib import Path

import typer

from rnnlab.cli.render import emit_json
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.files import write_text
from rnnlab.runtime.forecaster import Model, load
from rnnlab.runtime.shipped import TEXT_SHIPPED
from rnnlab.runtime.text.model import TextModel

TEXT_MODEL_HELP = ("An rnnlab text model (.onnx from `rnnlab export`), or a shipped one: "
                   f"{', '.join(TEXT_SHIPPED)}.")


def check_kind(model: Model | TextModel, text_options: dict, price_options: dict) -> None:
    """Refuse text options for a price model and price options for a text model."""
    if isinstance(model, TextModel):
        given = [name for name, value in price_options.items() if value]
        if given:
            raise RnnlabError(f"{given[0]}: {model.not_prices()}")
    else:
        given = [name for name, value in text_options.items() if value is not None]
        if given:
            raise RnnlabError(f"{given[0]}: {model.path} is a price model (it forecasts and "
                              "generates prices); text options need a text model such as "
                              f"{', '.join(TEXT_SHIPPED)}")


def generate_text(model: TextModel, prompt: str | None, chars: int | None,
                  temperature: float | None, top_k: int | None, seed: int, samples: int,
                  out: Path | None, json_: bool) -> None:
    """What ``rnnlab generate`` does with a text model."""
    prompt = "\n" if prompt is None else prompt
    result = model.generate(prompt, 500 if chars is None else chars,
                            1.0 if temperature is None else temperature,
                            top_k or 0, seed, max(1, samples))
    if out:
        write_text(out, "\n\n".join(prompt + text for text in result.texts) + "\n")
    if json_:
        emit_json({"model": str(model.path), "prompt": prompt, "chars": result.ids.shape[1],
                   "temperature": result.temperature, "top_k": result.top_k, "seed": seed,
                   "samples": len(result.texts), "text": result.text, "texts": result.texts})
        return
    for k, text in enumerate(result.texts):
        if len(result.texts) > 1:
            typer.echo(f"--- sample {k + 1} of {len(result.texts)} ---")
        typer.echo(prompt + text)


def show_text_info(model: TextModel, json_: bool) -> None:
    """What ``rnnlab info`` prints for a text model."""
    card = model.card
    if json_:
        emit_json(card.to_dict())
        return
    size = Path(model.path).stat().st_size / 2**20
    typer.echo(f"{model.path} ({size:.1f} MiB): a character language model")
    typer.echo(f"  model      {card.layers} x {card.cell.upper()}({card.units}), embedding "
               f"{card.embed}, {len(card.vocab)} characters; preset '{card.preset}', seed "
               f"{card.seed}, {card.precision}")
    typer.echo(f"  trained on {card.data_file}: first {card.train_chars:,} characters; "
               f"validation the last {card.val_chars:,}")
    typer.echo(f"  training   {len(card.history)} epochs in {card.train_seconds / 3600:.2f} h; "
               f"{card.trained_at}")
    typer.echo(f"  command    {card.command}")
    int8 = ", int8 weights" if card.weights == "int8" else ""
    typer.echo(f"  rnnlab     {card.rnnlab_version}, text format {card.format}{int8}")
    if card.scores:
        from rnnlab.runtime.text.model import TextScore

        nats = {k: v for k, v in card.scores.items() if k != "kn_order"}
        typer.echo(TextScore(nats, card.val_chars, card.data_file).format(
            "  validation (the text's last 10%):"))


def score(
    model: Path = typer.Argument(..., help=TEXT_MODEL_HELP),
    text: Path = typer.Option(..., "--text", help="A UTF-8 text file: its last 10% is scored, "
                              "beside a unigram and a Kneser-Ney n-gram fit on its first 90%."),
    json_: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Score a text model on a text file's last 10%.

    In nats and bits per character and perplexity, beside the counting baselines (unigram,
    Kneser-Ney) fit on the file's first 90%."""
    if not text.is_file():
        raise RnnlabError(f"--text {text}: no such file")
    loaded = load(model)
    if not isinstance(loaded, TextModel):
        raise RnnlabError(f"{loaded.path} is a price model; `rnnlab score --text` needs a text "
                          f"model such as {', '.join(TEXT_SHIPPED)}")
    result = loaded.score(text)
    if json_:
        emit_json({"model": str(loaded.path), "text": str(text), "scored_chars": result.chars,
                   "kn_order": result.kn_order, "scores": result.table()})
        return
    typer.echo(result.format(f"{loaded.path.name} on {text.name}: the last 10% "
                             f"({result.chars:,} characters scored)"))
