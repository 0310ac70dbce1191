"""How wide text is and how many lines it takes in a column: column widths and row heights."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any


class _CharWidths(dict):
    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WFA" else 1
        return width


_CHAR_WIDTH = _CharWidths()


def _line_width(line: str) -> int:
    return len(line) if line.isascii() else sum(map(_CHAR_WIDTH.__getitem__, line))


def text_width(value: Any) -> float:
    """Display width of the widest line: CJK and full-width characters count 2, and so do the ambiguous
    ones (“”、×、≥、—), which Chinese fonts draw full width."""
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        value = f"{value:g}"
    text = value if isinstance(value, str) else str(value)
    if "\n" not in text:
        return _line_width(text)
    return max(map(_line_width, text.split("\n")))


LINE_POINTS = 15.0  # one line of 10 pt 宋体 (its Noto CJK stand-in needs 14.5), with room to spare
POINTS_PER_WIDTH = 5.25  # a column width unit: 7 pixels of Calibri 11 (the Normal style), 3/4 pt each
CELL_PADDING = 4.0  # points of a cell kept clear of text


def row_height(lines: int) -> float:
    return max(18.0, lines * LINE_POINTS + 6)


def half_ems(col_width: float, font_size: float) -> float:
    """How many half-ems of text at font_size fit a column, a little to spare so that no program wraps
    a line civdoc measured again."""
    return max((col_width * POINTS_PER_WIDTH - CELL_PADDING) / (font_size / 2) * 0.95, 2)


def line_count(value: Any, width: float) -> int:
    """How many lines a wrapped cell needs at a column width: rows are sized by civdoc, since neither
    Excel nor LibreOffice re-measures wrapped rows of a generated file reliably."""
    if value is None or value == "":
        return 1
    if isinstance(value, (date, int, float)):
        return 1
    return _lines(str(value), max(width - 0.5, 2))


def _lines(text: str, usable: float) -> int:
    if "\n" not in text:
        if len(text) * 2 <= usable:  # no character is wider than 2
            return 1
        return max(1, int(-(-_line_width(text) // usable)))
    return sum(max(1, int(-(-_line_width(line) // usable))) for line in text.split("\n"))
