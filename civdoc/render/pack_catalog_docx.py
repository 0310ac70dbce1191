"""材料目录.docx: the package's catalogue in the dossier's GB/T 9704 form, on one landscape section.

The page set-up, styles and page numbers come from the built-in dossier template, the headings,
paragraphs and table frames from render/docx.py's Writer. The big tables' rows are not built as XML
objects (20,000 rows would take half a gigabyte): each table is left empty with a comment where its
rows go, and the rows are streamed as text into word/document.xml while the file is written.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx.oxml.ns import qn
from lxml import etree

from civdoc.pack.plan import Entry, Plan
from civdoc.render.docx.styles import _styles
from civdoc.render.docx.text import cn_date, cn_number
from civdoc.render.docx.writer import Column, Writer, clean
from civdoc.render.pack_catalog import Facts, _file_rows, _gap_rows, _sha_lines, _status, summary_lines, title_of

ROWS = "civdoc-rows-{}"
_ROWS = re.compile(r"<!--civdoc-rows-(\d+)-->")
LANDSCAPE_WIDTH = 16838 - 2098 - 1984  # landscape A4 less the dossier's landscape margins, in twips
FILE_COLUMNS = [
    Column("序号", 9, "center"),
    Column("新文件名", 62),
    Column("原文件位置", 58),
    Column("页数/像素", 20, "center"),
    Column("日期（来源）", 26, "center"),
    Column("SHA-256", 38),
]
GAP_COLUMNS = [
    Column("序号", 9, "center"),
    Column("指标编号", 16, "center"),
    Column("责任单位", 26),
    Column("缺少的材料或未纳入的文件", 72),
    Column("原因", 90),
]

RowSource = Callable[[], Iterator[str]]


def write_document(target: Path, plan: Plan, facts: Facts) -> None:
    from docx import Document

    from civdoc.render.templating import DOSSIER, builtin_dir

    with builtin_dir().joinpath(DOSSIER).open("rb") as handle:
        doc = Document(handle)
    body = doc.element.body
    _one_landscape_section(body)
    w = Writer(_styles(doc))
    w.width = LANDSCAPE_WIDTH
    streams: list[RowSource] = []
    blocks: list[Any] = [_styled(w, title_of(facts), "Title"), _styled(w, f"（{cn_date(facts.today)}）", "Subtitle")]
    blocks.append(_styled(w, "一、总体情况", "Heading1"))
    blocks += [w.paragraph(line) for line in summary_lines(plan, facts)]
    blocks.append(_styled(w, "二、材料目录", "Heading1"))
    blocks += _catalogue_blocks(w, plan, facts, streams)
    blocks.append(_styled(w, "三、缺漏和未纳入材料", "Heading1"))
    blocks += _gap_blocks(w, plan, facts, streams)
    blocks.append(w.paragraph(""))
    blocks.append(w.paragraph("编制单位（盖章）："))
    blocks.append(w.paragraph("编制日期：　　　　年　　月　　日"))
    sect = body[-1]
    for block in blocks:
        sect.addprevious(block)
    props = doc.core_properties
    props.title = title_of(facts)
    props.subject = facts.title
    props.created = props.modified = datetime.now()
    skeleton = io.BytesIO()
    doc.save(skeleton)
    _stream_rows(skeleton, target, streams)


def _stream_rows(skeleton: io.BytesIO, target: Path, streams: list[RowSource]) -> None:
    """A copy of the saved document with each table's rows written where its comment stands."""
    with zipfile.ZipFile(skeleton) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename != "word/document.xml":
                dst.writestr(info, data)
                continue
            xml = data.decode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(entry, "w") as out:
                pos = 0
                for found in _ROWS.finditer(xml):
                    out.write(xml[pos : found.start()].encode("utf-8"))
                    for row in streams[int(found.group(1))]():
                        out.write(row.encode("utf-8"))
                    pos = found.end()
                out.write(xml[pos:].encode("utf-8"))


def _one_landscape_section(body: Any) -> None:
    """Empty the template's body, keeping one landscape section with the first section's page numbers."""
    first = next(body.iter(qn("w:sectPr")))
    section = copy.deepcopy(first)
    size, margin = section.find(qn("w:pgSz")), section.find(qn("w:pgMar"))
    size.set(qn("w:w"), "16838")
    size.set(qn("w:h"), "11906")
    size.set(qn("w:orient"), "landscape")
    for side, value in (
        ("top", "1587"),
        ("right", "1984"),
        ("bottom", "1474"),
        ("left", "2098"),
        ("header", "680"),
        ("footer", "794"),
    ):
        margin.set(qn(f"w:{side}"), value)
    for child in list(body):
        body.remove(child)
    body.append(section)


def _styled(w: Writer, text: str, style_id: str) -> Any:
    p = w.paragraph(text)
    p.find(qn("w:pPr")).find(qn("w:pStyle")).set(qn("w:val"), style_id)
    return p


def _streamed_table(
    w: Writer, columns: list[Column], streams: list[RowSource], rows: Callable[[_Rows], Iterator[str]]
) -> Any:
    """A table with its header row; its body rows come from rows() when the file is written."""
    table = w.table(columns, [])
    maker = _Rows(w, columns)
    table.append(etree.Comment(ROWS.format(len(streams))))
    streams.append(lambda: rows(maker))
    return table


class _Rows:
    """Table rows as XML text, shaped like Writer's (same widths, styles and cell properties)."""

    def __init__(self, w: Writer, columns: list[Column]):
        weights = sum(c.weight for c in columns)
        self.widths = [int(w.width * c.weight / weights) for c in columns]
        self.widths[-1] += w.width - sum(self.widths)
        self.styles = [w.styles["center" if c.align == "center" else "cell"] for c in columns]
        self.head = w.styles["head"]

    def row(self, values: Iterable[str | list[str]]) -> str:
        cells = "".join(
            self._cell(width, style, value)
            for width, style, value in zip(self.widths, self.styles, values, strict=True)
        )
        return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"

    def band(self, text: str) -> str:
        """One cell across the table, in the header's style: an indicator's heading inside its table."""
        width = sum(self.widths)
        span = len(self.widths)
        return (
            f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
            f'<w:gridSpan w:val="{span}"/><w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
            f'<w:vAlign w:val="center"/></w:tcPr>{_paragraph(self.head, text, keep=True)}</w:tc></w:tr>'
        )

    @staticmethod
    def _cell(width: int, style: str, value: str | list[str]) -> str:
        lines = value if isinstance(value, list) else [value]
        body = "".join(_paragraph(style, line) for line in lines or [""])
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>{body}</w:tc>'


def _paragraph(style: str, text: str, keep: bool = False) -> str:
    keep_next = "<w:keepNext/>" if keep else ""
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}</w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(clean(text))}</w:t></w:r></w:p>'
    )


def _catalogue_blocks(w: Writer, plan: Plan, facts: Facts, streams: list[RowSource]) -> list[Any]:
    if not plan.entries:
        return [w.paragraph("没有纳入的指标。")]
    blocks: list[Any] = []
    aspects = list(dict.fromkeys(e.aspect for e in plan.entries))
    for n, aspect in enumerate(aspects, 1):
        entries = [e for e in plan.entries if e.aspect == aspect]
        done = sum(e.complete for e in entries)
        blocks.append(w.heading(f"（{cn_number(n)}）{aspect}（指标{len(entries)}项，材料齐全{done}项）"))
        parts = facts.part_names.get(aspect, [])
        if parts:
            blocks.append(w.paragraph(f"压缩包：{'、'.join(parts)}。", "note"))
        blocks.append(_streamed_table(w, FILE_COLUMNS, streams, _catalogue_source(entries, facts)))
    return blocks


def _catalogue_source(entries: list[Entry], facts: Facts) -> Callable[[_Rows], Iterator[str]]:
    return lambda rows: _catalogue_rows(rows, entries, facts)


def _catalogue_rows(rows: _Rows, entries: list[Entry], facts: Facts) -> Iterator[str]:
    for entry in entries:
        units = "、".join(i.unit for i in entry.items)
        yield rows.band(f"{entry.indicator.id} {entry.indicator.content}　责任单位：{units}　{_status(entry)}")
        listed = False
        for n, (name, _unit, _req, origin, pages, day, _size, sha) in enumerate(_file_rows(entry, facts), 1):
            listed = True
            when = day.replace("（", "\n（", 1).split("\n")
            yield rows.row([str(n), name, origin, pages, when, _sha_lines(sha, 16).split("\n")])
        if not listed:
            yield rows.band("（没有可纳入的文件）")


def _gap_blocks(w: Writer, plan: Plan, facts: Facts, streams: list[RowSource]) -> list[Any]:
    if not any(True for entry in plan.entries for _ in _gap_rows(entry, facts)):
        return [w.paragraph("各指标材料齐全，所有文件均已纳入。")]

    def rows(maker: _Rows) -> Iterator[str]:
        n = 0
        for entry in plan.entries:
            for unit, what, why in _gap_rows(entry, facts):
                n += 1
                yield maker.row([str(n), entry.indicator.id, unit, what, why])

    return [_streamed_table(w, GAP_COLUMNS, streams, rows)]
