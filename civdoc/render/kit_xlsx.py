"""`<unit>任务清单.xlsx` in a unit's kit: what the unit owes, where each material goes, and -- from the
check -- how far it is and what is wrong, so that a second kit doubles as a reminder.

任务清单: a row per requirement, the item's own cells merged over its rows; 问题清单: every open problem of
the unit. Both print on A4 landscape, nothing in them speaks of civdoc or command lines.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from civdoc.check.evaluate import Result
from civdoc.evidence.skeleton import unit_items
from civdoc.findings import RULES
from civdoc.model import Finding, Item
from civdoc.project.indicators import Indicator, Requirement
from civdoc.render.labels import SEVERITY
from civdoc.render.plainsheet import (
    BODY,
    BOX,
    CENTER,
    GREEN,
    HEAD,
    HEAD_FILL,
    RED,
    WRAP,
    a4,
    columns,
    put,
    table,
    title,
    workbook_bytes,
)
from civdoc.render.printed import Wording
from civdoc.render.xlsx.ledger import problem_text

# the unit acts on these; the review process and waivers are the office's business
UNIT_CODES = ("C", "F", "T", "P", "S", "R602")
HEADERS = (
    "序号",
    "指标",
    "测评标准",
    "应报材料",
    "至少份数",
    "文件类型",
    "放在文件夹",
    "完成时限",
    "已报可用",
    "完成情况",
    "存在问题",
)
WIDTHS = (5, 16, 30, 16, 6, 19, 24, 11, 6, 8, 32)
ITEM_COLUMNS = (1, 2, 3, 8, 10, 11)  # merged over an item's requirement rows


def unit_findings(result: Result, unit: str) -> list[Finding]:
    return [
        f
        for f in result.findings
        if f.unit == unit and not f.waived and f.severity in ("error", "warning") and f.code.startswith(UNIT_CODES)
    ]


def task_list_bytes(result: Result, unit: str, folders: dict[str, str], contact: str | None, stamp: datetime) -> bytes:
    """folders: indicator id -> its folder in the kit, below `<unit>/`."""
    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单"
    findings = unit_findings(result, unit)
    _tasks(ws, result, unit, folders, findings, contact)
    _problems(wb.create_sheet("问题清单"), result, unit, findings)
    return workbook_bytes(wb, stamp)


def _facts(result: Result, unit: str, contact: str | None) -> list[str]:
    config = result.project.config
    items = [i for i in result.items if i.unit == unit and i.status != "not_required"]
    done = sum(i.status == "complete" for i in items)
    lines = [
        f"{config.name}  ·  截至 {result.today:%Y年%m月%d日}：应报 {len(items)} 项，已完成 {done} 项，"
        f"未完成 {len(items) - done} 项。",
        f"材料时间范围：{config.period.start:%Y年%m月%d日}至{config.period.end:%Y年%m月%d日}（个别指标另有规定的见"
        f"“测评标准”栏）；单个文件不超过 {config.limits.max_file_mb:g} MB。文件名以日期开头，"
        "如“2026-03-15 工作方案.pdf”。",
    ]
    if contact:
        lines.append(f"联系人：{contact}")
    return lines


def _tasks(
    ws: Worksheet, result: Result, unit: str, folders: dict[str, str], findings: list[Finding], contact: str | None
) -> None:
    columns(ws, WIDTHS)
    top = title(ws, f"{unit}材料任务清单", len(HEADERS), _facts(result, unit, contact))
    for c, header in enumerate(HEADERS, 1):
        put(ws, top, c, header, HEAD, CENTER, border=True, fill=HEAD_FILL)
    by_item: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_item[f.indicator or ""].append(f)
    items = {i.indicator: i for i in result.items if i.unit == unit}
    wording = Wording(result.project)
    row = top + 1
    for n, (ind, reqs) in enumerate(unit_items(result.project, unit), 1):
        item = items.get(ind.id)
        row = _item_rows(
            ws,
            row,
            n,
            ind,
            reqs,
            item,
            folders.get(ind.id, ""),
            by_item.get(ind.id, []),
            result.project.config.deadline,
            wording,
        )
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    a4(ws, landscape=True, repeat_rows=f"{top}:{top}", footer=f"{unit}材料任务清单")


def _item_rows(
    ws: Worksheet,
    row: int,
    n: int,
    ind: Indicator,
    reqs: list[Requirement],
    item: Item | None,
    folder: str,
    findings: list[Finding],
    default_deadline: date | None,
    wording: Wording,
) -> int:
    found = {r.name: r.found for r in (item.requirements if item else [])}
    several = len(reqs) > 1
    status = {"complete": "已完成", "incomplete": "未完成"}.get(item.status if item else "", "未完成")
    deadline = ind.deadline or default_deadline
    standards = "\n".join(
        f"{i}. {s.text}" if len(ind.standards) > 1 else s.text for i, s in enumerate(ind.standards, 1)
    )
    if ind.window:
        standards += f"\n（材料时间范围：{ind.window.start}至{ind.window.end}）"
    item_values = {
        1: n,
        2: f"{ind.id} {ind.content}",
        3: standards or "—",
        8: deadline if deadline else "长期",
        10: status,
        11: problem_text(findings, wording) or "无",
    }
    for k, req in enumerate(reqs):
        have = found.get(req.name, 0)
        values = {
            4: req.name + ("（可选）" if req.min == 0 else ""),
            5: req.min,
            6: "、".join(req.types or []),
            7: f"{folder}/{req.name}" if several else folder,
            9: have,
        }
        for c, value in values.items():
            put(
                ws,
                row + k,
                c,
                value,
                RED if c == 9 and have < req.min else BODY,
                CENTER if c in (5, 9) else WRAP,
                border=True,
            )
        for c, value in item_values.items():
            if k == 0:
                font = (GREEN if value == "已完成" else RED) if c == 10 else BODY
                put(ws, row, c, value, font, CENTER if c in (1, 8, 10) else WRAP, border=True)
            else:
                ws.cell(row=row + k, column=c).border = BOX
    if several:
        for c in ITEM_COLUMNS:
            ws.merge_cells(start_row=row, start_column=c, end_row=row + len(reqs) - 1, end_column=c)
    _heights(ws, row, len(reqs), item_values, reqs, folder)
    return row + len(reqs)


def _lines(text: object, width: int) -> int:
    total = 0
    for part in str(text).split("\n"):
        chars = sum(2 if ord(c) > 0x2E7F else 1 for c in part)
        total += max(1, -(-chars // max(width - 1, 1)))
    return total


def _heights(
    ws: Worksheet, row: int, count: int, item_values: dict[int, object], reqs: list[Requirement], folder: str
) -> None:
    """Rows tall enough for the merged item cells, shared among the item's requirement rows."""
    per_row = [
        max(
            _lines(r.name, WIDTHS[3]),
            _lines("、".join(r.types or []), WIDTHS[5]),
            _lines(f"{folder}/{r.name}", WIDTHS[6]),
        )
        for r in reqs
    ]
    merged = max(_lines(v, WIDTHS[c - 1]) for c, v in item_values.items())
    extra = max(0, merged - sum(per_row))
    for k, lines in enumerate(per_row):
        share = extra // count + (1 if k < extra % count else 0)
        ws.row_dimensions[row + k].height = 13.5 * (lines + share) + 4


def _problems(ws: Worksheet, result: Result, unit: str, findings: list[Finding]) -> None:
    wording = Wording(result.project)
    columns(ws, [5, 18, 16, 16, 40, 50])
    top = title(
        ws,
        f"{unit}存在问题清单",
        6,
        [f"截至 {result.today:%Y年%m月%d日}，共 {len(findings)} 条。请逐条整改后重新报送。"],
    )
    rows = []
    for n, f in enumerate(findings, 1):
        ind = result.project.indicators.get(f.indicator or "")
        where = f"{ind.id} {ind.content}" if ind else "单位整体"
        # the unit reads this: paths from its own folder, messages without the office's tool words
        rows.append(
            [
                n,
                where,
                f"{RULES[f.code].title}（{SEVERITY[f.severity]}）",
                f.requirement or "",
                wording.path(f),
                wording.message(f),
            ]
        )
    if not rows:
        rows = [["", "", "", "", "目前没有需要整改的问题。", ""]]
    table(ws, top, ["序号", "指标", "问题类型", "材料项", "文件", "说明"], rows)
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    a4(ws, landscape=True, repeat_rows=f"{top}:{top}", footer=f"{unit}存在问题清单")
