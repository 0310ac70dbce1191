"""`civdoc build`: check, then write the ledgers and report into out/, each file atomically.

A ledger in out/ whose review columns hold entries that reviews/ does not have yet is never
overwritten (unless forced): those entries would be lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from civdoc.check.evaluate import Result
from civdoc.commands.build_guard import guard
from civdoc.leaders import history
from civdoc.leaders.gather import Leaders, gather
from civdoc.leaders.score import summary_lines
from civdoc.render.docx import dossier_bytes
from civdoc.render.report import report, to_json
from civdoc.render.templating import Templates
from civdoc.render.xlsx import workbook_bytes
from civdoc.render.xlsx.columns import LEDGER_FILE, UNIT_FOLDER
from civdoc.safe import paths as safepath
from civdoc.store.atomic import write_bytes

if TYPE_CHECKING:
    from rich.console import Console

BULLETIN = "工作进展通报.docx"
DASHBOARD = "index.html"


@dataclass
class Built:
    out: Path
    written: list[Path] = field(default_factory=list)
    history: Path | None = None  # today's snapshot (whole-project builds only)
    problems: list[str] = field(default_factory=list)  # history files left out
    closing: list[str] = field(default_factory=list)  # the score, and the change since the snapshot compared with
    moved: list[tuple[Path, Path]] = field(default_factory=list)  # ledgers with review input, set aside


@dataclass(frozen=True)
class Output:
    path: Path
    kind: str  # xlsx | docx | json | bulletin | dashboard
    unit: str | None  # None: the whole project


def planned(result: Result, out: Path, unit: str | None) -> list[Output]:
    """Every output of a build: the whole dossier (unless --unit) and one ledger pair per unit."""
    units = (
        [unit]
        if unit
        else sorted({i.unit for i in result.items if i.status != "not_required"}, key=result.project.unit_names.index)
    )
    outputs: list[Output] = []
    if unit is None:
        outputs += [
            Output(out / f"{LEDGER_FILE}.xlsx", "xlsx", None),
            Output(out / f"{LEDGER_FILE}.docx", "docx", None),
            Output(out / "report.json", "json", None),
            Output(out / BULLETIN, "bulletin", None),
            Output(out / DASHBOARD, "dashboard", None),
        ]
    for u in units:
        outputs += [
            Output(safepath.join(out, UNIT_FOLDER, f"{u}.xlsx"), "xlsx", u),
            Output(safepath.join(out, UNIT_FOLDER, f"{u}.docx"), "docx", u),
        ]
    for o in outputs:
        safepath.refuse_evidence(o.path, result.project.root, "输出文件")
    return outputs


def render(result: Result, output: Output, templates: Templates, leaders: Leaders | None = None) -> bytes:
    if output.kind in ("bulletin", "dashboard"):
        assert leaders is not None
        if output.kind == "bulletin":
            from civdoc.render.bulletin import bulletin_bytes

            return bulletin_bytes(result, leaders, templates)
        from civdoc.render.dashboard import dashboard_bytes

        return dashboard_bytes(result, leaders, output.path.parent)
    view = _scope(result, output.unit) if output.unit else result
    if output.kind == "xlsx":
        return workbook_bytes(view, unit=output.unit, path=output.path)
    if output.kind == "docx":
        return dossier_bytes(view, templates, unit=output.unit)
    return to_json(report(result))


def build(result: Result, out: Path, unit: str | None = None, force: bool = False, since: date | None = None) -> Built:
    templates = Templates(result.project.root)
    outputs = planned(result, out, unit)
    # the snapshots cover the whole project: a --unit build neither compares nor records one
    leaders = gather(result, since) if unit is None else None
    if leaders:
        history.folder(result.project.root)  # refused before anything is written
    # everything is made before anything is written, so a broken template leaves out/ as it was
    rendered = [(o.path, render(result, o, templates, leaders)) for o in outputs]
    built = Built(out, moved=guard(result, [o.path for o in outputs], out, force))
    for path, data in rendered:
        write_bytes(path, data)
        built.written.append(path)
    if leaders:
        built.history = history.write(result.project.root, leaders.today)
        built.problems = leaders.problems
        built.closing = summary_lines(leaders.score)
        built.closing += [history.change_line(leaders.change)] if leaders.change else []
    return built


def _scope(result: Result, unit: str) -> Result:
    """The same result seen by one unit: its items, findings and files only."""
    files = [f for f in result.files if f.unit == unit]
    return Result(
        result.project,
        result.today,
        items=[i for i in result.items if i.unit == unit],
        findings=[f for f in result.findings if f.unit == unit],
        unit=unit,
        indicator=result.indicator,
        gather=lambda: files,
        file_count=len(files),
    )


def render_built(result: Result, built: Built, target: Path, out: Console) -> None:
    """What `civdoc build` wrote, where, and what it found."""
    from rich.text import Text

    root = result.project.root
    required = [i for i in result.items if i.status != "not_required"]
    done = sum(1 for i in required if i.status == "complete")
    for before, after in built.moved:
        kept = after.relative_to(root).as_posix() if after.is_relative_to(root) else str(after)
        out.print(Text(f"{before.name} 中有尚未导入的审核内容，已移到 {kept}（未删除）。", style="yellow"))
    out.print(Text(f"已生成 {len(built.written)} 个文件，位于 {target}：", style="green"))
    for path in built.written:
        out.print(Text(f"  {path.relative_to(target).as_posix()}"))  # as written: a name may hold [ ]
    if built.history is not None:
        out.print(Text(f"进展记录：{built.history.relative_to(root).as_posix()}（可提交到版本库，下次生成时用于比较）"))
    for line in built.closing:
        out.print(Text(line))
    out.print(
        f"应报事项 {len(required)} 个，已完成 {done} 个；错误 {result.count('error')} 条，"
        f"警告 {result.count('warning')} 条（详见台账“问题清单”，或运行 civdoc check）。"
    )
