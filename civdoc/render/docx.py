"""The Word dossier (out/材料自查台账.docx and out/分单位台账/<单位>.docx) in 党政机关公文格式.

The document is made from the docxtpl template 材料自查台账.docx (built in, or the project's own in
templates/): the template holds the page set-up, sections, styles and fixed words; civdoc fills its
tags ({{ title }}, {{ subtitle }}, the summary paragraphs written by 基本情况.j2) and replaces the
three block placeholders {{ ledger }}, {{ problems }} and {{ signatures }} -- each alone in its own
paragraph -- by headings and tables generated here. The generated parts only refer to the
template's styles (by name), so restyling 台账表格文字 or 标题 2 in Word restyles them too.

Big tables are built from one pre-formatted row, deep-copied per row (python-docx's table.cell() is
quadratic), one table per 测评项目, each with a repeated header row.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jinja2
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docxtpl import DocxTemplate
from jinja2 import meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from civdoc.evaluate import Result
from civdoc.model import Finding, Item
from civdoc.project import Aspect
from civdoc.render.labels import SEVERITY, STATUS
from civdoc.rules.catalogue import RULES
from civdoc.templates import (DOSSIER, SUMMARY, Templates, TemplateError, jinja_message, undefined_message,
                              unsafe_message)

NO_UNIT = "（未归属单位）"
GROUP_PROBLEMS_AT = 40  # more problems than this in the whole dossier: one table per unit
BLOCKS = ("ledger", "problems", "signatures")
TOKEN = "〔civdoc:{}〕"  # what a block placeholder renders to before it is replaced
TEXT_VARIABLES = ("title", "subtitle", "project", "unit", "today", "summary", "stats")
STATE_ORDER = ("通过", "退回", "失效", "待审")

# styles the generated parts use, by their names in the template (Word may rename style ids)
STYLE_NAMES = {
    "body": "Normal",
    "heading": "heading 2",
    "cell": "台账表格文字",
    "center": "台账表格文字（居中）",
    "head": "台账表头",
    "sign": "签字栏文字",
    "sign_head": "签字栏表头",
    "note": "台账说明文字",
    "table": "台账表格",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
        raise TemplateError(f"模板 {templates.shown(DOSSIER)} 把 ledger、problems 或 signatures 放在了页眉、页脚或文本框中。"
                            "这三个占位符会被替换为表格，只能单独成段放在正文里。")
    props = doc.core_properties
    props.title = title
    props.subject = result.project.config.name
    props.created = props.modified = datetime.now()
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


def dossier_title(name: str, unit: str | None) -> str:
    """项目名称 + 材料自查台账, without saying 材料自查 twice when the name already ends with it."""
    if unit:
        return f"{unit}材料自查台账"
    if name.endswith("台账"):
        return name
    if name.endswith("材料自查"):
        return f"{name}台账"
    return f"{name}材料自查台账"


def title_lines(title: str, per_line: float = 19.5) -> str:
    """A title too long for one line of 2号 type breaks before 材料自查台账, not wherever it overflows."""
    width = sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in title)
    suffix = "材料自查台账"
    if width > per_line and title.endswith(suffix) and len(title) > len(suffix):
        return f"{title[:-len(suffix)]}\n{suffix}"
    return title


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 25 -> 二十五 (for （一） headings)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; line breaks inside one are dropped (Chinese needs no space)."""
    blocks = re.split(r"\n\s*\n", text.strip())
    joined = ("".join(line.strip() for line in block.splitlines()) for block in blocks)
    return [p for p in joined if p]


# -- the numbers behind 一、基本情况 ------------------------------------------------------------------

def summary_facts(result: Result, unit: str | None) -> dict[str, Any]:
    """Everything 基本情况.j2 may use (see the comment at its top)."""
    project = result.project
    items = result.items
    required = [i for i in items if i.status != "not_required"]
    complete = sum(1 for i in required if i.status == "complete")
    open_findings = [f for f in result.findings if not f.waived and f.severity in ("error", "warning")]
    errors = [f for f in open_findings if f.severity == "error"]
    period = project.config.period
    return {
        "project": project.config.name,
        "unit": unit or "",
        "today": cn_date(result.today),
        "period": f"{cn_date(period.start)}至{cn_date(period.end)}",
        "counts": {
            "units": len({i.unit for i in items}),
            "indicators": len({i.indicator for i in items}),
            "items": len(items),
            "required": len(required),
            "not_required": len(items) - len(required),
            "complete": complete,
            "incomplete": len(required) - complete,
            "files": len(result.files),
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "infos": result.count("info"),
            "waived": result.waived,
            "overdue": sum(1 for f in errors if f.code == "S701"),
        },
        "rate": f"{complete / len(required) * 100:.1f}%" if required else "—",
        "top_units": [] if unit else _top_units(project.unit_names, open_findings),
        "top_types": _types(open_findings, 3),
        "stages": _stage_progress(project.config.review.stages, required),
    }


def _types(findings: Iterable[Finding], n: int) -> list[dict[str, Any]]:
    counted = Counter(RULES[f.code].title for f in findings)
    return [{"title": title, "count": count} for title, count in counted.most_common(n)]


def _top_units(order: list[str], open_findings: list[Finding], n: int = 3) -> list[dict[str, Any]]:
    """The units with the most open errors, each with its most frequent kinds of error."""
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in open_findings:
        if f.unit:
            by_unit[f.unit].append(f)
    errors = {u: [f for f in found if f.severity == "error"] for u, found in by_unit.items()}
    rank = {u: i for i, u in enumerate(order)}
    ranked = sorted((u for u in errors if errors[u]), key=lambda u: (-len(errors[u]), rank.get(u, len(rank))))[:n]
    return [{"name": u, "errors": len(errors[u]), "warnings": len(by_unit[u]) - len(errors[u]),
             "types": _types(errors[u], 2)} for u in ranked]


def _stage_progress(stages: list[str], required: list[Item]) -> list[dict[str, Any]]:
    progress = []
    for i, stage in enumerate(stages):
        states = Counter(_stage(item, stage, i).state for item in required)
        progress.append({"name": stage, "passed": states["通过"], "returned": states["退回"],
                         "stale": states["失效"], "pending": states["待审"]})
    return progress


def _stage(item: Item, stage: str, index: int) -> Any:
    found = next((s for s in item.stages if s.stage == stage), None)
    if found is None and index < len(item.stages):
        found = item.stages[index]
    return found if found is not None else _Pending(stage)


@dataclass
class _Pending:
    stage: str
    state: str = "待审"
    by: str | None = None
    at: str | None = None


# -- the template ------------------------------------------------------------------------------------

def _jinja() -> jinja2.Environment:
    # autoescape: values land inside XML, so a unit named "A&B" must become A&amp;B; sandboxed: a
    # project's template may format data, never reach Python objects, files or processes (SPEC §6)
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)


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
            raise TemplateError(f"模板 {shown} 不是有效的 Word 文档（.docx），无法打开。"
                                "请用 Word 重新另存为 .docx，或删除它以使用内置模板。") from None
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
            raise TemplateError(f"模板 {shown} 中的标签写法有误{_near(lined, exc.lineno)}（{jinja_message(exc)}）。"
                                "请检查 {{ }}、{% %} 是否成对、完整，for/if 是否有对应的 endfor/endif。") from None
    unknown = sorted(used - set(TEXT_VARIABLES) - set(BLOCKS))
    if unknown:
        raise TemplateError(f"模板 {shown} 使用了 civdoc 不提供的变量：{'、'.join(unknown)}。"
                            f"可用的变量：{'、'.join(TEXT_VARIABLES + BLOCKS)}。请检查拼写。")


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
        raise TemplateError(f"模板 {shown} 中的标签写法有误（{jinja_message(exc)}）。") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"模板 {shown} 使用了{undefined_message(exc)}。"
                            f"可用的变量：{'、'.join(TEXT_VARIABLES + BLOCKS)}。") from None
    except SecurityError:
        raise TemplateError(unsafe_message(shown)) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"模板 {shown} 无法生成文档（{jinja_message(exc)}）。") from None
    doc = tpl.docx
    for text in _texts(doc):
        if "{{" in text or "{%" in text or "{#" in text:
            raise TemplateError(f"模板 {shown} 生成的文档中仍有未处理的标签：“{text.strip()[:60]}”。"
                                "请检查该处标签是否写完整（{{ }}、{% %} 成对），并且没有被 Word 的格式拆开。")
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


# -- styles ------------------------------------------------------------------------------------------

def _styles(doc: Any) -> dict[str, str]:
    """Style ids of the styles the generated parts use; a template made without them gets the built-in ones."""
    styles = doc.styles.element
    by_name = {s.find(qn("w:name")).get(qn("w:val")).lower(): s.get(qn("w:styleId"))
               for s in styles.findall(qn("w:style")) if s.find(qn("w:name")) is not None}
    missing = [key for key, name in STYLE_NAMES.items() if name.lower() not in by_name]
    if missing:
        builtin = _builtin_styles()
        ids = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
        for key in missing:
            style = builtin.get(STYLE_NAMES[key].lower())
            if style is None:
                continue
            style = copy.deepcopy(style)
            if style.get(qn("w:styleId")) in ids:  # same id, other name: keep both
                style.set(qn("w:styleId"), "civdoc" + style.get(qn("w:styleId")))
            based = style.find(qn("w:basedOn"))
            if based is not None and based.get(qn("w:val")) not in ids:
                style.remove(based)
            styles.append(style)
            ids.add(style.get(qn("w:styleId")))
            by_name[STYLE_NAMES[key].lower()] = style.get(qn("w:styleId"))
    return {key: by_name.get(name.lower(), "") for key, name in STYLE_NAMES.items()}


_BUILTIN_STYLES: dict[str, Any] = {}


def _builtin_styles() -> dict[str, Any]:
    if not _BUILTIN_STYLES:
        from docx import Document

        from civdoc.templates import builtin_dir

        with builtin_dir().joinpath(DOSSIER).open("rb") as handle:
            doc = Document(handle)
        for s in doc.styles.element.findall(qn("w:style")):
            name = s.find(qn("w:name"))
            if name is not None:
                _BUILTIN_STYLES[name.get(qn("w:val")).lower()] = s
    return _BUILTIN_STYLES


# -- block placeholders ------------------------------------------------------------------------------

def _fill_blocks(doc: Any, makers: dict[str, Callable[["Writer"], list[Any]]], writer: "Writer", shown: str) -> None:
    body = doc.element.body
    for p in list(body.iter(qn("w:p"))):
        text = "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()
        for name in BLOCKS:
            token = TOKEN.format(name)
            if token not in text:
                continue
            if text != token:
                raise TemplateError(f"模板 {shown} 中的 {{{{ {name} }}}} 必须单独占一个段落（它会被整段替换为表格），"
                                    "请把它前后的文字移到别的段落。")
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
        or (bool(elements) and elements[-1].tag == qn("w:tbl")  # a table needs a paragraph after it:
            and (following is None or following.tag in (qn("w:tbl"), qn("w:sectPr"))))  # at the end, or between tables
    )
    if not needed:
        p.getparent().remove(p)
        return
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    if ppr is None:
        ppr = parse_xml(f'<w:pPr {nsdecls("w")}/>')
        p.insert(0, ppr)
    section = ppr.find(qn("w:sectPr"))
    for child in list(ppr):
        if child.tag != qn("w:pStyle"):
            ppr.remove(child)
    for child in list(copy.deepcopy(_TINY)):
        ppr.append(child)
    if section is not None:
        ppr.append(section)


_TINY = parse_xml(f'<w:pPr {nsdecls("w")}><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
                  '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr>')


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


# -- writing paragraphs and tables -------------------------------------------------------------------

@dataclass
class Column:
    header: str
    weight: float
    align: str = "left"  # left | center


def clean(text: Any) -> str:
    return _CONTROL.sub("", "" if text is None else str(text))


class Writer:
    """Makes the XML of generated paragraphs and tables, in the template's styles."""

    def __init__(self, styles: dict[str, str]):
        self.styles = styles
        self.width = 9000

    def paragraph(self, text: str, style: str = "body") -> Any:
        p = parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{self.styles[style]}"/></w:pPr>'
                      f'<w:r><w:t xml:space="preserve"></w:t></w:r></w:p>')
        p[-1][-1].text = clean(text)
        return p

    def heading(self, text: str) -> Any:
        return self.paragraph(text, "heading")

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
              header_rows: Sequence[Sequence[Any]] | None = None, row_height: int | None = None,
              body_style: str | None = None, head_style: str = "head") -> Any:
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
            + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid></w:tbl>")
        head = self._row(widths, [head_style] * len(columns), header=True)
        for values in header_rows or [[c.header for c in columns]]:
            tbl.append(self._fill(copy.deepcopy(head), values, widths))
        styles = [body_style or ("center" if c.align == "center" else "cell") for c in columns]
        proto = self._row(widths, styles, height=row_height)
        for values in rows:
            tbl.append(self._fill(copy.deepcopy(proto), values, widths))
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
            for w, s in zip(widths, styles))
        return parse_xml(f'<w:tr {nsdecls("w")}><w:trPr>{tr_pr}</w:trPr>{cells}</w:tr>')

    def _fill(self, tr: Any, values: Sequence[Any], widths: list[int]) -> Any:
        cells = tr.findall(qn("w:tc"))
        drop: list[Any] = []
        for i, (tc, value) in enumerate(zip(cells, values)):
            if isinstance(value, Cell):
                tc_pr = tc[0]
                if value.span > 1:
                    tc_pr[0].set(qn("w:w"), str(sum(widths[i:i + value.span])))
                    tc_pr[0].addnext(parse_xml(f'<w:gridSpan {nsdecls("w")} w:val="{value.span}"/>'))
                    drop += cells[i + 1:i + value.span]
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


class Keep(list):  # type: ignore[type-arg]
    """A table row kept on the same page as the row after it."""


@dataclass
class Cell:
    lines: Any = ""
    merge: str | None = None  # restart | continue (vertical merge)
    span: int = 1  # columns spanned
    style: str | None = None


_KEEP_NEXT = parse_xml(f'<w:keepNext {nsdecls("w")}/>')
_VMERGE = {"restart": parse_xml(f'<w:vMerge {nsdecls("w")} w:val="restart"/>'),
           "continue": parse_xml(f'<w:vMerge {nsdecls("w")}/>')}


def _set_lines(tc: Any, lines: list[str]) -> None:
    p = tc[1]
    p[-1][-1].text = lines[0]
    for line in lines[1:]:
        extra = copy.deepcopy(p)
        extra[-1][-1].text = line
        tc.append(extra)


# -- 二、分项目台账 -------------------------------------------------------------------------------------

def ledger_blocks(w: Writer, result: Result, unit: str | None) -> list[Any]:
    project = result.project
    stages = project.config.review.stages
    by_aspect: dict[str, list[Item]] = defaultdict(list)
    for item in result.items:
        by_aspect[project.aspect_of[item.indicator].name].append(item)
    aspects = [a for a in project.aspects if a.name in by_aspect]
    if not aspects:
        return [w.paragraph("没有需要列入台账的事项。")]
    # weights are millimetres on a landscape A4 page (225 mm of text); they scale to the real width
    columns = [Column("序号", 10, "center"), Column("指标编号", 17.5, "center"), Column("测评内容", 28)]
    if unit is None:
        columns.append(Column("责任单位", 28))
    columns += [Column("应报材料", 37), Column("已报材料", 24), Column("完成情况", 17.5, "center"),
                Column("完成时限", 21.5, "center")]
    columns += [Column(stage, 15, "center") for stage in stages]
    blocks: list[Any] = []
    for n, aspect in enumerate(aspects, 1):
        items = by_aspect[aspect.name]
        done = sum(1 for i in items if i.status == "complete")
        needed = sum(1 for i in items if i.status != "not_required")
        counted = f"应报事项{needed}个，已完成{done}个" if needed else "不需报送材料"
        blocks.append(w.heading(f"（{cn_number(n)}）{aspect.name}（{counted}）"))
        blocks.append(w.table(columns, _ledger_rows(result, aspect, items, unit, stages)))
    return blocks


MERGE_UP_TO = 8  # an indicator's rows are merged (and kept on one page) up to this many; more repeat it


def _ledger_rows(result: Result, aspect: Aspect, items: list[Item], unit: str | None,
                 stages: list[str]) -> Iterable[list[Any]]:
    project = result.project
    sizes = Counter(item.indicator for item in items)
    previous = None
    for n, item in enumerate(items, 1):
        ind = project.indicators[item.indicator]
        first = item.indicator != previous
        following = n < len(items) and items[n].indicator == item.indicator
        previous = item.indicator
        if 1 < sizes[item.indicator] <= MERGE_UP_TO:
            # merged cells are blank on a continued page, so the group is kept on one page
            merge = "restart" if first else "continue"
            row: list[Any] = Keep() if following else []
            row += [str(n), Cell(ind.id if first else "", merge), Cell(ind.content if first else "", merge)]
        else:
            row = [str(n), ind.id, ind.content]
        if unit is None:
            row.append(f"{item.unit}（牵头）" if item.unit == ind.lead and len(ind.responsible) > 1 else item.unit)
        if item.status == "not_required":
            methods = "、".join(ind.methods)
            row += [f"不需报送材料（{methods}）", "—", STATUS[item.status], _deadline(item)]
            row += ["—"] * len(stages)
        else:
            row += [[f"{r.name}{r.min}份" for r in item.requirements],
                    [f"{r.found}份" + (f"，缺{r.min - r.found}份" if r.found < r.min else "") for r in item.requirements],
                    STATUS[item.status], _deadline(item)]
            row += [_stage_lines(_stage(item, stage, i)) for i, stage in enumerate(stages)]
        yield row


def _deadline(item: Item) -> str:
    return item.deadline.isoformat() if item.deadline else "—"


def _stage_lines(state: Any) -> list[str]:
    lines = [state.state]
    if state.state != "待审" and state.by:
        lines.append(state.by)
        if state.at:
            try:
                day = date.fromisoformat(str(state.at)[:10])
                lines.append(f"{day.month}月{day.day}日")
            except ValueError:
                pass
    return lines


# -- 三、问题清单 ---------------------------------------------------------------------------------------

def problem_blocks(w: Writer, result: Result, unit: str | None) -> list[Any]:
    problems = [f for f in result.findings if not f.waived and f.severity in ("error", "warning")]
    if not problems:
        waived = f"（另有{result.waived}条问题已按规定豁免）" if result.waived else ""
        return [w.paragraph(f"自查未发现需整改的错误或需核实的警告{waived}。")]
    order = {u: i for i, u in enumerate(result.project.unit_names)}
    problems.sort(key=lambda f: (order.get(f.unit or "", len(order)), _id_key(f.indicator),
                                 f.severity != "error", f.code, f.path or ""))
    counted = [f"{label}{n}条" for label, n in (("错误", sum(f.severity == "error" for f in problems)),
                                                 ("警告", sum(f.severity == "warning" for f in problems))) if n]
    note = w.paragraph(f"共{len(problems)}条（{'、'.join(counted)}）。"
                       "“错误”须整改后重新审核；“警告”请核实，确属无误的可不处理。", "note")
    if unit is not None or len(problems) <= GROUP_PROBLEMS_AT:
        return [note, w.table(_problem_columns(with_unit=unit is None), _problem_rows(problems, unit is None))]
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in problems:
        groups[f.unit or NO_UNIT].append(f)
    blocks = [note]
    for n, (name, group) in enumerate(groups.items(), 1):
        errors = sum(1 for f in group if f.severity == "error")
        blocks.append(w.heading(f"（{cn_number(n)}）{name}（错误{errors}条，警告{len(group) - errors}条）"))
        blocks.append(w.table(_problem_columns(with_unit=False), _problem_rows(group, False)))
    return blocks


def _problem_columns(with_unit: bool) -> list[Column]:
    columns = [Column("序号", 10, "center")]  # millimetres of a landscape A4 page, scaled to fit
    if with_unit:
        columns.append(Column("责任单位", 28))
    return columns + [Column("指标编号", 17.5, "center"), Column("级别", 11, "center"), Column("代码", 13, "center"),
                      Column("问题类型", 25), Column("说明", 73), Column("文件", 47.5)]


def _problem_rows(problems: list[Finding], with_unit: bool) -> Iterable[list[Any]]:
    for n, f in enumerate(problems, 1):
        row: list[Any] = [str(n)]
        if with_unit:
            row.append(f.unit or NO_UNIT)
        path = f.path or ""
        if path.startswith("evidence/"):
            path = path[len("evidence/"):]
        row += [f.indicator or "—", SEVERITY[f.severity], f.code, RULES[f.code].title, f.message, path or "—"]
        yield row


def _id_key(ident: str | None) -> tuple:
    if ident is None:
        return ()
    return tuple(int(p) if p.isdigit() else 10**6 for p in ident.split("."))


# -- 四、审核签字 ---------------------------------------------------------------------------------------

def signature_blocks(w: Writer, result: Result, unit: str | None) -> list[Any]:
    stages = result.project.config.review.stages
    if unit is not None:
        return _unit_signatures(w, result, unit, stages)
    units = [u for u in result.project.unit_names if any(i.unit == u for i in result.items)]
    intro = w.paragraph("各责任单位对本单位材料逐项审核后，由各阶段审核人在对应栏内签字并注明日期。", "note")
    columns = [Column("序号", 10), Column("责任单位", 36)]
    for stage in stages:
        columns += [Column(f"{stage}审核人签字", 22), Column("日期", 14)]
    top: list[Any] = [Cell("序号", "restart"), Cell("责任单位", "restart")]
    second: list[Any] = [Cell("", "continue"), Cell("", "continue")]
    for stage in stages:
        top += [Cell(stage, span=2), ""]
        second += ["审核人签字", "日期"]
    rows = [[str(n), Cell(u, style="cell")] + [""] * (2 * len(stages)) for n, u in enumerate(units, 1)]
    table = w.table(columns, rows, header_rows=[top, second], row_height=737, body_style="center",
                    head_style="head")
    return [intro, table]


def _unit_signatures(w: Writer, result: Result, unit: str, stages: list[str]) -> list[Any]:
    required = [i for i in result.items if i.status != "not_required"]
    rows: list[list[Any]] = []
    for i, stage in enumerate(stages):
        states = Counter(_stage(item, stage, i).state for item in required)
        summary = "、".join(f"{s}{states[s]}项" for s in STATE_ORDER if states[s]) or "无应报事项"
        rows.append([f"{stage}", summary, "", "年　　月　　日"])
    contact = result.project.unit_info(unit).contact if unit in result.project.unit_names else None
    rows.append(["联络员", contact or "", "", "年　　月　　日"])
    rows.append(["分管领导", "", "", "年　　月　　日"])
    columns = [Column("审核环节", 16), Column("情况说明", 44), Column("签字", 24), Column("日期", 28)]
    intro = w.paragraph("本单位材料经逐项审核后，由各阶段审核人、联络员和分管领导签字并注明日期。"
                        "分管领导签字即表示对本单位所报材料的真实性、完整性负责。", "note")
    return [intro, w.table(columns, rows, row_height=850, body_style="sign", head_style="sign_head")]
