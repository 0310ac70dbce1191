"""civdoc scaffold: the missing evidence folders, in both layouts, folders only, never doubled, idempotent."""

from __future__ import annotations

from pathlib import Path

from tests.support.helpers import (
    UNIT_A,
    UNIT_B,
    UNIT_C,
    config_with,
    findings,
    indicator,
    indicators_with,
    make_project,
    run,
)
from tests.support.unitzips import changed, tree

EV = "evidence"


def scaffold(root: Path, *args: str) -> tuple[int, str, str]:
    return run(None, "scaffold", "--project", str(root), *args)


def folders(root: Path) -> set[str]:
    return {p for p, v in tree(root / EV).items() if v == "/"}


def files(root: Path) -> set[str]:
    return {p for p, v in tree(root / EV).items() if v != "/"}


def test_unit_indicator_layout_makes_every_needed_folder_and_check_then_finds_them(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    code, out, err = scaffold(root)
    assert code == 0, err
    assert folders(root) == {
        UNIT_A,
        f"{UNIT_A}/1.1 理论宣讲",
        f"{UNIT_A}/1.1 理论宣讲/工作方案",
        f"{UNIT_A}/1.1 理论宣讲/活动照片",
        UNIT_B,
        f"{UNIT_B}/1.2 志愿服务",
        UNIT_C,
        f"{UNIT_C}/1.2 志愿服务",
        f"{UNIT_C}/1.4 工作总结",
    }  # 1.3 is assessed on site only: no folder; 1.2 has one requirement: no sub-folder
    assert files(root) == set()
    assert f"evidence/{UNIT_A}/1.1 理论宣讲/活动照片/" in out
    codes = {f["code"] for f in findings(root)}
    assert not codes & {"C201", "C202", "P501", "P502"}, codes
    assert "C203" in codes


def test_second_run_changes_nothing_and_says_so(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    scaffold(root)
    before = tree(root)
    code, out, _ = scaffold(root)
    assert code == 0
    assert "没有新建任何文件夹" in out
    assert tree(root) == before


def test_indicator_unit_layout(tmp_path: Path) -> None:
    root = make_project(tmp_path, config=config_with(layout="indicator/unit"), files={})
    code, _, err = scaffold(root)
    assert code == 0, err
    assert folders(root) == {
        "1.1 理论宣讲",
        f"1.1 理论宣讲/{UNIT_A}",
        f"1.1 理论宣讲/{UNIT_A}/工作方案",
        f"1.1 理论宣讲/{UNIT_A}/活动照片",
        "1.2 志愿服务",
        f"1.2 志愿服务/{UNIT_B}",
        f"1.2 志愿服务/{UNIT_C}",
        "1.4 工作总结",
        f"1.4 工作总结/{UNIT_C}",
    }
    codes = {f["code"] for f in findings(root)}
    assert not codes & {"C201", "C202", "P501", "P502"}, codes


def test_recognised_folders_are_used_not_doubled(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        files={
            f"{EV}/宣传部/01 分组/1.1_宣讲/活动照片（4月）/": None,  # alias, grouping folder, other separator
            f"{EV}/{UNIT_C}/１．２-志愿/": None,  # full-width id
        },
    )
    code, out, err = scaffold(root)
    assert code == 0, err
    made = folders(root)
    assert "宣传部/01 分组/1.1_宣讲/工作方案" in made
    assert not any(p.startswith(UNIT_A) for p in made), made  # the alias folder serves the unit
    assert not any("1.1 理论宣讲" in p for p in made)
    assert not any(
        p.startswith("宣传部/01 分组/1.1_宣讲/活动照片") and p != "宣传部/01 分组/1.1_宣讲/活动照片（4月）"
        for p in made
    )
    assert f"{UNIT_C}/1.2 志愿服务" not in made
    assert f"{UNIT_C}/1.4 工作总结" in made
    assert "已新建" in out and "原已存在" in out


def test_indicator_unit_layout_reuses_an_existing_indicator_folder(tmp_path: Path) -> None:
    root = make_project(tmp_path, config=config_with(layout="indicator/unit"), files={f"{EV}/1.2-志愿/教育局/": None})
    scaffold(root)
    made = folders(root)
    assert f"1.2-志愿/{UNIT_C}" in made
    assert f"1.2-志愿/{UNIT_B}" not in made  # its alias folder 教育局 serves it
    assert "1.2 志愿服务" not in made


def test_unit_option_limits_it_to_one_unit(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    code, _, _ = scaffold(root, "--unit", "教育局")
    assert code == 0
    assert folders(root) == {UNIT_B, f"{UNIT_B}/1.2 志愿服务"}
    code, _, err = scaffold(root, "--unit", "不存在的单位")
    assert code == 2 and "没有在 civdoc.yaml 中登记" in err


def test_names_windows_cannot_hold_become_full_width_and_still_match(tmp_path: Path) -> None:
    def change(inds: list) -> None:  # type: ignore[type-arg]
        ind = indicator(inds, "1.1")
        ind["content"] = "理论:宣讲?"
        ind["requirements"][0]["name"] = "方案/通知"
        ind["requirements"][0]["match"] = ["方案"]

    root = make_project(tmp_path, indicators=indicators_with(change), files={})
    before = tree(tmp_path)
    code, _, err = scaffold(root)
    assert code == 0, err
    made = folders(root)
    assert f"{UNIT_A}/1.1 理论：宣讲？/方案／通知" in made
    assert changed(before, tree(tmp_path)) <= {f"proj/{EV}/{p}" for p in made}
    codes = {f["code"] for f in findings(root)}
    assert not codes & {"C201", "C202", "P502"}, codes
