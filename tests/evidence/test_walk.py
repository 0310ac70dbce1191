"""SPEC §3: evidence folders. Layouts, aliases, grouping folders, indicator ids, requirement assignment,
Unicode normalisation, ignored files and where a file's date comes from. All through `check --format json`.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

import pytest

from tests.support.helpers import (
    DIR_A,
    EV,
    LEDGER_B,
    PHOTOS,
    PLAN,
    SUMMARY_C,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    assert_codes,
    clean_files,
    config_with,
    docx,
    evidence,
    file_entry,
    findings,
    image_pdf,
    indicator,
    indicators_with,
    item_entry,
    jpeg,
    nfd,
    only,
    pdf,
    png,
    report,
    xlsx,
)


def moved(mapping: dict[str, str]) -> dict:
    """clean_files() with each path's prefix replaced (old prefix -> new prefix)."""
    files = {}
    for path, value in clean_files().items():
        for old, new in mapping.items():
            if path.startswith(old):
                path = new + path[len(old) :]
                break
        files[path] = value
    return files


# -------------------------------------------------------------------------------------------
# Layouts, aliases, grouping folders


def test_layout_indicator_unit(project):
    files = moved(
        {
            f"{EV}/{UNIT_A}/1.1 理论宣讲": f"{EV}/1.1 理论宣讲/{UNIT_A}",
            f"{EV}/{UNIT_B}/1.2 志愿服务": f"{EV}/1.2 志愿服务/{UNIT_B}",
            f"{EV}/{UNIT_C}/1.2 志愿服务": f"{EV}/1.2 志愿服务/{UNIT_C}",
            f"{EV}/{UNIT_C}/1.4 工作总结": f"{EV}/1.4 工作总结/{UNIT_C}",
        }
    )
    root = project(config=config_with(layout="indicator/unit"), files=files)
    rep = report(root, expect=0)
    assert_codes(rep["findings"], set())
    f = file_entry(rep, f"{EV}/1.1 理论宣讲/{UNIT_A}/2024-03-15 工作方案.pdf")
    assert (f["unit"], f["indicator"], f["requirement"]) == (UNIT_A, "1.1", "工作方案")
    assert all(i["status"] == "complete" for i in rep["items"] if i["status"] != "not_required")


def test_layout_indicator_unit_gaps(project):
    files = moved(
        {
            f"{EV}/{UNIT_A}/1.1 理论宣讲": f"{EV}/1.1 理论宣讲/宣传部",  # alias
            f"{EV}/{UNIT_B}/1.2 志愿服务": f"{EV}/1.2 志愿服务/{UNIT_B}",
            f"{EV}/{UNIT_C}/1.2 志愿服务": f"{EV}/1.2 志愿服务/{UNIT_C}",
        }
    )
    del files[SUMMARY_C]
    files[f"{EV}/1.4 工作总结/宣传处/2024-06-30 总结.pdf"] = pdf
    root = project(config=config_with(layout="indicator/unit"), files=files)
    found = findings(root)
    assert_codes(found, {("C202", None), ("P501", f"{EV}/1.4 工作总结/宣传处")})
    c202 = only(found, "C202")
    assert (c202["unit"], c202["indicator"]) == (UNIT_C, "1.4")


def test_layout_indicator_unit_missing_unit_is_one_C201(project):
    files = moved(
        {
            f"{EV}/{UNIT_A}/1.1 理论宣讲": f"{EV}/1.1 理论宣讲/{UNIT_A}",
            f"{EV}/{UNIT_B}/1.2 志愿服务": f"{EV}/1.2 志愿服务/{UNIT_B}",
        }
    )
    files = {k: v for k, v in files.items() if not k.startswith(f"{EV}/{UNIT_C}/")}
    root = project(config=config_with(layout="indicator/unit"), files=files)
    found = findings(root)
    assert_codes(found, {("C201", None)})
    assert only(found, "C201")["unit"] == UNIT_C


def test_unit_folder_by_alias(project):
    files = moved({f"{EV}/{UNIT_A}/": f"{EV}/宣传部/", f"{EV}/{UNIT_B}/": f"{EV}/教育局/"})
    root = project(files=files)
    rep = report(root, expect=0)
    assert_codes(rep["findings"], set())
    f = file_entry(rep, f"{EV}/宣传部/1.1 理论宣讲/2024-03-15 工作方案.pdf")
    assert f["unit"] == UNIT_A  # the canonical name
    assert item_entry(rep, UNIT_B, "1.2")["status"] == "complete"


def test_unit_in_two_folders_name_and_alias(project):
    files = moved({f"{EV}/{UNIT_A}/1.1 理论宣讲/2024-04-02": f"{EV}/宣传部/1.1 理论宣讲/2024-04-02"})
    root = project(files=files)
    rep = report(root, expect=0)
    assert_codes(rep["findings"], set())
    assert item_entry(rep, UNIT_A, "1.1")["status"] == "complete"


@pytest.mark.parametrize("groups", ["01 思想道德建设", "01 思想道德建设/第一季度", "理想信念"])
def test_grouping_folders_above_the_indicator_folder(project, groups):
    files = moved({f"{EV}/{UNIT_A}/1.1 理论宣讲": f"{EV}/{UNIT_A}/{groups}/1.1 理论宣讲"})
    root = project(files=files)
    rep = report(root, expect=0)
    assert_codes(rep["findings"], set())
    f = file_entry(rep, f"{EV}/{UNIT_A}/{groups}/1.1 理论宣讲/2024-03-15 工作方案.pdf")
    assert (f["unit"], f["indicator"]) == (UNIT_A, "1.1")


def test_first_matching_folder_from_the_top_is_the_indicator_folder(project):
    """Below the indicator folder, a sub-folder starting with another id is just a sub-folder."""
    files = evidence(add={f"{DIR_A}/1.2 相关/2024-04-02 活动照片4.jpg": jpeg})
    root = project(files=files)
    rep = report(root)
    f = file_entry(rep, f"{DIR_A}/1.2 相关/2024-04-02 活动照片4.jpg")
    assert (f["unit"], f["indicator"]) == (UNIT_A, "1.1")
    assert_codes(rep["findings"], set())


# -------------------------------------------------------------------------------------------
# Indicator ids in folder names


def ids_project(project, folder_names: list[str]):
    inds = {
        "01.yaml": {
            "aspect": "测试",
            "indicators": [
                {"id": ident, "content": f"指标{ident}", "lead": UNIT_A} for ident in ("2.1", "2.1.1", "2.1.10")
            ],
        }
    }
    files = {f"{EV}/{UNIT_A}/{name}/2024-03-{i + 10} 材料.pdf": pdf for i, name in enumerate(folder_names)}
    return project(indicators=inds, files=files)


def test_longest_matching_id_wins(project):
    root = ids_project(project, ["2.1.10 十号指标", "2.1 总指标"])
    rep = report(root)
    assert file_entry(rep, f"{EV}/{UNIT_A}/2.1.10 十号指标/2024-03-10 材料.pdf")["indicator"] == "2.1.10"
    assert file_entry(rep, f"{EV}/{UNIT_A}/2.1 总指标/2024-03-11 材料.pdf")["indicator"] == "2.1"
    missing = [f for f in rep["findings"] if f["code"] == "C202"]
    assert [(f["unit"], f["indicator"]) for f in missing] == [(UNIT_A, "2.1.1")]
    assert_codes(rep["findings"], {("C202", None)})


@pytest.mark.parametrize(
    "name", ["2.1.1", "2.1.1 名称", "2.1.1-名称", "2.1.1_名称", "2.1.1、名称", "2.1.1.名称", "2.1.1．名称"]
)
def test_id_followed_by_end_or_separator(project, name):
    root = ids_project(project, [name, "2.1.10", "2.1"])
    rep = report(root, expect=0)
    assert file_entry(rep, f"{EV}/{UNIT_A}/{name}/2024-03-10 材料.pdf")["indicator"] == "2.1.1"
    assert_codes(rep["findings"], set())


# -------------------------------------------------------------------------------------------
# Which requirement a file serves


def test_requirement_by_subfolder_name_before_keyword(project):
    path = f"{DIR_A}/活动照片/2024-04-02 方案讨论.jpg"  # 方案 is 工作方案's keyword; the folder wins
    root = project(files=evidence(add={path: jpeg}))
    assert file_entry(report(root), path)["requirement"] == "活动照片"


def test_requirement_by_keyword_before_type(project):
    path = f"{DIR_A}/2024-04-02 方案附图.jpg"  # a jpg fits both; the keyword decides
    root = project(files=evidence(add={path: jpeg}))
    rep = report(root)
    assert file_entry(rep, path)["requirement"] == "工作方案"
    assert_codes(rep["findings"], set())


def test_first_requirement_whose_keyword_matches(project):
    path = f"{DIR_A}/2024-04-02 方案照片.jpg"  # both keywords: the first requirement in order
    root = project(files=evidence(add={path: jpeg}))
    assert file_entry(report(root), path)["requirement"] == "工作方案"


def test_requirement_by_only_accepting_type(project):
    path = f"{DIR_A}/2024-03-16 文件.pdf"  # no keyword; only 工作方案 takes a pdf
    root = project(files=evidence(drop=[PLAN], add={path: image_pdf}))
    rep = report(root, expect=0)
    assert file_entry(rep, path)["requirement"] == "工作方案"
    assert_codes(rep["findings"], set())


def test_no_requirement_is_P506(project):
    path = f"{DIR_A}/2024-04-02 现场.jpg"
    root = project(files=evidence(add={path: jpeg}))
    rep = report(root)
    assert file_entry(rep, path)["requirement"] is None
    assert_codes(rep["findings"], {("P506", path)})


def test_default_match_is_the_requirement_name(project):
    def change(inds):
        for r in indicator(inds, "1.1")["requirements"]:
            r.pop("match")

    path = f"{DIR_A}/2024-04-02 工作方案扫描件.jpg"
    root = project(indicators=indicators_with(change), files=evidence(add={path: jpeg}))
    assert file_entry(report(root), path)["requirement"] == "工作方案"


def test_requirement_for_some_units_only(project):
    def change(inds):
        indicator(inds, "1.2")["requirements"].append(
            {"name": "统计表", "kind": "统计表格", "match": ["统计"], "units": [UNIT_B]}
        )

    root = project(indicators=indicators_with(change))
    found = findings(root)
    assert_codes(found, {("C203", None)})
    c203 = only(found, "C203")
    assert (c203["unit"], c203["indicator"], c203["requirement"]) == (UNIT_B, "1.2", "统计表")


def test_requirement_types_override_the_kind(project):
    def change(inds):
        indicator(inds, "1.1")["requirements"][0]["types"] = ["pdf"]

    wrong = f"{DIR_A}/2024-03-16 工作方案.docx"
    root = project(indicators=indicators_with(change), files=evidence(add={wrong: docx}))
    assert_codes(findings(root), {("F301", wrong)})


def test_kinds_override_in_config(project):
    png_photo = f"{DIR_A}/2024-04-02 活动照片4.png"
    root = project(config=config_with(kinds={"实景图片": ["jpg", "jpeg"]}), files=evidence(add={png_photo: png}))
    assert_codes(findings(root), {("F301", png_photo)})


# -------------------------------------------------------------------------------------------
# Unicode: NFKC, trimming, case folding


def test_full_width_digits_and_dot_in_indicator_folder(project):
    files = moved({DIR_A: f"{EV}/{UNIT_A}/１．１　理论宣讲"})
    root = project(files=files)
    rep = report(root, expect=0)
    assert_codes(rep["findings"], set())
    assert item_entry(rep, UNIT_A, "1.1")["status"] == "complete"


def test_full_width_parentheses_match_half_width(project):
    def change(inds):
        indicator(inds, "1.1")["requirements"][1] = {
            "name": "活动照片（现场）",
            "kind": "实景图片",
            "min": 3,
            "min_pixels": "320x240",
            "match": ["照片"],
        }

    files = moved({f"{DIR_A}/2024-04-02": f"{DIR_A}/活动照片(现场)/2024-04-02 图"})
    root = project(indicators=indicators_with(change), files=files)
    rep = report(root, expect=0)
    assert_codes(rep["findings"], set())
    entry = file_entry(rep, f"{DIR_A}/活动照片(现场)/2024-04-02 图 活动照片1.jpg")
    assert entry["requirement"] == "活动照片（现场）"


def test_nfd_file_names_match_nfc_keywords(project):
    def change(inds):
        indicator(inds, "1.1")["requirements"][1]["match"] = ["Café"]

    photos = {nfd(f"{DIR_A}/2024-04-02 Café现场{i}.jpg"): jpeg for i in (1, 2, 3)}
    root = project(indicators=indicators_with(change), files=evidence(drop=PHOTOS, add=photos))
    rep = report(root, expect=0)
    assert_codes(rep["findings"], set())
    photo = next(r for r in item_entry(rep, UNIT_A, "1.1")["requirements"] if r["name"] == "活动照片")
    assert photo["found"] == 3


def test_nfd_and_case_in_unit_alias(project):
    cfg = config_with(units=[{"name": UNIT_A, "aliases": ["Propagande Dépt"]}, {"name": UNIT_B}, {"name": UNIT_C}])
    files = moved({f"{EV}/{UNIT_A}/": nfd(f"{EV}/propagande dépt/")})
    root = project(config=cfg, files=files)
    assert_codes(findings(root), set())


# -------------------------------------------------------------------------------------------
# Ignored files


def test_lock_files_thumbs_and_hidden_files_are_ignored(project):
    junk = {
        f"{DIR_A}/~$工作方案.docx": b"\x00lock",
        f"{DIR_A}/Thumbs.db": b"\x00\x01",
        f"{DIR_A}/desktop.ini": "[.ShellClassInfo]",
        f"{DIR_A}/.hidden": b"x",
        f"{DIR_A}/.DS_Store": b"\x00\x00\x00\x01Bud1",
        f"{EV}/.DS_Store": b"\x00\x00\x00\x01Bud1",
        f"{EV}/Thumbs.db": b"\x00",
        f"{EV}/{UNIT_A}/desktop.ini": "[.ShellClassInfo]",
        f"{EV}/.git/config": "[core]",
        f"{EV}/{UNIT_A}/.隐藏文件夹/说明.pdf": pdf,
    }
    root = project(files=evidence(add=junk))
    rep = report(root, expect=0)
    assert_codes(rep["findings"], set())
    assert len(rep["files"]) == len(clean_files())


# -------------------------------------------------------------------------------------------
# Dates: name > folder > metadata; months; never mtime


def date_of(rep, path):
    entry = file_entry(rep, path)
    return entry["date"], entry["date_source"]


@pytest.mark.parametrize(
    "name, day",
    [
        ("2023-03-15 活动照片4.jpg", "2023-03-15"),
        ("2023.03.15 活动照片4.jpg", "2023-03-15"),
        ("2023_03_15 活动照片4.jpg", "2023-03-15"),
        ("20230315 活动照片4.jpg", "2023-03-15"),
        ("2023年3月15日 活动照片4.jpg", "2023-03-15"),
        ("活动照片4（2023年3月5日）.jpg", "2023-03-05"),
    ],
)
def test_date_formats_in_file_names(project, name, day):
    path = f"{DIR_A}/{name}"
    root = project(files=evidence(add={path: jpeg}))
    rep = report(root)
    assert date_of(rep, path)[0] == day
    assert date_of(rep, path)[1] == "name"
    assert_codes(rep["findings"], {("T401", path)})


def test_name_date_beats_folder_date(project):
    path = f"{DIR_A}/2023年12月/2024-04-02 活动照片4.jpg"
    root = project(files=evidence(add={path: jpeg}))
    rep = report(root)
    assert date_of(rep, path) == ("2024-04-02", "name")
    assert_codes(rep["findings"], set())


def test_folder_date_beats_metadata(project):
    path = f"{DIR_A}/2023年12月/活动照片4.jpg"
    root = project(files=evidence(add={path: lambda: jpeg(exif_date="2024-03-15")}))
    rep = report(root)
    assert date_of(rep, path)[1] == "folder"
    assert date_of(rep, path)[0].startswith("2023-12")
    assert_codes(rep["findings"], {("T401", path)})


def test_nearest_dated_folder(project):
    path = f"{DIR_A}/2023年12月/2024年3月 活动/活动照片4.jpg"
    root = project(files=evidence(add={path: jpeg}))
    rep = report(root)
    assert date_of(rep, path)[0].startswith("2024-03")
    assert_codes(rep["findings"], set())


def test_exif_date_when_name_and_folder_have_none(project):
    inside = f"{DIR_A}/活动照片4.jpg"
    outside = f"{DIR_A}/活动照片5.jpg"
    root = project(
        files=evidence(
            add={inside: lambda: jpeg(exif_date="2024-03-15"), outside: lambda: jpeg(exif_date="2023-03-15")}
        )
    )
    rep = report(root)
    assert date_of(rep, inside)[0] == "2024-03-15"
    assert "exif" in date_of(rep, inside)[1].lower()
    assert_codes(rep["findings"], {("T401", outside)})


def test_exif_date_beaten_by_name(project):
    path = f"{DIR_A}/2024-04-02 活动照片4.jpg"
    root = project(files=evidence(add={path: lambda: jpeg(exif_date="2023-03-15")}))
    rep = report(root)
    assert date_of(rep, path) == ("2024-04-02", "name")
    assert_codes(rep["findings"], set())


def test_pdf_creation_date(project):
    path = f"{DIR_A}/工作方案（修订）.pdf"
    root = project(files=evidence(drop=[PLAN], add={path: lambda: pdf(date="2023-06-01")}))
    rep = report(root)
    assert date_of(rep, path)[0] == "2023-06-01"
    assert "pdf" in date_of(rep, path)[1].lower()
    assert_codes(rep["findings"], {("T401", path), ("C203", None)})


def test_office_created_date(project):
    path = f"{EV}/{UNIT_B}/1.2 志愿服务/工作台账.docx"
    root = project(files=evidence(drop=[LEDGER_B], add={path: lambda: docx(created="2024-05-01")}))
    rep = report(root, expect=0)
    assert date_of(rep, path)[0] == "2024-05-01"
    assert "office" in date_of(rep, path)[1].lower() or "created" in date_of(rep, path)[1].lower()
    assert_codes(rep["findings"], set())


def test_xlsx_created_date(project):
    path = f"{EV}/{UNIT_C}/1.4 工作总结/年度工作总结.xlsx"
    root = project(files=evidence(drop=[SUMMARY_C], add={path: lambda: xlsx(created="2023-05-01")}))
    rep = report(root)
    assert date_of(rep, path)[0] == "2023-05-01"
    assert_codes(rep["findings"], {("T401", path), ("C203", None)})


def month_window(inds):
    indicator(inds, "1.1")["window"] = {"start": "2024-03-20", "end": "2024-12-31"}


@pytest.mark.parametrize(
    "name, inside",
    [
        ("2024年3月 活动照片4.jpg", True),  # March overlaps a window starting on 20 March
        ("2024-03 活动照片4.jpg", True),
        ("2024-03-15 活动照片4.jpg", False),  # a day before the window
        ("2024年2月 活动照片4.jpg", False),
    ],
)
def test_month_dates_overlap_the_window(project, name, inside):
    path = f"{DIR_A}/{name}"
    files = moved({PLAN: f"{DIR_A}/2024-04-15 工作方案.pdf"})
    files[path] = jpeg
    root = project(indicators=indicators_with(month_window), files=files)
    rep = report(root)
    assert date_of(rep, path)[1] == "name"
    assert_codes(rep["findings"], set() if inside else {("T401", path)})


def test_month_date_in_folder(project):
    path = f"{DIR_A}/2024年3月/活动照片4.jpg"
    files = moved({PLAN: f"{DIR_A}/2024-04-15 工作方案.pdf"})
    files[path] = jpeg
    root = project(indicators=indicators_with(month_window), files=files)
    assert_codes(findings(root), set())


def test_mtime_is_never_a_date(project):
    undated = f"{DIR_A}/活动照片4.jpg"
    dated = f"{DIR_A}/2024-04-02 活动照片5.jpg"
    root = project(files=evidence(add={undated: jpeg, dated: jpeg}))
    in_window = datetime(2024, 3, 15, 10).timestamp()
    out_of_window = datetime(2020, 1, 1, 10).timestamp()
    os.utime(root / undated, (in_window, in_window))
    os.utime(root / dated, (out_of_window, out_of_window))
    for path in PHOTOS:
        os.utime(root / path, (out_of_window, out_of_window))
    rep = report(root, expect=0)
    assert date_of(rep, undated) == (None, None)
    assert date_of(rep, dated) == ("2024-04-02", "name")
    assert_codes(rep["findings"], {("T402", undated)})


def test_mtime_change_alone_does_not_change_the_result(project):
    root = project()
    first = report(root)
    later = time.time() + 3600
    for path in PHOTOS:
        os.utime(root / path, (later, later))
    second = report(root)
    assert [(f["code"], f["path"]) for f in first["findings"]] == [(f["code"], f["path"]) for f in second["findings"]]
    assert [(f["path"], f["date"], f["sha256"]) for f in first["files"]] == [
        (f["path"], f["date"], f["sha256"]) for f in second["files"]
    ]


# -------------------------------------------------------------------------------------------
# Which items need material


def test_field_inspection_only_needs_no_material(project):
    rep = report(project(), expect=0)
    for unit in (UNIT_A, UNIT_B):
        assert item_entry(rep, unit, "1.3")["status"] == "not_required"
    assert not [f for f in rep["findings"] if f["indicator"] == "1.3"]


def test_online_declaration_clause_needs_material(project):
    def change(inds):
        indicator(inds, "1.3")["standards"] = ["现场秩序良好。", {"text": "网上申报工作台账。", "method": "网上申报"}]

    root = project(indicators=indicators_with(change))
    found = findings(root)
    assert {(f["code"], f["unit"], f["indicator"]) for f in found if f["code"] != "R601"} == {
        ("C202", UNIT_A, "1.3"),
        ("C202", UNIT_B, "1.3"),
    }


def test_lead_is_a_responsible_unit(project):
    rep = report(project())
    assert item_entry(rep, UNIT_B, "1.2")["status"] == "complete"  # lead only, not in units
    assert item_entry(rep, UNIT_C, "1.2")["status"] == "complete"
