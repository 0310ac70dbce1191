"""Review records read as untrusted input (SPEC §5): each record is checked field by field, and what
civdoc cannot honour exactly is a D102/D105 problem with file and line, never silently ignored."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from civdoc.errors import DefinitionProblem
from civdoc.project.names import norm
from civdoc.project.yamlsrc import Source, dotted

DECISIONS = ("通过", "退回")
TEXT_FIELDS = ("by", "note", "fingerprint", "via", "source")
KNOWN_FIELDS = ("indicator", "stage", "decision", "by", "at", "note", "fingerprint", "files", "forced", "via", "source")
RESTORE = "请勿手工改写此文件；可从备份或版本库历史中恢复，或删除这条记录后重新签署。"


def check_record(
    rec: dict[str, Any], i: int, source: Source, stages: list[str] | None, indicators: dict[str, str] | None
) -> tuple[dict[str, Any] | None, list[DefinitionProblem]]:
    """The record as civdoc uses it (indicator as its canonical id, at as text), or None with why."""
    problems: list[DefinitionProblem] = []

    def problem(code: str, key: str | None, message: str) -> None:
        loc = (i, key) if key else (i,)
        problems.append(DefinitionProblem(code, source.file, source.line(loc), dotted(loc), f"{message}{RESTORE}"))

    for key in rec:
        if key not in KNOWN_FIELDS:
            problem("D102", str(key), f"审核记录中有 civdoc 不认识的字段“{key}”。")
    ident = source.raw.get((i, "indicator"), rec["indicator"])
    if not isinstance(ident, (str, int, float)) or isinstance(ident, bool):
        problem("D102", "indicator", "indicator 应是指标编号（文本）。")
    elif indicators is not None and norm(str(ident)) not in indicators:
        problem("D105", "indicator", f"指标编号“{ident}”不存在（指标可能已删除或改了编号）。")
    else:
        ident = indicators[norm(str(ident))] if indicators is not None else str(ident)
    if not isinstance(rec["stage"], str) or (stages is not None and rec["stage"] not in stages):
        allowed = f"可选：{'、'.join(stages)}。" if stages else ""
        problem("D105", "stage", f"审核阶段“{rec['stage']}”不存在。{allowed}")
    if rec["decision"] not in DECISIONS:
        problem("D105", "decision", f"审核结论“{rec['decision']}”无法识别，只能是“通过”或“退回”。")
    for key in TEXT_FIELDS:
        if key in rec and rec[key] is not None and not isinstance(rec[key], str):
            problem("D102", key, f"{key} 应是文本，实际是“{_shown(rec[key])}”。")
    if isinstance(rec.get("by"), str) and not rec["by"].strip():
        problem("D102", "by", "审核人（by）不能为空。")
    at = rec["at"]
    if isinstance(at, (datetime, date)):  # written unquoted by hand: YAML makes it a timestamp
        at = at.isoformat()
    elif not isinstance(at, str) or not _iso(at):
        problem("D105", "at", f"签署时间“{_shown(at)}”无法识别，应写成 2024-05-10T09:30:00+08:00 的形式。")
    files = rec.get("files")
    if files is not None and not (
        isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    ):
        problem("D102", "files", "files 应是“文件路径: sha256:…”的映射。")
    if "forced" in rec and not isinstance(rec["forced"], bool):
        problem("D102", "forced", "forced 应是 true 或 false。")
    if problems:
        return None, problems
    return {**rec, "indicator": ident, "at": at}, []


def stray_files(root: Path, units: list[str]) -> list[DefinitionProblem]:
    """reviews/*.yaml files named after no unit (a unit renamed, a copy): their records would count for
    nothing without a word."""
    folder = root / "reviews"
    try:
        names = [
            e.name for e in os.scandir(folder) if e.name.endswith((".yaml", ".yml")) and not e.name.startswith(".")
        ]
    except OSError:  # no reviews/ yet
        return []
    known = set(units)
    return [
        DefinitionProblem(
            "D105",
            f"reviews/{name}",
            None,
            "",
            f"审核记录文件“{name}”不属于任何已登记的单位（单位可能已改名或删除），其中的签署不会被计入。"
            "单位改名时，请把该文件改为 reviews/<新名称>.yaml；"
            "确实不再需要时，请把它移出 reviews/ 文件夹。",
        )
        for name in sorted(names)
        if name.rsplit(".", 1)[0] not in known
    ]


def indicator_lookup(ids: Iterable[str]) -> dict[str, str]:
    return {norm(ident): ident for ident in ids}


def _iso(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, bytes) else str(value)
    return text[:60]
