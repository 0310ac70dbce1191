"""Issue 10, classes 1-4: names that would become paths, targets in evidence/, templates that try to
run code, and a cache that tries to override the YAML."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from tests.support.helpers import DEFAULT_CONFIG, UNIT_A, config_with, make_project, review, run

EVIL_NAMES = [
    ("../../evidence/区教育局/2.1 学雷锋志愿服务/2026-03-01 工作方案", "“/”"),
    ("/tmp/绝对路径单位", "“/”"),
    ("区委宣传部/区文明办", "“/”"),
    ("区委宣传部\\区文明办", "“\\”"),
    ("单位|甲", "“|”"),
    ("单位\0甲", "U+0000"),
    ("单位\x1b[2J", "U+001B"),
    ("..", "“..”"),
    ("CON", "保留设备名"),
    ("区教育局 ", "空格"),
    ("区教育局.", "句点"),
]


def evidence_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "evidence").rglob("*")}


@pytest.mark.parametrize("name, named", EVIL_NAMES)
def test_a_unit_name_that_is_no_file_name_is_d105_naming_the_character(tmp_path: Path, name: str, named: str) -> None:
    units = [dict(u) for u in DEFAULT_CONFIG["units"]]
    units[2]["name"] = name
    root = make_project(
        tmp_path,
        config=config_with(units=units),
        indicators={
            "01.yaml": {
                "aspect": "思想道德建设",
                "indicators": [{"id": "1.1", "content": "理论宣讲", "method": "材料审核", "lead": UNIT_A}],
            }
        },
    )
    before = evidence_files(root)
    for args in (("check",), ("build",), ("review", name, "1.1", "--stage", "初审", "--pass", "--by", "王五")):
        code, out, err = run(root, *args)
        assert code == 2, (args, out, err)
        assert "D105" in err and named in err, err
        assert "内部错误" not in err
    assert evidence_files(root) == before
    assert not (root / "reviews").exists() and not (root / "out").exists()


def test_an_alias_that_is_no_file_name_is_d105(tmp_path: Path) -> None:
    units = [dict(u) for u in DEFAULT_CONFIG["units"]]
    units[0]["aliases"] = ["宣传部", "../宣传"]
    root = make_project(tmp_path, config=config_with(units=units))
    code, out, err = run(root, "check")
    assert code == 2 and "D105" in err and "简称" in err, err


def test_merged_office_names_with_fullwidth_brackets_are_fine(tmp_path: Path) -> None:
    units = [dict(u) for u in DEFAULT_CONFIG["units"]]
    units[2]["name"] = "团区委（区青联）"
    root = make_project(
        tmp_path,
        config=config_with(units=units),
        indicators={
            "01.yaml": {
                "aspect": "思想道德建设",
                "indicators": [{"id": "1.1", "content": "理论宣讲", "method": "材料审核", "lead": UNIT_A}],
            }
        },
    )
    assert run(root, "check")[0] in (0, 1)


def test_safe_join_refuses_every_way_out(tmp_path: Path) -> None:
    from civdoc.safe.paths import UnsafePath, join

    base = tmp_path / "out"
    base.mkdir()
    (base / "链接").symlink_to(tmp_path, target_is_directory=True)
    assert join(base, "分单位台账", "区教育局.xlsx") == base / "分单位台账" / "区教育局.xlsx"
    for parts in (("../x.xlsx",), ("/etc/passwd",), ("a", "..", "..", "x"), ("链接", "x.xlsx"), ("a\0b",)):
        with pytest.raises(UnsafePath):
            join(base, *parts)


# -- targets in evidence/ ------------------------------------------------------------------------


def test_out_or_reviews_linked_into_evidence_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before = evidence_files(root)
    (root / "out").symlink_to(root / "evidence" / UNIT_A, target_is_directory=True)
    code, out, err = run(root, "build")
    assert code == 2 and "evidence/" in err, out + err
    (root / "out").unlink()
    for target in ("evidence/x", "evidence", f"evidence/{UNIT_A}/../台账"):
        code, out, err = run(root, "build", "--out", str(root / target))
        assert code == 2 and "evidence/" in err, (target, out, err)
    code, out, err = run(root, "check", "--format", "json", "--output", str(root / "evidence" / "r.json"))
    assert code == 2 and "evidence/" in err
    (root / "reviews").symlink_to(root / "evidence" / UNIT_A, target_is_directory=True)
    code, out, err = review(root, UNIT_A, "1.1", "初审", False, "王五")
    assert code == 2 and "evidence/" in err, out + err
    assert evidence_files(root) == before


def test_out_somewhere_else_the_user_names_is_fine(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    code, out, err = run(root, "build", "--out", str(tmp_path / "交付"))
    assert code == 0, out + err
    assert (tmp_path / "交付" / "材料自查台账.xlsx").is_file()


# -- templates -----------------------------------------------------------------------------------

ATTACK = "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}"


def test_a_text_template_cannot_run_code(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "基本情况.j2").write_text(f"基本情况 {ATTACK}\n", encoding="utf-8")
    os.chdir(root)
    code, out, err = run(root, "build")
    assert code == 2, out + err
    assert "templates/基本情况.j2" in err and "安全" in err, err
    assert not (root / "PWNED").exists() and not Path("PWNED").exists()
    assert not (root / "out").exists()


def test_the_word_template_cannot_run_code(tmp_path: Path) -> None:
    from civdoc.render.templating import builtin_dir

    root = make_project(tmp_path)
    (root / "templates").mkdir()
    data = Path(str(builtin_dir().joinpath("材料自查台账.docx"))).read_bytes()
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        for info in zin.infolist():
            parts[info.filename] = zin.read(info)
    xml = parts["word/document.xml"].decode()
    at = xml.index("<w:body>") + len("<w:body>")
    parts["word/document.xml"] = (xml[:at] + f"<w:p><w:r><w:t>{ATTACK}</w:t></w:r></w:p>" + xml[at:]).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for name, body in parts.items():
            zout.writestr(name, body)
    (root / "templates" / "材料自查台账.docx").write_bytes(buf.getvalue())
    os.chdir(root)
    code, out, err = run(root, "build")
    assert code == 2, out + err
    assert "templates/材料自查台账.docx" in err and "安全" in err, err
    assert not (root / "PWNED").exists()


# -- the cache -----------------------------------------------------------------------------------


def _json_check(root: Path, *extra: str) -> tuple[int, dict]:
    code, out, err = run(root, "check", "--format", "json", *extra)
    assert code in (0, 1), err
    data = json.loads(out)
    data.pop("generated_at", None)
    return code, data


def test_a_tampered_definitions_row_is_not_trusted(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})  # no evidence: every item has errors
    code, fresh = _json_check(root, "--no-cache")
    assert code == 1
    assert _json_check(root) == (code, fresh)  # fills the cache
    db = sqlite3.connect(root / ".civdoc" / "cache.sqlite")
    key, stored = db.execute("SELECT key, project FROM definitions").fetchone()
    tag, _, text = stored.partition("\n")
    project = json.loads(text)
    project["config"]["rules"] = {c: "off" for c in ("C201", "C202", "C203", "C204", "R601", "S701", "S702")}
    for value in (json.dumps(project, ensure_ascii=False), f"{tag}\n{json.dumps(project, ensure_ascii=False)}"):
        db.execute("UPDATE definitions SET project = ?", (value,))
        db.commit()
        assert _json_check(root) == (code, fresh)
    db.close()


def test_a_tampered_outcome_row_is_not_trusted(tmp_path: Path) -> None:
    import hashlib

    root = make_project(tmp_path)
    (root / "evidence" / UNIT_A / "1.1 理论宣讲" / "2024-03-15 工作方案.pdf").unlink()
    for path in (root / "evidence").rglob("*"):
        os.utime(path, (1.7e9, 1.7e9))  # well before now: outcomes are remembered only then
    fresh = _json_check(root, "--no-cache")
    assert _json_check(root) == fresh
    assert _json_check(root) == fresh
    db = sqlite3.connect(root / ".civdoc" / "cache.sqlite")
    rows = db.execute("SELECT item, head FROM outcomes").fetchall()
    assert rows
    for item, head in rows:  # what an editor of 0.1's cache would do: claim complete, fix the checksum
        forged = head.replace(b"incomplete", b"complete")
        db.execute(
            "UPDATE outcomes SET head = ?, checksum = ? WHERE item = ?",
            (forged, hashlib.sha256(forged).hexdigest(), item),
        )
    db.commit()
    db.close()
    assert _json_check(root) == fresh


def test_a_cache_copied_from_elsewhere_is_recomputed(tmp_path: Path) -> None:
    import shutil

    root = make_project(tmp_path, files={})
    fresh = _json_check(root, "--no-cache")
    assert _json_check(root) == fresh
    other = make_project(tmp_path / "other")  # the same project with all its material
    shutil.rmtree(other / ".civdoc", ignore_errors=True)
    shutil.copytree(root / ".civdoc", other / ".civdoc")
    assert _json_check(other) == _json_check(other, "--no-cache")


def test_a_tampered_inspection_row_is_not_trusted(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    plan = root / "evidence" / UNIT_A / "1.1 理论宣讲" / "2024-03-15 工作方案.pdf"
    plan.write_bytes(b"")  # F303: an empty file
    for path in (root / "evidence").rglob("*"):
        os.utime(path, (1.7e9, 1.7e9))
    fresh = _json_check(root, "--no-cache")
    assert _json_check(root) == fresh
    db = sqlite3.connect(root / ".civdoc" / "cache.sqlite")
    db.execute("UPDATE inspections SET size = 4096, readable = 1, problem = NULL, kind = 'pdf'")
    db.execute("DELETE FROM outcomes")  # the items are judged again, from the inspections
    db.commit()
    db.close()
    assert _json_check(root) == fresh


def test_out_or_reviews_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    (root / "out").symlink_to(elsewhere, target_is_directory=True)
    (root / "reviews").symlink_to(elsewhere, target_is_directory=True)
    code, out, err = run(root, "build")
    assert code == 2 and "项目之外" in err, out + err
    code, out, err = review(root, UNIT_A, "1.1", "初审", False, "王五")
    assert code == 2 and "项目之外" in err, out + err
    assert list(elsewhere.iterdir()) == []
    (root / "out").unlink()
    (root / "out").mkdir()
    (root / "out" / "材料自查台账.xlsx").symlink_to(elsewhere / "bashrc")
    (elsewhere / "bashrc").write_text("keep me", encoding="utf-8")
    assert run(root, "build")[0] == 0
    assert (elsewhere / "bashrc").read_text(encoding="utf-8") == "keep me"  # the link replaced, not followed
