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

One module per job: columns (the contract review import reads), styles, sheetxml (the raw
sheet writer), measure (text widths), table and page set-up, lookup, and one module per sheet.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook

from civdoc.check.evaluate import Result
from civdoc.render.xlsx.columns import SHEETS
from civdoc.render.xlsx.files import _file_sheet, _link_base
from civdoc.render.xlsx.ledger import _ledger_sheet
from civdoc.render.xlsx.lookup import Lookup
from civdoc.render.xlsx.problems import _problem_sheet
from civdoc.render.xlsx.sheetxml import SheetXML, _with_cells
from civdoc.render.xlsx.styles import Looks
from civdoc.render.xlsx.summary import _summary_sheet
from civdoc.render.xlsx.table import _print_setup, _title


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
