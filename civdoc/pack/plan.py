"""What goes into the 网上申报 package (SPEC §10), decided from a check result before anything is copied.

Pure: (result, --method) -> Plan. Every name built from data (测评项目, 测评内容, unit, requirement, original
file name) is made a valid Windows and Linux file name here; pack.py still resolves each joined path and
checks it stays inside the package folder.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from civdoc.check.evaluate import Result
from civdoc.errors import CivdocError
from civdoc.evidence.match import DATE_SOURCES
from civdoc.findings import RULES
from civdoc.model import EvidenceFile, Finding, Item
from civdoc.project.indicators import Indicator
from civdoc.project.load import IMPLICIT_REQUIREMENT

PHOTO_TYPES = {"jpeg", "png", "heic", "avif"}  # what inspect.py calls an image's real kind
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "heic", "heif"}
NAME_LIMIT = 40  # characters of a 测评项目 or 测评内容 kept in a folder name: paths stay short on Windows
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str, limit: int | None = None) -> str:
    """text as one path component: NFC, forbidden characters replaced, no leading/trailing space or dot."""
    name = _FORBIDDEN.sub("_", unicodedata.normalize("NFC", text))
    name = " ".join(name.split())  # line breaks and runs of spaces from imported lists
    if limit is not None and len(name) > limit:
        name = name[:limit].rstrip() + "…"
    name = name.strip(" .")
    if not name or name.split(".")[0].upper() in _DEVICES:
        name = "_" + name
    return name


MAX_NAME_BYTES = 240  # file systems allow 255 bytes a name; room for a copy's " (2)"


def fitted(name: str) -> str:
    """name, its stem shortened (with …) until it fits a file system's 255 bytes; the extension kept."""
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    while stem and len((stem + "…" + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem.rstrip() + "…" + suffix


def inside(base: Path, rel: str) -> Path:
    """base/rel, refused unless it resolves inside base (symlinks included)."""
    real_base = base.resolve()
    target = (base / rel).resolve()
    if not target.is_relative_to(real_base) or target == real_base:
        raise CivdocError(f"打包路径“{rel}”会落到打包文件夹之外，已停止。请检查测评项目、指标和文件的名称。")
    return target


def methods_of(indicator: Indicator) -> set[str]:
    """Every 测评方法 of an indicator and its standards; a method may be a string or a list of them."""
    found: set[str] = set()
    values: list[object] = [getattr(indicator, "method", None)]
    values += [getattr(s, "method", None) for s in indicator.standards]
    with contextlib.suppress(AttributeError, TypeError):
        values += list(indicator.methods)
    for value in values:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, (list, tuple)):
            found.update(v for v in value if isinstance(v, str))
    return found


@dataclass
class Packed:
    """One usable evidence file and where its copy goes."""

    file: EvidenceFile
    rel: str  # inside the package, with '/'
    unit: str
    requirement: str

    @property
    def sha256(self) -> str:
        return self.file.inspection.sha256.removeprefix("sha256:") if self.file.inspection else ""

    @property
    def is_photo(self) -> bool:
        kind = self.file.inspection.kind if self.file.inspection else None
        return (kind in PHOTO_TYPES) if kind else self.file.ext in PHOTO_EXTENSIONS

    @property
    def original_name(self) -> str:
        return self.file.path.rsplit("/", 1)[-1]

    @property
    def date_text(self) -> str:
        return self.file.date.label() if self.file.date else "无法确定"

    @property
    def date_source(self) -> str:
        if not self.file.date:
            return ""
        return DATE_SOURCES.get(self.file.date_source or "", self.file.date_source or "")

    @property
    def pages_or_pixels(self) -> str:
        ins = self.file.inspection
        if ins and ins.pages:
            return f"{ins.pages}页"
        if ins and ins.width and ins.height:
            return f"{ins.width}×{ins.height}像素"
        return ""


@dataclass
class Photobook:
    """The photos of one unit for one requirement, compiled into one A4 PDF."""

    rel: str
    unit: str
    requirement: str
    photos: list[Packed]


@dataclass
class LeftOut:
    """A file of an item that is not packed, with why (its findings, in Chinese)."""

    file: EvidenceFile
    unit: str
    reasons: list[str]


@dataclass
class Entry:
    """One indicator folder of the package."""

    aspect: str  # folder name of its 测评项目
    indicator: Indicator
    folder: str  # "<aspect>/<id content>"
    items: list[Item]
    packed: list[Packed] = field(default_factory=list)
    photobooks: list[Photobook] = field(default_factory=list)
    order: list[Packed | Photobook] = field(default_factory=list)  # as numbered in the folder
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(i.status == "complete" for i in self.items)

    def missing(self) -> list[str]:
        """What each incomplete item still lacks, in Chinese."""
        lines = []
        for item in self.items:
            for r in item.requirements:
                if r.found < r.min:
                    lines.append(f"{item.unit}：{r.name}需{r.min}份，可用{r.found}份，缺{r.min - r.found}份")
        return lines


@dataclass
class Plan:
    entries: list[Entry]
    method: str | None

    @property
    def packed(self) -> list[Packed]:
        return [p for e in self.entries for p in e.packed]

    @property
    def left_out(self) -> list[LeftOut]:
        return [x for e in self.entries for x in e.left_out]


def make_plan(result: Result, method: str | None = None) -> Plan:
    project = result.project
    wanted = [i for i in result.items if i.status != "not_required"]
    if method is not None:
        known = sorted({m for ind in project.indicators.values() for m in methods_of(ind)})
        if method not in known:
            raise CivdocError(f"没有按“{method}”测评的指标。各指标使用的测评方法：{'、'.join(known) or '无'}。")
        wanted = [i for i in wanted if method in methods_of(project.indicators[i.indicator])]
    items_of: dict[str, list[Item]] = defaultdict(list)
    for item in wanted:
        items_of[item.indicator].append(item)
    files_of: dict[tuple[str, str], list[EvidenceFile]] = defaultdict(list)
    for f in result.files:
        if f.unit and f.indicator:
            files_of[(f.unit, f.indicator)].append(f)
    findings_of: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.path:
            findings_of[finding.path].append(finding)
    unit_rank = {u: n for n, u in enumerate(project.unit_names)}
    entries = []
    aspect_names: dict[str, str] = {}
    used: set[str] = set()
    for aspect in project.aspects:
        folder = safe_name(aspect.name, NAME_LIMIT)
        if folder in aspect_names.values():  # two indicator files with one 测评项目 name: keep them apart
            folder = f"{folder}（{aspect.file.rsplit('/', 1)[-1].rsplit('.', 1)[0]}）"
        aspect_names[aspect.name] = folder
        for ind in aspect.indicators:
            if ind.id not in items_of:
                continue
            items = sorted(items_of[ind.id], key=lambda i: unit_rank.get(i.unit, len(unit_rank)))
            name = safe_name(f"{ind.id} {ind.content}", NAME_LIMIT)
            while f"{folder}/{name}" in used:  # ids that differ only in characters a file name cannot hold
                name += "_"
            used.add(f"{folder}/{name}")
            entry = Entry(folder, ind, f"{folder}/{name}", items)
            _fill(entry, [(i.unit, f) for i in items for f in files_of[(i.unit, ind.id)]], findings_of, unit_rank)
            entries.append(entry)
    return Plan(entries, method)


def _fill(
    entry: Entry,
    files: list[tuple[str, EvidenceFile]],
    findings_of: dict[str, list[Finding]],
    unit_rank: dict[str, int],
) -> None:
    """Order the usable files by requirement, unit, date and path; number them; note the rest."""
    names = [r.name for r in entry.indicator.requirements] or [IMPLICIT_REQUIREMENT]
    rank = {n: i for i, n in enumerate(names)}
    groups: dict[tuple[str, str], list[EvidenceFile]] = defaultdict(list)
    for unit, f in files:
        if f.usable and f.requirement:
            groups[(f.requirement, unit)].append(f)
        else:
            entry.left_out.append(LeftOut(f, unit, _reasons(f, findings_of.get(f.path, []))))
    keys = sorted(groups, key=lambda k: (rank.get(k[0], len(rank)), unit_rank.get(k[1], len(unit_rank)), k))
    slots: list[tuple[str, str, EvidenceFile | None]] = []  # None: the group's 照片集, before its photos
    for requirement, unit in keys:
        members = sorted(groups[(requirement, unit)], key=_file_order)
        if any(Packed(f, "", unit, requirement).is_photo for f in members):
            slots.append((requirement, unit, None))
        slots += [(requirement, unit, f) for f in members]
    width = max(2, len(str(len(slots))))
    books: dict[tuple[str, str], Photobook] = {}
    for n, (requirement, unit, member) in enumerate(slots, 1):
        prefix = f"{n:0{width}d} {safe_name(unit)} {safe_name(requirement)}"
        if member is None:
            book = Photobook(f"{entry.folder}/{fitted(f'{prefix} 照片集.pdf')}", unit, requirement, [])
            books[(requirement, unit)] = book
            entry.photobooks.append(book)
            entry.order.append(book)
            continue
        name = fitted(f"{prefix} {safe_name(member.path.rsplit('/', 1)[-1])}")
        item = Packed(member, f"{entry.folder}/{name}", unit, requirement)
        entry.packed.append(item)
        entry.order.append(item)
        if item.is_photo:
            books[(requirement, unit)].photos.append(item)


def _file_order(f: EvidenceFile) -> tuple:
    return (f.date is None, f.date.start if f.date else None, f.path)


def _reasons(f: EvidenceFile, found: list[Finding]) -> list[str]:
    blocking = [x for x in found if x.severity == "error" or x.code == "P506"] or found
    reasons = []
    for x in blocking:
        text = f"{RULES[x.code].title}：{x.message}"
        if x.waived:
            text += f"（已豁免：{x.waiver_reason}）" if x.waiver_reason else "（已豁免）"
        reasons.append(text)
    return reasons or ["检查判定该文件不能计入（见材料自查台账的文件清单）"]
