"""Writing paragraphs and tables into the dossier: one formatted row copied per row (fast at 2,000 rows)."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from civdoc.render.wrap import wrap
from civdoc.safe.xml import xml_legal

# -- writing paragraphs and tables -------------------------------------------------------------------


@dataclass
class Column:
    header: str
    weight: float
    align: str = "left"  # left | center
    fold: bool = True  # civdoc breaks its lines (render/wrap.py): no "理想信念教/育", no line starting "、"


CELL_POINTS = 10.5  # 台账表格文字 and 台账表头: 五号
CELL_MARGINS = 114  # twips, left and right (the table style's tblCellMar)


def clean(text: Any) -> str:
    """Any value as text Word can hold (XML 1.0)."""
    return xml_legal("" if text is None else str(text))


class Writer:
    """Makes the XML of generated paragraphs and tables, in the template's styles."""

    def __init__(self, styles: dict[str, str]):
        self.styles = styles
        self.width = 9000

    def paragraph(self, text: str, style: str = "body", right_chars: float | None = None) -> Any:
        """right_chars: aligned right, that many characters in from the margin (落款, GB/T 9704 7.3.5)."""
        layout = ""
        if right_chars is not None:
            layout = (
                f'<w:ind w:right="{round(right_chars * 320)}" w:rightChars="{round(right_chars * 100)}" w:firstLine="0" '
                'w:firstLineChars="0"/><w:jc w:val="right"/>'
            )
        p = parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{self.styles[style]}"/>{layout}</w:pPr>'
            f'<w:r><w:t xml:space="preserve"></w:t></w:r></w:p>'
        )
        p[-1][-1].text = clean(text)
        return p

    def heading(self, text: str) -> Any:
        return self.paragraph(text, "heading")

    def table(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        header_rows: Sequence[Sequence[Any]] | None = None,
        row_height: int | None = None,
        body_style: str | None = None,
        head_style: str = "head",
    ) -> Any:
        """A table as wide as the text area; each row value is a str, a list of lines, or a Cell."""
        total = self.width
        weights = sum(c.weight for c in columns)
        widths = [int(total * c.weight / weights) for c in columns]
        widths[-1] += total - sum(widths)
        tbl = parse_xml(
            f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{self.styles["table"]}"/>'
            f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
            + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
            + "</w:tblGrid></w:tbl>"
        )
        limits = [
            max((w - CELL_MARGINS) / 20 / (CELL_POINTS / 2) * 0.95, 2) if c.fold else None
            for w, c in zip(widths, columns)
        ]
        head = self._row(widths, [head_style] * len(columns), header=True)
        for values in header_rows or [[c.header for c in columns]]:
            tbl.append(self._fill(copy.deepcopy(head), _folded(values, limits), widths))
        styles = [body_style or ("center" if c.align == "center" else "cell") for c in columns]
        proto = self._row(widths, styles, height=row_height)
        for values in rows:
            tbl.append(self._fill(copy.deepcopy(proto), _folded(values, limits), widths))
        return tbl

    def _row(self, widths: list[int], styles: list[str], header: bool = False, height: int | None = None) -> Any:
        """The pre-formatted row every row of a table is copied from."""
        tr_pr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
        if height:
            tr_pr += f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>'
        shade = '<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>' if header else ""
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{shade}<w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{self.styles[s]}"/></w:pPr>'
            '<w:r><w:t xml:space="preserve"></w:t></w:r></w:p></w:tc>'
            for w, s in zip(widths, styles)
        )
        return parse_xml(f"<w:tr {nsdecls('w')}><w:trPr>{tr_pr}</w:trPr>{cells}</w:tr>")

    def _fill(self, tr: Any, values: Sequence[Any], widths: list[int]) -> Any:
        cells = tr.findall(qn("w:tc"))
        drop: list[Any] = []
        for i, (tc, value) in enumerate(zip(cells, values)):
            if isinstance(value, Cell):
                tc_pr = tc[0]
                if value.span > 1:
                    tc_pr[0].set(qn("w:w"), str(sum(widths[i : i + value.span])))
                    tc_pr[0].addnext(parse_xml(f'<w:gridSpan {nsdecls("w")} w:val="{value.span}"/>'))
                    drop += cells[i + 1 : i + value.span]
                if value.merge:
                    anchor = tc_pr.find(qn("w:gridSpan"))
                    anchor = anchor if anchor is not None else tc_pr[0]
                    anchor.addnext(copy.deepcopy(_VMERGE[value.merge]))
                if value.style:
                    tc[1][0][0].set(qn("w:val"), self.styles[value.style])
                value = value.lines
            lines = value if isinstance(value, list) else [value]
            _set_lines(tc, [clean(v) for v in lines] or [""])
        for tc in drop:
            tr.remove(tc)
        if isinstance(values, Keep):
            for ppr in tr.iter(qn("w:pPr")):
                ppr.insert(1, copy.deepcopy(_KEEP_NEXT))
        return tr


def _folded(values: Sequence[Any], limits: list[float | None]) -> Sequence[Any]:
    """A row's texts broken into the lines civdoc chooses for each folded column."""
    out: list[Any] = Keep() if isinstance(values, Keep) else []
    for value, limit in zip(values, limits):
        if limit is None or isinstance(value, Cell) and value.span > 1:
            out.append(value)
        elif isinstance(value, Cell):
            out.append(Cell(_fold(value.lines, limit), value.merge, value.span, value.style))
        else:
            out.append(_fold(value, limit))
    return out


def _fold(value: Any, limit: float) -> Any:
    lines = value if isinstance(value, list) else [value]
    folded = [line for v in lines for line in wrap(clean(v), limit)]
    return folded if isinstance(value, list) or len(folded) > 1 else (folded[0] if folded else "")


class Keep(list):  # type: ignore[type-arg]
    """A table row kept on the same page as the row after it."""


@dataclass
class Cell:
    lines: Any = ""
    merge: str | None = None  # restart | continue (vertical merge)
    span: int = 1  # columns spanned
    style: str | None = None


_KEEP_NEXT = parse_xml(f"<w:keepNext {nsdecls('w')}/>")
_VMERGE = {
    "restart": parse_xml(f'<w:vMerge {nsdecls("w")} w:val="restart"/>'),
    "continue": parse_xml(f"<w:vMerge {nsdecls('w')}/>"),
}


def _set_lines(tc: Any, lines: list[str]) -> None:
    p = tc[1]
    p[-1][-1].text = lines[0]
    for line in lines[1:]:
        extra = copy.deepcopy(p)
        extra[-1][-1].text = line
        tc.append(extra)
