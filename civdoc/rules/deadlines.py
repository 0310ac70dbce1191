"""S7xx: items still incomplete as their deadline comes near or passes."""

from __future__ import annotations

from datetime import date

from civdoc.findings import finding
from civdoc.model import Finding, Item

DUE_SOON_DAYS = 7


def deadline_finding(item: Item, today: date) -> Finding | None:
    if item.status != "incomplete" or item.deadline is None:
        return None
    days = (item.deadline - today).days
    if days < 0:
        return finding(
            "S701",
            f"完成时限 {item.deadline} 已过 {-days} 天，材料仍不齐全。请尽快补齐。",
            unit=item.unit,
            indicator=item.indicator,
        )
    if days <= DUE_SOON_DAYS:
        return finding(
            "S702",
            f"距完成时限 {item.deadline} 还有 {days} 天，材料仍不齐全。请抓紧补齐。",
            unit=item.unit,
            indicator=item.indicator,
        )
    return None
