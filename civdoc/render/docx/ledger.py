"""二、分项目台账: a table per 测评项目, a row per unit × indicator."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from civdoc.check.evaluate import Result
from civdoc.model import Item
from civdoc.project.load import Aspect
from civdoc.render.docx.facts import _stage
from civdoc.render.docx.text import cn_date, cn_number
from civdoc.render.docx.writer import Cell, Column, Keep, Writer
from civdoc.render.labels import STATUS

# -- 二、分项目台账 -------------------------------------------------------------------------------------


def ledger_blocks(w: Writer, result: Result, unit: str | None) -> list[Any]:
    project = result.project
    stages = project.config.review.stages
    by_aspect: dict[str, list[Item]] = defaultdict(list)
    for item in result.items:
        by_aspect[project.aspect_of[item.indicator].name].append(item)
    aspects = [a for a in project.aspects if a.name in by_aspect]
    if not aspects:
        return [w.paragraph("没有需要列入台账的事项。")]
    # weights are millimetres on a landscape A4 page (225 mm of text); they scale to the real width
    columns = [Column("序号", 10, "center"), Column("指标编号", 17.5, "center"), Column("测评内容", 28)]
    if unit is None:
        columns.append(Column("责任单位", 28))
    columns += [
        Column("应报材料", 37),
        Column("已报材料", 24),
        Column("完成情况", 17.5, "center"),
        Column("完成时限", 21.5, "center"),
    ]
    columns += [Column(stage, 15, "center") for stage in stages]
    blocks: list[Any] = []
    for n, aspect in enumerate(aspects, 1):
        items = by_aspect[aspect.name]
        done = sum(1 for i in items if i.status == "complete")
        needed = sum(1 for i in items if i.status != "not_required")
        counted = f"应报事项{needed}个，已完成{done}个" if needed else "不需报送材料"
        blocks.append(w.heading(f"（{cn_number(n)}）{aspect.name}（{counted}）"))
        blocks.append(w.table(columns, _ledger_rows(result, aspect, items, unit, stages)))
    return blocks


MERGE_UP_TO = 8  # an indicator's rows are merged (and kept on one page) up to this many; more repeat it


def _ledger_rows(
    result: Result, aspect: Aspect, items: list[Item], unit: str | None, stages: list[str]
) -> Iterable[list[Any]]:
    project = result.project
    sizes = Counter(item.indicator for item in items)
    overdue = {(f.unit, f.indicator) for f in result.findings if f.code == "S701" and not f.waived}
    previous = None
    for n, item in enumerate(items, 1):
        ind = project.indicators[item.indicator]
        first = item.indicator != previous
        following = n < len(items) and items[n].indicator == item.indicator
        previous = item.indicator
        if 1 < sizes[item.indicator] <= MERGE_UP_TO:
            # merged cells are blank on a continued page, so the group is kept on one page
            merge = "restart" if first else "continue"
            row: list[Any] = Keep() if following else []
            row += [str(n), Cell(ind.id if first else "", merge), Cell(ind.content if first else "", merge)]
        else:
            row = [str(n), ind.id, ind.content]
        if unit is None:
            row.append(f"{item.unit}（牵头）" if item.unit == ind.lead and len(ind.responsible) > 1 else item.unit)
        if item.status == "not_required":
            methods = "、".join(ind.methods)
            row += [f"不需报送材料（{methods}）", "—", STATUS[item.status], _deadline(item)]
            row += ["—"] * len(stages)
        else:
            status: str | Cell = STATUS[item.status]
            if (item.unit, item.indicator) in overdue:
                status = Cell([status, "已逾期"], style="overdue")
            row += [
                [f"{r.name}（可选）" if r.min == 0 else f"{r.name}{r.min}份" for r in item.requirements],
                [f"{r.found}份" + (f"，缺{r.min - r.found}份" if r.found < r.min else "") for r in item.requirements],
                status,
                _deadline(item),
            ]
            row += [_stage_lines(_stage(item, stage, i)) for i, stage in enumerate(stages)]
        yield row


def _deadline(item: Item) -> str:
    return cn_date(item.deadline) if item.deadline else "—"


def _stage_lines(state: Any) -> list[str]:
    lines = [state.state]
    if state.state != "待审" and state.by:
        lines.append(state.by)
        if state.at:
            try:
                day = date.fromisoformat(str(state.at)[:10])
                lines.append(f"{day.month}月{day.day}日")
            except ValueError:
                pass
    return lines
