"""One result row: rnnlab's value beside a peer's, the speedup, its target and a verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Reference:
    """A peer figure measured in an earlier session on this machine (not in this run)."""

    low: float
    high: float
    text: str


@dataclass(frozen=True)
class Row:
    """rnnlab's ``ours`` beside ``peer``'s ``theirs`` (both in ``unit``, lower is better).

    ``ratio`` is theirs / ours (for timings, the median of per-pair ratios);
    ``target`` is the least ratio that counts as met. Where the peer could not
    be measured, ``reference`` holds an earlier session's figure instead.
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
    reference: Reference | None = None
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.group, self.case, self.model, self.peer

    @property
    def verdict(self) -> str:
        """met / missed against the live peer, else against the reference's best case."""
        if self.target is None:
            return ""
        if self.ratio is not None:
            return "met" if self.ratio >= self.target else "missed"
        if self.reference is not None and self.ours:
            # Conservative: the fastest figure the peer was seen to reach.
            ratio = self.reference.low / self.ours
            return f"{'met' if ratio >= self.target else 'missed'} vs reference ({times(ratio)})"
        return "not measured"

    def to_dict(self) -> dict:
        return {**asdict(self), "verdict": self.verdict}


def times(ratio: float) -> str:
    """``12x``, ``3.4x``, ``0.91x``: two or three significant digits."""
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.2g}x" if ratio < 1 else f"{ratio:.1f}x"
