"""civdoc collect: zips as Windows, macOS and 7-Zip make them, hostile entries, conflicts, receipts."""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.support.helpers import (
    DIR_A,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    clean_files,
    config_with,
    docx,
    item_entry,
    jpeg,
    make_project,
    pdf,
    report,
    run,
)
from tests.support.unitzips import (
    changed,
    device_mode,
    mac_zip,
    raw_entry,
    sevenzip_zip,
    symlink_mode,
    tree,
    windows_zip,
)

TODAY = "2024-11-01"
PLAN_NAME = "2024-03-15 工作方案.pdf"
PHOTO_NAMES = [f"2024-04-02 活动照片{i}.jpg" for i in (1, 2, 3)]


def collect(root: Path, source: Path, *args: str) -> tuple[int, str, str]:
    return run(None, "collect", str(source), "--project", str(root), "--today", TODAY, *args)


def unit_a_files() -> dict[str, bytes]:
    return {
        f"宣传部/1.1 理论宣讲/{PLAN_NAME}": pdf(),
        **{f"宣传部/1.1 理论宣讲/活动照片/{n}": jpeg() for n in PHOTO_NAMES},
    }


def outside_unit(before: dict[str, str], after: dict[str, str], unit_folder: str) -> set[str]:
    return {
        p
        for p in changed(before, after)
        if not p.startswith(f"evidence/{unit_folder}") and p not in ("evidence", "evidence/")
    }


def test_windows_zip_gbk_names_land_and_are_counted(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    source = windows_zip(tmp_path / "宣传部材料.zip", {**unit_a_files(), "宣传部/Thumbs.db": b"thumbs"})
    before = tree(root)
    code, out, err = collect(root, source)
    assert code == 0, out + err
    landed = {p for p in changed(before, tree(root)) if tree(root).get(p) != "/"}
    assert landed == {f"{DIR_A}/{PLAN_NAME}", *(f"{DIR_A}/活动照片/{n}" for n in PHOTO_NAMES)}
    assert "GB18030" in out and "新增 4 个" in out and "已略去 1 个" in out and "Thumbs.db" in out
    assert f"{UNIT_A}目前：应报 1 项，已完成 1 项" in out
    assert item_entry(report(root), UNIT_A, "1.1")["status"] == "complete"
    receipts = list((root / "out" / "回执").glob(f"{UNIT_A}-20241101-*.xlsx"))
    assert len(receipts) == 1
    wb = openpyxl.load_workbook(receipts[0])
    assert wb.sheetnames == ["回执", "文件明细"]
    details = [[c.value for c in row] for row in wb["文件明细"].iter_rows()]
    assert any(r[1] == "新增" and r[2] == f"宣传部/1.1 理论宣讲/{PLAN_NAME}" for r in details)
    assert any(r[1] == "已略去" and r[2] == "宣传部/Thumbs.db" for r in details)


def test_macos_zip_nfd_names_and_macosx_junk(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    files = unit_a_files()
    files["宣传部/1.1 理论宣讲/活动照片/2024-04-03 活动照片 Café.jpg"] = jpeg()  # é decomposes in NFD
    source = mac_zip(tmp_path / "mac.zip", files)
    before = tree(root)
    code, out, err = collect(root, source)
    assert code == 0, out + err
    after = tree(root)
    added = [p for p in changed(before, after) if after.get(p) != "/"]
    assert len(added) == 5
    assert f"{DIR_A}/活动照片/2024-04-03 活动照片 Café.jpg" in added
    assert all(p == unicodedata.normalize("NFC", p) for p in added)
    assert not any("__MACOSX" in p or "._" in p or "DS_Store" in p for p in after)
    assert "已略去 6 个" in out
    assert item_entry(report(root), UNIT_A, "1.1")["status"] == "complete"


def test_7zip_zip_of_indicator_folders_needs_the_unit(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    source = sevenzip_zip(
        tmp_path / "7z.zip",
        {"1.2 志愿服务/2024-05-10 工作台账.docx": docx(), "1.2 志愿服务/说明/2024-05-11 补充台账.docx": docx()},
    )
    before = tree(root)
    code, out, err = collect(root, source)
    assert code == 2
    assert "“1.2 志愿服务”" in err and "--unit" in err
    assert tree(root) == before
    code, out, err = collect(root, source, "--unit", "团区委")
    assert code == 0, out + err
    assert (root / f"evidence/{UNIT_C}/1.2 志愿服务/说明/2024-05-11 补充台账.docx").is_file()
    assert "GB18030" not in out
    assert outside_unit(before, tree(root), UNIT_C) == set()


def hostile_zip(path: Path) -> Path:
    good = jpeg()
    with zipfile.ZipFile(path, "w") as archive:
        raw_entry(archive, "宣传部/1.1 理论宣讲/活动照片/2024-04-02 活动照片1.jpg".encode("gbk"), good)
        raw_entry(archive, "宣传部/../../evil.txt".encode("gbk"), b"climb")
        raw_entry(archive, b"/etc/evil.txt", b"absolute")
        raw_entry(archive, b"C:\\Windows\\evil.txt", b"drive")
        raw_entry(archive, b"C:evil.txt", b"drive relative")
        raw_entry(archive, "宣传部/1.1 理论宣讲/链接.pdf".encode("gbk"), b"/etc/passwd", mode=symlink_mode())
        raw_entry(archive, "宣传部/1.1 理论宣讲/设备".encode("gbk"), b"", mode=device_mode())
        raw_entry(archive, "宣传部/1.1 理论宣讲/加密.pdf".encode("gbk"), b"x" * 40, flags=0x1)
        raw_entry(archive, "宣传部/1.1 理论宣讲/a:b.pdf".encode("gbk"), pdf())
        raw_entry(archive, ("宣传部/1.1 理论宣讲/" + ("长" * 70 + "/") * 4 + "名.pdf").encode("gbk"), pdf())
        raw_entry(archive, "宣传部/1.1 理论宣讲/".encode("gbk") + b"\xff\xfe.pdf", pdf())
        raw_entry(archive, "宣传部/1.1 理论宣讲/炸弹.pdf".encode("gbk"), b"\0" * (12 << 20))
        raw_entry(archive, "宣传部/1.1 理论宣讲/附件.zip".encode("gbk"), _nested_zip())
        raw_entry(archive, "教育局/1.2 志愿服务/2024-05-10 工作台账.docx".encode("gbk"), docx())
        raw_entry(archive, "宣传部/教育局/1.2 志愿服务/2024-05-10 台账.docx".encode("gbk"), docx())
        raw_entry(archive, "宣传部/杂项/2024-05-10 说明.pdf".encode("gbk"), pdf())
        raw_entry(archive, "宣传部/1.2 志愿服务/2024-05-10 台账.docx".encode("gbk"), docx())
        raw_entry(archive, "宣传部/1.1 理论宣讲/~$工作方案.docx".encode("gbk"), b"lock")
        raw_entry(archive, "宣传部/1.1 理论宣讲/desktop.ini".encode("gbk"), b"[.ShellClassInfo]")
    return path


def _nested_zip() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as inner:
        inner.writestr("a.txt", "inner")
    return buf.getvalue()


def test_hostile_entries_are_refused_and_nothing_outside_the_unit_changes(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={f"{DIR_A}/{PLAN_NAME}": pdf()})
    source = hostile_zip(tmp_path / "hostile.zip")
    before_all = tree(tmp_path)
    code, out, err = collect(root, source)
    assert code == 2 and "多个单位" in err  # 宣传部/ and 教育局/ at the top: whose is it?
    assert tree(tmp_path) == before_all
    code, out, err = collect(root, source, "--unit", "宣传部")
    assert code == 1, out + err
    after_all = tree(tmp_path)
    outside = {
        p
        for p in changed(before_all, after_all)
        if not p.startswith(f"proj/evidence/{UNIT_A}/") and p.split("/")[1] not in ("out", ".civdoc")
    }  # the receipt and check's cache
    assert outside == set(), outside
    landed = {p for p in changed(before_all, after_all) if p.startswith("proj/evidence/") and after_all[p] != "/"}
    assert landed == {f"proj/{DIR_A}/活动照片/2024-04-02 活动照片1.jpg", f"proj/{DIR_A}/附件.zip"}
    for reason in (
        "“..”",
        "绝对路径",
        "盘符",
        "链接",
        "特殊文件",
        "密码",
        "不允许的字符",
        "路径过长",
        "编码无法识别",
        "压缩炸弹",
        "不属于区委宣传部",
        "没有放在指标文件夹",
        "不是指标 1.2",
    ):
        assert reason in out, reason
    assert "未收取 15 个" in out and "已略去 2 个" in out
    assert not (tmp_path / "evil.txt").exists()
    assert "附件.zip" in out  # a nested zip is taken as a file: check reports it (F301)
    found = report(root)["findings"]
    assert any(f["code"] == "F301" and f["path"].endswith("附件.zip") for f in found)


def test_size_limit_from_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path, config=config_with(limits={"max_file_mb": 0.01}), files={})
    source = windows_zip(tmp_path / "big.zip", {f"宣传部/1.1 理论宣讲/{PLAN_NAME}": pdf() + b"%" * 20000})
    code, out, _ = collect(root, source)
    assert code == 1
    assert "超过 0.01 MB 的上限" in out
    assert not (root / DIR_A).exists()


def test_same_content_skipped_other_content_conflict_and_replace_keeps_the_old(tmp_path: Path) -> None:
    old = pdf()
    root = make_project(tmp_path, files={f"{DIR_A}/{PLAN_NAME}": old})
    same = windows_zip(tmp_path / "same.zip", {f"{UNIT_A}/1.1 理论宣讲/{PLAN_NAME}": old})
    code, out, _ = collect(root, same)
    assert code == 0 and "相同已跳过 1 个" in out
    new = pdf()
    other = windows_zip(tmp_path / "other.zip", {f"{UNIT_A}/1.1 理论宣讲/{PLAN_NAME}": new})
    before = tree(root)
    code, out, _ = collect(root, other, "--dry-run")
    assert code == 1 and "冲突 1 个" in out and "预演" in out
    code, out, _ = collect(root, other)
    assert code == 1 and "冲突 1 个" in out and "--replace" in out
    assert (root / DIR_A / PLAN_NAME).read_bytes() == old
    assert changed(before, tree(root)) == set()
    code, out, _ = collect(root, other, "--replace")
    assert code == 0, out
    assert (root / DIR_A / PLAN_NAME).read_bytes() == new
    kept = root / "replaced" / TODAY / DIR_A / PLAN_NAME
    assert kept.read_bytes() == old
    code, out, _ = collect(root, other, "--replace")
    assert "相同已跳过 1 个" in out
    newer = windows_zip(tmp_path / "newer.zip", {f"{UNIT_A}/1.1 理论宣讲/{PLAN_NAME}": pdf()})
    collect(root, newer, "--replace")
    assert kept.read_bytes() == old  # a second replacement the same day never overwrites the first kept file
    assert (kept.parent / f"{Path(PLAN_NAME).stem} (2).pdf").read_bytes() == new


def test_two_entries_with_one_name_in_one_zip(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    name = f"{UNIT_A}/1.1 理论宣讲/2024-03-15 方案（Café）.pdf"  # é decomposes in NFD
    first, second = pdf(), pdf()
    with zipfile.ZipFile(tmp_path / "dup.zip", "w") as archive:
        raw_entry(archive, name.encode("utf-8"), first, flags=0x800)
        raw_entry(archive, unicodedata.normalize("NFD", name).encode("utf-8"), second, flags=0x800)
    code, out, _ = collect(root, tmp_path / "dup.zip")
    assert code == 1 and "冲突 1 个" in out
    assert (root / DIR_A / "2024-03-15 方案（Café）.pdf").read_bytes() == first


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    source = windows_zip(tmp_path / "a.zip", unit_a_files())
    before = tree(root, skip=())
    code, out, _ = collect(root, source, "--dry-run")
    assert code == 0
    assert "新增 4 个" in out and "没有写入任何文件" in out
    assert tree(root, skip=()) == before


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"just some text, no zip at all", "不是 zip 压缩包"),
        (b"Rar!\x1a\x07\x00" + b"\0" * 40, "RAR 压缩包"),
    ],
)
def test_not_a_zip(tmp_path: Path, content: bytes, expected: str) -> None:
    root = make_project(tmp_path, files={})
    (tmp_path / "x.zip").write_bytes(content)
    code, _, err = collect(root, tmp_path / "x.zip", "--unit", UNIT_A)
    assert code == 2 and expected in err


def test_truncated_zip(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    data = windows_zip(tmp_path / "a.zip", unit_a_files()).read_bytes()
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    before = tree(root)
    code, _, err = collect(root, tmp_path / "cut.zip")
    assert code == 2 and "不完整" in err
    assert tree(root) == before


def test_damaged_entry_leaves_no_partial_file(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    source = windows_zip(tmp_path / "a.zip", {f"{UNIT_A}/1.1 理论宣讲/{PLAN_NAME}": pdf(pages=30)})
    data = bytearray(source.read_bytes())
    third = len(data) // 3
    data[third : third + 30] = b"\x00" * 30  # inside the compressed bytes of the only entry
    source.write_bytes(bytes(data))
    code, out, _ = collect(root, source)
    assert code == 1 and "已损坏" in out
    assert [p for p, v in tree(root / "evidence").items() if v != "/"] == []
    assert not any(p.endswith(".part") for p in tree(root))


def test_encrypted_zip_and_too_many_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path, files={})
    with zipfile.ZipFile(tmp_path / "locked.zip", "w") as archive:
        raw_entry(archive, f"{UNIT_A}/1.1 理论宣讲/{PLAN_NAME}".encode("gbk"), b"x" * 50, flags=0x1)
    code, _, err = collect(root, tmp_path / "locked.zip")
    assert code == 2 and "设置了密码" in err
    monkeypatch.setattr("civdoc.intake.unitzip.ZIP_MAX_MEMBERS", 3)
    source = windows_zip(tmp_path / "many.zip", unit_a_files())
    code, _, err = collect(root, source)
    assert code == 2 and "超过 3 个的上限" in err


def test_two_units_in_one_zip_need_the_unit_and_the_other_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    other = {f"{UNIT_B}/1.2 志愿服务/2024-05-10 工作台账.docx": docx()}
    source = windows_zip(tmp_path / "two.zip", {**unit_a_files(), **other})
    code, _, err = collect(root, source)
    assert code == 2 and UNIT_A in err and UNIT_B in err
    code, out, _ = collect(root, source, "--unit", "宣传部")
    assert code == 1 and "新增 4 个" in out and f"不属于{UNIT_A}" in out
    assert not (root / "evidence" / UNIT_B).exists()


def test_folder_source_like_a_usb_stick(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    stick = tmp_path / "usb" / "宣传部"
    for name, data in {**unit_a_files(), "宣传部/.DS_Store": b"Bud1", "宣传部/1.1 理论宣讲/Thumbs.db": b"t"}.items():
        path = tmp_path / "usb" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (stick / "1.1 理论宣讲" / "链接.pdf").symlink_to("/etc/passwd")
    before = tree(root)
    code, out, err = collect(root, stick)
    assert code == 1, out + err  # the link is refused
    assert "链接" in out and "新增 4 个" in out and "已略去 2 个" in out
    assert outside_unit(before, tree(root), UNIT_A) == set()
    assert (root / DIR_A / PLAN_NAME).is_file()
    code, out, _ = collect(root, tmp_path / "usb")
    assert "相同已跳过 4 个" in out


def test_indicator_unit_project_takes_a_unit_indicator_zip(tmp_path: Path) -> None:
    root = make_project(
        tmp_path, config=config_with(layout="indicator/unit"), files={"evidence/1.1-宣讲/宣传部/": None}
    )
    source = windows_zip(tmp_path / "a.zip", unit_a_files())
    code, out, err = collect(root, source)
    assert code == 0, out + err
    assert (root / "evidence/1.1-宣讲/宣传部/活动照片" / PHOTO_NAMES[0]).is_file()
    assert (root / "evidence/1.1-宣讲/宣传部" / PLAN_NAME).is_file()
    assert item_entry(report(root), UNIT_A, "1.1")["status"] == "complete"


def test_unicode_path_extra_field_is_preferred_to_guessing(tmp_path: Path) -> None:
    import struct
    import zlib

    from tests.support.unitzips import STAMP, RawNameInfo

    root = make_project(tmp_path, files={})
    raw = "宣传部/1.1 理论宣讲/2024-03-15 旧名.pdf".encode("gbk")
    utf8 = f"宣传部/1.1 理论宣讲/{PLAN_NAME}".encode()
    with zipfile.ZipFile(tmp_path / "old.zip", "w") as archive:
        info = RawNameInfo(raw.decode("cp437"), STAMP)
        info.extra = struct.pack("<HHBI", 0x7075, 5 + len(utf8), 1, zlib.crc32(raw)) + utf8
        archive.writestr(info, pdf())
    code, out, err = collect(root, tmp_path / "old.zip")
    assert code == 0, out + err
    assert (root / DIR_A / PLAN_NAME).is_file()
    assert "GB18030" not in out


def test_a_file_where_a_folder_should_be_is_refused_in_chinese(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={f"{DIR_A}/活动照片": b"a file named like the folder"})
    source = windows_zip(tmp_path / "a.zip", unit_a_files())
    code, out, _ = collect(root, source)
    assert code == 1
    assert "新增 1 个" in out and "未收取 3 个" in out and "同名的文件" in out
    assert (root / DIR_A / "活动照片").read_bytes() == b"a file named like the folder"


def test_interrupted_collect_leaves_whole_files_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import civdoc.intake.place

    root = make_project(tmp_path, files={})
    files = unit_a_files()
    source = windows_zip(tmp_path / "a.zip", files)
    monkeypatch.setattr(civdoc.intake.place, "BATCH_FILES", 2)
    real = civdoc.intake.place._link_into_place
    calls = []

    def interrupted(tmp: Path, path: Path) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real(tmp, path)

    monkeypatch.setattr(civdoc.intake.place, "_link_into_place", interrupted)
    code, _, err = collect(root, source)
    assert code == 130 and "已中断" in err
    placed = {p: v for p, v in tree(root / "evidence").items() if v != "/"}
    assert len(placed) == 2 and not any(".part" in p for p in tree(root, skip=()))
    wanted = {hashlib.sha256(data).hexdigest() for data in files.values()}
    assert set(placed.values()) <= wanted
    monkeypatch.setattr(civdoc.intake.place, "_link_into_place", real)
    code, out, _ = collect(root, source)
    assert code == 0 and "新增 2 个" in out and "相同已跳过 2 个" in out


def test_names_garbled_by_another_tool_are_recovered(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    garbled = f"宣传部/1.1 理论宣讲/{PLAN_NAME}".encode("gbk").decode("cp437")  # then written as UTF-8
    source = sevenzip_zip(tmp_path / "g.zip", {garbled: pdf()})
    code, out, err = collect(root, source)
    assert code == 0, out + err
    assert (root / DIR_A / PLAN_NAME).is_file()
    assert "GB18030" in out


def test_control_characters_in_names_never_reach_the_terminal(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    with zipfile.ZipFile(tmp_path / "esc.zip", "w") as archive:
        raw_entry(archive, "宣传部/1.1/\x1b[2J\x1b[31mfake\nline.pdf".encode(), pdf(), flags=0x800)
        raw_entry(archive, b"\x1b[31m/1.1/a.pdf", pdf(), flags=0x800)
    code, out, err = collect(root, tmp_path / "esc.zip")
    assert code == 1, out + err
    assert "\x1b" not in out and "\\x1b[2J" in out and "fake\\nline.pdf" in out
    with zipfile.ZipFile(tmp_path / "esc2.zip", "w") as archive:
        raw_entry(archive, b"\x1b[31m/1.1/a.pdf", pdf(), flags=0x800)
    code, out, err = collect(root, tmp_path / "esc2.zip")
    assert code == 2 and "\x1b" not in err and "\\x1b[31m" in err


def test_a_project_without_evidence_folder_yet(tmp_path: Path) -> None:
    import shutil

    root = make_project(tmp_path, files={})
    shutil.rmtree(root / "evidence")
    code, out, err = collect(root, windows_zip(tmp_path / "a.zip", unit_a_files()))
    assert code == 0, out + err
    assert (root / DIR_A / PLAN_NAME).is_file()


def test_an_entry_without_a_name_is_refused_and_named(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    source = tmp_path / "empty-name.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr(zipfile.ZipInfo(""), b"no name")
        archive.writestr(f"{UNIT_A}/1.1 理论宣讲/2024-03-15 方案.pdf", pdf())
    code, out, err = collect(root, source, "--unit", UNIT_A)
    assert code == 1 and "内部错误" not in out + err
    assert "新增 1 个" in out and "未收取 1 个" in out and "名称为空" in out


def test_a_name_flagged_utf8_that_is_not_refuses_the_zip_in_chinese(tmp_path: Path) -> None:
    root = make_project(tmp_path, files={})
    source = tmp_path / "bad-flag.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr(f"{UNIT_A}/placeholder.pdf", pdf())
    data = source.read_bytes()
    name = f"{UNIT_A}/placeholder.pdf".encode()
    bad = "区委宣传部/方案.pdf".encode("gb18030").ljust(len(name), b"_")[: len(name)]
    source.write_bytes(data.replace(name, bad))  # GB18030 bytes under the UTF-8 flag Python sets for it
    code, out, err = collect(root, source)
    assert code == 2 and "内部错误" not in out + err and "UTF-8" in err
    assert not (root / "evidence" / UNIT_A).exists()


def test_civdocs_own_output_or_the_project_is_never_collected(tmp_path: Path) -> None:
    root = make_project(tmp_path, files=clean_files())
    assert run(root, "pack")[0] == 0
    before = tree(root / "evidence")
    package = next((root / "out" / "网上申报材料").rglob("*.zip"))
    for source, unit in ((package, UNIT_B), (root, UNIT_A), (root / "out", UNIT_A)):
        code, out, err = collect(root, source, "--unit", unit)
        assert code == 2 and "civdoc 生成" in err, (source, out, err)
    assert tree(root / "evidence") == before


def test_names_differing_only_in_case_or_width_are_refused_not_doubled(tmp_path: Path) -> None:
    """A.pdf beside a.pdf (or ２ beside 2) is one file on a Windows share: the second is refused and named."""
    root = make_project(tmp_path, files={f"{DIR_A}/2024-03-15 方案A.pdf": pdf()})
    source = tmp_path / "twins.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr(f"{UNIT_A}/1.1 理论宣讲/2024-03-15 方案a.pdf", pdf())  # the existing file's case twin
        archive.writestr(f"{UNIT_A}/1.1 理论宣讲/2024-04-01 报告.pdf", pdf())
        archive.writestr(f"{UNIT_A}/1.1 理论宣讲/２０２４-04-01 报告.pdf", pdf())  # full-width twin in the zip
    code, out, err = collect(root, source)
    assert code == 1 and "内部错误" not in out + err
    assert "新增 1 个" in out and "未收取 2 个" in out and "大小写或全角半角" in out
    names = sorted(p.name for p in (root / DIR_A).iterdir())
    assert names == ["2024-03-15 方案A.pdf", "2024-04-01 报告.pdf"]


def test_a_name_that_reverses_its_own_display_is_refused(tmp_path: Path) -> None:
    """U+202E makes "2024-03-15 报告\u202efdp.exe" look like a PDF in Explorer: refused and named."""
    root = make_project(tmp_path, files={})
    source = tmp_path / "rlo.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr(f"{UNIT_A}/1.1 理论宣讲/2024-03-15 报告\u202efdp.exe", b"MZ")
    code, out, err = collect(root, source)
    assert code == 1 and "未收取 1 个" in out and "改变文字方向" in out
    assert not (root / DIR_A).exists() or not any((root / DIR_A).iterdir())
