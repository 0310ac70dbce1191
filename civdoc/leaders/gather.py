"""What the leaders' outputs need besides the check's result: the score, the snapshot taken today, the
one to compare with and the trend across all of them (SPEC §9). Gathered once per build or check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from civdoc.leaders import history
from civdoc.leaders.score import Score, compute, summary_lines

if TYPE_CHECKING:
    from civdoc.check.evaluate import Result


@dataclass
class Leaders:
    score: Score
    today: history.Snapshot
    change: history.Change | None
    trend: list[history.Snapshot]  # earlier snapshots, oldest first (today's is not among them)
    problems: list[str] = field(default_factory=list)  # history files left out, each named


def gather(result: Result, since: date | None = None) -> Leaders:
    root = result.project.root
    score = compute(result)
    before, problems = history.pick(root, result.today, since)
    earlier, more = history.load_all(root, result.today)
    problems += more
    change = history.compare(result, before) if before else None
    return Leaders(score, history.take(result, score), change, earlier, list(dict.fromkeys(problems)))


def closing_lines(result: Result, since: date | None) -> tuple[list[str], list[str]]:
    """The score and the change for `civdoc check`'s closing summary, and the history files left out.
    A check scoped by --unit or --indicator is not compared: the snapshots hold the whole project."""
    lines = summary_lines(compute(result))
    if result.unit or result.indicator:
        return lines, []
    before, problems = history.pick(result.project.root, result.today, since)
    if before:  # today's snapshot is not taken: a check writes none
        lines.append(history.change_line(history.compare(result, before)))
    return lines, list(dict.fromkeys(problems))
