"""The results as one Markdown document (tables by group) and as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass

from benchmarks.rows import Reference, Row, times

COLUMNS = ("case", "model", "peer", "rnnlab", "peer's", "peer / rnnlab", "target", "verdict",
           "reference (earlier session)", "notes")
METHOD = (
    "rnnlab = the exported ONNX graph through `rnnlab.runtime` (onnxruntime); PyTorch eager = "
    "the same weights as an `nn.Module` in `inference_mode` (thread counts above). "
    "Each timing is a median after warm-up; rnnlab and its peer run interleaved "
    "(rnnlab, peer, rnnlab, peer, ...) and *peer / rnnlab* is the median of the per-pair "
    "ratios, so above 1 means rnnlab is faster (or, for memory and size, smaller). The "
    "*reference (earlier session)* column holds Keras figures measured on this machine in an "
    "earlier session, NOT in this run; a verdict \"vs reference\" uses the fastest of them."
)


@dataclass(frozen=True)
class Report:
    """Everything one run found, and how it was run."""

    command: str
    date: str
    quick: bool
    machine: dict
    notes: list[str]
    rows: list[Row]

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        """The report that :meth:`to_dict` wrote (``results.json``), to render it again."""
        rows = []
        for row in data["rows"]:
            fields = {k: v for k, v in row.items() if k not in ("verdict", "reference")}
            reference = row.get("reference")
            rows.append(Row(**fields, reference=Reference(**reference) if reference else None))
        return cls(data["command"], data["date"], data["quick"], data["machine"],
                   data["notes"], rows)

    def to_dict(self) -> dict:
        return {"command": self.command, "date": self.date, "quick": self.quick,
                "machine": self.machine, "method": METHOD, "notes": self.notes,
                "rows": [row.to_dict() for row in self.rows]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_markdown(self) -> str:
        """A header (command, date, machine, method) and one table per group."""
        m = self.machine
        versions = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        env = ", ".join(f"`{k}={v}`" for k, v in m["environment"].items()) or "none set"
        lines = [
            "# rnnlab benchmarks", "",
            f"- command: `{self.command}`" + (" (quick mode: proves the harness, "
                                               "numbers are not meaningful)" if self.quick
                                               else ""),
            f"- date: {self.date}",
            f"- machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
            f"{m['os']}; load average {m['load_average']} at start, "
            f"{m.get('load_average_end')} at end",
            f"- software: Python {m['python']}, {versions}",
            f"- thread environment: {env}",
            *[f"- {note}" for note in self.notes],
            "", METHOD,
        ]
        for group in dict.fromkeys(row.group for row in self.rows):
            # each table is a snippet section that pages can include alone, e.g.
            # --8<-- "benchmarks/results.md:training" (the marker lines are dropped)
            section = group.replace(" ", "-")
            lines += ["", f"## {group}", "", f"<!-- --8<-- [start:{section}] -->",
                      table([r for r in self.rows if r.group == group]),
                      f"<!-- --8<-- [end:{section}] -->"]
        return "\n".join(lines) + "\n"


def quantity(value: float | None, unit: str) -> str:
    """``0.412 ms``, ``3.51 s``, ``123 MiB``; a dash when not measured."""
    if value is None:
        return "—"
    digits = 0 if value >= 100 else 1 if value >= 10 else 2 if value >= 1 else 3
    return f"{value:.{digits}f} {unit}"


def cells(row: Row) -> list[str]:
    """A row's Markdown cells, in :data:`COLUMNS` order."""
    return [row.case, row.model, row.peer, quantity(row.ours, row.unit),
            quantity(row.theirs, row.unit), "—" if row.ratio is None else times(row.ratio),
            "" if row.target is None else f"≥ {times(row.target)}", row.verdict,
            "" if row.reference is None else row.reference.text, row.note]


def table(rows: list[Row]) -> str:
    """A Markdown table of ``rows``."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines)
