"""scripts/precision_check.py's verdicts: bf16 keeps a result within 0.01 nats/char (text)
or within one fp32 seed standard deviation (prices), over the seeds done in both."""

from __future__ import annotations

import json
import statistics

import pytest
from helpers import load_file


@pytest.fixture(scope="module")
def check():
    return load_file("scripts/precision_check.py")


def runs(key: str, fp32: list[float], bf16: list[float]) -> dict:
    return {p: {seed: {key: v, "seconds": 1.0, "steps": 121 + seed} for seed, v in
                enumerate(values)}
            for p, values in (("fp32", fp32), ("bf16", bf16))}


def result(char: dict, price: dict) -> dict:
    return {"char": char, "price": price, "char_steps": 121, "chars_per_step": 8192}


def test_text_keeps_within_a_hundredth_of_a_nat(check):
    kept = check.verdicts(result(runs("val", [2.10, 2.12, 2.11], [2.112, 2.122, 2.117]), {}))
    lost = check.verdicts(result(runs("val", [2.10, 2.12, 2.11], [2.13, 2.12, 2.13]), {}))
    assert kept[0]["keeps"] and kept[0]["bf16"] - kept[0]["fp32"] == pytest.approx(0.007)
    assert not lost[0]["keeps"]
    assert "one epoch (121-123 steps)" in kept[0]["model"]  # each seed's offset: its count


def test_prices_keep_within_the_fp32_seed_spread(check):
    fp32 = [3.9, 3.5, 2.8]
    sd = statistics.stdev(fp32)
    near = check.verdicts(result({"fp32": {}, "bf16": {}},
                                 {"seed-lstm": runs("rmse", fp32, [v + sd / 2 for v in fp32])}))
    far = check.verdicts(result({"fp32": {}, "bf16": {}},
                                {"seed-lstm": runs("rmse", fp32, [v + 2 * sd for v in fp32])}))
    assert near[0]["allowed"] == pytest.approx(sd) and near[0]["keeps"]
    assert not far[0]["keeps"]


def test_a_verdict_needs_two_seeds_done_in_both_precisions(check):
    partial = runs("rmse", [3.9, 3.5], [3.8])
    assert check.summary(partial, "rmse") is None
    partial["bf16"][1] = {"rmse": 3.6, "seconds": 1.0, "steps": 122}
    assert check.summary(partial, "rmse")["seeds"] == [0, 1]


def test_resume_reads_back_what_write_saved(check, tmp_path, monkeypatch):
    monkeypatch.setattr(check, "RESULTS", tmp_path)
    saved = {**result(runs("val", [2.1, 2.2], [2.1, 2.2]),
                      {"seed-lstm": runs("rmse", [3.9], [])}),
             "load_before": 1.0, "load_after": 1.0, "minutes": 0.0, "cores": 2}
    check.write(saved, [], 0.0)
    fresh = result({"fp32": {}, "bf16": {}}, {"seed-lstm": {"fp32": {}, "bf16": {}}})
    check.resume(fresh, json.loads((tmp_path / "precision.json").read_text()))
    assert fresh["char"]["bf16"][1]["val"] == 2.2 and fresh["price"]["seed-lstm"]["fp32"] == {
        0: {"rmse": 3.9, "seconds": 1.0, "steps": 121}}
