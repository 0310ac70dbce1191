"""Photos and images (JPEG, PNG, GIF, BMP, TIFF, WebP, AVIF, HEIC): pixels, EXIF date, completeness."""

from __future__ import annotations

import struct
from typing import IO

from PIL import ExifTags, Image

from civdoc.evidence.formats.common import (
    _MIB,
    DECODE_PIXEL_LIMIT,
    MAX_PIXELS,
    P_IMAGE_BROKEN,
    P_IMAGE_HUGE,
    P_IMAGE_TRUNCATED,
    _Broken,
    _meta_date,
    _tail,
)
from civdoc.model import Inspection

_PIL_FORMATS = {
    "jpeg": ["JPEG", "MPO"],
    "png": ["PNG"],
    "gif": ["GIF"],
    "bmp": ["BMP", "DIB"],
    "tiff": ["TIFF"],
    "webp": ["WEBP"],
    "avif": ["AVIF"],
}


def _inspect_image(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
    f.seek(0)
    try:
        im = Image.open(f, formats=_PIL_FORMATS[r.kind or ""])
    except Image.DecompressionBombError:
        raise _Broken(P_IMAGE_HUGE.format(size=_claimed_size(head, r) or "像素数过大")) from None
    except Exception:
        if r.kind == "avif":  # this Pillow may lack AVIF support: a valid container, like HEIC
            return
        raise _Broken(P_IMAGE_BROKEN) from None
    with im:
        r.width, r.height = im.size
        if r.width <= 0 or r.height <= 0:
            raise _Broken(P_IMAGE_BROKEN)
        if r.width * r.height > MAX_PIXELS:
            raise _Broken(P_IMAGE_HUGE.format(size=f"{r.width}×{r.height} 像素"))

        # Dates first: PNG verify() consumes the image.
        if r.kind != "png" or "exif" in im.info:  # PNG getexif() would decode a late eXIf chunk
            found = _exif_date(im)
            if found:
                r.meta_date, r.meta_date_source = found

        if r.kind == "jpeg":
            complete = _jpeg_complete(f, size)
            if complete is None:  # odd marker layout: let libjpeg judge, at 1/8 scale
                im.draft(im.mode, (max(1, r.width // 8), max(1, r.height // 8)))
                complete = _decodes(im)
        elif r.kind == "png":
            try:
                im.verify()  # every chunk's CRC, up to IEND; no inflate
                complete = True
            except Exception:
                complete = False
        elif r.width * r.height <= DECODE_PIXEL_LIMIT:
            complete = _decodes(im)
        else:
            complete = True  # too big to decode cheaply; the header was sound
    if not complete:
        raise _Broken(P_IMAGE_TRUNCATED)


def _decodes(im: Image.Image) -> bool:
    try:
        im.load()
        return True
    except Image.DecompressionBombError:
        raise _Broken(P_IMAGE_HUGE.format(size=f"{im.width}×{im.height} 像素")) from None
    except Exception:
        return False


def _exif_date(im: Image.Image) -> tuple[str, str] | None:
    """DateTimeOriginal (in the Exif IFD), else DateTime (IFD0). Broken EXIF gives None."""
    try:
        exif = im.getexif()
    except Exception:
        return None
    try:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:
        sub = {}
    for ifd, tag, source in ((sub, 0x9003, "exif:DateTimeOriginal"), (exif, 0x0132, "exif:DateTime")):
        try:
            value = ifd.get(tag)
        except Exception:
            continue
        if isinstance(value, (tuple, list)) and value:
            value = value[0]
        found = _meta_date(value)
        if found:
            return found, source
    return None


def _jpeg_complete(f: IO[bytes], size: int) -> bool | None:
    """Whether the first scan's data is followed by an EOI marker. Entropy-coded data stuffs every
    0xFF with 0x00 (or a restart marker), so 0xFFD9 after the start of scan is the real end of image.
    A photo cut short by a failed copy or upload has none; data after EOI (an embedded motion-photo
    video) is fine. None when the marker layout is unusual and libjpeg should decide."""
    pos = 2
    for _ in range(10_000):
        f.seek(pos)
        seg = f.read(4)
        if len(seg) < 2:
            return False
        if seg[0] != 0xFF:
            return None
        marker = seg[1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            pos += 2
            continue
        if marker == 0xD9:  # EOI before any scan: a header without an image
            return False
        if len(seg) < 4:
            return False
        (length,) = struct.unpack(">H", seg[2:4])
        if length < 2:
            return None
        pos += 2 + length
        if marker == 0xDA:
            break
    else:
        return None
    if pos > size:
        return False
    tail = _tail(f, size, 65536)
    start = size - len(tail)
    if tail.find(b"\xff\xd9", max(0, pos - start)) >= 0:
        return True
    f.seek(pos)  # no EOI near the end: look through the rest (a trailer after EOI, or truncation)
    prev = b""
    while chunk := f.read(_MIB):
        if (prev + chunk).find(b"\xff\xd9") >= 0:
            return True
        prev = chunk[-1:]
    return False


def _claimed_size(head: bytes, r: Inspection) -> str | None:
    """Width x height from a PNG IHDR, for the message when Pillow refuses to open the image."""
    if r.kind == "png" and len(head) >= 24 and head[12:16] == b"IHDR":
        w, h = struct.unpack_from(">II", head, 16)
        r.width, r.height = w, h
        return f"{w}×{h} 像素"
    return None


# ---------------------------------------------------------------------------------------------
# HEIC: a valid container is readable (Pillow alone cannot decode HEVC); the primary item's `ispe`
# property gives its size. No date: the EXIF item would need the item location table.


def _inspect_heic(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
    try:
        dims = _heic_size(f, size)
    except Exception:
        dims = None
    if dims:
        r.width, r.height = dims


def _boxes(buf: bytes, start: int, end: int):
    pos = start
    while pos + 8 <= end:
        n, typ = struct.unpack_from(">I4s", buf, pos)
        hdr = 8
        if n == 1:
            (n,) = struct.unpack_from(">Q", buf, pos + 8)
            hdr = 16
        elif n == 0:
            n = end - pos
        if n < hdr or pos + n > end:
            return
        yield typ, pos + hdr, pos + n
        pos += n


def _heic_size(f: IO[bytes], size: int) -> tuple[int, int] | None:
    f.seek(0)
    top = f.read(min(size, 1 << 16))
    meta = next(((s, e) for t, s, e in _boxes(top, 0, len(top)) if t == b"meta"), None)
    if meta is None:
        return None
    primary, props, assoc = None, [], {}
    for typ, s, e in _boxes(top, meta[0] + 4, meta[1]):  # meta is a full box
        if typ == b"pitm":
            primary = struct.unpack_from(">H" if top[s] == 0 else ">I", top, s + 4)[0]
        elif typ == b"iprp":
            for t2, s2, e2 in _boxes(top, s, e):
                if t2 == b"ipco":
                    props = [(t3, s3) for t3, s3, _ in _boxes(top, s2, e2)]
                elif t2 == b"ipma":
                    version, flags = top[s2], int.from_bytes(top[s2 + 1 : s2 + 4], "big")
                    (count,) = struct.unpack_from(">I", top, s2 + 4)
                    p = s2 + 8
                    for _ in range(count):
                        if version < 1:
                            (item,) = struct.unpack_from(">H", top, p)
                            p += 2
                        else:
                            (item,) = struct.unpack_from(">I", top, p)
                            p += 4
                        n = top[p]
                        p += 1
                        idx = []
                        for _ in range(n):
                            if flags & 1:
                                idx.append(struct.unpack_from(">H", top, p)[0] & 0x7FFF)
                                p += 2
                            else:
                                idx.append(top[p] & 0x7F)
                                p += 1
                        assoc[item] = idx
    for i in assoc.get(primary, []):
        if 1 <= i <= len(props) and props[i - 1][0] == b"ispe":
            return struct.unpack_from(">II", top, props[i - 1][1] + 4)
    return None


# ---------------------------------------------------------------------------------------------
# Zip containers: docx, xlsx, pptx, ofd, zip
