"""Backtest folds on a Dask cluster: the ``rnnlab[dask]`` extra, imported only here."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from rnnlab.runtime.errors import RnnlabError

CONNECT_TIMEOUT_S = 30


@contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """A :class:`concurrent.futures.Executor` on the Dask scheduler at ``address``
    (``tcp://host:8786``), closed on exit. Its workers need rnnlab of the same version,
    with the ``train`` extra; they need no access to the price files."""
    try:
        from distributed import Client
    except ModuleNotFoundError:
        raise RnnlabError("--scheduler needs Dask distributed: pip install 'rnnlab[dask]'") \
            from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        message = " ".join(str(error).split()) or type(error).__name__
        raise RnnlabError(f"--scheduler {address}: cannot connect ({message}); start one with "
                          "`dask scheduler` and give its tcp://HOST:PORT") from None
    with client:
        yield client.get_executor()
