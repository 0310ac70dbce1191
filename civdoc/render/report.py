"""SPEC §6's JSON object, shared by `check --format json` and out/report.json."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from civdoc import __version__
from civdoc.evaluate import Result
from civdoc.match import DATE_SOURCES
from civdoc.model import EvidenceFile, Finding, Item
from civdoc.score import compute

SCHEMA_VERSION = 1


def finding_dict(f: Finding) -> dict[str, Any]:
    data = {"code": f.code, "name": f.name, "severity": f.severity, "unit": f.unit, "indicator": f.indicator,
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
            "files": len(result.files),
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "infos": result.count("info"),
            "waived": result.waived,
        },
        "score": compute(result).to_dict(),
        "findings": [finding_dict(f) for f in result.findings],
        "items": [_item(result, i) for i in items],
        "files": [_file(f) for f in result.files],
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


def _file(f: EvidenceFile) -> dict[str, Any]:
    ins = f.inspection
    return {
        "path": f.path,
        "unit": f.unit,
        "indicator": f.indicator,
        "requirement": f.requirement,
        "type": ins.kind if ins else None,
        "extension": f.ext,
        "size": f.size,
        "pages": ins.pages if ins else None,
        "width": ins.width if ins else None,
        "height": ins.height if ins else None,
        "date": f.date.label() if f.date else None,
        "date_source": f.date_source,
        "date_source_label": DATE_SOURCES.get(f.date_source or "") if f.date_source else None,
        "sha256": ins.sha256 if ins else None,
        "readable": ins.readable if ins else None,
        "encrypted": ins.encrypted if ins else None,
        "usable": f.usable,
    }


def to_json(data: dict[str, Any]) -> str:
    # indentation forces the pure-Python encoder (10x slower at 50,000 files): one finding, item or file a line
    parts = [f"{json.dumps(k, ensure_ascii=False)}: {_block(v)}" for k, v in data.items()]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _block(value: Any) -> str:
    if isinstance(value, list) and value:
        return "[\n  " + ",\n  ".join(json.dumps(v, ensure_ascii=False) for v in value) + "\n]"
    return json.dumps(value, ensure_ascii=False)
