"""A bounded pool of worker processes, so CPU-heavy requests never stall the event loop.

Issue #15: one large transcript coded inside the web process froze every other request,
`/healthz` included. `ProcessPool.run` sends a top-level function and plain data to a
worker process instead, under three bounds:

- at most `workers` tasks run at once and `queue` more wait for a free worker; a task
  beyond that raises `Busy` at once (with a Retry-After estimate), so a burst of large
  pastes costs the server nothing but a refusal;
- each task may run `timeout_s` seconds in its worker. A running task cannot be
  cancelled, so its worker process is killed and replaced on the next task: every worker
  is its own one-process `ProcessPoolExecutor` (a "slot"), so a kill fails no other task;
- worker processes start on first use, from a forkserver (never `fork` from the threaded
  web process); starting them is not charged to the task's time limit.

It knows nothing of HTTP: routes turn `Busy`, `TimedOut` and `WorkerLost` into answers.
The bookkeeping is thread-safe and tied to no event loop, so one pool serves every loop
and thread that calls it (test clients run each on their own).
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

STARTUP_S = 60.0
"""How long a new worker may take to start (import, then its initializer) before it is
given up as broken; not counted in a task's own time limit."""


class Busy(RuntimeError):
    """Every worker is busy and the queue is full; try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"all workers are busy; retry in {retry_after} s")
        self.retry_after = retry_after


class TimedOut(RuntimeError):
    """The task ran longer than the pool's time limit; its worker was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the task ran longer than {seconds:g} s and was stopped")
        self.seconds = seconds


class WorkerLost(RuntimeError):
    """The worker process died under the task (killed, out of memory) or would not start.
    Nothing about the task itself is known to be wrong: trying again is reasonable."""


def _ready() -> bool:
    """A no-op task: its answer says the new worker has imported and initialised."""
    return True


@dataclass
class _Slot:
    """One worker process: its executor, made on first use and dropped when killed."""

    executor: ProcessPoolExecutor | None = None


@dataclass
class _Waiters:
    """Free slots and the tasks waiting for one, under one lock (used from any thread)."""

    free: list[_Slot]
    waiting: deque[Future[_Slot]] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)


class ProcessPool:
    """`workers` worker processes, `queue` waiting tasks at most, `timeout_s` per task."""

    def __init__(
        self,
        *,
        workers: int,
        queue: int,
        timeout_s: float,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        preload: Sequence[str] = (),
    ) -> None:
        """`initializer(*initargs)` runs once in each new worker; `preload` names modules
        the forkserver imports once, so each new worker starts without importing them."""
        if workers < 1 or queue < 0 or timeout_s <= 0:
            raise ValueError("a pool needs workers >= 1, queue >= 0 and timeout_s > 0")
        self.workers = workers
        self.queue = queue
        self.timeout_s = timeout_s
        self._initializer = initializer
        self._initargs = initargs
        self._preload = list(preload)
        self._slots = [_Slot() for _ in range(workers)]
        self._waiters = _Waiters(free=list(self._slots))
        self._admitted = 0
        self._typical_s = 1.0  # recent task time (moving average), for Retry-After

    @property
    def capacity(self) -> int:
        """Tasks admitted at once: running plus waiting."""
        return self.workers + self.queue

    @property
    def in_flight(self) -> int:
        """Tasks admitted now: starting, running or waiting for a worker."""
        return self._admitted

    async def run(self, fn: Callable[..., T], /, *args: Any) -> T:
        """`fn(*args)` in a worker process. `fn` must be a module-level function and the
        arguments and answer picklable. Raises Busy, TimedOut or WorkerLost; an exception
        raised by `fn` itself is raised here as it was."""
        self._admit()
        try:
            slot = await self._take_slot()
            try:
                return await self._run_in(slot, fn, args)
            finally:
                self._give_back(slot)
        finally:
            with self._waiters.lock:
                self._admitted -= 1

    def close(self) -> None:
        """Stop every worker now (a running task fails with WorkerLost); a later `run`
        starts fresh workers, so closing twice, or using the pool again, is safe."""
        for slot in self._slots:
            self._kill(slot, wait=True)  # reaped before the web process exits

    # ------------------------------------------------------------------ admission

    def _admit(self) -> None:
        with self._waiters.lock:
            if self._admitted >= self.capacity:
                raise Busy(self.retry_after())
            self._admitted += 1

    def retry_after(self) -> int:
        """Seconds until a place is likely free: one typical task shared among the workers."""
        estimate = math.ceil(self._typical_s / self.workers)
        return max(1, min(estimate, math.ceil(self.timeout_s)))

    async def _take_slot(self) -> _Slot:
        waiters = self._waiters
        with waiters.lock:
            if waiters.free:
                return waiters.free.pop()
            wanted: Future[_Slot] = Future()
            waiters.waiting.append(wanted)
        try:
            return await asyncio.wrap_future(wanted)
        except asyncio.CancelledError:  # the request went away while it waited
            with waiters.lock:
                if wanted in waiters.waiting:
                    waiters.waiting.remove(wanted)
                    raise
            if not wanted.cancelled():  # a slot was handed over meanwhile: pass it on
                self._give_back(wanted.result())
            raise

    def _give_back(self, slot: _Slot) -> None:
        """The slot to the longest-waiting task still waiting, else to the free list."""
        waiters = self._waiters
        with waiters.lock:
            while waiters.waiting:
                wanted = waiters.waiting.popleft()
                if wanted.set_running_or_notify_cancel():  # False: that waiter gave up
                    break
            else:
                waiters.free.append(slot)
                return
        wanted.set_result(slot)  # outside the lock: its callbacks may run in this thread

    # ------------------------------------------------------------------ running

    async def _run_in(self, slot: _Slot, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        executor = await self._started(slot)
        try:
            future = executor.submit(fn, *args)
        except BrokenProcessPool:  # the worker died while idle: the task has not begun
            self._kill(slot)
            future = (await self._started(slot)).submit(fn, *args)
        begun = time.monotonic()
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(future), self.timeout_s)
        except TimeoutError:
            self._kill(slot)
            self._typical_s = 0.7 * self._typical_s + 0.3 * self.timeout_s
            raise TimedOut(self.timeout_s) from None
        except BrokenProcessPool:
            self._kill(slot)
            raise WorkerLost("the worker process stopped during the task") from None
        except asyncio.CancelledError:  # nobody wants the answer: free the worker for others
            self._kill(slot)
            raise
        self._typical_s = 0.7 * self._typical_s + 0.3 * (time.monotonic() - begun)
        return result

    async def _started(self, slot: _Slot) -> ProcessPoolExecutor:
        """The slot's executor, with its worker up and initialised."""
        if slot.executor is not None:
            return slot.executor
        executor = slot.executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=self._context(),
            initializer=self._initializer,
            initargs=self._initargs,
        )
        try:
            # the first submit starts the process, and with it perhaps the forkserver, which
            # waits for the server's imports: a second or so, never on the event loop
            ready = await asyncio.to_thread(executor.submit, _ready)
            await asyncio.wait_for(asyncio.wrap_future(ready), STARTUP_S)
        except (TimeoutError, BrokenProcessPool):
            self._kill(slot)
            raise WorkerLost("a worker process could not start") from None
        except asyncio.CancelledError:
            self._kill(slot)
            raise
        return executor

    def _context(self) -> Any:
        """Forkserver where the platform has it (workers fork from a clean, single-threaded
        server that has imported `preload`), else spawn; never a fork of this process."""
        if "forkserver" not in multiprocessing.get_all_start_methods():
            return multiprocessing.get_context("spawn")
        context = multiprocessing.get_context("forkserver")
        if self._preload:
            context.set_forkserver_preload(self._preload)  # only before the server starts
        return context

    def _kill(self, slot: _Slot, *, wait: bool = False) -> None:
        """Kill the slot's worker: the only way to stop a task that is already running.
        `wait` until it is reaped (the executor's own thread does it otherwise)."""
        executor, slot.executor = slot.executor, None
        if executor is None:
            return
        # no public way before Python 3.14 (`kill_workers`): the executor's own process table
        for process in list((executor._processes or {}).values()):
            process.kill()
        executor.shutdown(wait=wait, cancel_futures=True)
