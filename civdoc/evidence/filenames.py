"""How names on disk are shown, recovered and matched: a name people can read (display), the exact
path of a name that prints alike (exact), a Chinese name recovered from GBK/cp437 mojibake (unmangle),
and the registered unit a misnamed folder most likely means (nearest_unit, differing).
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata

from civdoc.project.load import Project
from civdoc.project.names import norm


def display(name: str) -> str:
    """A printable form of a file or folder name.

    * bytes that are not UTF-8 (surrogate-escaped by Python) are decoded as GBK, the encoding of
      names in zips made on Chinese Windows; failing that, undecodable bytes are shown as \\xNN;
    * a name garbled by an extractor that read GBK or UTF-8 bytes as code page 437 is recovered;
    * control characters (a newline in a name) are shown escaped.
    """
    if name.isascii():
        return name if name.isprintable() else escape_controls(name)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        try:
            shown = raw.decode("gbk")
        except UnicodeDecodeError:
            shown = raw.decode("utf-8", "backslashreplace")
    else:
        # a garbled name is all code page 437, whose last character is U+25A0: Chinese is not
        shown = (unmangle(name) or name) if max(name) <= "\u25a0" else name
    return shown if shown.isprintable() else escape_controls(shown)


def escape_controls(name: str) -> str:
    # Cn: U+FFFE, U+FFFF and the like, which XML cannot hold
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in ("Cc", "Cn") else c for c in name
    )


def exact(name: str) -> str:
    """A name as an unambiguous, printable key (fingerprints: SPEC §5): itself when printable and
    without a backslash; else every backslash doubled and every other non-printable character or
    undecodable byte written \\xNN / \\uNNNN, so two names that print alike stay two keys."""
    if name.isprintable() and "\\" not in name:
        return name
    out = []
    for c in name:
        if c == "\\":
            out.append("\\\\")
        elif "\udc80" <= c <= "\udcff":  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        elif not c.isprintable():
            out.append(c.encode("unicode_escape").decode("ascii") if ord(c) > 0xFF else f"\\x{ord(c):02x}")
        else:
            out.append(c)
    return "".join(out)


# cp437 characters that no real name uses but every garbled one is full of: box drawing, blocks,
# Greek and mathematical signs (0xB0–0xFE). Accented letters (0x80–0xA8) alone prove nothing.
CP437_GARBLE = re.compile("[\u2500-\u259f\u0393-\u03c6\u2219-\u2320\u00b1\u00b2\u00b7\u00f7\u207f\u25a0]")
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def unmangle(name: str) -> str | None:
    """The real name behind one garbled by reading GBK or UTF-8 bytes as code page 437, if it
    confidently is one: the bytes must decode strictly, and to Chinese."""
    if not CP437_GARBLE.search(name):
        return None
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return None
    for encoding in ("utf-8", "gbk"):
        try:
            fixed = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        extra = [c for c in fixed if not c.isascii()]
        if extra and all(_CJK.match(c) for c in extra):
            return fixed
    return None


def nearest_unit(project: Project, name: str) -> tuple[str, str, bool] | None:
    """The registered unit a folder name was most likely meant as: (unit, the name it is closest to,
    whether that is clear: close enough, and no other unit nearly as close)."""
    wanted = norm(name)[:200]
    best: dict[str, tuple[float, str]] = {}
    for unit in project.config.units:
        for written in [unit.name, *unit.aliases]:
            ratio = difflib.SequenceMatcher(None, wanted, norm(written)).ratio()
            if ratio > best.get(unit.name, (0.0, ""))[0]:
                best[unit.name] = (ratio, written)
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
    if not ranked or ranked[0][1][0] < 0.5:
        return None
    meant, (ratio, written) = ranked[0]
    runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
    return meant, written, ratio >= 0.6 and runner_up <= ratio - 0.15


def differing(written: str, meant: str) -> str:
    """Where two names differ, said in characters: "（“肓”应为“育”）", since 肓 and 育 print alike."""
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, written, meant).get_opcodes():
        if op == "replace":
            parts.append(f"“{written[a1:a2]}”应为“{meant[b1:b2]}”")
        elif op == "delete":
            parts.append(f"多了“{written[a1:a2]}”")
        elif op == "insert":
            parts.append(f"少了“{meant[b1:b2]}”")
    if not parts or len(parts) > 3:
        return ""
    return "（" + "，".join(parts) + "）"
