"""Text that reaches XML (xlsx, docx, JUnit) must be XML 1.0: no C0 controls but tab, newline and
carriage return, no surrogates, no U+FFFE or U+FFFF (openpyxl's own pattern misses the last two)."""

from __future__ import annotations

import re

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_legal(text: str) -> str:
    """text with every character XML cannot hold removed."""
    return ILLEGAL.sub("", text) if ILLEGAL.search(text) else text


def xml_shown(text: str) -> str:
    """text with every character XML cannot hold written as \\xNN or \\uNNNN, so a reader sees it."""
    if not ILLEGAL.search(text):
        return text
    return ILLEGAL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )
