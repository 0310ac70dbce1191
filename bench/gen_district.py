#!/usr/bin/env python3
"""Generate a synthetic district for benchmarking civdoc: civdoc.yaml, indicators/*.yaml and an
evidence/ tree in the SPEC §3 layout (evidence/<单位>/<测评项目>/<指标>/<file>).

Every file is small but REAL: one tiny valid PDF, JPEG (with EXIF), DOCX and XLSX is made once
(pypdf, Pillow, python-docx, openpyxl), then written many times with a fixed-width counter patched
into it, so every file has its own hash while generation stays as fast as writing bytes:

* PDF: the counter is the /Title string of the document information dictionary (same length, so
  the cross-reference offsets stay right);
* JPEG: a COM (comment) segment after the APPn segments;
* DOCX / XLSX: the zip archive comment (no member, hence no CRC, changes).

Optional large files (--large N --large-mb M) are PDFs holding one incompressible image stream,
written from random bytes: what a scanned dossier looks like to a hash.

    python bench/gen_district.py --files 50000 --out bench/work/d50k

Items (unit x indicator pairs a unit is responsible for) default to files / 10; the file types are
spread over the items so that each item gets the mix given by --mix.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import shutil
import struct
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO

TYPES = ("pdf", "jpeg", "docx", "xlsx")
EXT = {"pdf": "pdf", "jpeg": "jpg", "docx": "docx", "xlsx": "xlsx"}
# what a file of each type is called in its folder, so each lands on a requirement by keyword
STEM = {"pdf": "工作方案", "jpeg": "活动照片", "docx": "会议纪要", "xlsx": "统计表"}
PERIOD = (date(2023, 8, 1), date(2024, 7, 31))
LAST_DATE = date(2024, 5, 31)  # benchmarks run with --today 2024-06-01: no file is in the future
COUNTER = 10  # digits of the per-file counter


# ---------------------------------------------------------------------------------------------
# Templates: one real file per type, and where its counter goes


@dataclass
class Template:
    head: bytes
    tail: bytes

    def make(self, n: int) -> bytes:
        return self.head + b"%0*d" % (COUNTER, n) + self.tail


MARKER = b"9" * COUNTER


def _split(data: bytes, marker: bytes) -> Template:
    if data.count(marker) != 1:
        raise SystemExit("template: the counter placeholder must occur exactly once")
    at = data.index(marker)
    return Template(data[:at], data[at + len(marker) :])


def pdf_template() -> Template:
    """A one-page scan: a grey page image, as a scanner's PDF holds it."""
    from PIL import Image, ImageDraw

    im = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(im)
    for y in range(80, 800, 24):  # lines of "text"
        draw.line([(60, y), (560 - (y * 7) % 160, y)], fill=40, width=2)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=60)
    return _split(scan_pdf(buf.getvalue(), 620, 877, "DeviceGray", MARKER), MARKER)


def jpeg_template() -> Template:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (1280, 720), (200, 220, 235))
    draw = ImageDraw.Draw(im)
    for i in range(0, 1280, 80):  # some structure, so it compresses like a (very plain) photo
        draw.line([(i, 0), (1280 - i, 720)], fill=(i % 255, 120, 90), width=3)
    draw.rectangle([400, 300, 880, 600], fill=(150, 60, 40))
    exif = Image.Exif()
    exif[0x0132] = "2024:03:15 10:00:00"
    exif.get_ifd(0x8769)[0x9003] = "2024:03:15 09:30:00"
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80, exif=exif)
    data = buf.getvalue()
    pos = 2  # after SOI; skip APPn segments, insert the COM segment before the tables
    while data[pos] == 0xFF and 0xE0 <= data[pos + 1] <= 0xEF:
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    com = b"\xff\xfe" + struct.pack(">H", 2 + len(b"civdoc bench ") + COUNTER) + b"civdoc bench "
    return Template(data[:pos] + com, data[pos:])


def _zip_comment_template(data: bytes) -> Template:
    if data[-22:-18] != b"PK\x05\x06":
        raise SystemExit("unexpected zip layout (the archive already has a comment)")
    comment = b"civdoc bench "
    return Template(data[:-2] + struct.pack("<H", len(comment) + COUNTER) + comment, b"")


def docx_template() -> Template:
    import docx

    doc = docx.Document()
    doc.core_properties.created = datetime(2024, 3, 15, 1, 30)
    doc.add_heading("关于召开创建全国文明城市工作推进会的会议纪要", 1)
    for i in range(5):
        doc.add_paragraph(f"第{i + 1}项：会议研究部署了测评材料报送工作，明确责任分工和完成时限。")
    buf = io.BytesIO()
    doc.save(buf)
    return _zip_comment_template(buf.getvalue())


def xlsx_template() -> Template:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "统计表"
    ws.append(["序号", "活动名称", "日期", "参与人数"])
    for i in range(1, 21):
        ws.append([i, f"志愿服务活动{i}", f"2024-03-{i:02d}", 20 + i])
    wb.properties.created = datetime(2024, 3, 15, 1, 30)
    buf = io.BytesIO()
    wb.save(buf)
    return _zip_comment_template(buf.getvalue())


def _pdf_objects(width: int, height: int, space: str, length: int, title: bytes) -> tuple[list[bytes], int]:
    """The objects of a one-page PDF showing one JPEG image of `length` bytes, and which one holds it
    (its body ends where the image data goes)."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /%s /BitsPerComponent 8 "
        b"/Filter /DCTDecode /Length %d >>\nstream\n" % (width, height, space.encode(), length),
        b"<< /Length 35 >>\nstream\nq 595 0 0 842 0 0 cm /Im1 Do Q\nendstream",
        b"<< /Title (" + title + b") /Producer (civdoc bench) /CreationDate (D:20240315093000+08'00') >>",
    ], 3


def _write_pdf(out: IO[bytes], objs: list[bytes], image_at: int, image: Iterable[bytes]) -> None:
    """Write the PDF, streaming the image data, with a correct cross-reference table."""
    pos = 0

    def put(data: bytes) -> None:
        nonlocal pos
        out.write(data)
        pos += len(data)

    put(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objs):
        offsets.append(pos)
        put(b"%d 0 obj\n" % (i + 1) + obj)
        if i == image_at:
            for chunk in image:
                put(chunk)
            put(b"\nendstream")
        put(b"\nendobj\n")
    xref = pos
    put(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    put(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    put(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))


def scan_pdf(image: bytes, width: int, height: int, space: str, title: bytes) -> bytes:
    """A valid one-page PDF showing one JPEG image, with its own cross-reference table."""
    objs, at = _pdf_objects(width, height, space, len(image), title)
    buf = io.BytesIO()
    _write_pdf(buf, objs, at, [image])
    return buf.getvalue()


def write_large_pdf(path: Path, size: int, rng: random.Random, n: int) -> int:
    """A PDF of about `size` bytes: one page showing one (random, incompressible) image stream,
    written in chunks so that no more than a chunk is ever in memory. Returns its size."""
    length = max(1024, size - 1024)
    chunk = 16 << 20

    def image() -> Iterator[bytes]:
        yield b"\xff\xd8\xff\xe0"
        left = length - 4
        while left > 0:
            step = min(chunk, left)
            yield rng.randbytes(step)
            left -= step

    objs, at = _pdf_objects(2480, 3508, "DeviceRGB", length, b"%0*d" % (COUNTER, n))
    with open(path, "wb") as fh:
        _write_pdf(fh, objs, at, image())
    return path.stat().st_size


# ---------------------------------------------------------------------------------------------
# The project


def parse_mix(text: str) -> dict[str, float]:
    mix: dict[str, float] = {}
    for part in text.split(","):
        name, _, share = part.partition(":")
        name = {"jpg": "jpeg"}.get(name.strip().lower(), name.strip().lower())
        if name not in TYPES:
            raise SystemExit(f"--mix: unknown type {name!r} (use {', '.join(TYPES)})")
        mix[name] = float(share)
    total = sum(mix.values())
    if total <= 0:
        raise SystemExit("--mix: the shares must add up to more than 0")
    return {k: v / total for k, v in mix.items() if v > 0}


def interleave(mix: dict[str, float], n: int) -> list[str]:
    """n types in the proportions of mix, evenly spread (largest deficit first)."""
    counts = dict.fromkeys(mix, 0)
    out = []
    for i in range(1, n + 1):
        kind = max(mix, key=lambda k: mix[k] * i - counts[k])
        counts[kind] += 1
        out.append(kind)
    return out


def unit_names(n: int) -> list[str]:
    return [f"区单位{i:03d}" for i in range(1, n + 1)]


def indicator_ids(n: int) -> list[tuple[int, str]]:
    """(aspect number, id) for n indicators, ten to an aspect: 1.1 … 1.10, 2.1 …"""
    return [(i // 10 + 1, f"{i // 10 + 1}.{i % 10 + 1}") for i in range(n)]


def write_config(out: Path, units: list[str], files: int) -> None:
    lines = [
        f"name: 基准测试区材料自查（{files} 个文件）",
        "period: {{start: {}, end: {}}}".format(*PERIOD),
        "deadline: 2024-07-15",
        "layout: unit/indicator",
        "units:",
        *[f"  - name: {u}" for u in units],
        "limits:",
        "  max_file_mb: 50",
        "rules:",
        "  P506: info",
        "",
    ]
    (out / "civdoc.yaml").write_text("\n".join(lines), encoding="utf-8")


REQUIREMENTS = """    requirements:
      - name: 工作方案
        kind: 正式发文
        match: [方案]
        types: [pdf, docx]
      - name: 会议纪要
        kind: 会议纪要
        match: [纪要]
        types: [pdf, docx]
      - name: 统计表格
        kind: 统计表格
        match: [统计]
      - name: 活动照片
        kind: 实景图片
        min: 3
        match: [照片]
"""


def write_indicators(out: Path, ids: list[tuple[int, str]], responsible: dict[str, list[str]]) -> None:
    folder = out / "indicators"
    folder.mkdir(parents=True, exist_ok=True)
    by_aspect: dict[int, list[str]] = {}
    for aspect, ident in ids:
        by_aspect.setdefault(aspect, []).append(ident)
    for aspect, idents in by_aspect.items():
        text = [f"aspect: 测评项目{aspect}", f"order: {aspect}", "indicators:"]
        for ident in idents:
            units = responsible[ident]
            text += [
                f'  - id: "{ident}"',
                f"    content: 测评内容{ident}",
                "    standards:",
                f"      - 按要求开展测评内容{ident}的各项工作，材料齐全。",
                "    method: 材料审核",
                "    score: 1",
                f"    lead: {units[0]}",
                f"    units: [{', '.join(units)}]",
            ]
            text.append(REQUIREMENTS.rstrip("\n"))
        (folder / f"{aspect:02d}-测评项目{aspect}.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")


def generate(
    out: Path,
    files: int,
    units: int,
    indicators: int,
    items: int,
    mix: dict[str, float],
    large: int,
    large_mb: float,
    seed: int = 2024,
    quiet: bool = False,
) -> dict[str, int]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(seed)
    names = unit_names(units)
    ids = indicator_ids(indicators)
    items = max(1, min(items, units * indicators))

    # items: spread evenly, so every unit is responsible for about items / units indicators
    per_indicator = [items // indicators + (1 if i < items % indicators else 0) for i in range(indicators)]
    responsible: dict[str, list[str]] = {}
    cursor = 0
    for (_, ident), k in zip(ids, per_indicator):
        k = max(1, min(k, units))
        responsible[ident] = [names[(cursor + j) % units] for j in range(k)]
        cursor += k
    write_config(out, names, files)
    write_indicators(out, ids, responsible)

    templates = {"pdf": pdf_template(), "jpeg": jpeg_template(), "docx": docx_template(), "xlsx": xlsx_template()}
    pairs = [(u, aspect, ident) for aspect, ident in ids for u in responsible[ident]]
    kinds = interleave(mix, files)
    span = (LAST_DATE - PERIOD[0]).days
    evidence = out / "evidence"
    stats = dict.fromkeys(TYPES, 0)
    stats["bytes"] = 0
    made: set[str] = set()
    per_item = files / len(pairs)
    n = 0
    for index, (unit, aspect, ident) in enumerate(pairs):
        upto = round((index + 1) * per_item)
        if upto <= n:
            continue
        folder = evidence / unit / f"{aspect:02d} 测评项目{aspect}" / f"{ident} 测评内容{ident}"
        if str(folder) not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(str(folder))
        day = PERIOD[0] + timedelta(days=rng.randrange(span))
        while n < upto:
            kind = kinds[n]
            name = f"{day.isoformat()} {STEM[kind]}{n:06d}.{EXT[kind]}"
            data = templates[kind].make(n)
            with open(folder / name, "wb") as fh:
                fh.write(data)
            stats[kind] += 1
            stats["bytes"] += len(data)
            n += 1
        if not quiet and index % 500 == 0:
            print(f"\r  {n}/{files} files", end="", file=sys.stderr, flush=True)
    if not quiet:
        print(f"\r  {n}/{files} files", file=sys.stderr)

    # large files: scans of whole dossiers, in the first responsible unit's first item folders
    for i in range(large):
        unit, aspect, ident = pairs[i % len(pairs)]
        folder = evidence / unit / f"{aspect:02d} 测评项目{aspect}" / f"{ident} 测评内容{ident}"
        folder.mkdir(parents=True, exist_ok=True)
        written = write_large_pdf(
            folder / f"2024-03-15 工作方案扫描件L{i:03d}.pdf", int(large_mb * 1024 * 1024), rng, i
        )
        stats["large"] = stats.get("large", 0) + 1
        stats["bytes"] += written
    stats["items"] = len(pairs)
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--files", type=int, default=50_000, help="small evidence files (default 50000)")
    ap.add_argument("--units", type=int, default=100, help="units (default 100)")
    ap.add_argument("--indicators", type=int, default=100, help="indicators, ten per 测评项目 (default 100)")
    ap.add_argument(
        "--items",
        type=int,
        default=None,
        help="unit x indicator items (default files / 10; at least one per indicator)",
    )
    ap.add_argument("--mix", default="pdf:0.4,jpeg:0.4,docx:0.1,xlsx:0.1", help="file types and their shares")
    ap.add_argument("--large", type=int, default=0, help="large PDF scans to add (default 0)")
    ap.add_argument("--large-mb", type=float, default=256, help="size of each large file in MB (default 256)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--out", type=Path, required=True, help="project folder to (re)create")
    args = ap.parse_args(argv)
    items = args.items if args.items is not None else max(1, math.ceil(args.files / 10))
    started = time.perf_counter()
    stats = generate(
        args.out,
        args.files,
        args.units,
        args.indicators,
        items,
        parse_mix(args.mix),
        args.large,
        args.large_mb,
        args.seed,
    )
    took = time.perf_counter() - started
    print(
        f"{args.out}: {stats['items']} items, "
        + ", ".join(f"{stats[t]} {t}" for t in TYPES)
        + (f", {stats['large']} large" if stats.get("large") else "")
        + f"; {stats['bytes'] / 1e6:.0f} MB in {took:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
