"""A file's record as reports list it (SPEC §6's `files` entries), and its JSON text.

Kept beside the judging code rather than in a renderer because remembered outcomes (check/memo.py)
store each file's record already encoded: a warm `--format json` then splices 50,000 lines instead of
rebuilding and encoding 50,000 objects.
"""

from __future__ import annotations

import json
from typing import Any

from civdoc.evidence.match import DATE_SOURCES
from civdoc.model import EvidenceFile

# One encoder for every value: json.dumps with options builds a new encoder per call, which at
# 50,000 files costs more than the encoding itself.
encode = json.JSONEncoder(ensure_ascii=False).encode


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


def encoded_record(f: EvidenceFile) -> str:
    return encode(file_record(f))
