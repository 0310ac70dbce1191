"""Judgements of an item's files, remembered between runs (in the cache's `judgements` table).

Assigning 50,000 files to their requirements, dating them and judging them costs more than walking
the tree, and a warm check must not take much longer than the walk. Yet a file's judgement only
depends on what the item's folder holds and on the rules: so each item's is remembered under a
signature of exactly that, and recalled when the signature matches:

* the rules: civdoc's version and the source of every module that judges a file, the project's
  settings and indicators, and today (T403 looks at it);
* the item: its folder names and, per file, its path and what inspection found in it (its hash,
  kind, size in pixels, metadata date...), which covers every input of the judgement.

Anything else (coverage, duplicates, waivers, deadlines, reviews) is computed afresh each run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from civdoc import __version__
from civdoc.model import EvidenceFile, Finding, Span
from civdoc.project import Project

# modules whose code decides a file's judgement: a change to any of them forgets every judgement
_JUDGING = ["evaluate.py", "match.py", "dates.py", "names.py", "kinds.py", "model.py", "memo.py", "indicators.py",
            "rules/files.py", "rules/dates.py", "rules/placement.py"]


def _code_digest() -> bytes:
    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for module in _JUDGING:
        try:
            h.update((here / module).read_bytes())
        except OSError:  # no sources (a frozen build): the version alone must do
            pass
    return h.digest()


_CODE = _code_digest()

@dataclass
class Memo:
    """What earlier runs judged (`known`: item key -> (signature, payload)) and what this run adds."""

    context: bytes
    known: dict[str, tuple[str, str]]
    new: dict[str, tuple[str, str]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    @classmethod
    def for_run(cls, project: Project, today: date, known: dict[str, tuple[str, str]]) -> Memo:
        h = hashlib.sha256(_CODE)
        h.update(project.config.model_dump_json().encode())
        h.update(json.dumps(project.kinds, ensure_ascii=False).encode())
        for aspect in project.aspects:
            for indicator in aspect.indicators:
                h.update(indicator.model_dump_json().encode())
        h.update(today.isoformat().encode())
        return cls(h.digest(), known)

    def signature(self, folders: list[str], files: list[EvidenceFile]) -> str:
        lines = ["\0".join(folders)]
        for f in files:
            ins = f.inspection
            lines.append(f"{f.path}\0{f.size}\0{ins.sha256}\0{ins.kind}\0{ins.readable}\0{ins.encrypted}\0"
                         f"{ins.width}\0{ins.height}\0{ins.meta_date}\0{ins.meta_date_source}\0{ins.problem}"
                         if ins else f"{f.path}\0{f.size}")
        h = hashlib.sha256(self.context)
        h.update("\n".join(lines).encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def recall(self, key: str, signature: str, files: list[EvidenceFile]) -> list[Finding] | None:
        """The remembered judgement, applied to files; None when there is none for this signature."""
        self.seen.add(key)
        known = self.known.get(key)
        if known is None or known[0] != signature:
            return None
        try:  # decode everything before touching a file: a damaged row is judged again, from scratch
            annotations, findings = json.loads(known[1])
            decoded = [(requirement, by, source, usable,
                        Span(date.fromisoformat(start), date.fromisoformat(end)) if start else None)
                       for requirement, by, start, end, source, usable in annotations]
            placed = [(files[i], code, severity, message) for i, code, severity, message in findings]
        except (ValueError, TypeError, IndexError):
            return None
        if len(decoded) != len(files):
            return None
        for f, (requirement, by, source, usable, span) in zip(files, decoded):
            f.requirement, f.assigned_by, f.date_source, f.usable, f.date = requirement, by, source, usable, span
        return [Finding(code, severity, message).about(f) for f, code, severity, message in placed]

    def remember(self, key: str, signature: str, files: list[EvidenceFile], findings: list[Finding]) -> None:
        paths = {f.path: i for i, f in enumerate(files)}
        annotations = [[f.requirement, f.assigned_by, f.date.start.isoformat() if f.date else None,
                        f.date.end.isoformat() if f.date else None, f.date_source, f.usable] for f in files]
        remembered = [[paths[x.path], x.code, x.severity, x.message] for x in findings if x.path in paths]
        if len(remembered) != len(findings) or len(paths) != len(files):
            return  # a finding not tied to one file of the item: do not remember what cannot be recalled
        self.seen.add(key)
        self.new[key] = (signature, json.dumps([annotations, remembered], ensure_ascii=False))

