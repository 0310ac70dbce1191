"""The 汇总 sheet: completion by 测评项目 and by unit, with a chart."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from civdoc.check.evaluate import Result
from civdoc.model import NO_UNIT
from civdoc.render.printed import cn_date
from civdoc.render.xlsx.columns import SUMMARY_HEADERS
from civdoc.render.xlsx.measure import text_width
from civdoc.render.xlsx.styles import (
    BODY,
    BOLD,
    CENTER,
    FONT_NAME,
    HEAD,
    HEAD_FILL,
    LEFT,
    RED,
    RED_BOLD,
    RED_FILL,
    SUBTITLE,
    TITLE,
    TOTAL_FILL,
    WRAP,
    put,
)
from civdoc.render.xlsx.table import _title

# -- 汇总 -------------------------------------------------------------------------------------------


@dataclass
class Tally:
    required: int = 0
    done: int = 0
    errors: int = 0
    warnings: int = 0

    def __post_init__(self) -> None:
        self.passed: dict[str, int] = defaultdict(int)

    def row(self, label: str, stages: list[str]) -> list[Any]:
        rate = self.done / self.required if self.required else None
        return [
            label,
            self.required,
            self.done,
            self.required - self.done,
            rate,
            self.errors,
            self.warnings,
            *[self.passed[s] for s in stages],
        ]

    def add(self, other: Tally) -> None:
        self.required += other.required
        self.done += other.done
        self.errors += other.errors
        self.warnings += other.warnings
        for stage, n in other.passed.items():
            self.passed[stage] += n


def _tallies(result: Result, group_of_item: Any, group_of_finding: Any) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in result.items:
        if item.status == "not_required":
            continue
        t = tallies[group_of_item(item)]
        t.required += 1
        t.done += item.status == "complete"
        for s in item.stages:
            t.passed[s.stage] += s.state == "通过"
    for f in result.findings:
        if f.waived or f.severity not in ("error", "warning"):
            continue
        t = tallies[group_of_finding(f)]
        if f.severity == "error":
            t.errors += 1
        else:
            t.warnings += 1
    return tallies


OTHER_ASPECT = "（不属于任何指标）"


def _summary_sheet(ws: Worksheet, result: Result, unit: str | None) -> None:
    project = result.project
    stages = project.config.review.stages
    heads = [*SUMMARY_HEADERS, *[f"{s}通过" for s in stages]]
    ncols = 1 + len(heads)
    put(
        ws,
        1,
        1,
        _title(result, unit),
        font=TITLE,
        alignment=Alignment(horizontal="center", vertical="center"),
        border=None,
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 30
    period = project.config.period
    line = (
        f"材料自查汇总　　测评周期：{cn_date(period.start)}至{cn_date(period.end)}　　检查日期：{cn_date(result.today)}"
    )
    contact = project.unit_info(unit).contact if unit else None
    if contact:  # a line of its own: the first is as wide as the tables already
        line += f"\n联络员：{contact}"
    put(
        ws,
        2,
        1,
        line,
        font=SUBTITLE,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        border=None,
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    ws.row_dimensions[2].height = 36 if contact else 20

    aspect_of = project.aspect_of
    by_aspect = _tallies(
        result,
        lambda i: aspect_of[i.indicator].name,
        lambda f: aspect_of[f.indicator].name if f.indicator in aspect_of else OTHER_ASPECT,
    )
    by_unit = _tallies(result, lambda i: i.unit, lambda f: f.unit or NO_UNIT)
    aspects = list(dict.fromkeys(a.name for a in project.aspects))
    aspects += [OTHER_ASPECT] if OTHER_ASPECT in by_aspect else []
    units = [u for u in project.unit_names if u in by_unit] + ([NO_UNIT] if NO_UNIT in by_unit else [])

    row = _summary_table(ws, 4, "一、按测评项目统计", "测评项目", heads, aspects, by_aspect, stages, unit)
    page = Page(used=_cm(row) + 1.0)
    unit_top = row + 2
    units_end = unit_top + 2 + sum(1 for u in units if by_unit[u].required or by_unit[u].errors or by_unit[u].warnings)
    page.keep_together(ws, row + 1, _cm(units_end - row))  # no table runs on to a page without its header
    row = _summary_table(ws, unit_top, "二、按责任单位统计", "责任单位", heads, units, by_unit, stages, unit)
    first_col = max(text_width(n) for n in ["测评项目", "责任单位", *aspects, *units]) + 3
    ws.column_dimensions["A"].width = min(max(first_col, 16), 36)
    for j, head in enumerate(heads, start=2):
        ws.column_dimensions[get_column_letter(j)].width = max(text_width(head) + 3, 9)
    chart_units = [u for u in units if u != NO_UNIT and by_unit[u].required]
    below = row + 2
    if len(chart_units) > 1:  # a unit's own ledger has one bar: the table says it all
        chart = _rate_chart(ws, unit_top + 1, len(chart_units), row + 2)
        page.keep_together(ws, row + 1, _cm(1) + chart.height)
        below = row + 3 + math.ceil(chart.height / EMPTY_ROW_CM) + 1  # the rows the chart covers are empty, 15 pt
    from civdoc.leaders.score import compute
    from civdoc.render.score_sheet import score_table

    score = compute(result)
    page.keep_together(ws, below, _cm(len(score.by_aspect) + len(score.by_system) + 5))
    score_table(ws, below, score)


ROW_CM = 0.66  # an 18 pt row, with its grid line
EMPTY_ROW_CM = 15 * 2.54 / 72  # a row of the default height, as under a chart
PAGE_CM = 17.0  # A4 landscape less the margins, at 100% (the 汇总 tables are narrower than the page)


def _cm(rows: int) -> float:
    return rows * ROW_CM


@dataclass
class Page:
    """Tracks how full the printed page is, to start a block on a new page rather than cut it."""

    used: float

    def keep_together(self, ws: Worksheet, first_row: int, height: float) -> None:
        if self.used + height > PAGE_CM:
            ws.row_breaks.append(Break(id=first_row - 1))
            self.used = height
        else:
            self.used += height


def _summary_table(
    ws: Worksheet,
    top: int,
    caption: str,
    first: str,
    heads: list[str],
    groups: list[str],
    tallies: dict[str, Tally],
    stages: list[str],
    unit: str | None,
) -> int:
    put(ws, top, 1, caption, font=Font(name=FONT_NAME, size=11, bold=True), alignment=LEFT, border=None)
    ws.row_dimensions[top].height = 20
    header = top + 1
    for j, head in enumerate([first, *heads], start=1):
        put(ws, header, j, head, font=HEAD, alignment=CENTER, fill=HEAD_FILL)
    total = Tally()
    r = header
    # units without a required item only matter when they carry findings
    shown = [g for g in groups if tallies[g].required or tallies[g].errors or tallies[g].warnings]
    for r, group in enumerate(shown, start=header + 1):
        tally = tallies[group]
        total.add(tally)
        _summary_row(ws, r, tally.row(group, stages), fill=None)
    r += 1
    _summary_row(ws, r, total.row("合计", stages), fill=TOTAL_FILL, bold=True)
    return r


def _summary_row(ws: Worksheet, r: int, values: list[Any], fill: PatternFill | None, bold: bool = False) -> None:
    ws.row_dimensions[r].height = 18
    for j, value in enumerate(values, start=1):
        font = BOLD if bold else BODY
        number_format = None
        if j == 5:  # 完成率
            value = value if value is not None else "—"
            number_format = "0.0%"
        if j == 4 and isinstance(value, int) and value > 0:  # 未完成
            font = RED_BOLD if bold else RED
        if j == 6 and isinstance(value, int) and value > 0:  # 错误
            font = RED_BOLD if bold else RED
        align = WRAP if j == 1 else CENTER
        put(ws, r, j, value, font=font, alignment=align, fill=fill, number_format=number_format)
        if j == 4 and isinstance(value, int) and value > 0 and not bold:
            ws.cell(r, j).fill = RED_FILL


def _rate_chart(ws: Worksheet, header_row: int, count: int, anchor_row: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "各单位材料完成率"
    chart.legend = None
    data = Reference(ws, min_col=5, min_row=header_row, max_row=header_row + count)
    cats = Reference(ws, min_col=1, min_row=header_row + 1, max_row=header_row + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # first unit at the top, as in the table
    chart.gapWidth = 60
    series = chart.series[0]
    series.graphicalProperties.solidFill = "5B9BD5"
    series.graphicalProperties.line.solidFill = "5B9BD5"
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    for attr in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(series.dLbls, attr, False)
    chart.width = 24
    chart.height = max(6.0, 2.0 + 0.6 * count)
    ws.add_chart(chart, f"A{anchor_row}")
    return chart
