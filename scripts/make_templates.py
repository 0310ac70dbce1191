"""Generate the built-in Word template civdoc/templates/材料自查台账.docx.

    python scripts/make_templates.py

The result is committed; run this again only after changing it. The template is an ordinary .docx
that users may copy to <project>/templates/ and restyle in Word: page set-up and sections, the
styles (标题, 标题 1, 标题 2, 台账表格, 台账表格文字, 台账表头, 签字栏文字 ...) and the fixed
words around the docxtpl tags. Layout follows GB/T 9704-2012 (党政机关公文格式):

- A4, margins top 37 / bottom 35 / left 28 / right 26 mm; 22 lines of 28.95 pt
- title 2号 (22 pt) 方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312, first line indented 2 chars
- 一、 headings 黑体; （一） headings 楷体_GB2312
- page numbers "— N —" in 4号 宋体, odd pages right, even pages left, one character in
- the wide tables (二、分项目台账 and 三、问题清单) in a landscape section

Tags (see README): {{ title }}, {{ subtitle }}, {%p for para in summary %}{{ para }}{%p endfor %},
and the block placeholders {{ ledger }}, {{ problems }}, {{ signatures }}, each alone in its paragraph.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

OUT = Path(__file__).resolve().parent.parent / "civdoc" / "templates" / "材料自查台账.docx"

LATIN = "Times New Roman"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

LINE = 579  # exact line pitch in twentieths of a point: 28.95 pt, 22 lines on the GB/T type area
BODY_HALF_POINTS = 32  # 3号
TWO_CHARS = 640  # 2 characters of 16 pt, in twips


def el(tag: str, **attrs: str) -> OxmlElement:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def set_child(parent, tag: str, **attrs: str):
    """Replace parent's child <tag> by a new one with attrs (python-docx keeps schema order for known tags)."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    child = el(tag, **attrs)
    parent.append(child)
    return child


def fonts(rpr, east: str, latin: str = LATIN) -> None:
    """The DESIGN.md recipe: explicit fonts for every script, no theme fonts, East Asian language zh-CN."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = el("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east)


def rpr_xml(east: str, half_points: int, latin: str = LATIN, bold: bool = False) -> OxmlElement:
    rpr = el("w:rPr")
    fonts(rpr, east, latin)
    if bold:
        rpr.append(el("w:b"))
        rpr.append(el("w:bCs"))
    else:
        rpr.append(el("w:b", val="0"))
        rpr.append(el("w:bCs", val="0"))
    rpr.append(el("w:color", val="000000"))
    rpr.append(el("w:kern", val="0"))
    rpr.append(el("w:sz", val=str(half_points)))
    rpr.append(el("w:szCs", val=str(half_points)))
    rpr.append(el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    return rpr


def ppr_xml(*, jc: str | None = None, line: int | None = LINE, rule: str = "exact", indent_chars: int | None = 0,
            before: int = 0, after: int = 0, keep_next: bool = False, outline: int | None = None,
            snap: bool = True) -> OxmlElement:
    ppr = el("w:pPr")
    if keep_next:
        ppr.append(el("w:keepNext"))
        ppr.append(el("w:keepLines"))
    if not snap:
        ppr.append(el("w:snapToGrid", val="0"))
    spacing = el("w:spacing", before=str(before), after=str(after))
    if line is not None:
        spacing.set(qn("w:line"), str(line))
        spacing.set(qn("w:lineRule"), rule)
    ppr.append(spacing)
    if indent_chars is not None:
        first = indent_chars * TWO_CHARS // 200
        ppr.append(el("w:ind", firstLineChars=str(indent_chars), firstLine=str(first)))
    if jc:
        ppr.append(el("w:jc", val=jc))
    if outline is not None:
        ppr.append(el("w:outlineLvl", val=str(outline)))
    return ppr


def define(doc, style_id: str, name: str, kind: str, based_on: str | None, ppr=None, rpr=None,
           next_style: str | None = None, tblpr=None) -> None:
    """(Re)define a style from scratch: only what we set, nothing inherited from python-docx's template."""
    styles = doc.styles.element
    old = next((s for s in styles.findall(qn("w:style")) if s.get(qn("w:styleId")) == style_id), None)
    style = el("w:style", type=kind, styleId=style_id)
    if old is not None:
        if old.get(qn("w:default")):
            style.set(qn("w:default"), old.get(qn("w:default")))
        styles.replace(old, style)
    else:
        styles.append(style)
    style.append(el("w:name", val=name))
    if based_on:
        style.append(el("w:basedOn", val=based_on))
    if next_style:
        style.append(el("w:next", val=next_style))
    style.append(el("w:uiPriority", val="9" if style_id.startswith("Heading") else "1"))
    style.append(el("w:qFormat"))
    if ppr is not None:
        style.append(ppr)
    if rpr is not None:
        style.append(rpr)
    if tblpr is not None:
        style.append(tblpr)


def strip_theme_fonts(doc) -> None:
    """Every other style: drop theme fonts (they would override ours) and theme colours."""
    for rfonts in doc.styles.element.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for color in doc.styles.element.iter(qn("w:color")):
        for attr in ("themeColor", "themeShade", "themeTint"):
            color.attrib.pop(qn(f"w:{attr}"), None)


def set_styles(doc) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.remove(rpr_default.find(qn("w:rPr")))
    rpr = el("w:rPr")
    fonts(rpr, FANGSONG)
    rpr.append(el("w:kern", val="2"))
    rpr.append(el("w:sz", val=str(BODY_HALF_POINTS)))
    rpr.append(el("w:szCs", val=str(BODY_HALF_POINTS)))
    rpr.append(el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    rpr_default.append(rpr)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr_default.remove(ppr_default.find(qn("w:pPr")))
    ppr_default.append(ppr_xml(line=240, rule="auto", indent_chars=None))
    strip_theme_fonts(doc)

    body = ppr_xml(jc="both", indent_chars=200)
    body.insert(0, el("w:widowControl", val="0"))
    define(doc, "Normal", "Normal", "paragraph", None, body, rpr_xml(FANGSONG, BODY_HALF_POINTS))
    define(doc, "Title", "Title", "paragraph", "Normal",
           ppr_xml(jc="center", line=700, indent_chars=0, keep_next=True),
           rpr_xml(XIAOBIAOSONG, 44, latin=XIAOBIAOSONG), next_style="Normal")
    define(doc, "Subtitle", "Subtitle", "paragraph", "Normal",
           ppr_xml(jc="center", after=LINE, indent_chars=0, keep_next=True),
           rpr_xml(KAITI, BODY_HALF_POINTS), next_style="Normal")
    define(doc, "Heading1", "heading 1", "paragraph", "Normal",
           ppr_xml(jc="both", indent_chars=200, keep_next=True, outline=0),
           rpr_xml(HEITI, BODY_HALF_POINTS, latin=HEITI), next_style="Normal")
    define(doc, "Heading2", "heading 2", "paragraph", "Normal",
           ppr_xml(jc="both", indent_chars=200, keep_next=True, outline=1),
           rpr_xml(KAITI, BODY_HALF_POINTS), next_style="Normal")
    # tables: 五号 (10.5 pt) 仿宋, single spacing, no indent; signature tables 小四 (12 pt)
    define(doc, "civdocCell", "台账表格文字", "paragraph", "Normal",
           ppr_xml(jc="left", line=240, rule="auto", indent_chars=0, snap=False),
           rpr_xml(FANGSONG, 21))
    define(doc, "civdocCellCenter", "台账表格文字（居中）", "paragraph", "civdocCell",
           ppr_xml(jc="center", line=240, rule="auto", indent_chars=0, snap=False), None)
    define(doc, "civdocHead", "台账表头", "paragraph", "civdocCell",
           ppr_xml(jc="center", line=240, rule="auto", indent_chars=0, keep_next=True, snap=False),
           rpr_xml(HEITI, 21))
    define(doc, "civdocSign", "签字栏文字", "paragraph", "civdocCell",
           ppr_xml(jc="center", line=240, rule="auto", indent_chars=0, snap=False),
           rpr_xml(FANGSONG, 24))
    define(doc, "civdocSignHead", "签字栏表头", "paragraph", "civdocSign",
           ppr_xml(jc="center", line=240, rule="auto", indent_chars=0, keep_next=True, snap=False),
           rpr_xml(HEITI, 24))
    note = ppr_xml(jc="both", line=400, indent_chars=200, before=120, keep_next=True, snap=False)
    note.find(qn("w:ind")).set(qn("w:firstLine"), "480")  # 2 characters of 12 pt
    define(doc, "civdocNote", "台账说明文字", "paragraph", "Normal", note, rpr_xml(KAITI, 24))
    tblpr = el("w:tblPr")
    tblpr.append(el("w:tblInd", w="0", type="dxa"))
    borders = el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(el(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    tblpr.append(borders)
    margins = el("w:tblCellMar")
    for side, width in (("top", "28"), ("left", "57"), ("bottom", "28"), ("right", "57")):
        margins.append(el(f"w:{side}", w=width, type="dxa"))
    tblpr.append(margins)
    define(doc, "civdocTable", "台账表格", "table", "TableNormal", None, None, tblpr=tblpr)
    # footer: 4号 宋体 page numbers
    define(doc, "Footer", "footer", "paragraph", "Normal",
           ppr_xml(line=240, rule="auto", indent_chars=0, snap=False), rpr_xml(SONGTI, 28, latin=SONGTI))


def set_settings(doc) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True


def page(section, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        # GB/T margins turned with the page: the head of a landscape table sits at the binding edge
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
        section.header_distance, section.footer_distance = Mm(12), Mm(14)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        # the page number's dash lies about 7 mm below the type area
        section.header_distance, section.footer_distance = Mm(15), Mm(24)
    section.gutter = 0
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        grid.set(qn("w:linePitch"), str(LINE))


def page_number(paragraph, odd: bool) -> None:
    """'— N —' from a PAGE field; odd pages right-aligned, even pages left-aligned, one character in."""
    paragraph.style = "Footer"
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(el("w:ind", **({"right": "280", "rightChars": "100"} if odd else {"left": "280", "leftChars": "100"})))
    ppr.append(el("w:jc", val="right" if odd else "left"))

    def run(*children) -> None:
        r = el("w:r")
        for child in children:
            r.append(child)
        paragraph._p.append(r)

    def text(value: str):
        t = el("w:t")
        t.text = value
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return t

    instr = el("w:instrText")
    instr.text = " PAGE "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run(text("— "))
    run(el("w:fldChar", fldCharType="begin"))
    run(instr)
    run(el("w:fldChar", fldCharType="separate"))
    run(text("1"))
    run(el("w:fldChar", fldCharType="end"))
    run(text(" —"))


def build() -> bytes:
    doc = Document()
    set_styles(doc)
    set_settings(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

    first = doc.sections[0]
    page(first, landscape=False)
    first.different_first_page_header_footer = False
    page_number(first.footer.paragraphs[0], odd=True)
    page_number(first.even_page_footer.paragraphs[0], odd=False)

    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{{ subtitle }}", style="Subtitle")
    doc.add_paragraph("一、基本情况", style="Heading 1")
    doc.add_paragraph("{%p for para in summary %}")
    doc.add_paragraph("{{ para }}")
    doc.add_paragraph("{%p endfor %}")

    doc.add_section(WD_SECTION.NEW_PAGE)
    section_break_paragraph_before_last(doc)
    page(doc.sections[-1], landscape=True)
    doc.add_paragraph("二、分项目台账", style="Heading 1")
    doc.add_paragraph("{{ ledger }}")
    doc.add_paragraph("三、问题清单", style="Heading 1")
    doc.add_paragraph("{{ problems }}")

    doc.add_section(WD_SECTION.NEW_PAGE)
    section_break_paragraph_before_last(doc)
    page(doc.sections[-1], landscape=False)
    doc.add_paragraph("四、审核签字", style="Heading 1")
    doc.add_paragraph("{{ signatures }}")

    props = doc.core_properties
    props.title = "材料自查台账"
    props.subject = "全国文明城市测评材料自查"
    props.author = "civdoc"
    props.last_modified_by = "civdoc"
    props.language = "zh-CN"
    # docxtpl renders these properties as Jinja too: no braces here
    props.comments = "civdoc 内置模板：可复制到项目的 templates 文件夹中，用 Word 修改样式和文字，但请保留其中的标签。"
    props.created = props.modified = dt.datetime(2024, 1, 1)
    props.revision = 1

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def section_break_paragraph_before_last(doc) -> None:
    """python-docx's add_section() puts the old section's sectPr in a new last paragraph; shrink that one."""
    body = doc.element.body
    holder = [p for p in body.findall(qn("w:p")) if p.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None][-1]
    ppr = holder.find(qn("w:pPr"))
    sect = ppr.find(qn("w:sectPr"))
    ppr.remove(sect)
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(el("w:spacing", before="0", after="0", line="20", lineRule="exact"))
    ppr.append(el("w:ind", firstLine="0", firstLineChars="0"))
    rpr = el("w:rPr")
    rpr.append(el("w:sz", val="2"))
    rpr.append(el("w:szCs", val="2"))
    ppr.append(rpr)
    ppr.append(sect)
    # the new section must not carry over header/footer references: it continues the first section's
    last = body.find(qn("w:sectPr"))
    for ref in last.findall(qn("w:footerReference")) + last.findall(qn("w:headerReference")):
        last.remove(ref)


def main() -> int:
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
