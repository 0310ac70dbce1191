"""The inspection cache in .civdoc/: sqlite, keyed by (relative path, size, mtime_ns).

A cache written by another civdoc version, or one that is corrupt or not ours, is thrown away and
rebuilt: it is never trusted. Each batch is one transaction, so an interrupted run leaves it consistent.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from civdoc import __version__
from civdoc.model import Inspection

FOLDER = ".civdoc"
SCHEMA = 1
KEY = f"{__version__}/{SCHEMA}"


class Cache:
    def __init__(self, root: Path):
        self.folder = root / FOLDER
        self.path = self.folder / "cache.sqlite"
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        self._prepare_folder()
        try:
            db = self._connect()
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None or row[0] != KEY:
                db.close()
                raise sqlite3.DatabaseError("stale cache")
            return db
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)
            db = self._connect()
            db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (KEY,))
            db.commit()
            return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS inspections (path TEXT PRIMARY KEY, size INTEGER, "
                   "mtime_ns INTEGER, data TEXT)")
        return db

    def _prepare_folder(self) -> None:
        self.folder.mkdir(exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# civdoc's cache; safe to delete\n*\n", encoding="utf-8")
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# civdoc inspection cache\n", encoding="utf-8")

    def load(self) -> dict[str, tuple[int, int, Inspection]]:
        found: dict[str, tuple[int, int, Inspection]] = {}
        try:
            for path, size, mtime_ns, data in self.db.execute("SELECT path, size, mtime_ns, data FROM inspections"):
                found[path] = (size, mtime_ns, Inspection.from_dict(json.loads(data)))
        except (sqlite3.DatabaseError, ValueError, TypeError, KeyError):
            return {}
        return found

    def store(self, rows: list[tuple[str, int, int, Inspection]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO inspections VALUES (?, ?, ?, ?)",
                                [(p, s, m, json.dumps(i.to_dict(), ensure_ascii=False)) for p, s, m, i in rows])

    def prune(self, keep: set[str]) -> None:
        """Forget files that are no longer in the evidence tree."""
        with self.db:
            stale = [(p,) for (p,) in self.db.execute("SELECT path FROM inspections") if p not in keep]
            self.db.executemany("DELETE FROM inspections WHERE path = ?", stale)

    def close(self) -> None:
        self.db.close()
