"""Hostile input (issue 5): every case ends in a finding and the run goes on, never a crash or a hang.

Each test plants one kind of hostile input in a small valid project (conftest.hostile) and runs the
real CLI in a subprocess with a timeout.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.support.hostile_files import (
    docx_bomb,
    docx_lying_sizes,
    jpeg_header,
    pdf_deep_nesting,
    pdf_page_dag,
    pdf_self_loop,
    png_header,
)
from tests.support.hostile_project import ITEM, UNIT, Project, valid_jpeg, valid_pdf, without_dac


def test_baseline_is_clean(hostile: Project) -> None:
    out = hostile.run()
    assert out.code == 0
    assert {f["code"] for f in out.findings()} == {"R601"}
    assert len(out.report["files"]) == 2


# --------------------------------------------------------------------------------------------
# Links


def test_symlink_out_of_the_project_is_reported_never_followed(hostile: Project, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2024-03-15 机密方案.pdf").write_bytes(valid_pdf("secret"))
    (hostile.item / "2024-03-16 外部方案.pdf").symlink_to(outside / "2024-03-15 机密方案.pdf")
    (hostile.item / "外部文件夹").symlink_to(outside, target_is_directory=True)
    (hostile.root / "evidence" / UNIT / "根目录链接").symlink_to("/", target_is_directory=True)
    (hostile.root / "evidence" / "整个磁盘").symlink_to("/", target_is_directory=True)

    out = hostile.run()
    assert out.code == 1
    for name in ("外部方案.pdf", "外部文件夹", "根目录链接", "整个磁盘"):
        hits = out.at("F304", name)
        assert hits and "链接" in hits[0]["message"], name
    assert not [f for f in out.report["files"] if "机密" in f["path"] or "外部" in f["path"]]
    assert len(out.report["files"]) == 2


def test_symlink_loops_do_not_hang(hostile: Project) -> None:
    (hostile.item / "循环").symlink_to(".", target_is_directory=True)
    (hostile.item / "上一级").symlink_to("..", target_is_directory=True)
    (hostile.item / "自己.pdf").symlink_to("自己.pdf")
    (hostile.item / "甲.pdf").symlink_to("乙.pdf")
    (hostile.item / "乙.pdf").symlink_to("甲.pdf")
    sub = hostile.item / "子文件夹"
    sub.mkdir()
    (sub / "回到单位").symlink_to(hostile.root / "evidence" / UNIT, target_is_directory=True)

    out = hostile.run(timeout=30)
    for name in ("循环", "上一级", "自己.pdf", "甲.pdf", "乙.pdf", "回到单位"):
        assert out.at("F304", name), name
    assert len(out.report["files"]) == 2


# --------------------------------------------------------------------------------------------
# Permissions and special files


def test_unreadable_file_and_folder(hostile: Project, tmp_path: Path) -> None:
    prefix = without_dac(tmp_path)
    if prefix is None:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE (no working setpriv): permissions do not apply")
    locked = hostile.item / "2024-03-20 锁定方案.pdf"
    locked.write_bytes(valid_pdf("locked"))
    locked.chmod(0)
    folder = hostile.item / "锁定的照片"
    folder.mkdir()
    (folder / "2024-03-20 活动照片2.jpg").write_bytes(valid_jpeg(2))
    folder.chmod(0)
    try:
        out = hostile.run(prefix=prefix)
    finally:
        folder.chmod(0o755)
        locked.chmod(0o644)
    assert out.code == 1
    [file_hit] = out.at("F304", "锁定方案.pdf")
    assert "无法读取" in file_hit["message"]
    [folder_hit] = out.at("F304", "锁定的照片")
    assert "无法读取" in folder_hit["message"] and "权限" in folder_hit["message"]


def test_fifo_and_other_special_files_are_not_opened(hostile: Project) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    os.mkfifo(hostile.item / "2024-03-20 管道方案.pdf")  # opening it would block forever
    out = hostile.run(timeout=30)
    [hit] = out.at("F304", "管道方案.pdf")
    assert "不是普通文件" in hit["message"]


# --------------------------------------------------------------------------------------------
# Names


def _raw(folder: Path, name: bytes) -> bytes:
    return os.fsencode(folder) + b"/" + name


def test_non_utf8_names_are_reported_readably(hostile: Project) -> None:
    item = os.fsencode(hostile.item)
    # GBK bytes, as unzip leaves names from a zip made on Chinese Windows
    with open(item + b"/2024-03-18 " + "第二工作方案.pdf".encode("gbk"), "wb") as fh:
        fh.write(valid_pdf("gbk"))
    with open(item + b"/2024-03-18 " + "损坏的方案.pdf".encode("gbk"), "wb") as fh:
        fh.write(b"%PDF-1.4\nthis is not a pdf")
    os.mkdir(item + b"/" + "活动照片".encode("gbk"))
    with open(item + b"/" + "活动照片".encode("gbk") + b"/2024-03-18 " + "现场".encode("gbk") + b".jpg", "wb") as fh:
        fh.write(valid_jpeg(3))
    # bytes that are no encoding at all
    with open(item + b"/2024-03-18 \xff\xfe\xfa.pdf", "wb") as fh:
        fh.write(b"%PDF-1.4\nbroken")

    out = hostile.run()
    good = out.file(f"{ITEM}/2024-03-18 第二工作方案.pdf")
    assert good and good[0]["requirement"] == "工作方案" and good[0]["usable"]
    photo = out.file(f"{ITEM}/活动照片/2024-03-18 现场.jpg")
    assert photo and photo[0]["requirement"] == "活动照片"
    assert out.at("F304", f"{ITEM}/2024-03-18 损坏的方案.pdf")
    assert out.at("F304", "2024-03-18 \\xff\\xfe\\xfa.pdf")
    for f in out.report["files"]:
        f["path"].encode("utf-8")  # every path is printable Unicode
    assert out.at("P507", f"{ITEM}/2024-03-18 第二工作方案.pdf")  # and the office is told to rename it
    assert out.at("P507", f"{ITEM}/活动照片")
    # the text report prints them too
    text = hostile.run(fmt="text")
    assert text.code == 1


def test_names_garbled_by_a_zip_extraction_are_recovered(hostile: Project) -> None:
    gbk_as_cp437 = "2024-03-19 会议方案.pdf".encode("gbk").decode("cp437")
    utf8_as_cp437 = "2024-03-19 活动照片9.jpg".encode().decode("cp437")
    (hostile.item / gbk_as_cp437).write_bytes(valid_pdf("garbled"))
    (hostile.item / utf8_as_cp437).write_bytes(valid_jpeg(9))
    out = hostile.run()
    plan = out.file(f"{ITEM}/2024-03-19 会议方案.pdf")
    photo = out.file(f"{ITEM}/2024-03-19 活动照片9.jpg")
    assert plan and plan[0]["requirement"] == "工作方案"
    assert photo and photo[0]["requirement"] == "活动照片"
    assert out.at("P507", f"{ITEM}/2024-03-19 会议方案.pdf") and out.at("P507", f"{ITEM}/2024-03-19 活动照片9.jpg")


def test_control_characters_in_names(hostile: Project) -> None:
    (hostile.item / "2024-03-19 换行\n方案.pdf").write_bytes(b"%PDF-1.4 broken")
    out = hostile.run()
    assert out.at("F304", "换行\\n方案.pdf")
    assert not out.findings("P507")  # escaped for display, but not a wrong encoding
    github = hostile.run(fmt="github")
    assert github.code == 1


def test_very_long_paths(hostile: Project) -> None:
    """A folder chain deeper than PATH_MAX (4096 bytes): made with descriptors, reported, skipped."""
    segment = ("很长的文件夹名称" * 10)[:80].encode()  # 240 bytes, under NAME_MAX
    fd = os.open(hostile.item, os.O_RDONLY)
    depth = 0
    try:
        while depth < 22:  # about 5,300 bytes below the item folder
            os.mkdir(segment, dir_fd=fd)
            child = os.open(segment, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
            depth += 1
            leaf = os.open(f"2024-03-20 深层方案{depth}.pdf".encode(), os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
            os.write(leaf, valid_pdf(f"deep{depth}"))
            os.close(leaf)
    finally:
        os.close(fd)
    out = hostile.run()
    long_ones = [f for f in out.findings("F304") if "路径过长" in f["message"]]
    assert long_ones, out.findings("F304")
    # files whose paths fit are still inspected
    assert any("深层方案1.pdf" in f["path"] for f in out.report["files"])


# --------------------------------------------------------------------------------------------
# Contents


def test_two_gigabyte_file_is_streamed_not_loaded(hostile: Project) -> None:
    big = hostile.item / "2024-03-21 扫描方案.pdf"
    with open(big, "wb") as fh:  # sparse: costs no disk
        fh.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n")
        fh.truncate(2 * 1024**3)
    out = hostile.run(timeout=240)
    [entry] = out.file("扫描方案.pdf")
    assert entry["size"] == 2 * 1024**3
    assert entry["sha256"].startswith("sha256:") and len(entry["sha256"]) == 71
    [hit] = out.at("F304", "扫描方案.pdf")  # a header and 2 GB of zeros: no PDF an assessor can open
    assert "PDF" in hit["message"]
    assert out.seconds < 120


def test_zip_bomb_disguised_as_docx(hostile: Project) -> None:
    (hostile.item / "2024-03-22 压缩炸弹方案.docx").write_bytes(docx_bomb(200))
    (hostile.item / "2024-03-22 虚报大小方案.docx").write_bytes(docx_lying_sizes())
    out = hostile.run()
    for name in ("压缩炸弹方案.docx", "虚报大小方案.docx"):
        [hit] = out.at("F304", name)
        assert "压缩炸弹" in hit["message"], hit


@pytest.mark.parametrize(
    "name, data",
    [
        ("页面树爆炸", pdf_page_dag(levels=24, fanout=32)),
        ("页面树自环", pdf_self_loop()),
        ("深层嵌套", pdf_deep_nesting(200_000)),
    ],
    ids=["dag", "self-loop", "deep-nesting"],
)
def test_pdf_object_graph_explosion_is_time_bounded(hostile: Project, name: str, data: bytes) -> None:
    (hostile.item / f"2024-03-23 {name}方案.pdf").write_bytes(data)
    out = hostile.run(timeout=90)
    assert out.seconds < 60
    assert out.file(f"{name}方案.pdf")
    if name != "深层嵌套":  # the deep /Info value is junk metadata; the page tree itself is fine
        assert out.at("F304", f"{name}方案.pdf")


def test_photo_claiming_a_billion_pixels(hostile: Project) -> None:
    (hostile.item / "2024-03-24 活动照片巨型.png").write_bytes(png_header(40000, 40000))
    (hostile.item / "2024-03-24 活动照片超大.jpg").write_bytes(jpeg_header(65000, 65000))
    out = hostile.run(timeout=30)
    [png] = out.at("F304", "活动照片巨型.png")
    assert "图片尺寸异常" in png["message"] and "40000×40000" in png["message"]
    assert out.at("F304", "活动照片超大.jpg")


# --------------------------------------------------------------------------------------------
# The cache itself as hostile input


def _same_results(a: dict, b: dict) -> None:
    for key in ("summary", "findings", "items", "files"):
        assert a[key] == b[key], key


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "truncated",
        "foreign-sqlite",
        "stale-version",
        "hot-journal",
        "folder-is-a-file",
        "cache-is-a-folder",
        "cache-is-a-link",
    ],
)
def test_corrupt_or_foreign_cache_is_rebuilt_never_trusted(hostile: Project, damage: str) -> None:
    fresh = hostile.run("--no-cache").report
    hostile.run()  # writes .civdoc/
    cache = hostile.root / ".civdoc" / "cache.sqlite"
    if damage == "garbage":
        cache.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    elif damage == "truncated":
        for i in range(300):  # enough rows for the table to span many pages
            (hostile.item / f"2024-03-26 活动照片{i:03d}.jpg").write_bytes(valid_jpeg(i))
        fresh = hostile.run("--no-cache").report
        hostile.run()
        data = cache.read_bytes()
        cache.write_bytes(data[: len(data) // 2] + os.urandom(len(data) // 4))
    elif damage == "foreign-sqlite":
        cache.unlink()
        db = sqlite3.connect(cache)
        db.execute("CREATE TABLE inspections (path TEXT, data BLOB)")
        db.execute("INSERT INTO inspections VALUES (?, ?)", (f"{ITEM}/2024-03-15 工作方案.pdf", b"\x80\x04junk"))
        db.commit()
        db.close()
    elif damage == "stale-version":
        db = sqlite3.connect(cache)
        db.execute("UPDATE meta SET value = '0.0.0/1/old' WHERE key = 'version'")
        db.execute("UPDATE inspections SET readable = 0, problem = '旧版本的结果'")
        db.commit()
        db.close()
    elif damage == "hot-journal":
        (cache.parent / "cache.sqlite-journal").write_bytes(os.urandom(2048))
    elif damage == "folder-is-a-file":
        import shutil

        shutil.rmtree(cache.parent)
        cache.parent.write_text("not a folder")
    elif damage == "cache-is-a-folder":
        cache.unlink()
        cache.mkdir()
    elif damage == "cache-is-a-link":
        target = hostile.root.parent / "elsewhere.sqlite"
        target.write_bytes(b"")
        cache.unlink()
        cache.symlink_to(target)
    again = hostile.run().report
    _same_results(fresh, again)
    assert "旧版本的结果" not in str(again)
    _same_results(fresh, hostile.run().report)


def test_stale_rows_are_forgotten(hostile: Project) -> None:
    extra = hostile.item / "2024-03-25 活动照片7.jpg"
    extra.write_bytes(valid_jpeg(7))
    hostile.run()
    extra.unlink()
    hostile.run()
    db = sqlite3.connect(hostile.root / ".civdoc" / "cache.sqlite")
    paths = {p for (p,) in db.execute("SELECT path FROM inspections")}
    db.close()
    assert paths == {f"{ITEM}/2024-03-15 工作方案.pdf", f"{ITEM}/2024-03-15 活动照片1.jpg"}


def test_read_only_project_still_checks(hostile: Project, tmp_path: Path) -> None:
    prefix = without_dac(tmp_path)
    if prefix is None:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE: permissions do not apply")
    mode = hostile.root.stat().st_mode
    hostile.root.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        out = hostile.run(prefix=prefix)
    finally:
        hostile.root.chmod(mode)
    assert out.code == 0
    assert not (hostile.root / ".civdoc").exists()
