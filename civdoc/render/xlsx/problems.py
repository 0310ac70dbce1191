"""The 问题清单 sheet: a row per finding, in the ledgers' wording."""

from __future__ import annotations

from civdoc.check.evaluate import Result
from civdoc.findings import RULES
from civdoc.model import NO_UNIT
from civdoc.render.labels import SEVERITY
from civdoc.render.printed import NOT_A_PROBLEM, Wording
from civdoc.render.xlsx.columns import SEVERITY_HEADER
from civdoc.render.xlsx.ledger import _print_area
from civdoc.render.xlsx.lookup import Lookup
from civdoc.render.xlsx.sheetxml import SheetXML
from civdoc.render.xlsx.styles import AMBER, AMBER_FILL, GREY, RED_BOLD, RED_FILL, REVIEW_FILL, Col, Marks
from civdoc.render.xlsx.table import _data_sheet, _table

# -- 问题清单 ----------------------------------------------------------------------------------------


def _problem_sheet(sheet: SheetXML, result: Result, look: Lookup) -> None:
    """A row per finding to put right. Pending reviews (R601) are no problem: 台账's 审核情况 shows them."""
    project = result.project
    wording = Wording(project)
    cols = [
        Col("序号", 5, center=True),
        Col("责任单位", 11, min_width=11, center=True),
        Col("指标编号", 6, center=True),
        Col("测评内容", 11, min_width=11),
        Col(SEVERITY_HEADER, 5.5, center=True),
        Col("代码", 6, center=True),
        Col("问题类型", 10, min_width=10),
        Col("说明", 38, min_width=30),
        Col("文件", 27, min_width=16),
        Col("整改时限", 14.5, min_width=14.5, center=True),
        Col("整改情况", 14, min_width=14, fill=REVIEW_FILL),
    ]
    # what must be put right first (errors and warnings, by unit), then hints and waived findings
    findings = sorted(
        (f for f in result.findings if f.code not in NOT_A_PROBLEM),
        key=lambda f: (
            f.waived or f.severity == "info",
            look.unit_order(f.unit, f.indicator),
            {"error": 0, "warning": 1, "info": 2}[f.severity],
            f.code,
            f.path or "",
        ),
    )
    waived: Marks = {j: (GREY, None) for j in range(len(cols))}
    severity_marks: dict[str, Marks] = {"error": {4: (RED_BOLD, RED_FILL)}, "warning": {4: (AMBER, AMBER_FILL)}}
    rows = []
    marks: list[Marks | None] = []
    for n, f in enumerate(findings, start=1):
        ind = project.indicators.get(f.indicator or "")
        message = wording.message(f)
        if f.waived:
            message += f"（已豁免：{f.waiver_reason}）" if f.waiver_reason else "（已豁免）"
        rows.append(
            (
                n,
                f.unit or NO_UNIT,
                f.indicator or "",
                ind.content if ind else "",
                SEVERITY[f.severity],
                f.code,
                RULES[f.code].title,
                message,
                wording.path(f),
                look.deadline(f.unit, f.indicator) or "",
                "",
            )
        )
        marks.append(waived if f.waived else severity_marks.get(f.severity))
    last = _table(sheet, 1, cols, rows, marks)
    _data_sheet(sheet.ws, last, len(cols))
    _print_area(sheet.ws, cols, last)
