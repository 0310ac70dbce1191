"""材料目录.xlsx and 材料目录.docx of the 网上申报 package: every indicator, its packed files (new name,
original path, pages or pixels, date, SHA-256), and for an incomplete item what is missing and which
files were left out for which problem.

The workbook is written in openpyxl's write-only mode (rows streamed: 20,000 files are fine). The Word
catalogue takes the page set-up, styles and page numbers of the built-in dossier template (GB/T 9704)
and its table writer (render/docx.py), on one landscape section.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from civdoc.pack.plan import Entry, Packed, Photobook, Plan
from civdoc.render.docx.text import cn_date
from civdoc.render.xlsx.files import size_text
from civdoc.render.xlsx.measure import line_count, row_height
from civdoc.render.xlsx.styles import (
    BODY,
    BOLD,
    BOX,
    CENTER,
    FONT_NAME,
    GREY_FILL,
    HEAD,
    HEAD_FILL,
    LEFT,
    MONO,
    RED,
    TITLE,
    WRAP,
)

GROUP_FILL = GREY_FILL

BOOK = "材料目录"


@dataclass
class BookInfo:
    """What the catalogue says about a 照片集 once it is made."""

    pages: int
    sha256: str
    size: int
    skipped: list[str]  # original names of photos left out of it


@dataclass
class Facts:
    title: str  # project name
    today: date
    unit: str | None
    method: str | None
    books: dict[str, BookInfo]  # photobook rel -> info
    part_names: dict[str, list[str]]  # aspect folder -> its zip files
    too_large: list[str]  # package paths named, not zipped


def title_of(facts: Facts) -> str:
    scope = f"（{facts.unit}）" if facts.unit else ""
    name = facts.title.removesuffix("台账").removesuffix("材料自查") or facts.title  # not 材料自查网上申报…
    return f"{name}{scope}网上申报材料目录"


def _status(entry: Entry) -> str:
    return "已完成" if entry.complete else "未完成"


def _scope_text(facts: Facts) -> str:
    parts = []
    if facts.unit:
        parts.append(f"仅含{facts.unit}的材料")
    if facts.method:
        parts.append(f"仅含测评方法为“{facts.method}”的指标")
    return "；".join(parts)


def summary_lines(plan: Plan, facts: Facts) -> list[str]:
    complete = sum(e.complete for e in plan.entries)
    packed = len(plan.packed)
    books = sum(1 for e in plan.entries for b in e.photobooks if b.rel in facts.books)
    total = len(plan.entries)
    lines = [
        f"本目录收录指标{total}项，其中材料齐全{complete}项、尚有缺漏{total - complete}项；"
        f"纳入材料文件{packed}个，另编照片集{books}册；因存在问题未纳入的文件{len(plan.left_out)}个。"
    ]
    scope = _scope_text(facts)
    if scope:
        lines.append(f"本次打包范围：{scope}。")
    lines.append(
        "每个文件均列出新文件名、原文件位置、页数或像素、日期和 SHA-256 校验值；"
        "文件夹中的 SHA256SUMS 可用于核对文件是否完整、未被改动。"
    )
    return lines


# -- rows shared by both --------------------------------------------------------------------------


def _file_rows(entry: Entry, facts: Facts) -> Iterator[tuple[str, str, str, str, str, str, str, str]]:
    """(new name, unit, requirement, original path, pages/pixels, date, size, sha256) in folder order."""
    for thing in entry.order:
        name = thing.rel.rsplit("/", 1)[-1]
        if isinstance(thing, Photobook):
            info = facts.books.get(thing.rel)
            if info is None:
                continue
            origin = f"由本项{len(thing.photos) - len(info.skipped)}张照片汇编"
            yield name, thing.unit, thing.requirement, origin, f"{info.pages}页", "", size_text(info.size), info.sha256
            continue
        yield (
            name,
            thing.unit,
            thing.requirement,
            _shown(thing.file.path),
            thing.pages_or_pixels,
            _date(thing),
            size_text(thing.file.size),
            thing.sha256,
        )


def _date(p: Packed) -> str:
    return f"{p.date_text}（{p.date_source}）" if p.date_source else p.date_text


def _shown(path: str) -> str:
    return path.removeprefix("evidence/")


def _gap_rows(entry: Entry, facts: Facts) -> Iterator[tuple[str, str, str]]:
    """(unit, what, why) for what an item lacks and each file left out."""
    for line in entry.missing():
        unit, _, what = line.partition("：")
        yield unit, what, "材料不足，须补充后重新打包"
    for x in entry.left_out:
        yield x.unit, _shown(x.file.path), "；".join(x.reasons)
    for book in entry.photobooks:
        info = facts.books.get(book.rel)
        skipped = info.skipped if info else [p.original_name for p in book.photos]
        for name in skipped:
            yield book.unit, f"{name}（照片集）", "照片无法解码，未编入照片集；原文件已作为单独文件纳入"
    for thing in entry.packed:
        if thing.rel in facts.too_large:
            yield thing.unit, thing.rel.rsplit("/", 1)[-1], "文件超过单个压缩包的大小上限，未放入压缩包，请单独上传"


# -- Excel ----------------------------------------------------------------------------------------


class _Sheet:
    """A write-only sheet whose rows are sized here: no spreadsheet program re-measures wrapped rows."""

    def __init__(self, ws: WriteOnlyWorksheet, facts: Facts, heads: list[str], widths: list[float], caption: str):
        self.ws, self.widths, self.row = ws, widths, 0
        for n, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + n)].width = width
        ws.freeze_panes = "A3"
        ws.print_title_rows = "2:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.7
        ws.oddHeader.center.text = f"{title_of(facts)[:80]}·{caption}".replace("&", "&&")
        ws.oddHeader.center.size = 10
        ws.oddHeader.center.font = f"{FONT_NAME},Regular"
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.size = 9
        ws.oddFooter.center.font = f"{FONT_NAME},Regular"
        title = WriteOnlyCell(ws, value=f"{title_of(facts)}（{caption}，{cn_date(facts.today)}）")
        title.font = TITLE
        self._append([title], 26)
        self.put(heads, HEAD, HEAD_FILL, CENTER)  # sized like data: a narrow 指标编号 column takes two lines

    def _append(self, cells: list[WriteOnlyCell], height: float) -> None:
        self.row += 1
        self.ws.row_dimensions[self.row].height = height
        self.ws.append(cells)

    def put(
        self,
        values: list[Any],
        font: Any = BODY,
        fill: Any = None,
        align: Any = WRAP,
        fonts: dict[int, Any] | None = None,
        centered: Iterable[int] = (),
    ) -> None:
        cells = []
        middle = set(centered)
        lines = 1
        for n, value in enumerate(values):
            cell = WriteOnlyCell(self.ws, value=value)
            cell.font = (fonts or {}).get(n, font)
            cell.alignment = CENTER if n in middle else align
            cell.border = BOX
            if fill is not None:
                cell.fill = fill
            cells.append(cell)
            lines = max(lines, line_count(value, self.widths[n]))
        self._append(cells, row_height(lines))

    def group(self, text: str, columns: int) -> None:
        """A bold row naming an indicator, across the table (its text overflows the empty cells)."""
        first = WriteOnlyCell(self.ws, value=text)
        first.font, first.fill, first.border = BOLD, GROUP_FILL, BOX
        first.alignment = LEFT
        rest = []
        for _ in range(columns - 1):
            cell = WriteOnlyCell(self.ws, value=None)
            cell.fill, cell.border = GROUP_FILL, BOX
            rest.append(cell)
        self._append([first, *rest], row_height(1))


def workbook_bytes(plan: Plan, facts: Facts) -> bytes:
    wb = Workbook(write_only=True)
    _catalogue_sheet(wb.create_sheet("材料目录"), plan, facts)
    _item_sheet(wb.create_sheet("指标情况"), plan, facts)
    _gap_sheet(wb.create_sheet("缺漏和未纳入材料"), plan, facts)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sha_lines(sha: str, width: int) -> str:
    return "\n".join(sha[i : i + width] for i in range(0, len(sha), width))


def _catalogue_sheet(ws: WriteOnlyWorksheet, plan: Plan, facts: Facts) -> None:
    heads = [
        "序号",
        "指标编号",
        "责任单位",
        "材料项",
        "新文件名",
        "原文件位置",
        "页数/像素",
        "日期（来源）",
        "大小",
        "SHA-256",
    ]
    sheet = _Sheet(ws, facts, heads, [5, 7, 12, 10, 35, 35, 10, 15, 8, 17], "文件清单")
    n = 0
    for entry in plan.entries:
        units = "、".join(i.unit for i in entry.items)
        sheet.group(
            f"{entry.indicator.id} {entry.indicator.content}（{entry.aspect}）　责任单位：{units}　{_status(entry)}",
            len(heads),
        )
        for name, unit, requirement, origin, pages, day, size, sha in _file_rows(entry, facts):
            n += 1
            sheet.put(
                [
                    n,
                    entry.indicator.id,
                    unit,
                    requirement,
                    name,
                    origin,
                    pages,
                    day.replace("（", "\n（", 1),
                    size,
                    _sha_lines(sha, 16),
                ],
                fonts={9: MONO},
                centered=(0, 1, 6, 7, 8),
            )
    if n == 0:
        sheet.put(["—", "", "", "", "没有纳入的文件"] + [""] * 5)


def _item_sheet(ws: WriteOnlyWorksheet, plan: Plan, facts: Facts) -> None:
    heads = [
        "序号",
        "测评项目",
        "指标编号",
        "测评内容",
        "责任单位",
        "完成情况",
        "纳入文件",
        "未纳入文件",
        "缺漏情况",
        "所在压缩包",
    ]
    sheet = _Sheet(ws, facts, heads, [5, 14, 7, 22, 20, 9, 8, 8, 40, 22], "指标情况")
    for n, entry in enumerate(plan.entries, 1):
        units = "、".join(i.unit for i in entry.items)
        gaps = "\n".join(entry.missing()) or "—"
        parts = "\n".join(facts.part_names.get(entry.aspect, [])) or "—"
        sheet.put(
            [
                n,
                entry.aspect,
                entry.indicator.id,
                entry.indicator.content,
                units,
                _status(entry),
                len(entry.packed),
                len(entry.left_out),
                gaps,
                parts,
            ],
            fonts={5: BODY if entry.complete else RED},
            centered=(0, 2, 5, 6, 7),
        )


def _gap_sheet(ws: WriteOnlyWorksheet, plan: Plan, facts: Facts) -> None:
    heads = ["序号", "指标编号", "测评内容", "责任单位", "缺少的材料或未纳入的文件", "原因"]
    sheet = _Sheet(ws, facts, heads, [5, 7, 20, 14, 44, 62], "缺漏和未纳入材料")
    n = 0
    for entry in plan.entries:
        for unit, what, why in _gap_rows(entry, facts):
            n += 1
            sheet.put([n, entry.indicator.id, entry.indicator.content, unit, what, why], centered=(0, 1))
    if n == 0:
        sheet.put(["—", "", "", "", "各指标材料齐全，所有文件均已纳入。", ""])


def write_catalogue(folder: Path, plan: Plan, facts: Facts) -> list[Path]:
    """Both catalogue files in folder (a package being built, so plain writes)."""
    from civdoc.render.pack_catalog_docx import write_document

    book, document = folder / f"{BOOK}.xlsx", folder / f"{BOOK}.docx"
    book.write_bytes(workbook_bytes(plan, facts))
    write_document(document, plan, facts)
    return [book, document]
