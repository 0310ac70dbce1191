"""SPEC §6's JSON object, shared by `check --format json` and out/report.json."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from typing import Any

from civdoc import __version__
from civdoc.check.evaluate import Result
from civdoc.evidence.record import SEPARATOR, encode_bytes
from civdoc.findings import RULES
from civdoc.leaders.score import compute
from civdoc.model import Finding

SCHEMA_VERSION = 1


def finding_dict(f: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": f.code,
        "name": RULES[f.code].name,
        "severity": f.severity,
        "unit": f.unit,
        "indicator": f.indicator,
        "requirement": f.requirement,
        "path": f.path,
        "message": f.message,
        "waived": f.waived,
    }
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
        "project": {
            "name": project.config.name,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        },
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
        "items": _items(result),
        "files": Encoded(result.file_records()),
    }


_STAGE_FIELDS = ("stage", "state", "by", "at", "note")
_stage_values = attrgetter(*_STAGE_FIELDS)


def _items(result: Result) -> Encoded:
    """Each item as one line of JSON, its keys in the order of SPEC §6. Its head (up to the
    requirement statuses) comes already encoded, remembered with the item's outcome, and most items
    share their review states (all pending), so each line is mostly spliced."""
    reviews: dict[tuple[tuple[str | None, ...], ...], bytes] = {}
    lines = Encoded()
    for item in result.items:
        stages = tuple(map(_stage_values, item.stages))
        review = reviews.get(stages)
        if review is None:
            review = reviews[stages] = encode_bytes([dict(zip(_STAGE_FIELDS, s)) for s in stages])
        lines.append(
            b"".join(
                [
                    result.item_head(item),
                    b', "reviews": ',
                    review,
                    b', "fingerprint": ',
                    encode_bytes(item.fingerprint),
                    b"}",
                ]
            )
        )
    return lines


class Encoded(list):
    """A list of values already encoded (files' records, items): spliced, not encoded again. An
    element may hold several values, joined by SEPARATOR."""


def json_parts(data: dict[str, Any]) -> list[bytes]:
    """The report as UTF-8 JSON, in parts to be written one after the other (at 50,000 files, ~30 MB:
    joining them once more would only copy it). Indentation would force the pure-Python encoder (10x
    slower), so the report is laid out by hand: one finding, item or file a line."""
    parts = [b"{\n"]
    for n, (key, value) in enumerate(data.items()):
        parts += [b",\n" if n else b"", encode_bytes(key), b": "]
        if isinstance(value, list) and value:
            lines = value if isinstance(value, Encoded) else map(encode_bytes, value)
            parts += [b"[\n  ", SEPARATOR.join(lines), b"\n]"]
        else:
            parts.append(encode_bytes(value))
    parts.append(b"\n}\n")
    return parts


def to_json(data: dict[str, Any]) -> bytes:
    return b"".join(json_parts(data))
