"""The Word dossier: `civdoc build` on a small project, read back with python-docx.

Asserts what the office relies on (GB/T 9704 page set-up and fonts, one ledger table per 测评项目,
the planted problems in 问题清单, a signature line for every stage, page numbers), the per-unit
dossiers, and the template mechanism (a project override is used; a broken one stops the build
with exit code 2 and a message naming it, leaving no half-written file).
"""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tests.support.helpers import (
    DEFAULT_INDICATORS,
    DIR_A,
    PLAN,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    clean_files,
    config_with,
    image_pdf,
    jpeg,
    make_project,
    review,
    run,
)

LEDGER = "材料自查台账.docx"
TITLE = "测试区2024年创建全国文明城市材料自查台账"
STAGES = ["初审", "复审", "终审"]
SECOND_ASPECT = {
    "aspect": "文明风尚培育",
    "order": 2,
    "indicators": [
        {
            "id": "2.1",
            "content": "移风易俗",
            "lead": UNIT_A,
            "requirements": [{"name": "工作方案", "kind": "正式发文", "match": ["方案"]}],
        }
    ],
}
OLD_PHOTO = f"{DIR_A}/2023-05-01 活动照片4.jpg"  # before the period: T401


def project_files() -> dict[str, Any]:
    """Real files: Pillow PDFs, JPEGs carrying EXIF DateTimeOriginal; two gaps planted (C203, T401)."""
    files = clean_files()
    del files[PLAN]  # 1.1 工作方案 missing: C203
    for path in list(files):
        if path.endswith(".jpg"):
            files[path] = lambda: jpeg(320, 240, exif_date="2024-04-02")
    files[OLD_PHOTO] = lambda: jpeg(320, 240, exif_date="2023-05-01")
    files[f"evidence/{UNIT_A}/2.1 移风易俗/2024-03-01 移风易俗工作方案.pdf"] = image_pdf
    return files


def make(tmp: Path, config: dict[str, Any] | None = None) -> Path:
    indicators = {**copy.deepcopy(DEFAULT_INDICATORS), "02-文明风尚培育.yaml": SECOND_ASPECT}
    return make_project(tmp, config=config, indicators=indicators, files=project_files())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make(tmp_path_factory.mktemp("dossier"))
    code, out, err = review(root, UNIT_B, "1.2", "初审", True, "王五")
    assert code == 0, err
    code, out, err = run(root, "build")
    assert code == 0, f"build exited {code}:\n{out}\n{err}"
    return root


@pytest.fixture(scope="module")
def dossier(built: Path) -> Any:
    return docx.Document(str(built / "out" / LEDGER))


# -- reading a document back --------------------------------------------------------------------


def style_chain(doc: Any, style_id: str | None) -> list[Any]:
    styles = {s.get(qn("w:styleId")): s for s in doc.styles.element.findall(qn("w:style"))}
    chain = []
    while style_id and style_id in styles:
        style = styles[style_id]
        chain.append(style)
        based = style.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    return chain


def effective(doc: Any, paragraph: Any, tag: str, attr: str) -> str | None:
    """A run property as Word resolves it: the run, the paragraph's style chain, the document defaults."""
    run = paragraph.runs[0]._r if paragraph.runs else None
    candidates = []
    if run is not None and run.rPr is not None:
        candidates.append(run.rPr)
    ppr = paragraph._p.pPr
    style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else "Normal"
    candidates += [s.find(qn("w:rPr")) for s in style_chain(doc, style_id)]
    candidates.append(doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"))
    for rpr in candidates:
        if rpr is None:
            continue
        element = rpr.find(qn(tag))
        if element is not None and element.get(qn(attr)) is not None:
            return element.get(qn(attr))
    return None


def effective_ppr(doc: Any, paragraph: Any, tag: str, attr: str) -> str | None:
    ppr = paragraph._p.pPr
    style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else "Normal"
    candidates = ([ppr] if ppr is not None else []) + [s.find(qn("w:pPr")) for s in style_chain(doc, style_id)]
    for element in candidates:
        found = element.find(qn(tag)) if element is not None else None
        if found is not None and found.get(qn(attr)) is not None:
            return found.get(qn(attr))
    return None


def xml_texts(path: Path) -> dict[str, str]:
    """The text of every body, header and footer part (w:t and w:instrText), by part name."""
    texts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                xml = archive.read(name).decode("utf-8")
                texts[name] = "".join(re.findall(r"<w:(?:t|instrText)(?: [^>]*)?>([^<]*)</w:(?:t|instrText)>", xml))
    return texts


def flat(text: str) -> str:
    """A cell's text without the line breaks civdoc chose in its narrow columns."""
    return text.replace("\n", "")


def tables_with(doc: Any, header: str) -> list[Any]:
    return [t for t in doc.tables if header in [flat(c.text) for c in t.rows[0].cells]]


def all_cells(table: Any) -> list[str]:
    return [flat(cell.text) for row in table.rows for cell in row.cells]


def paragraph_texts(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


# -- the dossier ------------------------------------------------------------------------------------


def test_title_text_and_font(dossier: Any) -> None:
    title = next(p for p in dossier.paragraphs if p.style.name == "Title")
    assert title.text.replace("\n", "") == TITLE  # never "材料自查材料自查台账"
    assert effective(dossier, title, "w:rFonts", "w:eastAsia") == "方正小标宋简体"
    assert effective(dossier, title, "w:sz", "w:val") == str(22 * 2)
    assert effective_ppr(dossier, title, "w:jc", "w:val") == "center"


def test_body_font_indent_and_spacing(dossier: Any) -> None:
    body = next(p for p in dossier.paragraphs if p.text.startswith("根据"))
    assert effective(dossier, body, "w:rFonts", "w:eastAsia") == "仿宋_GB2312"
    assert effective(dossier, body, "w:sz", "w:val") == str(16 * 2)
    assert effective_ppr(dossier, body, "w:ind", "w:firstLineChars") == "200"
    assert effective_ppr(dossier, body, "w:spacing", "w:lineRule") == "exact"
    assert abs(int(effective_ppr(dossier, body, "w:spacing", "w:line") or 0) / 20 - 28.95) < 0.1
    heading1 = next(p for p in dossier.paragraphs if p.text == "一、基本情况")
    assert effective(dossier, heading1, "w:rFonts", "w:eastAsia") == "黑体"
    heading2 = next(p for p in dossier.paragraphs if p.text.startswith("（一）"))
    assert effective(dossier, heading2, "w:rFonts", "w:eastAsia") == "楷体_GB2312"


def test_no_theme_fonts_and_chinese_language(built: Path, dossier: Any) -> None:
    with zipfile.ZipFile(built / "out" / LEDGER) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
        settings = archive.read("word/settings.xml").decode("utf-8")
    assert "eastAsiaTheme" not in styles and "asciiTheme" not in styles
    assert re.search(r'<w:lang [^>]*w:eastAsia="zh-CN"', styles)
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)


def test_page_setup_gbt_9704(dossier: Any) -> None:
    first = dossier.sections[0]
    assert abs(first.page_width - Mm(210)) < Mm(0.5) and abs(first.page_height - Mm(297)) < Mm(0.5)
    for margin, mm in (
        (first.top_margin, 37),
        (first.bottom_margin, 35),
        (first.left_margin, 28),
        (first.right_margin, 26),
    ):
        assert abs(margin - Mm(mm)) < Mm(0.5), (margin.mm, mm)


def test_wide_tables_are_in_a_landscape_section(dossier: Any) -> None:
    landscape = [s for s in dossier.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert landscape and all(s.page_width > s.page_height for s in landscape)
    ledger = tables_with(dossier, "应报材料")[0]._tbl
    # the section break that ends the ledger's section is the first one after the table
    following = next(p for p in ledger.itersiblings() if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None)
    sect = following.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
    assert sect.find(qn("w:pgSz")).get(qn("w:orient")) == "landscape"


def test_one_ledger_table_per_aspect(dossier: Any) -> None:
    ledgers = tables_with(dossier, "应报材料")
    assert len(ledgers) == 2
    texts = paragraph_texts(dossier)
    assert any(t.startswith("（一）思想道德建设") for t in texts)
    assert any(t.startswith("（二）文明风尚培育") for t in texts)
    first, second = (all_cells(t) for t in ledgers)
    assert "理论宣讲" in first and "移风易俗" in second and "移风易俗" not in first
    headers = [flat(c.text) for c in ledgers[0].rows[0].cells]
    for column in ["序号", "指标编号", "测评内容", "责任单位", "应报材料", "已报材料", "完成情况", *STAGES]:
        assert column in headers
    # header row repeated on every page; body rows copied from the same formatted row
    assert ledgers[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in ledgers[0].rows[1:])


def test_ledger_rows_show_status_and_reviews(dossier: Any) -> None:
    ledger = tables_with(dossier, "应报材料")[0]
    rows = [[flat(c.text) for c in r.cells] for r in ledger.rows[1:]]
    plan_row = next(r for r in rows if r[1] == "1.1" and r[3] == UNIT_A)
    assert "未完成" in plan_row and "缺1份" in plan_row[5]
    passed = next(r for r in rows if r[1] == "1.2" and r[3].startswith(UNIT_B))
    assert passed[3] == f"{UNIT_B}（牵头）"
    assert passed[-3].startswith("通过") and "王五" in passed[-3]
    assert passed[-2] == "待审"
    field_only = [r for r in rows if r[1] == "1.3"]
    assert field_only and all("不需报送" in r[6] for r in field_only)


def test_problem_list_has_planted_errors(dossier: Any) -> None:
    (problems,) = tables_with(dossier, "说明")
    headers = [flat(c.text) for c in problems.rows[0].cells]
    for column in ["序号", "责任单位", "指标编号", "级别", "代码", "问题类型", "说明", "文件"]:
        assert column in headers
    rows = [[flat(c.text) for c in r.cells] for r in problems.rows[1:]]
    code_at = headers.index("代码")
    found = {(r[headers.index("责任单位")], r[code_at]) for r in rows}
    assert (UNIT_A, "C203") in found
    assert (UNIT_A, "T401") in found
    old = next(r for r in rows if r[code_at] == "T401")
    assert old[headers.index("文件")].replace(" ", "").endswith("2023-05-01活动照片4.jpg")
    assert all(r[code_at] != "R601" for r in rows)  # infos are not problems to fix


def test_signatures_name_every_stage_and_unit(dossier: Any) -> None:
    texts = paragraph_texts(dossier)
    start = texts.index("四、审核签字")
    assert start > texts.index("三、问题清单")
    signatures = tables_with(dossier, "责任单位")[-1]
    cells = all_cells(signatures)
    for stage in STAGES:
        assert stage in cells
    assert "审核人签字" in cells and "日期" in cells
    for unit in (UNIT_A, UNIT_B, UNIT_C):
        assert unit in cells


def test_footer_has_page_field(built: Path, dossier: Any) -> None:
    footers = {name: text for name, text in xml_texts(built / "out" / LEDGER).items() if "footer" in name}
    assert footers and all("PAGE" in text and "—" in text for text in footers.values())
    footer = dossier.sections[0].footer
    instr = [i.text for i in footer._element.iter(qn("w:instrText"))]
    assert any("PAGE" in i for i in instr)
    assert footer._element.find(f".//{qn('w:fldChar')}").get(qn("w:fldCharType")) == "begin"
    size = footer.paragraphs[0].style.font.size
    assert size == Pt(14)


def test_no_template_tags_left(built: Path) -> None:
    for path in [built / "out" / LEDGER, *(built / "out" / "分单位台账").glob("*.docx")]:
        for part, text in xml_texts(path).items():
            assert "{{" not in text and "{%" not in text and "〔civdoc" not in text, (path.name, part)


def test_summary_from_template(dossier: Any) -> None:
    text = "\n".join(paragraph_texts(dossier))
    assert "本次自查涉及3个责任单位" in text
    assert "完成率" in text and "审核进度：初审已通过1个" in text
    assert "问题主要集中在：区委宣传部" in text


def test_unit_dossiers(built: Path) -> None:
    folder = built / "out" / "分单位台账"
    assert sorted(p.stem for p in folder.glob("*.docx")) == sorted([UNIT_A, UNIT_B, UNIT_C])
    unit_doc = docx.Document(str(folder / f"{UNIT_A}.docx"))
    title = next(p for p in unit_doc.paragraphs if p.style.name == "Title")
    assert title.text == f"{UNIT_A}材料自查台账"
    ledgers = tables_with(unit_doc, "应报材料")
    assert len(ledgers) == 2 and "责任单位" not in [c.text for c in ledgers[0].rows[0].cells]
    cells = [c for t in unit_doc.tables for c in all_cells(t)]
    assert "分管领导" in cells and "联络员" in cells and "张三 13800000000" in cells
    for stage in STAGES:
        assert stage in cells
    other = docx.Document(str(folder / f"{UNIT_B}.docx"))
    other_cells = [c for t in other.tables for c in all_cells(t)]
    assert "C203" not in other_cells  # only the unit's own problems


def test_build_for_one_unit(tmp_path: Path) -> None:
    root = make(tmp_path)
    code, out, err = run(root, "build", "--unit", "教育局")
    assert code == 0, err
    assert (root / "out" / "分单位台账" / f"{UNIT_B}.docx").exists()
    assert not (root / "out" / LEDGER).exists()


def test_xml_special_characters_survive(tmp_path: Path) -> None:
    config = config_with(name="测试区<东区>&西区材料自查")
    config["units"][0]["contact"] = "张三 <138> & 李四"
    root = make(tmp_path, config)
    code, out, err = run(root, "build")
    assert code == 0, err
    doc = docx.Document(str(root / "out" / LEDGER))
    assert doc.paragraphs[0].text.replace("\n", "") == "测试区<东区>&西区材料自查台账"
    unit_doc = docx.Document(str(root / "out" / "分单位台账" / f"{UNIT_A}.docx"))
    assert "张三 <138> & 李四" in [c for t in unit_doc.tables for c in all_cells(t)]


# -- templates ---------------------------------------------------------------------------------------


def builtin_template() -> Path:
    from civdoc.render.templating import Templates

    return Templates(Path("/nonexistent")).path(LEDGER)


def test_builtin_template_names() -> None:
    from civdoc.render.templating import Templates

    assert {"材料自查台账.docx", "基本情况.j2"} <= set(Templates.names())
    assert builtin_template().is_file()


def test_project_template_override_is_used(tmp_path: Path) -> None:
    root = make(tmp_path)
    template = docx.Document(str(builtin_template()))
    template.add_paragraph("本台账由测试街道创文办编制，{{ project }}。")
    (root / "templates").mkdir()
    template.save(str(root / "templates" / LEDGER))
    (root / "templates" / "基本情况.j2").write_text(
        "本单位自定义概况：共{{ counts.required }}个事项。\n", encoding="utf-8"
    )
    code, out, err = run(root, "build")
    assert code == 0, err
    texts = paragraph_texts(docx.Document(str(root / "out" / LEDGER)))
    assert "本台账由测试街道创文办编制，测试区2024年创建全国文明城市材料自查。" in texts
    assert "本单位自定义概况：共5个事项。" in texts


def test_template_without_civdoc_styles_still_works(tmp_path: Path) -> None:
    """A template made from scratch in Word: the generated tables borrow the built-in styles."""
    root = make(tmp_path)
    plain = docx.Document()
    for text in [
        "{{ title }}",
        "{%p for para in summary %}",
        "{{ para }}",
        "{%p endfor %}",
        "{{ ledger }}",
        "{{ problems }}",
        "{{ signatures }}",
    ]:
        plain.add_paragraph(text)
    (root / "templates").mkdir()
    plain.save(str(root / "templates" / LEDGER))
    code, out, err = run(root, "build")
    assert code == 0, err
    doc = docx.Document(str(root / "out" / LEDGER))
    names = {s.name for s in doc.styles}
    assert {"台账表格", "台账表格文字", "台账表头"} <= names
    assert len(tables_with(doc, "应报材料")) == 2
    # Word wants a paragraph after the last table of the document (here the 落款 follows it)
    body = [child for child in doc.element.body if child.tag != qn("w:sectPr")]
    assert body[-1].tag == qn("w:p") and qn("w:tbl") in [child.tag for child in body]


def test_placeholder_in_a_table_cell(tmp_path: Path) -> None:
    root = make(tmp_path)
    template = docx.Document(str(builtin_template()))
    paragraph = next(p for p in template.paragraphs if p.text == "{{ signatures }}")
    box = template.add_table(rows=1, cols=1)
    box.cell(0, 0).paragraphs[0].text = "{{ signatures }}"
    paragraph._p.addnext(box._tbl)
    paragraph.runs[0].text = "签字如下："
    (root / "templates").mkdir()
    template.save(str(root / "templates" / LEDGER))
    code, out, err = run(root, "build")
    assert code == 0, err
    doc = docx.Document(str(root / "out" / LEDGER))
    cell = doc.tables[-1].cell(0, 0)
    inner = cell._tc.find(qn("w:tbl"))
    assert inner is not None and cell._tc[-1].tag == qn("w:p")


@pytest.mark.parametrize(
    "replacement, words",
    [
        ("{{ titel }}", ["titel"]),
        ("{{ title }", ["标签写法有误"]),
        ("{%p for para in summary %}", ["标签写法有误"]),  # a second for without its endfor
        ("{{ ledger }} 见下表", ["ledger", "单独占一个段落"]),
    ],
)
def test_malformed_template_stops_the_build(tmp_path: Path, replacement: str, words: list[str]) -> None:
    root = make(tmp_path)
    template = docx.Document(str(builtin_template()))
    target = "{{ ledger }}" if "ledger" in replacement else "{{ title }}"
    paragraph = next(p for p in template.paragraphs if p.text == target)
    paragraph.runs[0].text = replacement
    (root / "templates").mkdir()
    template.save(str(root / "templates" / LEDGER))
    code, out, err = run(root, "build")
    assert code == 2, f"exit {code}\n{out}\n{err}"
    message = re.sub(r"\s+", "", err)
    assert "templates/材料自查台账.docx" in message
    for word in words:
        assert word in message
    assert not (root / "out" / LEDGER).exists()
    leftovers = [p.name for p in (root / "out").rglob("*")] if (root / "out").exists() else []
    assert not [n for n in leftovers if Path(n).suffix], leftovers  # all or nothing: not even the xlsx


def test_malformed_summary_template(tmp_path: Path) -> None:
    root = make(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "基本情况.j2").write_text("共{{ counts.required 个事项。", encoding="utf-8")
    code, out, err = run(root, "build")
    assert code == 2
    assert "templates/基本情况.j2" in re.sub(r"\s+", "", err)
    (root / "templates" / "基本情况.j2").write_text("共{{ nothing }}个事项。", encoding="utf-8")
    code, out, err = run(root, "build")
    assert code == 2
    assert "nothing" in err and "templates/基本情况.j2" in re.sub(r"\s+", "", err)
    assert not (root / "out" / LEDGER).exists()


def test_not_a_docx_template(tmp_path: Path) -> None:
    root = make(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / LEDGER).write_bytes(b"this is not a Word file")
    code, out, err = run(root, "build")
    assert code == 2
    assert "templates/材料自查台账.docx" in re.sub(r"\s+", "", err)


# -- small pieces -------------------------------------------------------------------------------------


def test_titles_and_numbers() -> None:
    from civdoc.render.docx.text import cn_number, dossier_title, paragraphs, title_lines

    assert dossier_title("示例区2024年创建全国文明城市材料自查", None) == "示例区2024年创建全国文明城市材料自查台账"
    assert dossier_title("示例区创文", None) == "示例区创文材料自查台账"
    assert dossier_title("示例区创文", "区教育局") == "区教育局材料自查台账"
    assert title_lines("示例区2024年创建全国文明城市材料自查台账") == "示例区2024年创建全国文明城市\n材料自查台账"
    assert title_lines("区教育局材料自查台账") == "区教育局材料自查台账"
    assert [cn_number(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]
    assert paragraphs("第一段\n接着\n\n\n第二段\n") == ["第一段接着", "第二段"]


def test_big_ledger_rows_are_copies_of_one_formatted_row() -> None:
    """Rows are copied from one formatted row (its speed is measured by bench/bench_build.py)."""
    from civdoc.render.docx.writer import Column, Writer

    writer = Writer({k: "x" for k in ("body", "heading", "cell", "center", "head", "table")})
    writer.width = 12000
    table = writer.table([Column(str(i), 1) for i in range(10)], ([str(r)] * 10 for r in range(3000)))
    rows = table.findall(qn("w:tr"))
    assert len(rows) == 3001
    texts = ["".join(t.text or "" for t in row.iter(qn("w:t"))) for row in rows[1:]]
    assert texts[0] == "0" * 10 and texts[-1] == "2999" * 10
    shape = [c.find(qn("w:tcPr")) is not None for c in rows[1].findall(qn("w:tc"))]
    assert all([c.find(qn("w:tcPr")) is not None for c in row.findall(qn("w:tc"))] == shape for row in rows[1:])


# -- as printed --------------------------------------------------------------------------------------


@pytest.mark.skipif(
    shutil.which("libreoffice") is None and shutil.which("soffice") is None, reason="LibreOffice is not installed"
)
def test_libreoffice_converts_the_dossier(built: Path, tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    source = tmp_path / "dossier.docx"
    shutil.copy(built / "out" / LEDGER, source)
    result = subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pdf = tmp_path / "dossier.pdf"
    assert pdf.exists(), result.stderr.decode(errors="replace")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert len(reader.pages) >= 3
    first = reader.pages[0]
    assert abs(float(first.mediabox.width) - 595.3) < 2  # A4 portrait
    assert any(float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages)  # a landscape page
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert "问题清单" in text.replace(" ", "")
