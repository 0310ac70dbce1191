"""The kind of a file from its first bytes (magic numbers), never from its name."""

from __future__ import annotations

import struct

_HEIC_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"hevx", b"heim", b"heis"}
_AVIF_BRANDS = {b"avif", b"avis"}


def _sniff(head: bytes) -> str | None:
    """The kind from the first bytes. zip and ole are refined by their inspectors."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head[:2] == b"BM" and len(head) >= 18:
        (dib,) = struct.unpack_from("<I", head, 14)
        if dib in (12, 16, 40, 52, 56, 64, 108, 124):
            return "bmp"
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": "webp", b"AVI ": "avi", b"WAVE": "wav"}.get(head[8:12])
    if head[4:8] == b"ftyp" and len(head) >= 12:
        return _ftyp_kind(head)
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"ID3") or _mpeg_audio_frame(head):
        return "mp3"
    return None


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, then no reserved version, layer, bitrate or rate."""
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate != 15 and rate != 3


def _ftyp_kind(head: bytes) -> str:
    (box,) = struct.unpack_from(">I", head, 0)
    box = max(16, min(box, len(head)))
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, box - 3, 4)}
    if major in _AVIF_BRANDS or (b"avif" in brands and not brands & (_HEIC_BRANDS - {b"mif1", b"msf1"})):
        return "avif"
    if brands & _HEIC_BRANDS and major not in (b"qt  ", b"isom", b"mp41", b"mp42"):
        return "heic"
    if major == b"qt  ":
        return "mov"
    return "mp4"


# ---------------------------------------------------------------------------------------------
# Dates
