"""Worker processes that one bad file cannot take down: a crash or a hang costs only the file being linted.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one worker dies
(``BrokenProcessPool``: every pending result is lost) and cannot stop a worker stuck in
native code. Here each worker handles one file at a time over its own pipe, so the parent
always knows which file a worker holds and since when: a worker that dies is replaced and
its file reported; one that overruns the time budget is killed, likewise.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from multiprocessing.connection import Connection
    from typing import Any


def _serve(conn: Connection, initializer: Callable[..., None], initargs: tuple[Any, ...], work: Callable[[Any], Any]) -> None:
    import faulthandler

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    faulthandler.disable()  # a crash is reported by the parent, in one line
    initializer(*initargs)
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        conn.send(work(item))


class _Worker:
    def __init__(self, context: Any, initializer: Callable[..., None], initargs: tuple[Any, ...], work: Callable[[Any], Any]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, initializer, initargs, work), daemon=True, name="kerasdoctor-lint")
        self.process.start()
        child.close()
        self.item: Any = None
        self.started = 0.0

    def give(self, item: Any) -> None:
        self.item, self.started = item, time.monotonic()
        self.conn.send(item)

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def start_method() -> str:
    return "fork" if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin" else "spawn"


def run_isolated(
    items: Sequence[Any],
    work: Callable[[Any], Any],
    *,
    jobs: int,
    budget: float,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...] = (),
) -> Iterator[tuple[Any, Any, str | None]]:
    """``(item, work(item), None)`` for each item, in completion order, computed in ``jobs`` processes;
    ``(item, None, why)`` for an item whose worker died or ran longer than ``budget`` seconds."""
    from multiprocessing.connection import wait

    context = multiprocessing.get_context(start_method())
    queue = deque(items)
    idle: list[_Worker] = [_Worker(context, initializer, initargs, work) for _ in range(max(1, min(jobs, len(queue))))]
    busy: list[_Worker] = []
    try:
        while queue or busy:
            while queue and idle:
                worker = idle.pop()
                try:
                    worker.give(queue.popleft())
                except OSError:  # it died before taking the file (e.g. while starting): the file is not to blame
                    worker.stop(kill=True)
                    queue.appendleft(worker.item)
                    if not idle and not busy:
                        raise RuntimeError(f"a lint worker could not start ({_death(worker.process.exitcode)})") from None
                    continue
                busy.append(worker)
            now = time.monotonic()
            timeout = max(0.0, min(w.started + budget for w in busy) - now)
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout))
            now = time.monotonic()
            for worker in list(busy):
                result: Any = None
                failure = None
                if worker.conn in ready or worker.process.sentinel in ready:
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.process.join(timeout=5)
                        failure = f"the parser crashed ({_death(worker.process.exitcode)})"
                elif now - worker.started >= budget:
                    failure = f"took longer than {budget:g} s"
                else:
                    continue
                busy.remove(worker)
                if failure is None:
                    idle.append(worker)
                    yield worker.item, result, None
                else:
                    worker.stop(kill=True)
                    yield worker.item, None, failure
                    if queue:
                        idle.append(_Worker(context, initializer, initargs, work))
    finally:
        for worker in idle:
            worker.stop()
        for worker in busy:
            worker.stop(kill=True)


def default_budget() -> float:
    """Seconds one file may take in a worker (``KERASDOCTOR_LINT_TIMEOUT``); the largest file linted takes
    a few seconds, so only a stuck parser reaches it."""
    try:
        return max(0.1, float(os.environ.get("KERASDOCTOR_LINT_TIMEOUT", "") or 120))
    except ValueError:
        return 120.0
