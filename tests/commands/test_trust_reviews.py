"""Issue 10, classes 5-7 and 9-12: signatures that could be faked or survive a change, review text
that could brick the project, and imports that sign what they should not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.commands.test_review_import import LEDGER, build, edit, import_, passed
from tests.support.helpers import (
    DIR_A,
    TODAY,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    clean_files,
    docx,
    item_entry,
    make_project,
    put,
    read_records,
    report,
    review,
    run,
    stages,
)

REVIEWS_A = Path("reviews") / f"{UNIT_A}.yaml"


# -- 5: an error on the unit blocks 通过 on each of its items ------------------------------------


def test_pass_is_refused_when_the_unit_has_no_folder(tmp_path: Path) -> None:
    files = {k: v for k, v in clean_files().items() if not k.startswith(f"evidence/{UNIT_C}/")}
    root = make_project(tmp_path, files=files)
    code, out, err = review(root, UNIT_C, "1.2", "初审", True)
    assert code == 1 and "C201" in err, out + err
    assert read_records(root, UNIT_C) == []
    assert run(root, "build")[0] == 0
    ws = openpyxl.load_workbook(root / "out" / "分单位台账" / f"{UNIT_C}.xlsx")["台账"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("事项编号")] == f"{UNIT_C}|1.2")
    assert "C201" in (row[header.index("存在问题")] or "")


# -- 6: review files are untrusted input ---------------------------------------------------------


def _signed(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    return root


def _append(root: Path, text: str) -> None:
    with open(root / REVIEWS_A, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_hand_written_records_civdoc_cannot_honour_are_findings_with_line(tmp_path: Path) -> None:
    fingerprint = read_records(_signed(tmp_path / "x"), UNIT_A)[0]["fingerprint"]
    bad = {
        "decision: 批准": ("D105", "批准"),
        "stage: 四审": ("D105", "四审"),
        "indicator: '9.9'": ("D105", "9.9"),
        "note: [1, 2]": ("D102", "note"),
        "by: 5": ("D102", "by"),
        "note: !!binary aGVsbG8=": ("D102", "note"),
        "at: 明天": ("D105", "明天"),
        "extra: 1": ("D102", "extra"),
        'note: "\\x1b[2J\\uFFFE"': ("D105", "U+001B"),
    }
    for n, (field, (code, word)) in enumerate(bad.items()):
        root = _signed(tmp_path / str(n))
        lines = len((root / REVIEWS_A).read_text(encoding="utf-8").splitlines())
        record = {
            "indicator": "'1.1'",
            "stage": "终审",
            "decision": "通过",
            "by": "钱七",
            "at": "2024-10-31T10:00:00+08:00",
            "note": "''",
            "fingerprint": fingerprint,
        }
        key = field.split(":")[0]
        record[key] = field.split(": ", 1)[1]
        _append(root, "- " + "\n  ".join(f"{k}: {v}" for k, v in record.items()) + "\n")
        code_, out, err = run(root, "check")
        assert code_ == 2, (field, out, err)
        line = lines + 1 + list(record).index(key)  # the line of the field itself
        assert code in err and word in err and f"reviews/{UNIT_A}.yaml:{line}" in err, (field, err)
        assert "内部错误" not in err


def test_a_hand_appended_final_pass_is_out_of_order(tmp_path: Path) -> None:
    root = _signed(tmp_path)
    fingerprint = read_records(root, UNIT_A)[0]["fingerprint"]
    _append(
        root,
        f"- indicator: '1.1'\n  stage: 终审\n  decision: 通过\n  by: 钱七\n"
        f"  at: '2024-10-31T10:00:00+08:00'\n  fingerprint: {fingerprint}\n",
    )
    rep = report(root)
    assert stages(item_entry(rep, UNIT_A, "1.1"))["终审"] == "待审"
    assert any(f["code"] == "R604" for f in rep["findings"] if f["unit"] == UNIT_A)


# -- 7: two names that print alike are two files -------------------------------------------------


def test_files_whose_names_print_alike_are_fingerprinted_apart(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    put(root, f"{DIR_A}/2024-03-15 方案\x01.docx", docx())
    put(root, f"{DIR_A}/2024-03-15 方案\\x01.docx", docx())
    assert len([p for p in read_files(root) if "方案" in p and p.endswith(".docx")]) == 2
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    keys = set(read_records(root, UNIT_A)[0]["files"])
    assert {"2024-03-15 方案\\x01.docx", "2024-03-15 方案\\\\x01.docx"} <= keys, keys
    put(root, f"{DIR_A}/2024-03-15 方案\\x01.docx", docx())  # replace the literal one after 初审
    rep = report(root)
    assert stages(item_entry(rep, UNIT_A, "1.1"))["初审"] == "失效"
    assert any(f["code"] == "R603" for f in rep["findings"])


def read_files(root: Path) -> dict:
    return {f["path"]: f for f in report(root)["files"]}


# -- 9: --by and --note ---------------------------------------------------------------------------


def _cli(root: Path, *args: bytes | str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CIVDOC_TODAY", "CIVDOC_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "civdoc", *args, "--today", TODAY, "--project", str(root)],
        capture_output=True,
        env=env,
        timeout=120,
    )


def test_by_or_note_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    for option, value in (("--by", "王五".encode("gbk")), ("--note", "材料齐全".encode("gbk"))):
        args = ["review", UNIT_A, "1.1", "--stage", "初审", "--return", "--by", "王五", option, value]
        if option == "--by":
            args = ["review", UNIT_A, "1.1", "--stage", "初审", "--return", option, value]
        done = _cli(root, *args)
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 2 and "UTF-8" in err, err
        assert "内部错误" not in err
    assert read_records(root, UNIT_A) == []


def test_controls_are_stripped_and_what_is_written_reads_back(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    done = _cli(
        root,
        "review",
        UNIT_A,
        "1.1",
        "--stage",
        "初审",
        "--return",
        "--by",
        "王\x85五\x1b",
        "--note",
        "照片不足5张，\x1b[31m缺台账\x85",
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"\x1b[31m" not in done.stdout
    rec = read_records(root, UNIT_A)[0]
    assert rec["by"] == "王五" and rec["note"] == "照片不足5张，[31m缺台账"
    assert run(root, "check")[0] == 1  # readable: R602, not D101
    assert run(root, "build")[0] == 0


# -- 10 and 12: import -----------------------------------------------------------------------------


def test_import_keeps_text_exactly_as_typed(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root)[0] == 0
    note = "照片不足5张，缺志愿服务台账（ＡＢ）"
    cells = {"初审状态": "退回", "初审审核人": "王　五", "初审日期": "2024-10-30", "审核意见": note}
    book = edit(root / LEDGER, tmp_path / "审核.xlsx", {f"{UNIT_A}|1.1": cells})
    code, out, err = import_(root, book)
    assert code == 0, out + err
    rec = read_records(root, UNIT_A)[0]
    assert rec["note"] == note and rec["by"] == "王　五"


def test_a_unit_ledger_signs_only_that_units_items(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root)[0] == 0
    ledger_c = root / "out" / "分单位台账" / f"{UNIT_C}.xlsx"
    fingerprint = item_entry(report(root), UNIT_B, "1.2")["fingerprint"]
    wb = openpyxl.load_workbook(ledger_c)
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, header.index("事项编号") + 1).value == f"{UNIT_C}|1.2":
            ws.cell(r, header.index("事项编号") + 1).value = f"{UNIT_B}|1.2"
            ws.cell(r, header.index("材料指纹") + 1).value = fingerprint
            for name, value in passed().items():
                ws.cell(r, header.index(name) + 1).value = value
    forged = tmp_path / "改过的" / f"{UNIT_C}.xlsx"
    forged.parent.mkdir()
    wb.save(forged)
    code, out, err = import_(root, forged)
    assert code == 1 and f"这是{UNIT_C}的分单位台账" in out, out + err
    assert read_records(root, UNIT_B) == []


def test_contradictory_duplicate_rows_are_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root)[0] == 0
    wb = openpyxl.load_workbook(root / LEDGER)
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index("事项编号") + 1).value == f"{UNIT_A}|1.1")
    copy = [ws.cell(row, c).value for c in range(1, len(header) + 1)]
    ws.append(copy)
    last = ws.max_row
    for r, decision in ((row, "通过"), (last, "退回")):
        ws.cell(r, header.index("初审状态") + 1).value = decision
        ws.cell(r, header.index("初审审核人") + 1).value = "王五"
    book = tmp_path / "重复.xlsx"
    wb.save(book)
    code, out, err = import_(root, book)
    assert code == 1 and "同一事项" in out, out + err
    assert read_records(root, UNIT_A) == []


def test_word_ledger_dates_import(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root)[0] == 0
    book = edit(root / LEDGER, tmp_path / "审核.xlsx", {f"{UNIT_A}|1.1": passed(day="10月30日")})
    code, out, err = import_(root, book)
    assert code == 0, out + err
    assert str(read_records(root, UNIT_A)[0]["at"]).startswith("2024-10-30")


def test_impossible_dates_are_rows_civdoc_cannot_read(tmp_path: Path) -> None:
    import datetime

    root = make_project(tmp_path)
    assert build(root)[0] == 0
    for day in (datetime.datetime(1, 1, 1), "0001-01-01", "9999-12-31"):
        book = edit(root / LEDGER, tmp_path / "审核.xlsx", {f"{UNIT_A}|1.1": passed(day=day)})
        code, out, err = import_(root, book)
        assert code == 1 and "无法识别" in out, out + err
        assert "内部错误" not in err
    edit(root / LEDGER, root / LEDGER, {f"{UNIT_A}|1.1": passed(day=datetime.datetime(1, 1, 1))})
    code, out, err = build(root)
    assert code == 2 and "内部错误" not in err and "无法识别" in err, out + err


# -- 11: modes ------------------------------------------------------------------------------------


def test_written_files_follow_the_umask_and_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        from civdoc.store import atomic

        atomic.umask.cache_clear()
        root = make_project(tmp_path)
        assert run(root, "build")[0] == 0
        assert review(root, UNIT_A, "1.1", "初审", False, "王五")[0] == 0
        for path in (root / LEDGER, root / REVIEWS_A, root / "out" / "report.json"):
            assert path.stat().st_mode & 0o777 == 0o644, path
        (root / LEDGER).chmod(0o640)
        assert run(root, "build")[0] == 0
        assert (root / LEDGER).stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)
        atomic.umask.cache_clear()


def test_a_reviews_file_of_no_unit_is_reported(tmp_path: Path) -> None:
    root = _signed(tmp_path)
    (root / REVIEWS_A).rename(root / "reviews" / "宣传部旧名.yaml")
    code, out, err = run(root, "check")
    assert code == 2 and "reviews/宣传部旧名.yaml" in err and "不属于任何已登记的单位" in err, err
