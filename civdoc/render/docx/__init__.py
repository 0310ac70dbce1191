"""The Word dossier (out/材料自查台账.docx and out/分单位台账/<单位>.docx) in 党政机关公文格式.

The document is made from the docxtpl template 材料自查台账.docx (built in, or the project's own in
templates/): the template holds the page set-up, sections, styles and fixed words; civdoc fills its
tags ({{ title }}, {{ subtitle }}, the summary paragraphs written by 基本情况.j2) and replaces the
three block placeholders {{ ledger }}, {{ problems }} and {{ signatures }} -- each alone in its own
paragraph -- by headings and tables generated here. The generated parts only refer to the
template's styles (by name), so restyling 台账表格文字 or 标题 2 in Word restyles them too.

Big tables are built from one pre-formatted row, deep-copied per row (python-docx's table.cell() is
quadratic), one table per 测评项目, each with a repeated header row.

One module per part: template (docxtpl, sandboxed), styles, blocks (placeholders), writer (paragraphs
and tables), facts (一、基本情况), ledger, problems and signatures (二、三、四), text (titles and dates).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from civdoc.check.evaluate import Result
from civdoc.render.docx.blocks import _fill_blocks
from civdoc.render.docx.common import BLOCKS, TOKEN
from civdoc.render.docx.facts import summary_facts
from civdoc.render.docx.ledger import ledger_blocks
from civdoc.render.docx.problems import problem_blocks
from civdoc.render.docx.signatures import signature_blocks
from civdoc.render.docx.styles import _styles
from civdoc.render.docx.template import _render, _template, _texts
from civdoc.render.docx.text import cn_date, dossier_title, paragraphs, title_lines
from civdoc.render.docx.writer import Writer
from civdoc.render.templating import DOSSIER, SUMMARY, TemplateError, Templates

# -- public -----------------------------------------------------------------------------------------


def dossier_bytes(result: Result, templates: Templates, unit: str | None = None) -> bytes:
    """The whole dossier (unit None), or one unit's (result already scoped to that unit), as .docx bytes."""
    facts = summary_facts(result, unit)
    summary = paragraphs(templates.render_text(SUMMARY, facts))
    title = dossier_title(result.project.config.name, unit)
    context: dict[str, Any] = {
        "title": title_lines(title),
        "subtitle": f"（截至{cn_date(result.today)}）",
        "project": result.project.config.name,
        "unit": unit or "",
        "today": cn_date(result.today),
        "summary": summary,
        "stats": facts,
        **{name: TOKEN.format(name) for name in BLOCKS},
    }
    tpl = _template(templates)
    doc = _render(tpl, context, templates.shown(DOSSIER))
    styles = _styles(doc)
    writer = Writer(styles)
    makers: dict[str, Callable[[Writer], list[Any]]] = {
        "ledger": lambda w: ledger_blocks(w, result, unit),
        "problems": lambda w: problem_blocks(w, result, unit),
        "signatures": lambda w: signature_blocks(w, result, unit),
    }
    _fill_blocks(doc, makers, writer, templates.shown(DOSSIER))
    if any("〔civdoc:" in text for text in _texts(doc)):
        raise TemplateError(
            f"模板 {templates.shown(DOSSIER)} 把 ledger、problems 或 signatures 放在了页眉、页脚或文本框中。"
            "这三个占位符会被替换为表格，只能单独成段放在正文里。"
        )
    props = doc.core_properties
    props.title = title
    props.subject = result.project.config.name
    props.created = props.modified = datetime.now()
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()
