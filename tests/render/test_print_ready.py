"""Ledgers an office prints on A4, signs and hands in without touching them (SPEC §7, last paragraph).

Every sheet of every workbook is A4 and its smallest text, at the scale it prints (column widths, fit to
width, font size), is at least 9 pt; civdoc's line breaks follow Chinese typesetting; no ledger cell or
Word paragraph speaks of civdoc, YAML, command-line options or evidence/; the Word dossier ends with
its 落款 and each unit's with its seal and signature lines; the template's GB/T 9704 details.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from openpyxl.utils import column_index_from_string, get_column_letter

from tests.support.helpers import DIR_A, PHOTOS, UNIT_A, UNIT_B, config_with, evidence, make_project, pdf, run

MIN_POINTS = 9.0
# a column width unit printed: 7 pixels of Calibri 11 in Excel, 7.43 of its metric twin Carlito in
# LibreOffice; the larger is taken, so the scale computed is the smaller
POINTS_PER_WIDTH = 7.5 * 0.75
A4_MM = (210, 297)
JARGON = re.compile(r"civdoc|\.ya?ml\b|yaml|(?<![\w-])--[a-zA-Z]|evidence/", re.IGNORECASE)
CLOSING = "、。，；：？！）」』”’》〉】"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a finding of most kinds whose terminal wording names civdoc.yaml or evidence/."""
    tmp = tmp_path_factory.mktemp("print")
    files = evidence(
        drop=[PHOTOS[2]],
        add={
            "evidence/区教肓局/1.2 志愿服务/2024-05-11 工作台账.pdf": pdf,  # P501, a misnamed unit folder
            f"evidence/{UNIT_A}/情况说明.pdf": pdf,  # P504
            f"evidence/{UNIT_A}/其他材料/2024-05-02 说明.pdf": pdf,  # P502
            f"{DIR_A}/2024-03-16 工作方案副本.pdf": lambda: (Path(tmp) / "plan.pdf").read_bytes(),  # P505
            f"evidence/{UNIT_B}/1.1 理论宣讲/2024-05-03 方案.pdf": pdf,  # P503
            "evidence/说明.pdf": pdf,  # P504 outside every unit
        },
    )
    (Path(tmp) / "plan.pdf").write_bytes(pdf(date="2024-03-15"))
    files[f"{DIR_A}/2024-03-15 工作方案.pdf"] = (Path(tmp) / "plan.pdf").read_bytes()
    config = config_with(
        deadline="2024-10-01",
        waivers=[
            {"code": "C204", "unit": UNIT_A, "indicator": "1.1", "reason": "照片由市级统一拍摄", "until": "2024-09-30"},
        ],
    )
    root = make_project(tmp, config=config, files=files)
    code, out, err = run(root, "build")
    assert code == 0, out + err
    return root


def workbooks(root: Path) -> list[Path]:
    return sorted((root / "out").rglob("*.xlsx"))


def dossiers(root: Path) -> list[Path]:
    return sorted((root / "out").rglob("*.docx"))


# -- printed size ----------------------------------------------------------------------------------------


def print_columns(ws: Any) -> tuple[list[str], int, int]:
    """The printed columns' letters and the printed rows (first, last)."""
    area = ws.print_area
    if area:
        ref = area.split("!")[-1].replace("$", "")
        first, last = ref.split(":")
        c1, r1 = re.match(r"([A-Z]+)(\d+)", first).groups()
        c2, r2 = re.match(r"([A-Z]+)(\d+)", last).groups()
        letters = [get_column_letter(i) for i in range(column_index_from_string(c1), column_index_from_string(c2) + 1)]
        return letters, int(r1), int(r2)
    return [get_column_letter(i) for i in range(1, ws.max_column + 1)], 1, ws.max_row


def printed_scale(ws: Any, letters: list[str]) -> float:
    setup = ws.page_setup
    short, long = A4_MM
    paper_mm = long if setup.orientation == "landscape" else short
    printable = (paper_mm / 25.4 - ws.page_margins.left - ws.page_margins.right) * 72
    default = ws.sheet_format.defaultColWidth or 8.43
    total = 0.0
    for letter in letters:
        dim = ws.column_dimensions.get(letter)
        if dim is not None and dim.hidden:
            continue
        total += (dim.width if dim is not None and dim.width else default) * POINTS_PER_WIDTH
    if ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1:
        return min(1.0, printable / total)
    return (setup.scale or 100) / 100


def smallest_printed_points(ws: Any) -> float:
    letters, first, last = print_columns(ws)
    scale = printed_scale(ws, letters)
    sizes = []
    wanted = {column_index_from_string(letter) for letter in letters}
    for row in ws.iter_rows(min_row=first, max_row=last):
        for cell in row:
            if cell.column in wanted and cell.value not in (None, ""):
                hidden = ws.column_dimensions[cell.column_letter].hidden
                if not hidden:
                    sizes.append(cell.font.sz or 11)
    for part in (
        ws.oddHeader.left,
        ws.oddHeader.center,
        ws.oddHeader.right,
        ws.oddFooter.left,
        ws.oddFooter.center,
        ws.oddFooter.right,
    ):
        if part.text:
            sizes.append(part.size or 11)
    return min(sizes) * scale


def test_every_sheet_is_a4_and_prints_at_least_9_points(built: Path) -> None:
    books = workbooks(built)
    assert len(books) == 4  # the project's and one per unit that supplies material
    for path in books:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            assert str(ws.page_setup.paperSize) == "9", f"{path.name} {ws.title}: not A4"
            if ws.title == "台账":
                assert ws.page_setup.orientation == "landscape"
            points = smallest_printed_points(ws)
            assert points >= MIN_POINTS, f"{path.name} {ws.title}: {points:.2f} pt"


def test_review_entry_columns_stay_for_entry_off_paper(built: Path) -> None:
    ws = openpyxl.load_workbook(built / "out" / "材料自查台账.xlsx")["台账"]
    heads = [str(c.value).replace("\n", "") for c in ws[1]]
    letters, _, _ = print_columns(ws)
    printed = {heads[column_index_from_string(letter) - 1] for letter in letters}
    assert "审核情况" in printed and "初审状态" not in printed and "事项编号" not in printed
    assert {"初审状态", "初审审核人", "初审日期", "审核意见", "事项编号", "材料指纹"} <= set(heads)
    assert ws.data_validations.dataValidation  # the drop-downs are still there


# -- line breaks -----------------------------------------------------------------------------------------


def test_lines_break_as_chinese_is_set(built: Path) -> None:
    for path in workbooks(built):
        wb = openpyxl.load_workbook(path)
        for name in ("台账", "问题清单", "文件清单"):
            ws = wb[name]
            letters, first, last = print_columns(ws)
            for row in ws.iter_rows(min_row=first, max_row=last, max_col=len(letters)):
                for cell in row:
                    if not isinstance(cell.value, str) or "\n" not in cell.value:
                        continue
                    lines = cell.value.split("\n")
                    assert not any(line[:1] in CLOSING for line in lines if line), (name, cell.value)
                    # no word cut to leave one character alone: 理想信念教/育
                    assert not (len(lines[-1]) == 1 and "\u4e00" <= lines[-1] <= "\u9fff"), (name, cell.value)
    ws = openpyxl.load_workbook(built / "out" / "材料自查台账.xlsx")["台账"]
    heads = [str(c.value) for c in ws[1]]
    assert "完成\n情况" in heads and "指标\n编号" in heads


# -- what the ledgers say --------------------------------------------------------------------------------


def docx_texts(path: Path) -> list[str]:
    """Every paragraph of the body (tables included), headers and footers."""
    with zipfile.ZipFile(path) as archive:
        texts = []
        for name in archive.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                xml = archive.read(name).decode("utf-8")
                for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
                    texts.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)))
    return texts


def test_no_tool_jargon_in_any_ledger(built: Path) -> None:
    seen = 0
    for path in workbooks(built):
        for ws in openpyxl.load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        seen += 1
                        assert not JARGON.search(cell.value), f"{path.name} {ws.title}!{cell.coordinate}: {cell.value}"
    for path in dossiers(built):
        for text in docx_texts(path):
            seen += 1
            assert not JARGON.search(text), f"{path.name}: {text}"
    assert seen > 100


def test_ledgers_speak_to_units_and_the_terminal_keeps_its_words(built: Path) -> None:
    ws = openpyxl.load_workbook(built / "out" / "材料自查台账.xlsx")["问题清单"]
    heads = [str(c.value).replace("\n", "") for c in ws[1]]
    rows = [
        dict(zip(heads, (str(v or "").replace("\n", "") for v in r), strict=False))
        for r in ws.iter_rows(min_row=2, values_only=True)
        if r[0]
    ]
    codes = {r["代码"] for r in rows}
    assert {"P501", "P502", "P503", "P504", "P505", "W801"} <= codes
    assert "R601" not in codes  # a state in 台账, not a problem
    w801 = next(r for r in rows if r["代码"] == "W801")
    assert "联系区教育局" not in w801["说明"] and "调整豁免" in w801["说明"]
    p504 = next(r for r in rows if r["代码"] == "P504" and r["责任单位"] == UNIT_A)
    assert p504["文件"] == "情况说明.pdf"  # from the unit's own folder
    p501 = next(r for r in rows if r["代码"] == "P501")
    assert p501["责任单位"] == UNIT_B and "“肓”应为“育”" in p501["说明"]
    code, out, _ = run(built, "check")
    assert "civdoc.yaml" in out  # the terminal keeps the technical wording


def test_dossier_ends_with_its_seal_and_units_sign(built: Path) -> None:
    texts = [t for t in docx_texts(built / "out" / "材料自查台账.docx") if t.strip()]
    body = [p.text for p in docx.Document(str(built / "out" / "材料自查台账.docx")).paragraphs if p.text.strip()]
    assert body[-2].endswith("（盖章）") and body[-1] == "2024年11月1日"
    assert texts
    unit = [
        p.text for p in docx.Document(str(built / "out" / "分单位台账" / f"{UNIT_A}.docx")).paragraphs if p.text.strip()
    ]
    assert unit[-3] == f"责任单位（盖章）：{UNIT_A}"
    assert unit[-2].startswith("分管领导（签字）") and unit[-1].startswith("日　　期")


def test_word_ledger_marks_overdue_items_and_dates_in_chinese(built: Path) -> None:
    doc = docx.Document(str(built / "out" / "分单位台账" / f"{UNIT_A}.docx"))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert any("已逾期" in c.replace("\n", "") for c in cells)
    assert any(c.replace("\n", "") == "2024年10月1日" for c in cells)
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", c) for c in cells if "：" not in c and "/" not in c)


# -- the template's GB/T 9704 details -------------------------------------------------------------------


def test_template_grid_fonts_page_numbers_and_properties(built: Path) -> None:
    path = built / "out" / "材料自查台账.docx"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        document = archive.read("word/document.xml").decode("utf-8")
        fonts = archive.read("word/fontTable.xml").decode("utf-8")
        app = archive.read("docProps/app.xml").decode("utf-8")
        core = archive.read("docProps/core.xml").decode("utf-8")
        footers = {n: archive.read(n).decode("utf-8") for n in names if re.fullmatch(r"word/footer\d+\.xml", n)}
    grids = re.findall(r"<w:docGrid [^>]*/>", document)
    portrait = [g for g in grids if 'w:type="linesAndChars"' in g]
    assert portrait and all('w:charSpace="-841"' in g for g in portrait)
    for font in ("仿宋_GB2312", "方正小标宋简体", "楷体_GB2312", "黑体", "宋体"):
        assert f'w:name="{font}"' in fonts, font
    assert "Macintosh" not in app and "<Pages>" not in app
    assert not any("thumbnail" in n for n in names)
    assert "civdoc" not in core
    turned = [x for x in footers.values() if 'vert="vert"' in x]
    assert len(turned) == 2 and all(" PAGE " in x for x in turned)  # odd and even landscape pages
    doc = docx.Document(str(path))
    landscape = [s for s in doc.sections if s.page_width > s.page_height]
    assert landscape
    for section in landscape:
        assert not section.footer.is_linked_to_previous
        assert section._sectPr.find(qn("w:pgMar")).get(qn("w:left")) == "1984"  # the portrait foot, 35 mm
