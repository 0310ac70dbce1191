"""SPEC §6's JSON object, shared by `check --format json` and out/report.json."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civdoc import __version__
from civdoc.check.evaluate import Result
from civdoc.evidence.record import encode as _encode
from civdoc.findings import RULES
from civdoc.leaders.score import compute
from civdoc.model import Finding, Item

SCHEMA_VERSION = 1


def finding_dict(f: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {"code": f.code, "name": RULES[f.code].name, "severity": f.severity, "unit": f.unit, "indicator": f.indicator,
            "requirement": f.requirement, "path": f.path, "message": f.message, "waived": f.waived}
    if f.waived:
        data["waiver_reason"] = f.waiver_reason
    if f.line is not None:
        data["line"] = f.line
    return data


def report(result: Result) -> dict[str, Any]:
    project = result.project
    period = project.config.period
    items = result.items
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "civdoc", "version": __version__},
        "project": {"name": project.config.name, "period": {"start": period.start.isoformat(), "end": period.end.isoformat()}},
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "today": result.today.isoformat(),
        "summary": {
            "units": len({i.unit for i in items}),
            "indicators": len({i.indicator for i in items}),
            "items": len(items),
            "required_items": sum(1 for i in items if i.status != "not_required"),
            "complete_items": sum(1 for i in items if i.status == "complete"),
            "files": result.file_count,
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "infos": result.count("info"),
            "waived": result.waived,
        },
        "score": compute(result).to_dict(),
        "findings": [finding_dict(f) for f in result.findings],
        "items": [_item(result, i) for i in items],
        "files": Encoded(result.file_records()),
    }


def _item(result: Result, item: Item) -> dict[str, Any]:
    ind = result.project.indicators[item.indicator]
    return {
        "unit": item.unit,
        "indicator": item.indicator,
        "aspect": result.project.aspect_of[item.indicator].name,
        "content": ind.content,
        "status": item.status,
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "requirements": [{"name": r.name, "kind": r.kind, "found": r.found, "min": r.min, "files": r.files}
                         for r in item.requirements],
        "reviews": [{"stage": s.stage, "state": s.state, "by": s.by, "at": s.at, "note": s.note} for s in item.stages],
        "fingerprint": item.fingerprint,
    }


class Encoded(list):
    """A list whose elements are already JSON text (the files' records): spliced, not encoded again."""


def to_json(data: dict[str, Any]) -> str:
    # indentation would force the pure-Python encoder (10x slower at 50,000 files), so the report is
    # laid out by hand: one finding, item or file a line, joined once
    parts = ["{\n"]
    for n, (key, value) in enumerate(data.items()):
        parts += [",\n" if n else "", _encode(key), ": "]
        if isinstance(value, list) and value:
            lines = value if isinstance(value, Encoded) else map(_encode, value)
            parts += ["[\n  ", ",\n  ".join(lines), "\n]"]
        else:
            parts.append(_encode(value))
    parts.append("\n}\n")
    return "".join(parts)
