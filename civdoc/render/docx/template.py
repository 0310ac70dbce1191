"""The dossier's docxtpl template: loaded, its variables checked, rendered (sandboxed)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

import jinja2
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import meta
from jinja2.exceptions import SecurityError
from lxml import etree

from civdoc.render.docx.common import BLOCKS, TEXT_VARIABLES
from civdoc.render.templating import (
    DOSSIER,
    FALLBACK_ADVICE,
    RUN_FAILURES,
    TAG_ADVICE,
    SafeEnvironment,
    TemplateError,
    Templates,
    jinja_message,
    run_failure_message,
    undefined_message,
    unsafe_message,
)

# -- the template ------------------------------------------------------------------------------------


def _jinja() -> jinja2.Environment:
    # autoescape: values land inside XML, so a unit named "A&B" must become A&amp;B; sandboxed: a
    # project's template may format data, never reach Python objects, files or processes (SPEC §6)
    return SafeEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)


def _template(templates: Templates) -> DocxTemplate:
    """The dossier template, opened from bytes; its tags checked once per build."""
    path = templates.path(DOSSIER)
    shown = templates.shown(DOSSIER)
    key = f"docx:{path}"
    if key not in templates.cache:
        try:
            data = path.read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" not in archive.namelist():
                    raise zipfile.BadZipFile
        except (OSError, zipfile.BadZipFile):
            raise TemplateError(
                f"模板 {shown} 不是有效的 Word 文档（.docx），无法打开。"
                "请用 Word 重新另存为 .docx，或删除它以使用内置模板。"
            ) from None
        _check_variables(DocxTemplate(io.BytesIO(data)), shown)
        templates.cache[key] = data
    return DocxTemplate(io.BytesIO(templates.cache[key]))


def _parts_xml(tpl: DocxTemplate) -> list[str]:
    """The body, headers and footers as docxtpl will see them (tags merged across runs)."""
    tpl.init_docx()
    docx = tpl.docx
    xml = [tpl.patch_xml(tpl.xml_to_string(docx._element.body))]
    for rel in docx._part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and not rel.is_external:
            xml.append(tpl.patch_xml(tpl.xml_to_string(etree.fromstring(rel.target_part.blob))))
    return xml


def _check_variables(tpl: DocxTemplate, shown: str) -> None:
    """Parse every part first: a broken tag or an unknown variable is reported, never rendered empty."""
    env = _jinja()
    used: set[str] = set()
    try:
        parts = _parts_xml(tpl)
    except Exception as exc:  # noqa: BLE001 - a docx python-docx cannot read
        raise TemplateError(f"模板 {shown} 无法读取（{type(exc).__name__}）。请用 Word 重新另存为 .docx。") from None
    for xml in parts:
        lined = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        try:
            used |= meta.find_undeclared_variables(env.parse(lined))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"模板 {shown} 中的标签写法有误{_near(lined, exc.lineno)}（{jinja_message(exc)}）。{TAG_ADVICE}"
            ) from None
    unknown = sorted(used - set(TEXT_VARIABLES) - set(BLOCKS))
    if unknown:
        raise TemplateError(
            f"模板 {shown} 使用了 civdoc 不提供的变量：{'、'.join(unknown)}。"
            f"可用的变量：{'、'.join(TEXT_VARIABLES + BLOCKS)}。请检查拼写。"
        )


def _near(xml: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = xml.splitlines()
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1] if 0 < lineno <= len(lines) else "").strip()
    return f"（在“{text[:40]}”附近）" if text else ""


def _render(tpl: DocxTemplate, context: dict[str, Any], shown: str) -> Any:
    try:
        tpl.render(context, _jinja())
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板 {shown} 中的标签写法有误（{jinja_message(exc)}）。{TAG_ADVICE}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"模板 {shown} 使用了{undefined_message(exc)}。可用的变量：{'、'.join(TEXT_VARIABLES + BLOCKS)}。"
        ) from None
    except SecurityError:
        raise TemplateError(unsafe_message(shown)) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"模板 {shown} 无法生成文档（{jinja_message(exc)}）。{FALLBACK_ADVICE}") from None
    except RUN_FAILURES as exc:
        raise TemplateError(run_failure_message(shown, exc)) from None
    doc = tpl.docx
    for text in _texts(doc):
        if "{{" in text or "{%" in text or "{#" in text:
            raise TemplateError(
                f"模板 {shown} 生成的文档中仍有未处理的标签：“{text.strip()[:60]}”。"
                "请检查该处标签是否写完整（{{ }}、{% %} 成对），并且没有被 Word 的格式拆开。"
            )
    return doc


def _texts(doc: Any) -> Iterable[str]:
    """The text of every paragraph in the body, headers and footers."""
    roots = [doc.element.body]
    for rel in doc.part.rels.values():
        if not rel.is_external and rel.reltype.endswith(("/header", "/footer")):
            roots.append(rel.target_part.element)
    for root in roots:
        for p in root.iter(qn("w:p")):
            yield "".join(t.text or "" for t in p.iter(qn("w:t"), qn("w:instrText")))
