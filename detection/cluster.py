"""Running tasks on Dask distributed: a local cluster of worker processes, or an existing cluster by address.

Used by ``scenes.py`` (one task per scene) and ``partitions.py`` (one task per row partition of one
scene). A task is a plain
function called on a worker as ``fn(*args, progress=..., is_cancelled=...)``: its progress goes back through a
Dask ``Queue`` and is aggregated here (weighted by each task's share of the work), and a cancel here sets a
cluster-wide Dask ``Event`` that the tasks poll. A task whose worker dies is rescheduled by Dask; other exceptions
are retried ``retries`` times. Pure: never imports QGIS.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator

from ..errors import CancelledError, InputError, Message
from .engines import THREADS_ENV

#: seconds to wait for an existing Dask scheduler to answer
SCHEDULER_TIMEOUT_S = 10
#: seconds between two asks of the cluster-wide cancel Event by a task
CANCEL_POLL_S = 0.5
#: the most a running task's own progress counts for (a task is whole only when its future is)
TASK_UNFINISHED = 0.999


@contextlib.contextmanager
def dask_client(processes: int, scheduler: str | None, log: Callable[[str], None]) -> Iterator:
    """A ``distributed.Client``: on a new local cluster of ``processes`` worker processes (one thread each, the
    machine's cores shared out between their engines), or on the scheduler at ``scheduler``; closed (and a local cluster
    stopped, its processes gone) on leaving. The dashboard link is logged."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputError(Message("running on several workers needs Dask: pip install \"dask[distributed]\"")) from exc
    cluster = None
    if scheduler is None:
        threads = str(max(1, (os.cpu_count() or 1) // processes))
        with _workers_ignore_ctrl_c():
            cluster = LocalCluster(n_workers=processes, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", host="127.0.0.1",
                                   env={THREADS_ENV: threads, "OMP_NUM_THREADS": threads})
    try:
        client = Client(cluster if cluster is not None else scheduler,
                        **({} if cluster is not None else {"timeout": SCHEDULER_TIMEOUT_S}))
    except BaseException as exc:
        if cluster is not None:
            cluster.close()
        if cluster is None and isinstance(exc, Exception):  # a wrong or unreachable address: one sentence
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise InputError(Message("cannot reach the Dask scheduler at {scheduler!r} within {SCHEDULER_TIMEOUT_S} s "
                                     "({first}); check the address (tcp://host:8786) and that the scheduler runs",
                                     scheduler=scheduler, SCHEDULER_TIMEOUT_S=SCHEDULER_TIMEOUT_S,
                                     first=first)) from None
        raise
    try:
        log(Message("Dask cluster: {worker_count} worker(s); dashboard {dashboard_link}",
                    worker_count=worker_count(client), dashboard_link=client.dashboard_link))
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start the local worker processes with SIGINT ignored (a new Python keeps an ignored SIGINT ignored): Ctrl-C
    in a terminal reaches the whole process group, and only this process should act on it, by cancelling the run
    and closing the cluster, which stops the workers; otherwise each worker prints its own KeyboardInterrupt
    traceback. This process's own handler is back in place once the workers have started."""
    if threading.current_thread() is not threading.main_thread():  # (signals can be set in the main thread only)
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def worker_count(client) -> int:
    return len(client.scheduler_info().get("workers", {}))


def _task(fn: Callable, args: tuple, name: str, channel: str):
    """``fn`` on a worker: progress published on ``channel``, cancel read from the Event of the same name."""
    from distributed import Event, Queue

    queue = Queue(channel)
    cancel = Event(channel)
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - last[0] > 0.5:
            last[0] = now
            queue.put((name, float(fraction), message))

    asked = [0.0, False]  # when the scheduler was last asked, and its answer

    def is_cancelled() -> bool:
        """The cancel Event, asked at most twice a second: each ask is a round trip to the scheduler, and the
        engine loop asks once per chip (asking every time made two workers slower than one)."""
        now = time.monotonic()
        if not asked[1] and now - asked[0] > CANCEL_POLL_S:
            asked[0], asked[1] = now, cancel.is_set()
        return asked[1]

    return fn(*args, progress=progress, is_cancelled=is_cancelled)


def run_tasks(client, tasks: dict[str, tuple[Callable, tuple]], retries: int,
              progress: Callable[[float, str], None], is_cancelled: Callable[[], bool], what: str = "tasks",
              weights: dict[str, float] | None = None, unit: str | None = None) -> dict:
    """Run ``tasks`` (name -> (function, arguments)) on the cluster; their results by name. Progress is the
    weighted mean of the tasks' own progress (``weights``: each task's share of the work, counted in ``unit``,
    e.g. chips; equal by default).
    Cancel stops every task and raises ``CancelledError``; an error that survived its retries is raised."""
    from distributed import Event, Queue, wait

    channel = f"landslide-mapper-{uuid.uuid4().hex}"
    cancel = Event(channel, client=client)
    queue = Queue(channel, client=client)
    weights = weights or {name: 1.0 for name in tasks}
    total = sum(weights.values()) or 1.0
    futures = {client.submit(_task, fn, args, name, channel, key=f"{channel}-{name}", retries=retries,
                             pure=False): name for name, (fn, args) in tasks.items()}
    fractions = {name: 0.0 for name in tasks}
    pending = set(futures)
    try:
        while pending:
            if is_cancelled():
                cancel.set()
                client.cancel(list(pending), force=True)
                raise CancelledError(Message("cancelled by the user; no output was written"))
            try:
                done, pending = wait(pending, timeout=0.5, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            for fut in done:
                fractions[futures[fut]] = 1.0
            for name, fraction, _message in queue.get(batch=True):
                # a task is whole only when its future is: its last chip is not the end of its outputs
                fractions[name] = max(fractions.get(name, 0.0), min(fraction, TASK_UNFINISHED))
            finished = sum(1 for f in futures if f.done())
            done = sum(fractions[n] * weights[n] for n in tasks)
            progress(done / total, Message("{finished}/{n_tasks} {what}", finished=finished, n_tasks=len(tasks),
                                           what=what) if unit is None else
                     Message("{done:.0f}/{total:.0f} {unit}, {finished}/{n_tasks} {what} done", done=done, total=total,
                             unit=unit, finished=finished, n_tasks=len(tasks), what=what))
        return {name: fut.result() for fut, name in futures.items()}  # re-raises an error beyond its retries
    finally:
        client.cancel([f for f in futures if not f.done()], force=True)
