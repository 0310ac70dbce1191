"""How names are compared: NFKC, trimmed, case-folded (so （） and (), 全角 digits and NFD names match)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ID_SEPARATORS = " -_、.．\u3000"


@lru_cache(maxsize=1 << 16)  # the same unit, folder and requirement names come back for every file
def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()
