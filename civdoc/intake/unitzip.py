"""What a unit sent back, read as a list of entries: a zip (e-mail, QQ) or a folder (a USB stick).

Nothing here writes. Each entry comes out with its name decoded and checked, and is either a file to
take, junk to leave out, or refused with the reason in Chinese:

* names: the zip's UTF-8 flag (0x800) or Info-ZIP's Unicode path field; else the bytes are tried as
  UTF-8, then as GB18030 (Windows' built-in compressor on a Chinese system writes GBK with no flag);
  a guess is reported. Python hands an unflagged name over decoded as cp437, an exact round trip, so
  `name.encode("cp437")` gives the bytes back. Names are NFC on the way in (macOS writes NFD).
* refused: names that climb out (`..`), absolute names, drive letters, links, devices, encrypted
  entries, compression methods zipfile cannot read, names Windows cannot hold, paths over 260
  characters or names over 255 bytes, entries over the project's size limit, compression ratios
  of a zip bomb.
* junk: `__MACOSX/`, `._*`, hidden files, `Thumbs.db`, `desktop.ini`, `.DS_Store`, `~$*` (scan.ignored).
"""

from __future__ import annotations

import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from civdoc.errors import UsageError
from civdoc.evidence.filenames import unmangle
from civdoc.evidence.formats.common import ZIP_MAX_MEMBERS, ZIP_MAX_RATIO, ZIP_RATIO_MIN_SIZE
from civdoc.evidence.listing import ignored
from civdoc.safe.paths import shown

CHUNK = 1 << 20
MAX_PATH_CHARS = 260  # Windows' MAX_PATH: a longer path does not open in Explorer
MAX_NAME_BYTES = 255  # one name on Linux file systems, in UTF-8 bytes (85 Chinese characters)
# characters Windows refuses, controls, and the bidirectional overrides that make "exe.pdf" display as "pdf.exe"
_BAD_CHARS = re.compile('[\x00-\x1f\x7f:*?"<>|\u202a-\u202e\u2066-\u2069]')
_DRIVE = re.compile(r"^[A-Za-z]:")
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_UNICODE_PATH_FIELD = 0x7075


@dataclass
class Entry:
    """One file (or refused thing) of what a unit sent."""

    name: str  # as shown: decoded, NFC, '/'-separated
    parts: tuple[str, ...] = ()  # the path's names; empty when refused
    size: int = 0
    refused: str | None = None  # why it is not taken
    junk: bool = False
    guessed: str | None = None  # the encoding its name was guessed in: UTF-8 or GB18030
    open: Callable[[], IO[bytes]] | None = field(default=None, repr=False)

    def chunks(self) -> Iterator[bytes]:
        """The entry's bytes in chunks; a damaged entry raises EntryBroken."""
        assert self.open is not None
        try:
            with self.open() as handle:
                while True:
                    chunk = handle.read(CHUNK)
                    if not chunk:
                        return
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise EntryBroken(f"压缩包中的这个文件已损坏，无法解压（{_why(exc)}）。请重新压缩后发送。") from None
        except OSError as exc:
            raise EntryBroken(f"无法读取（{exc.strerror or type(exc).__name__}）。") from None


class EntryBroken(Exception):
    """An entry whose bytes cannot be read; its message is for the receipt."""


def _why(exc: Exception) -> str:
    text = str(exc)
    return "校验失败" if "CRC" in text else (text[:60] or type(exc).__name__)


@dataclass
class Listing:
    entries: list[Entry]
    kind: str  # 压缩包 | 文件夹
    root_name: str | None = None  # a folder source: the folder's own name


# -- names ------------------------------------------------------------------------------------------


def check_parts(name: str) -> tuple[tuple[str, ...], str | None, bool]:
    """(the path's names, why it is refused or None, whether it is junk)."""
    if name.startswith(("/", "\\")):
        return (), "绝对路径（以 / 或 \\ 开头），可能指向项目以外的位置，未收取。", False
    if _DRIVE.match(name):
        return (), "路径以盘符开头（如 C:），可能指向项目以外的位置，未收取。", False
    parts = tuple(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))
    if ".." in parts:
        return (), "路径中含有“..”（指向上级文件夹），可能写到项目以外，未收取。", False
    if not parts:
        return (), "名称为空，未收取。", False
    if "__MACOSX" in parts or any(ignored(p) for p in parts):
        return parts, None, True
    for part in parts:
        if _BAD_CHARS.search(part):
            return (
                (),
                (
                    f'名称“{shown(part)}”含有 Windows 不允许的字符（: * ? " < > |、控制字符或改变文字方向的字符），未收取。'
                    "请改名后重新发送。"
                ),
                False,
            )
        if part != part.rstrip(" .") or part.split(".")[0].upper() in _DEVICES:
            return (), f"名称“{part}”在 Windows 上无效（以空格或点结尾，或是设备名），未收取。请改名后重新发送。", False
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            return (), f"名称过长（{len(part)} 个字），无法保存。请缩短文件或文件夹名称后重新发送。", False
    if len(name) > MAX_PATH_CHARS:
        return (
            (),
            (
                f"路径过长（{len(name)} 个字符，超过 {MAX_PATH_CHARS}），在 Windows 上无法打开。"
                "请减少文件夹层级、缩短名称后重新发送。"
            ),
            False,
        )
    return parts, None, False


def _unicode_path(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """Info-ZIP's Unicode Path extra field, when it belongs to this very name (its CRC matches)."""
    extra = info.extra
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, i)
        body = extra[i + 4 : i + 4 + size]
        if (
            tag == _UNICODE_PATH_FIELD
            and len(body) > 5
            and body[0] == 1
            and struct.unpack_from("<I", body, 1)[0] == zlib.crc32(raw)
        ):
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        i += 4 + size
    return None


def zip_name(info: zipfile.ZipInfo) -> tuple[str, str | None, bool]:
    """(the name, the encoding guessed or None, whether it decoded at all)."""
    name, guessed, decoded = _zip_name(info)
    fixed = unmangle(name) if decoded and not name.isascii() else None
    if fixed is not None:  # a tool read GBK as cp437 and wrote that out as UTF-8: the scanner's repair
        return unicodedata.normalize("NFC", fixed), "GB18030", True
    return name, guessed, decoded


def _zip_name(info: zipfile.ZipInfo) -> tuple[str, str | None, bool]:
    if info.flag_bits & 0x800:
        return unicodedata.normalize("NFC", info.filename), None, True
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:  # a name zipfile did not decode as cp437 (another metadata_encoding)
        return unicodedata.normalize("NFC", info.filename), None, True
    if raw.isascii():
        return info.filename, None, True
    named = _unicode_path(info, raw)
    if named is not None:
        return unicodedata.normalize("NFC", named), None, True
    for encoding, label in (("utf-8", "UTF-8"), ("gb18030", "GB18030")):
        try:
            return unicodedata.normalize("NFC", raw.decode(encoding)), label, True
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace"), None, False


def fs_name(name: str) -> tuple[str, str | None, bool]:
    """A name from the file system: bytes that are not UTF-8 (a FAT stick mounted without the right
    character set) are tried as GB18030."""
    try:
        name.encode("utf-8")
        return unicodedata.normalize("NFC", name), None, True
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return unicodedata.normalize("NFC", raw.decode("gb18030")), "GB18030", True
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), None, False


# -- zips -------------------------------------------------------------------------------------------

_OTHER_ARCHIVES = {b"Rar!\x1a\x07": "RAR", b"7z\xbc\xaf\x27\x1c": "7z", b"\x1f\x8b": "gzip"}


def read_zip(path: Path, max_bytes: int) -> tuple[zipfile.ZipFile, Listing]:
    """Open a zip and list its entries; a file that is no zip, or is damaged, is a usage error."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        other = next((kind for magic, kind in _OTHER_ARCHIVES.items() if head.startswith(magic)), None)
        if other:
            raise UsageError(
                f"{path.name} 是 {other} 压缩包，civdoc 只能直接读取 zip。"
                "请先解压，再用 civdoc collect 收取解压出的文件夹；"
                "或请单位用 Windows 自带的“发送到→压缩(zipped)文件夹”重新压缩。"
            ) from None
        raise UsageError(
            f"{path.name} 不是 zip 压缩包，或者文件不完整（可能没有下载或传输完）。"
            "请确认文件能在电脑上正常打开，必要时请单位重新发送。"
        ) from None
    except OSError as exc:
        raise UsageError(f"无法读取 {path}（{exc.strerror or type(exc).__name__}）。") from None
    except UnicodeDecodeError:  # an entry flagged UTF-8 whose name is not: zipfile cannot list the zip
        raise UsageError(
            f"{path.name} 中有文件名标明是 UTF-8 编码、实际却不是，压缩包无法读取。"
            "请单位用 Windows 自带的“发送到→压缩(zipped)文件夹”或 7-Zip 重新压缩后发送。"
        ) from None
    infos = archive.infolist()
    if len(infos) > ZIP_MAX_MEMBERS:
        archive.close()
        raise UsageError(
            f"{path.name} 中有 {len(infos):,} 个条目，超过 {ZIP_MAX_MEMBERS:,} 个的上限。请分成几个压缩包发送。"
        )
    # not ZipInfo.is_dir(): it fails on an entry whose name is empty, which _zip_entry refuses by name
    entries = [_zip_entry(archive, info, max_bytes) for info in infos if not info.filename.endswith("/")]
    files = [e for e in entries if not e.junk]
    if files and all(e.refused == _ENCRYPTED for e in files):
        archive.close()
        raise UsageError(f"{path.name} 设置了密码，civdoc 无法解压。请单位取消密码后重新压缩发送。")
    return archive, Listing(entries, "压缩包")


_ENCRYPTED = "这个文件设置了密码（加密压缩），无法解压，未收取。请取消密码后重新发送。"


def _zip_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int) -> Entry:
    name, guessed, decoded = zip_name(info)
    if not decoded:
        return Entry(name, refused="名称的编码无法识别（既不是 UTF-8，也不是 GB18030），未收取。请改名后重新压缩发送。")
    parts, refused, junk = check_parts(name)
    entry = Entry(name, parts, info.file_size, refused, junk, guessed)
    if refused or junk:
        return entry
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_IFMT(mode):  # many tools write permission bits only
        if stat.S_ISLNK(mode):
            entry.refused = "这是一个链接（快捷方式），不是文件本身，未收取。请放入文件本身后重新发送。"
        elif not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            entry.refused = "这不是普通文件（设备、管道等特殊文件），未收取。"
    if entry.refused is None:
        entry.refused = _zip_problem(info, max_bytes)
    if entry.refused is None:
        entry.open = lambda: archive.open(info)
    return entry


def _zip_problem(info: zipfile.ZipInfo, max_bytes: int) -> str | None:
    if info.flag_bits & 0x1:
        return _ENCRYPTED
    if info.compress_type not in _READABLE_METHODS:
        return (
            f"压缩方式（编号 {info.compress_type}）无法读取，未收取。"
            "请用 Windows 自带的压缩或 7-Zip 的 zip 格式（压缩方式选 Deflate）重新压缩。"
        )
    return size_problem(info.file_size, max_bytes) or (
        "压缩比异常（疑似压缩炸弹：解压后体积是压缩后的数百倍），未收取。请发送正常的文件。"
        if info.file_size > ZIP_RATIO_MIN_SIZE and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1)
        else None
    )


def size_problem(size: int, max_bytes: int) -> str | None:
    if size > max_bytes:
        return (
            f"文件大小 {size / (1 << 20):.2f} MB，超过 {round(max_bytes / (1 << 20), 2):g} MB 的上限，未收取。"
            "请压缩（如降低视频码率、把图片另存为较小的 JPG）后重新发送。"
        )
    return None


# -- folders ----------------------------------------------------------------------------------------


def read_folder(path: Path, max_bytes: int) -> Listing:
    """Every file below a folder, links never followed; junk folders are left out whole."""
    entries: list[Entry] = []
    walk(str(path), (), entries, max_bytes)
    return Listing(entries, "文件夹", root_name=fs_name(path.name)[0])


def walk(folder: str, above: tuple[str, ...], entries: list[Entry], max_bytes: int) -> None:
    try:
        with os.scandir(folder) as it:
            listed = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        shown = "/".join(above) or folder
        entries.append(Entry(shown + "/", refused=f"文件夹无法读取（{exc.strerror or type(exc).__name__}），未收取。"))
        return
    for item in listed:
        name, guessed, decoded = fs_name(item.name)
        shown = "/".join((*above, name))
        if not decoded:
            entries.append(Entry(shown, refused="名称的编码无法识别，未收取。请改名后重新发送。"))
            continue
        if item.is_dir(follow_symlinks=False):
            if name == "__MACOSX" or ignored(name):
                entries.append(Entry(shown + "/", junk=True))
            else:
                walk(item.path, (*above, name), entries, max_bytes)
            continue
        parts, refused, junk = check_parts(shown)
        entry = Entry(shown, parts, 0, refused, junk, guessed)
        entries.append(entry)
        if refused or junk:
            continue
        if item.is_symlink():
            entry.refused = "这是一个链接（快捷方式），不是文件本身，未收取。请放入文件本身后重新发送。"
        elif not item.is_file(follow_symlinks=False):
            entry.refused = "这不是普通文件（设备、管道等特殊文件），未收取。"
        else:
            try:
                entry.size = item.stat(follow_symlinks=False).st_size
            except OSError as exc:
                entry.refused = f"无法读取（{exc.strerror or type(exc).__name__}），未收取。"
                continue
            entry.refused = size_problem(entry.size, max_bytes)
            entry.open = _opener(item.path)


def _opener(path: str) -> Callable[[], IO[bytes]]:
    def open_regular() -> IO[bytes]:
        """Opened without following a link and without blocking; refused unless still a regular file."""
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError(0, "已不是普通文件")
        return os.fdopen(fd, "rb")

    return open_regular
