"""civdoc.evidence.formats against real camera/PDF-producer files (../shared/corpus) and generated edge cases."""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import re
import shutil
import struct
import zipfile
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image

from civdoc.evidence import formats as insp
from civdoc.evidence.formats import common as insp_common
from civdoc.evidence.formats import image as insp_image
from civdoc.evidence.formats import inspect_file
from civdoc.evidence.formats import office as insp_office
from civdoc.evidence.kinds import KINDS_FOR_EXT, extension_matches
from civdoc.model import Inspection
from tests.support.paths import CORPUS

EMPTY_SHA = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def corpus_files(folder: str) -> list[Path]:
    if not (CORPUS / folder).is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return sorted(p for p in (CORPUS / folder).iterdir() if p.suffix.lower() not in (".json", ".md"))


def copy_in(src: Path, tmp_path: Path, name: str | None = None) -> Path:
    dst = tmp_path / (name or src.name)
    shutil.copyfile(src, dst)
    return dst


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def exif_to_iso(value: str) -> str | None:
    if value in ("", "-"):
        return None
    return value[:10].replace(":", "-")


# --------------------------------------------------------------------------------------------
# Corpus: real files


def photo_truth() -> dict[str, tuple[int, int, str | None, str | None]]:
    """The ground-truth table of corpus/README.md: name -> (w, h, iso date, source)."""
    readme = CORPUS / "README.md"
    if not readme.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*(jpg_\S+)\s*\|\s*(\d+)x(\d+)\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|", line)
        if not m:
            continue
        name, w, h, original, plain = m.groups()
        if exif_to_iso(original):
            date, source = exif_to_iso(original), "exif:DateTimeOriginal"
        elif exif_to_iso(plain):
            date, source = exif_to_iso(plain), "exif:DateTime"
        else:
            date, source = None, None
        rows[name] = (int(w), int(h), date, source)
    assert len(rows) == 15, "the README table changed shape"
    return rows


def test_photos_match_ground_truth(tmp_path):
    truth = photo_truth()
    seen = set()
    for src in corpus_files("photo"):
        r = inspect_file(copy_in(src, tmp_path))
        assert r.size == src.stat().st_size
        assert r.sha256.startswith("sha256:") and len(r.sha256) == 7 + 64
        if src.name in truth:
            w, h, date, source = truth[src.name]
            # jpg_corrupted.jpg and the jpg_tests_* files carry broken EXIF blocks, but their image
            # data is complete and decodes: a viewer shows them, so they are readable.
            assert (r.kind, r.readable, r.problem, r.encrypted) == ("jpeg", True, None, False), src.name
            assert (r.width, r.height) == (w, h), src.name
            assert (r.meta_date, r.meta_date_source) == (date, source), src.name
            assert extension_matches("jpg", r.kind)
            seen.add(src.name)
    assert seen == set(truth)


def test_heic_is_a_readable_container_with_its_size(tmp_path):
    src = CORPUS / "photo" / "heic_IMG_5195.HEIC"
    if not src.is_file():
        pytest.skip("corpus HEIC missing")
    r = inspect_file(copy_in(src, tmp_path))
    assert (r.kind, r.readable, r.encrypted, r.meta_date) == ("heic", True, False, None)
    # the primary item is a grid; its `ispe` says 2566x3313 (the 512x512 tiles are not the photo)
    assert (r.width, r.height) == (2566, 3313)
    assert extension_matches("heic", r.kind) and not extension_matches("jpg", r.kind)


# files.json records a creation date that the bytes we can read do not hold:
PDF_DATE_UNREADABLE = {
    # /Info strings of a password-protected PDF are ciphertext until the user password is given
    "libreoffice-writer-password.pdf",
    # the /Info object (174 0) lies in a zeroed-out region of the file; poppler finds no date either
    "unreadablemetadata.pdf",
}


def test_pdfs_match_files_json(tmp_path):
    files = corpus_files("pdf")
    truth = {Path(e["path"]).name: e for e in json.loads((CORPUS / "pdf" / "files.json").read_text())["data"]}
    assert {p.name for p in files} == set(truth)
    for src in files:
        t = truth[src.name]
        r = inspect_file(copy_in(src, tmp_path))
        assert (r.kind, r.readable, r.problem) == ("pdf", True, None), src.name
        assert r.pages == t["pages"], src.name
        assert r.encrypted == t["encrypted"], src.name
        if src.name in PDF_DATE_UNREADABLE:
            assert r.meta_date is None, src.name
        else:
            expected = t["creation_date"][:10] if t["creation_date"] else None
            assert r.meta_date == expected, src.name
            assert r.meta_date_source == ("pdf:CreationDate" if expected else None)


def test_corpus_is_deterministic_and_picklable(tmp_path):
    for src in corpus_files("pdf") + corpus_files("photo"):
        path = copy_in(src, tmp_path)
        first, second = inspect_file(path), inspect_file(path)
        assert first == second
        assert pickle.loads(pickle.dumps(first)) == first
        assert Inspection.from_dict(json.loads(json.dumps(first.to_dict()))) == first
        assert extension_matches(src.suffix[1:].lower(), first.kind)


def test_results_are_the_same_in_worker_processes(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    paths = [copy_in(p, tmp_path) for p in corpus_files("pdf") + corpus_files("photo")]
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = list(pool.map(inspect_file, paths))
    assert parallel == [inspect_file(p) for p in paths]


def test_truncated_corpus_files_never_raise(tmp_path):
    rng = random.Random(20240315)
    for src in corpus_files("pdf") + corpus_files("photo"):
        data = src.read_bytes()
        for cut in sorted({1, 7, 600, len(data) // 3, len(data) // 2, len(data) - 20, rng.randrange(len(data))}):
            r = inspect_file(write(tmp_path, "cut" + src.suffix, data[:cut]))
            assert isinstance(r, Inspection) and r.size == cut
            if not r.readable:
                assert r.problem


# --------------------------------------------------------------------------------------------
# Basics: hashing, empty, I/O errors


def test_hash_is_streamed_sha256_of_the_whole_file(tmp_path):
    import hashlib

    data = bytes(range(256)) * 20_000  # 5 MB, more than one read
    r = inspect_file(write(tmp_path, "blob.bin", data))
    assert r.sha256 == "sha256:" + hashlib.sha256(data).hexdigest()
    assert (r.size, r.kind, r.readable) == (len(data), None, True)


def test_hash_fallback_without_file_digest(tmp_path, monkeypatch):
    import hashlib

    data = b"x" * 3_000_000
    monkeypatch.delattr(hashlib, "file_digest", raising=False)
    assert insp._sha256(io.BytesIO(data)) == "sha256:" + hashlib.sha256(data).hexdigest()


def test_zero_byte_file(tmp_path):
    r = inspect_file(write(tmp_path, "空.pdf", b""))
    assert (r.size, r.sha256, r.readable, r.problem, r.kind) == (0, EMPTY_SHA, False, "文件为空", None)


def test_unreadable_file_is_reported_not_raised(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.pdf", b"%PDF-1.4")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(insp, "open", denied, raising=False)
    r = inspect_file(path)
    assert r.readable is False and "无法读取（权限不足或文件被占用）" in r.problem
    assert r.size == 8 and r.sha256 == ""


def test_directory_and_missing_path(tmp_path):
    assert inspect_file(tmp_path).readable is False
    missing = inspect_file(tmp_path / "nope.pdf")
    assert missing.readable is False and missing.size == 0


# --------------------------------------------------------------------------------------------
# Kinds and extensions (F302)


def png_bytes(size=(32, 16), **save) -> bytes:
    b = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(b, "PNG", **save)
    return b.getvalue()


def jpeg_bytes(size=(64, 48), exif: Image.Exif | None = None) -> bytes:
    b = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(b, "JPEG", quality=90, **({"exif": exif} if exif else {}))
    return b.getvalue()


def test_png_renamed_to_pdf(tmp_path):
    r = inspect_file(write(tmp_path, "通知.pdf", png_bytes()))
    assert (r.kind, r.readable, r.width, r.height) == ("png", True, 32, 16)
    assert extension_matches("pdf", "png") is False
    assert extension_matches("png", "png") is True


@pytest.mark.parametrize(
    "ext, kind, ok",
    [
        ("pdf", "pdf", True),
        ("jpg", "jpeg", True),
        ("jpeg", "png", False),
        ("docx", "docx", True),
        ("docx", "ole", False),  # a .doc renamed .docx
        ("doc", "docx", False),  # a .docx renamed .doc
        ("docx", "ooxml-encrypted", True),
        ("xls", "ooxml-encrypted", True),
        ("wps", "docx", True),
        ("wps", "ole", True),
        ("et", "xlsx", True),
        ("et", "docx", False),
        ("ofd", "zip", False),
        ("zip", "ofd", True),
        ("mp4", "mov", True),
        ("mov", "mp4", True),
        ("avi", "mp4", False),
        ("heif", "heic", True),
        ("jpg", "heic", False),
        ("txt", "pdf", True),  # unknown extension: cannot say
        ("pdf", None, True),  # unknown content: cannot say
        ("JPG", "jpeg", True),
    ],
)
def test_extension_matches(ext, kind, ok):
    assert extension_matches(ext, kind) is ok


def test_kinds_for_ext_values_are_frozensets():
    assert all(isinstance(v, frozenset) and v for v in KINDS_FOR_EXT.values())
    assert KINDS_FOR_EXT["pdf"] == frozenset({"pdf"})


def _image(fmt: str, **kw) -> bytes:
    b = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(b, fmt, **kw)
    return b.getvalue()


@pytest.mark.parametrize(
    "data, kind",
    [
        (_image("GIF"), "gif"),
        (_image("BMP"), "bmp"),
        (_image("TIFF"), "tiff"),
        (_image("WEBP"), "webp"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64, "mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 64, "mov"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf" + b"\x00" * 64, "heic"),
        (b"RIFF\x00\x10\x00\x00AVI LIST" + b"\x00" * 64, "avi"),
        (b"RIFF\x00\x10\x00\x00WAVEfmt " + b"\x00" * 64, "wav"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64, "mp3"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 64, "mp3"),
        (b"\xff\xf1\x50\x80" + b"\x00" * 64, None),  # AAC ADTS, not MPEG audio layer 1-3
        (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64, "rar"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64, "7z"),
        ("会议纪要\n".encode() * 10, None),
    ],
)
def test_sniffed_kinds(tmp_path, data, kind):
    r = inspect_file(write(tmp_path, "f.bin", data))
    assert r.kind == kind
    if kind in ("gif", "bmp", "tiff", "webp"):
        assert (r.readable, r.width, r.height) == (True, 20, 10)
    if kind in ("mp4", "mov", "avi", "wav", "mp3", "rar", "7z", None):
        assert r.readable is True and r.problem is None


# --------------------------------------------------------------------------------------------
# PDF


def make_pdf(pages: int = 2, created: str | None = "D:20240315093000+08'00'") -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    if created:
        w.add_metadata({"/CreationDate": created, "/Producer": "test"})
    b = io.BytesIO()
    w.write(b)
    return b.getvalue()


def test_generated_pdf(tmp_path):
    r = inspect_file(write(tmp_path, "a.pdf", make_pdf(3)))
    assert (r.kind, r.readable, r.pages, r.encrypted) == ("pdf", True, 3, False)
    assert (r.meta_date, r.meta_date_source) == ("2024-03-15", "pdf:CreationDate")


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.8, 0.97])
def test_truncated_pdf_is_unreadable(tmp_path, keep):
    src = CORPUS / "pdf" / "pdflatex-4-pages.pdf"
    data = src.read_bytes() if src.is_file() else make_pdf(4)
    r = inspect_file(write(tmp_path, "cut.pdf", data[: int(len(data) * keep)]))
    assert (r.kind, r.readable) == ("pdf", False)
    assert r.problem.startswith("PDF 文件") and "替换" in r.problem


def test_pdf_garbage_after_magic(tmp_path):
    r = inspect_file(write(tmp_path, "g.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 10 + b"\n%%EOF\n"))
    assert (r.kind, r.readable) == ("pdf", False)
    assert r.problem == insp_common.P_PDF_BROKEN


def test_pdf_magic_after_junk_prefix(tmp_path):
    r = inspect_file(write(tmp_path, "j.pdf", b"\r\n\r\n" + make_pdf(1)))
    assert (r.kind, r.readable, r.pages) == ("pdf", True, 1)


def _raw_pdf(objects: list[bytes], broken_xref: bool = False) -> bytes:
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % (o + (3 if broken_xref else 0)) for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_page_tree_loop_and_lying_count(tmp_path):
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    loop = _raw_pdf([catalog, b"<< /Type /Pages /Kids [2 0 R] /Count 5 >>"])
    r = inspect_file(write(tmp_path, "loop.pdf", loop))
    assert (r.readable, r.pages) == (False, None) and "页面结构已损坏" in r.problem
    liar = _raw_pdf([catalog, b"<< /Type /Pages /Kids [3 0 R] /Count 99999999 >>", b"<< /Type /Page /Parent 2 0 R >>"])
    r = inspect_file(write(tmp_path, "liar.pdf", liar))
    assert (r.readable, r.pages) == (True, 1)  # walked, because no file that small has 10^8 pages
    fixed = _raw_pdf(
        [catalog, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"<< /Type /Page /Parent 2 0 R >>"], broken_xref=True
    )
    r = inspect_file(write(tmp_path, "xref.pdf", fixed))
    assert (r.readable, r.pages) == (True, 1)  # offsets off by 3: repaired like a viewer would


def test_large_truncated_pdf_is_judged_fast(tmp_path):
    """Without %%EOF at the end pypdf would crawl backwards through every line of the file."""
    import time

    body = b"1 0 obj\n<< /A 1 >>\nendobj\n" * 400_000  # 10 MB of short lines
    path = write(tmp_path, "scan.pdf", b"%PDF-1.4\n" + body)
    start = time.perf_counter()
    r = inspect_file(path)
    assert time.perf_counter() - start < 2
    assert (r.kind, r.readable) == ("pdf", False) and "不完整" in r.problem


def test_pdf_with_a_little_junk_after_eof_is_fine(tmp_path):
    r = inspect_file(write(tmp_path, "j.pdf", make_pdf(2) + b"\r\n" + b"\x00" * 5000))
    assert (r.readable, r.pages) == (True, 2)


def test_pdf_with_zero_pages(tmp_path):
    r = inspect_file(write(tmp_path, "z.pdf", make_pdf(0)))
    assert (r.kind, r.readable, r.pages) == ("pdf", False, 0)
    assert "没有任何页面" in r.problem


def test_pdf_password_to_open_is_encrypted(tmp_path):
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(2))))
    w.encrypt(user_password="abc", owner_password="owner", algorithm="AES-128")
    b = io.BytesIO()
    w.write(b)
    r = inspect_file(write(tmp_path, "e.pdf", b.getvalue()))
    assert (r.kind, r.readable, r.encrypted, r.pages) == ("pdf", True, True, 2)
    assert r.meta_date is None  # /Info strings are ciphertext


def test_pdf_with_only_a_permissions_password_opens_for_everyone(tmp_path):
    """Empty user password: every viewer opens it without asking, so it is not 'encrypted' (F305)."""
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(2))))
    w.encrypt(user_password="", owner_password="owner", algorithm="RC4-128", permissions_flag=0)
    b = io.BytesIO()
    w.write(b)
    r = inspect_file(write(tmp_path, "p.pdf", b.getvalue()))
    assert (r.kind, r.readable, r.encrypted, r.pages) == ("pdf", True, False, 2)
    assert r.meta_date == "2024-03-15"


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("D:20220403183102+02'00'", "2022-04-03"),
        ("D:20220403183102+02'00", "2022-04-03"),
        ("D:20220403", "2022-04-03"),
        ("D:20240315200000Z", "2024-03-16"),  # UTC 20:00 is 04:00 next day in China
        ("D:20240315200000+00'00'", "2024-03-16"),
        ("D:20240315200000-05'00'", "2024-03-15"),  # a stated zone: the date as written
        ("2024-03-15T08:30:00Z", "2024-03-15"),
        ("2024-03-15T18:30:00Z", "2024-03-16"),
        ("2024-03-15T18:30:00.123+08:00", "2024-03-15"),
        ("2024:03:15 23:59:59", "2024-03-15"),
        ("2024/3/5", "2024-03-05"),
        ("D:2022", None),
        ("D:20221340", None),
        ("0000:00:00 00:00:00", None),
        ("    :  :     :  :  ", None),
        ("", None),
        ("Mon Apr 3 2022", None),
        ("D:18000101000000", None),
        (b"2014:09:22 10:56:35\x00", "2014-09-22"),
        (None, None),
        (12345, None),
    ],
)
def test_meta_date_parsing(raw, iso):
    assert insp_common._meta_date(raw) == iso


def test_pdf_creation_date_malformed_is_just_undated(tmp_path):
    r = inspect_file(write(tmp_path, "m.pdf", make_pdf(1, created="D:2O22O4O3")))
    assert (r.readable, r.pages, r.meta_date, r.meta_date_source) == (True, 1, None, None)


def test_pdf_linearized_fallback_when_page_tree_is_gone(tmp_path):
    """unreadablemetadata.pdf: /Root/Pages points into zeroed bytes; poppler still shows 4 pages."""
    src = CORPUS / "pdf" / "unreadablemetadata.pdf"
    if not src.is_file():
        pytest.skip("corpus PDF missing")
    r = inspect_file(copy_in(src, tmp_path))
    assert (r.readable, r.pages) == (True, 4)


# --------------------------------------------------------------------------------------------
# Images


def test_truncated_jpeg_is_unreadable_but_keeps_its_header(tmp_path):
    data = jpeg_bytes((400, 300))
    r = inspect_file(write(tmp_path, "cut.jpg", data[: len(data) * 2 // 3]))
    assert (r.kind, r.readable, r.width, r.height) == ("jpeg", False, 400, 300)
    assert "图片文件不完整" in r.problem


def test_truncated_corpus_photo_is_unreadable(tmp_path):
    src = CORPUS / "photo" / "jpg_tests_42_IndexError.jpg"
    if not src.is_file():
        pytest.skip("corpus photo missing")
    data = src.read_bytes()
    r = inspect_file(write(tmp_path, "cut.jpg", data[:-3]))
    assert (r.readable, r.width, r.height, r.meta_date) == (False, 4032, 3024, "2014-08-23")


def test_jpeg_with_trailer_after_eoi_is_readable(tmp_path):
    """Motion photos append a video after the JPEG's EOI; the picture is complete."""
    data = jpeg_bytes((80, 60)) + b"\x00\x00\x00\x18ftypmp42" + b"\x42" * 200_000
    r = inspect_file(write(tmp_path, "motion.jpg", data))
    assert (r.kind, r.readable, r.width) == ("jpeg", True, 80)


def test_jpeg_header_only(tmp_path):
    data = jpeg_bytes()
    sos = data.index(b"\xff\xda")
    r = inspect_file(write(tmp_path, "h.jpg", data[:sos]))
    assert (r.kind, r.readable) == ("jpeg", False)


def test_garbage_after_jpeg_magic(tmp_path):
    r = inspect_file(write(tmp_path, "g.jpg", b"\xff\xd8\xff" + b"\x13" * 500))
    assert (r.kind, r.readable, r.problem) == ("jpeg", False, insp_common.P_IMAGE_BROKEN)


def test_exif_datetime_original_then_datetime(tmp_path):
    exif = Image.Exif()
    exif[0x0132] = "2024:03:10 08:00:00"
    exif.get_ifd(0x8769)[0x9003] = "2024:03:09 07:00:00"
    r = inspect_file(write(tmp_path, "a.jpg", jpeg_bytes(exif=exif)))
    assert (r.meta_date, r.meta_date_source) == ("2024-03-09", "exif:DateTimeOriginal")

    exif = Image.Exif()
    exif[0x0132] = "2024:03:10 08:00:00"
    exif.get_ifd(0x8769)[0x9003] = "0000:00:00 00:00:00"  # a camera whose clock was never set
    r = inspect_file(write(tmp_path, "b.jpg", jpeg_bytes(exif=exif)))
    assert (r.meta_date, r.meta_date_source) == ("2024-03-10", "exif:DateTime")

    exif = Image.Exif()
    exif[0x0132] = "                   "
    r = inspect_file(write(tmp_path, "c.jpg", jpeg_bytes(exif=exif)))
    assert (r.readable, r.meta_date, r.meta_date_source) == (True, None, None)


def test_broken_exif_block_is_no_date_not_a_crash(tmp_path):
    data = jpeg_bytes()
    # an APP1 Exif segment whose TIFF header points far outside the block
    bad = b"Exif\x00\x00II*\x00\xff\xff\xff\x7f" + b"\x01" * 40
    app1 = b"\xff\xe1" + struct.pack(">H", len(bad) + 2) + bad
    r = inspect_file(write(tmp_path, "x.jpg", data[:2] + app1 + data[2:]))
    assert (r.kind, r.readable, r.meta_date) == ("jpeg", True, None)


def test_png_truncated_and_crc_damaged(tmp_path):
    data = png_bytes((300, 200))
    r = inspect_file(write(tmp_path, "cut.png", data[: len(data) - 30]))
    assert (r.kind, r.readable, r.width) == ("png", False, 300)
    idat = data.index(b"IDAT")
    flipped = bytearray(data)
    flipped[idat + 10] ^= 0xFF
    r = inspect_file(write(tmp_path, "crc.png", bytes(flipped)))
    assert (r.kind, r.readable) == ("png", False)


def _png_with_size(w: int, h: int) -> bytes:
    data = bytearray(png_bytes())
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", w, h)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def test_png_claiming_ten_billion_pixels_is_not_decoded(tmp_path, monkeypatch):
    def no_decoding(self, *a, **k):
        raise AssertionError("must not decode")

    path = write(tmp_path, "huge.png", _png_with_size(100_000, 100_000))
    monkeypatch.setattr(Image.Image, "load", no_decoding)
    r = inspect_file(path)
    assert (r.kind, r.readable, r.width, r.height) == ("png", False, 100_000, 100_000)
    assert r.problem.startswith("图片尺寸异常")


def test_max_pixels_is_ours_not_pillows(tmp_path, monkeypatch):
    monkeypatch.setattr(insp_image, "MAX_PIXELS", 1000)
    r = inspect_file(write(tmp_path, "big.png", _png_with_size(100, 100)))
    assert (r.readable, r.width, r.height) == (False, 100, 100)
    assert "100×100" in r.problem


def test_png_exif_date(tmp_path):
    exif = Image.Exif()
    exif[0x0132] = "2024:05:01 12:00:00"
    r = inspect_file(write(tmp_path, "s.png", png_bytes(exif=exif)))
    assert (r.readable, r.meta_date, r.meta_date_source) == (True, "2024-05-01", "exif:DateTime")


def test_truncated_gif_is_unreadable(tmp_path):
    b = io.BytesIO()
    Image.effect_noise((200, 200), 64).convert("P").save(b, "GIF")
    data = b.getvalue()
    r = inspect_file(write(tmp_path, "cut.gif", data[: len(data) // 2]))
    assert (r.kind, r.readable) == ("gif", False)


# --------------------------------------------------------------------------------------------
# Office (OOXML zip), OFD, zip


def test_docx_from_python_docx(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("学雷锋志愿服务工作方案")
    d.core_properties.created = datetime(2024, 3, 15, 1, 30)  # UTC, as Word writes it
    path = tmp_path / "方案.docx"
    d.save(path)
    r = inspect_file(path)
    assert (r.kind, r.readable, r.encrypted, r.problem) == ("docx", True, False, None)
    assert (r.meta_date, r.meta_date_source) == ("2024-03-15", "office:created")
    assert extension_matches("docx", r.kind) and not extension_matches("xlsx", r.kind)


def test_docx_created_late_evening_utc_is_next_day_in_china(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.created = datetime(2024, 3, 15, 20, 0)  # 2024-03-16 04:00 Beijing
    path = tmp_path / "a.docx"
    d.save(path)
    assert inspect_file(path).meta_date == "2024-03-16"


def test_xlsx_from_openpyxl(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "台账"
    wb.properties.created = datetime(2023, 12, 1, 2, 0, tzinfo=timezone.utc)
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    r = inspect_file(path)
    assert (r.kind, r.readable, r.encrypted) == ("xlsx", True, False)
    assert (r.meta_date, r.meta_date_source) == ("2023-12-01", "office:created")


def _ooxml(parts: dict[str, bytes]) -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return b.getvalue()


def test_pptx_and_app_pages(tmp_path):
    data = _ooxml(
        {
            "[Content_Types].xml": b"<Types/>",
            "ppt/presentation.xml": b"<p/>",
            "docProps/app.xml": b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'extended-properties"><Slides>12</Slides></Properties>',
        }
    )
    r = inspect_file(write(tmp_path, "a.pptx", data))
    assert (r.kind, r.readable, r.pages, r.meta_date) == ("pptx", True, 12, None)


def test_corrupt_docx(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("x" * 5000)
    b = io.BytesIO()
    d.save(b)
    data = b.getvalue()
    r = inspect_file(write(tmp_path, "cut.docx", data[: len(data) // 2]))
    assert (r.kind, r.readable) == ("docx", False)  # kind from the local headers
    assert "Word 文档已损坏" in r.problem

    # flip a byte inside the compressed document.xml: the CRC check catches it
    z = zipfile.ZipFile(io.BytesIO(data))
    info = z.getinfo("word/document.xml")
    off = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5
    damaged = bytearray(data)
    damaged[off] ^= 0x55
    r = inspect_file(write(tmp_path, "crc.docx", bytes(damaged)))
    assert (r.kind, r.readable) == ("docx", False)


def test_ofd_and_plain_zip(tmp_path):
    ofd = _ooxml({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<d/>"})
    r = inspect_file(write(tmp_path, "发票.ofd", ofd))
    assert (r.kind, r.readable) == ("ofd", True)
    assert extension_matches("ofd", r.kind) and extension_matches("zip", r.kind)
    r = inspect_file(write(tmp_path, "a.zip", _ooxml({"a.txt": b"hello"})))
    assert (r.kind, r.readable) == ("zip", True)
    assert not extension_matches("docx", r.kind)


def test_zip_bomb_disguised_as_docx_is_stopped_before_inflating(tmp_path, monkeypatch):
    # one 11 MB member of zeros compresses about 1000:1 -> above the 200:1 limit for members > 10 MB
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        with z.open("word/document.xml", "w") as member:
            for _ in range(11):
                member.write(bytes(1 << 20))
    path = write(tmp_path, "方案.docx", b.getvalue())

    def no_reading(self, *a, **k):
        raise AssertionError("members must not be read")

    monkeypatch.setattr(zipfile.ZipFile, "testzip", no_reading)
    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    r = inspect_file(path)
    assert (r.kind, r.readable) == ("docx", False)
    assert r.problem.startswith("疑似压缩炸弹")


def test_zip_total_size_limit(tmp_path, monkeypatch):
    """Stands in for a 2 GB member: lower the 1 GB limit instead of writing gigabytes."""
    data = _ooxml({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": bytes(range(256)) * 4000})
    path = write(tmp_path, "a.xlsx", data)
    assert inspect_file(path).readable is True
    monkeypatch.setattr(insp_office, "ZIP_MAX_TOTAL", 500_000)
    r = inspect_file(path)
    assert (r.kind, r.readable) == ("xlsx", False) and r.problem.startswith("疑似压缩炸弹")


def test_real_streamed_zip64_bomb(tmp_path):
    """A real 2 GB member written by streaming (about 10 s): opt in with CIVDOC_SLOW_TESTS=1."""
    if not os.environ.get("CIVDOC_SLOW_TESTS"):
        pytest.skip("slow: set CIVDOC_SLOW_TESTS=1 to run")
    b = tmp_path / "bomb.docx"
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 24)
            for _ in range(128):
                member.write(chunk)
    r = inspect_file(b)
    assert (r.kind, r.readable) == ("docx", False) and r.problem.startswith("疑似压缩炸弹")


def test_zip_member_password(tmp_path):
    data = bytearray(_ooxml({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}))
    # set the 'encrypted' flag bit on every local and central header
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for m in re.finditer(re.escape(sig), bytes(data)):
            data[m.start() + flag_at] |= 0x01
    r = inspect_file(write(tmp_path, "p.docx", bytes(data)))
    assert (r.kind, r.readable, r.encrypted) == ("docx", True, True)


def test_core_xml_with_entities_is_ignored(tmp_path):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<cp:coreProperties xmlns:cp="x" xmlns:dcterms="http://purl.org/dc/terms/">'
        b"<dcterms:created>&lol2;</dcterms:created></cp:coreProperties>"
    )
    data = _ooxml({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "docProps/core.xml": laughs})
    r = inspect_file(write(tmp_path, "l.docx", data))
    assert (r.kind, r.readable, r.meta_date) == ("docx", True, None)


# --------------------------------------------------------------------------------------------
# OLE compound files


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal version-3 compound file ([MS-CFB]): 512-byte sectors, one FAT sector, one directory
    sector (root + up to 3 streams, linked as right siblings). Streams are padded to the 4096-byte
    mini-stream cutoff so that all of them live in regular sectors."""
    ss, free, end, fatsect = 512, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    assert len(streams) <= 3
    fat = [fatsect, end]  # sector 0: FAT, sector 1: directory
    body, entries = b"", []
    for i, (name, data) in enumerate(streams.items()):
        data = data.ljust(4096, b"\x00")
        n = -(-len(data) // ss)
        start = len(fat)
        fat += [start + k + 1 for k in range(n - 1)] + [end]
        body += data.ljust(n * ss, b"\x00")
        right = i + 2 if i + 1 < len(streams) else free
        entries.append((name, 2, start, len(data), free, right, free))
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name, typ, start, size, left, right, child):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(raw), typ, 1, left, right, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, end, 0, free, free, 1 if streams else free)
    directory += b"".join(entry(*e) for e in entries)
    directory = directory.ljust(ss, b"\x00")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + directory + body


def test_password_protected_docx_is_ooxml_encrypted(tmp_path):
    data = cfb({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x99" * 5000})
    r = inspect_file(write(tmp_path, "方案.docx", data))
    assert (r.kind, r.readable, r.encrypted) == ("ooxml-encrypted", True, True)
    assert extension_matches("docx", r.kind) and extension_matches("xlsx", r.kind)
    assert extension_matches("doc", r.kind) and not extension_matches("pdf", r.kind)


def test_real_encrypted_docx_if_msoffcrypto_is_installed(tmp_path):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    import docx

    d = docx.Document()
    plain = io.BytesIO()
    d.save(plain)
    plain.seek(0)
    out = io.BytesIO()
    ooxml.OOXMLFile(plain).encrypt("secret", out)
    r = inspect_file(write(tmp_path, "e.docx", out.getvalue()))
    assert (r.kind, r.encrypted, r.readable) == ("ooxml-encrypted", True, True)


def _fib(flags: int) -> bytes:
    # FibBase: wIdent, nFib, unused, lid, pnNext, then the flags word at offset 10
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0804, 0, flags) + b"\x00" * 8000


def test_legacy_doc_plain_and_password(tmp_path):
    r = inspect_file(write(tmp_path, "a.doc", cfb({"WordDocument": _fib(0x0200), "1Table": b"t"})))
    assert (r.kind, r.readable, r.encrypted) == ("ole", True, False)
    r = inspect_file(write(tmp_path, "b.doc", cfb({"WordDocument": _fib(0x0300), "1Table": b"t"})))
    assert (r.kind, r.readable, r.encrypted) == ("ole", True, True)
    assert extension_matches("doc", "ole") and extension_matches("wps", "ole")


def _biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", t, len(d)) + d for t, d in records)


def test_legacy_xls_filepass(tmp_path):
    bof, eof = (0x0809, b"\x00\x06\x05\x00" + b"\x00" * 12), (0x000A, b"")
    plain = _biff(bof, (0x0042, b"\xb0\x04"), (0x0085, b"\x00" * 10), eof)
    locked = _biff(bof, (0x002F, b"\x01\x00" + b"\x00" * 52), (0x0085, b"\x00" * 10), eof)
    assert inspect_file(write(tmp_path, "a.xls", cfb({"Workbook": plain}))).encrypted is False
    r = inspect_file(write(tmp_path, "b.et", cfb({"Workbook": locked})))
    assert (r.kind, r.readable, r.encrypted) == ("ole", True, True)


def test_legacy_ppt_encrypted_summary(tmp_path):
    r = inspect_file(write(tmp_path, "a.ppt", cfb({"PowerPoint Document": b"p", "EncryptedSummary": b"s"})))
    assert (r.kind, r.encrypted) == ("ole", True)


def test_ole_header_only_or_cut(tmp_path):
    data = cfb({"WordDocument": _fib(0)})
    r = inspect_file(write(tmp_path, "short.doc", data[:300]))
    assert (r.kind, r.readable) == ("ole", False) and "Office 文件已损坏" in r.problem
    # header intact, sectors missing: we only claim what the header shows
    r = inspect_file(write(tmp_path, "cut.doc", data[:512]))
    assert (r.kind, r.readable, r.encrypted) == ("ole", True, False)
    bad = bytearray(data)
    bad[28:30] = b"\x00\x00"  # byte-order mark destroyed
    r = inspect_file(write(tmp_path, "bom.doc", bytes(bad)))
    assert (r.kind, r.readable) == ("ole", False)


def test_ole_sector_loops_terminate(tmp_path):
    data = bytearray(cfb({"WordDocument": _fib(0)}))
    fat_at = 512
    data[fat_at + 4 : fat_at + 8] = struct.pack("<I", 1)  # directory sector chains to itself
    r = inspect_file(write(tmp_path, "loop.doc", bytes(data)))
    assert (r.kind, r.readable) == ("ole", True)


# --------------------------------------------------------------------------------------------
# Robustness: random damage behind every magic number


@pytest.mark.parametrize(
    "prefix",
    [
        b"%PDF-1.4\n",
        b"\xff\xd8\xff\xe0",
        b"\x89PNG\r\n\x1a\n",
        b"PK\x03\x04",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"GIF89a",
        b"II*\x00",
        b"BM\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x28\x00\x00\x00",
        b"RIFF\x00\x00\x00\x00WEBP",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    ],
)
def test_random_bytes_behind_magic_never_raise(tmp_path, prefix):
    rng = random.Random(prefix)
    for n in (0, 1, 100, 600, 5000):
        data = prefix + bytes(rng.getrandbits(8) for _ in range(n))
        r = inspect_file(write(tmp_path, "r.bin", data))
        assert r.size == len(data)
        assert r.readable or r.problem
