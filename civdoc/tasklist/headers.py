"""Finding a list's header row: known headers and their variants, two-row headers, --columns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from civdoc.errors import UsageError
from civdoc.tasklist.model import Grid

# canonical key -> the headers offices write for it (compared without spaces and line breaks)
VARIANTS: dict[str, list[str]] = {
    "编号": ["序号", "编号", "指标编号", "序"],
    "测评项目": ["测评项目", "项目", "一级指标", "测评项目名称"],
    "指标名称": ["指标名称", "二级指标"],
    "测评内容": ["测评内容", "内容", "测评指标", "三级指标", "测评内容名称"],
    "测评标准": ["测评标准", "标准", "具体要求", "测评要求", "工作要求"],
    "测评方法": ["测评方法", "方法", "测评方式", "考核方式"],
    "分值": ["分值", "分数", "分值（分）"],
    "牵头单位": ["牵头单位", "牵头部门", "牵头领导单位"],
    "责任单位": ["责任单位", "责任部门", "配合单位", "配合部门", "参与单位", "责任主体"],
    "完成时限": ["完成时限", "时限", "完成时间", "时限要求"],
    "佐证材料": ["佐证材料", "材料要求", "报送材料", "佐证材料要求", "需提供的佐证材料", "佐证资料"],
    "备注": ["备注"],
}
LOOKUP = {v: key for key, variants in VARIANTS.items() for v in variants}
_SPACE = re.compile(r"\s+")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
SCAN_ROWS = 10


def header_key(text: object) -> str | None:
    """The canonical key of a header cell's text, or None."""
    if not isinstance(text, str):
        return None
    bare = _SPACE.sub("", text)
    if bare in LOOKUP:
        return LOOKUP[bare]
    bare = _BRACKETS.sub("", bare)
    return LOOKUP.get(bare)


@dataclass
class Header:
    row: int  # 0-based index of the (last) header row; data starts below it
    columns: dict[str, int]  # canonical key -> 0-based column


def parse_columns(option: str | None) -> dict[str, int]:
    """--columns 测评内容=C,责任单位=H -> {key: column}."""
    if not option:
        return {}
    named: dict[str, int] = {}
    for part in re.split(r"[,，]", option):
        if not part.strip():
            continue
        name, sep, letter = part.partition("=")
        key = header_key(name.strip())
        letter = letter.strip().upper()
        if not sep or key is None or not re.fullmatch(r"[A-Z]{1,3}", letter):
            raise UsageError(
                f"--columns 中的“{part.strip()}”无法识别。请写成 测评内容=C,责任单位=H 的形式，"
                f"列名可用：{'、'.join(VARIANTS)}。"
            )
        col = 0
        for ch in letter:
            col = col * 26 + ord(ch) - 64
        if key in named:
            raise UsageError(f"--columns 中“{name.strip()}”写了两次，请只写一次。")
        if col - 1 in named.values():
            raise UsageError(f"--columns 中 {letter} 列给了两个列名，请为每一列只写一个。")
        named[key] = col - 1
    return named


def _row_keys(grid: Grid, r: int) -> dict[int, str]:
    found: dict[int, str] = {}
    second_level: int | None = None
    for c, cell in enumerate(grid.rows[r]):
        key = header_key(cell.value) if cell is not None else None
        if key is not None:
            found[c] = key
            if cell is not None and _SPACE.sub("", str(cell.value)) == "二级指标":
                second_level = c
    # with only 一级 and 二级 指标 columns, 二级 is the 测评内容 (with a 三级 column it is a group)
    if second_level is not None and "测评内容" not in found.values():
        found[second_level] = "测评内容"
    return found


def find_header(grid: Grid, named: dict[str, int]) -> Header | None:
    """The first row within the first 10 holding 测评内容 (or 测评标准) and two other known headers;
    a second header row right below it refines it (责任单位 split into 牵头单位 / 配合单位)."""
    for r in range(min(SCAN_ROWS, len(grid.rows))):
        keys = _row_keys(grid, r)
        named_here = {c for c in named.values() if c < len(grid.rows[r]) and grid.rows[r][c] is not None}
        known = set(keys.values()) | set(named)
        if not ({"测评内容", "测评标准"} & known) or len(set(keys) | named_here) < 3:
            continue
        last = r
        if r + 1 < len(grid.rows):
            below = _row_keys(grid, r + 1)
            # cells below that only repeat a vertically merged header are the same header
            fresh = {c: k for c, k in below.items() if grid.rows[r + 1][c] is not grid.rows[r][c]}
            if fresh:
                keys.update(fresh)
                last = r + 1
        for key, c in named.items():  # a mistyped letter names an empty column: every row would "continue"
            cells = [row[c] for row in grid.rows[last + 1 :] if c < len(row)]
            if not any(cell is not None and str(cell.value or "").strip() for cell in cells):
                raise UsageError(f"--columns 指定的“{key}”列在“{grid.name}”中是空的，请核对列号（Excel 上方的字母）。")
        return _columns(last, keys, named)
    return None


def _columns(last: int, keys: dict[int, str], named: dict[str, int]) -> Header:
    columns: dict[str, int] = {}
    for c in sorted(keys):
        columns.setdefault(keys[c], c)
    columns.update(named)
    return Header(last, columns)


def describe_first_rows(grid: Grid, count: int = 3) -> list[str]:
    """The first non-empty rows of a sheet, for the message when no header is found."""
    shown: list[str] = []
    for r, row in enumerate(grid.rows[:SCAN_ROWS]):
        texts = [str(cell.value).replace("\n", " ")[:12] for cell in dict.fromkeys(c for c in row if c is not None)]
        if texts:
            shown.append(f"第{r + 1}行：" + " | ".join(texts[:8]))
        if len(shown) == count:
            break
    return shown
