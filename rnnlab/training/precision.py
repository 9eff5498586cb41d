"""Mixed precision for training: float32, or bfloat16 autocast where the CPU has it.

With ``bf16`` the forward pass runs under ``torch.autocast(device, torch.bfloat16)``: the
matrix products (the recurrent layers' gates, the head) take bfloat16 inputs and
accumulate in float32, while the weights, their gradients and the optimizer's state stay
float32. So a trained model, its checkpoint and its exported ONNX file are float32 either
way; only the arithmetic of training differs (and the card records which).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import torch

from rnnlab.runtime.card_checks import PRECISIONS

__all__ = ["PRECISIONS", "autocast", "bf16_supported", "effective"]


def bf16_supported(device: torch.device) -> bool:
    """Whether ``device`` runs bfloat16 matrix products natively (AVX-512 BF16 or AMX on a
    CPU; compute capability 8+ on CUDA). Elsewhere bf16 is emulated and slower than fp32."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return bool(torch.backends.mkldnn.is_available()
                and torch.ops.mkldnn._is_mkldnn_bf16_supported())


def effective(precision: str, device: torch.device) -> str:
    """The precision training will use: ``bf16`` falls back to ``fp32``, with one line on
    stderr, where ``device`` lacks bfloat16 support."""
    if precision == "bf16" and not bf16_supported(device):
        print(f"note: this {device.type.upper()} has no native bfloat16 support; "
              "training in fp32", file=sys.stderr)
        return "fp32"
    return precision


@contextlib.contextmanager
def autocast(precision: str, device: torch.device | str) -> Iterator[None]:
    """The forward pass's context: bfloat16 autocast for ``bf16``, nothing for ``fp32``."""
    with torch.autocast(torch.device(device).type, dtype=torch.bfloat16,
                        enabled=precision == "bf16"):
        yield
