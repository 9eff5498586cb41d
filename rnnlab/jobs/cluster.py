"""Backtest folds on a Dask cluster: the ``rnnlab[dask]`` extra, imported only here.

Faults end in one line with a bounded wait: an address that is not ``tcp://HOST:PORT``,
a port where nothing answers, or one where something that is not a Dask scheduler
answers (Dask's client would wait for its greeting for ever) are refused before the
client starts; while the scheduler has no workers, a warning says so every
``IDLE_WARN_S`` with the time waited. A scheduler lost mid-run is
:func:`lost_scheduler`'s message (:mod:`rnnlab.jobs.backtest` raises it).
"""

from __future__ import annotations

import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import ExitStack, contextmanager

from rnnlab.runtime.errors import RnnlabError, printable

CONNECT_TIMEOUT_S = 30
IDLE_WARN_S = 60.0
WATCH_S = 2.0  # how often the worker count is asked for
ADDRESS = re.compile(r"(?:tcp://)?(\[[0-9a-fA-F:]+\]|[\w.-]+):(\d{1,5})", re.ASCII)
OTHER_TRANSPORTS = ("tls://", "inproc://", "ucx://", "ws://", "wss://")
HINT = "start one with `dask scheduler` and give its tcp://HOST:PORT"


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
    address = check_scheduler(address, CONNECT_TIMEOUT_S)
    with ExitStack() as stack:
        stack.enter_context(quiet_dask())  # outermost: the client's closing logs too
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            message = " ".join(str(error).split()) or type(error).__name__
            raise RnnlabError(f"--scheduler {address}: cannot connect ({message}); {HINT}") \
                from None
        stack.enter_context(client)
        stop = threading.Event()
        stack.callback(stop.set)
        threading.Thread(target=watch_workers, args=(client, address, stop), daemon=True,
                         name="rnnlab-dask-workers").start()
        yield client.get_executor()


@contextmanager
def quiet_dask() -> Iterator[None]:
    """Dask's own log lines (a lost scheduler logs tracebacks) off while rnnlab says what
    happened in one line."""
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
               if name == "distributed" or name.startswith("distributed.")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def check_scheduler(address: str, timeout_s: float) -> str:
    """``address`` for Dask's client. A TCP one (``tcp://HOST:PORT`` or ``HOST:PORT``) must
    have something that speaks first, as a Dask scheduler does (it greets every
    connection), within ``timeout_s``; Dask's other transports are passed on as they are."""
    shown = printable(str(address))
    if isinstance(address, str) and address.startswith(OTHER_TRANSPORTS):
        return address
    match = ADDRESS.fullmatch(address.strip()) if isinstance(address, str) else None
    if match is None or not 0 < int(match[2]) < 65536:
        raise RnnlabError(f"--scheduler {shown}: not a Dask scheduler address; give "
                          "tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786)")
    host, port = match[1].strip("[]"), int(match[2])
    started = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as probe:
            probe.settimeout(max(0.1, timeout_s - (time.monotonic() - started)))
            greeting = probe.recv(1)
    except TimeoutError:
        raise RnnlabError(f"--scheduler {shown}: no answer in {timeout_s:g} s; is it a Dask "
                          f"scheduler? {HINT}") from None
    except OSError as error:
        raise RnnlabError(f"--scheduler {shown}: cannot connect ({error.strerror or error}); "
                          f"{HINT}") from None
    if not greeting:
        raise RnnlabError(f"--scheduler {shown}: closed the connection without a word; "
                          f"it is not a Dask scheduler; {HINT}")
    return f"tcp://{match[1]}:{port}"


def watch_workers(client, address: str, stop: threading.Event) -> None:
    """While ``stop`` is unset: warn on stderr each ``IDLE_WARN_S`` that the scheduler has
    no workers, with the time waited; quietly end if it cannot be asked."""
    warn_s = IDLE_WARN_S
    since = warned = None
    while not stop.wait(WATCH_S):
        try:
            workers = len(client.nthreads())
        except Exception:  # noqa: BLE001 - a lost scheduler is the backtest's to report
            return
        now = time.monotonic()
        if workers:
            since = warned = None
            continue
        since = since or now
        if now - since >= warn_s and (warned is None or now - warned >= warn_s):
            warned = now
            print(f"warning: the Dask scheduler at {printable(address)} has had no workers "
                  f"for {now - since:.0f} s; the folds wait for one (start it with `dask "
                  f"worker {printable(address)}`)", file=sys.stderr, flush=True)


def lost_scheduler(error: BaseException, stored: int, store: object) -> RnnlabError:
    """The one line for folds lost with their scheduler (or executor): what happened, how
    many finished folds are stored, and the command that resumes."""
    what = " ".join(str(error).split())[:160]
    what = f"{type(error).__name__}: {what}" if what else type(error).__name__
    kept = (f"the {stored} finished fold(s) are stored in {store}; rerun the same "
            "`rnnlab backtest` command (or rnnlab.backtest with the same store) to train "
            "only the rest" if store is not None else
            "no store was given, so nothing was kept; pass a store to keep finished folds")
    return RnnlabError(f"the executor lost the folds ({what}); {kept}")
