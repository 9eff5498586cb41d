"""The chapters' measured numbers are the files their commands write, and those files hold
what the code computes: the chapters include them (``--8<--``), and no page types a copy of
their numbers."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from helpers import IBM  # noqa: E402

from rnnlab.experiments import gradients, longlag  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "tutorial" / "02-vanishing-gradients.md"
PAGES = sorted((ROOT / "tutorial").glob("0[1-7]-*.md")) + [
    ROOT / "tutorial" / name for name in ("index.md", "10-training-practice.md")]
GRADIENTS = "tutorial/results/gradient-norms.md"
ADDING = "tutorial/results/adding-problem.md"
#: Chapters 5 and 6's numbers: figure -> the file that its function in
#: tutorial/figures_forecasting.py writes.
FIGURES = {name: f"tutorial/results/{name.replace('_', '-')}.md" for name in
           ("one_step_forecast", "one_step_lag", "generation_paths", "generation_error")}
#: Chapter 5's score table, made from the JSON that ``rnnlab train --json`` printed.
SEED_RUNS = ("tutorial/results/ibm-seed-lstm.json", "tutorial/results/ibm-seed-gru.json")
SEED_SCORES = "tutorial/results/ibm-seed-scores.md"
#: Chapter 7's model card as ``rnnlab info`` prints it (tests/test_docs_outputs.py reruns it).
INFO = "tutorial/results/info-lstm.txt"
#: Chapter 10's tables (and chapter 2's and 8's that the same command measured), and the
#: gradient along the cell that its figure measured.
PRACTICE = {name: f"tutorial/results/practice-{name}.md" for name in
            ("clipping", "init", "regularise", "lengths", "bidirectional", "exercises")}
CELL_PATH = "tutorial/results/cell-path.md"
#: chapter -> the result files it includes.
INCLUDED = {"02-vanishing-gradients.md": (GRADIENTS, ADDING, PRACTICE["exercises"]),
            "05-forecasting.md": (SEED_SCORES, FIGURES["one_step_lag"],
                                  FIGURES["one_step_forecast"]),
            "06-generation.md": (FIGURES["generation_paths"], FIGURES["generation_error"]),
            "07-export.md": (INFO,),
            "08-beyond.md": (PRACTICE["bidirectional"],),
            "10-training-practice.md": (CELL_PATH, PRACTICE["clipping"], PRACTICE["init"],
                                        PRACTICE["regularise"], PRACTICE["lengths"]),
            "11-seq2seq-attention.md": tuple(f"tutorial/results/seq2seq-{name}.md"
                                             for name in ("exposure", "length", "decoding")),
            "12-parallel-scan.md": tuple(f"tutorial/results/mingru-{name}.md"
                                         for name in ("timing", "adding", "export"))}


def written_by(text: str) -> str:
    """The command named in a result file's ``Written by `...`.`` sentence."""
    return re.search(r"Written by `([^`]+)`\.", text).group(1)


def table_cells(text: str) -> dict[str, list[str]]:
    """First column -> the other cells, for each body row of the file's Markdown table."""
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("|")]
    return {row[0].strip(): [cell.strip() for cell in row[1:]] for row in rows[2:]}


def test_gradient_table_is_what_the_command_computes() -> None:
    text = (ROOT / GRADIENTS).read_text(encoding="utf-8")
    command = written_by(text)
    assert command == f"python -m rnnlab.experiments.gradients --out {GRADIENTS}"
    # the full measurement takes about a second: recompute the whole file
    assert text == gradients.markdown(gradients.measure(), command)


@pytest.mark.slow  # reruns a cell of chapter 2's adding experiment
def test_adding_table_matches_a_rerun_of_its_cheapest_cell() -> None:
    text = (ROOT / ADDING).read_text(encoding="utf-8")
    assert written_by(text) == f"python -m rnnlab.experiments.longlag --out {ADDING}"
    cells = table_cells(text)
    assert list(cells) == list(longlag.FULL.kinds)
    # the GRU at T = 10 is solved in about a hundred steps per seed: rerun those 5 trials
    config = dataclasses.replace(longlag.FULL, kinds=("gru",), lengths=(10,))
    assert cells["gru"][longlag.FULL.lengths.index(10)] == longlag.run(config).cells()["gru"][0]


def typed_forms(text: str) -> set[str]:
    """How the measured numbers of a result file could be typed in a page: each decimal with
    two or more places (``171.20``), ``5.84e-15`` also as ``5.84 \\times 10^{-15}``, a step
    count ``(1265 steps)`` as ``1265 steps`` or ``1,265 steps``, a ratio ``2.2 times``.
    Zeros, and decimals of one significant digit (``0.02``), are no measurement."""
    forms = set(re.findall(r"\d+\.\d+ times", text))
    for steps in re.findall(r"\((\d+) steps\)", text):
        forms |= {f"{steps} steps", f"{int(steps):,} steps"}
    for mantissa, exponent in re.findall(r"(\d\.\d+)e([+-]\d+)", text):
        if float(mantissa):
            forms |= {f"{mantissa}e{exponent}", f"{mantissa} \\times 10^{{{int(exponent)}}}"}
    forms |= {number for number in re.findall(r"(?<![\d.])\d+\.\d{2,}(?![\d.e])", text)
              if len(number.replace(".", "").lstrip("0")) >= 2}
    return forms


def prose(page: str) -> str:
    """``page`` without its Python blocks and their Output blocks: Sybil runs the former and
    compares the latter with what they print, so their numbers are checked against what the
    code computes, not copies that could drift."""
    return re.sub(r'```(?:python|text title="Output")\n.*?```', "", page, flags=re.DOTALL)


def typed_in(form: str, page: str) -> bool:
    """Whether ``page`` holds ``form`` as a whole number, not as part of a longer one."""
    return re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", page) is not None


@pytest.mark.parametrize("chapter", sorted(INCLUDED))
def test_chapter_includes_its_results_and_no_page_types_their_numbers(chapter: str) -> None:
    text = (ROOT / "tutorial" / chapter).read_text(encoding="utf-8")
    pages = {page.name: prose(page.read_text(encoding="utf-8")) for page in PAGES}
    for path in INCLUDED[chapter]:
        assert f'--8<-- "{path}"' in text
        forms = typed_forms((ROOT / path).read_text(encoding="utf-8"))
        assert forms, f"{path} has no numbers"
        typed = sorted((name, form) for name, page in pages.items() for form in forms
                       if typed_in(form, page))
        assert not typed, f"pages type numbers of {path}: {typed}"


@pytest.mark.slow  # recomputes each figure's numbers on the whole IBM file
@pytest.mark.skipif(not IBM.is_file(), reason="needs the real IBM price file")
@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_figure_numbers_are_what_the_figure_computes(
        figure: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    monkeypatch.syspath_prepend(str(ROOT / "tutorial"))
    import figures_forecasting
    import matplotlib.pyplot as plt

    text = (ROOT / FIGURES[figure]).read_text(encoding="utf-8")
    assert written_by(text) == f"python tutorial/make_figures.py --only {figure}"
    monkeypatch.setattr(figures_forecasting, "RESULTS", tmp_path)
    plt.close(figures_forecasting.FIGURES[figure](False))
    assert (tmp_path / Path(FIGURES[figure]).name).read_text(encoding="utf-8") == text


def test_seed_scores_are_the_table_of_the_training_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    import json

    import seed_scores

    text = (ROOT / SEED_SCORES).read_text(encoding="utf-8")
    command = written_by(text)
    assert command == f"python scripts/seed_scores.py {' '.join(SEED_RUNS)} --out {SEED_SCORES}"
    runs = [json.loads((ROOT / path).read_text(encoding="utf-8")) for path in SEED_RUNS]
    assert text == seed_scores.markdown(runs, command)
    assert [run["preset"] for run in runs] == ["seed-lstm", "seed-gru"]


def test_seed_scores_of_a_file_that_is_no_training_run_is_one_error_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    import seed_scores

    run = tmp_path / "run.json"
    run.write_text('{"preset": "seed-lstm"}', encoding="utf-8")
    out = tmp_path / "scores.md"
    with pytest.raises(SystemExit) as exit_info:
        seed_scores.main([str(run), "--out", str(out)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {run}: not the JSON of rnnlab train --json")
    assert err.count("\n") == 1
    assert not out.exists()


def test_the_fast_figures_leave_the_result_files_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    monkeypatch.syspath_prepend(str(ROOT / "tutorial"))
    import figures_forecasting

    monkeypatch.setattr(figures_forecasting, "RESULTS", tmp_path)
    text = figures_forecasting.write_numbers("generation_error", ["| a |"], fast=True)
    assert written_by(text) == "python tutorial/make_figures.py --only generation_error"
    assert not list(tmp_path.iterdir())


def test_out_writes_the_markdown_that_names_its_command(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(longlag, "FAST", longlag.Config(lengths=(6,), kinds=("gru",),
                                                        seeds=(0,), max_steps=10, eval_every=5))
    out = tmp_path / "adding.md"
    longlag.main(["--fast", "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert written_by(text) == f"python -m rnnlab.experiments.longlag --fast --out {out}"
    assert list(table_cells(text)) == ["gru"]


@pytest.mark.parametrize("main", [gradients.main, longlag.main])
def test_out_in_a_missing_folder_is_one_error_line_before_any_work(
        main, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(longlag, "run", lambda *args: pytest.fail("trained anyway"))
    monkeypatch.setattr(gradients, "measure", lambda **kwargs: pytest.fail("measured anyway"))
    out = tmp_path / "missing" / "table.md"
    with pytest.raises(SystemExit) as exit_info:
        main(["--out", str(out)])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (f"error: --out {out}: the folder {out.parent} does not "
                                       "exist; create it first\n")
    assert not out.parent.exists()
