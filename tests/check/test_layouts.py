"""What the check says in both folder layouts (issue 12, items 7–12): a misnamed unit folder reaches its
unit, P504 and P502 advise in the project's own layout and with its own indicators, 测评方法 lists and
their spelling, optional material (min: 0), and dates in names that are no dates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.support.helpers import (
    UNIT_A,
    UNIT_B,
    clean_files,
    config_with,
    indicator,
    indicators_with,
    make_project,
    pdf,
    report,
    run,
    with_code,
)

LAYOUTS = ["unit/indicator", "indicator/unit"]


def at(layout: str, unit: str, folder: str, name: str = "") -> str:
    """A path under evidence/ in the layout's order."""
    first, second = (unit, folder) if layout == "unit/indicator" else (folder, unit)
    return f"evidence/{first}/{second}" + (f"/{name}" if name else "")


def files_in(layout: str) -> dict[str, Any]:
    """The clean evidence of the default project, in the layout's order."""
    out = {}
    for path, value in clean_files().items():
        _, unit, folder, rest = path.split("/", 3)
        out[at(layout, unit, folder, rest)] = value
    return out


def project(tmp_path: Path, layout: str, files: dict[str, Any], indicators: Any = None, **config: Any) -> Path:
    return make_project(tmp_path, config=config_with(layout=layout, **config), files=files, indicators=indicators)


# -- 7: a misnamed unit folder ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_misnamed_unit_folder_belongs_to_its_unit(tmp_path: Path, layout: str) -> None:
    files = files_in(layout)
    moved = {p: v for p, v in files.items() if f"/{UNIT_B}" in p}
    for p, v in moved.items():
        del files[p]
        files[p.replace(UNIT_B, "区教肓局")] = v
    if layout == "indicator/unit":  # the unit has another folder: only the misnamed one's item lacks one
        files[at(layout, UNIT_B, "1.3 公共秩序", "2024-05-01 情况说明.pdf")] = pdf
    rep = report(project(tmp_path, layout, files), expect=1)
    p501 = with_code(rep["findings"], "P501")
    assert len(p501) == 1 and p501[0]["unit"] == UNIT_B
    assert "“肓”应为“育”" in p501[0]["message"] and "改名为“区教育局”" in p501[0]["message"]
    # its files are listed, under the unit meant
    listed = [f for f in rep["files"] if "区教肓局" in f["path"]]
    assert listed and {f["unit"] for f in listed} == {UNIT_B}
    if layout == "unit/indicator":  # the unit has no folder at all
        c201 = with_code(rep["findings"], "C201")
        assert [f["unit"] for f in c201] == [UNIT_B] and "把“区教肓局”文件夹改名为“区教育局”" in c201[0]["message"]
    else:  # the folder stands in an indicator: the finding and its C202 are that item's
        assert p501[0]["indicator"] == "1.2"
        c202 = with_code(rep["findings"], "C202")
        assert [(f["unit"], f["indicator"]) for f in c202] == [(UNIT_B, "1.2")]
        assert "把“区教肓局”文件夹改名为“区教育局”" in c202[0]["message"]


def test_unclear_folder_name_stays_unplaced(tmp_path: Path) -> None:
    files = files_in("unit/indicator")
    files["evidence/综合材料/说明.pdf"] = pdf
    p501 = with_code(report(project(tmp_path, "unit/indicator", files))["findings"], "P501")
    assert len(p501) == 1 and p501[0]["unit"] is None and "改名为" not in p501[0]["message"]


# -- 8: P504 and swapped layouts ----------------------------------------------------------------------


def test_file_beside_unit_folders_in_indicator_layout(tmp_path: Path) -> None:
    files = files_in("indicator/unit")
    files["evidence/1.4 工作总结/情况说明.pdf"] = pdf
    p504 = with_code(report(project(tmp_path, "indicator/unit", files))["findings"], "P504")
    assert len(p504) == 1 and p504[0]["indicator"] == "1.4"
    message = p504[0]["message"]
    assert "指标文件夹“1.4 工作总结”" in message and "没有放入单位文件夹" in message
    assert "“1.4 工作总结/团区委”" in message and "不在任何指标文件夹" not in message


def test_file_beside_indicator_folders_in_unit_layout(tmp_path: Path) -> None:
    files = files_in("unit/indicator")
    files[f"evidence/{UNIT_A}/情况说明.pdf"] = pdf
    p504 = with_code(report(project(tmp_path, "unit/indicator", files))["findings"], "P504")
    assert len(p504) == 1 and p504[0]["unit"] == UNIT_A
    assert "没有放入指标文件夹" in p504[0]["message"] and "“1.1 理论宣讲”" in p504[0]["message"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_folders_in_the_other_layouts_order(tmp_path: Path, layout: str) -> None:
    """Units first in an indicators-first project, or the other way round: one finding saying so."""
    other = "indicator/unit" if layout == "unit/indicator" else "unit/indicator"
    files = files_in(layout)
    files.update({p.replace("活动照片", "补充照片"): v for p, v in files_in(other).items() if "活动照片" in p})
    rep = report(project(tmp_path, layout, files), expect=0)
    placement = [f for f in rep["findings"] if f["code"] in ("P501", "P502", "P504")]
    assert len(placement) == 1, placement
    words = "“指标/单位”" if layout == "indicator/unit" else "“单位/指标”"
    assert words in placement[0]["message"]
    assert any("补充照片" in f["path"] for f in rep["files"])  # listed, not counted


# -- 9: hints name the project's own indicators ---------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_p502_example_is_the_projects_own(tmp_path: Path, layout: str) -> None:
    files = files_in(layout)
    if layout == "unit/indicator":
        files[f"evidence/{UNIT_A}/其他材料/说明.pdf"] = pdf
    else:
        files["evidence/其他材料/说明.pdf"] = pdf
    p502 = with_code(report(project(tmp_path, layout, files))["findings"], "P502")
    assert len(p502) == 1
    assert "“1.1 理论宣讲”" in p502[0]["message"] and "学雷锋" not in p502[0]["message"]
    code, out, _ = run(None, "rules", "C202")
    assert code == 0 and "学雷锋" not in out


# -- 10: 测评方法 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_methods_add_up_in_the_ledger(tmp_path: Path, layout: str) -> None:
    def change(inds: list[dict[str, Any]]) -> None:
        ind = indicator(inds, "1.1")
        ind["method"] = ["材料审核", "实地考察"]
        ind["standards"] = [
            {"text": "宣讲活动有方案。", "method": "网上申报"},
            {"text": "宣讲进社区。", "method": ["问卷调查"]},
        ]

    root = project(tmp_path, layout, files_in(layout), indicators=indicators_with(change))
    code, out, err = run(root, "build")
    assert code == 0, out + err
    ws = openpyxl.load_workbook(root / "out" / "材料自查台账.xlsx")["台账"]
    heads = [str(c.value).replace("\n", "") for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "1.1")
    assert row[heads.index("测评方法")].split("\n") == ["材料审核", "实地考察", "网上申报", "问卷调查"]


@pytest.mark.parametrize(
    "name, words",
    [
        ("实地考查", ["实地考查", "您是否想写“实地考察”"]),
        ("专家评议", ["专家评议", "methods"]),
    ],
)
def test_unknown_method_is_d105(tmp_path: Path, name: str, words: list[str]) -> None:
    def change(inds: list[dict[str, Any]]) -> None:
        indicator(inds, "1.3")["method"] = ["材料审核", name]

    root = project(tmp_path, "unit/indicator", files_in("unit/indicator"), indicators=indicators_with(change))
    code, out, _ = run(root, "check", "--format", "json")
    assert code == 2
    found = json.loads(out)["findings"]
    (d105,) = [f for f in found if f["code"] == "D105"]
    assert d105["path"] == "indicators/01-思想道德建设.yaml" and d105["line"]
    assert all(w in d105["message"] for w in words)


def test_method_of_the_project_is_known(tmp_path: Path) -> None:
    def change(inds: list[dict[str, Any]]) -> None:
        indicator(inds, "1.3")["method"] = "专家评议"

    root = project(
        tmp_path, "unit/indicator", files_in("unit/indicator"), indicators=indicators_with(change), methods=["专家评议"]
    )
    assert not [f for f in report(root)["findings"] if f["code"].startswith("D")]


# -- 11: optional material ------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_min_zero_is_listed_never_missing(tmp_path: Path, layout: str) -> None:
    def change(inds: list[dict[str, Any]]) -> None:
        indicator(inds, "1.1")["requirements"].append({"name": "活动视频", "kind": "音像资料", "min": 0})
        inds.append(
            {
                "id": "1.5",
                "content": "宣传视频",
                "lead": UNIT_A,
                "requirements": [{"name": "宣传片", "kind": "音像资料", "min": 0}],
            }
        )

    root = project(tmp_path, layout, files_in(layout), indicators=indicators_with(change))
    code, out, err = run(root, "build")
    assert code == 0, out + err
    rep = report(root)
    assert not [f for f in rep["findings"] if f["code"] in ("C202", "C203", "C204")]
    item = next(i for i in rep["items"] if (i["unit"], i["indicator"]) == (UNIT_A, "1.1"))
    assert item["status"] == "complete"
    video = next(r for r in item["requirements"] if r["name"] == "活动视频")
    assert (video["min"], video["found"]) == (0, 0)
    ws = openpyxl.load_workbook(root / "out" / "材料自查台账.xlsx")["台账"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert any("活动视频 0份（可选）" in c.replace("\n", "") for c in cells)


# -- 12: a date in a name that is no date ---------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_impossible_date_in_a_name(tmp_path: Path, layout: str) -> None:
    files = files_in(layout)
    files[at(layout, UNIT_A, "1.1 理论宣讲", "2024-13-05 补充方案.pdf")] = lambda: pdf(date="2024-03-01")
    files[at(layout, UNIT_A, "1.1 理论宣讲", "2024年2月30日 宣讲方案.doc")] = b"\xd0\xcf\x11\xe0" + b"\0" * 600
    rep = report(project(tmp_path, layout, files))
    t402 = {f["path"].rsplit("/", 1)[1]: f["message"] for f in with_code(rep["findings"], "T402")}
    assert "“2024-13-05”不是有效的日期" in t402["2024-13-05 补充方案.pdf"]
    assert "2024-03-01" in t402["2024-13-05 补充方案.pdf"]  # the PDF's own date is taken instead
    assert "“2024年2月30日”不是有效的日期" in t402["2024年2月30日 宣讲方案.doc"]
    dated = next(f for f in rep["files"] if f["path"].endswith("2024-13-05 补充方案.pdf"))
    assert dated["date"] == "2024-03-01" and dated["date_source"] == "pdf:CreationDate"
