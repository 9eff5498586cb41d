"""Training commands. PyTorch is imported inside each command, never at CLI start-up."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from rnnlab.cli.app import app
from rnnlab.cli.output import emit_json
from rnnlab.runtime.errors import RnnlabError, warn
from rnnlab.runtime.metrics import format_table

CHECKPOINT_HELP = "A checkpoint written by `rnnlab train`."


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in _names(text)]
    except ValueError:
        raise RnnlabError(f"--seeds '{text}': use whole numbers separated by commas, "
                          "e.g. 0,1,2") from None
    if not seeds:
        raise RnnlabError("--seeds: give at least one seed, e.g. 0")
    return seeds


def _print_result(result: dict, title: str) -> None:
    for view in ("one_step", "generation"):
        if view in result:
            typer.echo(format_table(result[view], f"{title} {view.replace('_', '-')}, "
                                    f"{result['test_start']} to {result['test_end']} "
                                    f"({result['days']} days):"))


def _plot_result(path: Path, result: dict, title: str, target: str) -> None:
    import numpy as np

    from rnnlab.plots import save_lines

    p = result["predictions"]
    lines = {f"real {target}": np.array(p["actual"]), "one-step forecast": np.array(p["one_step"])}
    if "generation" in p:
        lines["generated from the last training window"] = np.array(p["generation"])
    save_lines(path, np.array(p["dates"], dtype="datetime64[D]"), lines, title, target)


@app.command()
def train(
    csv: Path = typer.Option(..., "--csv", help="Price CSV (Date plus price columns)."),
    preset: str = typer.Option("seed-lstm", help="seed-lstm, seed-gru, seed-rnn, ..."),
    seeds: str = typer.Option("0", help="Comma-separated seeds; one model each, then mean ± sd."),
    column: str = typer.Option("High", help="The target column to forecast."),
    features: str = typer.Option("", help="Extra input columns, e.g. Open,Low,Close,Volume."),
    split: str = typer.Option("2017-01-01", help="Test days start on this date."),
    window: int = typer.Option(None, help="Window length (preset: 60)."),
    epochs: int = typer.Option(None, help="Epochs (preset's by default)."),
    batch: int = typer.Option(None, help="Batch size (preset's by default)."),
    transform: str = typer.Option(None, help="level, diff, logret or relative (preset's "
                                  "default)."),
    val_fraction: float = typer.Option(None, help="Hold out this last fraction for validation."),
    patience: int = typer.Option(None, help="Early-stopping patience in epochs (needs "
                                 "--val-fraction)."),
    missing: str = typer.Option("drop", help="Rows with an empty value: drop or ffill."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    threads: int = typer.Option(1, help="PyTorch CPU threads. These models are small: one "
                                "thread is about as fast as two and never oversubscribes."),
    out: Path = typer.Option(Path("runs/model.pt"), help="Checkpoint path; with several seeds "
                             "each gets -seedN before the suffix."),
    json_: bool = typer.Option(False, "--json", help="Print JSON results."),
    plot: Path = typer.Option(None, help="Draw real vs predicted (first seed) to this PNG."),
    progress: bool = typer.Option(True, help="Show a progress bar."),
) -> None:
    """Train forecasters on the days before --split and score them on the days from it."""
    import torch

    from rnnlab.training import checkpoint
    from rnnlab.training.data import load_split
    from rnnlab.training.evaluate import summarize
    from rnnlab.training.presets import preset as find_preset
    from rnnlab.training.run import train as train_one

    torch.set_num_threads(max(1, threads))
    seed_list = _seeds(seeds)
    recipe = find_preset(preset).with_overrides(
        window=window, epochs=epochs, batch=batch, transform=transform,
        val_fraction=val_fraction, patience=patience, features=_names(features) or None)
    data = load_split(str(csv), column, recipe.features, split, missing)
    out.parent.mkdir(parents=True, exist_ok=True)
    runs, results = [], []
    for seed in seed_list:
        began = time.perf_counter()
        trained = train_one(data, recipe, preset, seed, device, progress)
        seconds = time.perf_counter() - began
        path = out if len(seed_list) == 1 else out.with_name(f"{out.stem}-seed{seed}{out.suffix}")
        checkpoint.save(path, trained.model, trained.card, recipe.to_dict())
        results.append(trained.result)
        runs.append({"seed": seed, "checkpoint": str(path), "seconds": seconds,
                     "epochs": len(trained.history), "final_loss": trained.history[-1]["loss"],
                     **{k: v for k, v in trained.result.items() if k != "predictions"}})
        if plot and len(runs) == 1:
            _plot_result(plot, trained.result, f"{preset} seed {seed} on {csv.name}", column)
        if not json_:
            typer.echo(f"seed {seed}: {len(trained.history)} epochs in {seconds:.1f} s "
                       f"({seconds / max(1, len(trained.history)):.2f} s/epoch), final loss "
                       f"{trained.history[-1]['loss']:.6f} -> {path}")
            _print_result(trained.result, f"  {preset} seed {seed}")
    summary = summarize(results)
    if json_:
        emit_json({"preset": preset, "recipe": recipe.to_dict(), "csv": str(csv),
                   "runs": runs, "summary": summary})
    elif len(seed_list) > 1:
        _print_result({**runs[0], **summary},
                      f"{preset}, mean ± sd over seeds {','.join(map(str, seed_list))},")


@app.command()
def evaluate(
    checkpoint_path: Path = typer.Argument(..., metavar="CHECKPOINT", help=CHECKPOINT_HELP),
    csv: Path = typer.Option(..., "--csv", help="The price CSV the model was trained on."),
    missing: str = typer.Option("drop", help="Rows with an empty value: drop or ffill."),
    json_: bool = typer.Option(False, "--json", help="Print JSON results."),
    plot: Path = typer.Option(None, help="Draw real vs predicted to this PNG."),
) -> None:
    """Score a checkpoint on its test days (from its split date), beside the baselines."""
    from rnnlab.training import checkpoint
    from rnnlab.training.data import load_split
    from rnnlab.training.evaluate import evaluate as evaluate_model

    model, card, _ = checkpoint.load(checkpoint_path)
    data = load_split(str(csv), card.target, card.encoder.columns[1:], card.split, missing)
    if data.sha256 != card.data_sha256:
        warn(f"{csv}: differs from the file the model was trained on ({card.data_file})")
    result = evaluate_model(model, card, data)
    if plot:
        _plot_result(plot, result, f"{checkpoint_path.name} on {csv.name}", card.target)
    if json_:
        emit_json({k: v for k, v in result.items() if k != "predictions"})
    else:
        _print_result(result, checkpoint_path.name)


@app.command()
def export(
    checkpoint_path: Path = typer.Argument(..., metavar="CHECKPOINT", help=CHECKPOINT_HELP),
    output: Path = typer.Option(..., "-o", "--output", help="The .onnx file to write."),
) -> None:
    """Write a checkpoint as one self-describing ONNX file for the runtime."""
    from rnnlab.training import checkpoint
    from rnnlab.training.export import export as export_model

    model, card, _ = checkpoint.load(checkpoint_path)
    size = export_model(model, card, output)
    typer.echo(f"wrote {output} ({size / 1024:.0f} KiB): {card.architecture.name}, "
               f"window {card.encoder.window}, target {card.target}")


@app.command()
def backtest(
    csv: list[Path] = typer.Option(..., "--csv", help="Price CSV; repeat for several tickers."),
    preset: list[str] = typer.Option(["seed-lstm"], "--preset", help="Repeat for several."),
    years: str = typer.Option("2014,2015,2016,2017", help="Test years, one fold each."),
    seeds: str = typer.Option("0", help="Comma-separated seeds per fold."),
    column: str = typer.Option("High", help="The target column to forecast."),
    epochs: int = typer.Option(None, help="Override every preset's epochs."),
    workers: int = typer.Option(1, help="Folds trained in parallel processes."),
    out: Path = typer.Option(None, help="Write the summary table to this Markdown file."),
    json_: bool = typer.Option(False, "--json", help="Print every fold and the summary as JSON."),
) -> None:
    """Walk-forward backtest: each year tested by a model trained on all days before it."""
    from rnnlab.runtime.files import write_text
    from rnnlab.training.backtest import backtest as run_backtest
    from rnnlab.training.backtest import markdown, summarize_folds

    try:
        year_list = [int(y) for y in _names(years)]
    except ValueError:
        raise RnnlabError(f"--years '{years}': use years separated by commas") from None
    overrides = {"epochs": epochs} if epochs else {}
    folds = run_backtest([str(c) for c in csv], preset, year_list, _seeds(seeds), column,
                         overrides, workers,
                         lambda done, total: typer.echo(f"fold {done}/{total}", err=True))
    rows = summarize_folds(folds)
    table = markdown(rows)
    if out:
        write_text(out, table + "\n")
    if json_:
        emit_json({"folds": folds, "summary": rows})
    else:
        typer.echo(table)


@app.command()
def ensemble(
    checkpoints: list[Path] = typer.Argument(..., metavar="CHECKPOINT...",
                                             help="Two or more checkpoints to average."),
    csv: Path = typer.Option(..., "--csv", help="The price CSV the members were trained on."),
    out: Path = typer.Option(..., "-o", "--output", help="The ensemble checkpoint to write."),
    missing: str = typer.Option("drop", help="Rows with an empty value: drop or ffill."),
    json_: bool = typer.Option(False, "--json", help="Print JSON results."),
) -> None:
    """Average trained models (e.g. seed-lstm and seed-gru) into one exportable model."""
    from rnnlab.training import checkpoint
    from rnnlab.training.data import load_split
    from rnnlab.training.ensemble import combine
    from rnnlab.training.run import finish

    model, card = combine([checkpoint.load(path)[:2] for path in checkpoints])
    data = load_split(str(csv), card.target, card.encoder.columns[1:], card.split, missing)
    trained = finish(model, card, data, [])
    checkpoint.save(out, trained.model, trained.card, {"members": [str(p) for p in checkpoints]})
    if json_:
        emit_json({k: v for k, v in trained.result.items() if k != "predictions"})
    else:
        typer.echo(f"wrote {out}: {trained.card.preset}")
        _print_result(trained.result, f"  {out.name}")
