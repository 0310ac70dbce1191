"""`civdoc review import FILE.xlsx` (SPEC §5): reviewers fill the 台账's review columns in Excel, civdoc
records them. Workbooks are edited with openpyxl the way a reviewer would, and always saved as a new file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.support.helpers import (
    DIR_A,
    LEDGER_C,
    PHOTOS,
    PLAN,
    TODAY,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    docx,
    evidence,
    item_entry,
    jpeg,
    make_project,
    pdf,
    put,
    read_records,
    report,
    review,
    run,
    stages,
)
from tests.support.paths import REPO

LEDGER = Path("out") / "材料自查台账.xlsx"


def build(root: Path, *args: str) -> tuple[int, str, str]:
    return run(root, "build", *args)


def built(tmp_path: Path, files: dict | None = None) -> Path:
    root = make_project(tmp_path, files=files)
    code, out, err = build(root)
    assert code == 0, out + err
    return root


def edit(source: Path, dest: Path, changes: dict[str, dict[str, Any]], sheet: str = "台账") -> Path:
    """Set cells by header name in the rows whose 事项编号 is a key of changes; save as dest."""
    wb = openpyxl.load_workbook(source)
    ws = wb[sheet]
    header_row = next(r for r in range(1, 11) if "事项编号" in [c.value for c in ws[r]])
    names = {c.value: c.column for c in ws[header_row] if c.value}
    seen = set()
    for r in range(header_row + 1, ws.max_row + 1):
        key = ws.cell(r, names["事项编号"]).value
        if key in changes:
            seen.add(key)
            for header, value in changes[key].items():
                ws.cell(r, names[header]).value = value
    assert seen == set(changes), f"rows not found: {set(changes) - seen}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def passed(by: str = "王五", day: Any = "2024-10-30", stage: str = "初审", note: str | None = None) -> dict[str, Any]:
    cells = {f"{stage}状态": "通过", f"{stage}审核人": by, f"{stage}日期": day}
    if note is not None:
        cells["审核意见"] = note
    return cells


def import_(root: Path, path: Path) -> tuple[int, str, str]:
    return run(root, "review", "import", str(path))


def state(root: Path, unit: str, ident: str) -> dict[str, str]:
    return stages(item_entry(report(root), unit, ident))


def test_import_records_a_stage(tmp_path: Path) -> None:
    root = built(tmp_path)
    book = edit(root / LEDGER, tmp_path / "审核" / "初审.xlsx", {f"{UNIT_A}|1.1": passed(note="材料齐全")})
    code, out, err = import_(root, book)
    assert code == 0, out + err
    assert "已导入 1 条" in out
    records = read_records(root, UNIT_A)
    assert len(records) == 1
    rec = records[0]
    assert (rec["indicator"], rec["stage"], rec["decision"], rec["by"], rec["note"]) == (
        "1.1",
        "初审",
        "通过",
        "王五",
        "材料齐全",
    )
    assert str(rec["at"]).startswith("2024-10-30T00:00:00")
    assert rec["via"] == "import" and rec["source"] == "初审.xlsx"
    assert rec["fingerprint"] == item_entry(report(root), UNIT_A, "1.1")["fingerprint"]
    assert set(rec["files"]) == {"2024-03-15 工作方案.pdf", *(p.rsplit("/", 1)[1] for p in PHOTOS)}
    assert state(root, UNIT_A, "1.1") == {"初审": "通过", "复审": "待审", "终审": "待审"}


def test_importing_twice_adds_nothing(tmp_path: Path) -> None:
    root = built(tmp_path)
    book = edit(root / LEDGER, tmp_path / "初审.xlsx", {f"{UNIT_A}|1.1": passed()})
    assert import_(root, book)[0] == 0
    before = (root / "reviews" / f"{UNIT_A}.yaml").read_bytes()
    code, out, err = import_(root, book)
    assert code == 0, out + err
    assert "已导入 0 条" in out
    assert (root / "reviews" / f"{UNIT_A}.yaml").read_bytes() == before


def test_both_stages_of_a_row_in_order_and_a_return(tmp_path: Path) -> None:
    root = built(tmp_path)
    changes = {
        f"{UNIT_A}|1.1": {**passed("王五"), **passed("赵六", "2024-10-31", stage="复审")},
        f"{UNIT_C}|1.2": {"初审状态": "退回", "初审审核人": "王五", "初审日期": "2024-10-30", "审核意见": "台账不全"},
    }
    book = edit(root / LEDGER, tmp_path / "两阶段.xlsx", changes)
    code, out, err = import_(root, book)
    assert code == 0, out + err
    assert [(r["stage"], r["by"]) for r in read_records(root, UNIT_A)] == [("初审", "王五"), ("复审", "赵六")]
    assert state(root, UNIT_A, "1.1") == {"初审": "通过", "复审": "通过", "终审": "待审"}
    returned = read_records(root, UNIT_C)
    assert [(r["decision"], r["note"]) for r in returned] == [("退回", "台账不全")]
    assert state(root, UNIT_C, "1.2")["初审"] == "退回"


def test_workbook_resaved_sorted_and_widened_still_reads(tmp_path: Path) -> None:
    """Columns inserted, header pushed down, rows reversed, full-width and padded values, text dates."""
    root = built(tmp_path)
    wb = openpyxl.load_workbook(root / LEDGER)
    ws = wb["台账"]
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=ws.max_row)]
    data = [row for row in data if row[0] is not None][::-1]
    for r in range(2, ws.max_row + 1):
        for c in range(1, ws.max_column + 1):
            ws.cell(r, c).value = None
    for r, row in enumerate(data, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c).value = value
    ws.insert_cols(3, 2)
    ws.cell(1, 3).value = "自定义列"
    ws.insert_rows(1, 2)
    ws.cell(1, 1).value = "某区创文办 材料自查台账（审核用）"
    header = [c.value for c in ws[3]]
    key_col = header.index("事项编号") + 1
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, key_col).value == f"{UNIT_A}|1.1":
            ws.cell(r, header.index("初审状态") + 1).value = " 通　过 "
            ws.cell(r, header.index("初审审核人") + 1).value = "　王五 "
            ws.cell(r, header.index("初审日期") + 1).value = "２０２４/10/30"
        if ws.cell(r, key_col).value == f"{UNIT_B}|1.2":
            ws.cell(r, header.index("初审状态") + 1).value = "通过"
            ws.cell(r, header.index("初审审核人") + 1).value = "李四"
            ws.cell(r, header.index("初审日期") + 1).value = datetime(2024, 10, 29, 15, 0)
    book = tmp_path / "改过的台账.xlsx"
    wb.save(book)
    code, out, err = import_(root, book)
    assert code == 0, out + err
    assert [(r["by"], str(r["at"])[:10]) for r in read_records(root, UNIT_A)] == [("王五", "2024-10-30")]
    assert [(r["by"], str(r["at"])[:10]) for r in read_records(root, UNIT_B)] == [("李四", "2024-10-29")]


def test_changed_evidence_is_a_conflict(tmp_path: Path) -> None:
    root = built(tmp_path)
    book = edit(root / LEDGER, tmp_path / "初审.xlsx", {f"{UNIT_A}|1.1": passed()})
    put(root, PLAN, pdf(date="2024-03-15"))  # new content after the ledger was built
    code, out, err = import_(root, book)
    assert code == 1, out + err
    assert "材料在台账生成后已变更，请重新生成台账后审核" in out
    assert "冲突 1" in out
    assert not (root / "reviews" / f"{UNIT_A}.yaml").exists()


def test_refusals_follow_civdoc_review(tmp_path: Path) -> None:
    files = evidence(drop=[PHOTOS[2]])  # 1.1 short of a photo: C204
    root = built(tmp_path, files)
    changes = {
        f"{UNIT_A}|1.1": passed(),  # errors open: refused
        f"{UNIT_B}|1.2": passed(stage="复审"),  # 初审 not passed: refused
        f"{UNIT_B}|1.3": passed(),  # 实地考察 only: nothing to review
    }
    book = edit(root / LEDGER, tmp_path / "审核.xlsx", changes)
    code, out, err = import_(root, book)
    assert code == 1, out + err
    assert "未解决的错误" in out and "C204" in out
    assert "初审尚未通过" in out
    assert "不需报送材料" in out
    assert not (root / "reviews").exists() or not any((root / "reviews").glob("*.yaml"))


def test_missing_reviewer_or_bad_date_is_unreadable(tmp_path: Path) -> None:
    root = built(tmp_path)
    changes = {
        f"{UNIT_A}|1.1": {"初审状态": "通过"},
        f"{UNIT_B}|1.2": passed(day="下周一"),
        f"{UNIT_C}|1.2": {"初审状态": "同意", "初审审核人": "王五"},
    }
    book = edit(root / LEDGER, tmp_path / "审核.xlsx", changes)
    code, out, err = import_(root, book)
    assert code == 1, out + err
    assert "无法读取 3 行" in out
    assert "初审审核人" in out and "下周一" in out and "同意" in out
    assert not (root / "reviews").exists() or not any((root / "reviews").glob("*.yaml"))


def test_unit_ledger_imports(tmp_path: Path) -> None:
    root = built(tmp_path)
    source = root / "out" / "分单位台账" / f"{UNIT_C}.xlsx"
    book = edit(
        source, tmp_path / f"{UNIT_C}（已审）.xlsx", {f"{UNIT_C}|1.2": passed("王五"), f"{UNIT_C}|1.4": passed("王五")}
    )
    code, out, err = import_(root, book)
    assert code == 0, out + err
    assert sorted(r["indicator"] for r in read_records(root, UNIT_C)) == ["1.2", "1.4"]


def test_two_imports_at_once_both_land(tmp_path: Path) -> None:
    root = built(tmp_path)
    one = edit(root / LEDGER, tmp_path / "甲.xlsx", {f"{UNIT_C}|1.2": passed("甲")})
    two = edit(root / LEDGER, tmp_path / "乙.xlsx", {f"{UNIT_C}|1.4": passed("乙")})
    env = {**os.environ, "PYTHONPATH": str(REPO), "CI": "1"}
    env.pop("CIVDOC_TODAY", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "civdoc", "review", "import", str(book), "--project", str(root), "--today", TODAY],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
        )
        for book in (one, two)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out.decode() + err.decode()
    records = read_records(root, UNIT_C)
    assert sorted((r["indicator"], r["by"]) for r in records) == [("1.2", "甲"), ("1.4", "乙")]


def test_malformed_reviews_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    root = built(tmp_path)
    bad = "- indicator: '1.1'\n  stage: 初审\n  decision: [通过\n"
    path = root / "reviews" / f"{UNIT_A}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(bad, encoding="utf-8")
    book = edit(root / LEDGER, tmp_path / "初审.xlsx", {f"{UNIT_A}|1.1": passed()})
    code, out, err = import_(root, book)
    assert code == 2, out + err
    assert f"reviews/{UNIT_A}.yaml:" in out + err
    assert path.read_text(encoding="utf-8") == bad


def test_not_a_ledger(tmp_path: Path) -> None:
    root = built(tmp_path)
    other = tmp_path / "别的表.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "姓名"
    wb.save(other)
    broken = tmp_path / "坏的.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    old = tmp_path / "旧格式.xls"
    old.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    for path, words in (
        (other, "不是 civdoc 生成的台账"),
        (broken, "无法作为 Excel 工作簿"),
        (old, "另存为"),
        (tmp_path / "没有这个文件.xlsx", "找不到文件"),
    ):
        code, out, err = import_(root, path)
        assert code == 2, f"{path.name}: {out}{err}"
        assert words in err, err
    assert not (root / "reviews").exists()


def test_build_keeps_a_ledger_with_unimported_entries(tmp_path: Path) -> None:
    root = built(tmp_path)
    ledger = root / LEDGER
    edit(ledger, ledger, {f"{UNIT_A}|1.1": passed()})  # the reviewer saved into out/ itself
    before = ledger.read_bytes()
    code, out, err = build(root)
    assert code != 0
    assert "civdoc review import" in err and "--force" in err
    assert ledger.read_bytes() == before
    code, out, err = build(root, "--force")
    assert code == 0, out + err
    wb = openpyxl.load_workbook(ledger)
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("事项编号")] == f"{UNIT_A}|1.1")
    assert row[header.index("初审状态")] == "待审"


def test_build_after_import_and_on_stale_ledgers_goes_ahead(tmp_path: Path) -> None:
    """Once imported, the entries are in reviews/: build overwrites freely. A ledger built before the
    files changed still shows civdoc's own 通过: that is no reviewer input and blocks nothing."""
    root = built(tmp_path)
    ledger = root / LEDGER
    edit(ledger, ledger, {f"{UNIT_C}|1.2": passed()})
    assert import_(root, ledger)[0] == 0
    code, out, err = build(root)
    assert code == 0, out + err
    put(root, LEDGER_C, docx())  # 初审 of 团区委 1.2 is now 失效; the ledger in out/ still says 通过
    assert state(root, UNIT_C, "1.2")["初审"] == "失效"
    code, out, err = build(root)
    assert code == 0, out + err


def test_cli_review_out_of_order_is_refused(tmp_path: Path) -> None:
    root = built(tmp_path)
    code, out, err = review(root, UNIT_A, "1.1", "复审", True, "赵六")
    assert code == 1
    assert "未记录" in out + err and "初审尚未通过" in out + err
    assert read_records(root, UNIT_A) == []


def test_stale_pass_can_be_renewed_from_a_fresh_ledger(tmp_path: Path) -> None:
    root = built(tmp_path)
    assert review(root, UNIT_A, "1.1", "初审", True, "王五")[0] == 0
    put(root, f"{DIR_A}/2024-04-03 活动照片4.jpg", jpeg(320, 240))
    assert state(root, UNIT_A, "1.1")["初审"] == "失效"
    code, out, err = build(root)
    assert code == 0, out + err
    book = edit(root / LEDGER, tmp_path / "重审.xlsx", {f"{UNIT_A}|1.1": passed("王五", day=None)})
    code, out, err = import_(root, book)
    assert code == 0, out + err
    assert state(root, UNIT_A, "1.1")["初审"] == "通过"
    assert len(read_records(root, UNIT_A)) == 2


@pytest.mark.parametrize(
    "day", ["2024-10-30", "2024/10/30", "2024.10.30", "2024年10月30日", "20241030", datetime(2024, 10, 30)]
)
def test_date_forms(day: Any) -> None:
    from civdoc.commands.review_import import parse_day

    assert str(parse_day(day)) == "2024-10-30"
