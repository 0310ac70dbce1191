"""Hostile input of issue 10: every class of bad input ends in a Chinese message or a finding, with
the exit code SPEC §6 gives it, never "内部错误" and never a traceback, and never hangs."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.hostile_project import TODAY, UNIT, Project, without_dac

ITEM_ID = "1.1"


def cli(
    project: Project,
    *args: str | bytes,
    timeout: float = 60,
    prefix: list[str] | None = None,
    expect: tuple[int, ...] = (0, 1, 2),
) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CIVDOC_TODAY", "CIVDOC_DEBUG")}
    cmd = [*(prefix or []), sys.executable, "-m", "civdoc", *args]
    if args and args[0] in ("check", "build", "review"):
        cmd += ["--today", TODAY, "--project", str(project.root)]
    proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, cwd=project.root)
    out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    for stream in (out, err):
        assert "Traceback" not in stream and "内部错误" not in stream, stream
    assert proc.returncode in expect, f"exit {proc.returncode}\n{out}\n{err}"
    return proc.returncode, out, err


def test_unit_names_that_are_paths(hostile: Project) -> None:
    config = hostile.root / "civdoc.yaml"
    text = config.read_text(encoding="utf-8")
    for name in ('"区委\\0宣传部"', '"../../evidence/x"', '"/etc"', "区委宣传部/区文明办", '"a\\x1b[2J"', "NUL"):
        config.write_text(text.replace("aliases: [宣传部]", f"aliases: [宣传部, {name}]"), encoding="utf-8")
        for args in (("check",), ("build",), ("review", UNIT, ITEM_ID, "--stage", "初审", "--return", "--by", "甲")):
            code, out, err = cli(hostile, *args, expect=(2,))
            assert "D105" in err, err
    assert not (hostile.root / "out").exists()


@pytest.mark.parametrize(
    "body",
    [
        "- &a [x, x, x, x, x, x, x, x, x]\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n- [*b, *b, *b, *b, *b, *b, *b]\n",
        "- &a [*a]\n",
        "- " + "[" * 990 + "]" * 990 + "\n",
        "- !!python/object/apply:os.system ['echo 被执行了']\n",
        "- indicator: '1.1'\n  note: !!binary aGVsbG8=\n",
        "- {indicator: [1.1\n",
        "- indicator: '1.1'\n  stage: 初审\n  decision: 通过\n  by: 5\n  at: x\n  note: [1, 2]\n",
        "- 中".encode()[:-1].decode("utf-8", "ignore") + "\udcff",
    ],
)
def test_hostile_review_files(hostile: Project, body: str) -> None:
    reviews = hostile.root / "reviews"
    reviews.mkdir()
    (reviews / f"{UNIT}.yaml").write_bytes(body.encode("utf-8", "surrogateescape"))
    for args in (("check",), ("build",), ("review", UNIT, ITEM_ID, "--stage", "初审", "--return", "--by", "甲")):
        code, out, err = cli(hostile, *args, timeout=30, expect=(2,))
        assert f"reviews/{UNIT}.yaml" in err and "D10" in err, err
        assert "被执行了" not in out + err


@pytest.mark.parametrize("where", ["civdoc.yaml", "indicators/01-理想信念教育.yaml"])
def test_alias_bombs_in_definitions(hostile: Project, where: str) -> None:
    path = hostile.root / where
    path.write_text(
        "x0: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        + "".join(f"x{i}: &a{i} [{', '.join(['*a' if i == 1 else f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
        + path.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    code, out, err = cli(hostile, "check", timeout=30, expect=(2,))
    assert "D101" in err and "锚点" in err and f"{where}:1" in err, err


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
@pytest.mark.parametrize("where", ["indicators/02-更多.yaml", f"reviews/{UNIT}.yaml"])
def test_special_files_where_yaml_belongs(hostile: Project, kind: str, where: str) -> None:
    path = hostile.root / where
    path.parent.mkdir(exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    code, out, err = cli(hostile, "check", timeout=30, expect=(2,))
    assert "D101" in err and "不是普通文件" in err, err


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "huge", "truncated-sheet", "entity-bomb"])
def test_hostile_import_files(hostile: Project, tmp_path: Path, kind: str) -> None:
    cli(hostile, "build", expect=(0, 1))
    path = tmp_path / f"{kind}.xlsx"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "huge":
        with open(path, "wb") as handle:
            handle.truncate(3 * 1024**3)  # sparse: nothing to read, all to refuse
    else:
        ledger = (hostile.root / "out" / "材料自查台账.xlsx").read_bytes()
        buf = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(ledger)) as zin, zipfile.ZipFile(buf, "w") as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename == "xl/worksheets/sheet2.xml":
                    if kind == "truncated-sheet":
                        data = data[: len(data) // 2]
                    else:
                        bomb = (
                            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
                            + "]>"
                        )
                        data = bomb.encode() + data.split(b"?>", 1)[1].replace(b"<sheetData>", b"<sheetData>&i;", 1)
                zout.writestr(info, data)
        path.write_bytes(buf.getvalue())
    code, out, err = cli(hostile, "review", "import", str(path), timeout=60, expect=(1, 2))
    assert path.name in out + err or str(path) in out + err, out + err


def test_machine_failures_name_the_path(hostile: Project, tmp_path: Path) -> None:
    code, out, err = cli(hostile, "check", "--format", "json", "--output", str(tmp_path), expect=(2,))
    assert str(tmp_path) in err and "文件夹" in err, err
    prefix = without_dac(tmp_path)
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions do not apply")
    cli(hostile, "build", prefix=prefix, expect=(0, 1))
    out_dir = hostile.root / "out"
    before = {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()}
    for folder in [out_dir, *[p for p in out_dir.rglob("*") if p.is_dir()]]:
        folder.chmod(0o555)
    try:
        code, out, err = cli(hostile, "build", prefix=prefix, expect=(2,))
        assert "out" in err and "权限" in err, err
    finally:
        for folder in [out_dir, *[p for p in out_dir.rglob("*") if p.is_dir()]]:
            folder.chmod(0o755)
    assert {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()} == before
    reviews = hostile.root / "reviews"
    reviews.mkdir()
    reviews.chmod(0o555)
    try:
        cli(hostile, "review", UNIT, ITEM_ID, "--stage", "初审", "--return", "--by", "甲", prefix=prefix, expect=(2,))
    finally:
        reviews.chmod(0o755)


def test_names_and_notes_that_would_break_xml_or_terminals(hostile: Project) -> None:
    from xml.etree import ElementTree

    from openpyxl import load_workbook

    photo = (hostile.item / "2024-03-15 活动照片1.jpg").read_bytes()
    (hostile.item / "2024-03-16 照片\ufffe\uffff.jpg").write_bytes(photo[:-2] + b"\0\0")
    (hostile.item / "2024-03-17 \x1b[31m红色.pdf").write_bytes(b"%PDF-1.4 not really")
    (hostile.item / "#2 方案.pdf").write_bytes(b"")
    cli(
        hostile,
        "review",
        UNIT,
        ITEM_ID,
        "--stage",
        "初审",
        "--return",
        "--by",
        "甲\x1b[2J",
        "--note",
        "乙\x07\x1b]0;标题\x07",
    )
    code, out, err = cli(hostile, "check", expect=(1,))
    assert "\x1b" not in out + err
    code, out, err = cli(hostile, "check", "--format", "junit", expect=(1,))
    ElementTree.fromstring(out.encode("utf-8"))  # well-formed XML
    code, out, err = cli(hostile, "check", "--format", "github", expect=(1,))
    assert "\x1b" not in out
    assert any(line.startswith("::error file=evidence/") and "#2 方案.pdf" in line for line in out.splitlines()), out
    cli(hostile, "build", expect=(0, 1))
    for book in (hostile.root / "out").rglob("*.xlsx"):
        with zipfile.ZipFile(book) as archive:
            for name in archive.namelist():
                if name.endswith(".xml") or name.endswith(".rels"):
                    ElementTree.fromstring(archive.read(name))  # every part parses: no U+FFFE, no controls
        load_workbook(book)


def test_a_text_report_written_to_a_file_escapes_control_characters(tmp_path: Path) -> None:
    """`--output FILE` is read in a terminal later (cat, type): no ESC sequence from a name reaches it."""
    from tests.support.helpers import DIR_A, make_project, run

    root = make_project(tmp_path, files={f"{DIR_A}/2024-04-02 \x1b[31m红色\x1b[0m.pdf": b""})  # empty: F303 names it
    target = tmp_path / "报告.txt"
    code, _, err = run(root, "check", "--output", str(target))
    text = target.read_text(encoding="utf-8")
    assert code in (0, 1) and "Traceback" not in err
    assert "\x1b" not in text and "\\x1b[31m" in text


@pytest.mark.parametrize("where", ["limits", "score", "weight"])
@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_numbers_that_are_no_numbers_are_d105(tmp_path: Path, where: str, value: str) -> None:
    """YAML's .nan and .inf are floats: as a size, a score or a weight they are a definition error."""
    import yaml

    from tests.support.helpers import DEFAULT_CONFIG, DEFAULT_INDICATORS, make_project, run

    config = yaml.safe_dump(DEFAULT_CONFIG, allow_unicode=True, sort_keys=False)
    indicators = dict(DEFAULT_INDICATORS)
    if where == "limits":
        config += f"limits:\n  max_file_mb: {value}\n"
    elif where == "weight":
        config += f"systems:\n  全国文明城市: {value}\n"
    root = make_project(tmp_path, config=config, indicators=indicators)
    if where == "score":
        path = next((root / "indicators").glob("*.yaml"))
        text = path.read_text(encoding="utf-8")
        import re

        path.write_text(re.sub(r"score: \S+", f"score: {value}", text, count=1), encoding="utf-8")
        assert f"score: {value}" in path.read_text(encoding="utf-8")
    code, out, err = run(root, "check")
    assert code == 2 and "内部错误" not in out + err and "Traceback" not in out + err
    assert "D105" in out + err


@pytest.mark.parametrize("limit", ["nan", "inf", "-1"])
def test_pack_refuses_a_limit_that_is_no_size(tmp_path: Path, limit: str) -> None:
    from tests.support.helpers import clean_files, make_project, run

    root = make_project(tmp_path, files=clean_files())
    code, out, err = run(root, "pack", "--max-mb", limit)
    assert code == 2 and "内部错误" not in out + err and "--max-mb" in out + err


@pytest.mark.parametrize(
    "source",
    [
        '{% include "x" %}',
        "{% for i in range(100000000) %}x{% endfor %}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "{{ 1/0 }}",
        '{{ ("x" * 100000) * 100000 }}',
        "{% for i in range(99999) %}{% for j in range(99999) %}xxxxxxxxxx{% endfor %}{% endfor %}",
    ],
)
def test_a_template_that_fails_or_explodes_is_a_message(tmp_path: Path, source: str) -> None:
    """A project's template that raises, recurses or would write gigabytes ends in exit 2 naming it."""
    from tests.support.helpers import clean_files, make_project, run

    root = make_project(tmp_path, files=clean_files())
    (root / "templates").mkdir()
    (root / "templates" / "基本情况.j2").write_text(source, encoding="utf-8")
    code, out, err = run(root, "build")
    assert code == 2 and "基本情况.j2" in err and "内部错误" not in out + err
    assert not (root / "out").exists()
