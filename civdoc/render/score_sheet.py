"""三、分值测算 on the Excel 汇总 sheet (SPEC §9): the score per 测评项目, the total, each 测评体系 and
the weighted total. Written below the sheet's other tables by render/xlsx.py."""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from civdoc.leaders.score import Score, Tally, number
from civdoc.render.xlsx import styles

HEADERS = ("分值合计", "已落实", "有风险", "不报材料", "特色加分", "负面扣分", "未设分值")


def score_table(ws: Worksheet, top: int, score: Score) -> int:
    """The table from row `top`; returns its last row."""
    styles.put(
        ws,
        top,
        1,
        "三、分值测算",
        font=Font(name=styles.FONT_NAME, size=11, bold=True),
        alignment=styles.LEFT,
        border=None,
    )
    ws.row_dimensions[top].height = 20
    if not score.overall.indicators:
        return top
    if not score.scored:
        styles.put(ws, top + 1, 1, "各项指标均未设分值，不测算得分。", alignment=styles.LEFT, border=None)
        return top + 1
    header = top + 1
    for j, head in enumerate(["测评项目", *HEADERS], start=1):
        styles.put(ws, header, j, head, font=styles.HEAD, alignment=styles.CENTER, fill=styles.HEAD_FILL)
    ws.row_dimensions[header].height = 20
    r = header
    for r, (name, tally) in enumerate(score.by_aspect.items(), start=header + 1):
        _row(ws, r, name, tally, bold=False)
    r += 1
    _row(ws, r, "合计", score.overall, bold=True)
    systems = [(name, t) for name, t in score.by_system.items() if t.indicators]
    if len(systems) > 1 or score.weighted:
        for name, tally in systems:
            r += 1
            weight = score.weights.get(name)
            _row(ws, r, f"{name}（权重{number(weight)}）" if weight is not None else name, tally, bold=False)
        if score.weighted:
            r += 1
            w = score.weighted
            values: list[Any] = ["加权得分", number(w.possible), number(w.net), number(w.at_risk), "", "", "", ""]
            for j, value in enumerate(values, start=1):
                styles.put(
                    ws,
                    r,
                    j,
                    value,
                    font=styles.BOLD,
                    alignment=styles.WRAP if j == 1 else styles.CENTER,
                    fill=styles.TOTAL_FILL,
                )
    r += 1
    styles.put(
        ws,
        r,
        1,
        "已落实：该指标各责任单位的材料均已齐全且无未豁免的错误；不报材料：以实地考察等方式测评；"
        "未设分值：未填写分值的指标数（不计入分值）。",
        font=styles.GREY,
        alignment=Alignment(vertical="center"),
        border=None,
    )
    return r


def _row(ws: Worksheet, r: int, label: str, t: Tally, bold: bool) -> None:
    values: list[Any] = [
        label,
        number(t.possible),
        number(t.secured),
        number(t.at_risk),
        number(t.unassessed),
        number(t.bonus),
        number(t.deduction),
        t.unscored,
    ]
    for j, value in enumerate(values, start=1):
        font = styles.BOLD if bold else styles.BODY
        if j == 4 and value:
            font = styles.RED_BOLD if bold else styles.RED
        styles.put(
            ws,
            r,
            j,
            value,
            font=font,
            alignment=styles.WRAP if j == 1 else styles.CENTER,
            fill=styles.TOTAL_FILL if bold else None,
        )
