"""A digest of civdoc's own code, for caches whose entries any change to it may invalidate."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from civdoc import __version__

_HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def code_digest() -> bytes:
    """civdoc's version and the source of every module but the renderers and the command line."""
    h = hashlib.sha256(__version__.encode())
    for module in sorted([*_HERE.glob("*.py"), *_HERE.glob("rules/*.py")]):
        if module.name != "cli.py":
            h.update(module.name.encode())
            try:
                h.update(module.read_bytes())
            except OSError:  # no sources (a frozen build): the version alone must do
                pass
    return h.digest()
