"""Give each file in an indicator folder its requirement and its date (SPEC §3)."""

from __future__ import annotations

from datetime import date

from civdoc.dates import date_in_name
from civdoc.indicators import Indicator, Requirement
from civdoc.model import EvidenceFile, Span
from civdoc.names import norm

DATE_SOURCES = {
    "name": "文件名",
    "folder": "文件夹名",
    "exif:DateTimeOriginal": "拍摄时间（EXIF）",
    "exif:DateTime": "修改时间（EXIF）",
    "pdf:CreationDate": "PDF 创建时间",
    "office:created": "文档创建时间",
}


def requirements_for(indicator: Indicator, unit: str) -> list[Requirement]:
    """The requirements a unit must meet for an indicator (a requirement may name only some units)."""
    return [r for r in indicator.requirements if not r.units or unit in r.units]


def assign(file: EvidenceFile, requirements: list[Requirement]) -> tuple[Requirement | None, str | None]:
    """By a sub-folder named after a requirement; else a match keyword in the file name; else the only
    requirement that accepts the file's type."""
    for folder in reversed(file.inside):
        folder_name = norm(folder)
        named = [r for r in requirements if norm(r.name) in folder_name]
        if named:
            exact = [r for r in named if norm(r.name) == folder_name]
            return (exact or sorted(named, key=lambda r: -len(r.name)))[0], "folder"
    stem = norm(file.path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    named = [r for r in requirements if any(norm(k) and norm(k) in stem for k in r.keywords)]
    if named:
        # 培训签到表.xlsx names both 培训照片 and 培训签到表: the one that takes its type is meant
        fitting = [r for r in named if file.ext in (r.types or [])]
        return (fitting or named)[0], "match"
    accepting = [r for r in requirements if file.ext in (r.types or [])]
    if len(accepting) == 1:
        return accepting[0], "type"
    return None, None


def resolve_date(file: EvidenceFile) -> tuple[Span | None, str | None]:
    """File name, then the nearest dated folder below the indicator folder, then metadata. Never mtime."""
    span = date_in_name(file.path.rsplit("/", 1)[-1])
    if span:
        return span, "name"
    for folder in reversed(file.inside):
        span = date_in_name(folder)
        if span:
            return span, "folder"
    ins = file.inspection
    if ins and ins.meta_date:
        try:
            day = date.fromisoformat(ins.meta_date)
        except ValueError:
            return None, None
        return Span(day, day), ins.meta_date_source
    return None, None
