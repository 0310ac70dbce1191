"""Zips as units' computers make them, for civdoc collect tests.

* Windows' built-in compressor on a Chinese system: GBK names, no UTF-8 flag;
* macOS' Archive Utility: UTF-8 NFD names without the flag, a __MACOSX/ tree of ._ files, .DS_Store;
* 7-Zip: UTF-8 names with the flag (0x800), which is what Python writes for a non-ASCII name.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

STAMP = (2026, 3, 1, 9, 0, 0)


class RawNameInfo(zipfile.ZipInfo):
    """A ZipInfo written with the exact bytes of its name and no UTF-8 flag (zipfile would otherwise
    encode a non-ASCII name as UTF-8 and set the flag). The name is held as bytes decoded as cp437,
    which is also how zipfile hands an unflagged name back."""

    forced_flags = 0  # zipfile resets flag_bits when writing: these are added back (0x1: encrypted)

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        flags = (self.flag_bits | self.forced_flags) & ~0x800
        return self.filename.encode("cp437"), flags | (self.forced_flags & 0x800)


def raw_entry(
    archive: zipfile.ZipFile, raw: bytes, data: bytes, mode: int | None = None, flags: int = 0, system: int = 0
) -> None:
    info = RawNameInfo(raw.decode("cp437"), STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = system
    info.forced_flags = flags
    if mode is not None:
        info.create_system = 3
        info.external_attr = mode << 16
    archive.writestr(info, data)


def windows_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            raw_entry(archive, name.encode("gbk"), data)
    return path


def mac_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            nfd = unicodedata.normalize("NFD", name)
            raw_entry(archive, nfd.encode("utf-8"), data, mode=0o100644)
            folder, _, base = nfd.rpartition("/")
            raw_entry(archive, f"__MACOSX/{folder}/._{base}".encode(), b"\x00\x05\x16\x07 resource fork", mode=0o100644)
        top = next(iter(files)).split("/")[0]
        raw_entry(archive, unicodedata.normalize("NFD", f"{top}/.DS_Store").encode(), b"Bud1", mode=0o100644)
    return path


def sevenzip_zip(path: Path, files: dict[str, Any]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def symlink_mode() -> int:
    return stat.S_IFLNK | 0o777


def device_mode() -> int:
    return stat.S_IFCHR | 0o644


def tree(root: Path, skip: tuple[str, ...] = ("out", ".civdoc")) -> dict[str, str]:
    """Every file and folder below root (relative path -> sha256, or '/' for a folder), links as links."""
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        rel_folder = Path(folder).relative_to(root)
        if not rel_folder.parts:
            dirs[:] = [d for d in dirs if d not in skip]
        for d in dirs:
            found[(rel_folder / d).as_posix()] = "/"
        for f in files:
            path = Path(folder) / f
            found[(rel_folder / f).as_posix()] = (
                "link" if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
            )
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def zip_of_folder(folder: Path, path: Path, encoding: str = "gbk") -> Path:
    """A folder zipped as Windows' compressor does: the folder itself at the top, names in GBK."""
    with zipfile.ZipFile(path, "w") as archive:
        for item in sorted(folder.rglob("*")):
            rel = item.relative_to(folder.parent).as_posix()
            if item.is_dir():
                raw_entry(archive, (rel + "/").encode(encoding), b"")
            else:
                raw_entry(archive, rel.encode(encoding), item.read_bytes())
    return path


def photo_bytes(n: int, size: int = 0) -> bytes:
    """A real JPEG; with size, padded after its end marker to about that many bytes (incompressible)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)).save(buf, "JPEG")
    data = buf.getvalue()
    return data + os.urandom(max(0, size - len(data)))
