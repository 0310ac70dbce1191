"""history/<YYYY-MM-DD>.json: one snapshot per build day (SPEC §9), and what changed since one.

A snapshot is small and meant to be committed: the summary, each item's status, the unwaived findings
counted by code and unit, and the overall score. Keys are sorted and each entry sits on its own line,
so a diff between two weeks reads well. Snapshots live in the repository, so they are read as untrusted
input: one that does not parse or does not have the expected shape is named and left out, never a crash.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civdoc.errors import CivdocError, UsageError
from civdoc.leaders.progress import OVERDUE, item_states
from civdoc.model import NO_UNIT
from civdoc.store.atomic import write_text

if TYPE_CHECKING:
    from civdoc.check.evaluate import Result
    from civdoc.leaders.score import Score

FOLDER = "history"
SCHEMA_VERSION = 1
MAX_BYTES = 64 * 1024 * 1024
STATES = {"complete", "incomplete", "overdue", "not_required"}
SCORE_KEYS = ("possible", "secured", "at_risk", "bonus", "deduction", "net")
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")


class HistoryError(CivdocError):
    """A snapshot that cannot be used."""


@dataclass
class Snapshot:
    day: date
    summary: dict[str, int]
    items: dict[str, dict[str, str]]  # unit -> indicator -> complete | incomplete | overdue | not_required
    findings: dict[str, dict[str, int]]  # code -> unit -> unwaived findings
    score: dict[str, float] | None = None

    @property
    def rate(self) -> float | None:
        required = self.summary.get("required_items", 0)
        return self.summary.get("complete_items", 0) / required if required else None

    def unit_rate(self, unit: str) -> float | None:
        states = [s for s in self.items.get(unit, {}).values() if s != "not_required"]
        return sum(s == "complete" for s in states) / len(states) if states else None

    def problems(self) -> Counter[tuple[str, str]]:
        return Counter({(code, unit): n for code, units in self.findings.items() for unit, n in units.items()})

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "date": self.day.isoformat(),
            "summary": self.summary,
            "items": self.items,
            "findings": self.findings,
            "score": self.score,
        }


def take(result: Result, score: Score) -> Snapshot:
    states = item_states(result)
    items: dict[str, dict[str, str]] = {}
    for (unit, ident), state in states.items():
        items.setdefault(unit, {})[ident] = state
    findings: dict[str, dict[str, int]] = {}
    for (code, unit), n in open_problems(result).items():
        findings.setdefault(code, {})[unit] = n
    required = [s for s in states.values() if s != "not_required"]
    summary = {
        "units": len({u for u, _ in states}),
        "indicators": len({i for _, i in states}),
        "items": len(states),
        "required_items": len(required),
        "complete_items": sum(s == "complete" for s in required),
        "overdue_items": sum(s == OVERDUE for s in required),
        "errors": result.count("error"),
        "warnings": result.count("warning"),
        "infos": result.count("info"),
        "waived": result.waived,
    }
    overall = score.overall.to_dict() if score.scored else None
    kept = {k: overall[k] for k in SCORE_KEYS} if overall else None
    return Snapshot(result.today, summary, items, findings, kept)


def open_problems(result: Result) -> Counter[tuple[str, str]]:
    """Unwaived errors and warnings by (code, unit): what 问题 means in a 通报 (infos such as a review
    not yet signed are not problems)."""
    return Counter(
        (f.code, f.unit or NO_UNIT) for f in result.findings if not f.waived and f.severity in ("error", "warning")
    )


def to_json(snapshot: Snapshot) -> str:
    return json.dumps(snapshot.to_dict(), ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def folder(root: Path) -> Path:
    """history/ at the project root; refused when it leads outside the project or into evidence/."""
    target = root / FOLDER
    real, project = Path(os.path.realpath(target)), Path(os.path.realpath(root))
    evidence = Path(os.path.realpath(root / "evidence"))
    if not real.is_relative_to(project) or real.is_relative_to(evidence):
        raise CivdocError(
            f"{FOLDER}/ 指向项目以外或 evidence/ 中（{real}）。civdoc 不会把历史记录写到那里，"
            f"请把 {FOLDER} 改为项目中的普通文件夹。"
        )
    return target


def write(root: Path, snapshot: Snapshot) -> Path:
    """history/<date>.json, atomically; the last build of a day replaces that day's snapshot."""
    path = folder(root) / f"{snapshot.day.isoformat()}.json"
    try:
        write_text(path, to_json(snapshot))
    except OSError as exc:
        raise CivdocError(
            f"无法写入进展记录 {FOLDER}/{path.name}（{exc.strerror or exc}）。"
            f"请确认 {FOLDER} 是项目中可写的文件夹。out/ 中的文件已生成。"
        ) from None
    return path


@dataclass
class Found:
    """The snapshots that could be read, by date, and a sentence for each file that could not."""

    snapshots: dict[date, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def listing(root: Path) -> Found:
    found = Found()
    base = root / FOLDER
    if not base.is_dir():
        return found
    for path in sorted(base.iterdir()):
        if path.name.startswith(".") or path.suffix != ".json":
            continue
        match = _NAME.match(path.name)
        day = _day(match.group(1)) if match else None
        if day is None:
            found.problems.append(f"{FOLDER}/{path.name} 的文件名不是“年-月-日.json”，已忽略。")
            continue
        found.snapshots[day] = path
    return found


def load(root: Path, path: Path) -> Snapshot:
    """One snapshot; HistoryError names the file and what is wrong with it."""
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        data = json.loads(_read(path))
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: [[[[… nested past the stack
        raise HistoryError(f"{shown} 无法读取（{_why(exc)}），已忽略。") from None
    try:
        return _parse(data, path)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise HistoryError(f"{shown} 的内容不是 civdoc 写的历史记录（{exc}），已忽略。") from None


def pick(root: Path, today: date, since: date | None) -> tuple[Snapshot | None, list[str]]:
    """The snapshot to compare with: --since's, else the latest one before today. Unusable files are
    named in the returned sentences and skipped; an unusable --since snapshot is a usage error."""
    found = listing(root)
    problems = list(found.problems)
    if since is not None:
        path = found.snapshots.get(since)
        if path is None:
            days = "、".join(d.isoformat() for d in sorted(found.snapshots)) or "（无）"
            raise UsageError(f"没有 {since.isoformat()} 的历史记录 {FOLDER}/{since.isoformat()}.json。已有：{days}。")
        try:
            return load(root, path), problems
        except HistoryError as exc:
            raise UsageError(str(exc).replace("已忽略。", "请换一个 --since 日期。")) from None
    for day in sorted((d for d in found.snapshots if d < today), reverse=True):
        try:
            return load(root, found.snapshots[day]), problems
        except HistoryError as exc:
            problems.append(str(exc))
    return None, problems


def load_all(root: Path, before: date) -> tuple[list[Snapshot], list[str]]:
    """Every usable snapshot dated before `before`, oldest first (the dashboard's trend)."""
    found = listing(root)
    snapshots, problems = [], list(found.problems)
    for day in sorted(d for d in found.snapshots if d < before):
        try:
            snapshots.append(load(root, found.snapshots[day]))
        except HistoryError as exc:
            problems.append(str(exc))
    return snapshots, problems


def _read(path: Path) -> bytes:
    """Only a regular file of bounded size: a FIFO or a device is refused without blocking."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError("不是普通文件")
        if info.st_size > MAX_BYTES:
            raise OSError("文件过大")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    finally:
        os.close(fd)


def _why(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 文本"
    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行 JSON 格式有误"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, RecursionError):
        return "嵌套层数过多"
    return str(exc)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse(data: Any, path: Path) -> Snapshot:
    if not isinstance(data, dict):
        raise TypeError("应是一个 JSON 对象")
    day = _day(str(data["date"]))
    if day is None or f"{day.isoformat()}.json" != path.name:
        raise ValueError(f"其中的日期“{data['date']}”与文件名不符")
    summary = {str(k): _count(v) for k, v in _mapping(data["summary"]).items()}
    items: dict[str, dict[str, str]] = {}
    for unit, states in _mapping(data["items"]).items():
        items[str(unit)] = {}
        for ident, state in _mapping(states).items():
            if state not in STATES:
                raise ValueError(f"事项状态“{state}”无法识别")
            items[str(unit)][str(ident)] = state
    findings = {
        str(code): {str(u): _count(n) for u, n in _mapping(units).items()}
        for code, units in _mapping(data["findings"]).items()
    }
    raw_score = data.get("score")
    score = None
    if raw_score is not None:
        score = {k: _points(v) for k, v in _mapping(raw_score).items() if k in SCORE_KEYS}
    return Snapshot(day, summary, items, findings, score)


def _mapping(value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"“{str(value)[:20]}”应是一个 JSON 对象")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"“{str(value)[:20]}”应是非负整数")
    return value


def _points(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"“{str(value)[:20]}”应是数字")
    return float(value)


# -- what changed ------------------------------------------------------------------------------------


@dataclass
class Change:
    since: Snapshot
    rate_before: float | None
    rate_now: float | None
    newly_complete: list[tuple[str, str]]  # (unit, indicator), in the result's order
    no_longer_complete: list[tuple[str, str]]
    new_problems: Counter[tuple[str, str]]  # (code, unit) -> how many more than then
    solved: int  # how many fewer, summed over (code, unit)

    @property
    def new_problem_count(self) -> int:
        return sum(self.new_problems.values())

    def unit_rate_before(self, unit: str) -> float | None:
        return self.since.unit_rate(unit)


def compare(result: Result, since: Snapshot) -> Change:
    states = item_states(result)
    before = {(u, i): s for u, items in since.items.items() for i, s in items.items()}
    newly = [k for k, s in states.items() if s == "complete" and before.get(k) != "complete"]
    lost = [k for k, s in states.items() if s in ("incomplete", "overdue") and before.get(k) == "complete"]
    now = open_problems(result)
    then = since.problems()
    grown = Counter({k: n - then.get(k, 0) for k, n in now.items() if n > then.get(k, 0)})
    solved = sum(n - now.get(k, 0) for k, n in then.items() if n > now.get(k, 0))
    required = [s for s in states.values() if s != "not_required"]
    rate_now = sum(s == "complete" for s in required) / len(required) if required else None
    return Change(since, since.rate, rate_now, newly, lost, grown, solved)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def change_line(change: Change) -> str:
    """完成率 62% → 71%，新完成 5 项，新发现问题 3 条 — the terminal's closing sentence."""
    parts = [
        f"完成率 {percent(change.rate_before)} → {percent(change.rate_now)}",
        f"新完成 {len(change.newly_complete)} 项",
    ]
    if change.no_longer_complete:
        parts.append(f"由已完成变为未完成 {len(change.no_longer_complete)} 项")
    parts.append(f"新发现问题 {change.new_problem_count} 条")
    if change.solved:
        parts.append(f"已解决 {change.solved} 条")
    return f"与 {change.since.day.isoformat()} 相比：" + "，".join(parts) + "。"
