"""A requirement's photos as one A4 PDF, one photo per page with a Chinese caption (照片集).

The PDF is written object by object to the file, so a photo set of any size needs the memory of one
photo: reportlab's canvas would hold every image until it saves. Text uses the CID font STSong-Light
(UniGB-UCS2-H), which every PDF reader provides: no font file is embedded. reportlab measures the text.

Photo data is kept: a JPEG is embedded as its original bytes (DCTDecode) and the page's matrix turns it
as its EXIF orientation says, so even a 200-megapixel photo is never decoded in full; a CMYK JPEG is
re-encoded at quality 95; other images (PNG) are embedded losslessly (FlateDecode). Nothing is scaled
down: the page scales the image, not the pixels.
Output is deterministic: no dates, no random ids.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageFile, ImageOps

PAGE_W, PAGE_H = 595.2756, 841.8898  # A4 in points
MARGIN = 48.0
TITLE_SIZE = 12.0
CAPTION_SIZE = 10.5
LINE_GAP = 1.45
FONT = "STSong-Light"
JPEG_QUALITY = 95
_CHUNK = 1 << 20

# STSong-Light as reportlab writes it (Adobe's metrics): widths of the proportional Latin glyphs
_FONT_OBJECT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [ << "
    b"/Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 0 >> /DW 1000 "
    b"/FontDescriptor << /Type /FontDescriptor /FontName /STSongStd-Light /Flags 6 /FontBBox [ -25 -254 1000 880 ] "
    b"/ItalicAngle 0 /Ascent 752 /Descent -271 /CapHeight 737 /StemV 58 /XHeight 553 /MissingWidth 500 >> "
    b"/W [ 1 [ 207 270 342 467 462 797 710 239 374 ] 10 [ 374 423 605 238 375 238 334 462 ] 18 26 462 27 28 238 "
    b"29 31 605 32 [ 344 748 684 560 695 739 563 511 729 793 318 312 666 526 896 758 772 544 772 628 "
    b"465 607 753 711 972 647 620 607 374 333 374 606 500 239 417 503 427 529 415 264 444 518 241 230 495 228 "
    b"793 527 524 ] 81 [ 524 504 338 336 277 517 450 652 466 452 407 370 258 370 605 ] ] >> ] >>"
)


@dataclass
class Photo:
    path: Path  # the photo to read (the package's copy)
    caption: list[str]  # lines under the photo


@dataclass
class Outcome:
    pages: int = 0
    skipped: list[tuple[Photo, str]] = field(default_factory=list)  # photos Pillow could not decode, and why


def _width(text: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return float(pdfmetrics.stringWidth(text, FONT, size))


def wrap(text: str, size: float, width: float) -> list[str]:
    """text in lines no wider than width (Chinese breaks anywhere; good enough for names and dates)."""
    lines, line = [], ""
    for ch in text:
        if line and _width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line or not lines else lines


def _pdf_text(text: str) -> bytes:
    """UCS-2 big-endian hex; characters outside the BMP (rare ideographs) print as □."""
    safe = "".join(ch if ord(ch) < 0x10000 else "□" for ch in text)
    return b"<" + safe.encode("utf-16-be").hex().upper().encode("ascii") + b">"


class _Writer:
    """Numbered objects written in turn; the cross-reference table at the end."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.pos = 0
        self.offsets: dict[int, int] = {}
        self.count = 0
        self._put(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _put(self, data: bytes) -> None:
        self.out.write(data)
        self.pos += len(data)

    def reserve(self) -> int:
        self.count += 1
        return self.count

    def obj(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.pos
        self._put(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def stream(self, number: int, head: bytes, chunks: Iterable[bytes], length: int) -> None:
        self.offsets[number] = self.pos
        self._put(b"%d 0 obj\n<< " % number + head + b" /Length %d >>\nstream\n" % length)
        written = 0
        for chunk in chunks:
            self._put(chunk)
            written += len(chunk)
        if written != length:
            raise OSError(f"照片数据在写入时发生变化（应为 {length} 字节，实为 {written} 字节）")
        self._put(b"\nendstream\nendobj\n")

    def finish(self, root: int) -> None:
        start = self.pos
        size = self.count + 1
        table = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        table += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, size)]
        self._put(b"".join(table))
        self._put(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, start))


@dataclass
class _Image:
    width: int
    height: int
    head: bytes  # the image dictionary without /Length
    source: Path | None  # embed bytes of this file as they are: all of it, or the ranges
    data: bytes = b""  # else these bytes
    orientation: int = 1  # EXIF orientation the page applies when it places the stored image
    ranges: list[tuple[int, int]] | None = None  # (offset, length) of the parts of source to embed

    @property
    def upright(self) -> tuple[int, int]:
        """Width and height as the photo is seen: orientations 5 to 8 turn it a quarter."""
        return (self.height, self.width) if self.orientation in (5, 6, 7, 8) else (self.width, self.height)

    @property
    def length(self) -> int:
        if self.source is None:
            return len(self.data)
        if self.ranges is not None:
            return sum(n for _, n in self.ranges)
        return self.source.stat().st_size

    def chunks(self) -> Iterable[bytes]:
        if self.source is None:
            yield self.data
            return
        with open(self.source, "rb") as f:
            for offset, length in self.ranges if self.ranges is not None else [(0, -1)]:
                f.seek(offset)
                left = length
                while left != 0:
                    chunk = f.read(_CHUNK if left < 0 else min(_CHUNK, left))
                    if not chunk:
                        break
                    yield chunk
                    left -= len(chunk) if left > 0 else 0


_SPACES = {"L": b"/DeviceGray", "RGB": b"/DeviceRGB"}


def _load(path: Path) -> _Image:
    """The photo ready to embed, turned upright; raises when Pillow cannot decode it."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with Image.open(path) as im:
        try:
            orientation = int(im.getexif().get(0x0112, 1) or 1)
        except Exception:  # broken EXIF: the photo is shown as stored
            orientation = 1
        if im.format == "JPEG" and im.mode in _SPACES:
            # the whole entropy-coded stream is decoded (at 1/8 scale, fast) to prove it is sound; the
            # original bytes are embedded and the page turns them (_placement): no re-encoding at any size
            w, h = im.size
            im.draft(im.mode, (max(1, w // 8), max(1, h // 8)))
            im.load()
            head = (
                b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 "
                b"/Filter /DCTDecode" % (w, h, _SPACES[im.mode])
            )
            return _Image(w, h, head, path, orientation=orientation if orientation in _TURNS else 1)
        if im.format == "PNG":
            plain = _plain_png(path, im)
            if plain is not None:
                plain.orientation = orientation if orientation in _TURNS else 1
                return plain
        im.load()
        upright = ImageOps.exif_transpose(im) if orientation not in (0, 1) else im
        if upright.mode in ("RGBA", "LA", "P", "PA") or "transparency" in upright.info:
            rgba = upright.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            upright = flat
        elif upright.mode not in _SPACES:
            upright = upright.convert("RGB")
        w, h = upright.size
        space = _SPACES[upright.mode]
        if im.format == "JPEG":
            buf = io.BytesIO()
            upright.save(buf, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=False)
            head = (
                b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 "
                b"/Filter /DCTDecode" % (w, h, space)
            )
            return _Image(w, h, head, None, buf.getvalue())
        data = zlib.compress(upright.tobytes(), 6)
        head = (
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 "
            b"/Filter /FlateDecode" % (w, h, space)
        )
        return _Image(w, h, head, None, data)


def _plain_png(path: Path, im: Image.Image) -> _Image | None:
    """An 8-bit grey or RGB PNG without interlacing or transparency: its IDAT data is a PDF Flate stream
    with PNG predictors, embedded as it is (no decoding, no re-compression). Others return None."""
    if im.mode not in _SPACES or im.info.get("interlace") or "transparency" in im.info:
        return None
    with open(path, "rb") as f:
        head = f.read(33)
        if len(head) < 33 or head[8:16] != b"\x00\x00\x00\rIHDR" or head[24] != 8 or head[25] not in (0, 2):
            return None
        ranges = []
        pos = 8
        while True:
            f.seek(pos)
            header = f.read(8)
            if len(header) < 8:
                return None
            length, kind = int.from_bytes(header[:4], "big"), header[4:]
            if kind == b"IDAT":
                ranges.append((pos + 8, length))
            elif kind == b"IEND":
                break
            pos += 12 + length
    w, h = im.size
    colours = 1 if im.mode == "L" else 3
    image = _Image(w, h, b"", path, ranges=ranges)
    if not ranges or not _inflates_to(image.chunks(), h * (1 + w * colours)):
        raise ValueError("PNG 图像数据不完整")  # a PNG whose data does not decode is no photo for the set
    head_dict = (
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 "
        b"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent 8 /Columns %d >>"
        % (w, h, _SPACES[im.mode], colours, w)
    )
    image.head = head_dict
    return image


def _inflates_to(chunks: Iterable[bytes], size: int) -> bool:
    """Whether a zlib stream, read piece by piece (never whole in memory), ends and gives size bytes."""
    inflater = zlib.decompressobj()
    total = 0
    try:
        for chunk in chunks:
            while chunk:
                total += len(inflater.decompress(chunk, _CHUNK))
                chunk = inflater.unconsumed_tail
                if total > size:
                    return False
    except zlib.error:
        return False
    return inflater.eof and total == size


def _text(x: float, y: float, size: float, text: str) -> bytes:
    return b"BT /F1 %.2f Tf %.2f %.2f Td %s Tj ET\n" % (size, x, y, _pdf_text(text))


def _page_content(image: _Image, title: str, counter: str, caption: list[str]) -> bytes:
    usable = PAGE_W - 2 * MARGIN
    parts = [b"0 g\n"]
    top = PAGE_H - MARGIN - TITLE_SIZE
    title_room = usable - _width(counter, TITLE_SIZE) - 18
    title_lines = wrap(title, TITLE_SIZE, title_room)[:2]
    for n, line in enumerate(title_lines):
        parts.append(_text(MARGIN, top - n * TITLE_SIZE * LINE_GAP, TITLE_SIZE, line))
    parts.append(_text(PAGE_W - MARGIN - _width(counter, TITLE_SIZE), top, TITLE_SIZE, counter))
    rule_y = top - (len(title_lines) - 1) * TITLE_SIZE * LINE_GAP - 8
    parts.append(b"0.5 w 0.6 G %.2f %.2f m %.2f %.2f l S\n" % (MARGIN, rule_y, PAGE_W - MARGIN, rule_y))
    lines = [wrapped for line in caption for wrapped in wrap(line, CAPTION_SIZE, usable)]
    caption_h = len(lines) * CAPTION_SIZE * LINE_GAP
    for n, line in enumerate(lines):
        parts.append(_text(MARGIN, MARGIN + caption_h - (n + 1) * CAPTION_SIZE * LINE_GAP + 3, CAPTION_SIZE, line))
    box_bottom = MARGIN + caption_h + 14
    box_top = rule_y - 14
    box_w, box_h = usable, box_top - box_bottom
    seen_w, seen_h = image.upright
    scale = min(box_w / seen_w, box_h / seen_h)
    w, h = seen_w * scale, seen_h * scale
    x = MARGIN + (box_w - w) / 2
    y = box_bottom + (box_h - h) / 2
    parts.append(b"q %.4f %.4f %.4f %.4f %.4f %.4f cm /Im0 Do Q\n" % _placement(image.orientation, x, y, w, h))
    return b"".join(parts)


# EXIF orientation -> where a point (u, v) of the stored image (unit square, v up) is seen: (X, Y) as
# (coefficient of u, of v, constant) each. 2 mirrors, 3 turns half, 4 flips, 5 transposes, 6 turns a
# quarter clockwise, 7 transverses, 8 turns a quarter anticlockwise (as ImageOps.exif_transpose does).
_TURNS: dict[int, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    1: ((1, 0, 0), (0, 1, 0)),
    2: ((-1, 0, 1), (0, 1, 0)),
    3: ((-1, 0, 1), (0, -1, 1)),
    4: ((1, 0, 0), (0, -1, 1)),
    5: ((0, -1, 1), (-1, 0, 1)),
    6: ((0, 1, 0), (-1, 0, 1)),
    7: ((0, 1, 0), (1, 0, 0)),
    8: ((0, -1, 1), (1, 0, 0)),
}


def _placement(orientation: int, x: float, y: float, w: float, h: float) -> tuple[float, ...]:
    """The `cm` matrix that draws the stored image upright in the box (x, y, w, h)."""
    (xu, xv, x0), (yu, yv, y0) = _TURNS.get(orientation, _TURNS[1])
    return (w * xu, h * yu, w * xv, h * yv, x + w * x0, y + h * y0)


def write_photobook(target: Path, title: str, photos: list[Photo]) -> Outcome:
    """Write the PDF of the photos Pillow can decode; nothing is written when none can."""
    outcome = Outcome()
    ready: list[Photo] = []
    for photo in photos:  # the header first: a set with no photo Pillow can read writes no file
        try:
            with Image.open(photo.path):
                pass
            ready.append(photo)
        except Exception as exc:  # noqa: BLE001 - any decoder failure means: not in the 照片集
            outcome.skipped.append((photo, _why(exc)))
    if not ready:
        return outcome
    with open(target, "wb") as out:
        pdf = _Writer(out)
        catalog, pages, font = pdf.reserve(), pdf.reserve(), pdf.reserve()
        pdf.obj(font, _FONT_OBJECT)
        kids: list[int] = []
        for photo in ready:
            try:
                image = _load(photo.path)
            except Exception as exc:  # noqa: BLE001 - decodes the header, fails on the data
                outcome.skipped.append((photo, _why(exc)))
                continue
            kids.append(_page(pdf, pages, font, image, title, f"第 {len(kids) + 1} 张", photo.caption))
            del image
        total = len(kids)
        pdf.obj(pages, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (total, b" ".join(b"%d 0 R" % k for k in kids)))
        pdf.obj(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
        pdf.finish(catalog)
    outcome.pages = total
    if total == 0:
        target.unlink()
    return outcome


def _page(pdf: _Writer, pages: int, font: int, image: _Image, title: str, counter: str, caption: list[str]) -> int:
    img, content, page = pdf.reserve(), pdf.reserve(), pdf.reserve()
    pdf.stream(img, image.head, image.chunks(), image.length)
    body = _page_content(image, title, counter, caption)
    pdf.stream(content, b"", [body], len(body))
    pdf.obj(
        page,
        b"<< /Type /Page /Parent %d 0 R /MediaBox [ 0 0 %.4f %.4f ] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im0 %d 0 R >> "
        b"/ProcSet [ /PDF /Text /ImageC ] >> >>" % (pages, PAGE_W, PAGE_H, content, font, img),
    )
    return page


def _why(exc: Exception) -> str:
    if isinstance(exc, Image.UnidentifiedImageError):
        return "照片格式无法识别（如苹果手机的 HEIC 照片），未放入照片集，原文件已单独打包"
    if isinstance(exc, Image.DecompressionBombError):
        return "照片像素过多，无法排入照片集，原文件已单独打包"
    return "照片数据损坏、无法完整解码，未放入照片集，原文件已单独打包"
