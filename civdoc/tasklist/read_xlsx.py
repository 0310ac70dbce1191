"""Excel lists: every sheet as a grid, merged ranges filled in, formulas read through their cached values."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from civdoc.errors import UsageError
from civdoc.tasklist.model import Cell, Grid, column_letter, refuse_ole

# what a damaged workbook raises while it is read: zip, deflate, XML and openpyxl's own errors
CORRUPT = (zipfile.BadZipFile, zlib.error, SyntaxError, KeyError, IndexError, OSError, ValueError, TypeError, EOFError)
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")


def read_xlsx(path: Path) -> list[Grid]:
    import openpyxl

    refuse_ole(path, ".xls", "Excel", "（文件 → 信息 → 保护工作簿）")
    try:
        # read-only mode streams rows (a 10,000-row list in ~1 s, a third of the normal mode's time);
        # it has no merged ranges, so those come from each sheet's XML
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
        with zipfile.ZipFile(path) as archive:
            grids = [_grid(sheet, _merged(archive, sheet)) for sheet in book.worksheets]
        book.close()
    except CORRUPT as exc:
        raise UsageError(
            f"无法读取 {path.name}：文件已损坏或不是 Excel 工作簿（{type(exc).__name__}）。"
            "请在 Excel 中打开并另存为 .xlsx 后重试。"
        ) from None
    if _has_formulas(path):
        try:
            formulas = _formula_cells(path)
        except CORRUPT:
            formulas = {}
        for grid in grids:
            _note_formulas(grid, formulas.get(grid.name, {}))
    return grids


def _merged(archive: zipfile.ZipFile, sheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (min_col, min_row, max_col, max_row), 1-based."""
    from openpyxl.utils import range_boundaries

    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return []
    found: list[tuple[int, int, int, int]] = []
    for ref in _MERGE.findall(archive.read(path.lstrip("/"))):
        a, b, c, d = range_boundaries(ref.decode())
        if a and b and c and d:
            found.append((a, b, c, d))
    return found


def _has_formulas(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(
                _FORMULA.search(archive.read(n))
                for n in archive.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")
            )
    except CORRUPT:
        return False


def _formula_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet, the cells holding a formula, with the formula (only read when the workbook has any)."""
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=False, read_only=True)
    found: dict[str, dict[tuple[int, int], str]] = {}
    for sheet in book.worksheets:
        cells: dict[tuple[int, int], str] = {}
        for r, row in enumerate(sheet.iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    cells[(r, c)] = value
        found[sheet.title] = cells
    book.close()
    return found


def _grid(sheet: Any, merged: list[tuple[int, int, int, int]]) -> Grid:
    # the sheet's stated size can be A1:XFD1048576 (a formatted whole column): read what is there
    sheet.reset_dimensions()
    rows: list[list[Cell | None]] = []
    for r, values in enumerate(sheet.iter_rows(values_only=True)):
        rows.append(
            [
                None if v is None or (isinstance(v, str) and not v.strip()) else Cell(v, _coord(r, c))
                for c, v in enumerate(values)
            ]
        )
    for min_col, min_row, max_col, max_row in merged:
        top, left = min_row - 1, min_col - 1
        if top >= len(rows) or left >= len(rows[top]):
            continue
        anchor = rows[top][left]
        for r in range(top, min(max_row, len(rows))):
            row = rows[r]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(left, max_col):
                row[c] = anchor
    return Grid(sheet.title, rows, "xlsx")


def _note_formulas(grid: Grid, formulas: dict[tuple[int, int], str]) -> None:
    for (r, c), formula in sorted(formulas.items()):
        row = grid.rows[r] if r < len(grid.rows) else []
        if c >= len(row) or row[c] is None:
            grid.notes.append(
                f"{_coord(r, c)} 是公式 {formula}，但文件中没有保存计算结果，按空白处理"
                "（请在 Excel 中打开、保存后重新导入）"
            )


_LETTERS = [column_letter(c) for c in range(64)]


def _coord(r: int, c: int) -> str:
    return f"{_LETTERS[c] if c < 64 else column_letter(c)}{r + 1}"
