"""Text people type that civdoc stores (a reviewer's name and note): valid UTF-8, without control
characters, otherwise exactly as typed (SPEC §5, §7)."""

from __future__ import annotations

import re

from civdoc.errors import UsageError

# C0 and C1 controls (U+0085 among them), DEL, and the two noncharacters XML forbids
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROLS_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def stored_text(value: str, option: str, one_line: bool = False) -> str:
    """value as civdoc will store it; UsageError when it is not valid UTF-8 (a GBK terminal: Python hands
    such bytes over as lone surrogates, which no UTF-8 file can hold)."""
    if _SURROGATE.search(value):
        raise UsageError(
            f"{option} 的内容不是有效的 UTF-8 文字（终端可能在用 GBK 编码）。请把终端设为 UTF-8"
            "（Windows 可先运行 chcp 65001），或在台账中填写后用 civdoc review import 导入。"
        )
    return (_CONTROLS_ONE_LINE if one_line else _CONTROLS).sub("", value)
