"""Names that become paths, and the one way civdoc joins data onto a folder (SPEC §1, §6).

A unit's name ends up in evidence/<unit>/, reviews/<unit>.yaml and out/分单位台账/<unit>.xlsx: it must be
a valid file name on Windows and Linux, and a path built from it must stay inside its folder even when
that folder (out/, reviews/) is a symbolic link.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from civdoc.errors import CivdocError

FORBIDDEN = '/\\:*?"<>|'
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # could make a name print as another
DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


class UnsafePath(CivdocError):
    """A path built from data that would leave its folder, or a target inside evidence/."""


def _char(c: str) -> str:
    return f"“{c}”" if c.isprintable() and c != " " else f"U+{ord(c):04X}"


def name_problem(name: str) -> str | None:
    """Why name cannot be a file name on Windows and Linux (a Chinese sentence), or None."""
    if name in (".", ".."):
        return f"名称不能是“{name}”。"
    bad = next((c for c in name if c in FORBIDDEN), None)
    if bad is not None:
        return (
            f"名称中不能有字符{_char(bad)}：名称会用作文件夹和文件名，"
            f'不能含 / \\ : * ? " < > | 。合署办公的单位可写成“区委宣传部（区文明办）”。'
        )
    control = next((c for c in name if unicodedata.category(c) in ("Cc", "Cs", "Cn") or c in BIDI), None)
    if control is not None:
        return f"名称中不能有控制字符或不可见字符 {_char(control)}，请删除它。"
    if name != name.strip(" .") or name != name.strip():
        return "名称的开头和结尾不能有空格或句点“.”，请删除它们。"
    stem = name.split(".", 1)[0].strip().upper()
    if stem in DEVICES:
        return f"“{name}”是 Windows 的保留设备名，不能用作文件名，请换一个名称。"
    return None


def _real(path: Path) -> str:
    return os.path.realpath(path)


def is_within(path: Path, base: Path) -> bool:
    """Whether path, with every link resolved, lies in base (itself resolved)."""
    real, top = _real(path), _real(base)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def join(base: Path, *parts: str) -> Path:
    """base/parts…, refused (UnsafePath) when a part is absolute, climbs with .., or the result leaves base."""
    for part in parts:
        pieces = part.replace("\\", "/").split("/")
        if os.path.isabs(part) or any(p in ("..",) for p in pieces) or "\0" in part:
            raise UnsafePath(f"名称“{shown(part)}”会让文件写到 {base} 之外，已拒绝。请改正名称。")
    path = base.joinpath(*parts)
    if not is_within(path, base):
        raise UnsafePath(f"{path} 会落到 {base} 之外（可能是符号链接），已拒绝写入。")
    return path


def refuse_evidence(target: Path, root: Path, what: str) -> None:
    """A target civdoc is about to write that is, or resolves into, evidence/: refused (SPEC §6)."""
    evidence = root / "evidence"
    if is_within(target, evidence) or _real(target) == _real(evidence):
        raise UnsafePath(
            f"{what} {target} 位于（或链接到）evidence/ 中。civdoc 不会往材料文件夹里写文件，"
            "否则生成的文件会被当作佐证材料。请换一个输出位置。"
        )
    # a folder that resolves to a parent of evidence/ would receive ledgers beside it: that is allowed


def refuse_outside(folder: Path, root: Path, what: str, hint: str) -> None:
    """A folder of the project (out/, reviews/) that resolves outside it: a link committed to a repository
    could otherwise make civdoc write anywhere the user can (SPEC §6)."""
    if not is_within(folder, root):
        raise UnsafePath(
            f"{what} {folder} 是指向项目之外（{_real(folder)}）的链接。civdoc 只在项目内写入，"
            f"除非您明确指定位置。{hint}"
        )


# C0 and C1 controls (ESC among them) and the bidirectional overrides that make "exe.pdf" display as
# "pdf.exe": what may not reach a terminal, a log or a message raw. Tab and newline keep their meaning.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """text with control characters escaped (\\x1b, \\u202e), for messages; every other character,
    the ideographic space included, as it is."""
    return CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
