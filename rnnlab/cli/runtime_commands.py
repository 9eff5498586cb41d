"""Runtime commands: numpy + onnxruntime only (matplotlib only for --plot)."""

from __future__ import annotations

from pathlib import Path

import typer

from rnnlab.cli.render import emit_json, write_table
from rnnlab.runtime.files import check_outputs
from rnnlab.runtime.forecaster import MAX_STEPS, load
from rnnlab.runtime.scores.metrics import format_table
from rnnlab.runtime.scores.paths import PATHS, format_paths_table
from rnnlab.runtime.shipped import DEFAULT, FORECASTER, SHIPPED, TEXT_SHIPPED, resolve
from rnnlab.runtime.text.model import MAX_CHARS, TextModel

MODEL_HELP = ("An rnnlab ONNX file (from `rnnlab export`), or a shipped model's name: "
              f"{', '.join(SHIPPED)} (prices), {', '.join(TEXT_SHIPPED)} (text).")
MISSING_HELP = "Rows with an empty value: drop them, or ffill (take the previous day's)."


def forecast(
    model: Path = typer.Argument(None, help=MODEL_HELP + f" Default: {FORECASTER} "
                                 "(scale-free: any ticker's daily prices)."),
    csv: Path = typer.Option(..., "--csv", help="Price CSV with the model's columns."),
    start: str = typer.Option(None, help="First day to forecast (default: after training)."),
    end: str = typer.Option(None, help="Last day to forecast (default: the file's last)."),
    out: Path = typer.Option(None, help="Write Date,actual,forecast,persistence to this CSV."),
    json_: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    plot: Path = typer.Option(None, help="Draw actual vs forecast to this PNG."),
    missing: str = typer.Option("drop", help=MISSING_HELP),
    interval: float = typer.Option(None, help="Add split-conformal intervals of this nominal "
                                   "coverage (e.g. 0.9), calibrated on the model's one-step "
                                   "errors on the 250 days before the first forecast day."),
) -> None:
    """One-step forecasts from true history, beside baselines.

    The baselines: linear (ridge on the model's inputs, fit on the rows before the first
    forecast day), close-anchored (when Close is an input), persistence and flat."""
    check_outputs({"--out": out, "--plot": plot}, [csv, resolve(model, FORECASTER)])
    forecaster = load(model, default=FORECASTER)
    result = forecaster.forecast(csv, start, end, missing, interval)
    target = forecaster.card.target
    if out:
        write_table(out, *result.table())
    if plot:
        from rnnlab.plots import save_lines

        save_lines(plot, result.dates, {f"real {target}": ("actual", result.actual),
                                        "one-step forecast": ("forecast", result.predicted)},
                   f"{forecaster.path.name}: one-step forecasts", target,
                   band=None if interval is None else (result.lower[:-1], result.upper[:-1]),
                   band_label=f"{interval:.0%} conformal interval" if interval else "")
    exchange = forecaster.card.exchange
    summary = {"model": str(forecaster.path), "csv": str(csv), **result.to_dict()}
    if json_:
        emit_json(summary)
        return
    title = (f"{forecaster.path.name} on {csv.name}: one-step {target}, "
             f"{summary['start']} to {summary['end']} ({summary['days']} days)")
    typer.echo(format_table(result.scores, title))
    next_day = f"next {exchange} trading day {result.next_date}: {result.next_value:.2f}"
    if interval is None:
        typer.echo(next_day)
        return
    typer.echo(f"{interval:.0%} conformal interval held the real {target} on "
               f"{result.coverage:.1%} of these days")
    typer.echo(f"{next_day} ({result.lower[-1]:.2f} to {result.upper[-1]:.2f})")


def generate(
    model: Path = typer.Argument(None, help=MODEL_HELP + f" Default: {DEFAULT} (scale-free: "
                                 "any ticker)."),
    csv: Path = typer.Option(None, "--csv", help="History to start from (default: the "
                             "window stored in the model)."),
    start: str = typer.Option(None, help="With --csv: start on this day, using only the rows "
                              "before it, and score the path against the rows from it."),
    steps: int = typer.Option(251, help=f"Days to generate (1 to {MAX_STEPS}): the file's "
                              "days where it has them, the exchange's trading days after "
                              "it (the model card's exchange: NYSE for the shipped models)."),
    mode: str = typer.Option(None, help="windowed (re-run the window, as trained) or "
                             "stateful (carry the state: one cell update per step). Default: "
                             "windowed for one path, stateful with --samples, where it is "
                             "many times cheaper (measured in benchmarks/sampling.md)."),
    out: Path = typer.Option(None, help="Write Date,median,p05,p95 (with --samples 0: "
                             "Date,generated), and actual where --csv has the days, to this "
                             "CSV."),
    json_: bool = typer.Option(False, "--json", help="Print JSON instead of a summary."),
    plot: Path = typer.Option(None, help="Draw the fan chart (median and 5-95% band) to this "
                              "PNG (with --samples 0: the one path)."),
    samples: int = typer.Option(None, help=f"Sample this many noisy paths in one batched run "
                                "(noise: the model's residual spread on its training days) and "
                                "report their median and 5-95% band; 0: the path of the mean "
                                "one-step forecast, fed back (not a forecast of the path). "
                                f"Default {PATHS}; text models: this many texts, default 1."),
    seed: int = typer.Option(0, help="Random seed of the sampled paths (and of the text)."),
    missing: str = typer.Option("drop", help=MISSING_HELP),
    prompt: str = typer.Option(None, help="Text models: the text to continue (default: a "
                               "newline); every character must be in the model's vocabulary."),
    chars: int = typer.Option(None, help=f"Text models: characters to generate (1 to "
                              f"{MAX_CHARS:,}; default 500)."),
    temperature: float = typer.Option(None, help="Text models: > 0; below 1 sharper, above 1 "
                                      "more random (default 1)."),
    top_k: int = typer.Option(None, help="Text models: draw from the K likeliest characters "
                              "only (default 0: all)."),
) -> None:
    """Generate days (or text), feeding each forecast back.

    A price model generates STEPS trading days; a text model (e.g. shakespeare) CHARS
    characters after --prompt."""
    check_outputs({"--out": out, "--plot": plot}, [csv, resolve(model)])
    from rnnlab.cli.text_commands import check_kind, generate_text

    forecaster = load(model)
    check_kind(forecaster, {"--prompt": prompt, "--chars": chars, "--temperature": temperature,
                            "--top-k": top_k},
               {"--csv": csv, "--start": start, "--mode": mode, "--plot": plot,
                "--missing": missing != "drop"})
    if isinstance(forecaster, TextModel):
        return generate_text(forecaster, prompt, chars, temperature, top_k, seed,
                             1 if samples is None else samples, out, json_)
    samples = PATHS if samples is None else samples
    result = forecaster.generate(steps, csv, mode, samples, seed, start, missing)
    name, target = Path(forecaster.path).name, forecaster.card.target
    if out:
        write_table(out, *result.table())
    if plot:
        from rnnlab.plots import save_lines

        lines = {result.label: ("generated", result.median)}
        if len(result.actual):
            lines = {f"real {target}": ("actual", result.table()[1]["actual"]), **lines}
        save_lines(plot, result.dates, lines, f"{name}: {steps} generated days from "
                   f"{result.start_date}", target, band=result.band if samples else None)
    if json_:
        emit_json({"model": str(forecaster.path), **result.to_dict()})
        return
    typer.echo(f"{name}: {steps} steps after {result.start_date} ({target} "
               f"{result.start_value:.2f}), {result.mode} generation, "
               f"{forecaster.card.exchange} trading days; "
               + (f"{result.label} and their 5-95% band" if samples else result.label))
    (low, high), median = result.band, result.median
    shown = range(steps) if steps <= 10 else [*range(5), *range(steps - 5, steps)]
    for k in shown:
        band = f"  ({low[k]:.2f} to {high[k]:.2f})" if samples else ""
        typer.echo(f"  {result.dates[k]}  {median[k]:9.2f}{band}"
                   + ("  ..." if k == 4 and steps > 10 else ""))
    if result.scores:
        typer.echo(format_paths_table(result.scores, f"scored as distributions against "
                                      f"{len(result.actual)} real days of {csv.name}:"))


def info(
    model: Path = typer.Argument(None, help=MODEL_HELP + f" Default: {DEFAULT} (scale-free: "
                                 "any ticker)."),
    json_: bool = typer.Option(False, "--json", help="Print the card as JSON."),
) -> None:
    """Show a model's card: what it is, its data and its scores."""
    forecaster = load(model)
    if isinstance(forecaster, TextModel):
        from rnnlab.cli.text_commands import show_text_info

        return show_text_info(forecaster, json_)
    card = forecaster.card
    if json_:
        emit_json(card.to_dict())
        return
    arch, enc = card.architecture, card.encoder
    typer.echo(f"{forecaster.path} ({Path(forecaster.path).stat().st_size / 1024:.0f} KiB)")
    typer.echo(f"  model      {arch.layers} x {arch.name.upper()}({arch.units}), preset "
               f"'{card.preset}', seed {card.seed}")
    typer.echo(f"  inputs     {', '.join(enc.columns)}; window {enc.window}; "
               f"transform {enc.transform}; target {card.target}")
    typer.echo(f"  trained on {card.data_file} {card.train_start} to {card.train_end}")
    typer.echo(f"  data       sha256 {card.data_sha256[:16]}...")
    typer.echo(f"  history    {len(card.history)} days stored, ending {card.history_end}")
    typer.echo(f"  dates      {card.exchange} trading days")
    int8 = ", int8 weights" if card.weights == "int8" else ""
    typer.echo(f"  rnnlab     {card.rnnlab_version}, format {card.format}{int8}")
    m = card.metrics
    for view in ("one_step", "generation"):
        if view not in m:
            continue
        table, formatter = m[view], format_table
        if view == "generation" and "crps" in table["model"]:
            formatter = format_paths_table
        elif view == "generation":  # a card from before sampled paths: generators only
            table = {name: table[name] for name in ("model", "flat")}
        typer.echo(formatter(table, f"  test {view.replace('_', '-')} "
                             f"{m['test_start']} to {m['test_end']} ({m['days']} days):"))
    typer.echo(f"  noise      sampled paths add N(0, {card.residual_sd:.4g}) to each scaled "
               "prediction,\n             the spread of its one-step errors on its training days")
