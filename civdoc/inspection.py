"""Inspect every scanned file: from the cache when size and mtime are unchanged, else by
inspect.inspect_file, spread over the machine's cores when there is enough work."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from civdoc.cache import Cache
from civdoc.inspect import inspect_file
from civdoc.model import EvidenceFile, Inspection

PARALLEL_FROM = 64  # below this, starting worker processes costs more than it saves
BATCH = 500  # cache rows written per transaction


def _inspect(path: str) -> Inspection:
    return inspect_file(Path(path))


def _run(paths: list[str]) -> Iterator[Inspection]:
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        yield from map(_inspect, paths)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_inspect, paths, chunksize=max(1, min(64, len(paths) // (workers * 8))))


def inspect_all(root: Path, files: list[EvidenceFile], use_cache: bool = True,
                progress: Callable[[int, int], None] | None = None) -> None:
    cache = _open_cache(root) if use_cache else None
    known = cache.load() if cache else {}
    todo: list[EvidenceFile] = []
    for f in files:
        hit = known.get(f.path)
        if hit and hit[0] == f.size and hit[1] == f.mtime_ns:
            f.inspection = hit[2]
        else:
            todo.append(f)
    total, done = len(files), len(files) - len(todo)
    if progress:
        progress(done, total)
    pending: list[tuple[str, int, int, Inspection]] = []
    try:
        for f, result in zip(todo, _run([f.fs_path for f in todo])):
            f.inspection = result
            pending.append((f.path, f.size, f.mtime_ns, result))
            done += 1
            if cache and len(pending) >= BATCH:
                cache.store(pending)
                pending = []
            if progress:
                progress(done, total)
    finally:
        if cache:
            cache.store(pending)
            if not todo or done == total:
                cache.prune({f.path for f in files})
            cache.close()


def _open_cache(root: Path) -> Cache | None:
    """A cache we cannot create (read-only project folder) only costs speed, never the run."""
    try:
        return Cache(root)
    except (OSError, sqlite3.Error):
        return None
