"""三、问题清单: the open problems, by unit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from civdoc.check.evaluate import Result
from civdoc.findings import RULES
from civdoc.model import NO_UNIT, Finding, id_key
from civdoc.render.docx.common import GROUP_PROBLEMS_AT
from civdoc.render.docx.text import cn_number
from civdoc.render.docx.writer import Column, Writer
from civdoc.render.labels import SEVERITY
from civdoc.render.printed import NOT_A_PROBLEM, Wording

# -- 三、问题清单 ---------------------------------------------------------------------------------------


def problem_blocks(w: Writer, result: Result, unit: str | None) -> list[Any]:
    problems = [
        f
        for f in result.findings
        if not f.waived and f.severity in ("error", "warning") and f.code not in NOT_A_PROBLEM
    ]
    if not problems:
        waived = f"（另有{result.waived}条问题已按规定豁免）" if result.waived else ""
        return [w.paragraph(f"自查未发现需整改的错误或需核实的警告{waived}。")]
    order = {u: i for i, u in enumerate(result.project.unit_names)}
    problems.sort(
        key=lambda f: (
            order.get(f.unit or "", len(order)),
            id_key(f.indicator),
            f.severity != "error",
            f.code,
            f.path or "",
        )
    )
    counted = [
        f"{label}{n}条"
        for label, n in (
            ("错误", sum(f.severity == "error" for f in problems)),
            ("警告", sum(f.severity == "warning" for f in problems)),
        )
        if n
    ]
    note = w.paragraph(
        f"共{len(problems)}条（{'、'.join(counted)}）。“错误”须整改后重新审核；“警告”请核实，确属无误的可不处理。",
        "note",
    )
    wording = Wording(result.project)
    if unit is not None or len(problems) <= GROUP_PROBLEMS_AT:
        return [note, w.table(_problem_columns(with_unit=unit is None), _problem_rows(problems, unit is None, wording))]
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in problems:
        groups[f.unit or NO_UNIT].append(f)
    blocks = [note]
    for n, (name, group) in enumerate(groups.items(), 1):
        errors = sum(1 for f in group if f.severity == "error")
        blocks.append(w.heading(f"（{cn_number(n)}）{name}（错误{errors}条，警告{len(group) - errors}条）"))
        blocks.append(w.table(_problem_columns(with_unit=False), _problem_rows(group, False, wording)))
    return blocks


def _problem_columns(with_unit: bool) -> list[Column]:
    columns = [Column("序号", 10, "center")]  # millimetres of a landscape A4 page, scaled to fit
    if with_unit:
        columns.append(Column("责任单位", 28))
    return columns + [
        Column("指标编号", 17.5, "center"),
        Column("级别", 11, "center"),
        Column("代码", 13, "center"),
        Column("问题类型", 25),
        Column("说明", 73),
        Column("文件", 47.5),
    ]


def _problem_rows(problems: list[Finding], with_unit: bool, wording: Wording) -> Iterable[list[Any]]:
    for n, f in enumerate(problems, 1):
        row: list[Any] = [str(n)]
        if with_unit:
            row.append(f.unit or NO_UNIT)
        row += [
            f.indicator or "—",
            SEVERITY[f.severity],
            f.code,
            RULES[f.code].title,
            wording.message(f),
            wording.path(f) or "—",
        ]
        yield row
