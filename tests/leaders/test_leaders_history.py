"""history/<date>.json written by build and compared by build and check (SPEC §9)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.helpers import encrypted_pdf, pdf, put, run
from tests.support.leaders_project import A, B, C, folder, leaders_project

D1, D2, D3 = "2026-05-01", "2026-05-08", "2026-05-15"


def snapshot(root: Path, day: str) -> dict:
    return json.loads((root / "history" / f"{day}.json").read_text(encoding="utf-8"))


def improve(root: Path) -> None:
    """Two items completed, one new problem (an encrypted file) between the builds."""
    put(root, f"{folder(B, '1.2')}/2026-05-03 工作方案.pdf", pdf)
    put(root, f"{folder(C, '2.2')}/2026-05-04 工作方案.pdf", pdf)
    put(root, f"{folder(C, '1.5')}/2026-05-05 工作方案（加密）.pdf", encrypted_pdf)


def test_two_builds_write_and_compare(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    code, out, err = run(root, "build", today=D1)
    assert code == 0, err
    first = snapshot(root, D1)
    text = (root / "history" / f"{D1}.json").read_text(encoding="utf-8")
    assert text == json.dumps(first, ensure_ascii=False, sort_keys=True, indent=1) + "\n"  # sorted, one entry a line
    assert first["date"] == D1
    assert first["items"][B]["1.2"] == "incomplete" and first["items"][A]["1.1"] == "complete"
    assert first["items"][A]["1.4"] == "not_required"
    assert first["summary"]["required_items"] == 12 and first["summary"]["complete_items"] == 7
    assert first["findings"]["F305"] == {A: 1}
    assert first["score"]["secured"] == 16
    assert "进展记录：history/2026-05-01.json" in out

    improve(root)
    code, out, err = run(root, "check", today=D2)
    assert "与 2026-05-01 相比：完成率 58% → 75%，新完成 2 项，新发现问题 1 条" in out
    code, out, err = run(root, "build", today=D2)
    assert code == 0, err
    assert "与 2026-05-01 相比" in out
    second = snapshot(root, D2)
    assert second["items"][B]["1.2"] == "complete" and second["items"][C]["2.2"] == "complete"
    assert second["findings"]["F305"] == {A: 1, C: 1}
    assert second["summary"]["complete_items"] == 9
    assert second["score"]["secured"] == 24  # 1.2 (3) and 2.2 (5) secured now


def test_last_build_of_a_day_wins_and_since_picks(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    run(root, "build", today=D1)
    improve(root)
    run(root, "build", today=D2)
    put(root, f"{folder(B, '特2')}/2026-05-09 工作方案.pdf", pdf)
    run(root, "build", today=D2)
    assert snapshot(root, D2)["items"][B]["特2"] == "complete"
    assert sorted(p.name for p in (root / "history").iterdir()) == [f"{D1}.json", f"{D2}.json"]
    # default: the latest snapshot before today; --since: the one named
    code, out, _ = run(root, "check", today=D3)
    assert "与 2026-05-08 相比：完成率 83% → 83%，新完成 0 项" in out
    code, out, _ = run(root, "check", "--since", D1, today=D3)
    assert "与 2026-05-01 相比：完成率 58% → 83%，新完成 3 项" in out
    code, out, err = run(root, "check", "--since", "2026-04-01", today=D3)
    assert code == 2 and "没有 2026-04-01 的历史记录" in err and D1 in err
    code, out, err = run(root, "check", "--since", "下周", today=D3)
    assert code == 2 and "--since" in err


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe garbage",
        json.dumps({"date": "2026-05-01", "summary": {"required_items": "many"}, "items": {}, "findings": {}}).encode(),
        json.dumps({"date": "2026-04-30", "summary": {}, "items": {}, "findings": {}}).encode(),
        json.dumps([1, 2, 3]).encode(),
        b"[" * 200000 + b"]" * 200000,
    ],
)
def test_corrupt_history_is_named_and_ignored(tmp_path: Path, content: bytes) -> None:
    root = leaders_project(tmp_path)
    run(root, "build", today="2026-04-20")
    (root / "history" / f"{D1}.json").write_bytes(content)
    (root / "history" / "notes.json").write_text("{}", encoding="utf-8")
    code, out, err = run(root, "check", today=D2)
    assert code == 1
    assert f"history/{D1}.json" in err and "已忽略" in err
    assert "history/notes.json" in err
    assert "与 2026-04-20 相比" in out  # the next usable snapshot is used
    code, out, err = run(root, "build", today=D2)
    assert code == 0 and f"history/{D1}.json" in err
    assert (root / "out" / "index.html").is_file()
    code, out, err = run(root, "check", "--since", D1, today=D2)
    assert code == 2 and f"history/{D1}.json" in err


def test_unit_build_records_no_history(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    code, out, err = run(root, "build", "--unit", A, today=D1)
    assert code == 0, err
    assert not (root / "history").exists()


def test_history_is_never_written_into_evidence(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    os.symlink(root / "evidence", root / "history")
    code, out, err = run(root, "build", today=D1)
    assert code == 2 and "history/" in err and "evidence" in err
    assert not list((root / "evidence").glob("*.json"))
    assert not (root / "out").exists()  # refused before anything was written


def test_history_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    (root / "history").write_text("not a folder", encoding="utf-8")
    code, out, err = run(root, "build", today=D1)
    assert code == 2 and "history/2026-05-01.json" in err and "内部错误" not in err
    code, out, err = run(root, "check", today=D1)
    assert code == 1  # a check reads no snapshot from it and goes on


def test_since_with_a_unit_is_a_usage_error(tmp_path: Path) -> None:
    """The snapshots hold the whole project: comparing one unit's run with them would mislead."""
    from tests.support.helpers import UNIT_A, make_project, run

    root = make_project(tmp_path)
    for command in ("check", "build"):
        code, out, err = run(root, command, "--unit", UNIT_A, "--since", "2024-10-01")
        assert code == 2 and "--since" in err and "内部错误" not in out + err
