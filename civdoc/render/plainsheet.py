"""Small printable worksheets for units (a kit's task list, a collect receipt): a title, a few lines of
facts and bordered tables, on A4, in 宋体. Every string is stored as text, never as a formula."""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from civdoc.safe.xml import xml_legal

FONT = "宋体"
BODY = Font(name=FONT, size=10)
BOLD = Font(name=FONT, size=10, bold=True)
HEAD = Font(name=FONT, size=10.5, bold=True)
TITLE = Font(name=FONT, size=16, bold=True)
RED = Font(name=FONT, size=10, color="C00000")
GREEN = Font(name=FONT, size=10, color="006100")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_legal(value)
    return value


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    font: Font = BODY,
    align: Alignment = WRAP,
    border: bool = False,
    fill: PatternFill | None = None,
) -> Cell:
    cell = ws.cell(row=row, column=col, value=clean(value))
    if isinstance(value, str):
        cell.data_type = "s"  # "=HYPERLINK(...).pdf" stays a name
    dated = isinstance(value, (date, datetime))
    # setting a style hashes it against the workbook's list (~10 µs each): a look, once made, is copied
    looks = _LOOKS.setdefault(id(ws.parent), {})
    key = (id(font), id(align), border, id(fill), dated)
    if key in looks:
        cell._style = copy(looks[key])
        return cell
    if dated:
        cell.number_format = "yyyy-mm-dd"
    cell.font, cell.alignment = font, align
    if border:
        cell.border = BOX
    if fill is not None:
        cell.fill = fill
    looks[key] = copy(cell._style)
    return cell


_LOOKS: dict[int, dict[tuple[int, int, bool, int, bool], Any]] = {}


def title(ws: Worksheet, text: str, width: int, lines: Sequence[str] = ()) -> int:
    """A merged title row and fact lines under it; returns the next free row."""
    put(ws, 1, 1, text, TITLE, CENTER)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 30
    row = 2
    for line in lines:
        put(ws, row, 1, line, BODY, WRAP)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 15 * max(1, -(-_width(line) // (_total(ws, width) * 1.0)))
        row += 1
    return row + 1


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _total(ws: Worksheet, ncols: int) -> float:
    return sum(ws.column_dimensions[get_column_letter(c)].width or 10 for c in range(1, ncols + 1))


def table(
    ws: Worksheet,
    top: int,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fonts: Sequence[Font | None] | None = None,
) -> int:
    """A bordered table with a shaded header row; row heights follow the wrapped text. Returns the
    row after it."""
    for c, header in enumerate(headers, 1):
        put(ws, top, c, header, HEAD, CENTER, border=True, fill=HEAD_FILL)
    ws.row_dimensions[top].height = 20
    for r, values in enumerate(rows, top + 1):
        font = (fonts[r - top - 1] if fonts else None) or BODY
        lines = 1
        for c, value in enumerate(values, 1):
            put(ws, r, c, value, font, WRAP, border=True)
            width = ws.column_dimensions[get_column_letter(c)].width or 10
            for part in str(value if value is not None else "").split("\n"):
                lines = max(lines, -(-_width(part) // max(int(width) - 1, 1)) if part else 1)
            lines = max(lines, str(value or "").count("\n") + 1)
        ws.row_dimensions[r].height = 14 * lines + 3
    return top + len(rows) + 2


def columns(ws: Worksheet, widths: Sequence[float]) -> None:
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width


def a4(ws: Worksheet, landscape: bool, repeat_rows: str | None = None, footer: str = "") -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if repeat_rows:
        ws.print_title_rows = repeat_rows
    ws.oddFooter.center.text = f"{footer}  第 &P 页，共 &N 页".strip()
    ws.oddFooter.center.size = 9


def workbook_bytes(wb: Workbook, stamp: datetime) -> bytes:
    """The workbook's bytes, with its document dates fixed (the same input gives the same file)."""
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = ""
    buf = BytesIO()
    wb.save(buf)
    _LOOKS.pop(id(wb), None)
    return buf.getvalue()
