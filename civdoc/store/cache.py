"""The inspection cache in .civdoc/: sqlite, keyed by (relative path, size, mtime_ns).

Each row holds one file's Inspection, one column per field (no JSON to decode, nothing to
unpickle: a cache file from elsewhere can only ever yield wrong values of the right types, and a
wrong key throws it away), and when it was inspected. A second table keeps each item's remembered
outcome (memo.py): JSON under a checksum, which memo.py decodes defensively and recalls only under a
signature match. A third keeps the project's validated definitions (project.py), validated again on
the way back in.

Every remembered row carries a MAC keyed to this very cache folder (cachekey.py): a row edited by
hand, or a cache copied or committed from elsewhere, is not believed and its files are judged again,
so results always equal a --no-cache run.

The cache is trusted only when its key matches this civdoc: its version, the schema, the fields of
Inspection and the source of the inspecting code, so a new release or a changed inspector never reads old
results. A cache that is corrupt, foreign or stale is deleted (with its journal) and rebuilt, never
trusted. Each batch is one transaction: an interrupted run (Ctrl-C, a crash, a power cut) leaves the
rows already committed, all of them whole, and sqlite rolls a half-written batch back on next open.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from civdoc import __version__
from civdoc.model import Inspection
from civdoc.store.cachekey import cache_key, mac, verified
from civdoc.store.codehash import source_digest
from civdoc.store.gcpause import paused

# What an inspection depends on: a change here re-inspects every file; a change elsewhere keeps them.
INSPECTING = ("evidence/formats", "model.py")

FOLDER = ".civdoc"
NAME = "cache.sqlite"
SCHEMA = 4
FIELDS = [f.name for f in dataclasses.fields(Inspection)]
# A file changed again within the tick of its mtime (2 s on FAT/exFAT and some network shares) may
# keep its size and mtime: an inspection that close to the mtime is not trusted (git's "racy" rule).
RACY_NS = 2_000_000_000

Row = tuple[int, int, int, Inspection]  # size, mtime_ns, inspected_ns, inspection


def _key() -> str:
    """What the cached inspections depend on."""
    h = hashlib.sha256(" ".join(FIELDS).encode())
    source_digest(h, INSPECTING)
    return f"{__version__}/{SCHEMA}/{h.hexdigest()[:16]}"


KEY = _key()
_COLUMNS = ", ".join(f'"{name}"' for name in FIELDS)
# load() reads the columns in Inspection's order and calls it positionally: checked here, once
assert FIELDS == [
    "size",
    "sha256",
    "kind",
    "readable",
    "problem",
    "encrypted",
    "pages",
    "width",
    "height",
    "meta_date",
    "meta_date_source",
], "update Cache.load() for the new Inspection fields"
_LOAD = f"SELECT path, st_size, st_mtime_ns, inspected_ns, {_COLUMNS}, mac FROM inspections"
_INSERT = (
    f"INSERT OR REPLACE INTO inspections (path, st_size, st_mtime_ns, inspected_ns, {_COLUMNS}, mac) "
    f"VALUES ({', '.join('?' * (5 + len(FIELDS)))})"
)


def _row_bytes(row: tuple) -> bytes:
    """A row's values as the MAC sees them (a bool as sqlite gives it back: 0 or 1)."""
    return repr(tuple(int(v) if isinstance(v, bool) else v for v in row)).encode("utf-8", "surrogateescape")


_TABLE = (
    "CREATE TABLE inspections (path TEXT PRIMARY KEY, st_size INTEGER NOT NULL, "
    f"st_mtime_ns INTEGER NOT NULL, inspected_ns INTEGER NOT NULL, {_COLUMNS}, mac TEXT NOT NULL)"
)
# each item's outcome (see memo.py): item key -> signature, checksum, JSON head and body as UTF-8 bytes
_OUTCOMES = (
    "CREATE TABLE outcomes (item TEXT PRIMARY KEY, signature TEXT NOT NULL, checksum TEXT NOT NULL, "
    "head BLOB NOT NULL, body BLOB NOT NULL)"
)
# the project's definitions, validated (see project.py): digest of the YAML files -> JSON
_DEFINITIONS = "CREATE TABLE definitions (key TEXT PRIMARY KEY, project TEXT NOT NULL)"
# a look-up of fewer paths than this asks for them by name; more, and reading every row is quicker
_BY_NAME = 5000


class Cache:
    def __init__(self, root: Path):
        self.folder = root / FOLDER
        self.path = self.folder / NAME
        self.failed = False  # set when a write failed: the rest of the run does without the cache
        self.db = self._open()
        self.key = cache_key(self.folder)  # binds remembered rows to this folder (cachekey.py)

    # -- opening ------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        self._prepare_folder()
        try:
            db = self._connect()
            try:
                row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if row is not None and row[0] == KEY and self._table_ok(db):
                    return db
            except sqlite3.Error:
                pass
            db.close()
        except sqlite3.Error:
            pass
        return self._rebuild()

    def _connect(self) -> sqlite3.Connection:
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            raise sqlite3.DatabaseError("not a regular file")
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)  # transactions by hand
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    @staticmethod
    def _table_ok(db: sqlite3.Connection) -> bool:
        """The tables are exactly the ones this civdoc creates."""
        tables = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
        return (
            tables.get("inspections") == _TABLE
            and tables.get("outcomes") == _OUTCOMES
            and tables.get("definitions") == _DEFINITIONS
        )

    def _rebuild(self) -> sqlite3.Connection:
        """Throw the old file away (with any journal a crashed run left) and start empty."""
        for suffix in ("", "-journal", "-wal", "-shm"):
            stale = self.path.with_name(NAME + suffix)
            if stale.is_dir() and not stale.is_symlink():
                raise OSError(f"{stale} is a folder")
            stale.unlink(missing_ok=True)
        db = self._connect()
        with _transaction(db):
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute(_TABLE)
            db.execute(_OUTCOMES)
            db.execute(_DEFINITIONS)
            db.execute("INSERT INTO meta VALUES ('version', ?)", (KEY,))
        return db

    def _prepare_folder(self) -> None:
        if self.folder.is_symlink():
            raise OSError(f"{self.folder} is a link")
        self.folder.mkdir(exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# civdoc's cache; safe to delete\n*\n", encoding="utf-8")
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# civdoc inspection cache\n", encoding="utf-8")

    # -- reading and writing ------------------------------------------------------------------
    def load(self, paths: list[str] | None = None) -> dict[str, Row]:
        """The cached inspections of these relative paths (of every file when None), by path.
        An unreadable cache is an empty one."""
        found: dict[str, Row] = {}
        shared: dict[str | None, str | None] = {}  # kinds, problems and dates repeat: one string object each
        share = shared.setdefault
        if paths is not None and len(paths) < _BY_NAME:
            chunks = [paths[i : i + 500] for i in range(0, len(paths), 500)]
            queries = [(f"{_LOAD} WHERE path IN ({', '.join('?' * len(c))})", c) for c in chunks]
        else:
            queries = [(_LOAD, [])]
        try:
            with paused():
                for row in (row for q in queries for row in self.db.execute(*q)):
                    if not verified(self.key, _row_bytes(row[:-1]), row[-1]):
                        continue  # edited, or made elsewhere: the file is inspected again
                    (
                        path,
                        st_size,
                        mtime_ns,
                        inspected_ns,
                        size,
                        sha256,
                        kind,
                        readable,
                        problem,
                        encrypted,
                        pages,
                        width,
                        height,
                        meta_date,
                        source,
                        _,
                    ) = row
                    found[path] = (
                        st_size,
                        mtime_ns,
                        inspected_ns,
                        Inspection(
                            size,
                            sha256,
                            share(kind, kind),
                            readable == 1,
                            share(problem, problem),
                            encrypted == 1,
                            pages,
                            width,
                            height,
                            share(meta_date, meta_date),
                            share(source, source),
                        ),
                    )
        except (sqlite3.Error, TypeError, ValueError):  # damaged past the header: start over
            self._replace()
            return {}
        return found

    def _replace(self) -> None:
        try:
            self.db.close()
            self.db = self._rebuild()
        except (OSError, sqlite3.Error):
            self.failed = True

    def store(self, rows: list[tuple[str, int, int, Inspection]], inspected_ns: int | None = None) -> None:
        """(relative path, size, mtime_ns, inspection) rows, in one transaction."""
        if not rows or self.failed:
            return
        now = inspected_ns if inspected_ns is not None else time.time_ns()
        data = [(p, s, m, now, *dataclasses.astuple(i)) for p, s, m, i in rows]
        self._write(_INSERT, [(*row, mac(self.key, _row_bytes(row))) for row in data])

    def forget(self, paths: Iterable[str]) -> None:
        """Drop the rows of files that are no longer in the evidence tree."""
        gone = [(p,) for p in paths]
        if gone and not self.failed:
            self._write("DELETE FROM inspections WHERE path = ?", gone)

    def _write(self, sql: str, data: list[tuple]) -> None:
        """A cache that cannot be written (disk full, locked by another run for too long, removed
        under us) only costs speed: the run goes on without it."""
        try:
            with _transaction(self.db):
                self.db.executemany(sql, data)
        except sqlite3.Error:
            self.failed = True

    def prune(self, keep: set[str]) -> None:
        """Forget every file not in keep."""
        if self.failed:
            return
        try:
            gone = [p for (p,) in self.db.execute("SELECT path FROM inspections") if p not in keep]
        except sqlite3.Error:
            self.failed = True
            return
        self.forget(gone)

    def outcomes(self, bodies: bool = True) -> dict[str, tuple[str, str, bytes, bytes | None]]:
        """Item key -> (signature, checksum, head, body) of every remembered outcome; without bodies,
        body is None (they are two thirds of the table)."""
        if self.failed:
            return {}
        body = "body" if bodies else "NULL"
        try:
            return {
                item: (signature, checksum, head, body)
                for item, signature, checksum, head, body in self.db.execute(
                    f"SELECT item, signature, checksum, head, {body} FROM outcomes"
                )
            }
        except sqlite3.Error:
            return {}

    def store_outcomes(self, new: dict[str, tuple[str, str, bytes, bytes]], keep: set[str] | None = None) -> None:
        """Remember this run's new outcomes; with keep, forget those of every other item."""
        if self.failed or (not new and keep is None):
            return
        try:
            with _transaction(self.db):
                if keep is not None:
                    gone = [(k,) for (k,) in self.db.execute("SELECT item FROM outcomes") if k not in keep]
                    self.db.executemany("DELETE FROM outcomes WHERE item = ?", gone)
                self.db.executemany(
                    "INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?)", [(k, *row) for k, row in new.items()]
                )
        except sqlite3.Error:
            self.failed = True

    def definitions(self, key: str) -> str | None:
        """The project validated from YAML files of this digest, as JSON, if remembered."""
        if self.failed:
            return None
        try:
            row = self.db.execute("SELECT project FROM definitions WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if not row or not isinstance(row[0], str):
            return None
        tag, _, project = row[0].partition("\n")  # a row edited, or made elsewhere, is not trusted
        return project if verified(self.key, f"{key}\n{project}".encode("utf-8", "surrogateescape"), tag) else None

    def store_definitions(self, key: str, project: str) -> None:
        """Remember the project for this digest, in place of any other."""
        if self.failed:
            return
        try:
            with _transaction(self.db):
                self.db.execute("DELETE FROM definitions")
                tag = mac(self.key, f"{key}\n{project}".encode("utf-8", "surrogateescape"))
                self.db.execute("INSERT INTO definitions VALUES (?, ?)", (key, f"{tag}\n{project}"))
        except sqlite3.Error:
            self.failed = True

    def close(self) -> None:
        self.db.close()


class _transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (KeyboardInterrupt included)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        else:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")


def open_cache(root: Path) -> Cache | None:
    """A cache we cannot create (read-only project folder) only costs speed, never the run."""
    try:
        return Cache(root)
    except (OSError, sqlite3.Error):
        return None


def fresh(row: Row, size: int, mtime_ns: int) -> bool:
    """Whether a cached row still describes a file of this size and mtime."""
    return row[0] == size and row[1] == mtime_ns and row[2] - mtime_ns > RACY_NS
