"""Issue 10, classes 8 and 18: a build never loses what a reviewer typed into a ledger, and the
smaller messages say what is really wrong."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.commands.test_review_import import LEDGER, build, edit, import_, passed
from tests.support.helpers import PLAN, UNIT_A, UNIT_C, make_project, run

UNIT_LEDGER_C = Path("out") / "分单位台账" / f"{UNIT_C}.xlsx"


def test_notes_without_a_state_block_the_build_and_every_ledger_is_listed(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root)[0] == 0
    edit(root / LEDGER, root / LEDGER, {f"{UNIT_A}|1.1": {"审核意见": "照片不足5张，缺志愿服务台账"}})
    edit(root / UNIT_LEDGER_C, root / UNIT_LEDGER_C, {f"{UNIT_C}|1.2": {"备注": "已电话催报", "初审审核人": "王五"}})
    before = {p: p.read_bytes() for p in (root / LEDGER, root / UNIT_LEDGER_C)}
    code, out, err = build(root)
    assert code == 2, out + err
    assert "材料自查台账.xlsx" in err and f"{UNIT_C}.xlsx" in err, err
    assert "审核意见" in err and "备注" in err and "初审审核人" in err and "没有选择审核状态" in err, err
    assert {p: p.read_bytes() for p in before} == before


def test_rows_import_refused_are_listed_with_the_reason(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / PLAN).unlink()  # 1.1 now has an error: a 通过 cannot be recorded
    assert build(root)[0] == 0
    edit(root / LEDGER, root / LEDGER, {f"{UNIT_A}|1.1": passed()})
    code, out, err = import_(root, root / LEDGER)
    assert code == 1
    code, out, err = build(root)
    assert code == 2 and "C203" in err and "导入时被拒绝" in err, err


def test_force_moves_the_ledgers_aside_and_never_deletes_them(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root)[0] == 0
    note = "照片不足5张，缺志愿服务台账"
    edit(root / LEDGER, root / LEDGER, {f"{UNIT_A}|1.1": {"审核意见": note}})
    code, out, err = build(root, "--force")
    assert code == 0, out + err
    kept = list((root / "out" / "已替换台账").glob("*/材料自查台账.xlsx"))
    assert len(kept) == 1, list((root / "out").rglob("*"))
    ws = openpyxl.load_workbook(kept[0])["台账"]
    assert any(note in [c for c in row if isinstance(c, str)] for row in ws.iter_rows(values_only=True))
    assert (root / LEDGER).is_file()
    assert build(root)[0] == 0  # the new ledger holds nothing unsaved


def test_unclosed_bracket_points_where_it_opened(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    config = root / "civdoc.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "kinds:\n  实景图片: [jpg, png\n", encoding="utf-8")
    lines = len(config.read_text(encoding="utf-8").splitlines())
    code, out, err = run(root, "check")
    assert code == 2
    assert f"civdoc.yaml:{lines}" in err and "方括号" in err, err
    assert "did not find" not in err
    assert "项目设置（civdoc.yaml）有 1 处错误" in err and "指标定义有" not in err, err


def test_a_truncated_reviews_file_is_said_to_be_truncated(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "reviews").mkdir()
    (root / "reviews" / f"{UNIT_A}.yaml").write_bytes("- indicator: '1.1'\n  note: 材料齐".encode()[:-1])
    code, out, err = run(root, "check")
    assert code == 2 and "截断" in err and "另存为" not in err, err
    assert "审核记录有 1 处错误" in err


def test_import_does_not_assume_git(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root)[0] == 0
    book = edit(root / LEDGER, tmp_path / "审核.xlsx", {f"{UNIT_A}|1.1": passed()})
    code, out, err = import_(root, book)
    assert code == 0 and "提交到版本库" not in out, out


def test_a_note_added_beside_an_imported_decision_still_blocks(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root)[0] == 0
    edit(root / LEDGER, root / LEDGER, {f"{UNIT_A}|1.1": passed(note="材料齐全")})
    assert import_(root, root / LEDGER)[0] == 0
    # not rebuilt: the reviewer goes on typing in the same ledger, beside the imported decision
    edit(root / LEDGER, root / LEDGER, {f"{UNIT_A}|1.1": {"审核意见": "材料齐全。另：请补充签到表"}})
    code, out, err = build(root)
    assert code == 2 and "审核意见" in err, out + err


def test_a_unit_name_with_brackets_is_printed_as_written(tmp_path: Path) -> None:
    """rich reads "[bold]" in printed text as a style: the messages naming a unit's files must not."""
    import json

    from tests.support.helpers import DEFAULT_CONFIG, DEFAULT_INDICATORS, clean_files

    name = f"{UNIT_C}[bold]"

    def renamed(data: object) -> object:
        return json.loads(json.dumps(data, ensure_ascii=False).replace(UNIT_C, name))

    files = {rel.replace(UNIT_C, name): value for rel, value in clean_files().items()}
    root = make_project(tmp_path, renamed(DEFAULT_CONFIG), renamed(DEFAULT_INDICATORS), files)  # type: ignore[arg-type]
    code, out, err = build(root)
    assert code == 0, out + err
    assert f"分单位台账/{name}.xlsx" in out, out
    code, out, err = run(root, "review", name, "1.4", "--stage", "初审", "--pass", "--by", "王五")
    assert code == 0, out + err
    assert f"reviews/{name}.yaml" in out, out
    code, out, err = run(root, "kit")
    assert code == 0, out + err
    assert f"{name}.zip" in out, out
