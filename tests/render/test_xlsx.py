"""The Excel ledger of `civdoc build` (SPEC §7), read back with openpyxl: sheets, headers, rows, review
drop-downs, hidden key columns, print settings, links, and no cell ever a formula."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

from tests.support.helpers import (
    DIR_A,
    EV,
    PHOTOS,
    REQUIRED_ITEMS,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    evidence,
    indicators_with,
    make_project,
    pdf,
    review,
    run,
)

SHEETS = ["汇总", "台账", "问题清单", "文件清单"]
STAGES = ["初审", "复审", "终审"]
LEDGER_HEADERS = [
    "序号",
    "指标编号",
    "测评项目",
    "测评内容",
    "测评标准",
    "测评方法",
    "分值",
    "责任单位",
    "材料情况（已报/应报）",
    "存在问题",
    "完成情况",
    "完成时限",
    "审核情况",
    *[f"{s}{what}" for s in STAGES for what in ("状态", "审核人", "日期")],
    "审核意见",
    "备注",
    "事项编号",
    "材料指纹",
    "生成时审核状态",
]
PROBLEM_HEADERS = [
    "序号",
    "责任单位",
    "指标编号",
    "测评内容",
    "级别",
    "代码",
    "问题类型",
    "说明",
    "文件",
    "整改时限",
    "整改情况",
]
FILE_HEADERS = [
    "序号",
    "责任单位",
    "指标编号",
    "材料项",
    "文件名",
    "类型",
    "页数/像素",
    "日期",
    "日期来源",
    "大小",
    "可用",
    "SHA-256",
    "打开文件",
]
FORMULA_NAME = "=1+2.pdf"  # no keyword: the only requirement of 1.1 taking PDFs (工作方案) gets it by type


def build(root: Path, *args: str) -> None:
    code, out, err = run(root, "build", *args)
    assert code == 0, f"build exited {code}:\n{out}\n{err}"


def headers(ws) -> list[str]:
    """Header texts without the line breaks civdoc puts in narrow printed columns."""
    return [c.value.replace("\n", "") if isinstance(c.value, str) else c.value for c in ws[1]]


def flat(value: object) -> str:
    """A printed cell's text without the line breaks civdoc chose for it."""
    return str(value or "").replace("\n", "")


def rows(ws) -> list[dict[str, object]]:
    """Data rows as header -> value, up to the first row without 序号."""
    names = headers(ws)
    found = []
    for values in ws.iter_rows(min_row=2, values_only=True):
        if values[0] is None:
            break
        found.append(dict(zip(names, values)))
    return found


def column(ws, header: str) -> str:
    return openpyxl.utils.get_column_letter(headers(ws).index(header) + 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project plus a file named like a formula, one photo short (C204), one review signed."""
    tmp = tmp_path_factory.mktemp("xlsx")
    files = evidence(add={f"{DIR_A}/{FORMULA_NAME}": lambda: pdf(date="2024-03-01")}, drop=[PHOTOS[2]])
    files[f"{EV}/{UNIT_B}/1.2 志愿服务/2024-05-20 工作台账 #2 (补充).pdf"] = lambda: pdf(date="2024-05-20")
    root = make_project(tmp, files=files)
    code, out, err = review(root, UNIT_B, "1.2", "初审", True, "王五", "--note", "材料齐全")
    assert code == 0, out + err
    build(root)
    return root


@pytest.fixture(scope="module")
def book(built: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(built / "out" / "材料自查台账.xlsx")


@pytest.fixture(scope="module")
def rep(built: Path) -> dict:
    return json.loads((built / "out" / "report.json").read_text(encoding="utf-8"))


def test_sheets_in_order_with_their_headers(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == SHEETS
    assert headers(book["台账"]) == LEDGER_HEADERS
    assert headers(book["问题清单"]) == PROBLEM_HEADERS
    assert headers(book["文件清单"]) == FILE_HEADERS


def test_row_counts_match_the_report(book: openpyxl.Workbook, rep: dict) -> None:
    assert len(rows(book["台账"])) == len(rep["items"])
    # pending reviews (R601) are a state in 台账, not a problem to put right
    assert len(rows(book["问题清单"])) == sum(1 for f in rep["findings"] if f["code"] != "R601")
    assert len(rows(book["文件清单"])) == len(rep["files"])


def test_ledger_rows_in_aspect_id_unit_order(book: openpyxl.Workbook) -> None:
    keys = [r["事项编号"] for r in rows(book["台账"])]
    assert keys == [
        f"{UNIT_A}|1.1",
        f"{UNIT_B}|1.2",
        f"{UNIT_C}|1.2",
        f"{UNIT_A}|1.3",
        f"{UNIT_B}|1.3",
        f"{UNIT_C}|1.4",
    ]
    assert [r["序号"] for r in rows(book["台账"])] == list(range(1, 7))


def test_ledger_cells(book: openpyxl.Workbook, rep: dict) -> None:
    ws = book["台账"]
    by_key = {r["事项编号"]: r for r in rows(ws)}
    a = by_key[f"{UNIT_A}|1.1"]
    assert flat(a["测评项目"]) == "思想道德建设" and flat(a["测评内容"]) == "理论宣讲"
    assert flat(a["测评标准"]) == "1. 宣讲活动有方案、有现场记录。2. 宣讲进社区。"
    assert a["分值"] == 2 and flat(a["责任单位"]) == UNIT_A
    assert a["材料情况（已报/应报）"] == "工作方案 2/1\n活动照片 2/3"
    assert a["完成情况"] == "未完成"
    assert flat(a["存在问题"]).startswith("C204 材料数量不足：")
    assert "另有" not in flat(a["存在问题"])  # one problem, no "more in 问题清单"
    assert a["完成时限"] == datetime(2024, 12, 31)
    assert a["初审状态"] == "待审" and a["初审审核人"] is None
    assert a["审核情况"] == "初审：待审\n复审：待审\n终审：待审"
    item = next(i for i in rep["items"] if i["unit"] == UNIT_A and i["indicator"] == "1.1")
    assert a["材料指纹"] == item["fingerprint"]

    b = by_key[f"{UNIT_B}|1.2"]
    assert flat(b["责任单位"]) == f"{UNIT_B}（牵头）"
    assert b["完成情况"] == "已完成" and b["存在问题"] in (None, "")
    assert b["审核情况"].startswith(f"初审：通过\n王五 {date.today().month}月{date.today().day}日\n复审：待审")
    assert (b["初审状态"], b["初审审核人"], b["初审日期"]) == (
        "通过",
        "王五",
        datetime.combine(date.today(), datetime.min.time()),
    )
    assert b["复审状态"] == "待审" and b["审核意见"] == "初审（通过）：材料齐全"

    field_only = by_key[f"{UNIT_B}|1.3"]
    assert flat(field_only["完成情况"]) == "不需报送"
    assert flat(field_only["材料情况（已报/应报）"]) == "不需报送材料（以实地考察方式测评）"
    assert field_only["审核情况"] == "—"


def test_incomplete_status_is_red(book: openpyxl.Workbook) -> None:
    ws = book["台账"]
    col = headers(ws).index("完成情况") + 1
    cell = ws.cell(2, col)
    assert cell.value == "未完成"
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert cell.font.color.rgb.endswith("C00000")


def test_state_cells_have_a_drop_down(book: openpyxl.Workbook) -> None:
    ws = book["台账"]
    validations = ws.data_validations.dataValidation
    assert validations, "no data validation in 台账"
    for dv in validations:
        assert dv.type == "list" and dv.showErrorMessage and dv.error
        assert dv.formula1 == '"待审,通过,退回"'
    covered = {
        str(c)
        for dv in validations
        for rng in dv.sqref.ranges
        for row in rng.cells
        for c in [openpyxl.utils.get_column_letter(row[1]) + str(row[0])]
    }
    data = rows(ws)
    for stage in STAGES:
        letter = column(ws, f"{stage}状态")
        for r, values in enumerate(data, start=2):
            cell = f"{letter}{r}"
            if flat(values["完成情况"]) == "不需报送":
                assert cell not in covered
            else:
                assert cell in covered, f"{cell} ({values['事项编号']}) has no drop-down"


def test_key_columns_hidden_nothing_protected(book: openpyxl.Workbook) -> None:
    ws = book["台账"]
    for name in ("事项编号", "材料指纹", "生成时审核状态"):
        assert ws.column_dimensions[column(ws, name)].hidden, name
    for name in ("指标编号", "初审状态", "审核意见", "审核情况"):
        assert not ws.column_dimensions[column(ws, name)].hidden, name
    assert not ws.protection.sheet
    assert not book.security or not book.security.lockStructure


def test_frozen_filtered_and_print_ready(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert str(setup.paperSize) == "9", ws.title  # A4, every sheet
        assert setup.fitToWidth == 1 and setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert "测试区2024年创建全国文明城市材料自查" in ws.oddHeader.center.text
    for name in ("台账", "问题清单", "文件清单"):
        ws = book[name]
        assert ws.freeze_panes in ("A2", "E2"), name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert ws.print_title_rows in ("1:1", "$1:$1"), name
        assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7"), name
    assert book["台账"].freeze_panes == "E2"
    # the review entry columns, SHA-256 and the links are for the screen: off the print area
    assert book["台账"].print_area == f"'台账'!$A$1:${column(book['台账'], '审核情况')}$7"
    assert book["文件清单"].print_area.startswith(f"'文件清单'!$A$1:${column(book['文件清单'], '可用')}$")


def test_widths_fit_chinese_text(book: openpyxl.Workbook) -> None:
    ws = book["台账"]
    assert ws.column_dimensions[column(ws, "测评标准")].width >= 20
    assert ws.column_dimensions[column(ws, "初审状态")].width >= 8  # 初审状态: 4 CJK characters
    assert ws.cell(2, headers(ws).index("测评标准") + 1).alignment.wrap_text


def test_no_cell_is_a_formula(book: openpyxl.Workbook) -> None:
    ws = book["文件清单"]
    names = [r["文件名"] for r in rows(ws)]
    assert FORMULA_NAME in names
    r = names.index(FORMULA_NAME) + 2
    cell = ws.cell(r, FILE_HEADERS.index("文件名") + 1)
    assert cell.value == FORMULA_NAME and cell.data_type == "s"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"


def test_problem_list(book: openpyxl.Workbook, rep: dict) -> None:
    found = rows(book["问题清单"])
    c204 = next(r for r in found if r["代码"] == "C204")
    assert c204["责任单位"] == UNIT_A and c204["指标编号"] == "1.1" and c204["测评内容"] == "理论宣讲"
    assert flat(c204["问题类型"]) == "材料数量不足" and c204["级别"] == "错误"
    assert c204["整改时限"] == datetime(2024, 12, 31) and c204["整改情况"] is None
    assert {r["代码"] for r in found} == {f["code"] for f in rep["findings"]} - {"R601"}


def test_file_list_and_links(built: Path, book: openpyxl.Workbook, rep: dict) -> None:
    ws = book["文件清单"]
    data = rows(ws)
    photo = next(r for r in data if flat(r["文件名"]) == PHOTOS[0].rsplit("/", 1)[1])
    assert photo["页数/像素"] == "320×240" and flat(photo["日期"]) == "2024年4月2日" and photo["日期来源"] == "文件名"
    assert photo["可用"] == "是" and photo["材料项"] == "活动照片" and photo["类型"] == "JPG"
    sha = next(f["sha256"] for f in rep["files"] if f["path"] == PHOTOS[0])
    assert photo["SHA-256"] == sha.removeprefix("sha256:")
    formula = next(r for r in data if r["文件名"] == FORMULA_NAME)
    assert formula["页数/像素"] == "1页" and flat(formula["日期来源"]).replace(" ", "") == "PDF创建时间"
    assert str(formula["大小"]).endswith("KB")
    link_col = FILE_HEADERS.index("打开文件") + 1
    out = built / "out"
    for r in range(2, len(data) + 2):
        target = ws.cell(r, link_col).hyperlink.target
        assert target.startswith("../evidence/"), target
        assert (out / unquote(target)).resolve().is_file(), target
    odd = next(r for r in range(2, len(data) + 2) if "#2" in flat(ws.cell(r, 5).value))
    assert "%23" in ws.cell(odd, link_col).hyperlink.target  # '#' would start a fragment


def test_summary(book: openpyxl.Workbook) -> None:
    ws = book["汇总"]
    assert ws["A1"].value == "测试区2024年创建全国文明城市材料自查"
    assert "检查日期：2024年11月1日" in ws["A2"].value
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    header_rows = [r for (r, col), v in cells.items() if v == "应报事项"]
    assert len(header_rows) == 2
    heads = [ws.cell(header_rows[1], j).value for j in range(1, 11)]
    assert heads == [
        "责任单位",
        "应报事项",
        "已完成",
        "未完成",
        "完成率",
        "错误",
        "警告",
        "初审通过",
        "复审通过",
        "终审通过",
    ]
    unit_rows = {
        ws.cell(r, 1).value: [ws.cell(r, j).value for j in range(2, 11)]
        for r in range(header_rows[1] + 1, header_rows[1] + 5)
    }
    assert unit_rows[UNIT_A][:4] == [1, 0, 1, 0]
    assert unit_rows[UNIT_B][:4] == [1, 1, 0, 1] and unit_rows[UNIT_B][6] == 1  # 初审通过
    assert unit_rows["合计"][:3] == [len(REQUIRED_ITEMS), 3, 1]
    rate = ws.cell(header_rows[1] + 1, 5)
    assert "%" in rate.number_format
    assert len(ws._charts) == 1


def test_unit_ledgers(built: Path, rep: dict) -> None:
    folder = built / "out" / "分单位台账"
    assert sorted(p.name for p in folder.glob("*.xlsx")) == sorted(f"{u}.xlsx" for u in (UNIT_A, UNIT_B, UNIT_C))
    for unit in (UNIT_A, UNIT_B, UNIT_C):
        wb = openpyxl.load_workbook(folder / f"{unit}.xlsx")
        assert wb.sheetnames == SHEETS
        ledger = rows(wb["台账"])
        assert ledger and {flat(r["责任单位"]).removesuffix("（牵头）") for r in ledger} == {unit}
        assert len(ledger) == sum(1 for i in rep["items"] if i["unit"] == unit)
        assert {flat(r["责任单位"]) for r in rows(wb["问题清单"])} <= {unit}
        files = rows(wb["文件清单"])
        assert files and {flat(r["责任单位"]) for r in files} == {unit}
        link = wb["文件清单"].cell(2, FILE_HEADERS.index("打开文件") + 1).hyperlink.target
        assert link.startswith("../../evidence/") and (folder / unquote(link)).resolve().is_file()
        texts = [c.value for row in wb["台账"].iter_rows(min_row=len(ledger) + 2) for c in row if c.value]
        assert any("分管领导（签字）" in t for t in texts)
        assert any("联络员" in t and "签字" in t for t in texts)
    wb = openpyxl.load_workbook(folder / f"{UNIT_A}.xlsx")
    texts = [c.value for row in wb["台账"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("张三 13800000000" in t for t in texts)


def test_indicator_ids_sort_numerically(tmp_path: Path) -> None:
    def add(inds: list) -> None:
        inds.append({"id": "1.10", "content": "第十项", "method": "实地考察", "lead": UNIT_A})
        inds.append({"id": "1.9", "content": "第九项", "method": "实地考察", "lead": UNIT_A})

    root = make_project(tmp_path, indicators=indicators_with(add))
    build(root)
    wb = openpyxl.load_workbook(root / "out" / "材料自查台账.xlsx")
    ids = [r["指标编号"] for r in rows(wb["台账"])]
    assert ids == ["1.1", "1.2", "1.2", "1.3", "1.3", "1.4", "1.9", "1.10"]


def test_unit_build_writes_only_that_unit(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    build(root, "--unit", "教育局")
    out = root / "out"
    assert not (out / "材料自查台账.xlsx").exists()
    assert [p.name for p in (out / "分单位台账").glob("*.xlsx")] == [f"{UNIT_B}.xlsx"]
    wb = openpyxl.load_workbook(out / "分单位台账" / f"{UNIT_B}.xlsx")
    assert {flat(r["责任单位"]).removesuffix("（牵头）") for r in rows(wb["台账"])} == {UNIT_B}
