"""The collect receipt as a workbook for the unit: 回执 (what was taken, what is still missing) and 文件明细
(every file the unit sent, with what happened to it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from civdoc.intake.place import ADDED, CONFLICT, IDENTICAL, JUNK, REFUSED, REPLACED, Intake
from civdoc.render.plainsheet import BODY, BOLD, GREEN, RED, a4, columns, put, table, title, workbook_bytes

if TYPE_CHECKING:
    from civdoc.intake.state import UnitState

ORDER = (CONFLICT, REFUSED, REPLACED, ADDED, IDENTICAL, JUNK)


def receipt_bytes(project_name: str, intake: Intake, state: UnitState | None, when: datetime) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "回执"
    _summary(ws, project_name, intake, state, when)
    _details(wb.create_sheet("文件明细"), intake, when)
    return workbook_bytes(wb, when.replace(microsecond=0))


def _summary(ws, project_name: str, intake: Intake, state: UnitState | None, when: datetime) -> None:  # type: ignore[no-untyped-def]
    columns(ws, [26, 44, 10, 10])
    lines = [
        f"项目：{project_name}",
        f"单位：{intake.unit}",
        f"收到：{intake.source}（{intake.kind}）",
        f"收取时间：{when:%Y-%m-%d %H:%M:%S}",
    ]
    for label, count in intake.guessed.items():
        lines.append(f"说明：{count} 个文件名没有标明编码，已按 {label} 识别。")
    row = title(ws, f"{intake.unit}材料收取回执", 4, lines)
    counts = [
        (ADDED, "已放入材料文件夹"),
        (REPLACED, "新文件已放入，原文件另行保存"),
        (IDENTICAL, "此前已收到过完全相同的文件"),
        (CONFLICT, "已有同名文件且内容不同，未放入，请与创文办核实"),
        (REFUSED, "未放入，原因见“文件明细”"),
        (JUNK, "系统或临时文件，不需要"),
    ]
    rows = [[status, desc, len(intake.having(status))] for status, desc in counts]
    fonts = [RED if status in (CONFLICT, REFUSED) and n else None for status, _, n in rows]
    row = table(ws, row, ["结果", "说明", "文件数"], rows, fonts)
    if state is not None:
        done = f"应报 {state.required} 项，已完成 {state.complete} 项，未完成 {state.required - state.complete} 项。"
        put(ws, row, 1, f"收取后检查结果：{done}", BOLD)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        row += 1
        if state.missing:
            missing = [[f"{m.indicator} {m.content}", m.requirement, m.found, m.min] for m in state.missing]
            table(ws, row, ["指标", "还缺的材料", "已有份数", "至少份数"], missing)
        else:
            put(ws, row, 1, "应报材料已齐全。" if state.required else "没有需要报送材料的事项。", GREEN)
    a4(ws, landscape=False, footer=f"{intake.unit}材料收取回执")


def _details(ws, intake: Intake, when: datetime) -> None:  # type: ignore[no-untyped-def]
    columns(ws, [6, 11, 44, 44, 10, 36])
    row = title(ws, f"{intake.unit}材料收取明细", 6, [f"收到：{intake.source}  ·  {when:%Y-%m-%d %H:%M:%S}"])
    outcomes = sorted(intake.outcomes, key=lambda o: (ORDER.index(o.status), o.entry.name))
    rows = [
        [n, o.status, o.entry.name, _place(o.target), _size(o.entry.size), _note_for_unit(o)]
        for n, o in enumerate(outcomes, 1)
    ]
    fonts = [RED if o.status in (CONFLICT, REFUSED) else BODY for o in outcomes]
    table(ws, row, ["序号", "结果", "单位发来的文件", "存放位置", "大小", "说明"], rows, fonts)
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    a4(ws, landscape=True, repeat_rows=f"{row}:{row}", footer=f"{intake.unit}材料收取明细")


def _size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{size / 1024:.0f} KB" if size >= 1024 else (f"{size} 字节" if size else "")


def _place(target: str | None) -> str:
    """Where a file went, from the unit's side: its own folder, not the office's evidence/."""
    return (target or "").removeprefix("evidence/")


def _note_for_unit(outcome: Any) -> str:
    """The receipt goes to the unit: what happened in its words, not the office's command options."""
    if outcome.status == CONFLICT:
        return "此前已收到同名文件，内容不同：这次的文件未放入，原文件保留。请与创文办核实哪一份是正确版本。"
    if outcome.status == REPLACED:
        return "已替换此前收到的同名文件，原文件由创文办另行保存。"
    return str(outcome.note or "").replace("evidence/", "")
