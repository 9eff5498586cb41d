"""Average several trained forecasters inside one model (and so one ONNX file).

Members become parallel branches of one :class:`Forecaster`; the head reads the
branches' last outputs side by side. Putting each member's head weights, divided
by the number of members, next to each other makes that head compute exactly the
average of the members' predictions:

    mean_m (W_m h_m + b_m) = [W_1 ... W_M] / M . [h_1; ...; h_M] + mean_m b_m
"""

from __future__ import annotations

from dataclasses import replace

import torch

from rnnlab.runtime.card import Architecture, Card
from rnnlab.runtime.errors import RnnlabError
from rnnlab.training.network import Forecaster

SHARED = ("encoder", "target", "split", "data_sha256")


def combine(members: list[tuple[Forecaster, Card]]) -> tuple[Forecaster, Card]:
    """One model whose prediction is the mean of the members'; its card lacks metrics.

    Members must share data, split and preprocessing, and have equally deep branches
    of the same width.
    """
    if len(members) < 2:
        raise RnnlabError("ensemble: give at least two checkpoints")
    cards = [card for _, card in members]
    archs = [card.architecture for card in cards]
    for field in SHARED:
        if len({repr(getattr(card, field)) for card in cards}) > 1:
            raise RnnlabError(f"ensemble: the checkpoints differ in {field}; train every "
                              "member on the same file, split and preprocessing")
    if any(a.skip for a in archs):
        raise RnnlabError("ensemble: linear-plus-recurrent members (residual presets) cannot "
                          "be merged into one model; average their forecasts instead")
    depths = {len(a.cells) // a.branches for a in archs}
    if len(depths) > 1 or len({(a.units, a.bidirectional) for a in archs}) > 1:
        raise RnnlabError("ensemble: members need the same depth, units and directions "
                          f"(got {[f'{a.layers}x{a.name}({a.units})' for a in archs]})")
    first = archs[0]
    arch = Architecture(tuple(c for a in archs for c in a.cells), first.units, first.features,
                        first.bidirectional, branches=sum(a.branches for a in archs))
    model = Forecaster(arch)
    layers = [layer for member, _ in members for layer in member.layers]
    with torch.no_grad():
        for target, source in zip(model.layers, layers):
            target.load_state_dict(source.state_dict())
        model.head.weight.copy_(torch.cat([m.head.weight for m, _ in members], dim=1)
                                / len(members))
        model.head.bias.copy_(torch.stack([m.head.bias for m, _ in members]).mean(dim=0))
    name = "ensemble(" + ",".join(card.preset or "?" for card in cards) + ")"
    return model.eval(), replace(cards[0], architecture=arch, preset=name, metrics={},
                                 residual_sd=0.0)
