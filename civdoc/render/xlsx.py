"""The Excel ledger (SPEC §7): 汇总, 台账, 问题清单 and 文件清单, as the bytes of an .xlsx file.

The 台账 sheet is also an input: reviewers fill its stage columns from drop-downs and civdoc reads them
back (review_import.py) by header text and the hidden 事项编号 key column, never by position. Three
hidden columns travel with every row when a reviewer sorts or filters:

- 事项编号: "unit|indicator", the key;
- 材料指纹: the item's fingerprint when the ledger was built, so an entry made on outdated material is
  refused rather than bound to content the reviewer never saw;
- 生成时审核状态: what civdoc wrote into the review columns (JSON), so an import can tell a reviewer's
  entry from civdoc's own, and rebuilding from an old ledger never re-applies a superseded decision.

The state drop-down offers 待审/通过/退回. 失效 (passed, but the files changed since) is written by civdoc
only: Excel validates what users type or pick, not values already in the file, so it shows as written;
an import ignores it like 待审.

No cell ever becomes a formula: every string is stored as text, so a file named "=HYPERLINK(…).pdf"
stays a name.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from operator import attrgetter
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from civdoc.evaluate import Result
from civdoc.indicators import DEFAULT_METHOD, Indicator
from civdoc.match import DATE_SOURCES
from civdoc.model import EvidenceFile, Finding, Item
from civdoc.render.labels import SEVERITY, STATUS
from civdoc.rules.catalogue import RULES
from civdoc.xmltext import xml_legal

# -- the ledger's contract with review_import.py -----------------------------------------------------

LEDGER_SHEET = "台账"
SHEETS = ("汇总", LEDGER_SHEET, "问题清单", "文件清单")
KEY = "事项编号"
FINGERPRINT = "材料指纹"
SNAPSHOT = "生成时审核状态"
NOTE = "审核意见"
REMARK = "备注"
STATE_CHOICES = ("待审", "通过", "退回")
NOTE_KEY = "_意见"  # the 审核意见 civdoc wrote, inside the snapshot


def state_header(stage: str) -> str:
    return f"{stage}状态"


def reviewer_header(stage: str) -> str:
    return f"{stage}审核人"


def date_header(stage: str) -> str:
    return f"{stage}日期"


LEDGER_HEADERS = ("序号", "指标编号", "测评项目", "测评内容", "测评标准", "测评方法", "分值", "牵头单位", "责任单位",
                  "应报材料", "已报材料", "存在问题", "完成情况", "完成时限")
PROBLEM_HEADERS = ("序号", "责任单位", "指标编号", "测评内容", "代码", "问题类型", "说明", "文件", "严重程度",
                   "豁免理由", "整改时限", "整改情况")
FILE_HEADERS = ("序号", "责任单位", "指标编号", "材料项", "文件名", "类型", "页数/像素", "日期", "日期来源", "大小",
                "SHA-256", "可用", "打开文件")
SUMMARY_HEADERS = ("应报事项", "已完成", "未完成", "完成率", "错误", "警告")

LEDGER_FILE = "材料自查台账"
UNIT_FOLDER = "分单位台账"

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
MONO = Font(name="Consolas", size=8)
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
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
DATE_FORMAT = "yyyy-mm-dd"


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


# the data cells of a row that look different from the rest of their column: column index (from 0) ->
# font and fill, None keeping the column's own
Marks = dict[int, tuple[Font | None, PatternFill | None]]


def workbook_bytes(result: Result, unit: str | None = None, path: Path | None = None) -> bytes:
    """The whole project's ledger (unit None) or one unit's, as .xlsx bytes.

    path is where the workbook will be written, so that the 文件清单 links open the evidence from there;
    without it the standard places are assumed: out/材料自查台账.xlsx and out/分单位台账/<单位>.xlsx.
    """
    book = Workbook()
    looks = Looks(book)
    look = Lookup(result)
    summary = book.active
    summary.title = SHEETS[0]
    _summary_sheet(summary, result, unit)
    sheets = [SheetXML(book.create_sheet(title), looks) for title in SHEETS[1:]]
    _ledger_sheet(sheets[0], result, unit, look)
    _problem_sheet(sheets[1], result, look)
    _file_sheet(sheets[2], result, _link_base(result, unit, path), look)
    book.active = 1 if unit else 0
    for ws in book.worksheets:
        _print_setup(ws, result, unit)
    book.properties.title = _title(result, unit)
    book.properties.creator = "civdoc"
    buffer = BytesIO()
    book.save(buffer)
    return _with_cells(buffer.getvalue(), sheets)


# -- cells -----------------------------------------------------------------------------------------

def put(ws: Worksheet, row: int, col: int, value: Any, font: Font = BODY, alignment: Alignment = WRAP,
        border: Border | None = BOX, fill: PatternFill | None = None, number_format: str | None = None) -> Cell:
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


def _style(cell: Cell, font: Font, alignment: Alignment, border: Border | None, fill: PatternFill | None,
           number_format: str | None) -> Cell:
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

    def xf(self, font: Font = BODY, alignment: Alignment = WRAP, border: Border | None = BOX,
           fill: PatternFill | None = None, number_format: str | None = None) -> int:
        key = (id(font), id(alignment), id(border), id(fill), number_format)
        index = self._index.get(key)
        if index is None:
            # a scratch cell, never placed in a sheet, that openpyxl styles
            cell = _style(Cell(self.book.active), font, alignment, border, fill, number_format)
            index = self._index[key] = self.book._cell_styles.add(cell._style)
            self._kept.append((font, alignment, border, fill))
        return index


class SheetXML:
    """The cells of a sheet kept as worksheet XML rather than as openpyxl Cells.

    openpyxl spends some 15 µs on each cell it writes (a Cell object, its style hashed, lxml elements);
    a 文件清单 of 50,000 files has 650,000 cells. Here a row becomes one string, with style indexes from
    Looks, and _with_cells puts the rows and the links into the file openpyxl saved without them. The
    openpyxl sheet (ws) still carries everything else: widths, panes, filters, validations, print setup.
    """

    def __init__(self, ws: Worksheet, looks: Looks):
        self.ws = ws
        self.looks = looks
        # row -> height and cells; a table's row is one string (a tuple of a float and a string costs
        # the garbage collector nothing, a list would be walked at every full collection)
        self.rows: dict[int, tuple[float | None, list[str] | str]] = {}
        self.links: list[tuple[str, str]] = []  # (cell, target)
        self.max_row = self.max_col = 0

    def put(self, row: int, col: int, value: Any, xf: int) -> None:
        self._row(row).append(cell_xml(f"{get_column_letter(col)}{row}", xf, value))
        self.max_col = max(self.max_col, col)

    def height(self, row: int, points: float) -> None:
        self.rows[row] = (points, self._row(row))

    def link(self, row: int, col: int, target: str) -> None:
        self.links.append((f"{get_column_letter(col)}{row}", target))

    def _row(self, row: int) -> list[str]:
        found = self.rows.get(row)
        if found is None:
            found = self.rows[row] = (None, [])
            self.max_row = max(self.max_row, row)
        elif isinstance(found[1], str):
            found = self.rows[row] = (found[0], [found[1]])
        return found[1]

    def sheet_data(self) -> str:
        out = ["<sheetData>"]
        for r in sorted(self.rows):
            height, cells = self.rows[r]
            attrs = f' ht="{height:.16g}" customHeight="1"' if height is not None else ""
            out.append(f'<row r="{r}"{attrs}>')
            out.append(cells if isinstance(cells, str) else "".join(cells))
            out.append("</row>")
        out.append("</sheetData>")
        return "".join(out)

    def dimension(self) -> str:
        if not self.rows:
            return "A1:A1"
        return f"A1:{get_column_letter(self.max_col)}{self.max_row}"


def cell_xml(ref: str, xf: int, value: Any) -> str:
    """One <c> element, as openpyxl writes it: strings inline and always text (never a formula), dates
    as serial numbers (their format comes with xf), None and "" as empty cells."""
    return f'<c r="{ref}"{_cell_body(xf, value)}'


def _cell_body(xf: int, value: Any) -> str:
    """A <c> element after its reference, the same in every row."""
    if isinstance(value, str):
        value = xml_legal(value[:32767])
        if not value:
            return f' s="{xf}" t="inlineStr"/>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f' s="{xf}" t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
    if value is None:
        return f' s="{xf}" t="n"/>'
    if isinstance(value, bool):
        return f' s="{xf}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        number = "%.16g" % value if value == value and value not in (float("inf"), float("-inf")) else ""
        return f' s="{xf}" t="n"><v>{number}</v></c>'
    if isinstance(value, date):
        return f' s="{xf}" t="n"><v>{to_excel(value):.16g}</v></c>'
    return _cell_body(xf, str(value))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _escape_attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HYPERLINK = REL_NS + "/hyperlink"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
# what may follow <hyperlinks> in a worksheet (ECMA-376 CT_Worksheet), the first found is where it goes
AFTER_LINKS = (b"<printOptions", b"<pageMargins", b"<pageSetup", b"<headerFooter", b"<rowBreaks", b"<colBreaks",
               b"<customProperties", b"<cellWatches", b"<ignoredErrors", b"<smartTags", b"<drawing",
               b"<legacyDrawing", b"<picture", b"<oleObjects", b"<controls", b"<webPublishItems", b"<tableParts",
               b"<extLst", b"</worksheet>")
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# zlib's default, as openpyxl: level 1 would save 0.35 s on a 50,000-file ledger but make it 25% larger
COMPRESSION = 6


def _with_cells(saved: bytes, sheets: list[SheetXML]) -> bytes:
    """The workbook openpyxl saved, with each SheetXML's rows and links put into its worksheet."""
    by_part = {sheet.ws.path.lstrip("/"): sheet for sheet in sheets}
    source = ZipFile(BytesIO(saved))
    names = set(source.namelist())
    merged = {_rels_part(part) for part, sheet in by_part.items() if sheet.links}  # written with their sheet
    out = BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED) as dest:
        for info in source.infolist():
            data = source.read(info)
            sheet = by_part.get(info.filename)
            if sheet is None:
                if info.filename not in merged:
                    dest.writestr(_entry(info.filename, info), data)
                continue
            rels_part = _rels_part(info.filename)
            rels = source.read(rels_part) if rels_part in names else None
            worksheet, rels = _worksheet(data, sheet, rels)
            dest.writestr(_entry(info.filename, info), worksheet, compresslevel=COMPRESSION)
            if rels is not None:
                dest.writestr(_entry(rels_part, info), rels, compresslevel=COMPRESSION)
    return out.getvalue()


def _entry(name: str, like: ZipInfo) -> ZipInfo:
    entry = ZipInfo(name, like.date_time)
    entry.compress_type = ZIP_DEFLATED
    return entry


def _rels_part(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def _worksheet(xml: bytes, sheet: SheetXML, rels: bytes | None) -> tuple[bytes, bytes | None]:
    empty = next((tag for tag in (b"<sheetData></sheetData>", b"<sheetData/>") if tag in xml), None)
    if empty is None:
        raise RuntimeError(f"openpyxl wrote cells into {sheet.ws.title}, which civdoc writes itself")
    head, tail = xml.split(empty, 1)
    head = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{sheet.dimension()}"/>'.encode(), head, count=1)
    links = b""
    if sheet.links:
        taken = [int(n) for n in re.findall(rb'Id="rId(\d+)"', rels or b"")]
        first = max(taken, default=0) + 1
        links = "".join(["<hyperlinks>",  # written as openpyxl writes them
                         *[f'<hyperlink xmlns:r="{REL_NS}" ref="{ref}" r:id="rId{n}"/>'
                           for n, (ref, _) in enumerate(sheet.links, first)],
                         "</hyperlinks>"]).encode("utf-8")
        entries = "".join(f'<Relationship Type="{HYPERLINK}" Target="{_escape_attr(xml_legal(target))}" '
                          f'TargetMode="External" '
                          f'Id="rId{n}"/>' for n, (_, target) in enumerate(sheet.links, first)).encode("utf-8")
        if rels is None:
            rels = XML_DECLARATION + f'<Relationships xmlns="{PACKAGE_RELS}">'.encode() + entries + b"</Relationships>"
        else:
            rels = rels.replace(b"</Relationships>", entries + b"</Relationships>", 1)
        at = min(i for i in (tail.find(tag) for tag in AFTER_LINKS) if i >= 0)
        tail = tail[:at] + links + tail[at:]
    if not head.startswith(b"<?xml"):  # openpyxl writes ASCII, with character references; the cells are UTF-8
        head = XML_DECLARATION + head
    return b"".join([head, sheet.sheet_data().encode("utf-8", "replace"), tail]), rels


class _CharWidths(dict):
    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WFA" else 1
        return width


_CHAR_WIDTH = _CharWidths()


def _line_width(line: str) -> int:
    return len(line) if line.isascii() else sum(map(_CHAR_WIDTH.__getitem__, line))


def text_width(value: Any) -> float:
    """Display width of the widest line: CJK and full-width characters count 2, and so do the ambiguous
    ones (“”、×、≥、—), which Chinese fonts draw full width."""
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        value = f"{value:g}"
    text = value if isinstance(value, str) else str(value)
    if "\n" not in text:
        return _line_width(text)
    return max(map(_line_width, text.split("\n")))


def _table(sheet: SheetXML, top: int, cols: Sequence[Col], rows: Sequence[Sequence[Any]],
           marks: Sequence[Marks | None] | None = None, head: Marks | None = None, left: int = 1) -> int:
    """Header at row top, data below; returns the last row written. Widths fit the content, and each
    row is as high as its most wrapped cell.

    Worked column by column: a column repeats a few values (units, types, dates, 是/否), so each distinct
    value is measured and turned into XML once."""
    ws, looks = sheet.ws, sheet.looks
    columns = list(zip(*rows)) if rows else [() for _ in cols]
    final = [_column_width(col, column) for col, column in zip(cols, columns)]
    letters = [get_column_letter(left + j) for j in range(len(cols))]
    for letter, col, width in zip(letters, cols, final):
        dim = ws.column_dimensions[letter]
        if col.hidden:
            dim.hidden = True
            dim.width = 12
        else:
            dim.width = width

    heads = [looks.xf(font=HEAD, alignment=CENTER, fill=(head or {}).get(j, (None, HEAD_FILL))[1])
             for j in range(len(cols))]
    sheet.rows[top] = (None, [cell_xml(f"{letters[j]}{top}", heads[j], c.header) for j, c in enumerate(cols)])
    marked: list[dict[int, tuple[Font | None, PatternFill | None]]] = [{} for _ in cols]
    for i, mark in enumerate(marks or ()):
        for j, look in (mark or {}).items():
            marked[j][i] = look
    bodies: list[list[str]] = []  # by column, by row: each cell after its reference
    heights: list[list[float]] = []  # by visible column, by row: the lines each cell needs
    for j, (col, column) in enumerate(zip(cols, columns)):
        align = CENTER if col.center else WRAP
        font = _first(col.font, BODY)
        plain = looks.xf(font=font, alignment=align, fill=col.fill)
        dated = looks.xf(font=font, alignment=align, fill=col.fill, number_format=DATE_FORMAT)
        usable = None if col.hidden else max(final[j] - 0.5, 2)
        known: dict[str, tuple[str, float]] = {}
        body: list[str] = []
        lines: list[float] = []
        for value in column:
            if type(value) is str:
                hit = known.get(value)
                if hit is None:
                    hit = known[value] = (_cell_body(plain, value), _lines(value, usable) if value and usable else 1)
                body.append(hit[0])
                lines.append(hit[1])
            else:
                body.append(_cell_body(dated if isinstance(value, date) else plain, value))
                lines.append(1)
        looked: dict[tuple[int, int, bool], int] = {}
        for i, (mark_font, mark_fill) in marked[j].items():  # the cells that look different
            value = column[i]
            is_date = isinstance(value, date)
            key = (id(mark_font), id(mark_fill), is_date)
            xf = looked.get(key)
            if xf is None:
                xf = looks.xf(font=_first(mark_font, font), alignment=align, fill=_first(mark_fill, col.fill),
                              number_format=DATE_FORMAT if is_date else None)
                looked[key] = xf
            body[i] = _cell_body(xf, value)
        bodies.append(body)
        if not col.hidden:
            heights.append(lines)
    # one row: <c r="A2" s="5" t="inlineStr">...</c><c r="B2" ...>..., filled in by str.format
    template = "".join(f'<c r="{letter}{{0}}"{{{j}}}' for j, letter in enumerate(letters, start=1))
    r = top
    for r, (cells, lines) in enumerate(zip(zip(*bodies), zip(*(heights or [[1] * len(rows)]))), start=top + 1):
        sheet.rows[r] = (row_height(max(lines)), template.format(r, *cells))
    sheet.max_row = max(sheet.max_row, r)
    sheet.max_col = max(sheet.max_col, left + len(cols) - 1)
    return r


def _first(*looks: Any) -> Any:
    return next((look for look in looks if look is not None), None)


def _column_width(col: Col, values: Iterable[Any]) -> float:
    """The header's width or the widest value's, within the column's bounds (2 for the padding)."""
    width = max(text_width(col.header) + 2, col.min_width)
    if width >= col.max_width:
        return col.max_width
    widest = width - 2
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            continue
        seen.add(value)
        w = text_width(value)
        if w > widest:
            widest = w
            if widest + 2 >= col.max_width:
                return col.max_width
    return min(col.max_width, widest + 2)


LINE_POINTS = 13.5  # one line of 10 pt 宋体 (or its Noto CJK stand-in) with leading


def row_height(lines: int) -> float:
    return max(18.0, lines * LINE_POINTS + 4)


def line_count(value: Any, width: float) -> int:
    """How many lines a wrapped cell needs at a column width: rows are sized by civdoc, since neither
    Excel nor LibreOffice re-measures wrapped rows of a generated file reliably."""
    if value is None or value == "":
        return 1
    if isinstance(value, (date, int, float)):
        return 1
    return _lines(str(value), max(width - 0.5, 2))


def _lines(text: str, usable: float) -> int:
    if "\n" not in text:
        if len(text) * 2 <= usable:  # no character is wider than 2
            return 1
        return max(1, -(-_line_width(text) // usable))
    return sum(max(1, -(-_line_width(line) // usable)) for line in text.split("\n"))


def _data_sheet(ws: Worksheet, last_row: int, ncols: int, freeze: str = "A2") -> None:
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{max(last_row, 2)}"
    ws.print_title_rows = "1:1"


def _print_setup(ws: Worksheet, result: Result, unit: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    # 台账 has 25 visible columns: on A4 they print at about 5 pt, on A3 at a readable size
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if ws.title == "台账" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    title = f"{_title(result, unit)[:80]}·{ws.title}".replace("&", "&&")  # Excel allows 255 characters in all
    ws.oddHeader.center.text = title
    ws.oddHeader.center.size = 10
    ws.oddHeader.center.font = f"{FONT_NAME},Regular"
    ws.oddHeader.right.text = f"检查日期 {result.today.isoformat()}"
    ws.oddHeader.right.size = 9
    ws.oddHeader.right.font = f"{FONT_NAME},Regular"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9
    ws.oddFooter.center.font = f"{FONT_NAME},Regular"


def _title(result: Result, unit: str | None) -> str:
    name = result.project.config.name
    return f"{name}（{unit}）" if unit else name


# -- ordering and lookups --------------------------------------------------------------------------

def id_key(ident: str | None) -> tuple:
    """Numeric-aware: 2.10 after 2.9; non-numeric parts sort after numbers, by text."""
    if ident is None:
        return ((2, ""),)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in ident.split("."))


class Lookup:
    """Orders and indexes the result once for every sheet."""

    def __init__(self, result: Result):
        project = result.project
        self.project = project
        self.aspect_rank = {ind.id: i for i, a in enumerate(project.aspects) for ind in a.indicators}
        self.unit_rank = {u: i for i, u in enumerate(project.unit_names)}
        self.items = {(i.unit, i.indicator): i for i in result.items}
        self.findings: dict[tuple[str | None, str | None], list[Finding]] = defaultdict(list)
        for f in result.findings:
            self.findings[(f.unit, f.indicator)].append(f)
        self._unit_orders: dict[tuple[str | None, str | None], tuple] = {}

    def item_order(self, unit: str | None, ident: str | None) -> tuple:
        return (self.aspect_rank.get(ident or "", 10**6), id_key(ident), self.unit_rank.get(unit or "", 10**6))

    def unit_order(self, unit: str | None, ident: str | None) -> tuple:
        order = self._unit_orders.get((unit, ident))  # asked once a file: 50,000 times, of a few hundred pairs
        if order is None:
            order = self._unit_orders[(unit, ident)] = (self.unit_rank.get(unit or "", 10**6),
                                                        self.aspect_rank.get(ident or "", 10**6), id_key(ident))
        return order

    def deadline(self, unit: str | None, ident: str | None) -> date | None:
        item = self.items.get((unit or "", ident or ""))
        if item is not None:
            return item.deadline
        ind = self.project.indicators.get(ident or "")
        return (ind.deadline if ind else None) or self.project.config.deadline


# -- 汇总 -------------------------------------------------------------------------------------------

@dataclass
class Tally:
    required: int = 0
    done: int = 0
    errors: int = 0
    warnings: int = 0

    def __post_init__(self) -> None:
        self.passed: dict[str, int] = defaultdict(int)

    def row(self, label: str, stages: list[str]) -> list[Any]:
        rate = self.done / self.required if self.required else None
        return [label, self.required, self.done, self.required - self.done, rate, self.errors, self.warnings,
                *[self.passed[s] for s in stages]]

    def add(self, other: "Tally") -> None:
        self.required += other.required
        self.done += other.done
        self.errors += other.errors
        self.warnings += other.warnings
        for stage, n in other.passed.items():
            self.passed[stage] += n


def _tallies(result: Result, group_of_item: Any, group_of_finding: Any) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in result.items:
        if item.status == "not_required":
            continue
        t = tallies[group_of_item(item)]
        t.required += 1
        t.done += item.status == "complete"
        for s in item.stages:
            t.passed[s.stage] += s.state == "通过"
    for f in result.findings:
        if f.waived or f.severity not in ("error", "warning"):
            continue
        t = tallies[group_of_finding(f)]
        if f.severity == "error":
            t.errors += 1
        else:
            t.warnings += 1
    return tallies


OTHER_ASPECT = "（不属于任何指标）"
OTHER_UNIT = "（未归属单位）"


def _summary_sheet(ws: Worksheet, result: Result, unit: str | None) -> None:
    project = result.project
    stages = project.config.review.stages
    heads = [*SUMMARY_HEADERS, *[f"{s}通过" for s in stages]]
    ncols = 1 + len(heads)
    put(ws, 1, 1, _title(result, unit), font=TITLE, alignment=Alignment(horizontal="center", vertical="center"),
        border=None)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 30
    period = project.config.period
    line = f"材料自查汇总　　测评周期：{period.start} 至 {period.end}　　检查日期：{result.today.isoformat()}"
    if unit:
        contact = project.unit_info(unit).contact
        line += f"　　联络员：{contact}" if contact else ""
    put(ws, 2, 1, line, font=SUBTITLE, alignment=Alignment(horizontal="center", vertical="center"), border=None)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    ws.row_dimensions[2].height = 20

    aspect_of = project.aspect_of
    by_aspect = _tallies(result, lambda i: aspect_of[i.indicator].name,
                         lambda f: aspect_of[f.indicator].name if f.indicator in aspect_of else OTHER_ASPECT)
    by_unit = _tallies(result, lambda i: i.unit, lambda f: f.unit or OTHER_UNIT)
    aspects = list(dict.fromkeys(a.name for a in project.aspects))
    aspects += [OTHER_ASPECT] if OTHER_ASPECT in by_aspect else []
    units = [u for u in project.unit_names if u in by_unit] + ([OTHER_UNIT] if OTHER_UNIT in by_unit else [])

    row = _summary_table(ws, 4, "一、按测评项目统计", "测评项目", heads, aspects, by_aspect, stages, unit)
    page = Page(used=_cm(row) + 1.0)
    unit_top = row + 2
    units_end = unit_top + 2 + sum(1 for u in units if by_unit[u].required or by_unit[u].errors or by_unit[u].warnings)
    page.keep_together(ws, row + 1, _cm(units_end - row))  # no table runs on to a page without its header
    row = _summary_table(ws, unit_top, "二、按责任单位统计", "责任单位", heads, units, by_unit, stages, unit)
    first_col = max(text_width(n) for n in ["测评项目", "责任单位", *aspects, *units]) + 3
    ws.column_dimensions["A"].width = min(max(first_col, 16), 36)
    for j, head in enumerate(heads, start=2):
        ws.column_dimensions[get_column_letter(j)].width = max(text_width(head) + 3, 9)
    chart_units = [u for u in units if u != OTHER_UNIT and by_unit[u].required]
    if len(chart_units) > 1:  # a unit's own ledger has one bar: the table says it all
        chart = _rate_chart(ws, unit_top + 1, len(chart_units), row + 2)
        page.keep_together(ws, row + 1, _cm(1) + chart.height)


ROW_CM = 0.56  # a 15 pt row, with its grid line
PAGE_CM = 17.0  # A4 landscape less the margins, at 100% (the 汇总 tables are narrower than the page)


def _cm(rows: int) -> float:
    return rows * ROW_CM


@dataclass
class Page:
    """Tracks how full the printed page is, to start a block on a new page rather than cut it."""

    used: float

    def keep_together(self, ws: Worksheet, first_row: int, height: float) -> None:
        if self.used + height > PAGE_CM:
            ws.row_breaks.append(Break(id=first_row - 1))
            self.used = height
        else:
            self.used += height


def _summary_table(ws: Worksheet, top: int, caption: str, first: str, heads: list[str], groups: list[str],
                   tallies: dict[str, Tally], stages: list[str], unit: str | None) -> int:
    put(ws, top, 1, caption, font=Font(name=FONT_NAME, size=11, bold=True), alignment=LEFT, border=None)
    ws.row_dimensions[top].height = 20
    header = top + 1
    for j, head in enumerate([first, *heads], start=1):
        put(ws, header, j, head, font=HEAD, alignment=CENTER, fill=HEAD_FILL)
    total = Tally()
    r = header
    # units without a required item only matter when they carry findings
    shown = [g for g in groups if tallies[g].required or tallies[g].errors or tallies[g].warnings]
    for r, group in enumerate(shown, start=header + 1):
        tally = tallies[group]
        total.add(tally)
        _summary_row(ws, r, tally.row(group, stages), fill=None)
    r += 1
    _summary_row(ws, r, total.row("合计", stages), fill=TOTAL_FILL, bold=True)
    return r


def _summary_row(ws: Worksheet, r: int, values: list[Any], fill: PatternFill | None, bold: bool = False) -> None:
    for j, value in enumerate(values, start=1):
        font = BOLD if bold else BODY
        number_format = None
        if j == 5:  # 完成率
            value = value if value is not None else "—"
            number_format = "0.0%"
        if j == 4 and isinstance(value, int) and value > 0:  # 未完成
            font = RED_BOLD if bold else RED
        if j == 6 and isinstance(value, int) and value > 0:  # 错误
            font = RED_BOLD if bold else RED
        align = WRAP if j == 1 else CENTER
        put(ws, r, j, value, font=font, alignment=align, fill=fill, number_format=number_format)
        if j == 4 and isinstance(value, int) and value > 0 and not bold:
            ws.cell(r, j).fill = RED_FILL


def _rate_chart(ws: Worksheet, header_row: int, count: int, anchor_row: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "各单位材料完成率"
    chart.legend = None
    data = Reference(ws, min_col=5, min_row=header_row, max_row=header_row + count)
    cats = Reference(ws, min_col=1, min_row=header_row + 1, max_row=header_row + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # first unit at the top, as in the table
    chart.gapWidth = 60
    series = chart.series[0]
    series.graphicalProperties.solidFill = "5B9BD5"
    series.graphicalProperties.line.solidFill = "5B9BD5"
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    for attr in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(series.dLbls, attr, False)
    chart.width = 24
    chart.height = max(6.0, 2.0 + 0.6 * count)
    ws.add_chart(chart, f"A{anchor_row}")
    return chart


# -- 台账 -------------------------------------------------------------------------------------------

def ledger_columns(stages: list[str]) -> list[Col]:
    """Narrow enough that A4 landscape prints at a readable scale; headers wrap onto two lines."""
    cols = [Col("序号", 5, center=True), Col("指标编号", 6, center=True), Col("测评项目", 10, min_width=8),
            Col("测评内容", 12, min_width=10), Col("测评标准", 28, min_width=24), Col("测评方法", 8, center=True),
            Col("分值", 5, center=True), Col("牵头单位", 10, center=True), Col("责任单位", 10, center=True),
            Col("应报材料", 14, min_width=12), Col("已报材料", 14, min_width=12), Col("存在问题", 28, min_width=20),
            Col("完成情况", 7, center=True), Col("完成时限", 11, min_width=11, center=True)]
    for stage in stages:
        cols += [Col(state_header(stage), 9, min_width=9, center=True),
                 Col(reviewer_header(stage), 10, min_width=10, center=True),
                 Col(date_header(stage), 11, min_width=11, center=True)]
    cols += [Col(NOTE, 12, min_width=12), Col(REMARK, 10, min_width=10),
             Col(KEY, hidden=True), Col(FINGERPRINT, hidden=True), Col(SNAPSHOT, hidden=True)]
    return cols


def ledger_items(result: Result, look: Lookup | None = None) -> list[Item]:
    look = look or Lookup(result)
    return sorted(result.items, key=lambda i: look.item_order(i.unit, i.indicator))


def standards_text(ind: Indicator) -> str:
    own = ind.method or DEFAULT_METHOD
    clauses = [s.text + (f"（{s.method}）" if s.method and s.method != own else "") for s in ind.standards]
    if len(clauses) > 1:
        clauses = [f"{n}. {c}" for n, c in enumerate(clauses, start=1)]
    return "\n".join(clauses)


def _score(value: float | None) -> float | int | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


MAX_PROBLEM_LINES = 6


def problem_text(findings: list[Finding]) -> str:
    """The item's open errors and warnings, one short line each: code, type, file, first sentence."""
    shown = [f for f in findings if not f.waived and f.severity in ("error", "warning")]
    lines = []
    for f in shown[:MAX_PROBLEM_LINES]:
        first = f.message.split("。", 1)[0] + "。"
        where = f"（{f.path.rsplit('/', 1)[-1]}）" if f.path else ""
        lines.append(f"{f.code} {RULES[f.code].title}{where}：{first}")
    if len(shown) > MAX_PROBLEM_LINES:
        lines.append(f"……另有 {len(shown) - MAX_PROBLEM_LINES} 条，见“问题清单”。")
    return "\n".join(lines)


_SNAPSHOT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps makes one a call


def _snapshot(item: Item, note: str) -> str:
    data: dict[str, Any] = {s.stage: [s.state, s.by or "", (s.at or "")[:10]] for s in item.stages}
    data[NOTE_KEY] = note
    return _SNAPSHOT_JSON.encode(data)


def _review_note(item: Item) -> str:
    notes = [f"{s.stage}（{s.state}）：{s.note}" for s in item.stages if s.note and s.state != "待审"]
    return "\n".join(notes)


def _at_date(at: str | None) -> date | str:
    if not at:
        return ""
    try:
        return date.fromisoformat(at[:10])
    except ValueError:
        return at[:10]


def _ledger_sheet(sheet: SheetXML, result: Result, unit: str | None, look: Lookup) -> None:
    ws = sheet.ws
    project = result.project
    stages = project.config.review.stages
    cols = ledger_columns(stages)
    index = {c.header: j for j, c in enumerate(cols)}
    state_cols = [index[state_header(s)] for s in stages]
    review_cols = [j for s in stages for j in (index[state_header(s)], index[reviewer_header(s)],
                                                  index[date_header(s)])] + [index[NOTE]]
    status_col, problem_col = index["完成情况"], index["存在问题"]
    grey: Marks = {j: (GREY, None) for j in range(len(cols))}
    standards: dict[str, str] = {}  # an indicator's, the same for each of its units
    rows: list[tuple[Any, ...]] = []
    marks: list[Marks | None] = []
    items = ledger_items(result, look)
    for n, item in enumerate(items, start=1):
        ind = project.indicators[item.indicator]
        required = item.status != "not_required"
        findings = look.findings.get((item.unit, item.indicator), [])
        if required:  # an error on the unit (C201: no folder) holds for each of its items
            findings = findings + [f for f in look.findings.get((item.unit, None), []) if f.severity == "error"]
            wanted = "\n".join(f"{r.name} ≥{r.min}" for r in item.requirements)
            have = "\n".join(f"{r.name} {r.found}/{r.min}" for r in item.requirements)
            review: list[Any] = []
            for s in item.stages:
                review += [s.state, s.by or "", _at_date(s.at)]
            note = _review_note(item)
            remark = ""
            problems = problem_text(findings)
            mark: Marks = {j: (None, REVIEW_FILL) for j in review_cols}
            mark[status_col] = (RED_BOLD, RED_FILL) if item.status == "incomplete" else (GREEN, None)
            if any(f.severity == "error" and not f.waived for f in findings):
                mark[problem_col] = (RED, None)
            elif problems:
                mark[problem_col] = (AMBER, None)
        else:
            wanted, have = "不需报送材料", "—"
            review = ["—", "", ""] * len(stages)
            note = ""
            remark = f"以{'、'.join(ind.methods)}方式测评，不需报送材料"
            problems = ""
            mark = grey
        if ind.id not in standards:
            standards[ind.id] = standards_text(ind)
        rows.append((n, ind.id, project.aspect_of[ind.id].name, ind.content, standards[ind.id],
                     "、".join(ind.methods), _score(ind.score), ind.lead or "", item.unit, wanted, have,
                     problems, STATUS[item.status], item.deadline or "",
                     *review, note, remark, item.key, item.fingerprint or "",
                     _snapshot(item, note) if required else ""))
        marks.append(mark)
    last = _table(sheet, 1, cols, rows, marks, head={j: (None, REVIEW_HEAD_FILL) for j in review_cols})
    _data_sheet(ws, last, len(cols), freeze="E2")
    sheet.height(1, 30)

    required_rows = [r for r, item in enumerate(items, start=2) if item.status != "not_required"]
    _state_validation(ws, [j + 1 for j in state_cols], required_rows)
    _state_colours(ws, [j + 1 for j in state_cols], len(items) + 1)
    if unit:
        _sign_off(sheet, result, unit, last + 2)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


def _state_validation(ws: Worksheet, state_cols: list[int], rows: list[int]) -> None:
    if not rows:
        return
    dv = DataValidation(type="list", formula1='"' + ",".join(STATE_CHOICES) + '"', allow_blank=True,
                        showDropDown=False, showErrorMessage=True, showInputMessage=True)
    dv.errorTitle = "审核状态无效"
    dv.error = "请从下拉列表中选择：待审、通过 或 退回。"
    dv.errorStyle = "stop"
    dv.promptTitle = "审核状态"
    dv.prompt = "选择“通过”或“退回”，并填写审核人和日期。“失效”由 civdoc 标注：签署后材料有变动，需重新审核。"
    for col in state_cols:
        letter = get_column_letter(col)
        for a, b in _runs(rows):
            dv.add(f"{letter}{a}:{letter}{b}" if a != b else f"{letter}{a}")
    ws.add_data_validation(dv)


def _state_colours(ws: Worksheet, state_cols: list[int], last_row: int) -> None:
    """Colours follow what a reviewer picks, so they are conditional, not fixed."""
    for col in state_cols:
        letter = get_column_letter(col)
        area = f"{letter}2:{letter}{max(last_row, 2)}"
        ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=['"通过"'], fill=GREEN_FILL,
                                                       font=Font(color="006100")))
        ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=['"退回"'], fill=RED_FILL,
                                                       font=Font(color="9C0006")))
        ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=['"失效"'], fill=AMBER_FILL,
                                                       font=Font(color="9C5700")))


def _sign_off(sheet: SheetXML, result: Result, unit: str, top: int) -> None:
    """Where the unit's 分管领导 and 联络员 sign: plain text lines below the table, no merged cells
    (merged cells would stop a reviewer sorting the sheet)."""
    contact = result.project.unit_info(unit).contact or ""
    blank = "＿＿＿＿＿＿＿＿"
    day = "＿＿＿＿年＿＿月＿＿日"
    liaison = (f"联络员：{contact}　　（签字）：{blank}" if contact
               else f"联络员（签字）：{blank}　　联系电话：{blank}")
    big = Font(name=FONT_NAME, size=12)
    lines = [
        (f"责任单位（盖章）：{unit}", Font(name=FONT_NAME, size=12, bold=True)),
        (f"分管领导（签字）：{blank}　　　　日期：{day}", big),
        (f"{liaison}　　　　日期：{day}", big),
        ("说明：本台账由 civdoc 根据佐证材料自动生成；“存在问题”所列事项请于完成时限前整改。", GREY),
    ]
    for k, (text, font) in enumerate(lines):
        r = top + k * 2
        sheet.put(r, 2, text, sheet.looks.xf(font=font, alignment=LEFT, border=None))
        sheet.height(r, 26)


# -- 问题清单 ----------------------------------------------------------------------------------------

def _problem_sheet(sheet: SheetXML, result: Result, look: Lookup) -> None:
    project = result.project
    cols = [Col("序号", 6, center=True), Col("责任单位", 14, center=True), Col("指标编号", 8, center=True),
            Col("测评内容", 16), Col("代码", 7, center=True), Col("问题类型", 14), Col("说明", 50, min_width=30),
            Col("文件", 36, min_width=16), Col("严重程度", 10, center=True), Col("豁免理由", 24, min_width=10),
            Col("整改时限", 11, min_width=11, center=True), Col("整改情况", 16, min_width=14, fill=REVIEW_FILL)]
    # what must be put right first (errors and warnings, by unit), then hints and waived findings
    findings = sorted(result.findings, key=lambda f: (f.waived or f.severity == "info",
                                                     look.unit_order(f.unit, f.indicator),
                                                     {"error": 0, "warning": 1, "info": 2}[f.severity],
                                                     f.code, f.path or ""))
    waived: Marks = {j: (GREY, None) for j in range(len(cols))}
    severity_marks: dict[str, Marks] = {"error": {8: (RED_BOLD, RED_FILL)}, "warning": {8: (AMBER, AMBER_FILL)}}
    rows = []
    marks: list[Marks | None] = []
    for n, f in enumerate(findings, start=1):
        ind = project.indicators.get(f.indicator or "")
        severity = SEVERITY[f.severity] + ("（已豁免）" if f.waived else "")
        rows.append((n, f.unit or OTHER_UNIT, f.indicator or "", ind.content if ind else "", f.code,
                     RULES[f.code].title, f.message, _shown_path(f.path), severity, f.waiver_reason or "",
                     look.deadline(f.unit, f.indicator) or "", ""))
        marks.append(waived if f.waived else severity_marks.get(f.severity))
    last = _table(sheet, 1, cols, rows, marks)
    _data_sheet(sheet.ws, last, len(cols))
    sheet.height(1, 24)


def _shown_path(path: str | None) -> str:
    if not path:
        return ""
    return path[len("evidence/"):] if path.startswith("evidence/") else path


# -- 文件清单 ----------------------------------------------------------------------------------------

def _link_base(result: Result, unit: str | None, path: Path | None) -> Path:
    if path is not None:
        return Path(os.path.abspath(path)).parent
    out = result.project.root / "out"
    return out / UNIT_FOLDER if unit else out


_UNSAFE = {"%": "%25", "#": "%23", " ": "%20", "?": "%3F", "\u3000": "%E3%80%80"}
_ESCAPE_UNSAFE = str.maketrans(_UNSAFE)


def link_target(root: Path, rel_path: str, base: Path) -> str:
    """A relative link from the workbook's folder to an evidence file. Chinese stays as it is (Excel and
    WPS open such links); only what a URL would misread is escaped: % # ? and spaces."""
    try:
        rel = os.path.relpath(root / rel_path, base).replace(os.sep, "/")
    except ValueError:  # another drive on Windows: no relative path exists
        return (root / rel_path).resolve().as_uri()
    return rel.translate(_ESCAPE_UNSAFE)


class Links:
    """link_target for the many files of one project seen from one folder: the way from the folder to the
    project is worked out once, not once a file (os.path.relpath takes some 10 µs)."""

    def __init__(self, root: Path, base: Path):
        self.root, self.base = root, base
        try:
            self.up: str | None = os.path.relpath(root, base).replace(os.sep, "/")
        except ValueError:
            self.up = None
        # a workbook inside the project: a path through its own folder would come out shorter
        self.own = ""
        if self.up is not None and set(self.up.split("/")) == {".."}:
            self.own = os.path.normcase(Path(os.path.relpath(base, root)).parts[0])

    def target(self, rel_path: str) -> str:
        first = rel_path.split("/", 1)[0]
        padded = f"/{rel_path}/"
        if (self.up is None or (os.sep != "/" and os.sep in rel_path) or os.path.normcase(first) == self.own
                or "//" in padded or "/./" in padded or "/../" in padded):
            return link_target(self.root, rel_path, self.base)
        rel = rel_path if self.up == "." else f"{self.up}/{rel_path}"
        for ch, escaped in _UNSAFE.items():  # "%" first: what it puts in is not escaped again
            if ch in rel:
                rel = rel.replace(ch, escaped)
        return rel


def _pages_or_pixels(f: EvidenceFile) -> str:
    ins = f.inspection
    if ins is None:
        return ""
    if ins.pages:
        return f"{ins.pages}页"
    if ins.width and ins.height:
        return f"{ins.width}×{ins.height}"
    return ""


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size == 0:
        return "0 KB"
    return f"{max(1, round(size / 1024))} KB"


def _type_label(f: EvidenceFile) -> str:
    ins = f.inspection
    kind = ins.kind if ins and ins.kind else None
    ext = f.ext.upper() if f.ext else "（无扩展名）"
    if kind and kind.lower() not in (f.ext, "jpeg" if f.ext == "jpg" else f.ext, "ole"):
        return f"{ext}（实为 {kind.upper()}）"
    return ext


def _file_name(f: EvidenceFile) -> str:
    return f.item_path or _shown_path(f.path)


def _file_sheet(sheet: SheetXML, result: Result, base: Path, look: Lookup) -> None:
    links = Links(result.project.root, base)
    cols = [Col("序号", 6, center=True), Col("责任单位", 14, center=True), Col("指标编号", 8, center=True),
            Col("材料项", 14), Col("文件名", 44, min_width=20), Col("类型", 10, center=True),
            Col("页数/像素", 11, center=True), Col("日期", 11, min_width=11, center=True), Col("日期来源", 14),
            Col("大小", 10, center=True), Col("SHA-256", 34, min_width=34, font=MONO), Col("可用", 6, center=True),
            Col("打开文件", 9, center=True, font=LINK)]
    # by unit, indicator and path: two stable sorts make no key tuple a file (see SheetXML.rows)
    files = sorted(result.files, key=attrgetter("path"))
    files.sort(key=lambda f: look.unit_order(f.unit, f.indicator))
    unusable: Marks = {11: (RED_BOLD, RED_FILL)}
    undated: Marks = {7: (AMBER, None)}
    neither: Marks = {**unusable, **undated}
    rows = []
    marks: list[Marks | None] = []
    for n, f in enumerate(files, start=1):
        ins = f.inspection
        source = DATE_SOURCES.get(f.date_source or "", f.date_source or "") if f.date else ""
        sha = ins.sha256.removeprefix("sha256:") if ins and ins.sha256 else ""
        rows.append((n, f.unit or OTHER_UNIT, f.indicator or "", f.requirement or "", _file_name(f),
                     _type_label(f), _pages_or_pixels(f), f.date.label() if f.date else "无法确定", source,
                     size_text(f.size), sha, "是" if f.usable else "否", "打开"))
        marks.append(None if f.usable and f.date else undated if f.usable else unusable if f.date else neither)
        sheet.link(n + 1, len(cols), links.target(f.path))
    last = _table(sheet, 1, cols, rows, marks)
    _data_sheet(sheet.ws, last, len(cols))
    sheet.height(1, 24)
