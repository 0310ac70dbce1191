"""四、审核签字 and the closing 落款 or the unit's seal and signature lines."""

from __future__ import annotations

from collections import Counter
from typing import Any

from docx.oxml.ns import qn

from civdoc.check.evaluate import Result
from civdoc.render.docx.common import STATE_ORDER
from civdoc.render.docx.facts import _stage
from civdoc.render.docx.text import cn_date
from civdoc.render.docx.writer import Cell, Column, Writer
from civdoc.render.printed import office

# -- 四、审核签字 ---------------------------------------------------------------------------------------


def signature_blocks(w: Writer, result: Result, unit: str | None) -> list[Any]:
    stages = result.project.config.review.stages
    if unit is not None:
        return _unit_signatures(w, result, unit, stages)
    units = [u for u in result.project.unit_names if any(i.unit == u for i in result.items)]
    intro = w.paragraph("各责任单位对本单位材料逐项审核后，由各阶段审核人在对应栏内签字并注明日期。", "note")
    columns = [Column("序号", 10), Column("责任单位", 36)]
    for stage in stages:
        columns += [Column(f"{stage}审核人签字", 22), Column("日期", 14)]
    top: list[Any] = [Cell("序号", "restart"), Cell("责任单位", "restart")]
    second: list[Any] = [Cell("", "continue"), Cell("", "continue")]
    for stage in stages:
        top += [Cell(stage, span=2), ""]
        second += ["审核人签字", "日期"]
    rows = [[str(n), Cell(u, style="cell")] + [""] * (2 * len(stages)) for n, u in enumerate(units, 1)]
    table = w.table(columns, rows, header_rows=[top, second], row_height=620, body_style="center", head_style="head")
    return [intro, table, *closing_blocks(w, result)]


def closing_blocks(w: Writer, result: Result) -> list[Any]:
    """落款 (GB/T 9704 7.3.5): the date four characters from the right margin, the compiling office (to
    be sealed) centred over it."""
    day = cn_date(result.today)
    signed = f"{office(result.project)}（盖章）"
    shift = max((_ems(day) - _ems(signed)) / 2, -4)
    return [
        w.paragraph("", "body"),
        w.paragraph(signed, "body", right_chars=4 + shift),
        w.paragraph(day, "body", right_chars=4),
    ]


def _ems(text: str) -> float:
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def _unit_signatures(w: Writer, result: Result, unit: str, stages: list[str]) -> list[Any]:
    required = [i for i in result.items if i.status != "not_required"]
    rows: list[list[Any]] = []
    for i, stage in enumerate(stages):
        states = Counter(_stage(item, stage, i).state for item in required)
        summary = "、".join(f"{s}{states[s]}项" for s in STATE_ORDER if states[s]) or "无应报事项"
        rows.append([f"{stage}", summary, "", "年　　月　　日"])
    contact = result.project.unit_info(unit).contact if unit in result.project.unit_names else None
    rows.append(["联络员", contact or "", "", "年　　月　　日"])
    rows.append(["分管领导", "", "", "年　　月　　日"])
    columns = [Column("审核环节", 16), Column("情况说明", 44), Column("签字", 24), Column("日期", 28)]
    intro = w.paragraph(
        "本单位材料经逐项审核后，由各阶段审核人、联络员和分管领导签字并注明日期。"
        "分管领导签字即表示对本单位所报材料的真实性、完整性负责。",
        "note",
    )
    lines = [f"责任单位（盖章）：{unit}", "分管领导（签字）：＿＿＿＿＿＿＿＿", "日　　期：＿＿＿＿年＿＿月＿＿日"]
    sign = [w.paragraph(line, "body", right_chars=0) for line in lines]
    for p in sign:  # left, not right: a form the 分管领导 fills in
        jc = p.find(f"{qn('w:pPr')}/{qn('w:jc')}")
        jc.set(qn("w:val"), "left")
        p.find(f"{qn('w:pPr')}/{qn('w:ind')}").set(qn("w:left"), "640")
    return [
        intro,
        w.table(columns, rows, row_height=850, body_style="sign", head_style="sign_head"),
        w.paragraph("", "body"),
        *sign,
    ]
