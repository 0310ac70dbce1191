"""Titles, dates and numbers as a 公文 writes them."""

from __future__ import annotations

import re
from datetime import date


def dossier_title(name: str, unit: str | None) -> str:
    """项目名称 + 材料自查台账, without saying 材料自查 twice when the name already ends with it."""
    if unit:
        return f"{unit}材料自查台账"
    if name.endswith("台账"):
        return name
    if name.endswith("材料自查"):
        return f"{name}台账"
    return f"{name}材料自查台账"


def title_lines(title: str, per_line: float = 19.5) -> str:
    """A title too long for one line of 2号 type breaks before 材料自查台账, not wherever it overflows."""
    width = sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in title)
    suffix = "材料自查台账"
    if width > per_line and title.endswith(suffix) and len(title) > len(suffix):
        return f"{title[: -len(suffix)]}\n{suffix}"
    return title


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 25 -> 二十五 (for （一） headings)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; line breaks inside one are dropped (Chinese needs no space)."""
    blocks = re.split(r"\n\s*\n", text.strip())
    joined = ("".join(line.strip() for line in block.splitlines()) for block in blocks)
    return [p for p in joined if p]
