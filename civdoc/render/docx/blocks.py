"""Block placeholders (〔civdoc:ledger〕 …) replaced by the generated paragraphs and tables."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from civdoc.render.docx.common import BLOCKS, TOKEN
from civdoc.render.docx.writer import Writer
from civdoc.render.templating import TemplateError

# -- block placeholders ------------------------------------------------------------------------------


def _fill_blocks(doc: Any, makers: dict[str, Callable[[Writer], list[Any]]], writer: Writer, shown: str) -> None:
    body = doc.element.body
    for p in list(body.iter(qn("w:p"))):
        text = "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()
        for name in BLOCKS:
            token = TOKEN.format(name)
            if token not in text:
                continue
            if text != token:
                raise TemplateError(
                    f"模板 {shown} 中的 {{{{ {name} }}}} 必须单独占一个段落（它会被整段替换为表格），"
                    "请把它前后的文字移到别的段落。"
                )
            writer.width = _text_width(p)
            elements = makers[name](writer)
            _replace(p, elements)


def _replace(p: Any, elements: list[Any]) -> None:
    """Put elements where paragraph p is; p goes unless something needs it, and then shrinks to nothing."""
    for element in elements:
        p.addprevious(element)
    ppr = p.find(qn("w:pPr"))
    following = p.getnext()
    needed = (
        (ppr is not None and ppr.find(qn("w:sectPr")) is not None)  # it ends a section
        or (p.getparent().tag == qn("w:tc") and following is None)  # a cell ends with a paragraph
        or (
            bool(elements)
            and elements[-1].tag == qn("w:tbl")  # a table needs a paragraph after it:
            and (following is None or following.tag in (qn("w:tbl"), qn("w:sectPr")))
        )  # at the end, or between tables
    )
    if not needed:
        p.getparent().remove(p)
        return
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    if ppr is None:
        ppr = parse_xml(f"<w:pPr {nsdecls('w')}/>")
        p.insert(0, ppr)
    section = ppr.find(qn("w:sectPr"))
    for child in list(ppr):
        if child.tag != qn("w:pStyle"):
            ppr.remove(child)
    for child in list(copy.deepcopy(_TINY)):
        ppr.append(child)
    if section is not None:
        ppr.append(section)


_TINY = parse_xml(
    f'<w:pPr {nsdecls("w")}><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
    '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr>'
)


def _text_width(p: Any) -> int:
    """Width in twips available to a table put where p is: its cell's, or its section's text area."""
    if p.getparent().tag == qn("w:tc"):
        width = p.getparent().find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
        if width is not None and width.get(qn("w:type"), "dxa") == "dxa" and width.get(qn("w:w"), "").isdigit():
            return max(int(width.get(qn("w:w"))) - 230, 1000)
    node = p
    while node.getparent() is not None and node.getparent().tag != qn("w:body"):
        node = node.getparent()
    sect = None
    for sibling in [node, *node.itersiblings()]:
        if sibling.tag == qn("w:sectPr"):
            sect = sibling
            break
        found = sibling.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if sibling.tag == qn("w:p") else None
        if found is not None:
            sect = found
            break
    width = 11906 - 1587 - 1474
    if sect is not None:
        size, margin = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
        if size is not None and margin is not None:

            def twips(element: Any, attr: str) -> int:
                value = element.get(qn(f"w:{attr}"))
                return int(float(value)) if value else 0

            width = twips(size, "w") - twips(margin, "left") - twips(margin, "right") - twips(margin, "gutter")
    return max(width, 2000)
