"""`civdoc review import FILE.xlsx` (SPEC §5): take the review columns reviewers filled in a built ledger.

The 台账 sheet is read by header text and the 事项编号 key column, never by position, so a file that a
reviewer re-saved in Excel or WPS, sorted, filtered or widened with extra columns still reads. The
reviewer's file is only read, never saved.

A stage's entry becomes a record when it is a decision (通过 or 退回) that the reviewer made - it
differs from what civdoc wrote into the ledger (the hidden 生成时审核状态 column) - and it differs from
the stage's current state. It is bound to the content the reviewer saw: when the row's 材料指纹 is no
longer the item's fingerprint the row is a conflict and nothing of it is recorded. Otherwise the rules
of `civdoc review` apply (signoff.refusal), counting records made earlier in the same import.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any

from civdoc.check.evaluate import Result
from civdoc.check.pipeline import check
from civdoc.commands.sign import blocking_errors, refusal
from civdoc.errors import CivdocError
from civdoc.model import Item
from civdoc.project import reviews
from civdoc.render.import_summary import ImportOutcome
from civdoc.render.xlsx.columns import (
    FINGERPRINT,
    KEY,
    LEDGER_SHEET,
    NOTE,
    NOTE_KEY,
    REMARK,
    SNAPSHOT,
    date_header,
    reviewer_header,
    state_header,
)
from civdoc.safe.typed import stored_text

HEADER_ROWS = 10  # the header row is looked for among the first rows of a sheet
MAX_BYTES = 200 * 1024 * 1024
IGNORED_STATES = {"", reviews.PENDING, reviews.STALE, "—", "-", "/", "无"}
DECISIONS = {reviews.PASS, reviews.RETURN}
STALE_CONFLICT = "材料在台账生成后已变更，请重新生成台账后审核"


# -- reading the workbook --------------------------------------------------------------------------


@dataclass
class Entry:
    """One stage's cells in one row."""

    stage: str
    state: str
    by: str
    day: Any  # the raw 日期 cell


@dataclass
class Row:
    number: int  # the row number in the sheet, for messages
    key: str
    fingerprint: str
    snapshot: dict[str, Any] | None
    note: str
    entries: list[Entry]
    remark: str = ""  # the 备注 cell

    def label(self) -> str:
        return f"第 {self.number} 行" + (f"（{self.key.replace('|', ' ')}）" if self.key else "")


@dataclass
class Ledger:
    sheet: str
    rows: list[Row]
    title: str = ""  # the workbook's title property: "<project>（<unit>）" for a unit's ledger


def cell_text(value: Any) -> str:
    """A cell as text: NFKC (full-width letters and digits, ideographic spaces), trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def typed(value: Any) -> str:
    """A reviewer's own words (审核人, 审核意见) exactly as typed: only trimmed, controls removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return stored_text(str(value), "").strip()


def _header(value: Any) -> str:
    return re.sub(r"\s+", "", cell_text(value))


def read_ledger(path: Path) -> Ledger:
    """The review columns of a ledger's 台账 sheet; CivdocError when the file is no ledger."""
    book = _open(path)
    try:
        for ws in sorted(book.worksheets, key=lambda s: _header(s.title) != LEDGER_SHEET):
            found = _find_header(ws)
            if found is not None:
                ledger = _read_rows(ws, *found)
                ledger.title = str(book.properties.title or "") if book.properties else ""
                return ledger
    except CivdocError:
        raise
    except Exception:  # noqa: BLE001 - a truncated or hostile sheet XML: lxml and openpyxl raise many types
        raise CivdocError(
            f"{path.name} 中的工作表内容已损坏，无法读取。请在 Excel 或 WPS 中打开确认，另存为 .xlsx 后再导入。"
        ) from None
    finally:
        book.close()
    raise CivdocError(
        f"{path.name} 不是 civdoc 生成的台账：没有找到含“{KEY}”列的“{LEDGER_SHEET}”工作表。"
        "请导入由 civdoc build 生成、审核人填写过的台账（out/材料自查台账.xlsx 或 out/分单位台账/ 中的文件）。"
    )


def _open(path: Path) -> Any:
    from openpyxl import load_workbook

    from civdoc.project.yamlread import Unreadable, read_regular

    if not path.exists():
        raise CivdocError(f"找不到文件 {path}。请检查文件名和所在文件夹。")
    try:  # a FIFO, a device or a huge file is refused before anything is read (yamlread.read_regular)
        data = read_regular(path, MAX_BYTES)
    except Unreadable as exc:
        raise CivdocError(f"无法导入 {path}：{exc}如果它正在 Excel 或 WPS 中打开，请先关闭后重试。") from None
    if data.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        raise CivdocError(
            f"{path.name} 是旧版 Excel（.xls）或 WPS（.et）格式。请在 Excel 或 WPS 中“另存为”"
            "Excel 工作簿（*.xlsx）后再导入。"
        )
    if len(data) > MAX_BYTES:
        raise CivdocError(f"{path.name} 超过 {MAX_BYTES // 1024 // 1024} MB，不像是 civdoc 生成的台账。")
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a broken file
        raise CivdocError(
            f"{path.name} 无法作为 Excel 工作簿（.xlsx）打开：文件可能已损坏，或不是 Excel 文件。"
            "请在 Excel 或 WPS 中打开确认，另存为 .xlsx 后再导入。"
        ) from None


def _find_header(ws: Any) -> tuple[int, dict[str, int]] | None:
    for number, row in enumerate(ws.iter_rows(max_row=HEADER_ROWS, values_only=True), start=1):
        names = [_header(v) for v in row]
        if KEY in names:
            columns: dict[str, int] = {}
            for j, name in enumerate(names):
                if name:
                    columns.setdefault(name, j)
            return number, columns
    return None


def _read_rows(ws: Any, header_row: int, columns: dict[str, int]) -> Ledger:
    # a stage shows as <stage>状态 beside <stage>审核人 (which keeps out 生成时审核状态 and user columns)
    stage_names = [
        name[: -len("状态")]
        for name in columns
        if name.endswith("状态") and reviewer_header(name[: -len("状态")]) in columns
    ]

    def cell(values: tuple, name: str) -> Any:
        j = columns.get(name)
        return values[j] if j is not None and j < len(values) else None

    rows: list[Row] = []
    for number, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        if not any(v not in (None, "") for v in values):
            continue
        entries = [
            Entry(
                stage,
                re.sub(r"\s+", "", cell_text(cell(values, state_header(stage)))),
                typed(cell(values, reviewer_header(stage))),
                cell(values, date_header(stage)),
            )
            for stage in stage_names
        ]
        rows.append(
            Row(
                number,
                re.sub(r"\s*\|\s*", "|", cell_text(cell(values, KEY))),
                re.sub(r"\s+", "", cell_text(cell(values, FINGERPRINT))),
                _snapshot(cell(values, SNAPSHOT)),
                typed(cell(values, NOTE)),
                entries,
                typed(cell(values, REMARK)),
            )
        )
    if FINGERPRINT not in columns or not stage_names:
        missing = FINGERPRINT if FINGERPRINT not in columns else "审核状态"
        raise CivdocError(
            f"“{ws.title}”工作表缺少“{missing}”列，无法导入。请不要删除台账中的列；"
            "可重新运行 civdoc build 生成台账，再把审核内容填入新台账。"
        )
    return Ledger(ws.title, rows)


def _snapshot(value: Any) -> dict[str, Any] | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


# -- dates -----------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日$")  # how the Word ledger prints a date


def parse_day(value: Any, today: date | None = None) -> date | None:
    """A reviewer's date: a date cell, an Excel serial number, or text like 2026/5/10, 2026-05-10,
    2026.5.10, 2026年5月10日. None when the cell is blank; ValueError when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return _plausible(value.date(), value)
    if isinstance(value, date):
        return _plausible(value, value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if 20000 < value < 80000:
            found = from_excel(value)
            return found.date() if isinstance(found, datetime) else found
        raise ValueError(value)
    text = cell_text(value)
    short = _DATE_MONTH_DAY.match(text)
    if short and today is not None:  # 12月2日: this year's, or last year's when that is still to come
        found = date(today.year, int(short.group(1)), int(short.group(2)))
        return found if found <= today else found.replace(year=today.year - 1)
    m = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if not m:
        raise ValueError(value)
    return _plausible(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), value)


def _plausible(day: date, value: Any) -> date:
    """A signing date civdoc can store: 0001-01-01 and 9999-12-31 cannot carry a time zone."""
    if not 1990 <= day.year <= 2200:
        raise ValueError(value)
    return day


def _at(day: date) -> str:
    return datetime.combine(day, time(0)).astimezone().isoformat(timespec="seconds")


# -- deciding --------------------------------------------------------------------------------------


@dataclass
class Change:
    """A decision a reviewer entered in one row for one stage, checked for form."""

    stage: str
    decision: str
    by: str
    at: str | None  # None: now


def _candidates(row: Row, stages: list[str]) -> tuple[list[Entry], str | None]:
    """The row's entries that look like the reviewer's own decisions, in stage order, or why the row
    cannot be read."""
    found: list[Entry] = []
    by_stage = {e.stage: e for e in row.entries}
    for stage in stages:
        entry = by_stage.get(stage)
        if entry is None or entry.state in IGNORED_STATES:
            continue
        if entry.state not in DECISIONS:
            return [], f"{state_header(stage)}“{entry.state}”无法识别，请从下拉列表中选择“通过”或“退回”"
        wrote = (row.snapshot or {}).get(stage)
        if isinstance(wrote, list) and wrote and wrote[0] == entry.state:
            continue  # civdoc wrote this itself when it built the ledger
        found.append(entry)
    return found, None


def _changes(row: Row, entries: list[Entry], today: date) -> tuple[list[Change], str | None]:
    changes: list[Change] = []
    for entry in entries:
        if not entry.by:
            return [], f"{entry.stage}填了“{entry.state}”，但没有填写{reviewer_header(entry.stage)}"
        try:
            day = parse_day(entry.day, today)
        except (ValueError, OverflowError):
            return [], f"{date_header(entry.stage)}“{cell_text(entry.day)}”无法识别，请写成 2026-05-10 的形式"
        if day is not None and day > today:
            return [], f"{date_header(entry.stage)} {day} 晚于今天（{today}），请核对"
        wrote = (row.snapshot or {}).get(entry.stage)
        if day is not None and isinstance(wrote, list) and len(wrote) > 2 and wrote[2] == day.isoformat():
            day = None  # the date civdoc wrote for the earlier decision: this one is made now
        changes.append(Change(entry.stage, entry.state, entry.by, _at(day) if day else None))
    return changes, None


def _note(row: Row) -> str:
    if row.snapshot is not None and typed(row.snapshot.get(NOTE_KEY)) == row.note:
        return ""  # the note civdoc showed from earlier decisions
    return row.note


@dataclass
class Plan:
    """The rows of one unit that carry entries, with the item each one is about."""

    unit: str
    rows: list[tuple[Row, Item, list[Change]]] = field(default_factory=list)


def _plans(result: Result, ledger: Ledger, today: date, outcome: ImportOutcome, owner: str | None = None) -> list[Plan]:
    """owner: the unit whose own ledger this is (None: the whole project's); a row of another unit in
    it is refused, for a unit's ledger can only sign that unit's items."""
    project = result.project
    stages = project.config.review.stages
    items = {(i.unit, i.indicator): i for i in result.items}
    plans: dict[str, Plan] = {}
    seen: dict[tuple[str, str], tuple[Row, list[Change]]] = {}
    contradicted: set[tuple[str, str]] = set()
    for row in ledger.rows:
        entries, problem = _candidates(row, stages)
        if problem is None and not entries:
            if row.key:
                outcome.unchanged.append(row.key.replace("|", " "))
            continue  # rows without a key and without entries: lines below the table, e.g. the sign-off block
        item = None
        if problem is None and not row.key:
            problem = f"没有{KEY}，无法确定是哪个事项。请不要清空或改动隐藏的“{KEY}”列"
        if problem is None:
            item, problem = _item_of(result, items, row.key)
        if problem is None and item is not None and owner is not None and item.unit != owner:
            problem = (
                f"这是{owner}的分单位台账，{KEY}却指向{item.unit}的事项，未记录。"
                f"请在{item.unit}自己的台账或总台账中审核该事项"
            )
        changes: list[Change] = []
        if problem is None:
            changes, problem = _changes(row, entries, today)
        if problem is not None:
            outcome.unreadable.append(f"{row.label()}：{problem}")
            continue
        assert item is not None
        key = (item.unit, item.indicator)
        if key in seen:
            first, first_changes = seen[key]
            if _decisions(first_changes, first) != _decisions(changes, row):
                outcome.unreadable.append(
                    f"{row.label()}：与{first.label()}是同一事项，但填写的审核结论或意见不同，"
                    "两行都未记录。请删除多余的一行，只保留正确的结论后重新导入"
                )
                contradicted.add(key)
            continue  # the same decisions twice: recorded once
        seen[key] = (row, changes)
        plans.setdefault(item.unit, Plan(item.unit)).rows.append((row, item, changes))
    for plan in plans.values():
        plan.rows = [entry for entry in plan.rows if (entry[1].unit, entry[1].indicator) not in contradicted]
    return [plan for plan in plans.values() if plan.rows]


def _decisions(changes: list[Change], row: Row) -> tuple:
    return tuple((c.stage, c.decision, c.by, c.at) for c in changes), _note(row)


def ledger_owner(result: Result, ledger: Ledger, path: Path) -> str | None:
    """The unit whose own ledger this workbook is (its title, as build wrote it, or its place in
    out/分单位台账/), or None for the whole project's ledger."""
    name = result.project.config.name
    for unit in result.project.unit_names:
        if ledger.title == f"{name}（{unit}）":
            return unit
    if path.parent.name == "分单位台账":
        return result.project.unit(path.stem)
    return None


def _item_of(result: Result, items: dict[tuple[str, str], Item], key: str) -> tuple[Item | None, str | None]:
    unit_name, _, ident = key.partition("|")
    project = result.project
    unit = project.unit(unit_name)
    indicator = project.indicator(ident) if ident else None
    item = items.get((unit or "", indicator.id if indicator else ""))
    if item is None:
        return None, f"{KEY}“{key}”在当前项目中不存在（单位或指标可能已改名）。请重新生成台账后审核"
    return item, None


def _decide(
    result: Result,
    unit: str,
    rows: list[tuple[Row, Item, list[Change]]],
    history: list[reviews.Record],
    source: str,
    outcome: ImportOutcome,
) -> list[reviews.Record]:
    """The records this unit's rows add, given the unit's history; fills outcome."""
    stages = result.project.config.review.stages
    new: list[reviews.Record] = []
    for row, item, changes in rows:
        current = replace(item, stages=reviews.stage_states(item, history + new, stages))
        todo = [c for c in changes if c.decision != current.stages[stages.index(c.stage)].state]
        where = f"{unit} 指标 {item.indicator}"
        if not todo:
            outcome.unchanged.append(f"{unit} {item.indicator}")
            continue
        if item.status == "not_required":
            outcome.conflicts.append(f"{where}：该指标不需报送材料，无需审核，未记录")
            continue
        if row.fingerprint != item.fingerprint:
            outcome.conflicts.append(f"{where}（{'、'.join(c.stage for c in todo)}）：{STALE_CONFLICT}，未记录")
            outcome.stale += 1
            continue
        for change in todo:
            current = replace(item, stages=reviews.stage_states(item, history + new, stages))
            if change.decision == current.stages[stages.index(change.stage)].state:
                continue
            why = _refusal(result, current, change)
            if why:
                outcome.conflicts.append(f"{where} {change.stage}{change.decision}：未记录。{why}")
                break
            record = reviews.new_record(
                item, change.stage, change.decision, change.by, change.at or reviews.now_iso(), _note(row)
            )
            record.update(via="import", source=source)
            new.append(record)
            outcome.applied.append(f"{where} {change.stage}{change.decision}（{change.by}）")
    return new


def _refusal(result: Result, item: Item, change: Change) -> str | None:
    """signoff's rules, worded for someone working in the ledger rather than on the command line."""
    why = refusal(result, item, change.stage, change.decision == reviews.PASS, force=True)  # stage order
    if why or change.decision != reviews.PASS:
        return why
    errors = sorted({f.code for f in blocking_errors(result, item)})
    if errors:
        return (
            f"该事项还有未解决的错误（{'、'.join(errors)}），不能签署通过。请先整改，重新生成台账后再审核；"
            "或在台账中改为“退回”。"
        )
    return None


# -- the two entry points --------------------------------------------------------------------------


def import_workbook(root: Path, path: Path, today: date) -> ImportOutcome:
    ledger = read_ledger(path)
    result = check(root, today)
    outcome = ImportOutcome(source=path.name)
    for plan in _plans(result, ledger, today, outcome, ledger_owner(result, ledger, path)):
        with reviews.locked(reviews.reviews_file(root, plan.unit)):
            history = reviews.load_records(
                root, [plan.unit], result.project.config.review.stages, list(result.project.indicators)
            ).get(plan.unit, [])
            new = _decide(result, plan.unit, plan.rows, history, path.name, outcome)
            reviews.append_records(root, plan.unit, new)
    return outcome
