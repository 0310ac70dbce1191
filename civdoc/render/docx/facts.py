"""The numbers behind 一、基本情况, as the template's variables."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from civdoc.check.evaluate import Result
from civdoc.findings import RULES
from civdoc.leaders.score import compute, template_facts
from civdoc.model import Finding, Item
from civdoc.render.docx.text import cn_date

# -- the numbers behind 一、基本情况 ------------------------------------------------------------------


def summary_facts(result: Result, unit: str | None) -> dict[str, Any]:
    """Everything 基本情况.j2 may use (see the comment at its top)."""
    project = result.project
    items = result.items
    required = [i for i in items if i.status != "not_required"]
    complete = sum(1 for i in required if i.status == "complete")
    open_findings = [f for f in result.findings if not f.waived and f.severity in ("error", "warning")]
    errors = [f for f in open_findings if f.severity == "error"]
    period = project.config.period
    return {
        "project": project.config.name,
        "unit": unit or "",
        "today": cn_date(result.today),
        "period": f"{cn_date(period.start)}至{cn_date(period.end)}",
        "counts": {
            "units": len({i.unit for i in items}),
            "indicators": len({i.indicator for i in items}),
            "items": len(items),
            "required": len(required),
            "not_required": len(items) - len(required),
            "complete": complete,
            "incomplete": len(required) - complete,
            "files": len(result.files),
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "infos": result.count("info"),
            "waived": result.waived,
            "overdue": sum(1 for f in errors if f.code == "S701"),
        },
        "rate": f"{complete / len(required) * 100:.1f}%" if required else "—",
        "top_units": [] if unit else _top_units(project.unit_names, open_findings),
        "top_types": _types(open_findings, 3),
        "stages": _stage_progress(project.config.review.stages, required),
        "score": template_facts(compute(result)),
    }


def _types(findings: Iterable[Finding], n: int) -> list[dict[str, Any]]:
    counted = Counter(RULES[f.code].title for f in findings)
    return [{"title": title, "count": count} for title, count in counted.most_common(n)]


def _top_units(order: list[str], open_findings: list[Finding], n: int = 3) -> list[dict[str, Any]]:
    """The units with the most open errors, each with its most frequent kinds of error."""
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in open_findings:
        if f.unit:
            by_unit[f.unit].append(f)
    errors = {u: [f for f in found if f.severity == "error"] for u, found in by_unit.items()}
    rank = {u: i for i, u in enumerate(order)}
    ranked = sorted((u for u in errors if errors[u]), key=lambda u: (-len(errors[u]), rank.get(u, len(rank))))[:n]
    return [
        {
            "name": u,
            "errors": len(errors[u]),
            "warnings": len(by_unit[u]) - len(errors[u]),
            "types": _types(errors[u], 2),
        }
        for u in ranked
    ]


def _stage_progress(stages: list[str], required: list[Item]) -> list[dict[str, Any]]:
    progress = []
    for i, stage in enumerate(stages):
        states = Counter(_stage(item, stage, i).state for item in required)
        progress.append(
            {
                "name": stage,
                "passed": states["通过"],
                "returned": states["退回"],
                "stale": states["失效"],
                "pending": states["待审"],
            }
        )
    return progress


def _stage(item: Item, stage: str, index: int) -> Any:
    found = next((s for s in item.stages if s.stage == stage), None)
    if found is None and index < len(item.stages):
        found = item.stages[index]
    return found if found is not None else _Pending(stage)


@dataclass
class _Pending:
    stage: str
    state: str = "待审"
    by: str | None = None
    at: str | None = None
