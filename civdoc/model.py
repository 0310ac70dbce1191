"""Plain data passed down the pipeline: load -> scan -> inspect -> match -> evaluate -> render.

Everything here is a frozen or simple dataclass so that stages cannot reach back upstream.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# how every output names the owner of a finding or file that belongs to no unit
NO_UNIT = "（未归属单位）"


@dataclass(frozen=True, slots=True)
class Span:
    """A date or a whole month: a file dated '2024年3月' covers every day of March."""

    start: date
    end: date

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and self.end >= start

    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return self.start.strftime("%Y-%m")


@dataclass(slots=True)
class Inspection:
    """What one file really is. A pure function of its bytes (see inspect.py); cacheable as JSON."""

    size: int
    sha256: str
    kind: str | None = None  # real type from magic bytes: pdf, jpeg, png, heic, docx, xlsx, ole, ofd, mp4 ...
    readable: bool = True
    problem: str | None = None  # why it is unreadable, in Chinese, when readable is False
    encrypted: bool = False
    pages: int | None = None
    width: int | None = None
    height: int | None = None
    meta_date: str | None = None  # ISO date from metadata
    meta_date_source: str | None = None  # exif:DateTimeOriginal, exif:DateTime, pdf:CreationDate, office:created

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Inspection:
        return cls(**data)


@dataclass(slots=True)
class EvidenceFile:
    """A file under evidence/, placed by scan.py and inspected by inspect.py."""

    path: str  # relative to the project, with '/', printable (see scan.display)
    fs_path: str  # the real path on disk, for reading
    ext: str  # lower-case extension without the dot
    size: int
    mtime_ns: int
    unit: str | None = None  # canonical unit name
    indicator: str | None = None  # indicator id
    item_path: str | None = None  # path relative to the indicator folder (fingerprint key)
    requirement: str | None = None  # requirement name it serves
    assigned_by: str | None = None  # folder, match, type
    inside: list[str] = field(default_factory=list)  # folder names between the indicator folder and the file
    inspection: Inspection | None = None
    date: Span | None = None
    date_source: str | None = None  # 文件名, 文件夹, or an Inspection.meta_date_source
    usable: bool = False


@dataclass(slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    unit: str | None = None
    indicator: str | None = None
    requirement: str | None = None
    path: str | None = None
    line: int | None = None  # for definition problems: the line in civdoc.yaml or an indicator file
    waived: bool = False
    waiver_reason: str | None = None

    def about(self, file: EvidenceFile) -> Finding:
        """This finding, placed at a file: its unit, indicator, requirement and path."""
        self.unit, self.indicator, self.path = file.unit, file.indicator, file.path
        self.requirement = file.requirement
        return self


@dataclass(slots=True)
class RequirementStatus:
    name: str
    kind: str | None
    min: int
    found: int  # usable files
    files: list[str] = field(default_factory=list)  # all files assigned, usable or not


@dataclass(frozen=True)
class StageState:
    stage: str
    state: str  # 待审 通过 退回 失效
    by: str | None = None
    at: str | None = None
    note: str | None = None


@dataclass
class Item:
    """One (unit, indicator) pair the unit is responsible for."""

    unit: str
    indicator: str
    status: str  # complete | incomplete | not_required
    deadline: date | None
    # read-only views: a recalled item makes them from its remembered outcome when first read (check/memo.py)
    requirements: Sequence[RequirementStatus] = field(default_factory=list)
    fingerprint: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)  # item-relative path -> sha256:...
    stages: list[StageState] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.unit}|{self.indicator}"


@lru_cache(maxsize=4096)  # sorting 5,000 findings asks for the same hundred ids again and again
def id_key(ident: str | None) -> tuple[tuple[int, int, str], ...]:
    """The order of indicator ids everywhere: numeric-aware (2.10 after 2.9), parts that are not
    numbers after numbers, by text; no id (a unit-level finding) first."""
    if ident is None:
        return ()
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in ident.split("."))
