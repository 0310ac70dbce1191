"""Office and OFD files: zip containers (docx/xlsx/pptx/ofd) and OLE compound files (doc/xls/wps/et)."""

from __future__ import annotations

import contextlib
import struct
import zipfile
from typing import IO
from xml.etree import ElementTree

from civdoc.evidence.formats.common import (
    OLE_MAX_SECTORS,
    P_OLE_BROKEN,
    P_ZIP_BOMB,
    ZIP_MAX_MEMBERS,
    ZIP_MAX_RATIO,
    ZIP_MAX_TOTAL,
    ZIP_RATIO_MIN_SIZE,
    ZIP_XML_MAX,
    _Broken,
    _meta_date,
)
from civdoc.evidence.kinds import OFFICE_ENCRYPTED
from civdoc.model import Inspection

_ZIP_BROKEN = {
    "docx": "Word 文档已损坏，无法打开，请用 WPS 或 Word 重新保存后替换",
    "xlsx": "Excel 表格已损坏，无法打开，请用 WPS 或 Excel 重新保存后替换",
    "pptx": "PowerPoint 演示文稿已损坏，无法打开，请用 WPS 或 PowerPoint 重新保存后替换",
    "ofd": "OFD 文件已损坏，无法打开，请重新导出或下载后替换",
    "zip": "压缩包已损坏，无法解压，请重新打包后替换",
}


_CORE_CREATED = "{http://purl.org/dc/terms/}created"


def _inspect_zip(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
    f.seek(0)
    try:
        zf = zipfile.ZipFile(f)
    except Exception:
        r.kind = _zip_kind_from_head(head)
        raise _Broken(_ZIP_BROKEN[r.kind]) from None
    with zf:
        infos = zf.infolist()
        names = {i.filename.replace("\\", "/").lower(): i for i in infos}
        r.kind = _zip_kind(names)
        broken = _ZIP_BROKEN[r.kind]

        # Zip-bomb guard: before a single byte is inflated.
        if len(infos) > ZIP_MAX_MEMBERS or sum(i.file_size for i in infos) > ZIP_MAX_TOTAL:
            raise _Broken(P_ZIP_BOMB)
        for i in infos:
            if i.file_size > ZIP_RATIO_MIN_SIZE and i.file_size > ZIP_MAX_RATIO * max(i.compress_size, 1):
                raise _Broken(P_ZIP_BOMB)

        if any(i.flag_bits & 0x1 for i in infos):  # zip-level password: cannot open without it
            r.encrypted = True
            return
        try:
            bad = zf.testzip()  # CRC of every member, 1 MiB at a time
        except NotImplementedError:  # e.g. Deflate64: we cannot check it, other tools can open it
            bad = None
        except Exception:
            raise _Broken(broken) from None
        if bad is not None:
            raise _Broken(broken)

        if r.kind in ("docx", "xlsx", "pptx"):
            core = _zip_xml(zf, names.get("docprops/core.xml"))
            if core is not None:
                el = core.find(_CORE_CREATED)
                found = _meta_date(el.text) if el is not None else None
                if found:
                    r.meta_date, r.meta_date_source = found, "office:created"
            app = _zip_xml(zf, names.get("docprops/app.xml"))
            if app is not None:  # informational; Word/WPS refresh it on save
                tag = {"docx": "Pages", "pptx": "Slides"}.get(r.kind)
                for el in app.iter() if tag else ():
                    if el.tag.rsplit("}", 1)[-1] == tag and (el.text or "").strip().isdigit():
                        r.pages = int(el.text.strip()) or None  # type: ignore[union-attr]
                        break


def _zip_kind(names: dict[str, zipfile.ZipInfo]) -> str:
    if "[content_types].xml" in names:
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(n.startswith(prefix) for n in names):
                return kind
    if "ofd.xml" in names:
        return "ofd"
    return "zip"


def _zip_kind_from_head(head: bytes) -> str:
    """A damaged zip (no central directory): guess from the local headers at the start."""
    if b"[Content_Types].xml" in head or b"docProps/" in head:
        for marker, kind in ((b"word/", "docx"), (b"xl/", "xlsx"), (b"ppt/", "pptx")):
            if marker in head:
                return kind
    if b"OFD.xml" in head:
        return "ofd"
    return "zip"


def _zip_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> ElementTree.Element | None:
    if info is None or info.file_size > ZIP_XML_MAX:
        return None
    try:
        with zf.open(info) as member:
            data = member.read(ZIP_XML_MAX + 1)
        if len(data) > ZIP_XML_MAX or b"<!ENTITY" in data:  # no entity expansion, ever
            return None
        return ElementTree.fromstring(data)
    except Exception:
        return None


# ---------------------------------------------------------------------------------------------
# OLE compound files: doc, xls, ppt, wps, et, and password-protected OOXML

_MAXREGSECT = 0xFFFFFFFA


def _inspect_ole(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
    if size < 512 or len(head) < 512:
        raise _Broken(P_OLE_BROKEN)
    byte_order, shift = struct.unpack_from("<HH", head, 28)
    if byte_order != 0xFFFE or shift not in (9, 12):
        raise _Broken(P_OLE_BROKEN)
    try:
        ole = _Ole(f, head, size)
        entries = ole.directory()
    except Exception:
        return  # the header is intact; we do not claim more than that
    names = {name for name, _, _ in entries}
    if "EncryptedPackage" in names:  # Office/WPS "password to open" on docx/xlsx/pptx
        r.kind = OFFICE_ENCRYPTED
        r.encrypted = True
        return
    with contextlib.suppress(Exception):
        r.encrypted = _ole_legacy_encrypted(ole, entries)


class _Ole:
    """Just enough of [MS-CFB] to list the directory and read the start of a big stream."""

    def __init__(self, f: IO[bytes], head: bytes, size: int) -> None:
        self.f, self.size = f, size
        self.sector = 1 << struct.unpack_from("<H", head, 30)[0]
        (n_fat, self.first_dir, _, self.cutoff, _, _, difat_next, n_difat) = struct.unpack_from("<IIIIIIII", head, 44)
        fat_sectors = [s for s in struct.unpack_from("<109I", head, 76) if s <= _MAXREGSECT]
        per = self.sector // 4
        seen: set[int] = set()
        while difat_next <= _MAXREGSECT and len(seen) < min(n_difat, OLE_MAX_SECTORS):
            if difat_next in seen:
                break
            seen.add(difat_next)
            vals = struct.unpack(f"<{per}I", self._read_sector(difat_next))
            fat_sectors += [s for s in vals[:-1] if s <= _MAXREGSECT]
            difat_next = vals[-1]
        fat_sectors = fat_sectors[: min(n_fat or len(fat_sectors), OLE_MAX_SECTORS)]
        self.fat: list[int] = []
        for s in fat_sectors:
            self.fat.extend(struct.unpack(f"<{per}I", self._read_sector(s)))

    def _read_sector(self, n: int) -> bytes:
        off = (n + 1) * self.sector
        if off + self.sector > self.size:
            raise ValueError("sector beyond end of file")
        self.f.seek(off)
        return self.f.read(self.sector)

    def chain(self, start: int, limit: int = OLE_MAX_SECTORS):
        seen: set[int] = set()
        s = start
        while s <= _MAXREGSECT and s not in seen and len(seen) < limit and s < len(self.fat):
            seen.add(s)
            yield s
            s = self.fat[s]

    def directory(self) -> list[tuple[str, int, int]]:
        """(name, start sector, size) of every stream and storage."""
        out = []
        for s in self.chain(self.first_dir):
            data = self._read_sector(s)
            for off in range(0, len(data), 128):
                raw = data[off : off + 128]
                (name_len,) = struct.unpack_from("<H", raw, 64)
                if raw[66] == 0 or not 2 <= name_len <= 64:  # unused entry
                    continue
                name = raw[: name_len - 2].decode("utf-16-le", "replace")
                start, length = struct.unpack_from("<IQ", raw, 116)
                if self.sector == 512:  # version 3: the high half of the size is undefined
                    length &= 0xFFFFFFFF
                out.append((name, start, length))
        return out

    def read_stream(self, start: int, length: int, n: int) -> bytes:
        """The first n bytes of a stream kept in regular sectors (length >= mini-stream cutoff)."""
        if length < self.cutoff:
            return b""
        buf = b""
        for s in self.chain(start, limit=n // self.sector + 1):
            buf += self._read_sector(s)
            if len(buf) >= n:
                break
        return buf[: min(n, length)]


def _ole_legacy_encrypted(ole: _Ole, entries: list[tuple[str, int, int]]) -> bool:
    """Password-to-open on the binary formats: Word's FIB flag, Excel's FILEPASS record, PowerPoint's
    EncryptedSummary stream."""
    by_name = {name: (start, length) for name, start, length in entries}
    if "EncryptedSummary" in by_name:
        return True
    if "WordDocument" in by_name:
        fib = ole.read_stream(*by_name["WordDocument"], 12)
        if len(fib) >= 12 and fib[:2] == b"\xec\xa5":
            (flags,) = struct.unpack_from("<H", fib, 10)
            return bool(flags & 0x0100)  # fEncrypted (RC4 or XOR obfuscation)
    for stream in ("Workbook", "Book"):
        if stream in by_name:
            data = ole.read_stream(*by_name[stream], 8192)
            pos = 0
            for _ in range(256):
                if pos + 4 > len(data):
                    break
                rtype, rlen = struct.unpack_from("<HH", data, pos)
                if rtype == 0x002F:  # FILEPASS
                    return True
                if rtype in (0x0085, 0x000A) and pos:  # BOUNDSHEET / EOF: past where FILEPASS lives
                    break
                pos += 4 + rlen
            return False
    return False


# ---------------------------------------------------------------------------------------------
