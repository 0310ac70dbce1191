"""Where a unit stands after a collect, for its receipt: items to supply and done, errors, warnings and
the material still missing. Computed from the check that follows the collect."""

from __future__ import annotations

from dataclasses import dataclass, field

from civdoc.check.evaluate import Result


@dataclass
class Missing:
    indicator: str
    content: str
    requirement: str
    found: int
    min: int


@dataclass
class UnitState:
    required: int
    complete: int
    errors: int
    warnings: int
    missing: list[Missing] = field(default_factory=list)
    other_errors: int = 0  # beyond missing material and deadlines: types, dates, damaged files ...


def unit_state(result: Result, unit: str) -> UnitState:
    items = [i for i in result.items if i.unit == unit and i.status != "not_required"]
    state = UnitState(
        len(items),
        sum(i.status == "complete" for i in items),
        sum(f.severity == "error" and not f.waived for f in result.findings if f.unit == unit),
        sum(f.severity == "warning" and not f.waived for f in result.findings if f.unit == unit),
    )
    state.other_errors = sum(
        f.severity == "error" and not f.waived and not f.code.startswith(("C", "S"))
        for f in result.findings
        if f.unit == unit
    )
    for item in items:
        ind = result.project.indicators[item.indicator]
        state.missing += [
            Missing(item.indicator, ind.content, r.name, r.found, r.min) for r in item.requirements if r.found < r.min
        ]
    return state
