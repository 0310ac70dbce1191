"""From grids (sheets, Word tables) to indicators: header, continuation rows, sections, ids, units."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from civdoc.errors import UsageError
from civdoc.tasklist import fields as F
from civdoc.tasklist.assemble import assemble
from civdoc.tasklist.headers import Header, describe_first_rows, find_header
from civdoc.tasklist.model import (
    BASIC,
    BONUS,
    NEGATIVE,
    Cell,
    Grid,
    ListStandard,
    Note,
    SheetReport,
    TaskList,
)

_YEAR = re.compile(r"(20\d{2})\s*年")
# which indicator field each column carries (for import: only these are replaced)
CARRIES = {
    "测评方法": "method",
    "分值": "score",
    "牵头单位": "lead",
    "责任单位": "units",
    "完成时限": "deadline",
    "指标名称": "group",
}


def category_of(text: str) -> str | None:
    if "特色指标" in text or "加分" in text or "特色" in text:
        return BONUS
    if "负面清单" in text or "扣分" in text or "负面" in text:
        return NEGATIVE
    return None


@dataclass
class _Builder:
    """An indicator being read: its cells per column, each merged cell once."""

    grid: Grid
    aspect: str
    aspect_no: int | None
    category: str
    group: str | None
    content: str
    own_id: str | None
    content_no: int | None
    first_row: int
    last_row: int
    cells: dict[str, list[Cell]] = field(default_factory=dict)
    standards: list[ListStandard] = field(default_factory=list)

    def add(self, key: str, cell: Cell | None) -> bool:
        if cell is None:
            return False
        seen = self.cells.setdefault(key, [])
        if any(c is cell for c in seen):
            return False
        seen.append(cell)
        return True


@dataclass
class _State:
    aspect: str | None = None
    aspect_anchor: Cell | None = None
    aspect_no: int | None = None
    category: str = BASIC
    group: str | None = None
    current: _Builder | None = None
    id_column: bool = False
    sheet_category: str = BASIC  # from the sheet's (or first table's) name


def read_list(path: Path, grids: list[Grid], named: dict[str, int]) -> TaskList:
    reports: list[SheetReport] = []
    builders: list[_Builder] = []
    carried: set[str] = set()
    title: str | None = None
    warnings: list[Note] = []
    has_units = False
    previous: tuple[Header, _State, str, int] | None = None  # the last Word table read: its header, state, name
    for grid in grids:
        header = find_header(grid, named)
        state: _State | None = None
        report = SheetReport(grid.name, header.row + 1 if header else None)
        if header is None and previous and grid.kind == "docx" and _width(grid) == previous[3]:
            # Word splits a long table into several; a table without a header continues the one before
            header, state, report.continues = Header(-1, previous[0].columns), previous[1], previous[2]
        if header is None:
            reports.append(SheetReport(grid.name, None, 0, len(grid.rows), describe_first_rows(grid)))
            continue
        title = title or _title(grid, header)
        carried |= {CARRIES[k] for k in header.columns if k in CARRIES}
        has_units = has_units or bool({"牵头单位", "责任单位"} & set(header.columns))
        found, state = _read_grid(grid, header, report, state)
        builders += found
        reports.append(report)
        previous = (header, state, report.continues or grid.name, _width(grid))
        warnings += [Note(grid.name, "", n) for n in grid.notes]
    if not grids:
        raise UsageError(f"{path.name} 中没有表格（或工作表），civdoc 读不到任务清单。没有写入任何文件。")
    if not any(r.header_row for r in reports):
        raise UsageError(_no_header_message(path, reports))
    if not builders:
        raise UsageError(f"{path.name} 中找到了表头，但表头下没有读到任何测评内容。请检查清单内容。")
    year_match = _YEAR.search(title or "")
    year = int(year_match.group(1)) if year_match else None
    result = TaskList(path.name, title, reports, [], [], [], [], warnings, carried, year)
    assemble(builders, result, year or date.today().year, has_units)
    return result


_TITLE_WORDS = ("清单", "体系", "任务", "自查", "分解", "方案", "台账")


def _title(grid: Grid, header: Header) -> str | None:
    """The list's title: above the header, the first text naming a 清单/体系/任务…, else the first text."""
    texts = [
        F.compact(cell.value)
        for row in grid.rows[: max(header.row, 0)]
        for cell in dict.fromkeys(row)
        if cell is not None and isinstance(cell.value, str) and len(F.compact(cell.value)) >= 4
    ]
    texts = [t for t in texts if len(t) <= 60]  # a paragraph of notes is no title
    if grid.title:
        texts.append(F.compact(grid.title))
    return next((t for t in texts if any(w in t for w in _TITLE_WORDS)), texts[0] if texts else None)


def _no_header_message(path: Path, reports: list[SheetReport]) -> str:
    lines = [
        f"{path.name} 中没有找到表头：每个工作表（或表格）的前 10 行中，应有一行含“测评内容”（或“测评标准”）"
        "和至少两个其他列名（如 测评项目、测评方法、分值、责任单位、完成时限、佐证材料）。没有写入任何文件。"
    ]
    for report in reports:
        seen = "；".join(report.first_rows) if report.first_rows else "（空白）"
        lines.append(f"  {report.name}：{seen}")
    lines.append("列名不同时，可用 --columns 指明，例如 --columns 测评内容=C,测评标准=D,责任单位=H")
    return "\n".join(lines)


def _width(grid: Grid) -> int:
    return max((len(row) for row in grid.rows), default=0)


def _read_grid(grid: Grid, header: Header, report: SheetReport, state: _State | None) -> tuple[list[_Builder], _State]:
    cols = header.columns
    if state is None:
        category = category_of(grid.name) or BASIC
        id_column = "编号" in cols and _is_id_column(grid, header)
        state = _State(category=category, id_column=id_column, sheet_category=category)
    sheet_category = state.sheet_category
    builders: list[_Builder] = []
    id_column = state.id_column
    heading_columns = {0} | {cols[k] for k in ("编号", "测评项目") if k in cols}

    for r in range(header.row + 1, len(grid.rows)):
        row = grid.rows[r]

        def get(key: str, row: list[Cell | None] = row) -> Cell | None:
            c = cols.get(key)
            return row[c] if c is not None and c < len(row) else None

        anchors = list(dict.fromkeys(c for c in row if c is not None))
        content, standard = get("测评内容"), get("测评标准")
        single = anchors[0] if len(anchors) == 1 else None
        spans_row = single is not None and sum(1 for c in row if c is single) > 1
        if not anchors or (len(anchors) >= 3 and all(_is_number(c.value) for c in anchors)):  # 1 2 3 … column numbers
            report.rows_skipped += 1
            continue
        if spans_row or (content is None and standard is None):
            heading = (
                single is not None
                and single is not state.aspect_anchor
                and (spans_row or any(row[c] is single for c in heading_columns if c < len(row)))
            )
            if heading and single is not None and _section(state, single, sheet_category):
                report.rows_read += 1
                state.current = None
            elif not heading and state.current is not None and _continue(state.current, cols, get, r):
                report.rows_read += 1  # more 佐证材料, units … of the indicator above
            else:
                report.rows_skipped += 1
            continue
        report.rows_read += 1
        _aspect_cell(state, get("测评项目"), sheet_category)
        group = get("指标名称")
        if group is not None:
            state.group = F.clean_name(group.value)[0] or None
        builder = _indicator_for(state, grid, r, content, standard, get("编号") if id_column else None)
        if builder is not state.current:
            state.current = builder
            builders.append(builder)
        builder.last_row = r + 1
        added = {key: builder.add(key, get(key)) for key in cols}
        if standard is not None and added.get("测评标准"):
            _standards(builder, standard, get("测评方法"))
    return builders, state


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit())


def _continue(builder: _Builder, cols: dict[str, int], get: Callable[[str], Cell | None], r: int) -> bool:
    """A row with neither 测评内容 nor 测评标准: its other cells belong to the indicator above."""
    added = [builder.add(key, get(key)) for key in cols if key not in {"测评项目", "指标名称", "编号"}]
    if any(added):
        builder.last_row = r + 1
    return any(added)


def _is_id_column(grid: Grid, header: Header) -> bool:
    """An 编号 column holds ids (1.2, Ⅲ—12); a 序号 column of 1, 2, 3 … counts rows."""
    c = header.columns["编号"]
    head = grid.rows[header.row][c]
    if head is not None and "编号" in str(head.value):
        return True
    cells = [row[c] for row in grid.rows[header.row + 1 :] if c < len(row)]
    values = [F.text_of(cell.value) for cell in cells if cell is not None]
    return any(re.search(r"\d[.．]\d", v) for v in values)


def _section(state: _State, cell: Cell, sheet_category: str) -> bool:
    """A row holding one text only: a 测评项目 heading, or a 特色指标 / 负面清单 section. Notes are not."""
    text = F.compact(F.text_of(cell.value))
    if not text or re.match(r"^(注|说明|备注|附|填表)", text):
        return False
    name, _, number = F.strip_numbering(text)
    category = category_of(name)
    if category is not None or len(name) <= 30:
        state.category = category or sheet_category
        state.aspect, state.aspect_anchor, state.aspect_no = name or text, cell, number
        state.group = None
        return True
    return False


def _aspect_cell(state: _State, cell: Cell | None, sheet_category: str) -> None:
    if cell is None or cell is state.aspect_anchor:
        return
    name, _, number = F.clean_name(cell.value)
    if not name:
        return
    if name != state.aspect:
        state.group = None
    state.aspect, state.aspect_anchor, state.aspect_no = name, cell, number
    state.category = category_of(name) or sheet_category


def _indicator_for(
    state: _State, grid: Grid, r: int, content: Cell | None, standard: Cell | None, number: Cell | None
) -> _Builder:
    current = state.current
    aspect = state.aspect or (state.category if state.category != BASIC else grid.name)
    own_id = F.text_of(number.value) if number is not None else None
    if content is None and current is not None and current.aspect == aspect:
        return current
    if content is not None:
        name, dotted, content_no = F.clean_name(content.value)
    else:  # a list without 测评内容: each 测评标准 row is an indicator of its own
        name, dotted, content_no = _content_from_standard(standard), None, None
    own_id = dotted or own_id
    if (
        current is not None
        and current.aspect == aspect
        and current.content == name
        and (own_id is None or own_id == current.own_id)
    ):
        return current
    return _Builder(
        grid,
        aspect,
        state.aspect_no,
        state.category,
        state.group,
        name or F.text_of(content.value if content else ""),
        own_id,
        content_no,
        r + 1,
        r + 1,
    )


def _content_from_standard(standard: Cell | None) -> str:
    text = F.compact(F.text_of(standard.value if standard else ""))
    text = F.strip_numbering(text)[0]
    return re.split(r"[，。；;,]", text)[0][:30]


def _standards(builder: _Builder, standard: Cell, method: Cell | None) -> None:
    clauses = F.split_clauses(F.text_of(standard.value))
    method_text = F.text_of(method.value) if method is not None else ""
    per_clause = F.split_clauses(method_text) if method_text else []
    for i, clause in enumerate(clauses):
        if len(per_clause) == len(clauses) and len(clauses) > 1:
            methods = F.split_methods(per_clause[i])
        else:
            methods = F.split_methods(method_text) if method_text else []
        builder.standards.append(ListStandard(clause, methods))
