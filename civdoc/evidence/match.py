"""Give each file in an indicator folder its requirement and its date (SPEC §3)."""

from __future__ import annotations

from datetime import date

from civdoc.evidence.namedates import date_in_folder, date_in_name
from civdoc.model import EvidenceFile, Span
from civdoc.project.indicators import Indicator, Requirement
from civdoc.project.names import norm

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


class Matcher:
    """One unit's requirements for one indicator, with their names and keywords normalised once:
    it is asked about every file in the item's folder."""

    def __init__(self, requirements: list[Requirement]):
        self.requirements = requirements
        self._named = [(norm(r.name), r) for r in requirements]
        self._keywords = [(r, [k for k in map(norm, r.keywords) if k]) for r in requirements]
        self._accepting: dict[str, list[Requirement]] = {}  # extension -> the requirements whose types include it
        for r in requirements:
            for ext in r.types or []:
                self._accepting.setdefault(ext, []).append(r)

    def assign(self, file: EvidenceFile) -> tuple[Requirement | None, str | None]:
        """By a sub-folder named after a requirement; else a match keyword in the file name; else
        the only requirement that accepts the file's type."""
        for folder in reversed(file.inside):
            found = self._by_folder(norm(folder))
            if found is not None:
                return found, "folder"
        stem = norm(file.path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        named = [r for r, keys in self._keywords if any(k in stem for k in keys)]
        if named:
            # 培训签到表.xlsx names both 培训照片 and 培训签到表: the one that takes its type is meant
            return next((r for r in named if file.ext in (r.types or ())), named[0]), "match"
        accepting = self._accepting.get(file.ext, ())
        if len(accepting) == 1:
            return accepting[0], "type"
        return None, None

    def _by_folder(self, folder: str) -> Requirement | None:
        named = [(name, r) for name, r in self._named if name in folder]
        if not named:
            return None
        exact = [r for name, r in named if name == folder]
        return exact[0] if exact else max(named, key=lambda pair: len(pair[1].name))[1]


def resolve_date(file: EvidenceFile) -> tuple[Span | None, str | None]:
    """File name, then the nearest dated folder below the indicator folder, then metadata. Never mtime."""
    span = date_in_name(file.path.rsplit("/", 1)[-1])
    if span:
        return span, "name"
    for folder in reversed(file.inside):
        span = date_in_folder(folder)
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
