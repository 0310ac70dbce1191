"""Reproducible zips split into parts under an upload limit.

Entries are stored, not deflated: evidence is mostly JPEG, PDF and Office files that are compressed
already, storing costs no CPU on 20 GB, and a stored entry's size is known before it is written, so a
part is planned exactly and never exceeds the limit. Fixed date_time, sorted entries, fixed attributes
and UTF-8 names (flag 0x800) make an unchanged package give byte-identical zips.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say; any fixed value makes re-packs identical
FILE_MODE = 0o100644
UTF8_FLAG = 0x800
_CHUNK = 1 << 20
_END = 22 + 56 + 20  # end of central directory, with room for its zip64 forms


@dataclass(frozen=True)
class ZipEntry:
    name: str  # inside the zip, with '/'
    path: Path  # the file on disk
    size: int


@dataclass
class Split:
    parts: list[list[ZipEntry]] = field(default_factory=list)
    too_large: list[ZipEntry] = field(default_factory=list)  # larger than a whole part on their own


def entry_cost(entry: ZipEntry) -> int:
    """Bytes an entry takes in a stored zip: local header, data, central record (zip64 extras included)."""
    name = len(entry.name.encode("utf-8"))
    return 30 + name + 20 + entry.size + 46 + name + 28


def split(entries: list[ZipEntry], limit: int) -> Split:
    """Entries in name order, filled into parts of at most `limit` bytes each."""
    result = Split()
    current: list[ZipEntry] = []
    used = _END
    for entry in sorted(entries, key=lambda e: e.name):
        cost = entry_cost(entry)
        if cost + _END > limit:
            result.too_large.append(entry)
            continue
        if current and used + cost > limit:
            result.parts.append(current)
            current, used = [], _END
        current.append(entry)
        used += cost
    if current:
        result.parts.append(current)
    return result


def write_zip(target: Path, entries: list[ZipEntry]) -> None:
    """One part, streamed from the files on disk in 1 MiB chunks."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = FILE_MODE << 16
            info.flag_bits |= UTF8_FLAG
            info.file_size = entry.size
            with open(entry.path, "rb") as src, zf.open(info, "w", force_zip64=entry.size >= 0xFFFFFFFF) as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
