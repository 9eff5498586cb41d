"""The benchmark harness runs end to end in quick mode and reports every row, well formed.

No timing is asserted: the quick mode only proves that every measurement runs.
"""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import IBM

REPO = Path(__file__).resolve().parents[1]
# benchmarks/ is a package of the repository, not of the installed rnnlab.
sys.path.insert(0, str(REPO))

from benchmarks.settings import QUICK  # noqa: E402
from benchmarks.timing import compare  # noqa: E402

SCENARIOS = ["one-step, 251 windows", "one-step, one window", "251-step windowed generation",
             "251-step stateful generation"]
KERAS_SCENARIOS = SCENARIOS[:3]
COLD = "`forecast` process, IBM CSV"
GROUPS = ["inference", "cold start", "memory", "training", "install size"]


def expected_rows() -> set[tuple[str, str, str, str]]:
    """(group, case, model, peer) of every row the issue asks for."""
    rows = {("install size", "venv size on disk", "-", "training venv")}
    for model in ("lstm", "gru"):
        for group in ("inference", "memory"):
            rows |= {(group, case, model, "PyTorch eager") for case in SCENARIOS}
            rows |= {(group, case, model, "Keras") for case in KERAS_SCENARIOS}
        rows.add(("inference", "one-step, 251 windows (rnnlab threads=2)", model,
                  "PyTorch eager"))
        for group in ("cold start", "memory"):
            rows |= {(group, COLD, model, "PyTorch script"), (group, COLD, model, "Keras")}
        for case in ("training, seconds per epoch", "training, whole run"):
            rows |= {("training", case, model, "Keras"), ("training", f"{case} (CUDA)", model, "-")}
    return rows


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[str, dict]:
    """The Markdown and JSON of one ``python -m benchmarks --quick`` run on the IBM file."""
    if not IBM.is_file():
        pytest.skip(f"needs {IBM.name} in {IBM.parent}")
    out = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--csv", str(IBM),
                           "--json", str(out)], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, json.loads(out.read_text())


def test_json_has_every_row_once(quick):
    _, data = quick
    keys = [(r["group"], r["case"], r["model"], r["peer"]) for r in data["rows"]]
    assert len(keys) == len(set(keys))
    assert set(keys) == expected_rows()
    assert data["quick"] is True
    assert data["command"].startswith("python -m benchmarks --quick")
    assert {"cpu", "cores", "python", "packages", "environment"} <= set(data["machine"])
    assert {"numpy", "onnxruntime", "torch"} <= set(data["machine"]["packages"])


def test_rows_are_well_formed(quick):
    _, data = quick
    for row in data["rows"]:
        assert row["unit"] in {"ms", "s", "MiB"}
        for field in ("ours", "theirs", "ratio", "target"):
            value = row[field]
            assert value is None or (isinstance(value, float | int) and math.isfinite(value)
                                     and value > 0), row
        assert isinstance(row["verdict"], str) and isinstance(row["note"], str)
        if row["target"] is not None and row["ratio"] is not None:
            assert row["verdict"] in {"met", "missed"}
    # The live comparisons against PyTorch ran for both models.
    live = [r for r in data["rows"] if r["group"] == "inference" and r["peer"] == "PyTorch eager"]
    assert live and all(r["ours"] and r["theirs"] and r["ratio"] for r in live)


def test_markdown_states_command_date_machine_and_tables(quick):
    markdown, data = quick
    assert f"- command: `{data['command']}`" in markdown
    assert f"- date: {data['date']}" in markdown
    assert data["machine"]["cpu"] in markdown
    for group in GROUPS:
        assert f"\n## {group}\n" in markdown
    table_rows = [line for line in markdown.splitlines()
                  if line.startswith("| ") and not line.startswith("| case ")]
    assert len(table_rows) == len(data["rows"])
    assert all(line.count(" | ") == 9 for line in table_rows)


def test_comparisons_interleave_the_two_sides():
    calls = []
    settings = dataclasses.replace(QUICK, warmup=1, min_repeats=3, max_repeats=3)
    result = compare(lambda: calls.append("ours"), lambda: calls.append("theirs"), settings)
    assert calls == ["ours", "theirs"] * 4
    assert result.pairs == 3 and result.ratio > 0


@pytest.mark.skipif(not IBM.exists(), reason=f"put the IBM price file at {IBM}")
def test_chunk_table_has_a_row_per_candidate_and_marks_the_choice():
    from benchmarks.chunks import CANDIDATES

    done = subprocess.run([sys.executable, "-m", "benchmarks.chunks", "--repeats", "1"],
                          cwd=REPO, capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("| rows per call | lstm, 1 thread |")
    assert [int(line.split()[1]) for line in lines[2:]] == list(CANDIDATES)
    assert sum("(rnnlab's choice)" in line for line in lines) == 1
    assert all(line.count(" ms") == 4 for line in lines[2:])


def test_sampling_table_compares_batches_with_single_paths():
    done = subprocess.run([sys.executable, "-m", "benchmarks.sampling", "--repeats", "1",
                           "--samples", "4"], cwd=REPO, capture_output=True, text=True,
                          check=True)
    rows = [line.split(" | ") for line in done.stdout.splitlines() if line.startswith("| ")]
    assert [r[0] for r in rows[1:]] == ["| one windowed path", "| one stateful path",
                                        "| 4 stateful paths", "| 4 windowed paths"]
    assert rows[1][2] == "1.00" and rows[2][3] == "1.00 |"  # each single path against itself


def test_committed_markdown_is_the_committed_json_rendered() -> None:
    """benchmarks/results.md (which the tutorial includes by section) renders results.json."""
    from benchmarks.report import Report

    folder = Path(__file__).resolve().parents[1] / "benchmarks"
    report = Report.from_dict(json.loads((folder / "results.json").read_text()))
    markdown = (folder / "results.md").read_text()
    assert report.to_markdown() == markdown
    for group in dict.fromkeys(row.group for row in report.rows):
        section = group.replace(" ", "-")
        assert f"<!-- --8<-- [start:{section}] -->" in markdown
