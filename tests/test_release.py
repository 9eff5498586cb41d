"""The release artefacts as a package index sees them, the version, and the floors script."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from helpers import code_blocks, load_file

import rnnlab
from rnnlab.runtime.shipped import SHIPPED, TEXT_SHIPPED

ROOT = Path(__file__).resolve().parents[1]
# Never in the sdist: environments, build and run outputs, and any hidden file or folder
# (version control, tool caches) but these tracked ones.
NOT_SHIPPED = ("node_modules", "__pycache__", "site", "dist", "build", "runs")
HIDDEN_SHIPPED = (".ci", ".gitignore", ".gitkeep")


def load_floors():
    pytest.importorskip("tomllib", reason="scripts/floors.py needs Python 3.11+")
    return load_file("scripts/floors.py")


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel, built by ``python -m build`` with the installed hatchling."""
    pytest.importorskip("build", reason="needs build: pip install -e '.[dev]'")
    pytest.importorskip("hatchling", reason="needs hatchling: pip install -e '.[dev]'")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "-o", str(out),
                           str(ROOT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {"sdist": next(out.glob("*.tar.gz")), "wheel": next(out.glob("*.whl"))}


@pytest.mark.slow  # builds the sdist and the wheel (module fixture)
def test_wheel_carries_the_package_and_models_only(artefacts):
    names = zipfile.ZipFile(artefacts["wheel"]).namelist()
    info = f"rnnlab-{rnnlab.__version__}.dist-info/"
    package = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "rnnlab").rglob("*.py"))
    text = [file for file in TEXT_SHIPPED.values() if (ROOT / "exported" / file).is_file()]
    models = sorted(f"rnnlab/exported/{file}" for file in [*SHIPPED.values(), *text])
    assert sorted(n for n in names if n.endswith(".py")) == package
    assert sorted(n for n in names if not n.endswith(".py") and not n.startswith(info)) == models
    assert {n for n in names if n.startswith(info)} == {
        info + f for f in ("METADATA", "WHEEL", "RECORD", "entry_points.txt", "licenses/LICENSE")}


@pytest.mark.slow  # builds the sdist and the wheel (module fixture)
def test_wheel_metadata_matches_pyproject(artefacts):
    wheel = zipfile.ZipFile(artefacts["wheel"])
    info = f"rnnlab-{rnnlab.__version__}.dist-info/"
    metadata = Parser().parsestr(wheel.read(info + "METADATA").decode())
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11+")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert metadata["Version"] == rnnlab.__version__
    assert "MIT" in (metadata["License-Expression"] or metadata["License"])
    assert metadata.get_all("Classifier") == project["classifiers"]
    base = [r for r in metadata.get_all("Requires-Dist") if "extra ==" not in r]
    assert sorted(base) == sorted(project["dependencies"])
    assert "rnnlab = rnnlab.__main__:main" in wheel.read(info + "entry_points.txt").decode()
    assert wheel.read(info + "licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()


@pytest.mark.slow  # builds the sdist and the wheel (module fixture)
def test_sdist_carries_every_tracked_file_and_no_outputs(artefacts):
    with tarfile.open(artefacts["sdist"]) as sdist:
        top = f"rnnlab-{rnnlab.__version__}/"
        names = {name.removeprefix(top) for name in sdist.getnames()}
    for needed in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "PKG-INFO",
                   "tests/conftest.py", "tutorial/01-rnn.md", "mkdocs.yml"):
        assert needed in names
    assert not [n for n in names if set(Path(n).parts) & set(NOT_SHIPPED)
                or any(part.startswith(".") and part not in HIDDEN_SHIPPED
                       for part in Path(n).parts)]
    if shutil.which("git") and (ROOT / ".git").exists():
        tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.split()
        assert sorted(set(tracked) - names) == []


@pytest.mark.slow  # builds the sdist and the wheel (module fixture)
def test_twine_accepts_both_artefacts(artefacts):
    pytest.importorskip("twine", reason="needs twine: pip install -e '.[dev]'")
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                           str(artefacts["sdist"]), str(artefacts["wheel"])],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_version_flag_imports_nothing_heavy(cli):
    code = ("import sys; sys.argv = ['rnnlab', '--version']; "
            "from rnnlab.__main__ import main; main(); "
            "print(sorted({'numpy', 'onnxruntime', 'typer', 'torch'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.splitlines() == [f"rnnlab {rnnlab.__version__}", "[]"]
    assert cli("--version") == (0, f"rnnlab {rnnlab.__version__}\n", "")


def test_floors_pin_each_lower_bound_and_skip_rnnlab_itself():
    floors = load_floors()
    pyproject = {"build-system": {"requires": ["hatchling>=1.26.3"]},
                 "project": {"name": "rnnlab",
                             "dependencies": ["numpy>=1.24.2,<3", "typer~=0.15"],
                             "optional-dependencies": {
                                 "train": ["torch >= 2.13; python_version < '3.14'"],
                                 "docs": ["mkdocstrings[python]==0.26.1"],
                                 "dev": ["rnnlab[train,docs]", "typer>=0.15"]}}}
    assert floors.constraints(pyproject, ["train", "docs", "dev"]) == [
        "hatchling==1.26.3", "mkdocstrings==0.26.1", "numpy==1.24.2",
        "torch==2.13; python_version < '3.14'", "typer==0.15"]
    assert floors.constraints(pyproject, []) == ["hatchling==1.26.3", "numpy==1.24.2",
                                                 "typer==0.15"]


@pytest.mark.parametrize(("extra", "message"), [
    (["pandas"], "extra more: 'pandas' declares no lower bound"),
    (["pandas>1"], "extra more: 'pandas>1' declares no lower bound"),
    (["numpy>=2.0"], "numpy has floor 'numpy==1.24.2' in dependencies and 'numpy==2.0'"),
])
def test_floors_refuse_a_dependency_without_one_floor(extra, message):
    floors = load_floors()
    pyproject = {"project": {"name": "rnnlab", "dependencies": ["numpy>=1.24.2"],
                             "optional-dependencies": {"more": extra}}}
    with pytest.raises(floors.FloorError, match=message.replace("(", r"\(")):
        floors.constraints(pyproject, ["more"])


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    two = readme[readme.index("## The two commands"):readme.index("## Install")]
    blocks = [b for b in code_blocks(two) if b.info == "bash"]
    main_job, tests = blocks[0].lines, blocks[1].lines
    assert len(main_job) == 1 and main_job[0].endswith("rnnlab generate")
    assert len(tests) == 1 and "npm ci --ignore-scripts" in tests[0]
    assert tests[0].endswith(".venv/bin/python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests[0] in ci  # a whole line of the script, run as printed
