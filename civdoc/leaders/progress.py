"""Progress as leaders read it (SPEC §9): each item's state and each unit's figures, shared by the
history snapshot, the 工作进展通报 and the dashboard so that all three count alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from civdoc.model import NO_UNIT

if TYPE_CHECKING:
    from civdoc.check.evaluate import Result
    from civdoc.model import Item

COMPLETE, INCOMPLETE, OVERDUE, NOT_REQUIRED = "complete", "incomplete", "overdue", "not_required"


@dataclass
class UnitProgress:
    name: str
    required: int = 0  # 应报
    complete: int = 0  # 已完成
    overdue: int = 0  # 逾期
    problems: int = 0  # unwaived errors and warnings
    errors: int = 0

    @property
    def incomplete(self) -> int:
        return self.required - self.complete

    @property
    def rate(self) -> float | None:
        return self.complete / self.required if self.required else None


def item_states(result: Result) -> dict[tuple[str, str], str]:
    """complete / incomplete / overdue / not_required for every item. Overdue: incomplete after its
    deadline with a gap no waiver covers (a whole unit folder missing counts, though it makes no S701)."""
    open_gaps = {(f.unit, f.indicator) for f in result.findings if f.code.startswith("C") and not f.waived}
    missing = {f.unit for f in result.findings if f.code == "C201" and not f.waived}
    states: dict[tuple[str, str], str] = {}
    for item in result.items:
        state = item.status
        if (
            state == INCOMPLETE
            and _late(item, result)
            and ((item.unit, item.indicator) in open_gaps or item.unit in missing)
        ):
            state = OVERDUE
        states[(item.unit, item.indicator)] = state
    return states


def _late(item: Item, result: Result) -> bool:
    return item.deadline is not None and item.deadline < result.today


def unit_progress(result: Result, states: dict[tuple[str, str], str] | None = None) -> dict[str, UnitProgress]:
    """Every unit with a required item or an open problem, in civdoc.yaml's order."""
    states = states if states is not None else item_states(result)
    units = {u: UnitProgress(u) for u in result.project.unit_names}
    for (unit, _), state in states.items():
        p = units.setdefault(unit, UnitProgress(unit))
        if state == NOT_REQUIRED:
            continue
        p.required += 1
        p.complete += state == COMPLETE
        p.overdue += state == OVERDUE
    for f in result.findings:
        if f.waived or f.severity not in ("error", "warning"):
            continue
        p = units.setdefault(f.unit or NO_UNIT, UnitProgress(f.unit or NO_UNIT))
        p.problems += 1
        p.errors += f.severity == "error"
    return {name: p for name, p in units.items() if p.required or p.problems}


def ranked(units: dict[str, UnitProgress], order: list[str]) -> list[UnitProgress]:
    """Highest completion rate first; on a tie, fewer overdue, then fewer problems, then civdoc.yaml's order."""
    position = {name: i for i, name in enumerate(order)}
    return sorted(
        units.values(),
        key=lambda p: (
            -(p.rate if p.rate is not None else -1),
            p.overdue,
            p.problems,
            position.get(p.name, len(position)),
        ),
    )


def rate_text(rate: float | None) -> str:
    """71.4%: one decimal, as an office writes a completion rate."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
