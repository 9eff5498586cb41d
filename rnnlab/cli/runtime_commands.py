"""Runtime commands: numpy + onnxruntime only (matplotlib only for --plot)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from rnnlab.cli.app import app
from rnnlab.cli.output import emit_json, write_csv
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.metrics import compare, format_table
from rnnlab.runtime.model import MAX_STEPS, Model, load
from rnnlab.runtime.prices import Prices, parse_date, read_prices
from rnnlab.runtime.shipped import SHIPPED

MODEL_HELP = ("An rnnlab ONNX file (from `rnnlab export`), or a shipped model's name: "
              f"{', '.join(SHIPPED)}.")
MISSING_HELP = "Rows with an empty value: drop them, or ffill (take the previous day's)."


@app.command()
def forecast(
    model: Path = typer.Argument(..., help=MODEL_HELP),
    csv: Path = typer.Option(..., "--csv", help="Price CSV with the model's columns."),
    start: str = typer.Option(None, help="First day to forecast (default: after training)."),
    end: str = typer.Option(None, help="Last day to forecast (default: the file's last)."),
    out: Path = typer.Option(None, help="Write Date,actual,forecast,persistence to this CSV."),
    json_: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    plot: Path = typer.Option(None, help="Draw actual vs forecast to this PNG."),
    missing: str = typer.Option("drop", help=MISSING_HELP),
) -> None:
    """One-step-ahead forecasts from true history, beside persistence and flat."""
    forecaster = load(model)
    result = forecaster.forecast(read_prices(csv, forecaster.encoder.columns, missing),
                                 start, end)
    target = forecaster.card.target
    if out:
        rows = zip(result.dates.astype(str), result.actual, result.predicted, result.previous)
        write_csv(out, ["Date", "actual", "forecast", "persistence"],
                  [*rows, (str(result.next_date), None, result.next_value, None)])
    if plot:
        from rnnlab.plots import save_lines

        save_lines(plot, result.dates, {f"real {target}": result.actual,
                                        "one-step forecast": result.predicted},
                   f"{forecaster.path.name}: one-step forecasts", target)
    summary = {"model": str(forecaster.path), "csv": str(csv), "start": result.dates[0],
               "end": result.dates[-1], "days": len(result.dates), "scores": result.scores,
               "next": {"date": result.next_date, "forecast": result.next_value}}
    if json_:
        emit_json(summary)
        return
    title = (f"{forecaster.path.name} on {csv.name}: one-step {target}, "
             f"{summary['start']} to {summary['end']} ({summary['days']} days)")
    typer.echo(format_table(result.scores, title))
    typer.echo(f"next weekday {result.next_date}: {result.next_value:.2f}")


@app.command()
def generate(
    model: Path = typer.Argument(None, help=MODEL_HELP + " Default: the shipped model."),
    csv: Path = typer.Option(None, "--csv", help="History to start from (default: the "
                             "window stored in the model)."),
    start: str = typer.Option(None, help="With --csv: start on this day, using only the rows "
                              "before it, and score the path against the rows from it."),
    steps: int = typer.Option(251, help=f"Trading days to generate (1 to {MAX_STEPS})."),
    mode: str = typer.Option(None, help="windowed (re-run the window, as trained) or "
                             "stateful (carry the state: one cell update per step). Default: "
                             "windowed for one path, stateful with --samples, where it is "
                             "about 40x cheaper."),
    out: Path = typer.Option(None, help="Write Date,generated to this CSV."),
    json_: bool = typer.Option(False, "--json", help="Print JSON instead of a summary."),
    plot: Path = typer.Option(None, help="Draw the generated path to this PNG (with "
                              "--samples: a fan chart)."),
    samples: int = typer.Option(0, help="Sample this many noisy paths in one batched run and "
                                "report their median and 5-95% band."),
    seed: int = typer.Option(0, help="Random seed for --samples."),
    missing: str = typer.Option("drop", help=MISSING_HELP),
) -> None:
    """Generate the next STEPS days autoregressively, feeding each prediction back in."""
    forecaster = load(model)
    history, (truth_dates, truth) = _history(forecaster, csv, start, missing)
    mode = mode or ("stateful" if samples else "windowed")
    result = forecaster.generate(steps, history, mode, samples, seed)
    # Step k is the k-th trading day after the history: where the file has those days,
    # label the steps with their real dates, after them with weekdays.
    known = truth_dates[:steps]
    after = known[-1] if len(known) else result.start_date
    dates = np.r_[known, np.busday_offset(after, np.arange(1, steps - len(known) + 1),
                                          roll="forward")]
    low, path, high = np.quantile(result.values, [0.05, 0.5, 0.95], axis=0)
    truth = truth[:steps]
    scored = len(truth)
    scores = None
    if scored:
        previous = np.r_[result.start_value, truth[:-1]]
        name = "median path" if samples else "generated"
        scores = compare(truth, {name: path[:scored]}, previous, result.start_value)
    if out:
        header, columns = ["Date", "generated"], [path]
        if samples:
            header, columns = ["Date", "median", "p05", "p95"], [path, low, high]
        write_csv(out, header, zip(dates.astype(str), *columns))
    if plot:
        from rnnlab.plots import save_lines

        name = f"median of {samples} sampled paths" if samples else f"generated ({mode})"
        lines = {name: path}
        if scored:
            lines = {f"real {forecaster.card.target}": np.r_[truth, [np.nan] * (steps - scored)],
                     **lines}
        save_lines(plot, dates, lines, f"{Path(forecaster.path).name}: {steps} generated "
                   f"days from {result.start_date}", forecaster.card.target,
                   band=(low, high) if samples else None)
    summary = {"model": str(forecaster.path), "mode": mode, "start_date": result.start_date,
               "start_value": result.start_value, "steps": steps, "samples": samples,
               "scores": scores, "dates": dates, "generated": path}
    if samples:
        summary |= {"p05": low, "p95": high}
    if json_:
        emit_json(summary)
        return
    typer.echo(f"{Path(forecaster.path).name}: {steps} trading days after {result.start_date} "
               f"({forecaster.card.target} {result.start_value:.2f}), {mode} generation")
    shown = range(steps) if steps <= 10 else [*range(5), *range(steps - 5, steps)]
    for k in shown:
        typer.echo(f"  {dates[k]}  {path[k]:9.2f}" + ("  ..." if k == 4 and steps > 10
                                                                   else ""))
    if scores:
        typer.echo(format_table(scores, f"scored against {scored} real days of {csv.name}:"))


def _history(forecaster: Model, csv: Path | None, start: str | None,
             missing: str) -> tuple[Prices | None, tuple[np.ndarray, np.ndarray]]:
    """The history to start from (None: the model's own) and the real days after it
    (their dates and target values)."""
    if csv is None:
        if start is not None:
            raise RnnlabError("--start: needs --csv, the file to take history and actuals from")
        return None, (np.empty(0, "datetime64[D]"), np.empty(0))
    prices = read_prices(csv, forecaster.encoder.columns, missing)
    cut = len(prices.dates) if start is None else prices.before(parse_date(start, "--start"))
    history = Prices(prices.dates[:cut], prices.values[:cut], prices.columns, prices.path)
    return history, (prices.dates[cut:], prices.values[cut:, 0])


@app.command()
def info(
    model: Path = typer.Argument(None, help=MODEL_HELP + " Default: the shipped model."),
    json_: bool = typer.Option(False, "--json", help="Print the card as JSON."),
) -> None:
    """Show a model's card: what it is, what it was trained on, how well it did."""
    forecaster = load(model)
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
    typer.echo(f"  trained on {card.data_file} {card.train_start} to {card.train_end} "
               f"(sha256 {card.data_sha256[:16]}...)")
    typer.echo(f"  history    {len(card.history)} days stored, ending {card.history_end}")
    typer.echo(f"  rnnlab     {card.rnnlab_version}, format {card.format}")
    for view in ("one_step", "generation"):
        if view in card.metrics:
            m = card.metrics
            typer.echo(format_table(m[view], f"  test {view.replace('_', '-')} "
                                    f"{m['test_start']} to {m['test_end']} ({m['days']} days):"))
