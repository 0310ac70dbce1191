"""How names are compared: NFKC, trimmed, case-folded (so （） and (), 全角 digits and NFD names match)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ID_SEPARATORS = " -_、.．\u3000"


@lru_cache(maxsize=1 << 16)  # the same unit, folder and requirement names come back for every file
def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def starts_with_id(folder: str, ident: str) -> bool:
    """True when folder begins with ident followed by the end of the name or a separator."""
    name, ident = norm(folder), norm(ident)
    if not name.startswith(ident):
        return False
    rest = name[len(ident):]
    return rest == "" or rest[0] in ID_SEPARATORS
