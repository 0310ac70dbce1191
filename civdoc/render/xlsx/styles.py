"""Fonts, fills, borders and column definitions of the Excel ledgers, and writing one styled cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from civdoc.render.printed import CN_DATE_FORMAT
from civdoc.safe.xml import xml_legal

# -- looks -----------------------------------------------------------------------------------------

FONT_NAME = "宋体"
BODY = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
HEAD = Font(name=FONT_NAME, size=10.5, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
SUBTITLE = Font(name=FONT_NAME, size=11)
RED = Font(name=FONT_NAME, size=10, color="C00000")
RED_BOLD = Font(name=FONT_NAME, size=10, color="C00000", bold=True)
AMBER = Font(name=FONT_NAME, size=10, color="9C5700")
GREY = Font(name=FONT_NAME, size=10, color="808080")
GREEN = Font(name=FONT_NAME, size=10, color="006100")
LINK = Font(name=FONT_NAME, size=10, color="0563C1", underline="single")
MONO = Font(name="Consolas", size=9)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
REVIEW_FILL = PatternFill("solid", fgColor="FFF2CC")  # the columns reviewers fill in
REVIEW_HEAD_FILL = PatternFill("solid", fgColor="FFE699")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
RED_FILL = PatternFill("solid", fgColor="FFC7CE")
AMBER_FILL = PatternFill("solid", fgColor="FFEB9C")
GREEN_FILL = PatternFill("solid", fgColor="C6EFCE")
GREY_FILL = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
DATE_FORMAT = CN_DATE_FORMAT  # 年月日 on paper, as in the text of the Word dossier


@dataclass(frozen=True)
class Col:
    """A column: its header, the widest it may grow to (in Excel character units), how it is aligned, and
    the font and fill of its data cells when they are not the plain body text."""

    header: str
    max_width: float = 30
    min_width: float = 0
    center: bool = False
    hidden: bool = False
    font: Font | None = None
    fill: PatternFill | None = None
    printed: bool = True  # on paper; the columns that are not follow the printed ones, off the print area


# the data cells of a row that look different from the rest of their column: column index (from 0) ->
# font and fill, None keeping the column's own
Marks = dict[int, tuple[Font | None, PatternFill | None]]


# -- cells -----------------------------------------------------------------------------------------


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    font: Font = BODY,
    alignment: Alignment = WRAP,
    border: Border | None = BOX,
    fill: PatternFill | None = None,
    number_format: str | None = None,
) -> Cell:
    """Write one cell of a small sheet (汇总); a string is always stored as text, never as a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        value = xml_legal(value)
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value
    if not number_format and isinstance(value, date):
        number_format = DATE_FORMAT
    return _style(cell, font, alignment, border, fill, number_format)


def _style(
    cell: Cell,
    font: Font,
    alignment: Alignment,
    border: Border | None,
    fill: PatternFill | None,
    number_format: str | None,
) -> Cell:
    cell.font = font
    cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


class Looks:
    """The cell formats of one workbook, each combination of font, alignment, border, fill and number
    format registered once and then named by its index in styles.xml."""

    def __init__(self, book: Workbook):
        self.book = book
        self._index: dict[tuple, int] = {}
        self._kept: list[tuple] = []  # the objects whose ids are keys, so the ids stay theirs

    def xf(
        self,
        font: Font = BODY,
        alignment: Alignment = WRAP,
        border: Border | None = BOX,
        fill: PatternFill | None = None,
        number_format: str | None = None,
    ) -> int:
        key = (id(font), id(alignment), id(border), id(fill), number_format)
        index = self._index.get(key)
        if index is None:
            # a scratch cell, never placed in a sheet, that openpyxl styles
            cell = _style(Cell(self.book.active), font, alignment, border, fill, number_format)
            index = self._index[key] = self.book._cell_styles.add(cell._style)
            self._kept.append((font, alignment, border, fill))
        return index
