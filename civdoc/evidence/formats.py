"""What a file really is: its kind from magic bytes, whether an assessor can open it, its size in
pixels or pages, and the date its metadata records.

`inspect_file` is a pure function of a file's bytes: no globals are read or written, nothing is
printed or cached, and its input (a path) and output (an `Inspection`) pickle, so the caller may run
it in a process pool and cache the result keyed by the file's hash or (path, size, mtime).

It never raises for any file content. Every parser error becomes ``readable=False`` with a
``problem`` in Chinese that tells office staff what is wrong and what to do.

Bounds (a hostile or broken file must not hang or exhaust the checker):

* The whole file is read exactly once for SHA-256 (streaming). Kind detection reads the first
  `HEAD_SIZE` bytes only.
* PDF: a file without %%EOF in its last MiB is truncated and never handed to pypdf (pypdf would
  search backwards through the whole file line by line: minutes on a large scan). Otherwise pypdf
  parses the cross-reference table and trailer, then we touch only /Root, the page tree's /Count
  plus the first leaf below it (to prove the tree resolves), and /Info. No content stream is
  decoded and no page is rendered. Only if /Count is unusable (missing, or more than the file has
  objects) do we let pypdf walk the page tree, which pypdf itself bounds (depth, entry count,
  loops); as a last resort the linearization dictionary's /N gives the page count. A broken
  cross-reference table makes pypdf scan the file once to rebuild it: linear in the file size
  (0.65 s for a 60 MB, 3000-page scan here).
* Images: Pillow reads the header only. Nothing claiming more than `MAX_PIXELS` is decoded. JPEG
  completeness is checked structurally (the scan data must be followed by an EOI marker; entropy
  coded data can never contain 0xFFD9), PNG by verifying every chunk's CRC up to IEND; neither
  decodes pixels. Other formats are decoded only up to `DECODE_PIXEL_LIMIT` pixels.
* Zip containers (docx/xlsx/pptx/ofd/zip): the central directory is checked against the zip-bomb
  limits before any member is decompressed; `testzip()` then reads members in 1 MiB chunks, so at
  most `ZIP_MAX_TOTAL` bytes are inflated. XML parts we parse are capped at `ZIP_XML_MAX` bytes.
* OLE (doc/xls/ppt/wps/et): a minimal reader follows at most `OLE_MAX_SECTORS` FAT/directory
  sectors and reads at most a few KB of a stream.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import struct
import warnings
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Callable
from xml.etree import ElementTree

from PIL import ExifTags, Image
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError
from pypdf.generic import ArrayObject, DictionaryObject

from civdoc.evidence.kinds import KINDS_FOR_EXT, OFFICE_ENCRYPTED, extension_matches  # noqa: F401 - re-exported
from civdoc.model import Inspection

# pypdf logs repairs ("rebuild xref", "Object 172 0 not defined") through `logging`; with no handler
# configured Python's last-resort handler would print them to stderr. A NullHandler keeps the
# inspection silent while still letting an application that configures logging see them.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

# ---------------------------------------------------------------------------------------------
# Limits (module constants so tests can monkeypatch them)

HEAD_SIZE = 8192  # bytes read for magic-byte detection
MAX_PIXELS = 200_000_000  # an image header claiming more is reported unreadable, never decoded
DECODE_PIXEL_LIMIT = 50_000_000  # GIF/BMP/TIFF/WebP above this are judged by their header only
ZIP_MAX_TOTAL = 1 << 30  # declared uncompressed total of all members
ZIP_MAX_RATIO = 200  # compression ratio of a single member ...
ZIP_RATIO_MIN_SIZE = 10 << 20  # ... that is suspicious only for members above this size
ZIP_MAX_MEMBERS = 100_000
ZIP_XML_MAX = 1 << 20  # docProps/core.xml, app.xml above this are not parsed
OLE_MAX_SECTORS = 4096  # FAT + directory sectors we are willing to read
PDF_TREE_DEPTH = 64  # page-tree levels followed to reach the first page
PDF_EOF_WINDOW = 1 << 20  # a PDF without %%EOF in its last MiB is truncated
MIN_YEAR, MAX_YEAR = 1900, 2100  # metadata dates outside are treated as garbage

# Timestamps that state UTC (Office always writes `...Z`; some PDF producers `Z` or `+00'00'`) are
# turned into the date the office saw on its clock: China Standard Time, which has no DST.
LOCAL_TZ = timezone(timedelta(hours=8))

_MIB = 1 << 20

# ---------------------------------------------------------------------------------------------
# Problems, in Chinese, for office staff: what is wrong, then what to do.

P_EMPTY = "文件为空"
P_IO = "文件无法读取（权限不足或文件被占用），请关闭正在使用该文件的程序或检查文件权限后重试"
P_PDF_BROKEN = "PDF 文件已损坏，无法打开，请重新导出或扫描后替换"
P_PDF_TRUNCATED = "PDF 文件不完整（文件末尾缺失，可能复制或下载未完成），请重新导出或下载后替换"
P_PDF_NO_PAGES = "PDF 文件页面结构已损坏，无法确定页数，请重新导出或扫描后替换"
P_PDF_ZERO_PAGES = "PDF 文件没有任何页面，请重新导出或扫描后替换"
P_IMAGE_BROKEN = "图片文件已损坏，无法打开，请从相机或手机重新导出原图后替换"
P_IMAGE_TRUNCATED = "图片文件不完整或数据已损坏，无法完整显示，请从相机或手机重新导出原图后替换"
P_IMAGE_HUGE = "图片尺寸异常（{size}），文件可能已损坏，请重新导出正常尺寸的图片后替换"
P_ZIP_BOMB = "疑似压缩炸弹（解压后体积异常巨大），已停止检查，请重新导出正常文件后替换"
P_OLE_BROKEN = "Office 文件已损坏（文件头不完整），无法打开，请用 WPS 或 Office 重新保存后替换"
P_UNKNOWN_ERROR = "文件内容异常，无法解析，请用相应软件打开确认后重新导出替换"
_ZIP_BROKEN = {
    "docx": "Word 文档已损坏，无法打开，请用 WPS 或 Word 重新保存后替换",
    "xlsx": "Excel 表格已损坏，无法打开，请用 WPS 或 Excel 重新保存后替换",
    "pptx": "PowerPoint 演示文稿已损坏，无法打开，请用 WPS 或 PowerPoint 重新保存后替换",
    "ofd": "OFD 文件已损坏，无法打开，请重新导出或下载后替换",
    "zip": "压缩包已损坏，无法解压，请重新打包后替换",
}

# ---------------------------------------------------------------------------------------------
# Entry point


def inspect_file(path: Path) -> Inspection:
    """Inspect one file. Never raises for file content; see the module docstring for the bounds."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return _io_failure(path)
    with f:
        try:
            size = os.fstat(f.fileno()).st_size
            head = f.read(HEAD_SIZE)
            f.seek(0)
            digest = _sha256(f)
        except OSError:
            return _io_failure(path)
        if size == 0 or not head:
            return Inspection(size=size, sha256=digest, readable=False, problem=P_EMPTY)
        result = Inspection(size=size, sha256=digest, kind=_sniff(head))
        inspector = _INSPECTORS.get(result.kind or "")
        if inspector is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    inspector(f, head, size, result)
            except Exception:  # last resort: a parser failed in a way we did not foresee
                result.readable = False
                result.problem = result.problem or P_UNKNOWN_ERROR
        return result


def _io_failure(path: Path) -> Inspection:
    """The bytes could not be read. sha256 is '' (unknown): callers must not group files by it."""
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0
    return Inspection(size=size, sha256="", readable=False, problem=P_IO)


def _sha256(f: IO[bytes]) -> str:
    if hasattr(hashlib, "file_digest"):  # Python >= 3.11
        return "sha256:" + hashlib.file_digest(f, "sha256").hexdigest()
    h = hashlib.sha256()
    while chunk := f.read(_MIB):
        h.update(chunk)
    return "sha256:" + h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Magic bytes

_HEIC_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"hevx", b"heim", b"heis"}
_AVIF_BRANDS = {b"avif", b"avis"}


def _sniff(head: bytes) -> str | None:
    """The kind from the first bytes. zip and ole are refined by their inspectors."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head[:2] == b"BM" and len(head) >= 18:
        (dib,) = struct.unpack_from("<I", head, 14)
        if dib in (12, 16, 40, 52, 56, 64, 108, 124):
            return "bmp"
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": "webp", b"AVI ": "avi", b"WAVE": "wav"}.get(head[8:12])
    if head[4:8] == b"ftyp" and len(head) >= 12:
        return _ftyp_kind(head)
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"ID3") or _mpeg_audio_frame(head):
        return "mp3"
    return None


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, then no reserved version, layer, bitrate or rate."""
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate != 15 and rate != 3


def _ftyp_kind(head: bytes) -> str:
    (box,) = struct.unpack_from(">I", head, 0)
    box = max(16, min(box, len(head)))
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, box - 3, 4)}
    if major in _AVIF_BRANDS or (b"avif" in brands and not brands & (_HEIC_BRANDS - {b"mif1", b"msf1"})):
        return "avif"
    if brands & _HEIC_BRANDS and major not in (b"qt  ", b"isom", b"mp41", b"mp42"):
        return "heic"
    if major == b"qt  ":
        return "mov"
    return "mp4"


# ---------------------------------------------------------------------------------------------
# Dates


_TS = re.compile(
    r"""(?P<y>\d{4})(?:(?P<m>\d{2})(?P<d>\d{2})|[-/.:](?P<m2>\d{1,2})[-/.:](?P<d2>\d{1,2}))
        (?:[T\s]*(?P<H>\d{2})(?::?(?P<M>\d{2}))?(?::?(?P<S>\d{2}))?(?:[.,]\d+)?)?
        \s*(?P<tz>Z|[+-]\s*\d{1,2}(?:['’:]?\s*\d{2})?)?""",
    re.X,
)


def _meta_date(text: object) -> str | None:
    """An ISO date from a metadata timestamp, tolerant of the forms producers really write:
    D:20220403183102+02'00', 2024-03-15T08:30:00Z, 2008:05:30 15:56:01, with or without a zone.

    The date is the one written, except that a UTC timestamp is moved to China time (LOCAL_TZ).
    Blank, zero ('0000:00:00') and impossible dates give None.
    """
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    if not isinstance(text, str):
        return None
    s = text.replace("\x00", "").strip()
    if s[:2] == "D:":
        s = s[2:].lstrip()
    m = _TS.match(s)
    if not m:
        return None
    try:
        y = int(m["y"])
        mo = int(m["m"] or m["m2"])
        d = int(m["d"] or m["d2"])
        day = date(y, mo, d)
    except (TypeError, ValueError):
        return None
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    tz = (m["tz"] or "").replace(" ", "")
    if tz and m["H"] is not None and (tz == "Z" or re.fullmatch(r"[+-]0*['’:]?0*", tz)):
        try:
            stamp = datetime(
                y, mo, d, int(m["H"]), int(m["M"] or 0), int(m["S"] or 0), tzinfo=timezone.utc
            )
            return stamp.astimezone(LOCAL_TZ).date().isoformat()
        except ValueError:  # hour 24, second 60 ...: keep the written date
            pass
    return day.isoformat()


# ---------------------------------------------------------------------------------------------
# PDF

_LINEARIZED_N = re.compile(rb"/Linearized\b[^>]*?/N\s+(\d+)", re.S)


def _inspect_pdf(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
    if b"%%EOF" not in _tail(f, size, PDF_EOF_WINDOW):
        # Cut short (an interrupted copy or download). Checked here because pypdf would otherwise
        # search backwards through the whole file line by line for an older %%EOF: seconds to
        # minutes on a large scan, for a file that is incomplete either way.
        raise _Broken(P_PDF_TRUNCATED)
    f.seek(0)
    try:
        reader = PdfReader(f, strict=False)
    except (NotImplementedError, DependencyError):
        # pypdf could not set up decryption (a security handler it does not know, e.g. certificate
        # based, or AES without the cryptography package): if the file is encrypted, it needs a key
        # we do not have, which is what an assessor without it would face too.
        if b"/Encrypt" in head or b"/Encrypt" in _tail(f, size, 4096):
            r.encrypted = True
            return
        raise _Broken(P_PDF_BROKEN)
    except Exception:
        raise _Broken(P_PDF_BROKEN)

    try:
        encrypted = reader.is_encrypted
    except Exception:
        raise _Broken(P_PDF_BROKEN)
    if encrypted:
        # A PDF with only an owner (permissions) password has an empty user password: every viewer
        # opens it without asking, so assessors can read it and it is NOT reported as encrypted.
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:
            opened = False
        r.encrypted = not opened

    r.pages = _pdf_pages(reader, head, locked=r.encrypted)
    if r.pages is None:
        raise _Broken(P_PDF_NO_PAGES)
    if r.pages == 0:
        raise _Broken(P_PDF_ZERO_PAGES)
    if not r.encrypted:  # strings of a locked file are ciphertext
        r.meta_date = _pdf_creation_date(reader)
        if r.meta_date:
            r.meta_date_source = "pdf:CreationDate"


def _pdf_pages(reader: PdfReader, head: bytes, locked: bool) -> int | None:
    """Page count from /Root/Pages/Count after resolving the first page; else let pypdf walk the
    tree; else the linearization dictionary's /N (viewers that repair files use it too)."""
    count: int | None = None
    override = locked and hasattr(reader, "_override_encryption")
    try:
        if override:
            # Dictionaries and integers are never encrypted, only strings and streams: read the page
            # tree of a locked file the way pypdf itself reads its /Encrypt dictionary.
            reader._override_encryption = True
        count = _pdf_count(reader)
    except Exception:
        count = None
    finally:
        if override:
            reader._override_encryption = False
    if count is None and not locked:
        try:
            count = len(reader.pages)
        except Exception:
            count = None
    if count is None:
        m = _LINEARIZED_N.search(head[:2048])
        if m:
            count = int(m.group(1))
    return count


def _pdf_count(reader: PdfReader) -> int | None:
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    if not isinstance(root, DictionaryObject):
        return None
    node = root.get("/Pages")
    node = node.get_object() if node is not None else None
    if not isinstance(node, DictionaryObject):
        return None
    count = node.get("/Count")
    count = count.get_object() if count is not None else None
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return None
    if count == 0:  # believed only for a tree that indeed has no kids
        kids = node.get("/Kids")
        kids = kids.get_object() if kids is not None else None
        return 0 if not kids else None
    if count > _pdf_object_count(reader):  # every page is an object: /Count is lying
        return None
    for _ in range(PDF_TREE_DEPTH):  # descend to the first leaf: the tree must resolve
        kids = node.get("/Kids")
        if kids is None:
            return count  # a leaf (a /Page)
        kids = kids.get_object()
        if not isinstance(kids, ArrayObject) or not kids:
            return None
        node = kids[0].get_object()
        if not isinstance(node, DictionaryObject):
            return None
    return None


def _pdf_object_count(reader: PdfReader) -> int:
    xref = getattr(reader, "xref", None) or {}
    return sum(len(v) for v in xref.values()) + len(getattr(reader, "xref_objStm", None) or {})


def _pdf_creation_date(reader: PdfReader) -> str | None:
    """/Info /CreationDate parsed from the raw string (pypdf's own parser rejects many real ones)."""
    try:
        info = reader.trailer.get("/Info")
        info = info.get_object() if info is not None else None
        if not isinstance(info, DictionaryObject):
            return None
        raw = info.get("/CreationDate")
        raw = raw.get_object() if raw is not None else None
        if isinstance(raw, bytes):
            return _meta_date(bytes(raw))
        return _meta_date(str(raw)) if raw is not None else None
    except Exception:
        return None


def _tail(f: IO[bytes], size: int, n: int) -> bytes:
    f.seek(max(0, size - n))
    return f.read(n)


# ---------------------------------------------------------------------------------------------
# Images

_PIL_FORMATS = {
    "jpeg": ["JPEG", "MPO"],
    "png": ["PNG"],
    "gif": ["GIF"],
    "bmp": ["BMP", "DIB"],
    "tiff": ["TIFF"],
    "webp": ["WEBP"],
    "avif": ["AVIF"],
}


def _inspect_image(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
    f.seek(0)
    try:
        im = Image.open(f, formats=_PIL_FORMATS[r.kind or ""])
    except Image.DecompressionBombError:
        raise _Broken(P_IMAGE_HUGE.format(size=_claimed_size(head, r) or "像素数过大"))
    except Exception:
        if r.kind == "avif":  # this Pillow may lack AVIF support: a valid container, like HEIC
            return
        raise _Broken(P_IMAGE_BROKEN)
    with im:
        r.width, r.height = im.size
        if r.width <= 0 or r.height <= 0:
            raise _Broken(P_IMAGE_BROKEN)
        if r.width * r.height > MAX_PIXELS:
            raise _Broken(P_IMAGE_HUGE.format(size=f"{r.width}×{r.height} 像素"))

        # Dates first: PNG verify() consumes the image.
        if r.kind != "png" or "exif" in im.info:  # PNG getexif() would decode a late eXIf chunk
            found = _exif_date(im)
            if found:
                r.meta_date, r.meta_date_source = found

        if r.kind == "jpeg":
            complete = _jpeg_complete(f, size)
            if complete is None:  # odd marker layout: let libjpeg judge, at 1/8 scale
                im.draft(im.mode, (max(1, r.width // 8), max(1, r.height // 8)))
                complete = _decodes(im)
        elif r.kind == "png":
            try:
                im.verify()  # every chunk's CRC, up to IEND; no inflate
                complete = True
            except Exception:
                complete = False
        elif r.width * r.height <= DECODE_PIXEL_LIMIT:
            complete = _decodes(im)
        else:
            complete = True  # too big to decode cheaply; the header was sound
    if not complete:
        raise _Broken(P_IMAGE_TRUNCATED)


def _decodes(im: Image.Image) -> bool:
    try:
        im.load()
        return True
    except Image.DecompressionBombError:
        raise _Broken(P_IMAGE_HUGE.format(size=f"{im.width}×{im.height} 像素"))
    except Exception:
        return False


def _exif_date(im: Image.Image) -> tuple[str, str] | None:
    """DateTimeOriginal (in the Exif IFD), else DateTime (IFD0). Broken EXIF gives None."""
    try:
        exif = im.getexif()
    except Exception:
        return None
    try:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:
        sub = {}
    for ifd, tag, source in ((sub, 0x9003, "exif:DateTimeOriginal"), (exif, 0x0132, "exif:DateTime")):
        try:
            value = ifd.get(tag)
        except Exception:
            continue
        if isinstance(value, (tuple, list)) and value:
            value = value[0]
        found = _meta_date(value)
        if found:
            return found, source
    return None


def _jpeg_complete(f: IO[bytes], size: int) -> bool | None:
    """Whether the first scan's data is followed by an EOI marker. Entropy-coded data stuffs every
    0xFF with 0x00 (or a restart marker), so 0xFFD9 after the start of scan is the real end of image.
    A photo cut short by a failed copy or upload has none; data after EOI (an embedded motion-photo
    video) is fine. None when the marker layout is unusual and libjpeg should decide."""
    pos = 2
    for _ in range(10_000):
        f.seek(pos)
        seg = f.read(4)
        if len(seg) < 2:
            return False
        if seg[0] != 0xFF:
            return None
        marker = seg[1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            pos += 2
            continue
        if marker == 0xD9:  # EOI before any scan: a header without an image
            return False
        if len(seg) < 4:
            return False
        (length,) = struct.unpack(">H", seg[2:4])
        if length < 2:
            return None
        pos += 2 + length
        if marker == 0xDA:
            break
    else:
        return None
    if pos > size:
        return False
    tail = _tail(f, size, 65536)
    start = size - len(tail)
    if tail.find(b"\xff\xd9", max(0, pos - start)) >= 0:
        return True
    f.seek(pos)  # no EOI near the end: look through the rest (a trailer after EOI, or truncation)
    prev = b""
    while chunk := f.read(_MIB):
        if (prev + chunk).find(b"\xff\xd9") >= 0:
            return True
        prev = chunk[-1:]
    return False


def _claimed_size(head: bytes, r: Inspection) -> str | None:
    """Width x height from a PNG IHDR, for the message when Pillow refuses to open the image."""
    if r.kind == "png" and len(head) >= 24 and head[12:16] == b"IHDR":
        w, h = struct.unpack_from(">II", head, 16)
        r.width, r.height = w, h
        return f"{w}×{h} 像素"
    return None


# ---------------------------------------------------------------------------------------------
# HEIC: a valid container is readable (Pillow alone cannot decode HEVC); the primary item's `ispe`
# property gives its size. No date: the EXIF item would need the item location table.


def _inspect_heic(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
    try:
        dims = _heic_size(f, size)
    except Exception:
        dims = None
    if dims:
        r.width, r.height = dims


def _boxes(buf: bytes, start: int, end: int):
    pos = start
    while pos + 8 <= end:
        n, typ = struct.unpack_from(">I4s", buf, pos)
        hdr = 8
        if n == 1:
            (n,) = struct.unpack_from(">Q", buf, pos + 8)
            hdr = 16
        elif n == 0:
            n = end - pos
        if n < hdr or pos + n > end:
            return
        yield typ, pos + hdr, pos + n
        pos += n


def _heic_size(f: IO[bytes], size: int) -> tuple[int, int] | None:
    f.seek(0)
    top = f.read(min(size, 1 << 16))
    meta = next(((s, e) for t, s, e in _boxes(top, 0, len(top)) if t == b"meta"), None)
    if meta is None:
        return None
    primary, props, assoc = None, [], {}
    for typ, s, e in _boxes(top, meta[0] + 4, meta[1]):  # meta is a full box
        if typ == b"pitm":
            primary = struct.unpack_from(">H" if top[s] == 0 else ">I", top, s + 4)[0]
        elif typ == b"iprp":
            for t2, s2, e2 in _boxes(top, s, e):
                if t2 == b"ipco":
                    props = [(t3, s3) for t3, s3, _ in _boxes(top, s2, e2)]
                elif t2 == b"ipma":
                    version, flags = top[s2], int.from_bytes(top[s2 + 1 : s2 + 4], "big")
                    (count,) = struct.unpack_from(">I", top, s2 + 4)
                    p = s2 + 8
                    for _ in range(count):
                        if version < 1:
                            (item,) = struct.unpack_from(">H", top, p)
                            p += 2
                        else:
                            (item,) = struct.unpack_from(">I", top, p)
                            p += 4
                        n = top[p]
                        p += 1
                        idx = []
                        for _ in range(n):
                            if flags & 1:
                                idx.append(struct.unpack_from(">H", top, p)[0] & 0x7FFF)
                                p += 2
                            else:
                                idx.append(top[p] & 0x7F)
                                p += 1
                        assoc[item] = idx
    for i in assoc.get(primary, []):
        if 1 <= i <= len(props) and props[i - 1][0] == b"ispe":
            return struct.unpack_from(">II", top, props[i - 1][1] + 4)
    return None


# ---------------------------------------------------------------------------------------------
# Zip containers: docx, xlsx, pptx, ofd, zip

_CORE_CREATED = "{http://purl.org/dc/terms/}created"


def _inspect_zip(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
    f.seek(0)
    try:
        zf = zipfile.ZipFile(f)
    except Exception:
        r.kind = _zip_kind_from_head(head)
        raise _Broken(_ZIP_BROKEN[r.kind])
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
            raise _Broken(broken)
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

_ENDOFCHAIN = 0xFFFFFFFE
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
    try:
        r.encrypted = _ole_legacy_encrypted(ole, entries)
    except Exception:
        pass


class _Ole:
    """Just enough of [MS-CFB] to list the directory and read the start of a big stream."""

    def __init__(self, f: IO[bytes], head: bytes, size: int) -> None:
        self.f, self.size = f, size
        self.sector = 1 << struct.unpack_from("<H", head, 30)[0]
        (n_fat, self.first_dir, _, self.cutoff, _, _, difat_next, n_difat) = struct.unpack_from(
            "<IIIIIIII", head, 44
        )
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


class _Broken(Exception):
    """Raised inside an inspector: the file is unreadable for the given reason."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _guarded(fn: Callable[[IO[bytes], bytes, int, Inspection], None]):
    def run(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
        try:
            fn(f, head, size, r)
        except _Broken as e:
            r.readable = False
            r.problem = e.problem

    return run


_INSPECTORS: dict[str, Callable[[IO[bytes], bytes, int, Inspection], None]] = {
    "pdf": _guarded(_inspect_pdf),
    "jpeg": _guarded(_inspect_image),
    "png": _guarded(_inspect_image),
    "gif": _guarded(_inspect_image),
    "bmp": _guarded(_inspect_image),
    "tiff": _guarded(_inspect_image),
    "webp": _guarded(_inspect_image),
    "avif": _guarded(_inspect_image),
    "heic": _guarded(_inspect_heic),
    "zip": _guarded(_inspect_zip),
    "ole": _guarded(_inspect_ole),
}
