"""Inspect every scanned file: from the cache when size and mtime are unchanged, else by
inspect.inspect_file in worker processes, one per core.

No file may crash or hang the check, so the workers are ours, not a ProcessPoolExecutor's:

* each file has a time limit (`time_limit`); a worker that overruns it is told by an alarm, and one
  stuck where an alarm cannot reach (in C code) is killed by the parent's watchdog;
* a worker that dies (a parser crash, the OOM killer) costs only the file it was inspecting, which
  is reported unreadable; the rest of its chunk goes to a new worker;
* workers ignore Ctrl-C; the parent stops them, commits what is done, and lets the interrupt go on;
* results reach the cache in batches, one transaction each, so an interrupted run leaves it
  consistent; the check forgets files that left the tree only once inspection has completed.
"""

from __future__ import annotations

import gc
import hashlib
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from civdoc.model import EvidenceFile, Inspection
from civdoc.store.cache import Cache, fresh

MAX_WORKERS = 8
CHUNK = 32  # files sent to a worker at once (fewer when there is little work)
BATCH = 1000  # cache rows written per transaction
LARGE = 32 << 20  # bytes from which a file is sent to a worker on its own, and first
SPAWN_FROM = 2000  # files to inspect from which workers are spawned rather than forked (Linux)
TIME_BASE = 30.0  # seconds any one file may take beyond reading it ...
READ_RATE = 20e6  # ... read at no less than this many bytes a second (a slow network share)
WATCHDOG_SLACK = 15.0  # beyond a file's limit, before a worker deaf to its alarm is killed
MEMORY_HEADROOM = 1 << 30  # bytes a worker may allocate beyond what it holds when it starts

P_TIMEOUT = (
    "检查该文件超过 {seconds} 秒仍未完成，文件结构异常（可能已损坏或被恶意构造），已跳过。"
    "请用相应软件打开确认，重新导出或扫描后替换"
)
P_MEMORY = (
    "检查该文件时占用内存超过 {megabytes} MB，文件结构异常（可能已损坏或被恶意构造），已跳过。"
    "请用相应软件打开确认，重新导出或扫描后替换"
)
P_CRASH = "检查该文件时解析程序异常退出，文件可能已损坏或被恶意构造。请用相应软件打开确认，重新导出或扫描后替换"

Job = tuple[str, int]  # (path on disk, size)


def time_limit(size: int) -> float:
    return TIME_BASE + size / READ_RATE


# ---------------------------------------------------------------------------------------------
# One file, bounded in time (runs in a worker, or in-process when workers cannot start)


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no parser's `except Exception` swallows it."""


_armed = False


def _on_alarm(signum: int, frame: Any) -> None:
    if _armed:
        raise _Timeout()


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _inspect_bounded(path: str, size: int, handler_set: bool = False) -> Inspection:
    """inspect_file, stopped by an alarm after time_limit(size). A worker installs the alarm's
    handler once (handler_set); in-process, it is installed and restored around each file."""
    from civdoc.evidence.formats import inspect_file

    global _armed
    alarm = handler_set or _can_alarm()
    limit = time_limit(size)
    previous = signal.signal(signal.SIGALRM, _on_alarm) if alarm and not handler_set else None
    try:
        if alarm:
            _armed = True
            signal.setitimer(signal.ITIMER_REAL, limit)
        return inspect_file(Path(path))
    except _Timeout:
        _armed = False
        return fallback(path, P_TIMEOUT.format(seconds=round(limit)))
    except MemoryError:
        return fallback(path, P_MEMORY.format(megabytes=MEMORY_HEADROOM >> 20))
    except Exception:  # inspect_file promises not to raise; if it does, the file is the one to blame
        return fallback(path, P_CRASH)
    finally:
        _armed = False
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)


def fallback(path: str, problem: str) -> Inspection:
    """An unreadable result for a file whose inspection failed: still its size and hash, which
    duplicates and review fingerprints need."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            h = hashlib.sha256()
            while chunk := fh.read(1 << 20):
                h.update(chunk)
            digest = "sha256:" + h.hexdigest()
    except OSError:
        size, digest = 0, ""
    return Inspection(size=size, sha256=digest, readable=False, problem=problem)


# ---------------------------------------------------------------------------------------------
# Workers


# A worker's shared state: when it started its current file (time.monotonic(), the same clock in
# every process; 0 when idle), that file's time limit, and its position in the chunk.
_STARTED, _LIMIT, _POSITION = 0, 1, 2


def _limit_memory() -> None:
    """A file that makes a parser allocate without end gets a MemoryError (reported as unreadable),
    not the machine's memory. Linux only: RLIMIT_DATA counts what malloc and Python's arenas map."""
    try:
        import resource

        with open("/proc/self/status", "rb") as fh:
            data = next(int(line.split()[1]) * 1024 for line in fh if line.startswith(b"VmData:"))
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        want = data + MEMORY_HEADROOM
        if hard == resource.RLIM_INFINITY or want < hard:
            resource.setrlimit(resource.RLIMIT_DATA, (want, hard))
    except (ImportError, OSError, ValueError, StopIteration, AttributeError):
        pass


def _worker(conn: Connection, state: Any, parent: int) -> None:
    gc.enable()  # a forked worker inherits a collector its parent may have paused; parsers make cycles
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
        if hasattr(signal, "pthread_sigmask"):  # started with it blocked (_sigint_held): now drop it
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if sys.platform.startswith("linux"):
        _limit_memory()
    alarm = _can_alarm()
    if alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
    try:
        while True:
            while not conn.poll(1.0):
                if os.getppid() != parent:  # orphaned: the parent was killed
                    return
            jobs = conn.recv()
            if jobs is None:
                return
            results = []
            for position, (path, size) in enumerate(jobs):
                state[_POSITION], state[_LIMIT] = position, time_limit(size)
                state[_STARTED] = time.monotonic()
                results.append(_inspect_bounded(path, size, alarm))
            state[_STARTED] = 0.0
            conn.send(results)
    except BaseException:  # noqa: BLE001 - never a traceback from a worker: the parent sees it gone
        return


class _Worker:
    def __init__(self, ctx: Any):
        self.conn, child = ctx.Pipe()
        self.state = ctx.RawArray("d", 3)
        self.proc = ctx.Process(target=_worker, args=(child, self.state, os.getpid()), daemon=True)
        # Frozen objects are left alone by the child's garbage collector, so the pages it shares
        # with this process (the scanned tree: tens of MB) are not copied on its first collection.
        # gc.unfreeze() thaws everything, including what store/gcpause.py froze after a paused block
        # (acyclic data it wants left alone): thaw only when nothing was frozen before us.
        frozen_before = gc.get_freeze_count()
        gc.freeze()
        try:
            with _sigint_held():  # a Ctrl-C at this moment must reach us, not the new process
                self.proc.start()
        finally:
            if not frozen_before:
                gc.unfreeze()
        child.close()
        self.chunk: list[int] | None = None

    def give(self, chunk: list[int], jobs: list[Job]) -> None:
        self.chunk = chunk
        self.state[_STARTED] = 0.0
        self.conn.send([jobs[i] for i in chunk])

    def overdue(self, now: float) -> bool:
        started = self.state[_STARTED]
        return bool(started) and now - started > self.state[_LIMIT] + WATCHDOG_SLACK

    def next_check(self, now: float) -> float:
        started = self.state[_STARTED]
        if not started:
            return WATCHDOG_SLACK
        return max(0.05, started + self.state[_LIMIT] + WATCHDOG_SLACK - now)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


class _sigint_held:
    """Ctrl-C held back while a worker starts: the new process must not get it before it ignores it,
    and this one must not lose it, as ignoring it here would. Blocked, the signal waits and arrives
    on leaving; where signals cannot be blocked (Windows), it is ignored for that moment."""

    def __enter__(self) -> None:
        self.blocked, self.saved = False, None
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGINT"):
            return
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            self.blocked = True
        else:
            self.saved = signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(self, *exc: object) -> None:
        if self.blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        elif self.saved is not None:
            signal.signal(signal.SIGINT, self.saved)


def _context(jobs: int) -> Any:
    """How workers start. fork takes milliseconds, but a worker forked from a process holding a
    large scanned tree keeps a copy of it as the parent goes on writing to its own (copy-on-write):
    for a big run, spawn's fresh interpreters cost a fraction of a second once and much less memory."""
    if sys.platform.startswith("linux") and jobs < SPAWN_FROM:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Pool:
    """Workers, each inspecting one chunk of jobs at a time; see the module docstring."""

    def __init__(self, jobs: list[Job], workers: int):
        self.jobs = jobs
        # Large files first, each alone, so none is left running at the end while other cores idle;
        # then the small ones in chunks, small enough to keep every worker busy to the end.
        large = [i for i, (_, n) in enumerate(jobs) if n >= LARGE]
        small = [i for i, (_, n) in enumerate(jobs) if n < LARGE]
        large.sort(key=lambda i: -jobs[i][1])
        size = max(1, min(CHUNK, math.ceil(len(small) / (workers * 4))))
        self.queue: deque[list[int]] = deque(
            [[i] for i in large] + [small[i : i + size] for i in range(0, len(small), size)]
        )
        self.ctx = _context(len(jobs))
        self.tries: dict[int, int] = {}  # job -> times its worker died between files
        self.restarts = 0
        self.max_restarts = 10 + len(jobs) // 10
        self.workers = [_Worker(self.ctx) for _ in range(workers)]

    def results(self) -> Iterator[tuple[list[int], list[Inspection]]]:
        """(indices, results) for every job, in completion order."""
        try:
            while self.queue or any(w.chunk is not None for w in self.workers):
                self._hand_out()
                busy = [w for w in self.workers if w.chunk is not None]
                if not busy:
                    continue
                now = time.monotonic()
                timeout = min(w.next_check(now) for w in busy)
                ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=timeout))
                now = time.monotonic()
                for i, w in enumerate(self.workers):
                    if w.chunk is None:
                        continue
                    if w.conn in ready:
                        try:
                            results = w.conn.recv()
                        except (EOFError, OSError):
                            results = None
                        if isinstance(results, list) and len(results) == len(w.chunk):
                            chunk, w.chunk = w.chunk, None
                            yield chunk, results
                        else:
                            yield from self._lost(i, P_CRASH)
                    elif w.proc.sentinel in ready:
                        yield from self._lost(i, P_CRASH)
                    elif w.overdue(now):
                        yield from self._lost(i, P_TIMEOUT)
        finally:
            failing = sys.exc_info()[0] is not None
            for w in self.workers:
                w.stop(kill=failing or w.chunk is not None)

    def _hand_out(self) -> None:
        for i, w in enumerate(self.workers):
            if w.chunk is None and self.queue:
                chunk = self.queue.popleft()
                try:
                    w.give(chunk, self.jobs)
                except OSError:  # it died while idle: a new worker takes the same chunk
                    self.queue.appendleft(chunk)
                    w.chunk = None
                    self._replace(i)

    def _replace(self, i: int) -> None:
        self.workers[i].stop(kill=True)
        self.restarts += 1
        if self.restarts > self.max_restarts:  # workers keep dying whatever they do
            raise OSError("civdoc workers keep failing")
        self.workers[i] = _Worker(self.ctx)

    def _lost(self, i: int, problem: str) -> Iterator[tuple[list[int], list[Inspection]]]:
        """A worker died or hung: the file it was on is reported unreadable, the rest of its chunk
        goes back to the queue, and a new worker takes its place."""
        w = self.workers[i]
        chunk = w.chunk or []
        started, position = w.state[_STARTED], int(w.state[_POSITION])
        w.chunk = None
        self._replace(i)
        blamed: list[int] = []
        if started and 0 <= position < len(chunk):
            blamed = [chunk[position]]
            rest = [j for j in chunk if j != blamed[0]]
            if rest:
                self.queue.appendleft(rest)
        elif chunk:  # it died between files (e.g. sending its results): retry, then narrow down
            for j in chunk:
                self.tries[j] = self.tries.get(j, 0) + 1
            if self.tries[chunk[0]] <= 2:
                self.queue.appendleft(chunk)
            elif len(chunk) > 1:
                self.queue.extendleft([j] for j in reversed(chunk))
            else:
                blamed = chunk
        for j in blamed:
            path, size = self.jobs[j]
            yield [j], [fallback(path, problem.format(seconds=round(time_limit(size))))]


# ---------------------------------------------------------------------------------------------
# The whole tree


def _run(jobs: list[Job]) -> Generator[tuple[list[int], list[Inspection]], None, None]:
    if not jobs:
        return
    work = math.ceil(len(jobs) / 16) + sum(size for _, size in jobs) // LARGE  # worth a process each
    workers = max(1, min(os.cpu_count() or 1, MAX_WORKERS, work))
    done: set[int] = set()
    try:
        for chunk, results in _Pool(jobs, workers).results():
            done.update(chunk)
            yield chunk, results
    except OSError:  # processes cannot be started here (a sandbox, a process limit): in-process
        for i, (path, size) in enumerate(jobs):
            if i not in done:
                yield [i], [_inspect_bounded(path, size)]


def inspect_all(
    files: list[EvidenceFile], cache: Cache | None = None, progress: Callable[[int, int], None] | None = None
) -> None:
    """Set every file's inspection: from the cache when it is fresh, else by inspecting the file.
    Rows of files that are gone are the caller's to forget (Cache.prune): only it knows every file."""
    known = cache.load([f.path for f in files]) if cache else {}
    todo: list[EvidenceFile] = []
    for f in files:
        hit = known.get(f.path)
        if hit is not None and fresh(hit, f.size, f.mtime_ns):
            f.inspection = hit[3]
        else:
            todo.append(f)
    total, done = len(files), len(files) - len(todo)
    if progress:
        progress(done, total)
    pending: list[tuple[str, int, int, Inspection]] = []
    running = _run([(f.fs_path, f.size) for f in todo])
    try:
        for indices, results in running:
            for i, result in zip(indices, results):
                f = todo[i]
                f.inspection = result
                pending.append((f.path, f.size, f.mtime_ns, result))
            done += len(indices)
            if cache and len(pending) >= BATCH:
                cache.store(pending)
                pending = []
            if progress:
                progress(done, total)
    finally:
        running.close()  # stops the workers now, not whenever the generator is collected
        if cache:
            cache.store(pending)
