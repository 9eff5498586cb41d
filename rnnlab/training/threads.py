"""PyTorch's CPU thread count, pinned where a result must not depend on the machine.

A matrix product split over more threads adds its partial sums in another order, so the
same weights score a few units in the 7th digit apart on 1 and on 2 threads. Scores are
therefore computed on one thread, whatever the machine or ``OMP_NUM_THREADS``: the scores
``rnnlab train`` prints, those a reloaded checkpoint gets and those a test compares are
the same numbers. (The models are small: one thread is also the fastest on a busy machine,
where extra threads spin-wait for each other.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one CPU thread inside the ``with`` block, then restore the setting."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
