"""The folder skeleton of a project's evidence (SPEC §8, `scaffold` and `kit`).

For every item that needs material: the unit's folder, the indicator's folder (`<id> <content>`) and,
where the unit owes several materials for it, one sub-folder per requirement -- in the project's layout
for `scaffold`, always unit/indicator for a kit. Folders that civdoc already recognises are used as
they are named, never doubled.

`survey` only lists folders; `plan` is pure. Every planned name is checked with the scanner's own rules
(a unit folder must be recognised as its unit, an indicator folder as its indicator, a requirement
folder as its requirement), so what scaffold makes is what check counts.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from civdoc.errors import UsageError
from civdoc.evidence.listing import ignored
from civdoc.evidence.match import Matcher, requirements_for
from civdoc.evidence.walk import Walker
from civdoc.project.indicators import Indicator, Requirement
from civdoc.project.load import Project
from civdoc.project.names import norm

# Windows refuses these in names; their full-width forms are allowed and compare equal after NFKC (names.norm)
_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in '/\\:*?"<>|'}
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_SPACES = re.compile(r"\s+")
CONTENT_CHARS = 40  # an indicator folder's name keeps at most this much of the content: paths stay short
MAX_DEPTH = 12  # grouping folders deeper than this are not surveyed


def folder_name(text: str, limit: int = 80) -> str | None:
    """text as a folder name valid on Windows and Linux, or None when nothing valid is left."""
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else _FULL_WIDTH.get(c, c)
        for c in unicodedata.normalize("NFC", text)
    )
    text = _SPACES.sub(" ", text).strip(" .")[:limit].strip(" .")
    if not text or text.split(".")[0].upper() in _DEVICES:
        return None
    return text


def indicator_folder_name(ind: Indicator) -> str:
    name = folder_name(f"{ind.id} {ind.content[:CONTENT_CHARS]}", limit=CONTENT_CHARS + 40)
    if name is None:  # an id is never empty: this cannot happen for a loaded project
        raise UsageError(f"指标“{ind.id}”的编号无法用作文件夹名称，请修改指标编号。")
    return name


def unit_items(project: Project, unit: str) -> list[tuple[Indicator, list[Requirement]]]:
    """The unit's items that need material, in the order of the indicator files, with its requirements."""
    items = []
    for aspect in project.aspects:
        for ind in aspect.indicators:
            reqs = requirements_for(ind, unit) if unit in ind.responsible else []
            if reqs:
                items.append((ind, reqs))
    return items


@dataclass
class Survey:
    """The folders civdoc recognises, as '/'-joined paths relative to the base (evidence/ or a kit)."""

    unit_folders: dict[str, str] = field(default_factory=dict)  # unit -> folder (layout unit/indicator)
    indicator_folders: dict[str, str] = field(default_factory=dict)  # id -> folder (layout indicator/unit)
    item_folders: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, id) -> folder
    subfolders: dict[str, list[str]] = field(default_factory=dict)  # item folder -> names of its sub-folders


@dataclass(frozen=True)
class Planned:
    rel: str  # '/'-joined, relative to the base
    exists: bool
    unit: str
    indicator: str | None = None
    requirement: str | None = None


def _folders(path: Path) -> list[str]:
    """Names of the real sub-folders (no links), sorted; an unreadable folder has none."""
    try:
        with os.scandir(path) as it:
            return sorted(e.name for e in it if not ignored(e.name) and e.is_dir(follow_symlinks=False))
    except OSError:
        return []


def survey(project: Project, base: Path | None = None) -> Survey:
    """The unit, indicator and item folders under evidence/ (or base), by the scanner's rules."""
    base = project.evidence if base is None else base
    found = Survey()
    recognise = Walker(project)._indicator_of  # the scanner's own rule: longest id prefix + separator

    def below(rel: str, depth: int, unit: str | None) -> None:
        """Grouping folders down to indicator folders."""
        for name in _folders(base / rel if rel else base):
            child = f"{rel}/{name}" if rel else name
            ident = recognise(name)
            if ident is None:
                if depth < MAX_DEPTH:
                    below(child, depth + 1, unit)
            elif unit is not None:
                _item(found, base, unit, ident, child)
            else:
                found.indicator_folders.setdefault(ident, child)
                for sub in _folders(base / child):
                    owner = project.unit(sub)
                    if owner is not None:
                        _item(found, base, owner, ident, f"{child}/{sub}")

    if project.config.layout == "unit/indicator":
        for name in _folders(base):
            unit = project.unit(name)
            if unit is not None and (unit not in found.unit_folders or name == unit):
                found.unit_folders[unit] = name
        for unit, name in found.unit_folders.items():
            below(name, 0, unit)
    else:
        below("", 0, None)
    return found


def _item(found: Survey, base: Path, unit: str, ident: str, rel: str) -> None:
    if (unit, ident) not in found.item_folders:
        found.item_folders[(unit, ident)] = rel
        found.subfolders[rel] = _folders(base / rel)


def kit_survey(project: Project, unit: str, evidence: Survey) -> Survey:
    """The unit's recognised folders in unit/indicator form, below a kit's `<unit>/`: a unit that
    already sent material finds its folders named as in evidence/, so what it sends back lands there."""
    kit = Survey(unit_folders={unit: unit})
    for (owner, ident), rel in evidence.item_folders.items():
        if owner != unit:
            continue
        if project.config.layout == "unit/indicator":
            inner = rel.split("/", 1)[1]  # below the unit folder, grouping folders kept
        else:
            inner = evidence.indicator_folders.get(ident, rel).rsplit("/", 1)[-1]
        kit.item_folders[(unit, ident)] = f"{unit}/{inner}"
        kit.subfolders[f"{unit}/{inner}"] = evidence.subfolders.get(rel, [])
    return kit


def item_folder(project: Project, found: Survey, unit: str, ind: Indicator, layout: str | None = None) -> str:
    """The folder of a unit's item: the one civdoc recognises, else `<id> <content>` where the layout puts it."""
    rel = found.item_folders.get((unit, ind.id))
    if rel is not None:
        return rel
    name = indicator_folder_name(ind)
    if Walker(project)._indicator_of(name) != ind.id:  # the scanner's own rule
        raise UsageError(f"指标“{ind.id}”的文件夹名“{name}”会被识别为其他指标，请修改指标编号或名称。")
    unit_name = _checked_unit_folder(project, unit)
    if (layout or project.config.layout) == "unit/indicator":
        return f"{found.unit_folders.get(unit, unit_name)}/{name}"
    return f"{found.indicator_folders.get(ind.id, name)}/{unit_name}"


def plan(project: Project, units: list[str], found: Survey, layout: str | None = None) -> list[Planned]:
    """Every folder of the skeleton, parents before children, each once; `exists` tells which are there."""
    layout = layout or project.config.layout
    planned: dict[str, Planned] = {}

    def add(folder: Planned) -> None:
        planned.setdefault(folder.rel, folder)

    for unit in units:
        items = unit_items(project, unit)
        if not items:
            continue
        _checked_unit_folder(project, unit)
        for ind, reqs in items:
            item_rel = item_folder(project, found, unit, ind, layout)
            parent = item_rel.rsplit("/", 1)[0]
            there = (unit, ind.id) in found.item_folders
            if layout == "unit/indicator":
                add(Planned(parent, there or parent == found.unit_folders.get(unit), unit))
            else:
                add(Planned(parent, there or parent == found.indicator_folders.get(ind.id), unit, ind.id))
            add(Planned(item_rel, there, unit, ind.id))
            if len(reqs) > 1:
                for req in _requirement_folders(reqs, found.subfolders.get(item_rel, []), item_rel, unit, ind.id):
                    add(req)
    return list(planned.values())


def _checked_unit_folder(project: Project, unit: str) -> str:
    name = folder_name(unit, limit=120)
    if name is None or project.unit(name) != unit:
        raise UsageError(
            f'单位名称“{unit}”不能用作文件夹名称（不能含有 / \\ : * ? " < > | 等字符），请在 civdoc.yaml 中修改它。'
        )
    return name


def _requirement_folders(
    reqs: list[Requirement], existing: list[str], item_rel: str, unit: str, ident: str
) -> list[Planned]:
    """A sub-folder per requirement, unless one the matcher gives that requirement is there already."""
    matcher = Matcher(reqs)
    served = {
        matcher._by_folder(norm(name)).name: name  # type: ignore[union-attr]
        for name in existing
        if matcher._by_folder(norm(name)) is not None
    }
    folders = []
    for req in reqs:
        if req.name in served:
            folders.append(Planned(f"{item_rel}/{served[req.name]}", True, unit, ident, req.name))
            continue
        name = folder_name(req.name)
        found = matcher._by_folder(norm(name)) if name else None
        if name is None or found is None or found.name != req.name:
            continue  # a name no folder can carry: its files are matched by keyword instead
        folders.append(Planned(f"{item_rel}/{name}", False, unit, ident, req.name))
    return folders


def inside(base: Path, rel: str) -> Path:
    """base/rel, refused unless it resolves inside base (a link planted in the tree cannot lead out)."""
    target = base.joinpath(*rel.split("/"))
    real_base = os.path.realpath(base)
    real = os.path.realpath(target)
    if os.path.commonpath([real_base, real]) != real_base:
        raise UsageError(f"“{rel}”指向 {base} 之外（可能经过了链接），已停止。请检查该位置的文件夹。")
    return target
