"""`civdoc build`: check, then write the ledgers and report into out/, each file atomically.

A ledger in out/ whose review columns hold entries that reviews/ does not have yet is never
overwritten (unless forced): those entries would be lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from civdoc import safepath
from civdoc.atomic import write_bytes
from civdoc.build_guard import guard
from civdoc.evaluate import Result
from civdoc.render.docx import dossier_bytes
from civdoc.render.report import report, to_json
from civdoc.render.xlsx import workbook_bytes
from civdoc.templates import Templates

LEDGER = "材料自查台账"
PER_UNIT = "分单位台账"


@dataclass
class Built:
    out: Path
    written: list[Path] = field(default_factory=list)
    moved: list[tuple[Path, Path]] = field(default_factory=list)  # ledgers with review input, set aside


@dataclass(frozen=True)
class Output:
    path: Path
    kind: str  # xlsx | docx | json
    unit: str | None  # None: the whole project


def planned(result: Result, out: Path, unit: str | None) -> list[Output]:
    """Every output of a build: the whole dossier (unless --unit) and one ledger pair per unit."""
    units = [unit] if unit else sorted({i.unit for i in result.items if i.status != "not_required"},
                                       key=result.project.unit_names.index)
    outputs: list[Output] = []
    if unit is None:
        outputs += [Output(out / f"{LEDGER}.xlsx", "xlsx", None), Output(out / f"{LEDGER}.docx", "docx", None),
                    Output(out / "report.json", "json", None)]
    for u in units:
        outputs += [Output(safepath.join(out, PER_UNIT, f"{u}.xlsx"), "xlsx", u),
                    Output(safepath.join(out, PER_UNIT, f"{u}.docx"), "docx", u)]
    for o in outputs:
        safepath.refuse_evidence(o.path, result.project.root, "输出文件")
    return outputs


def render(result: Result, output: Output, templates: Templates) -> bytes:
    view = _scope(result, output.unit) if output.unit else result
    if output.kind == "xlsx":
        return workbook_bytes(view, unit=output.unit, path=output.path)
    if output.kind == "docx":
        return dossier_bytes(view, templates, unit=output.unit)
    return to_json(report(result)).encode("utf-8")


def build(result: Result, out: Path, unit: str | None = None, force: bool = False) -> Built:
    templates = Templates(result.project.root)
    outputs = planned(result, out, unit)
    # everything is made before anything is written, so a broken template leaves out/ as it was
    rendered = [(o.path, render(result, o, templates)) for o in outputs]
    built = Built(out, moved=guard(result, [o.path for o in outputs], out, force))
    for path, data in rendered:
        write_bytes(path, data)
        built.written.append(path)
    return built


def _scope(result: Result, unit: str) -> Result:
    """The same result seen by one unit: its items, findings and files only."""
    files = [f for f in result.files if f.unit == unit]
    return Result(result.project, result.today,
                  items=[i for i in result.items if i.unit == unit],
                  findings=[f for f in result.findings if f.unit == unit],
                  unit=unit, indicator=result.indicator, gather=lambda: files, file_count=len(files))
