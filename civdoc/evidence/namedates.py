"""Dates written in file and folder names: 2024-03-15, 2024.03.15, 2024_03_15, 20240315, 2024年3月15日,
and whole months 2024年3月 / 2024-03."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from functools import lru_cache

from civdoc.model import Span

_DAY = [
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(\d{4})[-._](\d{1,2})[-._](\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"),
]
_MONTH = [
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月"),
    re.compile(r"(?<!\d)(\d{4})[-.](\d{1,2})(?![\d])"),
]
_YEARS = range(1990, 2101)
# every pattern above in one, days first: its leftmost match is the answer whenever that match is a
# valid date, which is nearly always; otherwise the full search below decides
_ANY = re.compile("|".join(f"(?:{p.pattern})" for p in _DAY + _MONTH))
# the last group of each alternative -> (first group, is a day); m.lastindex tells which one matched
_ALTERNATIVE: dict[int, tuple[int, bool]] = {}
_first = 1
for _i, _p in enumerate(_DAY + _MONTH):
    _ALTERNATIVE[_first + _p.groups - 1] = (_first, _i < len(_DAY))
    _first += _p.groups


def date_in_name(name: str) -> Span | None:
    """The leftmost date in a name; at the same position a day beats a month."""
    text = unicodedata.normalize("NFKC", name)
    first = _ANY.search(text)
    if first is None:
        return None
    at, is_day = _ALTERNATIVE[first.lastindex or 0]
    if is_day:
        day = _day(*first.group(at, at + 1, at + 2))
        quick = Span(day, day) if day else None
    else:
        quick = _month(*first.group(at, at + 1))
    return quick if quick is not None else _search(text)


# date-like text that may be no date at all: 2026-13-05, 2026年2月30日, 20261305 (years civdoc takes)
_LIKE = [
    (re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), True),
    (re.compile(r"(?<!\d)((?:19|20)\d{2})[-._](\d{1,2})[-._](\d{1,2})(?!\d)"), True),
    (re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"), True),
    (re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d)"), False),
]


def impossible_date(name: str) -> str | None:
    """The first text in a name written as a date that is none (month 13, 30 February), as written."""
    text = unicodedata.normalize("NFKC", name)
    for pattern, is_day in _LIKE:
        for m in pattern.finditer(text):
            y, mo = m.group(1), m.group(2)
            bad = _day(y, mo, m.group(3)) is None if is_day else _month(y, mo) is None
            if bad and (is_day or not 1 <= int(mo) <= 12):
                return m.group(0)
    return None


@lru_cache(maxsize=1 << 14)
def date_in_folder(name: str) -> Span | None:
    """date_in_name for folder names, which come back for every file below them."""
    return date_in_name(name)


def _search(text: str) -> Span | None:
    """Every pattern everywhere: for names whose first date-like text is not a real date."""
    found: list[tuple[int, int, Span]] = []
    for pattern in _DAY:
        for m in pattern.finditer(text):
            day = _day(*m.groups())
            if day:
                found.append((m.start(), 0, Span(day, day)))
    for pattern in _MONTH:
        for m in pattern.finditer(text):
            month = _month(*m.groups())
            if month:
                found.append((m.start(), 1, month))
    if not found:
        return None
    return min(found, key=lambda f: (f[0], f[1]))[2]


def _day(y: str, m: str, d: str) -> date | None:
    if int(y) not in _YEARS:
        return None
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _month(y: str, m: str) -> Span | None:
    year, month = int(y), int(m)
    if year not in _YEARS or not 1 <= month <= 12:
        return None
    return Span(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
