"""Remembered outcomes (civdoc/memo.py): a warm check must say exactly what a cold one says, and
anything an item's outcome depends on (the rules, a file's name, size or time, today) must judge it
afresh."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.helpers import (
    DIR_B,
    PLAN,
    TODAY,
    UNIT_A,
    UNIT_B,
    docx,
    indicator,
    indicators_with,
    make_project,
    pdf,
    put,
    report,
    run,
    write_yaml,
)
from tests.support.paths import REPO, copy_sample

CACHE = Path(".civdoc") / "cache.sqlite"


def check(root: Path, *args: str, today: str = TODAY) -> dict[str, Any]:
    rep = report(root, *args, today=today)
    rep.pop("generated_at")
    return rep


def remembered(root: Path) -> int:
    db = sqlite3.connect(root / CACHE)
    try:
        return db.execute("SELECT count(*) FROM outcomes").fetchone()[0]
    finally:
        db.close()


def settle(root: Path) -> None:
    """Date every evidence file an hour back: a file changed within the last seconds may change
    again unseen within its mtime's tick, and its item is not remembered until it settles."""
    past = time.time() - 3600
    for path in (root / "evidence").rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (unit, indicator) items each check judged afresh rather than recalled (the CLI runs in-process)."""
    from civdoc.check import evaluate

    calls: list[tuple[str, str]] = []
    original = evaluate._FileJudge.item

    def counting(self: Any, indicator: Any, unit: str, *args: Any) -> Any:
        calls.append((unit, indicator.id))
        return original(self, indicator, unit, *args)

    monkeypatch.setattr(evaluate._FileJudge, "item", counting)
    return calls


def made_project(tmp_path: Path, **kwargs: Any) -> Path:
    root = make_project(tmp_path, **kwargs)
    settle(root)
    return root


@pytest.mark.skipif(not (REPO / "civdoc.yaml").is_file(), reason="no sample project in the repository")
def test_warm_check_of_the_sample_says_exactly_what_a_cold_one_says(tmp_path: Path, judged: list) -> None:
    root = copy_sample(tmp_path / "sample")
    today = "2026-11-22"
    uncached = check(root, "--no-cache", today=today)
    cold = check(root, today=today)
    assert remembered(root) > 0
    judged.clear()
    warm = check(root, today=today)
    assert judged == []  # every item recalled, none judged again
    assert cold == uncached
    assert warm == uncached
    assert warm["files"] and warm["items"]
    scoped = check(root, "--unit", warm["files"][0]["unit"], today=today)
    assert scoped == check(root, "--no-cache", "--unit", warm["files"][0]["unit"], today=today)
    assert {f["code"][0] for f in warm["findings"]} >= {"C", "F", "T", "P"}


def test_changed_rules_judge_again(tmp_path: Path, judged: list) -> None:
    root = made_project(tmp_path)
    assert not [f for f in check(root)["findings"] if f["code"] == "T401"]
    items = len(judged)
    judged.clear()
    check(root)  # now from remembered judgements
    assert judged == [] and items > 0
    # the indicator's window moves past every file's date: all of 1.1's files fall outside it
    write_yaml(
        root / "indicators" / "01-思想道德建设.yaml",
        indicators_with(
            lambda inds: indicator(inds, "1.1").update(window={"start": "2024-11-01", "end": "2024-12-31"})
        )["01-思想道德建设.yaml"],
    )
    assert [f for f in check(root)["findings"] if f["code"] == "T401" and f["indicator"] == "1.1"]
    assert len(judged) == items  # other definitions: nothing remembered holds


def test_a_renamed_file_is_judged_again(tmp_path: Path, judged: list) -> None:
    root = made_project(tmp_path)
    check(root)
    check(root)
    judged.clear()
    old = root / PLAN
    new = old.with_name("2023-05-01 " + old.name.split(" ", 1)[-1])
    old.rename(new)
    hits = [f for f in check(root)["findings"] if f["code"] == "T401"]
    assert [f["path"] for f in hits] == [new.relative_to(root).as_posix()]
    assert judged == [(UNIT_A, "1.1")]  # only the item whose listing changed


def test_a_file_whose_content_changed_is_judged_again(tmp_path: Path, judged: list) -> None:
    root = made_project(tmp_path)
    check(root)
    check(root)
    judged.clear()
    put(root, PLAN, b"")  # same name, now empty
    assert [f["path"] for f in check(root)["findings"] if f["code"] == "F303"] == [PLAN]
    assert judged == [(UNIT_A, "1.1")]


def test_another_day_is_judged_again(tmp_path: Path, judged: list) -> None:
    root = made_project(tmp_path)
    dated = f"evidence/{UNIT_A}/1.1 理论宣讲/2024-10-20 宣讲方案（修订）.pdf"
    put(root, dated, lambda: pdf())
    settle(root)
    assert not [f for f in check(root)["findings"] if f["code"] == "T403"]
    items = len(judged)
    judged.clear()
    check(root)
    assert judged == []

    later = [f for f in check(root, today="2024-10-01")["findings"] if f["code"] == "T403"]
    assert [f["path"] for f in later] == [dated]
    assert len(judged) == items


def test_a_warm_json_report_lists_every_file_in_path_order(tmp_path: Path, judged: list) -> None:
    """Remembered items' records are spliced a run per item; runs that do not sort whole are split."""
    folder = f"evidence/{UNIT_A}/1.1 理论宣讲/材料"
    root = made_project(
        tmp_path,
        files={
            # listed folder first ("材料" < "材料.pdf"), but "材料.pdf" sorts before "材料/…" ("." < "/")
            f"{folder}/2024-04-03 活动照片.jpg": lambda: pdf(),
            f"{folder}.pdf": lambda: pdf(),
            f"evidence/{UNIT_A}/说明.pdf": lambda: pdf(),  # a loose file: outside every item
        },
    )
    uncached = check(root, "--no-cache")
    check(root)
    judged.clear()
    warm = check(root)
    assert judged == []
    paths = [f["path"] for f in warm["files"]]
    assert paths == sorted(paths) and f"{folder}.pdf" in paths and f"evidence/{UNIT_A}/说明.pdf" in paths
    assert warm == uncached


def test_a_signature_on_a_recalled_item_binds_the_files_it_holds(tmp_path: Path, judged: list) -> None:
    """A recalled item's file hashes are made only when read: signing reads them."""
    import yaml

    root = made_project(tmp_path)
    check(root)
    check(root)
    judged.clear()
    code, out, err = run(root, "review", UNIT_A, "1.1", "--stage", "初审", "--pass", "--by", "王五")
    assert code == 0, out + err
    assert judged == []  # recalled, not judged again
    [record] = yaml.safe_load((root / "reviews" / f"{UNIT_A}.yaml").read_text(encoding="utf-8"))
    folder = root / PLAN.rsplit("/", 1)[0]
    assert record["files"] == {
        p.name: "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
    }
    item = next(i for i in check(root)["items"] if i["unit"] == UNIT_A and i["indicator"] == "1.1")
    assert item["fingerprint"] == record["fingerprint"]
    assert {r["name"]: r["found"] for r in item["requirements"]} and all(
        r["files"] for r in item["requirements"] if r["found"]
    )


@pytest.mark.parametrize("damage", ["head, stale checksum", "head, matching checksum", "files"])
def test_a_damaged_remembered_outcome_is_judged_again(tmp_path: Path, damage: str, judged: list) -> None:
    root = made_project(tmp_path, files={PLAN: b""})
    first = check(root)
    check(root)
    assert remembered(root) > 0
    head = b'[["not", "an outcome"]]'
    db = sqlite3.connect(root / CACHE)
    with db:
        if damage == "files":  # the part only a JSON report or a ledger reads back
            db.execute("UPDATE outcomes SET body = ?", (b'[["not", "a file"]]',))
        else:  # "matching": damage a checksum cannot catch (written so by a bug, not by a disk)
            checksum = hashlib.sha256(head).hexdigest() if damage.endswith("matching checksum") else "x"
            db.execute("UPDATE outcomes SET head = ?, checksum = ?", (head, checksum))
    db.close()
    judged.clear()
    code, _, err = run(root, "check")
    assert "Traceback" not in err and code == 1
    if damage != "files":  # a text check never reads the files part back
        assert judged  # not recalled: judged again
    assert check(root) == first


def test_a_file_changed_twice_within_its_mtime_tick_is_judged_again(tmp_path: Path) -> None:
    root = made_project(tmp_path)
    check(root)
    good = pdf()
    put(root, PLAN, good)  # rewritten just now
    stat = (root / PLAN).stat()
    assert not [f for f in check(root)["findings"] if f["path"] == PLAN]
    # rewritten again within the same tick of the clock: same size, same mtime, other content
    (root / PLAN).write_bytes(b"\xff\xd8\xff\xe0" + b"x" * (len(good) - 4))  # a JPEG's header
    os.utime(root / PLAN, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert [f for f in check(root)["findings"] if f["path"] == PLAN and f["code"] == "F302"]


def test_a_removed_item_folder_is_forgotten(tmp_path: Path) -> None:
    root = made_project(tmp_path)
    check(root)
    before = remembered(root)
    shutil.rmtree((root / PLAN).parent)
    after = check(root)
    assert remembered(root) == before - 1
    assert [f for f in after["findings"] if f["code"] == "C202"]
    db = sqlite3.connect(root / CACHE)
    try:
        cached = {p for (p,) in db.execute("SELECT path FROM inspections")}
    finally:
        db.close()
    assert cached == {f["path"] for f in after["files"]}


def test_outcomes_written_while_the_check_runs_are_all_kept(
    tmp_path: Path, judged: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large cold check writes its new outcomes as they come (memo.SPILL at a time), not at the end;
    the gone items are still forgotten, the ones written early are not."""
    from civdoc.check import memo

    monkeypatch.setattr(memo, "SPILL", 1)
    root = made_project(tmp_path)
    cold = check(root)
    items = len(judged)
    assert remembered(root) == items > 1
    judged.clear()
    assert check(root) == cold and judged == []
    shutil.rmtree((root / PLAN).parent)  # an item gone, and another judged again beside the spilled ones
    added = put(root, f"{DIR_B}/2024-05-20 工作台账（补充）.docx", lambda: docx())
    past = time.time() - 3600  # settled, as the others are (see settle)
    os.utime(added, (past, past))
    judged.clear()
    check(root)
    assert judged == [(UNIT_B, "1.2")]
    assert remembered(root) == items - 1
    judged.clear()
    check(root)
    assert judged == []


def test_a_renamed_item_folder_is_reported_under_its_new_name(tmp_path: Path) -> None:
    root = made_project(tmp_path, files={PLAN: b""})
    check(root)
    check(root)
    folder = (root / PLAN).parent
    folder.rename(folder.with_name(folder.name + "工作"))
    paths = [f["path"] for f in check(root)["findings"] if f["code"] == "F303"]
    assert paths == [PLAN.replace("/1.1 理论宣讲/", "/1.1 理论宣讲工作/")]


def test_remembered_definitions_are_never_trusted_over_the_yaml(tmp_path: Path) -> None:
    root = made_project(tmp_path)
    first = check(root)
    db = sqlite3.connect(root / CACHE)
    with db:
        assert db.execute("SELECT count(*) FROM definitions").fetchone()[0] == 1
        # damaged: a project that does not validate is loaded from the YAML files again
        db.execute('UPDATE definitions SET project = \'{"config": {"name": 1}}\'')
    db.close()
    assert check(root) == first
    # a broken YAML file is reported, whatever was remembered for the good one
    (root / "civdoc.yaml").write_text(
        (root / "civdoc.yaml").read_text(encoding="utf-8") + "\n  bad: [\n", encoding="utf-8"
    )
    code, out, err = run(root, "check")
    assert code == 2 and "D101" in out + err
