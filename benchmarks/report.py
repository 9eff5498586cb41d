"""The results: rows with targets and verdicts, rendered as Markdown (tables by group) and JSON.

Each group's table sits between ``<!-- --8<-- [start:GROUP] -->`` and ``[end:GROUP]``
markers, so a tutorial page can include one alone (``benchmarks/results.md:training``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

COLUMNS = ("case", "model", "peer", "rnnlab", "peer's", "peer / rnnlab", "target", "verdict",
           "notes")
METHOD = (
    "rnnlab = the exported ONNX graph through `rnnlab.runtime` (onnxruntime); PyTorch eager = "
    "the same weights as an `nn.Module` in `inference_mode`; Keras = the notebook's model "
    "with the same weights, in a worker process of a TensorFlow venv that the harness drives "
    "over a pipe. Every peer is measured in this run. Each timing is a median after warm-up; "
    "rnnlab and its peer run interleaved (rnnlab, peer, rnnlab, peer, ...), every process "
    "settles before each sample (it sleeps until its idle thread pools stop spinning), and "
    "*peer / rnnlab* is the median of the per-pair ratios, so above 1 means rnnlab is faster "
    "(or, for memory and size, smaller); the quartiles of the ratios say how stable it was. "
    "A call slower than 2 s takes at most 3 pairs. In *goals*, the peer may be the issue's "
    "limit itself (e.g. 2.5 ms): the ratio is then limit / rnnlab."
)


@dataclass(frozen=True)
class Row:
    """rnnlab's ``ours`` beside ``peer``'s ``theirs`` (both in ``unit``, lower is better).

    ``ratio`` is theirs / ours (for timings, the median of per-pair ratios); ``target``
    is the least ratio that counts as met.
    """

    group: str
    case: str
    model: str
    peer: str
    unit: str
    ours: float | None = None
    theirs: float | None = None
    ratio: float | None = None
    target: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.ratio is None:
            return "not measured"
        return "met" if self.ratio >= self.target else "missed"

    def to_dict(self) -> dict:
        return {**asdict(self), "verdict": self.verdict}


@dataclass(frozen=True)
class Report:
    """Everything one run found, and how it was run; ``loads``: one dict per measured
    group and model (others' cores per attempt, load averages, the attempt kept)."""

    command: str
    date: str
    quick: bool
    machine: dict
    notes: list[str]
    rows: list[Row]
    loads: list[dict] = field(default_factory=list)
    method: str = METHOD

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        """The report that :meth:`to_dict` wrote (``results.json``), to render it again."""
        names = Row.__dataclass_fields__
        rows = [Row(**{k: v for k, v in row.items() if k in names}) for row in data["rows"]]
        return cls(data["command"], data["date"], data["quick"], data["machine"],
                   data["notes"], rows, data.get("loads", []), data["method"])

    def to_dict(self) -> dict:
        return {"command": self.command, "date": self.date, "quick": self.quick,
                "machine": self.machine, "method": self.method, "notes": self.notes,
                "loads": self.loads, "rows": [row.to_dict() for row in self.rows]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_markdown(self) -> str:
        """A header (command, date, machine, method) and one table per group."""
        m = self.machine
        versions = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        env = ", ".join(f"`{k}={v}`" for k, v in m["environment"].items()) or "none set"
        quick = " (quick mode: proves the harness, numbers are not meaningful)"
        lines = [
            "# rnnlab benchmarks", "",
            f"- command: `{self.command}`" + (quick if self.quick else ""),
            f"- date: {self.date}",
            f"- machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
            f"{m['os']}; load average {m['load_average']} at start, "
            f"{m.get('load_average_end')} at end",
            f"- software: Python {m['python']}, {versions}",
            f"- thread environment: {env}",
            *[f"- {note}" for note in self.notes],
            "", self.method,
        ]
        for group in dict.fromkeys(row.group for row in self.rows):
            section = group.replace(" ", "-")
            loads = [load_line(load) for load in self.loads if load["group"] == group]
            lines += ["", f"## {group}", "", f"<!-- --8<-- [start:{section}] -->",
                      table([r for r in self.rows if r.group == group]),
                      *(["", "Load: " + "; ".join(loads) + "."] if loads else []),
                      f"<!-- --8<-- [end:{section}] -->"]
        return "\n".join(lines) + "\n"


def load_line(load: dict) -> str:
    """How busy the machine was while a group was measured, and whether it was repeated."""
    others = ", ".join(f"{x:.2f}" for x in load["others"])
    text = (f"{load['model']}: others used {others} cores, load average "
            f"{load['load_before']:.2f} -> {load['load_after']:.2f}")
    if len(load["others"]) > 1:
        text += f" (busy: measured {len(load['others'])} times, kept attempt {load['kept'] + 1})"
    return text


def times(ratio: float) -> str:
    """``12x``, ``3.4x``, ``0.91x``: two or three significant digits."""
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.2g}x" if ratio < 1 else f"{ratio:.1f}x"


def quantity(value: float | None, unit: str) -> str:
    """``0.412 ms``, ``3.51 s``, ``123 MiB``; a dash when not measured."""
    if value is None:
        return "—"
    digits = 0 if value >= 100 else 1 if value >= 10 else 2 if value >= 1 else 3
    return f"{value:.{digits}f} {unit}"


def table(rows: list[Row]) -> str:
    """A Markdown table of ``rows``, in :data:`COLUMNS` order."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        cells = [row.case, row.model, row.peer, quantity(row.ours, row.unit),
                 quantity(row.theirs, row.unit), "—" if row.ratio is None else times(row.ratio),
                 "" if row.target is None else f"≥ {times(row.target)}", row.verdict, row.note]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
