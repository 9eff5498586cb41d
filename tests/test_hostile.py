"""Hostile inputs through the CLI: every one is exit code 2 and a single ``error:`` line,
with no traceback, and leaves every file as it was (no output written, no input changed).

Cases by kind: CSVs, models (ONNX files and their metadata), checkpoints, arguments and
output paths; the inputs themselves are built in tests/hostile.py.
"""

from __future__ import annotations

import errno
import json
import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest
from helpers import write_prices
from hostile import (
    CSV_CASES,
    POSITIVE_CASES,
    TOO_SHORT_CASES,
    VOLUME_CASES,
    csv_with,
    metadata_cases,
)

from rnnlab.runtime.errors import CONTROL


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_refused(result: tuple[int, str, str]) -> None:
    """Exit code 2; stderr is warnings then exactly one ``error:`` line; nothing on stdout."""
    code, out, err = result
    lines = err.splitlines()
    assert code == 2, err
    assert "Traceback" not in err and out == ""
    assert lines and lines[-1].startswith("error: "), err
    assert all(line.startswith("warning: ") for line in lines[:-1]), err
    assert not CONTROL.search(err.replace("\n", "")), err


@pytest.fixture
def work(tmp_path, tiny):
    """A folder with copies of the tiny model's files; ``run`` checks nothing changed."""
    for key in ("csv", "onnx", "pt"):
        shutil.copy(tiny[key], tmp_path / tiny[key].name)
    (tmp_path / "folder").mkdir()
    return tmp_path


@pytest.fixture
def refused(cli, work):
    """Run ``rnnlab ARGS`` ({name} filled from the work folder); assert it is refused cleanly."""
    def run(*args: str) -> str:
        names = {"csv": work / "prices.csv", "onnx": work / "tiny.onnx", "pt": work / "tiny.pt",
                 "dir": work / "folder", "work": work}
        before = snapshot(work)
        result = cli(*[a.format(**names) for a in args])
        assert_refused(result)
        assert snapshot(work) == before
        return result[2]
    return run


# -- CSVs ---------------------------------------------------------------------------------

BAD_CSV = ["--csv", "{work}/bad.csv"]
CSV_RUNS = {
    **{name: (content, ["forecast", "{onnx}", *BAD_CSV, "--out", "{work}/out.csv"])
       for name, content in CSV_CASES.items()},
    # the relative transform of the shipped ohlc-gru needs prices above zero
    **{name: (content, ["forecast", "ohlc-gru", *BAD_CSV, "--out", "{work}/out.csv"])
       for name, content in POSITIVE_CASES.items()},
    **{name: (content, ["generate", "{onnx}", *BAD_CSV, "--out", "{work}/out.csv"])
       for name, content in TOO_SHORT_CASES.items()},
    **{name: (content, ["train", *BAD_CSV, "--features", "Volume", "--split", "2015-02-01",
                        "--out", "{work}/m.pt"]) for name, content in VOLUME_CASES.items()},
}


@pytest.mark.parametrize("content, args", CSV_RUNS.values(), ids=CSV_RUNS.keys())
def test_hostile_csv(refused, work, content, args):
    (work / "bad.csv").write_bytes(content)
    refused(*args)


# -- models -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def tiny_proto(tiny):
    import onnx

    return onnx.load(tiny["onnx"])


# The case names; each case's value is made from the tiny model's real card in the test.
METADATA = list(metadata_cases({
    "architecture": {"cells": ["lstm"]}, "encoder": {"columns": ["High"], "lo": [0.0],
                                                     "hi": [1.0]},
    "history": [[1.0]], "metrics": {}}))


@pytest.mark.parametrize("name", METADATA)
def test_hostile_metadata(refused, work, tiny_proto, name):
    import onnx

    proto = onnx.ModelProto()
    proto.CopyFrom(tiny_proto)
    props = {p.key: p.value for p in proto.metadata_props}
    card = {k[len("rnnlab."):]: json.loads(v) for k, v in props.items()
            if k.startswith("rnnlab.")}
    field, value = metadata_cases(card)[name]
    if value is None:
        del props[f"rnnlab.{field}"]
    else:
        props[f"rnnlab.{field}"] = value
    del proto.metadata_props[:]
    onnx.helper.set_model_props(proto, props)
    onnx.save(proto, work / "bad.onnx")
    err = refused("info", "{work}/bad.onnx")
    assert "bad.onnx" in err


MODEL_FILES = {
    "text file": b"not a model\n",
    "empty file": b"",
    "random bytes": bytes(range(256)) * 8,
    "a csv": csv_with(),
    "a pickle": pickle.dumps({"a": 1}),
}


@pytest.mark.parametrize("content", MODEL_FILES.values(), ids=MODEL_FILES.keys())
def test_hostile_model_file(refused, work, content):
    (work / "bad.onnx").write_bytes(content)
    refused("forecast", "{work}/bad.onnx", "--csv", "{csv}", "--out", "{work}/o.csv")


def test_truncated_model(refused, work):
    (work / "bad.onnx").write_bytes((work / "tiny.onnx").read_bytes()[:2000])
    refused("info", "{work}/bad.onnx")


def test_model_is_a_folder(refused):
    refused("info", "{dir}")


# -- checkpoints --------------------------------------------------------------------------

class RunsCode:
    """A pickle that would run a command if it were ever unpickled without weights_only."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def checkpoint_cases(payload: dict, work: Path) -> dict:
    import torch

    card, weights = payload["card"], payload["state_dict"]
    first = next(iter(weights))
    return {
        "garbage bytes": b"not a checkpoint",
        "empty file": b"",
        "code-running pickle": pickle.dumps(RunsCode(work / "pwned")),
        "a list": [1, 2, 3],
        "no card": {"format": 1, "state_dict": weights},
        "card is an int": {**payload, "card": 3},
        "card is a list": {**payload, "card": [card]},
        "state_dict is a list": {**payload, "state_dict": [1]},
        "state_dict missing": {k: v for k, v in payload.items() if k != "state_dict"},
        "state_dict text values": {**payload, "state_dict": {k: "w" for k in weights}},
        "state_dict int tensors": {**payload, "state_dict": {
            k: v.to(torch.int64) for k, v in weights.items()}},
        "state_dict wrong shape": {**payload, "state_dict": {
            **weights, first: torch.zeros(3, 3)}},
        "state_dict missing a key": {**payload, "state_dict": dict(list(weights.items())[1:])},
        "state_dict NaN weights": {**payload, "state_dict": {
            **weights, first: weights[first] * float("nan")}},
        "card window text": {**payload, "card": {**card, "encoder": {
            **card["encoder"], "window": "10"}}},
        "card units huge": {**payload, "card": {**card, "architecture": {
            **card["architecture"], "units": 10**6}}},
        "card preset newline": {**payload, "card": {**card, "preset": "a\nerror: fake"}},
        "format missing": {k: v for k, v in payload.items() if k != "format"},
        "format 99": {**payload, "format": 99},
        "an onnx file": (work / "tiny.onnx").read_bytes(),
        "a zip of text": _zip_bytes(),
    }


def _zip_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.pkl", "hello")
    return buffer.getvalue()


CHECKPOINTS = ["garbage bytes", "empty file", "code-running pickle", "a list", "no card",
               "card is an int", "card is a list", "state_dict is a list", "state_dict missing",
               "state_dict text values", "state_dict int tensors", "state_dict wrong shape",
               "state_dict missing a key", "state_dict NaN weights", "card window text",
               "card units huge", "card preset newline", "format missing", "format 99",
               "an onnx file", "a zip of text"]


@pytest.mark.parametrize("name", CHECKPOINTS)
def test_hostile_checkpoint(refused, work, name):
    import torch

    payload = torch.load(work / "tiny.pt", weights_only=True)
    case = checkpoint_cases(payload, work)[name]
    bad = work / "bad.pt"
    if isinstance(case, bytes):
        bad.write_bytes(case)
    else:
        torch.save(case, bad)
    refused("export", "{work}/bad.pt", "-o", "{work}/out.onnx")
    assert not (work / "pwned").exists()


def test_checkpoint_is_a_folder(refused):
    refused("evaluate", "{dir}", "--csv", "{csv}")


# -- arguments ----------------------------------------------------------------------------

TRAIN = ["train", "--csv", "{csv}", "--split", "2015-08-01", "--out", "{work}/m.pt"]
GENERATE = ["generate", "{onnx}", "--out", "{work}/g.csv"]
FORECAST = ["forecast", "{onnx}", "--csv", "{csv}", "--out", "{work}/f.csv"]
BACKTEST = ["backtest", "--csv", "{csv}", "--out", "{work}/b.md"]
ARGUMENTS = {
    **{f"train --{flag} {value}": [*TRAIN, f"--{flag}", value] for flag, value in [
        ("epochs", "0"), ("epochs", "-1"), ("epochs", "x"), ("window", "0"), ("window", "-5"),
        ("window", "20000"), ("batch", "0"), ("batch", "-1"), ("val-fraction", "1.5"),
        ("val-fraction", "1.0"), ("val-fraction", "-0.1"), ("val-fraction", "nan"),
        ("patience", "-1"), ("patience", "3"), ("seeds", "-1"), ("seeds", "a,b"),
        ("seeds", ","), ("seeds", "0,4294967296"), ("seeds", "0,0"), ("split", "2017"),
        ("split", "20170301"), ("split", "2030-01-01"), ("split", "1990-01-01"),
        ("transform", "sqrt"), ("preset", "nope"), ("device", "tpu"), ("column", "Adj"),
        ("features", "Nope"), ("missing", "zero"), ("threads", "many"), ("threads", "0"),
        ("workers", "0"), ("workers", "65")]},
    "train val-fraction 0 for return-gru": [*TRAIN, "--preset", "return-gru",
                                            "--val-fraction", "0"],
    "train without --csv": ["train", "--out", "{work}/m.pt"],
    "train unknown option": [*TRAIN, "--bogus"],
    **{f"backtest --{flag} {value}": [*BACKTEST, f"--{flag}", value] for flag, value in [
        ("years", "1990"), ("years", "3000"), ("years", "abc"), ("years", "99999"),
        ("years", ","), ("workers", "0"), ("seeds", "-2"), ("epochs", "0"),
        ("preset", "nope")]},
    **{f"generate --{flag} {value}": [*GENERATE, f"--{flag}", value] for flag, value in [
        ("steps", "0"), ("steps", "-1"), ("steps", "10001"), ("samples", "-1"),
        ("samples", "10001"), ("mode", "sideways"), ("start", "2015-08-01"),
        ("steps", "1.5")]},
    "generate --seed -1 with samples": [*GENERATE, "--samples", "2", "--seed", "-1"],
    "generate bad --start": [*GENERATE, "--csv", "{csv}", "--start", "2015-13-01"],
    "generate a one-step model": ["generate", "ohlc-gru", "--out", "{work}/g.csv"],
    **{f"forecast --{flag} {value}": [*FORECAST, f"--{flag}", value] for flag, value in [
        ("start", "2030-01-01"), ("end", "1990-01-01"), ("start", "yesterday"),
        ("end", "2015-02-30"), ("missing", "zero")]},
    "forecast absent csv": ["forecast", "{onnx}", "--csv", "{work}/absent.csv"],
    "forecast absent model": ["forecast", "{work}/absent.onnx", "--csv", "{csv}"],
    "forecast misspelt shipped model": ["forecast", "ohlc", "--csv", "{csv}"],
    "evaluate absent checkpoint": ["evaluate", "{work}/absent.pt", "--csv", "{csv}"],
    "ensemble different splits": ["ensemble", "{pt}", "{pt}", "--csv", "{csv}", "-o",
                                  "{work}/e.pt", "--missing", "zero"],
    "no such command": ["nosuch"],
    "unknown global option": ["--bogus"],
    "info two models": ["info", "{onnx}", "{onnx}"],
}


@pytest.mark.parametrize("args", ARGUMENTS.values(), ids=ARGUMENTS.keys())
def test_hostile_arguments(refused, args):
    refused(*args)


def test_arguments_are_named_as_passed(refused, work):
    assert "--val-fraction 1.5: must be between" in refused(*TRAIN, "--val-fraction", "1.5")
    write_prices(work / "short.csv", days=8)
    # neither --start nor --end given: neither is blamed
    err = refused("forecast", "{onnx}", "--csv", "{work}/short.csv")
    assert "8 rows are too few" in err and "--start" not in err and "--end" not in err


# -- output paths -------------------------------------------------------------------------

OUTPUTS = {
    "forecast --out a folder": [*FORECAST[:4], "--out", "{dir}"],
    "forecast --out in a missing folder": [*FORECAST[:4], "--out", "{work}/nope/f.csv"],
    "forecast --out under a file": [*FORECAST[:4], "--out", "{csv}/f.csv"],
    "forecast --out in /proc": [*FORECAST[:4], "--out", "/proc/rnnlab-f.csv"],
    "forecast --out in /sys": [*FORECAST[:4], "--out", "/sys/rnnlab-f.csv"],
    "forecast --out onto its --csv": [*FORECAST[:4], "--out", "{csv}"],
    "forecast --out onto the model": [*FORECAST[:4], "--out", "{onnx}"],
    "forecast --out a device": [*FORECAST[:4], "--out", "/dev/null"],
    "forecast --out and --plot the same": [*FORECAST, "--plot", "{work}/f.csv"],
    "forecast --plot a folder": [*FORECAST, "--plot", "{dir}"],
    "generate --out a folder": ["generate", "{onnx}", "--out", "{dir}"],
    "generate --plot in a missing folder": [*GENERATE, "--plot", "{work}/no/g.png"],
    "generate --out onto its --csv": ["generate", "{onnx}", "--csv", "{csv}", "--out", "{csv}"],
    "train --out a folder": [*TRAIN[:5], "--out", "{dir}"],
    "train --out under a file": [*TRAIN[:5], "--out", "{csv}/m.pt"],
    "train --out onto its --csv": [*TRAIN[:5], "--out", "{csv}"],
    "train --out in /sys": [*TRAIN[:5], "--out", "/sys/rnnlab/m.pt"],
    "train --plot a folder": [*TRAIN, "--plot", "{dir}"],
    "train --plot in /proc": [*TRAIN, "--plot", "/proc/rnnlab.png"],
    "export -o a folder": ["export", "{pt}", "-o", "{dir}"],
    "export -o onto the checkpoint": ["export", "{pt}", "-o", "{pt}"],
    "export -o in a missing folder": ["export", "{pt}", "-o", "{work}/no/m.onnx"],
    "evaluate --plot a folder": ["evaluate", "{pt}", "--csv", "{csv}", "--plot", "{dir}"],
    "backtest --out a folder": [*BACKTEST[:3], "--out", "{dir}"],
    "backtest --out onto its --csv": [*BACKTEST[:3], "--out", "{csv}"],
    "ensemble -o onto a member": ["ensemble", "{pt}", "{pt}", "--csv", "{csv}", "-o", "{pt}"],
    "ensemble -o a folder": ["ensemble", "{pt}", "{pt}", "--csv", "{csv}", "-o", "{dir}"],
}


@pytest.mark.parametrize("args", OUTPUTS.values(), ids=OUTPUTS.keys())
def test_hostile_output_path(refused, args):
    refused(*args)


@pytest.mark.parametrize("args", [FORECAST, ["export", "{pt}", "-o", "{work}/m.onnx"],
                                  [*GENERATE, "--steps", "3"]], ids=["csv", "onnx", "generate"])
def test_disk_full_is_one_line(refused, monkeypatch, args):
    def full(*_):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("rnnlab.runtime.files.os.replace", full)
    assert "No space left on device" in refused(*args)


def test_plot_without_matplotlib_writes_nothing(refused, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert "pip install 'rnnlab[plot]'" in refused(*FORECAST, "--plot", "{work}/f.png")
