"""What reports list of judged evidence, already as JSON bytes: a file's record (SPEC §6's `files`
entries) and an item up to its requirement statuses (its `items` entry but the reviews).

Kept beside the judging code rather than in a renderer because remembered outcomes (check/memo.py)
store both already encoded: a warm `--format json` then splices 50,000 file lines and 5,000 items
instead of rebuilding and encoding the objects.
"""

from __future__ import annotations

import json
from typing import Any

from civdoc.evidence.match import DATE_SOURCES
from civdoc.model import EvidenceFile, Item

# One encoder for every value: json.dumps with options builds a new encoder per call, which at
# 50,000 files costs more than the encoding itself.
encode = json.JSONEncoder(ensure_ascii=False).encode


# Between two values of a list in the report (one a line, indented): remembered records are stored
# so joined, to be spliced as they are. JSON text holds no newline, so it never occurs inside one.
SEPARATOR = b",\n  "


def utf8(text: str) -> bytes:
    """JSON text as the report's bytes. A lone surrogate (a name that was not UTF-8) can only stand
    inside a JSON string: it becomes its \\udcXX escape, which JSON readers take back."""
    return text.encode("utf-8", "backslashreplace")


def encode_bytes(value: object) -> bytes:
    return utf8(encode(value))


def file_record(f: EvidenceFile) -> dict[str, Any]:
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


def encoded_record(f: EvidenceFile) -> bytes:
    return encode_bytes(file_record(f))


def encoded_item_head(item: Item, aspect: str, content: str) -> bytes:
    """The item as the report lists it, up to and including its requirement statuses, the object left
    open: what follows (reviews, fingerprint) is not the outcome's but this run's."""
    head = encode_bytes(
        {
            "unit": item.unit,
            "indicator": item.indicator,
            "aspect": aspect,
            "content": content,
            "status": item.status,
            "deadline": item.deadline.isoformat() if item.deadline else None,
        }
    )
    requirements = encode_bytes(
        [{"name": r.name, "kind": r.kind, "found": r.found, "min": r.min, "files": r.files} for r in item.requirements]
    )
    return b"".join([head[:-1], b', "requirements": ', requirements])
