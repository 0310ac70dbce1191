"""civdoc pack: the 网上申报 package (SPEC §10), built from a project of our own and read back."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from civdoc.errors import CivdocError
from civdoc.pack.plan import inside, methods_of, safe_name
from tests.support.helpers import (
    DIR_A,
    DIR_B,
    DIR_C,
    DIR_C4,
    LEDGER_B,
    LEDGER_C,
    PHOTOS,
    PLAN,
    SUMMARY_C,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    clean_files,
    encrypted_pdf,
    indicators_with,
    jpeg,
    make_project,
    pdf,
    png,
    report,
    run,
    truncated_pdf,
)

TODAY = "2024-11-01"
CORPUS = Path("/work/shared/corpus/photo")
PKG = "out/网上申报材料"
F11 = f"{PKG}/思想道德建设/1.1 理论宣讲"


def rotated_jpeg(w: int = 320, h: int = 240) -> bytes:
    """A JPEG stored w x h whose EXIF orientation 6 says: turn it a quarter, it is h x w upright."""
    from PIL import Image

    img = Image.new("RGB", (w, h), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def corpus(name: str) -> bytes:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus photo {name} missing")
    return path.read_bytes()


HEIC = f"{DIR_A}/2024-04-07 活动照片 苹果.heic"
ROTATED = f"{DIR_A}/2024-04-03 活动照片 竖拍.jpg"
CAMERA = f"{DIR_A}/2024-04-04 活动照片 相机.jpg"
BROKEN = {
    "F301": f"{DIR_A}/2024-04-05 活动照片 动图.gif",
    "F302": f"{DIR_A}/2024-03-16 工作方案 改名.pdf",
    "F303": f"{DIR_B}/2024-05-11 工作台账 空白.docx",
    "F304": f"{DIR_C}/2024-05-13 工作台账 损坏.pdf",
    "F305": f"{DIR_C4}/2024-06-29 年度工作总结 加密.pdf",
    "T401": f"{DIR_A}/2023-04-02 活动照片 去年.jpg",
    "P506": f"{DIR_A}/2024-05-01 其他.xlsx",
}
TITLES = {
    "F301": "类型不符",
    "F302": "扩展名与内容不符",
    "F303": "空文件",
    "F304": "文件损坏",
    "F305": "文件加密",
    "T401": "超出时间范围",
    "P506": "未对应材料项",
}


def pack_files() -> dict:
    files = clean_files()
    files.update(
        {
            ROTATED: rotated_jpeg,
            CAMERA: lambda: corpus("jpg_Canon_40D.jpg"),
            HEIC: lambda: corpus("heic_IMG_5195.HEIC"),
            BROKEN["F301"]: b"GIF89a" + b"\0" * 40,
            BROKEN["F302"]: png,
            BROKEN["F303"]: b"",
            BROKEN["F304"]: truncated_pdf,
            BROKEN["F305"]: encrypted_pdf,
            BROKEN["T401"]: jpeg,
            BROKEN["P506"]: b"PK not really",
        }
    )
    return files


def heic_allowed(inds: list) -> None:
    photos = inds[0]["requirements"][1]
    photos["types"] = ["jpg", "jpeg", "png", "heic"]


def project(tmp_path: Path, files: dict | None = None) -> Path:
    chosen = pack_files() if files is None else files
    return make_project(tmp_path, indicators=indicators_with(heic_allowed), files=chosen)


def pack(root: Path, *args: str) -> tuple[int, str, str]:
    return run(None, "pack", "--project", str(root), "--today", TODAY, *args, today=None)


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    root = project(tmp_path_factory.mktemp("pack"))
    before = hashes(root / "evidence")
    code, out, err = pack(root)
    assert code == 0, out + err
    assert hashes(root / "evidence") == before, "pack changed the evidence"
    return root, out, before


def test_only_usable_files_are_packed_in_requirement_order(packed):
    root, _, _ = packed
    names = sorted(p.name for p in (root / F11).iterdir())
    assert names == [
        f"01 {UNIT_A} 工作方案 2024-03-15 工作方案.pdf",
        f"02 {UNIT_A} 活动照片 照片集.pdf",
        f"03 {UNIT_A} 活动照片 2024-04-02 活动照片1.jpg",
        f"04 {UNIT_A} 活动照片 2024-04-02 活动照片2.jpg",
        f"05 {UNIT_A} 活动照片 2024-04-02 活动照片3.jpg",
        f"06 {UNIT_A} 活动照片 2024-04-03 活动照片 竖拍.jpg",
        f"07 {UNIT_A} 活动照片 2024-04-04 活动照片 相机.jpg",
        f"08 {UNIT_A} 活动照片 2024-04-07 活动照片 苹果.heic",
    ]
    # every packed file is a byte-for-byte copy of a file check called usable, and of no other
    rep = report(root)
    usable = {f["path"] for f in rep["files"] if f.get("usable")}
    copies = {h for h in hashes(root / PKG).values()}
    for rel, digest in hashes(root / "evidence").items():
        path = f"evidence/{rel}"
        assert (digest in copies) == (path in usable), path
    assert (root / f"{PKG}/思想道德建设/1.2 志愿服务/01 {UNIT_B} 工作台账 2024-05-10 工作台账.docx").is_file()
    assert (root / f"{PKG}/思想道德建设/1.2 志愿服务/02 {UNIT_C} 工作台账 2024-05-12 工作台账.docx").is_file()
    assert not (root / f"{PKG}/思想道德建设/1.3 公共秩序").exists(), "实地考察 only: nothing to upload"


def test_originals_stay_in_place(packed):
    root, _, before = packed
    for path in [PLAN, *PHOTOS, LEDGER_B, LEDGER_C, SUMMARY_C, *BROKEN.values()]:
        assert (root / path).exists(), path
    assert hashes(root / "evidence") == before


def test_photobook_pages_captions_and_photo_data(packed):
    from pypdf import PdfReader

    root, out, _ = packed
    reader = PdfReader(root / F11 / f"02 {UNIT_A} 活动照片 照片集.pdf")
    # three clean photos, the turned one and the camera one; the HEIC does not decode
    assert len(reader.pages) == 5
    texts = [page.extract_text() for page in reader.pages]
    for text, name in zip(
        texts,
        [
            "2024-04-02 活动照片1.jpg",
            "2024-04-02 活动照片2.jpg",
            "2024-04-02 活动照片3.jpg",
            "2024-04-03 活动照片 竖拍.jpg",
            "2024-04-04 活动照片 相机.jpg",
        ],
        strict=True,
    ):
        assert f"原文件名：{name}" in text
        assert f"责任单位：{UNIT_A}" in text
        assert "1.1 理论宣讲" in text and "活动照片" in text
    assert "日期：2024年4月2日（依据：文件名）" in texts[0]
    assert "苹果" not in "".join(texts)
    # an upright JPEG is embedded as its own bytes; the turned one is turned (240 x 320)
    first = reader.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert first.get_data() == (root / PHOTOS[0]).read_bytes()
    # the turned one too: its page's matrix turns it a quarter (no re-encoding, no loss)
    turned = reader.pages[3]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert turned.get_data() == (root / ROTATED).read_bytes()
    matrix = [line for line in reader.pages[3].get_contents().get_data().decode().splitlines() if "/Im0 Do" in line][0]
    a, b, c, d = (float(v) for v in matrix.split()[1:5])
    assert a == 0 and d == 0 and b < 0 < c, matrix
    camera = reader.pages[4]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert (camera["/Width"], camera["/Height"]) == (100, 68)  # never scaled down
    assert "苹果.heic" in out and "未编入照片集" in out


def test_photobook_of_the_real_corpus(tmp_path):
    """Every photo of the corpus that Pillow decodes gets a page, the others are named."""
    from pypdf import PdfReader

    from civdoc.render.photobook import Photo, write_photobook

    if not CORPUS.is_dir():
        pytest.skip("corpus missing")
    photos = [Photo(p, [f"原文件名：{p.name}"]) for p in sorted(CORPUS.iterdir())]
    outcome = write_photobook(tmp_path / "照片集.pdf", "测试", photos)
    skipped = {photo.path.name for photo, _ in outcome.skipped}
    assert "heic_IMG_5195.HEIC" in skipped
    reader = PdfReader(tmp_path / "照片集.pdf")
    assert len(reader.pages) == outcome.pages == len(photos) - len(skipped)
    # the photo turned by orientation 3 (180 degrees) keeps its size
    names = [page.extract_text() for page in reader.pages]
    page = next(i for i, t in enumerate(names) if "orientation_landscape_3" in t)
    image = reader.pages[page]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert (image["/Width"], image["/Height"]) == (600, 450)


def test_catalogue_lists_every_file_and_every_gap(packed):
    import docx as python_docx
    import openpyxl

    root, _, _ = packed
    book = openpyxl.load_workbook(root / PKG / "材料目录.xlsx")
    assert book.sheetnames == ["材料目录", "指标情况", "缺漏和未纳入材料"]
    rows = [[c for c in r] for r in book["材料目录"].iter_rows(min_row=3, values_only=True)]
    files = {r[4]: r for r in rows if isinstance(r[0], int)}
    name = f"03 {UNIT_A} 活动照片 2024-04-02 活动照片1.jpg"
    assert name in files
    row = files[name]
    digest = hashlib.sha256((root / PHOTOS[0]).read_bytes()).hexdigest()
    assert row[5] == PHOTOS[0].removeprefix("evidence/")
    assert row[6] == "320×240像素" and row[7].startswith("2024-04-02") and row[9].replace("\n", "") == digest
    assert files[f"02 {UNIT_A} 活动照片 照片集.pdf"][6] == "5页"
    packed_count = sum(1 for p in (root / PKG).rglob("*") if p.is_file() and p.parts[-3] in ("思想道德建设",))
    assert len(files) == packed_count
    gaps = list(book["缺漏和未纳入材料"].iter_rows(min_row=3, values_only=True))
    for code, path in BROKEN.items():
        hit = [g for g in gaps if g[4] == path.removeprefix("evidence/")]
        assert len(hit) == 1, path
        assert TITLES[code] in hit[0][5], (code, hit[0][5])
    assert any("苹果.heic" in (g[4] or "") and "照片集" in g[5] for g in gaps)
    page_setup = book["材料目录"].page_setup
    assert page_setup.paperSize == 9 and page_setup.orientation == "landscape"

    document = python_docx.Document(root / PKG / "材料目录.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "网上申报材料目录" in text and "三、缺漏和未纳入材料" in text
    assert name in cells and digest[:16] in cells
    for code, path in BROKEN.items():
        assert path.removeprefix("evidence/") in cells, code
        assert TITLES[code] in cells
    section = document.sections[0]
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    assert any("— 1 —" in p.text or "PAGE" in p._p.xml for p in section.footer.paragraphs)
    for word in ("civdoc", "YAML", "yaml"):
        assert word not in text + cells


def test_incomplete_item_says_what_is_missing(tmp_path):
    import openpyxl

    files = pack_files()
    del files[PHOTOS[0]], files[PHOTOS[1]], files[PHOTOS[2]], files[ROTATED], files[CAMERA], files[HEIC]
    root = project(tmp_path, files)
    code, out, err = pack(root)
    assert code == 0, out + err
    assert "尚有缺漏 1 项" in out
    book = openpyxl.load_workbook(root / PKG / "材料目录.xlsx")
    items = {r[2]: r for r in book["指标情况"].iter_rows(min_row=3, values_only=True)}
    assert items["1.1"][5] == "未完成" and "活动照片需3份，可用0份，缺3份" in items["1.1"][8]
    assert not any("照片集" in p.name for p in (root / F11).iterdir())


def test_sha256sums_verifies(packed):
    root, _, _ = packed
    sums = (root / PKG / "SHA256SUMS").read_text(encoding="utf-8")
    assert "材料目录.xlsx" in sums and "照片集.pdf" in sums
    if shutil.which("sha256sum") is None:
        pytest.skip("no sha256sum")
    done = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=root / PKG, capture_output=True)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    listed = {line.split("  ", 1)[1] for line in sums.splitlines()}
    assert listed == set(hashes(root / PKG)) - {"SHA256SUMS"}


def test_zip_parts_stay_under_the_limit_and_name_a_file_too_big(tmp_path):
    files = pack_files()
    big = f"{DIR_A}/2024-03-20 工作方案 附件.pdf"
    files[big] = lambda: pdf() + b"%" + b"x" * 120_000  # a valid PDF padded past a part
    for n in range(6):
        files[f"{DIR_C4}/2024-06-{10 + n} 年度工作总结{n}.pdf"] = lambda: pdf() + b"%" + b"y" * 20_000
    root = project(tmp_path, files)
    limit = 0.05  # MB
    code, out, err = pack(root, "--max-mb", str(limit))
    assert code == 0, out + err
    parts = sorted((root / PKG / "压缩包").iterdir())
    assert len(parts) > 1
    assert all(p.stat().st_size <= limit * 1024 * 1024 for p in parts), [p.stat().st_size for p in parts]
    assert "工作方案 附件.pdf" in out and "活动照片 苹果.heic" in out and "单独上传" in out
    zipped: list[str] = []
    for part in parts:
        assert part.name.startswith("思想道德建设（第")
        with zipfile.ZipFile(part) as zf:
            assert zf.testzip() is None
            for info in zf.infolist():
                assert info.flag_bits & 0x800 and info.date_time == (1980, 1, 1, 0, 0, 0)
                zipped.append(info.filename)
    on_disk = {k for k in hashes(root / PKG) if k.startswith("思想道德建设/")}
    assert len(zipped) == len(set(zipped))
    assert set(zipped) == {k for k in on_disk if "附件" not in k and "苹果" not in k}


def test_repacking_gives_identical_zips_and_keeps_the_package_whole(packed, tmp_path):
    root, _, _ = packed
    first = hashes(root / PKG)
    code, out, err = pack(root)
    assert code == 0, out + err
    second = hashes(root / PKG)
    for rel, digest in first.items():
        if not rel.startswith("材料目录") and rel != "SHA256SUMS":
            assert second[rel] == digest, rel
    assert set(first) == set(second)
    assert not [p for p in (root / "out").iterdir() if p.name.startswith(".")], "temporary folders left behind"


@pytest.mark.parametrize("change", ["edit", "vanish"])
def test_a_file_changed_after_the_check_refuses_the_pack(tmp_path, change):
    from civdoc.check.pipeline import check
    from civdoc.commands.pack import pack as build_package

    root = project(tmp_path)
    code, out, err = pack(root)
    assert code == 0, out + err
    before = hashes(root / PKG)
    result = check(root, date.fromisoformat(TODAY), use_cache=False)
    if change == "edit":
        (root / PLAN).write_bytes(pdf())
    else:
        (root / PHOTOS[1]).unlink()
    with pytest.raises(CivdocError) as refused:
        build_package(result, None, None)
    assert refused.value.exit_code == 2
    message = str(refused.value)
    assert (PLAN if change == "edit" else PHOTOS[1]) in message
    assert ("发生了变化" if change == "edit" else "已不存在") in message
    assert hashes(root / PKG) == before
    assert not [p for p in (root / "out").iterdir() if p.name.startswith(".")]


def test_nothing_usable_writes_nothing(tmp_path):
    root = make_project(tmp_path, files={PLAN: b"", PHOTOS[0]: truncated_pdf})
    code, out, err = pack(root)
    assert code == 1
    assert "没有一个可以纳入的文件" in err
    assert not (root / PKG).exists()


def test_method_and_unit_narrow_the_package(tmp_path):
    def online(inds: list) -> None:
        heic_allowed(inds)
        inds[0]["standards"] = [{"text": "网上提交宣讲材料。", "method": "网上申报"}]

    root = make_project(tmp_path, indicators=indicators_with(online), files=pack_files())
    code, out, err = pack(root, "--method", "网上申报")
    assert code == 0, out + err
    folders = sorted(p.name for p in (root / PKG / "思想道德建设").iterdir())
    assert folders == ["1.1 理论宣讲"]
    code, out, err = pack(root, "--unit", "团区委")
    assert code == 0, out + err
    folders = sorted(p.name for p in (root / PKG / "思想道德建设").iterdir())
    assert folders == ["1.2 志愿服务", "1.4 工作总结"]
    assert all(UNIT_C in p.name for p in (root / PKG / "思想道德建设").rglob("*") if p.is_file())
    code, out, err = pack(root, "--method", "问卷调查")
    assert code == 2 and "没有按“问卷调查”测评的指标" in err


def test_methods_may_be_strings_or_lists():
    one = SimpleNamespace(method="网上申报", standards=[], methods=["网上申报"])
    many = SimpleNamespace(
        method=["材料审核", "网上申报"],
        standards=[SimpleNamespace(method=["实地考察"])],
        methods=[["材料审核", "网上申报"]],
    )
    assert methods_of(one) == {"网上申报"}  # type: ignore[arg-type]
    assert methods_of(many) == {"材料审核", "网上申报", "实地考察"}  # type: ignore[arg-type]


def test_names_from_data_stay_inside_the_package(tmp_path):
    assert safe_name("../../etc/passwd") == "_.._etc_passwd"
    assert safe_name("CON") == "_CON"
    assert safe_name("a:b*c?") == "a_b_c_"
    assert "/" not in safe_name("区委宣传部/区文明办")
    with pytest.raises(CivdocError):
        inside(tmp_path, "../outside.txt")
    assert inside(tmp_path, "a/b.txt") == (tmp_path / "a" / "b.txt").resolve()


def test_bad_max_mb_is_a_usage_error(tmp_path):
    root = project(tmp_path)
    code, out, err = pack(root, "--max-mb", "0")
    assert code == 2 and "--max-mb" in err


def test_a_failure_of_the_machine_is_named_not_a_traceback(tmp_path):
    root = project(tmp_path)
    (root / "out").write_text("不是文件夹", encoding="utf-8")  # out/ cannot be made
    code, out, err = pack(root)
    assert code == 2
    assert "写入网上申报材料时失败" in err and "out" in err


def test_out_inside_evidence_is_refused(tmp_path):
    root = project(tmp_path)
    (root / "out").symlink_to(root / "evidence" / UNIT_A)
    before = hashes(root / "evidence")
    code, out, err = pack(root)
    assert code == 2 and "evidence" in err
    assert hashes(root / "evidence") == before


def test_package_follows_the_umask(packed):
    import os

    root, _, _ = packed
    mask = os.umask(0)
    os.umask(mask)
    package = root / PKG
    for path in [
        package,
        package / "SHA256SUMS",
        package / "材料目录.docx",
        root / F11,
        root / F11 / f"02 {UNIT_A} 活动照片 照片集.pdf",
        *(package / "压缩包").iterdir(),
    ]:
        want = (0o777 if path.is_dir() else 0o666) & ~mask
        assert path.stat().st_mode & 0o777 == want, path


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_shown_as_pillow_turns_it(tmp_path, orientation):
    """Rendered page corners == ImageOps.exif_transpose's corners, for all eight orientations."""
    from PIL import Image, ImageOps

    from civdoc.render.photobook import Photo, write_photobook

    colours = {"R": (255, 0, 0), "G": (0, 255, 0), "B": (0, 0, 255), "Y": (255, 255, 0)}
    stored = Image.new("RGB", (400, 200))
    for x, y, c in [(0, 0, "R"), (200, 0, "G"), (0, 100, "B"), (200, 100, "Y")]:
        stored.paste(colours[c], (x, y, x + 200, y + 100))
    exif = Image.Exif()
    exif[0x0112] = orientation
    photo = tmp_path / "photo.jpg"
    stored.save(photo, "JPEG", exif=exif, quality=95)

    def corners(img: Image.Image, box: tuple[int, int, int, int]) -> list[str]:
        px = img.load()
        x0, y0, x1, y1 = box
        named = [px[x0 + 3, y0 + 3], px[x1 - 3, y0 + 3], px[x0 + 3, y1 - 3], px[x1 - 3, y1 - 3]]

        def nearest(c: tuple[int, int, int]) -> str:
            return min(colours, key=lambda k: sum((a - b) ** 2 for a, b in zip(colours[k], c, strict=True)))

        return [nearest(c) for c in named]

    upright = ImageOps.exif_transpose(Image.open(photo)).convert("RGB")
    want = corners(upright, (0, 0, upright.width - 1, upright.height - 1))
    write_photobook(tmp_path / "book.pdf", "朝向", [Photo(photo, ["原文件名：photo.jpg"])])
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-singlefile", str(tmp_path / "book.pdf"), str(tmp_path / "page")], check=True
    )
    page = Image.open(tmp_path / "page.png").convert("RGB")
    px = page.load()
    coloured = [(x, y) for y in range(page.height) for x in range(page.width) if max(px[x, y]) - min(px[x, y]) > 120]
    box = (
        min(p[0] for p in coloured),
        min(p[1] for p in coloured),
        max(p[0] for p in coloured),
        max(p[1] for p in coloured),
    )
    assert corners(page, box) == want
    assert (box[2] - box[0] > box[3] - box[1]) == (upright.width > upright.height)


def test_png_photos_are_embedded_losslessly_and_broken_ones_named(tmp_path):
    from PIL import Image
    from pypdf import PdfReader

    from civdoc.render.photobook import Photo, write_photobook

    good = tmp_path / "截图.png"
    good.write_bytes(png(300, 200, noise=True))
    clear = tmp_path / "透明.png"
    Image.new("RGBA", (60, 40), (10, 20, 30, 90)).save(clear)
    data = png(300, 200, noise=True)
    broken = tmp_path / "残缺.png"
    broken.write_bytes(data[: len(data) // 2] + data[-12:])  # IDAT cut short, IEND kept
    outcome = write_photobook(tmp_path / "book.pdf", "截图", [Photo(p, [p.name]) for p in (good, clear, broken)])
    assert outcome.pages == 2 and [p.path.name for p, _ in outcome.skipped] == ["残缺.png"]
    pages = PdfReader(tmp_path / "book.pdf").pages
    assert pages[0].images[0].image.tobytes() == Image.open(good).convert("RGB").tobytes()
    assert pages[1].images[0].image.size == (60, 40)


def test_a_killed_pack_leaves_nothing_after_a_day(tmp_path):
    import os
    import time

    root = project(tmp_path)
    stale = root / "out" / ".网上申报材料.killed"
    (stale / "思想道德建设").mkdir(parents=True)
    fresh = root / "out" / ".网上申报材料.running"
    fresh.mkdir()
    old = time.time() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    code, out, err = pack(root)
    assert code == 0, out + err
    assert not stale.exists() and fresh.exists()


def test_a_long_original_name_is_shortened_to_fit_the_file_system(tmp_path: Path) -> None:
    files = clean_files()
    long_plan = PLAN.replace("工作方案", "工作方案" + "长" * 68)  # fits evidence/, not with the packed prefix
    files[long_plan] = files.pop(PLAN)
    root = make_project(tmp_path, files=files)
    code, out, err = pack(root)
    assert code == 0, out + err
    names = [p.name for p in (root / "out" / "网上申报材料").rglob("*长长*")]
    assert names and all(len(n.encode("utf-8")) <= 255 and n.endswith((".pdf", "….pdf")) for n in names)
