"""Generate the built-in Word template civdoc/templates/材料自查台账.docx.

    python scripts/make_templates.py

The result is committed; run this again only after changing it. The template is an ordinary .docx
that users may copy to <project>/templates/ and restyle in Word: page set-up and sections, the
styles (标题, 标题 1, 标题 2, 台账表格, 台账表格文字, 台账表头, 签字栏文字 ...) and the fixed
words around the docxtpl tags. Layout follows GB/T 9704-2012 (党政机关公文格式):

- A4, margins top 37 / bottom 35 / left 28 / right 26 mm; 22 lines of 28.95 pt
- title 2号 (22 pt) 方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312, first line indented 2 chars
- 一、 headings 黑体; （一） headings 楷体_GB2312
- 28 characters a line: w:docGrid type linesAndChars, its charSpace narrowing 16 pt characters to the
  156 mm line
- page numbers "— N —" in 4号 宋体, odd pages right, even pages left, one character in
- the wide tables (二、分项目台账 and 三、问题清单) in a landscape section, turned as GB/T 9704 10.1
  turns them: the head of the table at the binding edge, and the page number where portrait pages have
  it (a rotated text box on the landscape page's left edge)
- fontTable.xml names the Chinese fonts with their GB2312 charset and a stand-in Word may use
- document properties for the office: no template author's notes, no thumbnail

Tags (see README): {{ title }}, {{ subtitle }}, {%p for para in summary %}{{ para }}{%p endfor %},
and the block placeholders {{ ledger }}, {{ problems }}, {{ signatures }}, each alone in its paragraph.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

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
# 28 characters on the 156 mm line (8845 twips): each character's pitch less 16 pt, in 4096ths of a point
CHARS_PER_LINE = 28
CHAR_SPACE = round((8845 / 20 / CHARS_PER_LINE - BODY_HALF_POINTS / 2) * 4096)


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


def ppr_xml(
    *,
    jc: str | None = None,
    line: int | None = LINE,
    rule: str = "exact",
    indent_chars: int | None = 0,
    before: int = 0,
    after: int = 0,
    keep_next: bool = False,
    outline: int | None = None,
    snap: bool = True,
) -> OxmlElement:
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


def define(
    doc,
    style_id: str,
    name: str,
    kind: str,
    based_on: str | None,
    ppr=None,
    rpr=None,
    next_style: str | None = None,
    tblpr=None,
) -> None:
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
    normal = rpr_xml(FANGSONG, BODY_HALF_POINTS)
    # characters a quarter point narrower than the 28-a-line grid pitch (15.79 pt): Word puts one on each
    # grid cell either way, and LibreOffice, which gives a character wider than a cell two cells, too
    normal.find(qn("w:color")).addnext(el("w:spacing", val="-5"))
    define(doc, "Normal", "Normal", "paragraph", None, body, normal)
    define(
        doc,
        "Title",
        "Title",
        "paragraph",
        "Normal",
        ppr_xml(jc="center", line=700, indent_chars=0, keep_next=True, snap=False),
        rpr_xml(XIAOBIAOSONG, 44, latin=XIAOBIAOSONG),
        next_style="Normal",
    )
    define(
        doc,
        "Subtitle",
        "Subtitle",
        "paragraph",
        "Normal",
        ppr_xml(jc="center", after=LINE, indent_chars=0, keep_next=True, snap=False),
        rpr_xml(KAITI, BODY_HALF_POINTS),
        next_style="Normal",
    )
    define(
        doc,
        "Heading1",
        "heading 1",
        "paragraph",
        "Normal",
        ppr_xml(jc="both", indent_chars=200, keep_next=True, outline=0),
        rpr_xml(HEITI, BODY_HALF_POINTS, latin=HEITI),
        next_style="Normal",
    )
    define(
        doc,
        "Heading2",
        "heading 2",
        "paragraph",
        "Normal",
        ppr_xml(jc="both", indent_chars=200, keep_next=True, outline=1),
        rpr_xml(KAITI, BODY_HALF_POINTS),
        next_style="Normal",
    )
    # tables: 五号 (10.5 pt) 仿宋, single spacing, no indent; signature tables 小四 (12 pt)
    define(
        doc,
        "civdocCell",
        "台账表格文字",
        "paragraph",
        "Normal",
        ppr_xml(jc="left", line=240, rule="auto", indent_chars=0, snap=False),
        rpr_xml(FANGSONG, 21),
    )
    define(
        doc,
        "civdocCellCenter",
        "台账表格文字（居中）",
        "paragraph",
        "civdocCell",
        ppr_xml(jc="center", line=240, rule="auto", indent_chars=0, snap=False),
        None,
    )
    overdue = rpr_xml(FANGSONG, 21, bold=True)
    overdue.find(qn("w:color")).set(qn("w:val"), "C00000")
    define(
        doc,
        "civdocCellOverdue",
        "台账表格文字（逾期）",
        "paragraph",
        "civdocCellCenter",
        ppr_xml(jc="center", line=240, rule="auto", indent_chars=0, snap=False),
        overdue,
    )
    define(
        doc,
        "civdocHead",
        "台账表头",
        "paragraph",
        "civdocCell",
        ppr_xml(jc="center", line=240, rule="auto", indent_chars=0, keep_next=True, snap=False),
        rpr_xml(HEITI, 21),
    )
    define(
        doc,
        "civdocSign",
        "签字栏文字",
        "paragraph",
        "civdocCell",
        ppr_xml(jc="center", line=240, rule="auto", indent_chars=0, snap=False),
        rpr_xml(FANGSONG, 24),
    )
    define(
        doc,
        "civdocSignHead",
        "签字栏表头",
        "paragraph",
        "civdocSign",
        ppr_xml(jc="center", line=240, rule="auto", indent_chars=0, keep_next=True, snap=False),
        rpr_xml(HEITI, 24),
    )
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
    define(
        doc,
        "Footer",
        "footer",
        "paragraph",
        "Normal",
        ppr_xml(line=240, rule="auto", indent_chars=0, snap=False),
        rpr_xml(SONGTI, 28, latin=SONGTI),
    )


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
        # GB/T margins turned with the page, clockwise: the head of the table at the binding edge (the
        # portrait page's left), the portrait page's foot on the left, its top on the right
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(35), Mm(37)
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
        if landscape:  # tables only, which keep off the grid
            grid.set(qn("w:type"), "lines")
            grid.attrib.pop(qn("w:charSpace"), None)
        else:
            grid.set(qn("w:type"), "linesAndChars")
            grid.set(qn("w:charSpace"), str(CHAR_SPACE))


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


EMU_PER_MM = 36000
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def turned_page_number(paragraph, odd: bool, shape_id: int) -> None:
    """The page number of a landscape page, where a portrait page has it once the sheet is turned back:
    on the landscape page's left edge (the portrait foot), 7 mm outside the type area, reading along the
    edge; odd pages at the portrait right (the landscape bottom), even pages at the portrait left."""
    paragraph.style = "Footer"
    across, along = 8, 30  # mm: the box's width (a line of 4号) and length
    left = 35 - 7 - across  # the landscape left margin is the portrait bottom margin
    # one character in from the portrait text edges: right 26 mm (odd), left 28 mm (even)
    top = (210 - 26 - 5 - along) if odd else (28 + 5)
    jc = "right" if odd else "left"
    field = (
        f'<w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="{jc}"/></w:pPr>'
        '<w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
    )
    cx, cy = across * EMU_PER_MM, along * EMU_PER_MM
    xml = (
        f'<w:r xmlns:w="{W}" xmlns:mc="{MC}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:wps="{WPS}">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{left * EMU_PER_MM}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{top * EMU_PER_MM}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{shape_id}" name="页码 {shape_id}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{WPS}"><wps:wsp><wps:cNvSpPr txBox="1"/>'
        f'<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{field}</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr" '
        'anchorCtr="0"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
        "</w:drawing></mc:Choice></mc:AlternateContent></w:r>"
    )
    paragraph._p.append(parse_xml(xml))


def own_footers(section, landscape: bool, first_id: int) -> None:
    """The section's own odd and even footers, not its predecessor's."""
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    for n, (footer, odd) in enumerate(((section.footer, True), (section.even_page_footer, False))):
        paragraph = footer.paragraphs[0]
        if landscape:
            turned_page_number(paragraph, odd, first_id + n)
        else:
            page_number(paragraph, odd)


# fonts of GB/T 9704 in fontTable.xml: name, a stand-in Windows has, panose, family, pitch
CHINESE_FONTS = [
    (FANGSONG, "仿宋", "02010609030101010101", "modern", "fixed"),
    (XIAOBIAOSONG, "宋体", "02000000000000000000", "script", "fixed"),
    (KAITI, "楷体", "02010609030101010101", "modern", "fixed"),
    (HEITI, "SimHei", "02010609060101010101", "modern", "fixed"),
    (SONGTI, "SimSun", "02010600030101010101", "auto", "variable"),
]


def font_table(doc) -> None:
    fonts_part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = parse_xml(fonts_part.blob)
    for old in root.findall(qn("w:font")):
        if old.get(qn("w:name")) in {f[0] for f in CHINESE_FONTS} | {"ＭＳ 明朝", "ＭＳ ゴシック"}:
            root.remove(old)
    for name, alt, panose, family, pitch in CHINESE_FONTS:
        font = el("w:font", name=name)
        font.append(el("w:altName", val=alt))
        font.append(el("w:panose1", val=panose))
        font.append(el("w:charset", val="86"))  # GB2312
        font.append(el("w:family", val=family))
        font.append(el("w:pitch", val=pitch))
        font.append(
            el(
                "w:sig",
                usb0="00000001",
                usb1="080E0000",
                usb2="00000010",
                usb3="00000000",
                csb0="00040000",
                csb1="00000000",
            )
        )
        root.append(font)
    fonts_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><DocSecurity>0</DocSecurity>"
    "<ScaleCrop>false</ScaleCrop><Company></Company><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion>"
    "</Properties>"
)


def clean_package(data: bytes) -> bytes:
    """python-docx's default template speaks of itself: a Mac Word application, one page, a blank
    thumbnail. The office's document says nothing it does not know."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "docProps/thumbnail.jpeg":
                continue
            if info.filename == "_rels/.rels":
                body = re.sub(rb'<Relationship [^>]*Target="docProps/thumbnail.jpeg"[^>]*/>', b"", body)
            elif info.filename == "[Content_Types].xml":
                body = re.sub(rb'<Default Extension="jpeg"[^>]*/>', b"", body)
            elif info.filename == "docProps/app.xml":
                body = APP_XML.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, (2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dest.writestr(entry, body)
    return out.getvalue()


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
    own_footers(doc.sections[-1], landscape=True, first_id=101)
    doc.add_paragraph("二、分项目台账", style="Heading 1")
    doc.add_paragraph("{{ ledger }}")
    doc.add_paragraph("三、问题清单", style="Heading 1")
    doc.add_paragraph("{{ problems }}")

    doc.add_section(WD_SECTION.NEW_PAGE)
    section_break_paragraph_before_last(doc)
    page(doc.sections[-1], landscape=False)
    own_footers(doc.sections[-1], landscape=False, first_id=103)
    doc.add_paragraph("四、审核签字", style="Heading 1")
    doc.add_paragraph("{{ signatures }}")

    props = doc.core_properties
    props.title = "材料自查台账"
    props.subject = "全国文明城市测评材料自查"
    props.author = ""
    props.last_modified_by = ""
    props.language = "zh-CN"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.created = props.modified = dt.datetime(2024, 1, 1)
    props.revision = 1
    font_table(doc)

    buf = io.BytesIO()
    doc.save(buf)
    return clean_package(buf.getvalue())


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
