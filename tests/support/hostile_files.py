"""Hostile files, made on the fly: each returns bytes or writes into a folder."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def pdf(objects: list[bytes], root: int = 1, info: int | None = None) -> bytes:
    """A PDF with a correct cross-reference table for the given object bodies (numbered from 1)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, root)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_page_dag(levels: int = 12, fanout: int = 16, count: bytes = b"-1") -> bytes:
    """A page tree whose every node lists the next node `fanout` times: fanout**levels pages if
    anything walks it, and a /Count that cannot be trusted, so a reader is tempted to."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        _me, child = 2 + level, 3 + level
        kids = b" ".join([b"%d 0 R" % child] * fanout)
        objs.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + count + b" >>")
    objs.append(b"<< /Type /Page /MediaBox [0 0 595 842] >>")
    return pdf(objs)


def pdf_self_loop() -> bytes:
    """/Pages whose first kid is itself, with a huge /Count."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 2 0 R] /Count 999999999999 >>"])


def pdf_deep_nesting(depth: int = 200_000) -> bytes:
    """An /Info value nested `depth` arrays deep: a recursive parser runs out of stack."""
    deep = b"[" * depth + b"]" * depth
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Title " + deep + b" /CreationDate (D:20240315) >>",
        ],
        info=4,
    )


def png_header(width: int, height: int) -> bytes:
    """A PNG whose IHDR (valid CRC) claims width x height, followed by a tiny IDAT and IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    """A baseline JPEG header claiming width x height (SOF0), with no real scan data."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    return b"\xff\xd8" + dqt + sof + b"\xff\xd9"


def _docx_parts() -> dict[str, bytes]:
    return {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="xml" ContentType="application/xml"/></Types>',
        "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
    }


def docx_bomb(member_mb: int = 300) -> bytes:
    """A .docx holding a member that inflates `member_mb` MB of zeros from about a thousandth of it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _docx_parts().items():
            zf.writestr(name, data)
        with zf.open("word/media/image1.png", "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(member_mb):
                member.write(block)
    return buf.getvalue()


def docx_lying_sizes(declared: int = 0xFFFF0000) -> bytes:
    """A small .docx whose central directory claims a member inflates to `declared` bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _docx_parts().items():
            zf.writestr(name, data)
        zf.writestr("word/media/big.bin", b"\x00" * 4096)
    data = bytearray(buf.getvalue())
    at = data.rindex(b"PK\x01\x02")  # the last central directory entry: word/media/big.bin
    struct.pack_into("<I", data, at + 24, declared)  # uncompressed size
    return bytes(data)
