"""Many files into evidence/ at once (collect): each streamed to a temporary file beside its target and
hashed on the way, the flushes to disk done several at a time, then renamed into place by the caller.
One file at a time goes through atomic.py, which this shares its mode rule and its reasons with.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from civdoc.store.atomic import umask


def temp_beside(path: Path) -> tuple[int, Path]:
    """A new hidden temporary file in path's folder (hidden: a check running meanwhile ignores it)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".part")
    return fd, Path(tmp)


def write_chunks(path: Path, chunks: Iterable[bytes], durable: bool = True) -> tuple[int, str, Path]:
    """Write chunks to a temporary file beside path; returns (size, sha256 hex, temporary path). The
    caller renames it into place (os.replace) or removes it. On any error nothing is left behind.
    durable=False leaves the flush to disk to the caller (see sync_files)."""
    fd, tmp = temp_beside(path)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~umask())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest(), tmp


def sync_files(paths: list[Path]) -> None:
    """Flush these files to disk, several at once: the file system then commits its journal for
    many of them together (400 photos: 0.5 s, where one after the other took 2.4 s)."""

    def sync(path: Path) -> None:
        fd = os.open(path, os.O_RDWR)  # Windows flushes only a file opened for writing
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    if paths:
        with ThreadPoolExecutor(max_workers=min(8, len(paths))) as pool:
            list(pool.map(sync, paths))
