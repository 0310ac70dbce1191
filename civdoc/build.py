"""`civdoc build`: check, then write the ledgers and report into out/, each file atomically.

A ledger in out/ whose review columns hold entries that reviews/ does not have yet is never
overwritten (unless forced): those entries would be lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from civdoc.atomic import write_bytes
from civdoc.errors import CivdocError
from civdoc.evaluate import Result
from civdoc.render.docx import dossier_bytes
from civdoc.render.report import report, to_json
from civdoc.render.xlsx import workbook_bytes
from civdoc.review_import import pending_entries
from civdoc.templates import Templates

LEDGER = "材料自查台账"
PER_UNIT = "分单位台账"


@dataclass
class Built:
    out: Path
    written: list[Path] = field(default_factory=list)


def planned(result: Result, out: Path, unit: str | None) -> dict[Path, str]:
    """Every output path and what goes into it."""
    units = [unit] if unit else sorted({i.unit for i in result.items if i.status != "not_required"},
                                       key=result.project.unit_names.index)
    files: dict[Path, str] = {}
    if unit is None:
        files[out / f"{LEDGER}.xlsx"] = "xlsx:"
        files[out / f"{LEDGER}.docx"] = "docx:"
        files[out / "report.json"] = "json:"
    for u in units:
        files[out / PER_UNIT / f"{u}.xlsx"] = f"xlsx:{u}"
        files[out / PER_UNIT / f"{u}.docx"] = f"docx:{u}"
    return files


def guard_unimported(result: Result, paths: list[Path], force: bool) -> None:
    if force:
        return
    for path in paths:
        if path.suffix == ".xlsx" and path.exists():
            count = pending_entries(result.project.root, path, result.today)
            if count:
                shown = path.relative_to(result.project.root) if path.is_relative_to(result.project.root) else path
                raise CivdocError(
                    f"{shown} 中有 {count} 行审核栏填写了 reviews/ 中还没有的内容，重新生成会把它们覆盖。"
                    f"请先运行 civdoc review import \"{shown}\" 导入，再运行 civdoc build；"
                    "确认不需要这些内容时，可加 --force 覆盖。")


def build(result: Result, out: Path, unit: str | None = None, force: bool = False) -> Built:
    templates = Templates(result.project.root)
    files = planned(result, out, unit)
    guard_unimported(result, list(files), force)
    built = Built(out)
    scoped = {u: _scope(result, u) for u in {what.split(":", 1)[1] for what in files.values()} if u}
    for path, what in files.items():
        kind, who = what.split(":", 1)
        view = scoped[who] if who else result
        if kind == "xlsx":
            data = workbook_bytes(view, unit=who or None, path=path)
        elif kind == "docx":
            data = dossier_bytes(view, templates, unit=who or None)
        else:
            data = to_json(report(result)).encode("utf-8")
        write_bytes(path, data)
        built.written.append(path)
    return built


def _scope(result: Result, unit: str) -> Result:
    """The same result seen by one unit: its items, findings and files only."""
    return Result(result.project, result.today,
                  files=[f for f in result.files if f.unit == unit],
                  items=[i for i in result.items if i.unit == unit],
                  findings=[f for f in result.findings if f.unit == unit],
                  unit=unit, indicator=result.indicator)
