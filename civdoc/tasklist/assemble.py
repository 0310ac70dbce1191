"""Builders read from the grids → indicators: ids, methods, 分值, 完成时限, units and requirements,
every guess noted with its sheet and cell; duplicate ids and unusable unit names refused."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from civdoc.errors import UsageError
from civdoc.project.names import norm
from civdoc.tasklist import fields as F
from civdoc.tasklist.model import BASIC, BONUS, NEGATIVE, PLACEHOLDER_UNIT, Cell, ListIndicator, Note, TaskList

if TYPE_CHECKING:
    from civdoc.tasklist.parse import _Builder


def assemble(builders: list[_Builder], result: TaskList, year: int, has_units: bool) -> None:
    aspect_numbers = _aspect_numbers(builders)
    per_aspect: dict[str, int] = {}
    special = {BONUS: 0, NEGATIVE: 0}
    bad_units: list[str] = []
    derived: set[str] = set()
    for b in builders:
        ind = ListIndicator(
            id="",
            content=b.content,
            aspect=b.aspect,
            category=b.category,
            group=b.group,
            sheet=b.grid.name,
            rows=(b.first_row, b.last_row),
        )
        per_aspect[b.aspect] = per_aspect.get(b.aspect, 0) + 1
        if b.category in special:
            special[b.category] += 1
            ind.id = f"{'特' if b.category == BONUS else '负'}{special[b.category]}"
        elif b.own_id and not re.search(r"\s|/", b.own_id):
            ind.id, ind.id_from_list = b.own_id, True
        else:
            ind.id = _free_id(aspect_numbers[b.aspect], b.content_no or per_aspect[b.aspect], derived)
            derived.add(norm(ind.id))
        _methods(ind, b)
        for cell in b.cells.get("测评方法", []):
            guesses, warnings = F.method_notes(F.text_of(cell.value))
            result.guesses += [Note(b.grid.name, cell.anchor, f"{ind.id} {g}") for g in guesses]
            result.warnings += [Note(b.grid.name, cell.anchor, f"{ind.id} {w}") for w in warnings]
        _score(ind, b, result)
        _deadline(ind, b, result, year)
        bad_units += _units(ind, b, result)
        _requirements(ind, b, result)
        if not ind.lead and not ind.units:
            ind.units, ind.units_placeholder = [PLACEHOLDER_UNIT], True
            if has_units:
                result.warnings.append(
                    Note(
                        b.grid.name,
                        f"第{b.first_row}行",
                        f"{ind.id} {ind.content} 没有填写责任单位，暂记为“{PLACEHOLDER_UNIT}”，请改为实际单位",
                    )
                )
        result.indicators.append(ind)
    if not has_units:
        result.warnings.append(
            Note(
                result.file,
                "",
                f"清单中没有“责任单位”或“牵头单位”列：各指标暂记为“{PLACEHOLDER_UNIT}”，"
                "请在指标文件中改为实际的责任单位",
            )
        )
    if any(i.units_placeholder for i in result.indicators) and PLACEHOLDER_UNIT not in result.units:
        result.units.append(PLACEHOLDER_UNIT)
    if bad_units:
        raise UsageError(
            "清单中有单位名称不能用作文件夹名称（每个单位的材料放在以其名称命名的文件夹中），"
            "请在清单中改正后重新运行，没有写入任何文件：\n" + "\n".join(f"  {b}" for b in bad_units)
        )
    _refuse_duplicate_ids(result)


def _free_id(aspect: int, number: int, taken: set[str]) -> str:
    """<测评项目序号>.<测评内容序号>; a number already derived (two 测评项目 numbered alike) moves on."""
    while norm(f"{aspect}.{number}") in taken:
        number += 1
    return f"{aspect}.{number}"


def _aspect_numbers(builders: list[_Builder]) -> dict[str, int]:
    """A 测评项目's leading numeral (一/1), else its position among the basic ones."""
    numbers: dict[str, int] = {}
    position = 0
    for b in builders:
        if b.aspect in numbers or b.category != BASIC:
            continue
        position += 1
        numbers[b.aspect] = b.aspect_no or position
    for b in builders:
        numbers.setdefault(b.aspect, 0)
    return numbers


def _methods(ind: ListIndicator, b: _Builder) -> None:
    ind.standards = b.standards
    if not b.standards:
        cells = b.cells.get("测评方法", [])
        ind.methods = list(dict.fromkeys(m for c in cells for m in F.split_methods(F.text_of(c.value))))
        return
    common = [m for m in b.standards[0].methods if all(m in s.methods for s in b.standards)]
    ind.methods = common or b.standards[0].methods


def _score(ind: ListIndicator, b: _Builder, result: TaskList) -> None:
    total: float | None = None
    for cell in b.cells.get("分值", []):
        value = F.parse_score(cell.value)
        if isinstance(value, str):
            result.warnings.append(Note(b.grid.name, cell.anchor, f"分值“{value}”无法识别，未设置 {ind.id} 的分值"))
        elif value is not None:
            total = (total or 0) + value
    ind.score = total


def _deadline(ind: ListIndicator, b: _Builder, result: TaskList, year: int) -> None:
    found = []
    for cell in b.cells.get("完成时限", []):
        day, guess, problem = F.parse_deadline(cell.value, year)
        if problem:
            result.warnings.append(Note(b.grid.name, cell.anchor, problem))
        if guess:
            result.guesses.append(Note(b.grid.name, cell.anchor, f"{ind.id} 完成时限：{guess}"))
            ind.deadline_note = guess
        if day:
            found.append(day)
    if found:
        ind.deadline = max(found)
        if len(set(found)) > 1:
            result.guesses.append(
                Note(
                    b.grid.name,
                    b.cells["完成时限"][0].anchor,
                    f"{ind.id} 有多个完成时限，取最晚的 {ind.deadline.isoformat()}",
                )
            )


def _units(ind: ListIndicator, b: _Builder, result: TaskList) -> list[str]:
    bad: list[str] = []
    lead_names = [n for c in b.cells.get("牵头单位", []) for n in F.split_units(F.text_of(c.value))]
    unit_names: list[str] = []
    marked: str | None = None
    for c in b.cells.get("责任单位", []):
        names, lead = F.unit_roles(F.text_of(c.value))
        unit_names += names
        marked = marked or lead
    if not lead_names and marked:  # 区教育局（牵头）in the 责任单位 cell
        lead_names = [marked]
        where = b.cells["责任单位"][0].anchor
        result.guesses.append(Note(b.grid.name, where, f"{ind.id} 牵头单位取“{marked}”（单元格中注明牵头）"))
    ind.lead = lead_names[0] if lead_names else None
    ind.units = [n for n in dict.fromkeys(lead_names[1:] + unit_names) if n != ind.lead]
    cells: list[Cell] = b.cells.get("牵头单位", []) + b.cells.get("责任单位", [])
    for name in ([ind.lead] if ind.lead else []) + ind.units:
        cell = next((c for c in cells if name in F.compact(F.text_of(c.value))), None)
        where = f"{b.grid.name}!{cell.anchor}" if cell else b.grid.name
        problem = F.folder_name_problem(name)
        if problem:
            bad.append(f"{where}：“{name}”{problem}")
            continue
        if norm(name) not in {norm(u) for u in result.units}:
            result.units.append(name)
            if F.is_collective(name):
                result.collectives.append(Note(b.grid.name, cell.anchor if cell else "", name))
    return bad


def _requirements(ind: ListIndicator, b: _Builder, result: TaskList) -> None:
    names: set[str] = set()
    for cell in b.cells.get("佐证材料", []):
        for piece in F.split_materials(F.text_of(cell.value)):
            req = F.requirement(piece)
            if req.name in names:
                continue
            names.add(req.name)
            ind.requirements.append(req)
            result.guesses.append(Note(b.grid.name, cell.anchor, f"{ind.id} 佐证材料“{req.name}”：{req.guess}"))


def _refuse_duplicate_ids(result: TaskList) -> None:
    seen: dict[str, ListIndicator] = {}
    clashes: list[str] = []
    for ind in result.indicators:
        key = norm(ind.id)
        if key in seen:
            first = seen[key]
            clashes.append(
                f"  编号“{ind.id}”：{first.sheet} 第{first.rows_text}行“{first.content}”与 "
                f"{ind.sheet} 第{ind.rows_text}行“{ind.content}”"
            )
        else:
            seen[key] = ind
    if clashes:
        raise UsageError(
            "清单中有两个测评内容的编号相同，请在清单中改正编号后重新运行，没有写入任何文件：\n" + "\n".join(clashes)
        )
