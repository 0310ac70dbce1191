"""Limits, problems in Chinese and helpers shared by the per-format inspectors."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import IO

from civdoc.model import Inspection

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
            stamp = datetime(y, mo, d, int(m["H"]), int(m["M"] or 0), int(m["S"] or 0), tzinfo=timezone.utc)
            return stamp.astimezone(LOCAL_TZ).date().isoformat()
        except ValueError:  # hour 24, second 60 ...: keep the written date
            pass
    return day.isoformat()


# ---------------------------------------------------------------------------------------------
# PDF


def _tail(f: IO[bytes], size: int, n: int) -> bytes:
    f.seek(max(0, size - n))
    return f.read(n)


# ---------------------------------------------------------------------------------------------
# Images


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
