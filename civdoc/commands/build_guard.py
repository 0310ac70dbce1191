"""A build never overwrites review input that reviews/ does not hold (SPEC §7).

Any cell a reviewer fills in a ledger that a build is about to replace counts: a state, 审核人, 日期,
审核意见 or 备注, whether or not `review import` would record it. Every such ledger and row is listed at
once, with the reason where an import refuses the row; `--force` moves those ledgers to
out/已替换台账/<YYYYMMDD-HHMMSS>/ before the build writes, never deleting them.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from civdoc.check.evaluate import Result
from civdoc.commands.review_import import (
    ImportOutcome,
    Row,
    _decide,
    _plans,
    ledger_owner,
    parse_day,
    read_ledger,
    typed,
)
from civdoc.errors import CivdocError
from civdoc.project import reviews
from civdoc.render.xlsx.columns import NOTE_KEY, reviewer_header

REPLACED = "已替换台账"
SHOWN = 20  # rows listed per ledger in the message


class UnsavedReviews(CivdocError):
    """Ledgers about to be replaced hold reviewers' input that reviews/ does not have."""


def unsaved(result: Result, path: Path) -> list[str]:
    """The rows of the ledger at path that hold input reviews/ does not have, each with why."""
    try:
        ledger = read_ledger(path)
    except CivdocError:
        return []  # no ledger civdoc can read: nothing a reviewer filled in it can be told apart
    lines: list[str] = []
    outcome = ImportOutcome(source=path.name)
    root, project = result.project.root, result.project
    stages = project.config.review.stages
    plans = _plans(result, ledger, result.today, outcome, ledger_owner(result, ledger, path))
    settled: list[tuple[Row, list[reviews.Record]]] = []  # rows whose decisions reviews/ already has
    for plan in plans:
        history = reviews.load_records(root, [plan.unit], stages, list(project.indicators)).get(plan.unit, [])
        for entry in plan.rows:  # a dry run, row by row: nothing is appended
            decided = ImportOutcome(source=path.name)
            _decide(result, plan.unit, [entry], history, path.name, decided)
            lines += [f"{e}：尚未导入" for e in decided.applied]
            lines += [f"{e}（导入时被拒绝，但审核人的填写仍在台账中）" for e in decided.conflicts]
            if not decided.applied and not decided.conflicts:
                settled.append((entry[0], [r for r in history if r["indicator"] == entry[1].indicator]))
    lines += outcome.unreadable
    decided_rows = {row.number for plan in plans for row, _, _ in plan.rows}
    decided_rows |= {int(line.split(" ", 2)[1]) for line in outcome.unreadable if line.startswith("第 ")}
    for row in ledger.rows:
        if row.number not in decided_rows:
            filled = _filled(row, stages)
            if filled:
                lines.append(f"{row.label()}：填写了{'、'.join(filled)}，但没有选择审核状态，导入不会记录这些内容")
    for row, records in settled:  # the decisions are recorded; a note or remark typed beside them may not be
        extra = [
            name
            for name, typed_in in (
                (
                    "审核意见",
                    row.note
                    and row.note != typed((row.snapshot or {}).get(NOTE_KEY))
                    and all(r.get("note") != row.note for r in records),
                ),
                ("备注", _remark(row)),
            )
            if typed_in
        ]
        if extra:
            lines.append(f"{row.label()}：审核结论已导入，但{'、'.join(extra)}中的内容 reviews/ 中还没有")
    return lines


def _remark(row: Row) -> bool:
    """Whether the 备注 cell holds what a person typed: civdoc writes one only on rows that need no material."""
    return bool(row.remark) and not (not row.snapshot and row.remark.endswith("不需报送材料"))


def _filled(row: Row, stages: list[str]) -> list[str]:
    """The cells of row that hold something civdoc did not write there."""
    snapshot: dict[str, Any] = row.snapshot or {}
    filled = []
    for entry in row.entries:
        wrote = snapshot.get(entry.stage)
        wrote = wrote if isinstance(wrote, list) and len(wrote) == 3 else ["", "", ""]
        if entry.by and entry.by != wrote[1]:
            filled.append(reviewer_header(entry.stage))
        try:
            day = parse_day(entry.day)
            written = day is None or str(day) == wrote[2]
        except (ValueError, OverflowError):
            written = False
        if not written:
            filled.append(f"{entry.stage}日期")
    if row.note and row.note != typed(snapshot.get(NOTE_KEY)):
        filled.append("审核意见")
    if _remark(row):
        filled.append("备注")
    return filled


def guard(result: Result, paths: list[Path], out: Path, force: bool) -> list[tuple[Path, Path]]:
    """Stop (UnsavedReviews) when a ledger about to be replaced holds unsaved input; with force, move
    those ledgers aside and return (from, to) for each."""
    found = {
        path: lines
        for path in paths
        if path.suffix == ".xlsx" and path.is_file()
        for lines in [unsaved(result, path)]
        if lines
    }
    if not found:
        return []
    if not force:
        raise UnsavedReviews(_message(found, result.project.root))
    folder = out / REPLACED / datetime.now().strftime("%Y%m%d-%H%M%S")
    moved = []
    for path in found:
        target = folder / (path.relative_to(out) if path.is_relative_to(out) else Path(path.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved.append((path, target))
    return moved


def _message(found: dict[Path, list[str]], root: Path) -> str:
    parts = [
        f"{len(found)} 个台账中有审核人填写、但 reviews/ 中还没有的内容；重新生成会覆盖它们，因此没有生成任何文件："
    ]
    for path, lines in found.items():
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        parts.append(f"\n  {shown}（{len(lines)} 行）")
        parts += [f"\n    · {line}" for line in lines[:SHOWN]]
        if len(lines) > SHOWN:
            parts.append(f"\n    ……另有 {len(lines) - SHOWN} 行")
    parts.append(
        "\n能导入的审核结论请先运行 civdoc review import 导入；被拒绝的行请按原因处理；"
        "只填了意见、备注或审核人而没有选择审核状态的行，请补选状态后导入，或另行保存这些内容。"
        f"处理后可加 --force 继续：这些台账会先移到 out/{REPLACED}/ 中保存，不会删除。"
    )
    return "".join(parts)
