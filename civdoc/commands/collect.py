"""`civdoc collect ZIP_OR_FOLDER [--unit U] [--replace] [--dry-run]`: a unit's returned material into
evidence/, then a receipt (printed, and out/回执/<unit>-<YYYYMMDD-HHMMSS>.xlsx) with that unit's check."""

from __future__ import annotations

import os
import unicodedata
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.text import Text

from civdoc.errors import UsageError
from civdoc.intake.place import ADDED, CONFLICT, IDENTICAL, JUNK, REFUSED, REPLACED, Intake, take, whose
from civdoc.intake.state import UnitState, unit_state
from civdoc.intake.unitzip import read_folder, read_zip
from civdoc.project.load import load_project

RECEIPTS = "回执"
SHOWN_ADDED = 30  # more added files than this are counted, not listed, on screen (the workbook lists all)


def run(
    root: Path, source: Path, unit: str | None, replace: bool, dry_run: bool, today: date, no_cache: bool, out: Console
) -> int:
    project = load_project(root)
    started = datetime.now()
    limit = int(project.config.limits.max_file_mb * (1 << 20))
    if _within(source, root / "out") or (source.is_dir() and _within(root, source)):
        # civdoc's own output (a 网上申报 package, kits) or the project itself: taking it in would file
        # other units' material under this one
        raise UsageError(
            f"{source} 是本项目自身或 civdoc 生成的文件，不能从这里收取。请指定单位发回的压缩包或 U 盘中的文件夹。"
        )
    if source.is_dir():
        if _within(source, root / "evidence"):
            raise UsageError(f"{source} 在 evidence/ 之中，不能从这里收取。请指定单位发回的压缩包或 U 盘中的文件夹。")
        archive, listing = None, read_folder(source, limit)
    elif source.is_file():
        archive, listing = read_zip(source, limit)
    else:
        raise UsageError(f"找不到 {source}。请指定单位发回的 zip 压缩包或文件夹。")
    try:
        owner, own_folder = whose(project, listing, unit)
        intake = take(project, listing, owner, own_folder, source.name, replace, dry_run, today)
    finally:
        if archive is not None:
            archive.close()
    state = None
    if not dry_run:
        from civdoc.check.pipeline import check

        state = unit_state(check(root, today, owner, None, use_cache=not no_cache, files=False), owner)
    print_receipt(intake, state, started, out)
    if not dry_run:
        from civdoc.render.receipt_xlsx import receipt_bytes
        from civdoc.store.atomic import write_bytes

        path = _receipt_path(root, owner, today, started)
        write_bytes(path, receipt_bytes(project.config.name, intake, state, started))
        out.print(
            f"回执已保存：{path.relative_to(root).as_posix()}（可发给{owner}）", markup=False
        )  # unit names may hold [ ]
    return 1 if intake.having(CONFLICT, REFUSED) else 0


def _within(path: Path, folder: Path) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([real, base]) == base


def _receipt_path(root: Path, unit: str, today: date, now: datetime) -> Path:
    folder = root / "out" / RECEIPTS
    if _within(folder, root / "evidence"):
        raise UsageError("out/ 指向 evidence/ 之中，回执不能写在那里。请把 out/ 改为普通文件夹。")
    stem = f"{unit}-{today:%Y%m%d}-{now:%H%M%S}"
    path, n = folder / f"{stem}.xlsx", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.xlsx"
    return path


def shown(text: str) -> str:
    """A name from a zip as it can be printed: control characters (an ESC that would drive the terminal,
    a newline that would fake a line of the receipt) are shown escaped."""
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) == "Cc" else c for c in text)


def print_receipt(intake: Intake, state: UnitState | None, started: datetime, out: Console) -> None:
    head = "收取预演（--dry-run，没有写入任何文件）" if intake.dry_run else "材料收取回执"
    out.print(Text(f"{head}：{intake.unit}", style="bold"))
    out.print(
        Text(f"来源：{shown(intake.source)}（{intake.kind}）  ·  时间：{started:%Y-%m-%d %H:%M:%S}"), soft_wrap=True
    )
    for label, count in intake.guessed.items():
        encoding = f"{label}（Windows 中文编码）" if label == "GB18030" else label
        out.print(f"名称编码：{count} 个文件名没有标明编码，已按 {encoding} 识别；请核对下面的文件名是否正确。")
    counts = [
        (ADDED, len(intake.having(ADDED))),
        ("替换", len(intake.having(REPLACED))),
        ("相同已跳过", len(intake.having(IDENTICAL))),
        ("冲突", len(intake.having(CONFLICT))),
        ("未收取", len(intake.having(REFUSED))),
        ("已略去", len(intake.having(JUNK))),
    ]
    out.print(Text("  ·  ".join(f"{label} {n} 个" for label, n in counts), style="bold"))
    added = intake.having(ADDED)
    if added:
        out.print(Text(f"新增{'（将写入）' if intake.dry_run else ''}：", style="green"))
        for o in added[:SHOWN_ADDED]:
            out.print(Text(f"  {shown(o.target or '')}"), soft_wrap=True)
        if len(added) > SHOWN_ADDED:
            out.print(f"  ……另有 {len(added) - SHOWN_ADDED} 个（回执 Excel 中逐一列出）")
    _listed(out, "替换（新文件写入，原文件保留在 replaced/ 中）：", intake.having(REPLACED), "yellow")
    _listed(out, "冲突（同名但内容不同，未写入，原文件保留）：", intake.having(CONFLICT), "bold red")
    _listed(out, "未收取：", intake.having(REFUSED), "red")
    junk = intake.having(JUNK)
    if junk:
        names = "、".join(shown(o.entry.name) for o in junk[:5])
        out.print(
            Text(f"已略去 {len(junk)} 个系统或临时文件：{names}{'等' if len(junk) > 5 else ''}", style="dim"),
            soft_wrap=True,
        )
    if intake.having(CONFLICT):
        out.print(
            "冲突的文件请与单位核实：确认新文件是更正后的版本时，加 --replace 重新收取"
            "（原文件移到 replaced/，不会删除）。"
        )
    if state is not None:
        _state(out, intake.unit, state)


def _listed(out: Console, title: str, outcomes: list, style: str) -> None:  # type: ignore[type-arg]
    if not outcomes:
        return
    out.print(Text(title, style=style))
    for o in outcomes:
        where = f" → {shown(o.target)}" if o.target and o.target != f"evidence/{o.entry.name}" else ""
        out.print(Text(f"  {shown(o.entry.name)}{where}"), soft_wrap=True)
        if o.note:
            out.print(Text(f"      {o.note}", style="dim"), soft_wrap=True)


def _state(out: Console, unit: str, state: UnitState) -> None:
    out.print(
        Text(
            f"{unit}目前：应报 {state.required} 项，已完成 {state.complete} 项，未完成 "
            f"{state.required - state.complete} 项；错误 {state.errors} 条，警告 {state.warnings} 条。",
            style="bold",
        )
    )
    if state.missing:
        out.print("还缺：")
        for m in state.missing:
            out.print(
                Text(f"  {m.indicator} {m.content}：{m.requirement} 已有 {m.found} 份，至少 {m.min} 份"), soft_wrap=True
            )
    elif state.required:
        out.print(Text("应报材料已齐全。", style="green"))
    if state.other_errors:
        out.print(
            f"另有 {state.other_errors} 条文件问题（类型、日期、损坏等），请运行 civdoc check --unit {unit} 查看。"
        )
