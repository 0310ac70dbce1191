"""Every finding code of SPEC §4 (C, F, T, P, R, S, W), each planted alone in an otherwise clean project,
plus the policy around them: usable files and `min`, waivers, `rules:`, filters and --strict.

All through the real `civdoc check --format json`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.support.helpers import (
    ALL_CODES,
    DIR_A,
    DIR_B,
    EV,
    LEDGER_B,
    LEDGER_C,
    PHOTOS,
    PLAN,
    REQUIRED_ITEMS,
    SUMMARY_C,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    assert_codes,
    config_with,
    docx,
    encrypted_pdf,
    evidence,
    file_entry,
    findings,
    item_entry,
    jpeg,
    only,
    pdf,
    png,
    put,
    report,
    review,
    run,
    sign_all,
    stages,
    truncated_pdf,
    with_code,
)

NAMES = {
    "C201": "unit-folder-missing",
    "C202": "indicator-folder-missing",
    "C203": "requirement-missing",
    "C204": "requirement-short",
    "F301": "type-not-allowed",
    "F302": "type-mismatch",
    "F303": "empty-file",
    "F304": "unreadable",
    "F305": "encrypted",
    "F306": "too-large",
    "F307": "low-resolution",
    "T401": "out-of-window",
    "T402": "undated",
    "T403": "future-date",
    "P501": "unknown-unit-folder",
    "P502": "unknown-folder",
    "P503": "not-responsible",
    "P504": "stray-file",
    "P505": "duplicate-content",
    "P506": "unassigned-file",
    "R601": "review-pending",
    "R602": "review-returned",
    "R603": "review-stale",
    "R604": "review-out-of-order",
    "R605": "self-review",
    "S701": "overdue",
    "S702": "due-soon",
    "W801": "waiver-expired",
}
SEVERITY = {
    "C201": "error",
    "C202": "error",
    "C203": "error",
    "C204": "error",
    "F301": "error",
    "F302": "error",
    "F303": "error",
    "F304": "error",
    "F305": "error",
    "F306": "warning",
    "F307": "warning",
    "T401": "error",
    "T402": "warning",
    "T403": "warning",
    "P501": "warning",
    "P502": "warning",
    "P503": "warning",
    "P504": "warning",
    "P505": "warning",
    "P506": "info",
    "R601": "info",
    "R602": "error",
    "R603": "error",
    "R604": "error",
    "R605": "warning",
    "S701": "error",
    "S702": "warning",
    "W801": "warning",
}


def check_finding(f: dict, code: str, unit=..., indicator=..., requirement=..., path=...) -> None:
    """The finding's code, name and default severity, and the given fields."""
    assert f["code"] == code
    assert f["name"] == NAMES[code]
    assert f["severity"] == SEVERITY[code]
    assert f["waived"] is False
    assert isinstance(f["message"], str) and f["message"].strip()
    for key, want in (("unit", unit), ("indicator", indicator), ("requirement", requirement), ("path", path)):
        if want is not ...:
            assert f[key] == want, f"{code}.{key}: {f[key]!r} != {want!r}"


# -------------------------------------------------------------------------------------------
# A clean project


def test_clean_project_raises_no_problem(project):
    root = project()
    rep = report(root, expect=0)
    assert_codes(rep["findings"], set())
    # what remains is only "not yet reviewed", as information
    assert {f["code"] for f in rep["findings"]} <= {"R601"}
    assert all(f["severity"] == "info" for f in rep["findings"])
    assert rep["summary"]["errors"] == 0 and rep["summary"]["warnings"] == 0
    code, _, _ = run(root, "check", "--strict")
    assert code == 0


def test_clean_and_fully_reviewed_project_has_no_findings_at_all(project):
    root = project()
    sign_all(root)
    rep = report(root, expect=0)
    assert rep["findings"] == []
    for unit, ident in REQUIRED_ITEMS:
        assert set(stages(item_entry(rep, unit, ident)).values()) == {"通过"}


# -------------------------------------------------------------------------------------------
# C2xx coverage


def test_C201_unit_without_folder_once_and_no_cascade(project):
    root = project(files=evidence(drop=[LEDGER_C, SUMMARY_C]))
    found = findings(root)
    assert_codes(found, {("C201", None)})
    check_finding(only(found, "C201"), "C201", unit=UNIT_C, indicator=None)
    # no C202/C203/C204 for the unit's items (1.2 and 1.4), no deadline cascade either
    assert not [f for f in found if f["unit"] == UNIT_C and f["code"] != "C201"]


def test_C202_indicator_folder_missing(project):
    root = project(files=evidence(drop=[LEDGER_B], add={f"{EV}/{UNIT_B}/": None}))
    found = findings(root)
    assert_codes(found, {("C202", None)})
    check_finding(only(found, "C202"), "C202", unit=UNIT_B, indicator="1.2")


def test_C203_requirement_missing(project):
    root = project(files=evidence(drop=[PLAN]))
    found = findings(root)
    assert_codes(found, {("C203", None)})
    check_finding(only(found, "C203"), "C203", unit=UNIT_A, indicator="1.1", requirement="工作方案")


def test_C203_for_indicator_without_requirements_needs_one_usable_file(project):
    root = project(files=evidence(drop=[SUMMARY_C], add={f"{EV}/{UNIT_C}/1.4 工作总结/": None}))
    found = findings(root)
    assert_codes(found, {("C203", None)})
    check_finding(only(found, "C203"), "C203", unit=UNIT_C, indicator="1.4")


def test_C204_requirement_short(project):
    root = project(files=evidence(drop=[PHOTOS[2]]))
    found = findings(root)
    assert_codes(found, {("C204", None)})
    f = only(found, "C204")
    check_finding(f, "C204", unit=UNIT_A, indicator="1.1", requirement="活动照片")
    assert "2" in f["message"] and "3" in f["message"]


def test_only_usable_files_count_toward_min(project):
    """3 photos required, 1 out of the window: T401 on that photo and C204 (2 of 3)."""
    old = f"{DIR_A}/2023-12-20 活动照片3.jpg"
    root = project(files=evidence(drop=[PHOTOS[2]], add={old: jpeg}))
    rep = report(root, expect=1)
    assert_codes(rep["findings"], {("T401", old), ("C204", None)})
    check_finding(only(rep["findings"], "T401"), "T401", unit=UNIT_A, indicator="1.1", requirement="活动照片", path=old)
    c204 = only(rep["findings"], "C204")
    assert "2" in c204["message"] and "3" in c204["message"]
    photos = next(r for r in item_entry(rep, UNIT_A, "1.1")["requirements"] if r["name"] == "活动照片")
    assert (photos["found"], photos["min"]) == (2, 3)
    assert item_entry(rep, UNIT_A, "1.1")["status"] != "complete"


@pytest.mark.parametrize(
    "code, path, factory, gap",
    [
        ("F303", f"{DIR_A}/2024-04-02 活动照片3.jpg", b"", "C204"),
        ("F301", f"{DIR_A}/2024-04-02 活动照片3.pdf", pdf, "C204"),
        ("F304", PLAN, truncated_pdf, "C203"),
        ("F305", PLAN, encrypted_pdf, "C203"),
        ("F302", PLAN, jpeg, "C203"),
    ],
)
def test_unusable_files_do_not_count(project, code, path, factory, gap):
    # the unusable file takes the place of the third photo, or of the plan
    root = project(files=evidence(drop=[] if path == PLAN else [PHOTOS[2]], add={path: factory}))
    assert_codes(findings(root), {(code, path), (gap, None)})


# -------------------------------------------------------------------------------------------
# F3xx files


def test_F301_type_not_allowed_for_requirement(project):
    wrong = f"{DIR_A}/2024-04-02 活动照片4.pdf"
    root = project(files=evidence(add={wrong: pdf}))
    found = findings(root)
    assert_codes(found, {("F301", wrong)})
    check_finding(only(found, "F301"), "F301", unit=UNIT_A, indicator="1.1", requirement="活动照片", path=wrong)


def test_F301_archive_is_never_evidence(project):
    archive = f"{DIR_A}/2024-04-02 活动资料.zip"
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "内容")
    root = project(files=evidence(add={archive: buf.getvalue()}))
    found = findings(root)
    assert_codes(found, {("F301", archive)})
    check_finding(only(found, "F301"), "F301", unit=UNIT_A, indicator="1.1", path=archive)


def test_F302_renamed_file(project):
    """A photo renamed to .pdf: the extension says one type, the content another."""
    renamed = f"{DIR_A}/2024-03-20 工作方案附件.pdf"
    root = project(files=evidence(add={renamed: jpeg}))
    found = findings(root)
    assert_codes(found, {("F302", renamed)})
    check_finding(only(found, "F302"), "F302", unit=UNIT_A, indicator="1.1", requirement="工作方案", path=renamed)


def test_F303_empty_file_is_not_also_F304(project):
    empty = f"{DIR_A}/2024-03-20 补充方案.pdf"
    root = project(files=evidence(add={empty: b""}))
    found = findings(root)
    assert_codes(found, {("F303", empty)})
    check_finding(only(found, "F303"), "F303", unit=UNIT_A, indicator="1.1", requirement="工作方案", path=empty)
    assert not with_code(found, "F304")


@pytest.mark.parametrize("kind", ["pdf", "jpg", "docx"])
def test_F304_unreadable(project, kind):
    if kind == "pdf":
        bad, data = f"{DIR_A}/2024-03-20 补充方案.pdf", truncated_pdf()
    elif kind == "jpg":
        whole = jpeg(320, 240)
        bad, data = f"{DIR_A}/2024-04-02 活动照片4.jpg", whole[: len(whole) // 2]
    else:
        whole = docx()
        bad, data = f"{DIR_B}/2024-05-11 工作台账补充.docx", whole[: len(whole) // 2]
    root = project(files=evidence(add={bad: data}))
    found = findings(root)
    assert_codes(found, {("F304", bad)})
    check_finding(only(found, "F304"), "F304", path=bad)


def test_F305_encrypted(project):
    locked = f"{DIR_A}/2024-03-20 补充方案.pdf"
    root = project(files=evidence(add={locked: encrypted_pdf}))
    found = findings(root)
    assert_codes(found, {("F305", locked)})
    check_finding(only(found, "F305"), "F305", unit=UNIT_A, indicator="1.1", requirement="工作方案", path=locked)


def test_F306_too_large_is_a_warning_and_still_counts(project):
    big = f"{DIR_A}/2024-04-02 活动照片3.png"
    cfg = config_with(limits={"max_file_mb": 0.1})  # 104,857 bytes; the docx files are ~37 KB
    root = project(config=cfg, files=evidence(drop=[PHOTOS[2]], add={big: lambda: png(320, 240, noise=True)}))
    assert (root / big).stat().st_size > 0.1 * 1024 * 1024
    rep = report(root, expect=0)
    assert_codes(rep["findings"], {("F306", big)})
    check_finding(only(rep["findings"], "F306"), "F306", unit=UNIT_A, indicator="1.1", requirement="活动照片", path=big)
    assert item_entry(rep, UNIT_A, "1.1")["status"] == "complete"


def test_F307_low_resolution_is_a_warning_and_still_counts(project):
    small = f"{DIR_A}/2024-04-02 活动照片3.jpg"
    root = project(files=evidence(add={small: lambda: jpeg(160, 120)}))
    rep = report(root, expect=0)
    assert_codes(rep["findings"], {("F307", small)})
    check_finding(
        only(rep["findings"], "F307"), "F307", unit=UNIT_A, indicator="1.1", requirement="活动照片", path=small
    )
    assert item_entry(rep, UNIT_A, "1.1")["status"] == "complete"


def test_F307_portrait_photo_of_enough_pixels_is_fine(project):
    portrait = f"{DIR_A}/2024-04-02 活动照片3.jpg"
    root = project(files=evidence(add={portrait: lambda: jpeg(240, 320)}))
    assert_codes(findings(root), set())


# -------------------------------------------------------------------------------------------
# T4xx dates


def test_T401_out_of_window(project):
    old = f"{DIR_A}/2023-12-20 活动照片4.jpg"
    root = project(files=evidence(add={old: jpeg}))
    found = findings(root)
    assert_codes(found, {("T401", old)})
    check_finding(only(found, "T401"), "T401", unit=UNIT_A, indicator="1.1", requirement="活动照片", path=old)


def test_T401_uses_the_indicator_window(project):
    from tests.support.helpers import indicator, indicators_with

    inds = indicators_with(lambda i: indicator(i, "1.1").update(window={"start": "2024-04-01", "end": "2024-12-31"}))
    root = project(indicators=inds)
    assert_codes(findings(root), {("T401", PLAN), ("C203", None)})


def test_T402_undated_is_a_warning_and_still_counts(project):
    undated = f"{DIR_A}/工作方案.pdf"
    root = project(files=evidence(drop=[PLAN], add={undated: pdf}))
    rep = report(root, expect=0)
    assert_codes(rep["findings"], {("T402", undated)})
    check_finding(
        only(rep["findings"], "T402"), "T402", unit=UNIT_A, indicator="1.1", requirement="工作方案", path=undated
    )
    assert item_entry(rep, UNIT_A, "1.1")["status"] == "complete"
    assert file_entry(rep, undated)["date"] is None


def test_T403_future_date(project):
    future = f"{DIR_A}/2024-11-20 活动照片4.jpg"
    root = project(files=evidence(add={future: jpeg}))
    rep = report(root, today="2024-11-01", expect=0)
    assert_codes(rep["findings"], {("T403", future)})
    check_finding(
        only(rep["findings"], "T403"), "T403", unit=UNIT_A, indicator="1.1", requirement="活动照片", path=future
    )


# -------------------------------------------------------------------------------------------
# P5xx placement


def test_P501_unknown_unit_folder_suggests_the_nearest_name(project):
    typo = f"{EV}/区教肓局"
    root = project(files=evidence(add={f"{typo}/1.2 志愿服务/2024-05-10 工作台账.docx": docx}))
    found = findings(root)
    assert_codes(found, {("P501", typo)})
    f = only(found, "P501")
    check_finding(f, "P501", path=typo)
    assert "您是否想写" in f["message"] and UNIT_B in f["message"]


def test_P502_unknown_folder_once_for_the_folder(project):
    other = f"{EV}/{UNIT_A}/其他材料"
    root = project(files=evidence(add={f"{other}/2024-03-15 说明.pdf": pdf, f"{other}/2024-03-16 说明2.pdf": pdf}))
    found = findings(root)
    assert_codes(found, {("P502", other)})
    check_finding(only(found, "P502"), "P502", unit=UNIT_A, path=other)


def test_P503_not_responsible(project):
    folder = f"{EV}/{UNIT_B}/1.1 理论宣讲"
    root = project(files=evidence(add={f"{folder}/2024-03-15 工作方案.pdf": pdf}))
    rep = report(root, expect=0)
    assert_codes(rep["findings"], {("P503", folder)})
    check_finding(only(rep["findings"], "P503"), "P503", unit=UNIT_B, indicator="1.1", path=folder)
    # its files are not counted for anyone
    assert item_entry(rep, UNIT_A, "1.1")["requirements"][0]["found"] == 1


@pytest.mark.parametrize("where", ["unit", "evidence"])
def test_P504_stray_file(project, where):
    stray = f"{EV}/{UNIT_A}/2024-03-15 说明.pdf" if where == "unit" else f"{EV}/2024-03-15 说明.pdf"
    root = project(files=evidence(add={stray: pdf}))
    found = findings(root)
    assert_codes(found, {("P504", stray)})
    check_finding(only(found, "P504"), "P504", unit=UNIT_A if where == "unit" else None, path=stray)


def test_P505_duplicate_content(project):
    data = pdf()
    copy = f"{DIR_A}/2024-03-15 工作方案（副本）.pdf"
    root = project(files=evidence(add={PLAN: data, copy: data}))
    found = findings(root)
    assert_codes(found, {("P505", copy)})
    f = only(found, "P505")
    check_finding(f, "P505", unit=UNIT_A, indicator="1.1", path=copy)
    assert PLAN in f["message"]


def test_P505_duplicate_across_units(project):
    data = docx()
    root = project(files=evidence(add={LEDGER_B: data, LEDGER_C: data}))
    found = findings(root)
    assert len(with_code(found, "P505")) == 1
    assert codes_of(found) == {"P505"}
    assert only(found, "P505")["path"] in (LEDGER_B, LEDGER_C)


def test_P506_unassigned_file(project):
    loose = f"{DIR_A}/2024-04-02 现场.jpg"  # a jpg fits both 工作方案 and 活动照片, its name neither
    root = project(files=evidence(add={loose: jpeg}))
    rep = report(root, expect=0)
    assert_codes(rep["findings"], {("P506", loose)})
    check_finding(only(rep["findings"], "P506"), "P506", unit=UNIT_A, indicator="1.1", requirement=None, path=loose)
    assert file_entry(rep, loose)["requirement"] is None


# -------------------------------------------------------------------------------------------
# R6xx reviews


def test_R601_review_pending_for_each_complete_item(project):
    root = project()
    found = findings(root)
    pending = with_code(found, "R601")
    assert {(f["unit"], f["indicator"]) for f in pending} == set(REQUIRED_ITEMS)
    for f in pending:
        check_finding(f, "R601")
    # not for the item that needs no material (1.3 is 实地考察 only)
    assert not [f for f in found if f["indicator"] == "1.3"]


def test_R602_review_returned(project):
    root = project()
    code, _, err = review(root, UNIT_A, "1.1", "初审", False, "王五", "--note", "照片不清晰")
    assert code == 0, err
    rep = report(root, expect=1)
    assert_codes(rep["findings"], {("R602", None)})
    check_finding(only(rep["findings"], "R602"), "R602", unit=UNIT_A, indicator="1.1")
    assert stages(item_entry(rep, UNIT_A, "1.1"))["初审"] == "退回"


def test_R603_review_stale_after_a_file_changes(project):
    root = project()
    code, _, err = review(root, UNIT_A, "1.1", "初审", True, "王五")
    assert code == 0, err
    put(root, PHOTOS[0], lambda: jpeg(400, 300))  # new content, new size
    rep = report(root, expect=1)
    assert_codes(rep["findings"], {("R603", None)})
    check_finding(only(rep["findings"], "R603"), "R603", unit=UNIT_A, indicator="1.1")
    assert stages(item_entry(rep, UNIT_A, "1.1"))["初审"] == "失效"


def test_R603_review_stale_after_a_file_is_added(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    put(root, f"{DIR_A}/2024-04-03 活动照片4.jpg", jpeg)
    assert_codes(findings(root), {("R603", None)})


def test_R604_review_out_of_order(project):
    root = project()
    fingerprint = item_entry(report(root), UNIT_A, "1.1")["fingerprint"]
    records = [
        {
            "indicator": "1.1",
            "stage": "复审",
            "decision": "通过",
            "by": "赵六",
            "at": "2024-10-10T09:30:00+08:00",
            "note": "",
            "fingerprint": fingerprint,
            "files": {},
        }
    ]
    (root / "reviews").mkdir()
    (root / "reviews" / f"{UNIT_A}.yaml").write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    rep = report(root, expect=1)
    assert_codes(rep["findings"], {("R604", None)})
    check_finding(only(rep["findings"], "R604"), "R604", unit=UNIT_A, indicator="1.1")
    assert stages(item_entry(rep, UNIT_A, "1.1"))["复审"] != "通过"


def test_R605_self_review(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    code, out, err = review(root, UNIT_A, "1.1", "复审", True, "王五")
    assert code == 0, out + err
    rep = report(root, expect=0)
    assert_codes(rep["findings"], {("R605", None)})
    check_finding(only(rep["findings"], "R605"), "R605", unit=UNIT_A, indicator="1.1")


def test_R605_allowed_by_settings(project):
    root = project(config=config_with(review={"stages": ["初审", "复审", "终审"], "allow_self_review": True}))
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    assert review(root, UNIT_A, "1.1", "复审", True, "王五")[0] == 0
    assert_codes(findings(root), set())


# -------------------------------------------------------------------------------------------
# S7xx deadlines


def test_S701_overdue(project):
    root = project(files=evidence(drop=[PHOTOS[2]]))
    found = findings(root, today="2025-01-05")
    assert_codes(found, {("C204", None), ("S701", None)})
    check_finding(only(found, "S701"), "S701", unit=UNIT_A, indicator="1.1")


def test_S701_not_for_complete_items(project):
    root = project()
    assert_codes(findings(root, today="2025-01-05"), set())


def test_S701_uses_the_indicator_deadline(project):
    from tests.support.helpers import indicator, indicators_with

    inds = indicators_with(lambda i: indicator(i, "1.1").update(deadline="2024-10-01"))
    root = project(indicators=inds, files=evidence(drop=[PHOTOS[2]]))
    found = findings(root, today="2024-11-01")
    assert_codes(found, {("C204", None), ("S701", None)})


@pytest.mark.parametrize("today, due", [("2024-12-27", True), ("2024-12-24", True), ("2024-12-23", False)])
def test_S702_due_soon(project, today, due):
    root = project(files=evidence(drop=[PHOTOS[2]]))
    found = findings(root, today=today)
    assert_codes(found, {("C204", None), ("S702", None)} if due else {("C204", None)})
    if due:
        check_finding(only(found, "S702"), "S702", unit=UNIT_A, indicator="1.1")


# -------------------------------------------------------------------------------------------
# Waivers and W801


def waiver(**extra):
    return {"code": "C203", "unit": UNIT_A, "indicator": "1.1", "reason": "该项由市级统一报送", **extra}


def test_waiver_reports_waived_with_reason_and_exit_0(project):
    root = project(config=config_with(waivers=[waiver(until="2025-06-30")]), files=evidence(drop=[PLAN]))
    rep = report(root, expect=0)
    f = only(rep["findings"], "C203")
    assert f["waived"] is True
    assert "该项由市级统一报送" in json.dumps(f, ensure_ascii=False)
    assert rep["summary"]["waived"] == 1
    assert rep["summary"]["errors"] == 0
    code, out, _ = run(root, "check")
    assert code == 0
    assert "该项由市级统一报送" in out


def test_waiver_by_alias_and_without_until(project):
    root = project(config=config_with(waivers=[waiver(unit="宣传部")]), files=evidence(drop=[PLAN]))
    rep = report(root, expect=0)
    assert only(rep["findings"], "C203")["waived"] is True


def test_waiver_for_another_unit_does_not_cover(project):
    root = project(config=config_with(waivers=[waiver(unit=UNIT_B, indicator=None)]), files=evidence(drop=[PLAN]))
    rep = report(root, expect=1)
    assert only(rep["findings"], "C203")["waived"] is False


def test_W801_expired_waiver_and_the_finding_counts_again(project):
    root = project(config=config_with(waivers=[waiver(until="2024-06-30")]), files=evidence(drop=[PLAN]))
    rep = report(root, today="2024-11-01", expect=1)
    assert {f["code"] for f in rep["findings"]} - {"R601"} == {"C203", "W801"}
    assert only(rep["findings"], "C203")["waived"] is False
    w = only(rep["findings"], "W801")
    check_finding(w, "W801")
    assert rep["summary"]["errors"] == 1


def test_waiver_until_today_still_holds(project):
    root = project(config=config_with(waivers=[waiver(until="2024-11-01")]), files=evidence(drop=[PLAN]))
    rep = report(root, today="2024-11-01", expect=0)
    assert not with_code(rep["findings"], "W801")


# -------------------------------------------------------------------------------------------
# rules: severity overrides


def test_rules_change_a_severity(project):
    undated = f"{DIR_A}/工作方案.pdf"
    root = project(config=config_with(rules={"T402": "info"}), files=evidence(drop=[PLAN], add={undated: pdf}))
    rep = report(root)
    assert only(rep["findings"], "T402")["severity"] == "info"
    assert run(root, "check", "--strict")[0] == 0


def test_rules_error_to_warning_changes_the_exit_code(project):
    root = project(config=config_with(rules={"C203": "warning"}), files=evidence(drop=[PLAN]))
    rep = report(root, expect=0)
    assert only(rep["findings"], "C203")["severity"] == "warning"
    assert run(root, "check", "--strict")[0] == 1


def test_rules_off_drops_a_finding(project):
    loose = f"{DIR_A}/2024-04-02 现场.jpg"
    cfg = "\n".join([yaml.safe_dump(config_with(), allow_unicode=True, sort_keys=False), "rules:", "  P506: off", ""])
    root = project(config=cfg, files=evidence(add={loose: jpeg}))
    found = findings(root)
    assert not with_code(found, "P506")
    assert_codes(found, set())


# -------------------------------------------------------------------------------------------
# Filters and --strict


def two_unit_problems(project):
    return project(files=evidence(drop=[PLAN, LEDGER_B], add={f"{EV}/{UNIT_B}/": None}))


def test_unit_filter(project):
    root = two_unit_problems(project)
    rep = report(root, "--unit", UNIT_B, expect=1)
    assert {(f["code"], f["unit"]) for f in rep["findings"]} == {("C202", UNIT_B)}
    assert {i["unit"] for i in rep["items"]} == {UNIT_B}
    rep = report(root, "--unit", "宣传部", expect=1)  # by alias
    assert {f["unit"] for f in rep["findings"]} == {UNIT_A}
    assert "C203" in {f["code"] for f in rep["findings"]}


def test_unit_filter_exit_code_follows_the_filtered_findings(project):
    root = project(files=evidence(drop=[PLAN]))
    assert run(root, "check", "--unit", UNIT_C)[0] == 0
    assert run(root, "check", "--unit", UNIT_A)[0] == 1


def test_indicator_filter(project):
    root = two_unit_problems(project)
    rep = report(root, "--indicator", "1.2", expect=1)
    assert {(f["code"], f["indicator"]) for f in rep["findings"]} - {("R601", "1.2")} == {("C202", "1.2")}
    assert {i["indicator"] for i in rep["items"]} == {"1.2"}
    assert {f["indicator"] for f in rep["files"]} <= {"1.2"}
    rep = report(root, "--indicator", "1.1", "--unit", UNIT_A, expect=1)
    assert {f["code"] for f in rep["findings"]} == {"C203"}


def test_strict_turns_warnings_into_exit_1(project):
    undated = f"{DIR_A}/工作方案.pdf"
    root = project(files=evidence(drop=[PLAN], add={undated: pdf}))
    assert run(root, "check")[0] == 0
    assert run(root, "check", "--strict")[0] == 1


def test_strict_ignores_infos(project):
    loose = f"{DIR_A}/2024-04-02 现场.jpg"
    root = project(files=evidence(add={loose: jpeg}))
    infos = [f for f in findings(root) if f["path"] == loose]
    assert [(f["code"], f["severity"]) for f in infos] == [("P506", "info")]  # there is an info to ignore
    assert run(root, "check", "--strict")[0] == 0


def test_strict_ignores_waived_warnings(project):
    undated = f"{DIR_A}/工作方案.pdf"
    cfg = config_with(waivers=[{"code": "T402", "reason": "原件无日期，已核实"}])
    root = project(config=cfg, files=evidence(drop=[PLAN], add={undated: pdf}))
    assert run(root, "check", "--strict")[0] == 0


# -------------------------------------------------------------------------------------------
# The whole catalogue is covered


def codes_of(found):
    return {f["code"] for f in found} - {"R601"}


def test_every_code_is_raised_by_civdoc():
    """Each code of the catalogue is written by some check in civdoc's code (none is dead)."""
    import civdoc

    package = Path(civdoc.__file__).parent
    source = "".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py") if p.name != "findings.py")
    for code in ALL_CODES:
        assert f'"{code}"' in source, f"nothing raises {code}"
