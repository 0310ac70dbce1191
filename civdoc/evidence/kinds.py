"""Which detected kinds each file extension may hold (F302): a file named .pdf must be a PDF.

Kept apart from inspect.py so that judging a file does not import the parsers.
"""

from __future__ import annotations

OFFICE_ENCRYPTED = "ooxml-encrypted"
KINDS_FOR_EXT: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "jpg": frozenset({"jpeg"}),
    "jpeg": frozenset({"jpeg"}),
    "jpe": frozenset({"jpeg"}),
    "jfif": frozenset({"jpeg"}),
    "png": frozenset({"png"}),
    "gif": frozenset({"gif"}),
    "bmp": frozenset({"bmp"}),
    "tif": frozenset({"tiff"}),
    "tiff": frozenset({"tiff"}),
    "webp": frozenset({"webp"}),
    "heic": frozenset({"heic"}),
    "heif": frozenset({"heic"}),
    "avif": frozenset({"avif"}),
    "docx": frozenset({"docx", OFFICE_ENCRYPTED}),
    "xlsx": frozenset({"xlsx", OFFICE_ENCRYPTED}),
    "pptx": frozenset({"pptx", OFFICE_ENCRYPTED}),
    "doc": frozenset({"ole", OFFICE_ENCRYPTED}),
    "xls": frozenset({"ole", OFFICE_ENCRYPTED}),
    "ppt": frozenset({"ole", OFFICE_ENCRYPTED}),
    "dps": frozenset({"ole", OFFICE_ENCRYPTED, "pptx"}),  # WPS 演示
    "wps": frozenset({"ole", OFFICE_ENCRYPTED, "docx"}),  # newer WPS may save OOXML under .wps
    "et": frozenset({"ole", OFFICE_ENCRYPTED, "xlsx"}),  # ... and under .et
    "ofd": frozenset({"ofd"}),
    "zip": frozenset({"zip", "docx", "xlsx", "pptx", "ofd"}),
    "rar": frozenset({"rar"}),
    "7z": frozenset({"7z"}),
    "mp4": frozenset({"mp4", "mov"}),
    "m4v": frozenset({"mp4", "mov"}),
    "mov": frozenset({"mov", "mp4"}),
    "avi": frozenset({"avi"}),
    "mp3": frozenset({"mp3"}),
    "wav": frozenset({"wav"}),
}


def extension_matches(ext: str, kind: str | None) -> bool:
    """Whether a lower-case extension (without the dot) agrees with the detected kind.

    True when either is unknown: we only call a file renamed when we know both what its name says and
    what its bytes are.
    """
    if kind is None:
        return True
    allowed = KINDS_FOR_EXT.get(ext.lower().lstrip("."))
    return allowed is None or kind in allowed
