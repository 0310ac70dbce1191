"""`civdoc review UNIT INDICATOR --stage S --pass|--return --by NAME`: sign one stage of one item."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from civdoc.check.evaluate import Result
from civdoc.check.pipeline import check, resolve_scope
from civdoc.errors import ReviewRefused, UsageError
from civdoc.model import Finding, Item
from civdoc.project import reviews
from civdoc.project.load import load_project
from civdoc.safe.typed import stored_text

if TYPE_CHECKING:
    from rich.console import Console

Record = reviews.Record


def find_item(result: Result, unit: str, indicator: str) -> Item:
    item = next((i for i in result.items if i.unit == unit and i.indicator == indicator), None)
    if item is None:
        raise ReviewRefused(f"{unit}不是指标 {indicator} 的责任单位，没有可审核的事项。")
    if item.status == "not_required":
        raise ReviewRefused(f"{unit}的指标 {indicator} 不需报送材料，无需审核。")
    return item


def blocking_errors(result: Result, item: Item) -> list[Finding]:
    """The unwaived errors that keep an item from passing: its own, and its unit's (C201: no folder at
    all), which hold for every item of the unit. Review findings (R6xx) are the review's own business."""
    return [
        f
        for f in result.findings
        if f.unit == item.unit
        and f.indicator in (item.indicator, None)
        and f.severity == "error"
        and not f.waived
        and not f.code.startswith("R")
    ]


def refusal(result: Result, item: Item, stage: str, passed: bool, force: bool) -> str | None:
    """Why this signature may not be recorded now, or None."""
    stages = result.project.config.review.stages
    i = stages.index(stage)
    if i > 0:
        before = item.stages[i - 1]
        if before.state != reviews.PASS:
            return (
                f"{stages[i - 1]}尚未通过（当前：{before.state}），不能签署{stage}。"
                f"请先完成{stages[i - 1]}；如果材料变动导致失效，请重新进行{stages[i - 1]}。"
            )
    if passed and not force:
        errors = blocking_errors(result, item)
        if errors:
            codes = "、".join(sorted({f.code for f in errors}))
            return (
                f"该事项还有 {len(errors)} 个未解决的错误（{codes}），不能签署通过。请先整改，"
                f"或用 --return 退回；确需通过时加 --force（会记录在案）。"
            )
    return None


def sign(
    root: Path,
    unit_name: str,
    indicator: str,
    stage: str,
    passed: bool,
    by: str,
    note: str | None,
    force: bool,
    today: date,
) -> Record:
    project = load_project(root)
    unit, ident = resolve_scope(project, unit_name, indicator)
    assert unit and ident
    if stage not in project.config.review.stages:
        raise UsageError(f"审核阶段“{stage}”不存在，可选：{'、'.join(project.config.review.stages)}。")
    by = stored_text(by, "--by", one_line=True)
    note = stored_text(note, "--note") if note else note
    if not by.strip():
        raise UsageError("--by 审核人姓名不能为空。")
    path = reviews.reviews_file(root, unit)
    with reviews.locked(path):
        # the whole unit: an error on the unit itself (C201) blocks each of its items
        result = check(root, today, unit=unit, project=project)
        item = find_item(result, unit, ident)
        why = refusal(result, item, stage, passed, force)
        if why:
            raise ReviewRefused(f"未记录。{why}")
        record = reviews.new_record(
            item, stage, reviews.PASS if passed else reviews.RETURN, by.strip(), reviews.now_iso(), note or ""
        )
        if force and passed:
            record["forced"] = True
        reviews.append_records(root, unit, [record])
    return {**record, "unit": unit}


def render_signed(record: Record, out: Console) -> None:
    from rich.text import Text

    verb = "通过" if record["decision"] == reviews.PASS else "退回"
    out.print(
        Text(
            f"已记录：{record['unit']} 指标 {record['indicator']} {record['stage']}{verb}"
            f"（{record['by']}，{record['at']}）。",
            style="green",
        )
    )
    out.print(Text(f"记录文件：reviews/{record['unit']}.yaml；材料指纹 {record['fingerprint'][:19]}…"))
