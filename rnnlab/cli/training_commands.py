"""Training commands: argument parsing and printing around the training verbs of the API.

PyTorch is imported inside each command, never at CLI start-up.
"""

from __future__ import annotations

from pathlib import Path

import typer

from rnnlab.cli.render import emit_json
from rnnlab.runtime import arguments
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.files import check_outputs

CHECKPOINT_HELP = "A checkpoint written by `rnnlab train`."


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _integers(option: str, text: str, example: str) -> list[int]:
    """Comma-separated whole numbers; their checks are the API's (``rnnlab.runtime.arguments``)."""
    try:
        return [int(part) for part in _names(text)]
    except ValueError:
        raise RnnlabError(f"{option} '{text}': use whole numbers separated by commas, "
                          f"e.g. {example}") from None


def _seeds(text: str) -> list[int]:
    return arguments.seeds(_integers("--seeds", text, "0,1,2"))


def _plot(path: Path, evaluation, title: str, target: str) -> None:
    """Real vs predicted test days of an :class:`Evaluation`, to a PNG."""
    from rnnlab.plots import save_lines

    lines = {f"real {target}": ("actual", evaluation.actual),
             "one-step forecast": ("forecast", evaluation.one_step)}
    if evaluation.generation is not None:
        lines["generated from the last training window"] = ("generated", evaluation.generation)
    save_lines(path, evaluation.dates, lines, title, target)


def train(
    csv: Path = typer.Option(None, "--csv", help="Price CSV (Date plus price columns)."),
    text: Path = typer.Option(None, "--text", help="Or a UTF-8 text file: train a character "
                              "language model on its first 90%, score it on the last 10%."),
    preset: str = typer.Option(None, help="seed-lstm (default), seed-gru, seed-rnn, ...; with "
                               "--text: char-lstm (default), char-gru, char-rnn, shakespeare."),
    seeds: str = typer.Option("0", "--seeds", "--seed", help="Comma-separated seeds; one model "
                              "each, then mean ± sd (--text: one seed)."),
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
    threads: int = typer.Option(1, help="PyTorch CPU threads per seed; the same seed and "
                                "thread count always give the same model."),
    workers: int = typer.Option(None, help="Seeds trained at once, in parallel processes "
                                "(default: every seed at once up to two per core, else one "
                                "per core; 1: one after another)."),
    out: Path = typer.Option(None, help="Checkpoint path (default runs/model.pt; with --text "
                             "runs/PRESET.pt); with several seeds each gets -seedN before the "
                             "suffix."),
    json_: bool = typer.Option(False, "--json", help="Print JSON results."),
    plot: Path = typer.Option(None, help="Draw real vs predicted (first seed) to this PNG."),
    progress: bool = typer.Option(True, help="Show a progress bar."),
    precision: str = typer.Option(None, help="fp32 or bf16 (autocast, where the CPU or GPU "
                                  "has bfloat16; the weights stay float32); default: fp32, "
                                  "bf16 for --preset shakespeare; recorded in the card."),
) -> None:
    """Train on the days before --split; score on the days from it.

    With --text, a character language model instead (validation: the text's last 10%)."""
    import rnnlab

    if (csv is None) == (text is None):
        raise RnnlabError("train: give --csv (prices) or --text (a text file), one of them")
    if text is not None:
        from rnnlab.cli.text_training import train_text_command

        price_only = {"--column": column != "High", "--features": features,
                      "--split": split != "2017-01-01", "--window": window,
                      "--transform": transform, "--val-fraction": val_fraction,
                      "--patience": patience, "--missing": missing != "drop",
                      "--device": device not in ("auto", "cpu"), "--workers": workers,
                      "--plot": plot}
        return train_text_command(text, preset or "char-lstm", _seeds(seeds), epochs, batch,
                                  precision, threads, out, json_, progress, price_only)
    preset = preset or "seed-lstm"
    out = out or Path("runs/model.pt")
    seed_list = _seeds(seeds)
    overrides = {"window": window, "epochs": epochs, "batch": batch, "transform": transform,
                 "val_fraction": val_fraction, "patience": patience,
                 "features": _names(features) or None, "precision": precision}
    paths = {seed: out if len(seed_list) == 1 else
             out.with_name(f"{out.stem}-seed{seed}{out.suffix}") for seed in seed_list}
    outs = {"--out": out} if len(seed_list) == 1 else {
        f"--out (seed {seed})": path for seed, path in paths.items()}
    check_outputs({**outs, "--plot": plot}, [csv], make_parents=True)
    runs, evaluations = [], []
    for seed, trained, seconds in rnnlab.train(
            csv, preset, split, seeds=seed_list, target=column, missing=missing,
            device=device, progress=progress, threads=threads, workers=workers, **overrides):
        path = paths[seed]
        trained.save(path)
        evaluation = trained.evaluate()
        evaluations.append(evaluation)
        epochs_run, final_loss = len(trained.history), trained.history[-1]["loss"]
        runs.append({"seed": seed, "checkpoint": str(path), "seconds": seconds,
                     "epochs": epochs_run, "final_loss": final_loss, **evaluation.metrics})
        if plot and len(runs) == 1:
            _plot(plot, evaluation, f"{preset} seed {seed} on {csv.name}", column)
        if not json_:
            typer.echo(f"seed {seed}: {epochs_run} epochs in {seconds:.1f} s "
                       f"({seconds / max(1, epochs_run):.2f} s/epoch), final loss "
                       f"{final_loss:.6f} -> {path}")
            typer.echo(evaluation.format(f"  {preset} seed {seed}"))
    summary = rnnlab.Evaluation.mean_over_seeds(evaluations)
    if json_:
        emit_json({"preset": preset, "recipe": trained.recipe, "csv": str(csv),
                   "runs": runs, "summary": summary})
    elif len(seed_list) > 1:
        seeds_text = ",".join(map(str, seed_list))
        typer.echo(rnnlab.Evaluation.format_metrics(
            {**runs[0], **summary}, f"{preset}, mean ± sd over seeds {seeds_text},"))


def evaluate(
    checkpoint_path: Path = typer.Argument(..., metavar="CHECKPOINT", help=CHECKPOINT_HELP),
    csv: Path = typer.Option(..., "--csv", help="The price CSV the model was trained on."),
    missing: str = typer.Option("drop", help="Rows with an empty value: drop or ffill."),
    json_: bool = typer.Option(False, "--json", help="Print JSON results."),
    plot: Path = typer.Option(None, help="Draw real vs predicted to this PNG."),
) -> None:
    """Score a checkpoint on its test days, beside the baselines.

    The test days are those from the split date stored in the checkpoint."""
    from rnnlab import Trained

    check_outputs({"--plot": plot}, [checkpoint_path, csv])
    trained = Trained.load(checkpoint_path)
    evaluation = trained.evaluate(csv, missing)
    if plot:
        _plot(plot, evaluation, f"{checkpoint_path.name} on {csv.name}", trained.card.target)
    if json_:
        emit_json(evaluation.metrics)
    else:
        typer.echo(evaluation.format(checkpoint_path.name))


def export(
    checkpoint_path: Path = typer.Argument(..., metavar="CHECKPOINT", help=CHECKPOINT_HELP + (
        " Or an rnnlab .onnx file: its weights and card are written again with this "
        "version's graph.")),
    output: Path = typer.Option(..., "-o", "--output", help="The .onnx file to write."),
    text: Path = typer.Option(None, "--text", help="Text models: score the checkpoint on this "
                              "file's last 10% beside the n-grams for the card (needed when "
                              "the checkpoint holds no scores)."),
    int8: bool = typer.Option(False, "--int8", help="int8 weights (onnxruntime's dynamic "
                              "quantization of LSTM and MatMul; GRU and RNN layers stay "
                              "float32): a smaller file, the card says int8."),
) -> None:
    """Write a checkpoint as one self-describing ONNX file.

    The file holds everything the torch-free runtime needs. Given an .onnx file instead,
    write its weights and card again with this version's graph: how a file from an older
    rnnlab gets the faster generation.
    """
    from rnnlab import Trained, TrainedText
    from rnnlab.cli.text_training import export_text, wrote_text
    from rnnlab.runtime.text.card import TextCard
    from rnnlab.training.export import export_file

    check_outputs({"--output": output}, [checkpoint_path, text])
    if checkpoint_path.suffix != ".onnx" and TrainedText.is_checkpoint(checkpoint_path):
        return export_text(checkpoint_path, output, text, int8)
    if text is not None:
        raise RnnlabError(f"--text: {checkpoint_path} is not a text model's checkpoint")
    if checkpoint_path.suffix == ".onnx":
        size, card = export_file(checkpoint_path, output, int8)
        if isinstance(card, TextCard):
            return wrote_text(output, size, card)
    else:
        trained = Trained.load(checkpoint_path)
        card = trained.card
        size = trained.export(output, int8).stat().st_size
    typer.echo(f"wrote {output} ({size / 1024:.0f} KiB{', int8' if int8 else ''}): "
               f"{card.architecture.name}, window {card.encoder.window}, target {card.target}")


def backtest(
    csv: list[Path] = typer.Option(..., "--csv", help="Price CSV; repeat for several tickers."),
    preset: list[str] = typer.Option(["seed-lstm"], "--preset", help="Repeat for several."),
    years: str = typer.Option("2014,2015,2016,2017", help="Test years, one fold each."),
    seeds: str = typer.Option("0", help="Comma-separated seeds per fold."),
    column: str = typer.Option("High", help="The target column to forecast."),
    epochs: int = typer.Option(None, help="Override every preset's epochs."),
    workers: int = typer.Option(None, help="Folds trained at once, in parallel local "
                                "processes (default: every fold at once up to two per core, "
                                "else one per core; 1: one after another)."),
    scheduler: str = typer.Option(None, metavar="ADDRESS", help="Train the folds on the "
                                  "workers of this Dask scheduler (tcp://HOST:8786) instead; "
                                  "needs rnnlab[dask]."),
    store: Path = typer.Option(Path("runs/backtest.sqlite"), help="SQLite store of finished "
                               "folds: each is written as it finishes, and a rerun trains only "
                               "the folds not yet stored."),
    report: bool = typer.Option(False, "--report", help="Train nothing: print the tables from "
                                "the folds in --store (all must be there)."),
    missing: str = typer.Option("drop", help="Rows with an empty value: drop or ffill; each "
                                "warning names its fold."),
    out: Path = typer.Option(None, help="Write the summary table to this Markdown file."),
    json_: bool = typer.Option(False, "--json", help="Print every fold and the summary as JSON."),
    progress: bool = typer.Option(True, help="Show a progress bar over folds (stderr)."),
) -> None:
    """Walk-forward backtest: train before each year, test on it."""
    from contextlib import ExitStack

    from rnnlab.runtime.files import write_text

    year_list = arguments.years(_integers("--years", years, "2016,2017"))
    # The store's folder (runs/ by default) is created when missing; --out's must exist.
    check_outputs({"--store": store}, csv, make_parents=True)
    check_outputs({"--out": out, "--store": store if store.parent.is_dir() else None}, csv)
    if scheduler and (workers or 1) > 1:
        raise RnnlabError("--workers and --scheduler: give one; the scheduler's workers "
                          "train the folds")
    with ExitStack() as stack:
        executor = None
        if scheduler and not report:
            from rnnlab.jobs.cluster import dask_executor

            executor = stack.enter_context(dask_executor(scheduler))
        from rnnlab import backtest as run_backtest  # after the address check

        result = run_backtest(csv, preset, year_list, _seeds(seeds), target=column,
                              workers=workers, executor=executor, store=store,
                              stored_only=report, progress=progress, missing=missing,
                              epochs=epochs)
    for message in (m for fold in result.folds for m in fold.get("warnings", ())):
        typer.echo(f"warning: {message}", err=True)
    table = result.markdown()
    if out:
        write_text(out, table + "\n")
    if json_:
        emit_json(result.to_dict())
    else:
        typer.echo(table + "\n\n" + result.overview() + "\n\nHow sure each ratio is (95% "
                   "moving-block bootstrap interval; Diebold-Mariano statistic, negative "
                   "favours the model, and its p):\n\n" + result.significance_markdown())


def ensemble(
    checkpoints: list[Path] = typer.Argument(..., metavar="CHECKPOINT...",
                                             help="Two or more checkpoints to average."),
    csv: Path = typer.Option(..., "--csv", help="The price CSV the members were trained on."),
    out: Path = typer.Option(..., "-o", "--output", help="The ensemble checkpoint to write."),
    missing: str = typer.Option("drop", help="Rows with an empty value: drop or ffill."),
    json_: bool = typer.Option(False, "--json", help="Print JSON results."),
) -> None:
    """Average trained models into one exportable model.

    For instance seed-lstm and seed-gru checkpoints, scored together on their test days."""
    from rnnlab import ensemble as average

    check_outputs({"--output": out}, [*checkpoints, csv])
    trained = average(checkpoints, csv, missing)
    trained.save(out)
    evaluation = trained.evaluate()
    if json_:
        emit_json(evaluation.metrics)
    else:
        typer.echo(f"wrote {out}: {trained.card.preset}")
        typer.echo(evaluation.format(f"  {out.name}"))
