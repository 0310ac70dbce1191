"""The 台账 sheet: a row per unit × indicator, printed columns and the review entry columns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from civdoc.check.evaluate import Result
from civdoc.findings import RULES
from civdoc.model import Finding, Item
from civdoc.project.indicators import Indicator
from civdoc.render.labels import STATUS
from civdoc.render.printed import Wording
from civdoc.render.xlsx.columns import (
    DEADLINE,
    FINGERPRINT,
    KEY,
    MATERIALS,
    NOTE,
    NOTE_KEY,
    REMARK,
    REVIEW_SUMMARY,
    SNAPSHOT,
    STATE_CHOICES,
    date_header,
    reviewer_header,
    state_header,
)
from civdoc.render.xlsx.lookup import Lookup
from civdoc.render.xlsx.sheetxml import SheetXML
from civdoc.render.xlsx.styles import (
    AMBER,
    AMBER_FILL,
    FONT_NAME,
    GREEN,
    GREEN_FILL,
    GREY,
    LEFT,
    RED,
    RED_BOLD,
    RED_FILL,
    REVIEW_FILL,
    REVIEW_HEAD_FILL,
    Col,
    Marks,
)
from civdoc.render.xlsx.table import _data_sheet, _table

# -- 台账 -------------------------------------------------------------------------------------------


def ledger_columns(stages: list[str]) -> list[Col]:
    """The printed columns fill A4 landscape at 100% (SPEC §7: text no smaller than 9 pt on paper): 148.5
    width units of 5.25 pt, within the 791 pt between the margins (LibreOffice's units are 6% wider:
    it prints them at 94%). The review columns that reviewers
    fill from drop-downs follow, off the print area: on paper one 审核情况 column sums them up."""
    cols = [
        Col("序号", 5, center=True),
        Col("指标编号", 6, center=True),
        Col("测评项目", 10, min_width=10),
        Col("测评内容", 11, min_width=11),
        Col("测评标准", 21, min_width=20),
        Col("测评方法", 9, center=True),
        Col("分值", 5, center=True),
        Col("责任单位", 11, min_width=11, center=True),
        Col(MATERIALS, 17, min_width=17),
        Col("存在问题", 19, min_width=18),
        Col("完成情况", 7, min_width=7, center=True),
        Col(DEADLINE, 14.5, min_width=14.5, center=True),
        Col(REVIEW_SUMMARY, 13.5, min_width=13.5),
    ]
    for stage in stages:
        cols += [
            Col(state_header(stage), 9, min_width=9, center=True, printed=False),
            Col(reviewer_header(stage), 10, min_width=10, center=True, printed=False),
            Col(date_header(stage), 14.5, min_width=14.5, center=True, printed=False),
        ]
    cols += [
        Col(NOTE, 16, min_width=12, printed=False),
        Col(REMARK, 12, min_width=10, printed=False),
        Col(KEY, hidden=True, printed=False),
        Col(FINGERPRINT, hidden=True, printed=False),
        Col(SNAPSHOT, hidden=True, printed=False),
    ]
    return cols


def ledger_items(result: Result, look: Lookup | None = None) -> list[Item]:
    look = look or Lookup(result)
    return sorted(result.items, key=lambda i: look.item_order(i.unit, i.indicator))


def standards_text(ind: Indicator) -> str:
    own = ind.own_methods
    clauses = [
        s.text
        + (f"（{'、'.join(m for m in s.method if m not in own)}）" if s.method and set(s.method) - set(own) else "")
        for s in ind.standards
    ]
    if len(clauses) > 1:
        clauses = [f"{n}. {c}" for n, c in enumerate(clauses, start=1)]
    return "\n".join(clauses)


def _score(value: float | None) -> float | int | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


MAX_PROBLEM_LINES = 6


def problem_text(findings: list[Finding], wording: Wording | None = None) -> str:
    """The item's open errors and warnings, one short line each: code, type, file, first sentence."""
    shown = [f for f in findings if not f.waived and f.severity in ("error", "warning")]
    lines = []
    for f in shown[:MAX_PROBLEM_LINES]:
        message = wording.message(f) if wording else f.message
        first = message.split("。", 1)[0] + "。"
        path = wording.path(f) if wording else (f.path or "")
        where = f"（{path.rsplit('/', 1)[-1]}）" if path else ""
        lines.append(f"{f.code} {RULES[f.code].title}{where}：{first}")
    if len(shown) > MAX_PROBLEM_LINES:
        lines.append(f"……另有 {len(shown) - MAX_PROBLEM_LINES} 条，见“问题清单”。")
    return "\n".join(lines)


_SNAPSHOT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps makes one a call


def _snapshot(item: Item, note: str) -> str:
    data: dict[str, Any] = {s.stage: [s.state, s.by or "", (s.at or "")[:10]] for s in item.stages}
    data[NOTE_KEY] = note
    return _SNAPSHOT_JSON.encode(data)


def _review_note(item: Item) -> str:
    notes = [f"{s.stage}（{s.state}）：{s.note}" for s in item.stages if s.note and s.state != "待审"]
    return "\n".join(notes)


def _at_date(at: str | None) -> date | str:
    if not at:
        return ""
    try:
        return date.fromisoformat(at[:10])
    except ValueError:
        return at[:10]


def material_text(item: Item) -> str:
    """Each requirement: found of wanted; optional material (min 0) says so and is never short."""
    lines = []
    for r in item.requirements:
        if r.min == 0:
            lines.append(f"{r.name} {r.found}份（可选）")
        else:
            lines.append(f"{r.name} {r.found}/{r.min}")
    return "\n".join(lines)


def review_summary(item: Item) -> str:
    """The review columns on paper: each stage's state, and who signed it when."""
    lines = []
    for s in item.stages:
        lines.append(f"{s.stage}：{s.state}")
        if s.state != "待审" and s.by:  # who and when, on a line of its own
            day = _at_date(s.at)
            lines.append(s.by + (f" {day.month}月{day.day}日" if isinstance(day, date) else ""))
    return "\n".join(lines)


def _ledger_sheet(sheet: SheetXML, result: Result, unit: str | None, look: Lookup) -> None:
    ws = sheet.ws
    project = result.project
    wording = Wording(project)
    stages = project.config.review.stages
    cols = ledger_columns(stages)
    index = {c.header: j for j, c in enumerate(cols)}
    state_cols = [index[state_header(s)] for s in stages]
    review_cols = [
        j for s in stages for j in (index[state_header(s)], index[reviewer_header(s)], index[date_header(s)])
    ] + [index[NOTE]]
    status_col, problem_col = index["完成情况"], index["存在问题"]
    deadline_col = index[DEADLINE]
    grey: Marks = {j: (GREY, None) for j in range(len(cols))}
    standards: dict[str, str] = {}  # an indicator's, the same for each of its units
    rows: list[tuple[Any, ...]] = []
    marks: list[Marks | None] = []
    items = ledger_items(result, look)
    for n, item in enumerate(items, start=1):
        ind = project.indicators[item.indicator]
        required = item.status != "not_required"
        findings = look.findings.get((item.unit, item.indicator), [])
        status = STATUS[item.status]
        if required:  # an error on the unit (C201: no folder) holds for each of its items
            findings = findings + [f for f in look.findings.get((item.unit, None), []) if f.severity == "error"]
            materials = material_text(item)
            review: list[Any] = []
            for s in item.stages:
                review += [s.state, s.by or "", _at_date(s.at)]
            note = _review_note(item)
            remark = ""
            problems = problem_text(findings, wording)
            mark: Marks = {j: (None, REVIEW_FILL) for j in review_cols}
            mark[status_col] = (RED_BOLD, RED_FILL) if item.status == "incomplete" else (GREEN, None)
            if any(f.code == "S701" and not f.waived for f in findings):
                status += "\n已逾期"
                mark[deadline_col] = (RED_BOLD, None)
            if any(f.severity == "error" and not f.waived for f in findings):
                mark[problem_col] = (RED, None)
            elif problems:
                mark[problem_col] = (AMBER, None)
            summary = review_summary(item)
        else:
            materials = f"不需报送材料（以{'、'.join(ind.methods)}方式测评）"
            review = ["—", "", ""] * len(stages)
            note = ""
            remark = ""
            problems = ""
            summary = "—"
            mark = grey
        if ind.id not in standards:
            standards[ind.id] = standards_text(ind)
        responsible = f"{item.unit}（牵头）" if item.unit == ind.lead and len(ind.responsible) > 1 else item.unit
        rows.append(
            (
                n,
                ind.id,
                project.aspect_of[ind.id].name,
                ind.content,
                standards[ind.id],
                "\n".join(ind.methods),
                _score(ind.score),
                responsible,
                materials,
                problems,
                status,
                item.deadline or "",
                summary,
                *review,
                note,
                remark,
                item.key,
                item.fingerprint or "",
                _snapshot(item, note) if required else "",
            )
        )
        marks.append(mark)
    last = _table(sheet, 1, cols, rows, marks, head={j: (None, REVIEW_HEAD_FILL) for j in review_cols})
    _data_sheet(ws, last, len(cols), freeze="E2")

    required_rows = [r for r, item in enumerate(items, start=2) if item.status != "not_required"]
    _state_validation(ws, [j + 1 for j in state_cols], required_rows)
    _state_colours(ws, [j + 1 for j in state_cols], len(items) + 1)
    if unit:
        last = _sign_off(sheet, result, unit, last + 2)
    _print_area(ws, cols, last)


def _print_area(ws: Worksheet, cols: Sequence[Col], last_row: int) -> None:
    printed = sum(1 for c in cols if c.printed)
    ws.print_area = f"A1:{get_column_letter(printed)}{max(last_row, 1)}"


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


def _state_validation(ws: Worksheet, state_cols: list[int], rows: list[int]) -> None:
    if not rows:
        return
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(STATE_CHOICES) + '"',
        allow_blank=True,
        showDropDown=False,
        showErrorMessage=True,
        showInputMessage=True,
    )
    dv.errorTitle = "审核状态无效"
    dv.error = "请从下拉列表中选择：待审、通过 或 退回。"
    dv.errorStyle = "stop"
    dv.promptTitle = "审核状态"
    dv.prompt = "选择“通过”或“退回”，并填写审核人和日期。“失效”表示签署后材料有变动，需重新审核。"
    for col in state_cols:
        letter = get_column_letter(col)
        for a, b in _runs(rows):
            dv.add(f"{letter}{a}:{letter}{b}" if a != b else f"{letter}{a}")
    ws.add_data_validation(dv)


def _state_colours(ws: Worksheet, state_cols: list[int], last_row: int) -> None:
    """Colours follow what a reviewer picks, so they are conditional, not fixed."""
    for col in state_cols:
        letter = get_column_letter(col)
        area = f"{letter}2:{letter}{max(last_row, 2)}"
        ws.conditional_formatting.add(
            area, CellIsRule(operator="equal", formula=['"通过"'], fill=GREEN_FILL, font=Font(color="006100"))
        )
        ws.conditional_formatting.add(
            area, CellIsRule(operator="equal", formula=['"退回"'], fill=RED_FILL, font=Font(color="9C0006"))
        )
        ws.conditional_formatting.add(
            area, CellIsRule(operator="equal", formula=['"失效"'], fill=AMBER_FILL, font=Font(color="9C5700"))
        )


def _sign_off(sheet: SheetXML, result: Result, unit: str, top: int) -> int:
    """Where the unit's 分管领导 and 联络员 sign: plain text lines below the table, no merged cells
    (merged cells would stop a reviewer sorting the sheet). Returns the last row written."""
    contact = result.project.unit_info(unit).contact or ""
    blank = "＿＿＿＿＿＿＿＿"
    day = "＿＿＿＿年＿＿月＿＿日"
    liaison = f"联络员：{contact}　　（签字）：{blank}" if contact else f"联络员（签字）：{blank}　　联系电话：{blank}"
    big = Font(name=FONT_NAME, size=12)
    lines = [
        (f"责任单位（盖章）：{unit}", Font(name=FONT_NAME, size=12, bold=True)),
        (f"分管领导（签字）：{blank}　　　　日期：{day}", big),
        (f"{liaison}　　　　日期：{day}", big),
        ("说明：本台账根据各单位报送的佐证材料汇总生成；“存在问题”所列事项请于完成时限前整改。", GREY),
    ]
    r = top
    for k, (text, font) in enumerate(lines):
        r = top + k * 2
        sheet.put(r, 2, text, sheet.looks.xf(font=font, alignment=LEFT, border=None))
        sheet.height(r, 26)
    return r
