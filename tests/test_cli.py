"""SPEC §6: the commands as users and CI run them: exit codes, the JSON object, GitHub annotations, JUnit,
--output, `civdoc rules`, finding the project, --today, and no traceback ever.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.helpers import (
    ALL_CODES,
    D_CODES,
    DIR_A,
    EV,
    PHOTOS,
    PLAN,
    REQUIRED_ITEMS,
    TODAY,
    UNIT_A,
    UNIT_B,
    config_with,
    evidence,
    jpeg,
    pdf,
    report,
    run,
)
from tests.support.paths import REPO


def broken_project(project):
    root = project()
    (root / "indicators" / "02.yaml").write_text(
        'aspect: 坏\nindicators:\n  - id: "2.1"\n    content: a: b\n', encoding="utf-8"
    )
    return root


def mixed_project(project):
    """One error (C203), one warning (T402), one info (P506)."""
    return project(
        files=evidence(
            drop=[PLAN],
            add={
                f"{DIR_A}/活动照片4.jpg": jpeg,  # undated
                f"{DIR_A}/2024-04-02 现场.jpg": jpeg,  # unassigned
            },
        )
    )


# -------------------------------------------------------------------------------------------
# Exit codes


def test_exit_0_when_clean(project):
    code, out, err = run(project(), "check")
    assert code == 0, out + err


def test_exit_1_on_unwaived_errors(project):
    code, out, _ = run(mixed_project(project), "check")
    assert code == 1
    assert "C203" in out


def test_exit_0_with_only_warnings_and_1_with_strict(project):
    root = project(files=evidence(add={f"{DIR_A}/活动照片4.jpg": jpeg}))
    assert run(root, "check")[0] == 0
    assert run(root, "check", "--strict")[0] == 1
    for fmt in ("json", "github", "junit"):
        assert run(root, "check", "--format", fmt)[0] == 0
        assert run(root, "check", "--format", fmt, "--strict")[0] == 1


def test_exit_2_on_invalid_project(project):
    code, out, err = run(broken_project(project), "check")
    assert code == 2
    assert "D101" in out + err


def test_same_exit_code_in_every_format(project):
    root = mixed_project(project)
    for fmt in ("text", "json", "github", "junit"):
        assert run(root, "check", "--format", fmt)[0] == 1, fmt


def test_unknown_format_is_a_usage_error(project):
    code, out, err = run(project(), "check", "--format", "xml")
    assert code == 2
    assert "Traceback" not in out + err


# -------------------------------------------------------------------------------------------
# Text output


def test_text_output_names_code_unit_and_file(project):
    root = project(files=evidence(add={f"{DIR_A}/2023-12-20 活动照片4.jpg": jpeg}))
    code, out, _ = run(root, "check")
    assert code == 1
    assert "T401" in out
    assert UNIT_A in out
    assert "2023-12-20 活动照片4.jpg" in out


def test_text_output_shows_waived_with_reason(project):
    cfg = config_with(waivers=[{"code": "C203", "unit": UNIT_A, "reason": "由市级统一报送"}])
    code, out, _ = run(project(config=cfg, files=evidence(drop=[PLAN])), "check")
    assert code == 0
    assert "C203" in out and "由市级统一报送" in out


# -------------------------------------------------------------------------------------------
# JSON (SPEC §6)


def test_json_top_level_keys(project):
    rep = report(mixed_project(project))
    for key in ["schema_version", "tool", "project", "generated_at", "summary", "findings", "items", "files"]:
        assert key in rep, key
    assert isinstance(rep["schema_version"], int)
    assert rep["tool"]["name"] == "civdoc"
    assert re.match(r"\d+\.\d+", rep["tool"]["version"])
    assert rep["project"]["name"] == "测试区2024年创建全国文明城市材料自查"
    period = rep["project"]["period"]
    assert (period["start"], period["end"]) == ("2024-01-01", "2024-12-31")
    datetime.fromisoformat(rep["generated_at"])


def test_json_summary_counts(project):
    rep = report(mixed_project(project))
    summary = rep["summary"]
    for key in ["units", "indicators", "items", "complete_items", "files", "errors", "warnings", "infos", "waived"]:
        assert isinstance(summary[key], int), key
    assert summary["units"] == 3
    assert summary["indicators"] == 4
    assert summary["items"] == len(rep["items"])
    assert summary["complete_items"] == sum(1 for i in rep["items"] if i["status"] == "complete") == 3
    assert summary["files"] == len(rep["files"]) == 8
    live = [f for f in rep["findings"] if not f["waived"]]
    assert summary["errors"] == sum(1 for f in live if f["severity"] == "error") == 1
    assert summary["warnings"] == sum(1 for f in live if f["severity"] == "warning") == 1
    assert summary["infos"] == sum(1 for f in live if f["severity"] == "info")
    assert summary["waived"] == 0


def test_json_findings(project):
    rep = report(mixed_project(project))
    keys = {"code", "name", "severity", "unit", "indicator", "requirement", "path", "message", "waived"}
    for f in rep["findings"]:
        assert keys <= set(f), set(f)
        assert f["severity"] in ("error", "warning", "info")
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", f["name"])
        assert re.search(r"[\u4e00-\u9fff]", f["message"]), "messages are in Chinese"
        assert isinstance(f["waived"], bool)
    by_code = {f["code"]: f for f in rep["findings"]}
    assert by_code["C203"]["requirement"] == "工作方案"
    assert by_code["T402"]["path"] == f"{DIR_A}/活动照片4.jpg"
    assert by_code["P506"]["severity"] == "info"


def test_json_items(project):
    rep = report(mixed_project(project))
    assert {(i["unit"], i["indicator"]) for i in rep["items"]} >= set(REQUIRED_ITEMS)
    for item in rep["items"]:
        assert item["status"] in ("complete", "incomplete", "not_required")
        for req in item["requirements"]:
            assert {"name", "found", "min"} <= set(req)
        stages = item.get("reviews", item.get("stages"))
        assert [s["stage"] for s in stages] == ["初审", "复审", "终审"]
        assert all(s["state"] == "待审" for s in stages)
    a = next(i for i in rep["items"] if (i["unit"], i["indicator"]) == (UNIT_A, "1.1"))
    assert a["status"] == "incomplete"
    assert {r["name"]: (r["found"], r["min"]) for r in a["requirements"]} == {
        "工作方案": (0, 1),
        "活动照片": (4, 3),
    }  # the undated photo counts
    field_only = next(i for i in rep["items"] if i["indicator"] == "1.3")
    assert field_only["status"] == "not_required"


def test_json_files(project):
    root = mixed_project(project)
    rep = report(root)
    keys = {"path", "unit", "indicator", "requirement", "type", "size", "date", "date_source", "sha256"}
    for f in rep["files"]:
        assert keys <= set(f), set(f)
        assert f["path"].startswith("evidence/")
        assert "\\" not in f["path"] and not Path(f["path"]).is_absolute()
        data = (root / f["path"]).read_bytes()
        assert f["size"] == len(data)
        assert f["sha256"].split(":")[-1] == hashlib.sha256(data).hexdigest()
    photo = next(f for f in rep["files"] if f["path"] == PHOTOS[0])
    assert (photo["unit"], photo["indicator"], photo["requirement"]) == (UNIT_A, "1.1", "活动照片")
    assert photo["type"] in ("jpeg", "jpg")
    assert photo["date"] == "2024-04-02" and photo["date_source"] == "name"


def test_json_paths_are_relative_with_slashes(project):
    root = project(
        files=evidence(add={f"{EV}/{UNIT_A}/其他/2024-03-15 说明.pdf": pdf, f"{EV}/2024-03-15 散件.pdf": pdf})
    )
    rep = report(root)
    for f in rep["findings"] + rep["files"]:
        if f["path"]:
            assert "\\" not in f["path"] and not f["path"].startswith("/") and str(root) not in f["path"]


def test_json_is_the_only_thing_on_stdout(project):
    code, out, _ = run(mixed_project(project), "check", "--format", "json")
    assert code == 1
    json.loads(out)


# -------------------------------------------------------------------------------------------
# GitHub annotations and JUnit


def test_github_annotations(project):
    code, out, _ = run(mixed_project(project), "check", "--format", "github")
    assert code == 1
    lines = out.strip().splitlines()
    annotations, last = lines[:-1], lines[-1]
    assert annotations
    assert all(re.match(r"::(error|warning|notice)( |::)", line) for line in annotations)
    assert any(line.startswith("::error") and "C203" in line for line in annotations)
    assert any(line.startswith("::warning") and "T402" in line and "file=evidence/" in line for line in annotations)
    assert any(line.startswith("::notice") and "P506" in line for line in annotations)
    assert not last.startswith("::")  # a summary line ends the output
    assert "1" in last


def test_github_annotation_of_a_waived_error_is_not_an_error(project):
    cfg = config_with(waivers=[{"code": "C203", "reason": "市级报送"}])
    code, out, _ = run(project(config=cfg, files=evidence(drop=[PLAN])), "check", "--format", "github")
    assert code == 0
    assert not [line for line in out.splitlines() if line.startswith("::error")]


def test_junit_has_a_testcase_per_item(project):
    code, out, _ = run(mixed_project(project), "check", "--format", "junit")
    assert code == 1
    tree = ET.fromstring(out.encode("utf-8"))
    cases = tree.findall(".//testcase")
    for unit, ident in REQUIRED_ITEMS:
        assert any(c.get("classname") == unit and ident in (c.get("name") or "") for c in cases), (unit, ident)
    failed = [c for c in cases if c.find("failure") is not None]
    assert any(c.get("classname") == UNIT_A and "1.1" in c.get("name") for c in failed)
    assert not any(c.get("classname") == UNIT_B for c in failed)


# -------------------------------------------------------------------------------------------
# --output


@pytest.mark.parametrize("fmt", ["text", "json", "github", "junit"])
def test_output_writes_the_file(project, tmp_path, fmt):
    root = mixed_project(project)
    target = tmp_path / "out" / f"report.{fmt}"
    target.parent.mkdir()
    code, out, _ = run(root, "check", "--format", fmt, "--output", str(target))
    assert code == 1
    text = target.read_text(encoding="utf-8")
    assert "C203" in text
    assert "C203" not in out
    if fmt == "json":
        assert json.loads(text)["summary"]["errors"] == 1
    if fmt == "junit":
        ET.fromstring(text.encode("utf-8"))


# -------------------------------------------------------------------------------------------
# civdoc rules


def test_rules_lists_every_code():
    code, out, _ = run(None, "rules")
    assert code == 0
    for c in ALL_CODES + D_CODES:
        assert c in out, c
    assert "requirement-missing" in out


@pytest.mark.parametrize("query", ["C203", "c203", "requirement-missing"])
def test_rules_explains_one_code(query):
    code, out, _ = run(None, "rules", query)
    assert code == 0
    assert "C203" in out and "requirement-missing" in out
    assert re.search(r"[\u4e00-\u9fff]", out)
    assert "F304" not in out


def test_rules_unknown_code():
    code, out, err = run(None, "rules", "X999")
    assert code == 2
    assert "X999" in out + err


# -------------------------------------------------------------------------------------------
# Scope options, project lookup, --today


def test_unknown_unit_is_a_usage_error_in_chinese(project):
    code, out, err = run(project(), "check", "--unit", "区财政局")
    assert code == 2
    assert "区财政局" in err + out
    assert re.search(r"[\u4e00-\u9fff]{4}", err + out)


def test_unknown_indicator_is_a_usage_error(project):
    code, out, err = run(project(), "check", "--indicator", "9.9")
    assert code == 2
    assert "9.9" in err + out


def test_finds_civdoc_yaml_upwards(project, monkeypatch):
    root = project()
    monkeypatch.chdir(root / "evidence" / UNIT_A / "1.1 理论宣讲")
    code, out, err = run(None, "check", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["project"]["name"] == "测试区2024年创建全国文明城市材料自查"


def test_no_civdoc_yaml_is_exit_2(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    code, out, err = run(None, "check")
    assert code == 2
    assert "civdoc.yaml" in out + err
    code, out, err = run(empty, "check")  # --project pointing at a folder without it
    assert code == 2
    assert "civdoc.yaml" in out + err


@pytest.mark.parametrize("bad", ["2024-13-01", "tomorrow", "2024/11/01"])
def test_invalid_today_is_exit_2(project, bad):
    code, out, err = run(project(), "check", today=bad)
    assert code == 2
    assert bad in out + err


def test_today_from_environment(project):
    root = project(files=evidence(drop=[PHOTOS[2]]))
    code, out, _ = run(root, "check", "--format", "json", today=None, env={"CIVDOC_TODAY": "2025-01-05"})
    assert code == 1
    assert "S701" in {f["code"] for f in json.loads(out)["findings"]}


def test_today_changes_the_deadline_findings(project):
    root = project(files=evidence(drop=[PHOTOS[2]]))
    before = {f["code"] for f in report(root, today="2024-11-01")["findings"]}
    after = {f["code"] for f in report(root, today="2025-01-05")["findings"]}
    assert "S701" not in before and "S701" in after


def test_version():
    code, out, _ = run(None, "--version")
    assert code == 0
    assert re.search(r"\d+\.\d+", out)


def test_review_without_decision_is_a_usage_error(project):
    code, out, err = run(project(), "review", UNIT_A, "1.1", "--stage", "初审", "--by", "王五")
    assert code == 2
    assert "Traceback" not in out + err


def test_corrupt_file_never_crashes(project):
    """Random bytes under every extension: findings, never a traceback."""
    import os

    junk = {
        f"{DIR_A}/2024-04-0{i} 活动照片{ext}.{ext}": os.urandom(64)
        for i, ext in enumerate(["jpg", "png", "pdf", "docx", "xlsx", "doc", "ofd", "mp4", "heic", "zip"], 1)
    }
    junk.update({f"{DIR_A}/2024-04-11 方案{ext}.{ext}": b"%PDF-1.7\n" + os.urandom(64) for ext in ["pdf", "docx"]})
    code, out, err = run(project(files=evidence(add=junk)), "check", "--format", "json")
    assert code == 1, err
    json.loads(out)


# -------------------------------------------------------------------------------------------
# The sample project in the repository


@pytest.mark.skipif(not (REPO / "civdoc.yaml").is_file(), reason="no sample project in the repository")
def test_sample_project_in_the_repository():
    code, out, err = run(REPO, "check", "--format", "json", "--no-cache", today="2026-11-22")
    assert code == 1, err
    rep = json.loads(out)
    families = {f["code"][0] for f in rep["findings"]}
    assert {"C", "F", "T", "P", "S", "W"} <= families, families
    assert rep["summary"]["errors"] > 0


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_check_as_its_own_process_prints_everything_before_it_ends(project, fmt: str) -> None:
    """As a process of its own, check ends with os._exit: its output must be flushed first."""
    import subprocess
    import sys

    root = project()
    code, expected, _ = run(root, "check", "--format", fmt)
    done = subprocess.run(
        [sys.executable, "-m", "civdoc", "check", "--format", fmt, "--today", TODAY],
        cwd=root,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == code
    assert done.stdout.decode("utf-8") == expected
