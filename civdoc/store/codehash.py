"""A digest of civdoc's own code, for caches whose entries any change to it may invalidate."""

from __future__ import annotations

import contextlib
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from civdoc import __version__

_PACKAGE = Path(__file__).resolve().parent.parent
# The judging code: a change in any of these may change what a check finds. Renderers, commands and the
# command line only present a Result, so editing them keeps remembered outcomes.
JUDGING = (
    "findings.py",
    "model.py",
    "errors.py",
    "__init__.py",
    "safe",
    "project",
    "evidence",
    "rules",
    "check",
    "store",
)


def source_digest(h: Any, names: tuple[str, ...]) -> None:
    """Feed h with the source of each named module or package (relative to civdoc/), in a fixed order."""
    for name in names:
        top = _PACKAGE / name
        for module in sorted(top.rglob("*.py")) if top.is_dir() else [top]:
            h.update(module.relative_to(_PACKAGE).as_posix().encode())
            with contextlib.suppress(OSError):  # no sources (a frozen build): the version alone must do
                h.update(module.read_bytes())


@cache
def code_digest() -> bytes:
    """civdoc's version and the source of every module of the judging code (JUDGING)."""
    h = hashlib.sha256(__version__.encode())
    source_digest(h, JUDGING)
    return h.digest()
