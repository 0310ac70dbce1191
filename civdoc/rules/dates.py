"""T4xx: is each file dated inside its indicator's window?"""

from __future__ import annotations

from datetime import date

from civdoc.evidence.match import DATE_SOURCES
from civdoc.evidence.namedates import impossible_date
from civdoc.findings import finding
from civdoc.model import EvidenceFile, Finding


def date_finding(file: EvidenceFile, window: tuple[date, date], today: date) -> Finding | None:
    start, end = window
    span = file.date
    if span is None:
        return finding(
            "T402",
            "无法确定文件日期（文件名、文件夹名和文件属性中都没有日期）。"
            "请在文件名开头加上日期，例如“2024-03-15 活动方案.pdf”。",
        )
    source = DATE_SOURCES.get(file.date_source or "", file.date_source or "")
    if not span.overlaps(start, end):
        return finding(
            "T401",
            f"文件日期 {span.label()}（来自{source}）不在 {start} 至 {end} 的时间范围内，不能计入。"
            "请换用时间范围内的材料；如果日期写错了，请改正文件名中的日期。",
        )
    if span.start > today:
        return finding(
            "T403", f"文件日期 {span.label()}（来自{source}）晚于今天（{today}），可能写错了。请核对文件名中的日期。"
        )
    return None


def impossible_name_date(file: EvidenceFile) -> Finding | None:
    """T402's other case: the name holds a date that is none (2026-13-05), so it cannot date the file."""
    name = file.path.rsplit("/", 1)[-1]
    written = impossible_date(name)
    if written is None:
        return None
    if file.date is None:
        fallback = "文件夹名和文件属性中也没有日期，无法确定文件日期"
    else:
        source = DATE_SOURCES.get(file.date_source or "", file.date_source or "")
        fallback = f"现按{source}的日期 {file.date.label()} 计算"
    return finding("T402", f"文件名中的“{written}”不是有效的日期，{fallback}。请改正文件名中的日期。")
