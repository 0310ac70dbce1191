"""A table on a sheet (header, rows, widths, heights) and each sheet's page set-up: A4, margins, titles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from civdoc.check.evaluate import Result
from civdoc.render.printed import cn_date
from civdoc.render.wrap import wrapped
from civdoc.render.xlsx.measure import half_ems, row_height, text_width
from civdoc.render.xlsx.sheetxml import SheetXML, _cell_body, cell_xml
from civdoc.render.xlsx.styles import BODY, CENTER, DATE_FORMAT, FONT_NAME, HEAD, HEAD_FILL, WRAP, Col, Marks


def _table(
    sheet: SheetXML,
    top: int,
    cols: Sequence[Col],
    rows: Sequence[Sequence[Any]],
    marks: Sequence[Marks | None] | None = None,
    head: Marks | None = None,
    left: int = 1,
) -> int:
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

    heads = [
        looks.xf(font=HEAD, alignment=CENTER, fill=(head or {}).get(j, (None, HEAD_FILL))[1]) for j in range(len(cols))
    ]
    titles = [
        wrapped(c.header, half_ems(w, HEAD.sz)) if c.printed and not c.hidden else c.header for c, w in zip(cols, final)
    ]
    sheet.rows[top] = (
        row_height(max(t.count("\n") + 1 for t in titles)),
        [cell_xml(f"{letters[j]}{top}", heads[j], t) for j, t in enumerate(titles)],
    )
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
        usable = half_ems(final[j], (font.sz or 10)) if col.printed and not col.hidden else None
        known: dict[str, tuple[str, float, str]] = {}
        body: list[str] = []
        lines: list[float] = []
        values = list(column)
        for i, value in enumerate(column):
            if type(value) is str:
                hit = known.get(value)
                if hit is None:
                    shown = wrapped(value, usable) if value and usable else value
                    hit = known[value] = (_cell_body(plain, shown), shown.count("\n") + 1, shown)
                body.append(hit[0])
                lines.append(hit[1])
                values[i] = hit[2]
            else:
                body.append(_cell_body(dated if isinstance(value, date) else plain, value))
                lines.append(1)
        looked: dict[tuple[int, int, bool], int] = {}
        for i, (mark_font, mark_fill) in marked[j].items():  # the cells that look different
            value = values[i]
            is_date = isinstance(value, date)
            key = (id(mark_font), id(mark_fill), is_date)
            xf = looked.get(key)
            if xf is None:
                xf = looks.xf(
                    font=_first(mark_font, font),
                    alignment=align,
                    fill=_first(mark_fill, col.fill),
                    number_format=DATE_FORMAT if is_date else None,
                )
                looked[key] = xf
            body[i] = _cell_body(xf, value)
        bodies.append(body)
        if not col.hidden:
            heights.append(lines)
    # one row: <c r="A2" s="5" t="inlineStr">...</c><c r="B2" ...>..., filled in by str.format
    template = "".join(f'<c r="{letter}{{0}}"{{{j}}}' for j, letter in enumerate(letters, start=1))
    r = top
    for r, (cells, line_counts) in enumerate(zip(zip(*bodies), zip(*(heights or [[1] * len(rows)]))), start=top + 1):
        sheet.rows[r] = (row_height(int(max(line_counts))), template.format(r, *cells))
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


def _data_sheet(ws: Worksheet, last_row: int, ncols: int, freeze: str = "A2") -> None:
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{max(last_row, 2)}"
    ws.print_title_rows = "1:1"


MARGIN_INCHES = 0.35  # left and right: 791 pt of A4 landscape between them


def _print_setup(ws: Worksheet, result: Result, unit: str | None) -> None:
    # offices print on A4: the printed columns of every sheet fit its width at 100% (see ledger_columns);
    # fit-to-width stays on as a guard should a reviewer widen a column
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = MARGIN_INCHES
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    title = f"{_title(result, unit)[:80]}·{ws.title}".replace("&", "&&")  # Excel allows 255 characters in all
    ws.oddHeader.center.text = title
    ws.oddHeader.center.size = 10
    ws.oddHeader.center.font = f"{FONT_NAME},Regular"
    ws.oddHeader.right.text = f"检查日期 {cn_date(result.today)}"
    ws.oddHeader.right.size = 10
    ws.oddHeader.right.font = f"{FONT_NAME},Regular"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 10
    ws.oddFooter.center.font = f"{FONT_NAME},Regular"


def _title(result: Result, unit: str | None) -> str:
    name = result.project.config.name
    return f"{name}（{unit}）" if unit else name
