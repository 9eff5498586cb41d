"""Text commands: train --text, export, generate --prompt, score --text, info; bad input is
one line and exit code 2; the shipped model, when present, is checked on the validation part."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli_once
from language_fixtures import shakespeare, torch_threads

from rnnlab.runtime.shipped import shipped_path

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def trained_by_cli(tmp_path_factory, tiny_text):
    """``rnnlab train --text`` (char-gru, 1 epoch, bf16, seed 1, --json) then ``rnnlab
    export``, once for the module: what each printed, the checkpoint and the ONNX file."""
    folder = tmp_path_factory.mktemp("text_cli")
    checkpoint, onnx = folder / "runs" / "t.pt", folder / "t.onnx"
    with torch_threads(1):
        train = run_cli_once("train", "--text", tiny_text["text"], "--preset", "char-gru",
                             "--epochs", "1", "--batch", "4", "--seed", "1", "--precision",
                             "bf16", "--out", checkpoint, "--no-progress", "--json")
    assert train[0] == 0, train[2]
    export = run_cli_once("export", checkpoint, "-o", onnx)
    return {"trained": json.loads(train[1]), "export": export, "onnx": onnx}


@pytest.mark.slow  # trains char-gru, 2 x GRU(256), an epoch through the CLI (module fixture)
def test_train_json_reports_its_precision_and_history(trained_by_cli):
    trained = trained_by_cli["trained"]
    assert trained["precision"] == "bf16" and len(trained["history"]) == 1


@pytest.mark.slow  # trains char-gru, 2 x GRU(256), an epoch through the CLI (module fixture)
def test_train_scores_the_model_beside_unigram_and_kneser_ney(trained_by_cli):
    trained = trained_by_cli["trained"]
    scores = trained["scores"]
    assert set(scores) == {"model", "unigram", f"kn-{trained['kn_order']}"}
    assert scores["unigram"]["bits/char"] == pytest.approx(
        scores["unigram"]["nats/char"] / 0.6931471805599453)  # ln 2


@pytest.mark.slow  # trains char-gru, 2 x GRU(256), an epoch through the CLI (module fixture)
def test_export_prints_the_architecture(trained_by_cli):
    code, out, err = trained_by_cli["export"]
    assert code == 0 and "2 x GRU(256)" in out, err


@pytest.mark.slow  # trains char-gru, 2 x GRU(256), an epoch through the CLI (module fixture)
def test_info_card_records_precision_cell_seed_and_command(cli, trained_by_cli):
    code, out, err = cli("info", trained_by_cli["onnx"], "--json")
    assert code == 0, err
    card = json.loads(out)
    assert card["precision"] == "bf16" and card["cell"] == "gru" and card["seed"] == 1
    assert card["command"].startswith("rnnlab train --text")
    assert "--precision bf16" in card["command"]


@pytest.mark.slow  # trains char-gru, 2 x GRU(256), an epoch through the CLI (module fixture)
def test_generate_with_a_seed_repeats_itself(cli, trained_by_cli):
    args = ("generate", trained_by_cli["onnx"], "--prompt", "To be", "--chars", "50",
            "--temperature", "0.7", "--seed", "4", "--json")
    first, second = cli(*args), cli(*args)
    assert first[0] == 0 and first[1] == second[1], first[2]
    assert len(json.loads(first[1])["text"]) == 50


@pytest.mark.slow  # trains char-gru, 2 x GRU(256), an epoch through the CLI (module fixture)
def test_score_prints_the_baselines(cli, trained_by_cli, tiny_text):
    code, out, err = cli("score", trained_by_cli["onnx"], "--text", tiny_text["text"])
    assert code == 0 and "n-gram kn-" in out and "unigram" in out, err


def test_generate_is_the_python_api(cli, tiny_text, tmp_path):
    from rnnlab import load

    model = load(tiny_text["onnx"])
    code, out, _ = cli("generate", tiny_text["onnx"], "--prompt", "Or", "--chars", "80",
                       "--seed", "9", "--samples", "3", "--out", tmp_path / "s.txt", "--json")
    texts = json.loads(out)["texts"]
    assert texts == model.generate("Or", 80, seed=9, samples=3).texts
    assert (tmp_path / "s.txt").read_text() == "\n\n".join("Or" + t for t in texts) + "\n"
    top = model.generate("Or", 5, seed=9).top(5)
    assert len(top) == 5 and all(len(row) == 5 for row in top)
    assert all(a[1] >= b[1] for row in top for a, b in zip(row, row[1:]))


@pytest.mark.parametrize("args, message", [
    (("--prompt", "To bé€"), "prompt: 2 character(s) not in the model's vocabulary: 'é', '€'"),
    (("--prompt", ""), "--prompt"),
    (("--temperature", "0"), "--temperature 0.0: must be a finite number above 0"),
    (("--temperature", "nan"), "--temperature nan"),
    (("--temperature", "-1"), "--temperature -1.0"),
    (("--chars", "0"), "--chars 0: must be between 1 and 100000"),
    (("--chars", "100001"), "--chars 100001"),
    (("--top-k", "-1"), "--top-k -1"),
    (("--csv", "x.csv"), "--csv: "),
])
def test_bad_generation_input_is_one_line(cli, tiny_text, args, message):
    code, out, err = cli("generate", tiny_text["onnx"], *args)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ") and message in err


def test_bad_files_are_one_line(cli, tiny_text, tmp_path):
    (tmp_path / "latin1.txt").write_bytes(b"abc\n" * 5 + "café".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "one.txt").write_text("a")
    cases = [(("score", tiny_text["onnx"], "--text", tmp_path / "latin1.txt"),
              "latin1.txt: byte 23 is not UTF-8"),
             (("score", tiny_text["onnx"], "--text", tmp_path / "empty.txt"), "0 character(s)"),
             (("score", tiny_text["onnx"], "--text", tmp_path / "one.txt"), "1 character(s)"),
             (("train", "--text", tmp_path / "latin1.txt", "--out", tmp_path / "x.pt"),
              "byte 23 is not UTF-8"),
             (("train", "--text", tmp_path / "one.txt", "--out", tmp_path / "x.pt"),
              "1 character(s)"),
             (("train", "--text", tiny_text["text"], "--precision", "fp16"), "fp16")]
    for args, message in cases:
        code, out, err = cli(*args)
        assert code == 2 and len(err.strip().splitlines()) == 1 and message in err, (args, err)
    assert not (tmp_path / "x.pt").exists()


def test_price_and_text_models_refuse_each_others_work(cli, tiny, tiny_text):
    code, _, err = cli("generate", tiny["onnx"], "--prompt", "ROMEO:")
    assert code == 2 and "--prompt: " in err and "is a price model" in err
    code, _, err = cli("score", tiny["onnx"], "--text", tiny_text["text"])
    assert code == 2 and "is a price model" in err
    code, _, err = cli("forecast", tiny_text["onnx"], "--csv", tiny["csv"])
    assert code == 2 and "a text model" in err and "cannot forecast prices" in err


@pytest.mark.slow  # scores the shipped model on the whole validation text: minutes
def test_shipped_shakespeare_beats_the_ngram_on_validation():
    path = shipped_path("shakespeare")
    if not path.is_file():
        pytest.skip(f"needs {path.name}: build it with scripts/build_shakespeare.sh")
    from rnnlab import load

    model = load("shakespeare")
    assert path.stat().st_size <= 16 * 2**20
    score = model.score(shakespeare())
    best = score.nats[f"kn-{score.kn_order}"]
    assert score.model == pytest.approx(model.card.scores["model"], abs=2e-3)
    assert score.model < best


def test_text_commands_need_no_training_package(tmp_path, tiny_text):
    from test_runtime_isolation import run_blocked

    done = run_blocked(tmp_path, "generate", str(tiny_text["onnx"]), "--prompt", "To",
                       "--chars", "20", "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["text"]) == 20
    done = run_blocked(tmp_path, "score", str(tiny_text["onnx"]), "--text",
                       str(tiny_text["text"]), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scores"]["model"]["nats/char"] > 0
