"""The issue's targets (least speedups) and the Keras figures of an earlier session."""

from __future__ import annotations

from benchmarks.inputs import SCENARIOS
from benchmarks.rows import Reference

TORCH = "PyTorch eager"
TORCH_SCRIPT = "PyTorch script"
KERAS = "Keras"
TRAINING_VENV = "training venv"
COLD_START = "`forecast` process, IBM CSV"
PER_EPOCH = "training, seconds per epoch"
WHOLE_RUN = "training, whole run"
VENV = "venv size on disk"

# (case, peer, model or "*") -> the least ratio theirs / ours that meets the target.
TARGETS: dict[tuple[str, str, str], float] = {
    (SCENARIOS["batch"], KERAS, "*"): 10,
    (SCENARIOS["single"], KERAS, "*"): 250,
    (SCENARIOS["windowed"], KERAS, "*"): 300,
    (COLD_START, KERAS, "*"): 10,
    (SCENARIOS["batch"], TORCH, "*"): 1,
    (SCENARIOS["single"], TORCH, "*"): 3,
    (SCENARIOS["windowed"], TORCH, "*"): 3,
    (COLD_START, TORCH_SCRIPT, "*"): 3.5,
    (PER_EPOCH, KERAS, "lstm"): 2.5,
    (VENV, TRAINING_VENV, "*"): 4,
}

_EARLIER = "earlier session, not measured in this run"
# (case, model or "*") -> Keras as measured earlier on this machine, in the row's unit.
KERAS_REFERENCE: dict[tuple[str, str], Reference] = {
    (SCENARIOS["batch"], "*"): Reference(112, 169, f"112–169 ms ({_EARLIER})"),
    (SCENARIOS["single"], "*"): Reference(42, 47, f"42–47 ms ({_EARLIER})"),
    (SCENARIOS["windowed"], "*"): Reference(12_000, 18_000, f"12–18 s ({_EARLIER})"),
    (COLD_START, "*"): Reference(3.3, 3.3, f"≥ 3.3 s: `import tensorflow` alone ({_EARLIER})"),
    (PER_EPOCH, "lstm"): Reference(3.6, 4.24, f"3.6–4.2 s: 180–212 s / 50 epochs ({_EARLIER})"),
    (PER_EPOCH, "gru"): Reference(1.6, 2.28, f"1.6–2.3 s: 80–114 s / 50 epochs ({_EARLIER})"),
    (WHOLE_RUN, "lstm"): Reference(180, 212, f"180–212 s for 50 epochs ({_EARLIER})"),
    (WHOLE_RUN, "gru"): Reference(80, 114, f"80–114 s for 50 epochs ({_EARLIER})"),
}


def target(case: str, peer: str, model: str) -> float | None:
    """The target ratio for ``case`` against ``peer``, if the issue sets one."""
    return TARGETS.get((case, peer, model), TARGETS.get((case, peer, "*")))


def keras_reference(case: str, model: str) -> Reference | None:
    """Keras' earlier figure for ``case``, if one was recorded."""
    return KERAS_REFERENCE.get((case, model), KERAS_REFERENCE.get((case, "*")))
