"""SPEC §5: `civdoc review UNIT ID --stage S (--pass|--return) --by NAME`: append-only records bound to
the item's fingerprint, stages in order, refusals that write nothing, and what `check` makes of them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from tests.support.helpers import (
    DIR_A,
    PHOTOS,
    PLAN,
    UNIT_A,
    UNIT_B,
    config_with,
    evidence,
    findings,
    item_entry,
    jpeg,
    pdf,
    put,
    read_records,
    report,
    review,
    run,
    stages,
)


def records_text(root, unit=UNIT_A) -> str | None:
    path = root / "reviews" / f"{unit}.yaml"
    return path.read_text(encoding="utf-8") if path.exists() else None


def test_review_appends_a_record_with_fingerprint_and_files(project):
    root = project()
    code, out, err = review(root, UNIT_A, "1.1", "初审", True, "王五", "--note", "材料齐全")
    assert code == 0, out + err
    records = read_records(root, UNIT_A)
    assert len(records) == 1
    rec = records[0]
    assert str(rec["indicator"]) == "1.1"
    assert (rec["stage"], rec["decision"], rec["by"], rec["note"]) == ("初审", "通过", "王五", "材料齐全")
    at = rec["at"] if isinstance(rec["at"], datetime) else datetime.fromisoformat(str(rec["at"]))
    assert at.tzinfo is not None
    assert str(rec["fingerprint"]).startswith("sha256:")
    # files: every file of the item, by its path in the indicator folder, with its hash
    expected = {
        p.rsplit("/", 1)[-1]: "sha256:" + hashlib.sha256((root / p).read_bytes()).hexdigest() for p in [PLAN, *PHOTOS]
    }
    assert rec["files"] == expected
    assert rec["fingerprint"] == item_entry(report(root), UNIT_A, "1.1")["fingerprint"]
    assert not rec.get("forced")


def test_records_are_appended_never_rewritten(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    first = records_text(root)
    assert review(root, UNIT_A, "1.1", "复审", True, "赵六")[0] == 0
    second = records_text(root)
    assert second.startswith(first)
    assert [r["stage"] for r in read_records(root, UNIT_A)] == ["初审", "复审"]


def test_after_first_review_check_shows_the_stage_passed(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    rep = report(root, expect=0)
    item = item_entry(rep, UNIT_A, "1.1")
    assert stages(item) == {"初审": "通过", "复审": "待审", "终审": "待审"}
    entry = next(s for s in item.get("reviews", item.get("stages")) if s["stage"] == "初审")
    assert entry["by"] == "王五"
    # the next stage is pending: R601 for 复审, no error
    r601 = [f for f in rep["findings"] if f["code"] == "R601" and f["unit"] == UNIT_A]
    assert r601 and any("复审" in f["message"] for f in r601)


def test_all_three_stages_passed(project):
    root = project()
    for stage, by in (("初审", "王五"), ("复审", "赵六"), ("终审", "钱七")):
        code, out, err = review(root, UNIT_A, "1.1", stage, True, by)
        assert code == 0, out + err
    rep = report(root, expect=0)
    assert stages(item_entry(rep, UNIT_A, "1.1")) == {"初审": "通过", "复审": "通过", "终审": "通过"}
    assert not [f for f in rep["findings"] if f["unit"] == UNIT_A]


# -------------------------------------------------------------------------------------------
# Refusals: exit 1, nothing written


def test_refuses_second_stage_before_first_passed(project):
    root = project()
    code, out, err = review(root, UNIT_A, "1.1", "复审", True, "赵六")
    assert code == 1
    assert "初审" in out + err
    assert records_text(root) is None


def test_refuses_second_stage_after_first_returned(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", False, "王五")[0] == 0
    before = records_text(root)
    assert review(root, UNIT_A, "1.1", "复审", True, "赵六")[0] == 1
    assert records_text(root) == before


def test_refuses_second_stage_when_first_went_stale(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    put(root, PHOTOS[0], lambda: jpeg(400, 300))
    before = records_text(root)
    assert review(root, UNIT_A, "1.1", "复审", True, "赵六")[0] == 1
    assert records_text(root) == before


def test_refuses_pass_while_the_item_has_errors(project):
    root = project(files=evidence(drop=[PLAN]))
    code, out, err = review(root, UNIT_A, "1.1", "初审", True, "王五")
    assert code == 1
    assert "C203" in out + err or "错误" in out + err
    assert records_text(root) is None


def test_force_records_a_pass_despite_errors(project):
    root = project(files=evidence(drop=[PLAN]))
    code, out, err = review(root, UNIT_A, "1.1", "初审", True, "王五", "--force")
    assert code == 0, out + err
    [rec] = read_records(root, UNIT_A)
    assert rec["decision"] == "通过"
    assert rec["forced"] is True


def test_return_is_allowed_while_the_item_has_errors(project):
    root = project(files=evidence(drop=[PLAN]))
    code, out, err = review(root, UNIT_A, "1.1", "初审", False, "王五", "--note", "缺工作方案")
    assert code == 0, out + err
    [rec] = read_records(root, UNIT_A)
    assert (rec["decision"], rec["note"]) == ("退回", "缺工作方案")


@pytest.mark.parametrize(
    "unit, ident, stage",
    [
        ("区财政局", "1.1", "初审"),
        (UNIT_A, "9.9", "初审"),
        (UNIT_A, "1.1", "四审"),
    ],
)
def test_unknown_unit_indicator_or_stage_is_exit_2(project, unit, ident, stage):
    root = project()
    code, out, err = review(root, unit, ident, stage, True, "王五")
    assert code == 2, out + err
    assert not (root / "reviews").exists() or not any((root / "reviews").glob("*.yaml"))


def test_stage_names_come_from_the_config(project):
    root = project(config=config_with(review={"stages": ["初审", "终审"]}))
    assert review(root, UNIT_A, "1.1", "复审", True, "王五")[0] == 2
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    assert review(root, UNIT_A, "1.1", "终审", True, "赵六")[0] == 0
    assert stages(item_entry(report(root), UNIT_A, "1.1")) == {"初审": "通过", "终审": "通过"}


def test_unit_not_responsible_is_refused(project):
    root = project()
    code, out, err = review(root, UNIT_B, "1.1", "初审", True, "王五")
    assert code in (1, 2), out + err
    assert records_text(root, UNIT_B) is None


def test_item_that_needs_no_material_is_refused(project):
    root = project()
    code, out, err = review(root, UNIT_A, "1.3", "初审", True, "王五")
    assert code in (1, 2), out + err
    assert records_text(root) is None


def test_review_requires_a_name(project):
    root = project()
    code, _, _ = run(root, "review", UNIT_A, "1.1", "--stage", "初审", "--pass")
    assert code == 2
    assert records_text(root) is None


# -------------------------------------------------------------------------------------------
# Names


def test_alias_and_full_width_id_are_stored_canonically(project):
    root = project()
    code, out, err = review(root, "宣传部", "１.１", "初审", True, "王五")
    assert code == 0, out + err
    assert not (root / "reviews" / "宣传部.yaml").exists()
    [rec] = read_records(root, UNIT_A)
    assert str(rec["indicator"]) == "1.1"
    assert stages(item_entry(report(root), UNIT_A, "1.1"))["初审"] == "通过"


# -------------------------------------------------------------------------------------------
# What check makes of the records


def test_changed_file_makes_the_stage_stale_and_R603(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    put(root, PLAN, lambda: pdf(pages=2))
    rep = report(root, expect=1)
    assert stages(item_entry(rep, UNIT_A, "1.1"))["初审"] == "失效"
    assert [(f["code"], f["unit"], f["indicator"]) for f in rep["findings"] if f["code"] == "R603"] == [
        ("R603", UNIT_A, "1.1")
    ]
    # signing again on the new content clears it
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    rep = report(root, expect=0)
    assert stages(item_entry(rep, UNIT_A, "1.1"))["初审"] == "通过"
    assert not [f for f in rep["findings"] if f["code"] == "R603"]


def test_removed_file_makes_the_stage_stale(project):
    root = project()
    put(root, f"{DIR_A}/2024-04-03 活动照片4.jpg", jpeg)
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    (root / f"{DIR_A}/2024-04-03 活动照片4.jpg").unlink()
    rep = report(root, expect=1)
    assert stages(item_entry(rep, UNIT_A, "1.1"))["初审"] == "失效"


def test_return_gives_R602_and_later_stages_pending(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    assert review(root, UNIT_A, "1.1", "复审", True, "赵六")[0] == 0
    code, out, err = review(root, UNIT_A, "1.1", "初审", False, "王五", "--note", "照片不清晰")
    assert code == 0, out + err
    rep = report(root, expect=1)
    assert stages(item_entry(rep, UNIT_A, "1.1")) == {"初审": "退回", "复审": "待审", "终审": "待审"}
    r602 = [f for f in rep["findings"] if f["code"] == "R602"]
    assert [(f["unit"], f["indicator"], f["severity"]) for f in r602] == [(UNIT_A, "1.1", "error")]
    # history stays: all three records are still in the file
    assert [r["decision"] for r in read_records(root, UNIT_A)] == ["通过", "通过", "退回"]


def test_pass_after_return_restores_the_stage(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", False, "王五")[0] == 0
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    rep = report(root, expect=0)
    assert stages(item_entry(rep, UNIT_A, "1.1"))["初审"] == "通过"
    assert not [f for f in rep["findings"] if f["code"] == "R602"]


def test_reviews_of_one_item_do_not_touch_another(project):
    root = project()
    assert review(root, UNIT_A, "1.1", "初审", False, "王五")[0] == 0
    found = findings(root)
    assert {(f["unit"], f["indicator"]) for f in found if f["code"].startswith("R6") and f["code"] != "R601"} == {
        (UNIT_A, "1.1")
    }
    rep = report(root)
    assert set(stages(item_entry(rep, UNIT_B, "1.2")).values()) == {"待审"}
