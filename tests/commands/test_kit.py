"""civdoc kit: a zip per unit (skeleton, 任务清单.xlsx, 填报说明.docx), and the round trip back through collect."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx as python_docx
import openpyxl
import pytest

from tests.support.helpers import (
    DIR_A,
    PLAN,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    config_with,
    item_entry,
    jpeg,
    make_project,
    pdf,
    report,
    run,
    xlsx,
)
from tests.support.unitzips import changed, tree, zip_of_folder

TODAY = "2024-11-01"
KITS = "out/分单位材料包"


def kit(root: Path, *args: str) -> tuple[int, str, str]:
    return run(None, "kit", "--project", str(root), "--today", TODAY, *args)


def test_a_kit_per_unit_with_its_skeleton_task_list_and_guide_only(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={PLAN: pdf(), f"{DIR_A}/2024-04-02 活动照片1.jpg": jpeg()})
    before = tree(root / "evidence")
    code, out, err = kit(root)
    assert code == 0, err
    assert tree(root / "evidence") == before
    assert sorted(p.name for p in (root / KITS).iterdir()) == sorted(f"{u}.zip" for u in (UNIT_A, UNIT_B, UNIT_C))
    archive = zipfile.ZipFile(root / KITS / f"{UNIT_A}.zip")
    names = archive.namelist()
    assert names == sorted(names)
    assert set(names) == {
        f"{UNIT_A}/",
        f"{UNIT_A}/1.1 理论宣讲/",
        f"{UNIT_A}/1.1 理论宣讲/工作方案/",
        f"{UNIT_A}/1.1 理论宣讲/活动照片/",
        f"{UNIT_A}任务清单.xlsx",
        "填报说明.docx",
    }
    assert all(info.flag_bits & 0x800 for info in archive.infolist())  # Explorer shows UTF-8 names right
    assert len({info.date_time for info in archive.infolist()}) == 1

    sheet = openpyxl.load_workbook(io.BytesIO(archive.read(f"{UNIT_A}任务清单.xlsx")))
    assert sheet.sheetnames == ["任务清单", "问题清单"]
    rows = [[c.value for c in row] for row in sheet["任务清单"].iter_rows()]
    header = next(r for r in rows if r[0] == "序号")
    body = rows[rows.index(header) + 1 :]
    assert [r[3] for r in body] == ["工作方案", "活动照片"]
    assert [r[4] for r in body] == [1, 3]
    assert body[1][5] == "jpg、jpeg、png"
    assert body[1][6] == "1.1 理论宣讲/活动照片"
    assert body[0][1] == "1.1 理论宣讲" and body[0][9] == "未完成"
    assert [r[8] for r in body] == [1, 1]  # found: the plan, and one of three photos
    assert "C204" in body[0][10]
    assert "1.2" not in " ".join(str(r[1]) for r in body)  # nothing of other units' items
    problems = [[c.value for c in row] for row in sheet["问题清单"].iter_rows()]
    assert any("活动照片" in str(r[3]) for r in problems)

    guide = python_docx.Document(io.BytesIO(archive.read("填报说明.docx")))
    text = "\n".join(p.text for p in guide.paragraphs)
    assert "50 MB" in text and "2024年1月1日至2024年12月31日" in text and "日期开头" in text
    assert "1.1 理论宣讲" in text
    section = guide.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_same_project_and_day_give_the_same_bytes(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    kit(root, "--unit", "教育局")
    first = (root / KITS / f"{UNIT_B}.zip").read_bytes()
    kit(root, "--unit", "教育局")
    assert (root / KITS / f"{UNIT_B}.zip").read_bytes() == first


def test_kit_of_an_indicator_unit_project_is_unit_indicator_with_existing_names(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        config=config_with(layout="indicator/unit"),
        files={"evidence/1.2-志愿/团区委/2024-05-12 工作台账.docx": xlsx()},
    )
    kit(root, "--unit", UNIT_C)
    names = zipfile.ZipFile(root / KITS / f"{UNIT_C}.zip").namelist()
    assert f"{UNIT_C}/1.2-志愿/" in names and f"{UNIT_C}/1.4 工作总结/" in names
    assert not any(n.endswith(".docx") and n != "填报说明.docx" for n in names)  # no evidence file


def test_contact_option_and_unknown_unit(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    kit(root, "--unit", UNIT_C, "--contact", "区创文办 周丽 0571-80000102")
    guide = python_docx.Document(io.BytesIO(zipfile.ZipFile(root / KITS / f"{UNIT_C}.zip").read("填报说明.docx")))
    assert any("周丽 0571-80000102" in p.text for p in guide.paragraphs)
    code, _, err = kit(root, "--unit", "没有这个单位")
    assert code == 2 and "没有在 civdoc.yaml 中登记" in err


def test_round_trip_kit_unzip_fill_zip_as_windows_collect_counted(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    kit(root, "--unit", "宣传部")
    desk = tmp_path / "desk"
    with zipfile.ZipFile(root / KITS / f"{UNIT_A}.zip") as archive:
        archive.extractall(desk)
    item = desk / UNIT_A / "1.1 理论宣讲"
    (item / "工作方案" / "2024-03-15 宣讲工作方案.pdf").write_bytes(pdf())
    for i in (1, 2, 3):
        (item / "活动照片" / f"2024-04-0{i} 社区宣讲{i}.jpg").write_bytes(jpeg())
    (item / "Thumbs.db").write_bytes(b"windows litter")
    source = zip_of_folder(desk / UNIT_A, tmp_path / f"{UNIT_A}.zip", encoding="gbk")
    assert not zipfile.ZipFile(source).infolist()[0].flag_bits & 0x800
    before = tree(root)
    code, out, err = run(None, "collect", str(source), "--project", str(root), "--today", TODAY)
    assert code == 0, out + err
    assert "新增 4 个" in out and "GB18030" in out and "已完成 1 项" in out
    assert {p for p in changed(before, tree(root)) if not p.startswith(f"evidence/{UNIT_A}")} == set()
    item_report = item_entry(report(root), UNIT_A, "1.1")
    assert item_report["status"] == "complete"
    found = {r["name"]: r["found"] for r in item_report["requirements"]}
    assert found == {"工作方案": 1, "活动照片": 3}


def test_out_leading_into_evidence_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    (root / "evidence" / "x").mkdir()
    (root / "out").symlink_to(root / "evidence" / "x")
    code, _, err = kit(root)
    assert code == 2 and "evidence/" in err
    assert list((root / "evidence" / "x").iterdir()) == []


def test_a_kit_unzipped_whole_and_sent_back_as_a_folder_leaves_its_own_files_out(tmp_path: Path) -> None:
    """Windows' 全部解压缩 makes a folder named after the zip holding the unit's folder and the kit's two
    files; sent back as it is (a USB stick), the two files are the kit's, not material to refuse."""
    root = make_project(tmp_path, files={})
    kit(root, "--unit", "宣传部")
    desk = tmp_path / "desk" / UNIT_A
    with zipfile.ZipFile(root / KITS / f"{UNIT_A}.zip") as archive:
        archive.extractall(desk)
    (desk / UNIT_A / "1.1 理论宣讲" / "工作方案" / "2024-03-15 宣讲工作方案.pdf").write_bytes(pdf())
    code, out, err = run(None, "collect", str(desk), "--project", str(root), "--today", TODAY)
    assert code == 0, out + err
    assert "新增 1 个" in out and "未收取 0 个" in out and "已略去 2 个" in out


def test_what_units_receive_speaks_their_language(tmp_path: Path) -> None:
    """The kit's task list and the collect receipt go to units: no civdoc, YAML, options or evidence/ paths."""
    from tests.render.test_print_ready import JARGON
    from tests.support.helpers import EV, PLAN, clean_files

    files = clean_files()
    files[f"{EV}/{UNIT_A}/1.1 理论宣讲/2024-04-05 空白.pdf"] = b""  # an F303 the lists name with its path
    root = make_project(tmp_path, files=files)
    kit(root, "--unit", "宣传部")
    desk = tmp_path / "desk"
    with zipfile.ZipFile(root / KITS / f"{UNIT_A}.zip") as archive:
        archive.extractall(desk)
    sent = desk / UNIT_A / "1.1 理论宣讲" / PLAN.rsplit("/", 1)[-1]  # same name, other content: a conflict
    sent.write_bytes(pdf())
    source = zip_of_folder(desk / UNIT_A, tmp_path / "back.zip", encoding="gbk")
    run(None, "collect", str(source), "--project", str(root), "--today", TODAY)
    books = [next(desk.rglob("*任务清单.xlsx")), next((root / "out" / "回执").glob("*.xlsx"))]
    seen = 0
    for book in books:
        for ws in openpyxl.load_workbook(book):
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        seen += 1
                        assert not JARGON.search(cell.value), f"{book.name} {ws.title}!{cell.coordinate}: {cell.value}"
    assert seen > 30


@pytest.mark.parametrize("day", ["1979-12-31", "2108-01-01"])
def test_a_kit_dated_where_a_zip_cannot_record_the_date_is_made_all_the_same(tmp_path: Path, day: str) -> None:
    root = make_project(tmp_path, files={})
    code, out, err = run(None, "kit", "--project", str(root), "--today", day, "--unit", "宣传部")
    assert code == 0 and "内部错误" not in out + err
    assert zipfile.ZipFile(root / KITS / f"{UNIT_A}.zip").testzip() is None
