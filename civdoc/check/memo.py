"""What each item came to, remembered between runs (the cache's `outcomes` table).

A warm check must take little longer than walking the tree, yet looking up 50,000 inspections and
judging 50,000 files costs more than the walk. What an item comes to (the requirement each file
serves, its status, its findings on files, its files' hashes) depends only on what its folders hold
and on the rules. So each item's outcome is remembered under a signature of exactly that, and
recalled whole when the signature matches:

* the rules: civdoc's code (codehash.py), the project's settings and indicators, and today (T403
  looks at it);
* the item: its folders and, per file, what the walk saw: path, size and mtime_ns. That is the
  trust the inspection cache gives a file; an item with a file changed within the last RACY_NS is
  not remembered, as a change within the mtime's tick would go unseen.

A recalled outcome builds its EvidenceFiles only if a report asks for them (JSON, ledgers), from the
row's body, which a text check does not even read; its requirement statuses and file hashes are made
when first read (of a complete item, a check reads neither). The body also keeps the item and its
files as the JSON report lists them, so a warm `--format json` splices them. Anything across items is computed afresh each
run: coverage, duplicates, waivers, deadlines, reviews.
"""

from __future__ import annotations

import hashlib
import json
import time
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass, field
from datetime import date
from typing import Any, NamedTuple, overload

from civdoc.evidence.listing import Listed
from civdoc.evidence.record import SEPARATOR, encoded_item_head, encoded_record
from civdoc.evidence.walk import ItemKey, Scan, evidence_file
from civdoc.model import EvidenceFile, Finding, Inspection, Item, RequirementStatus, Span
from civdoc.project.load import Project
from civdoc.store.cache import RACY_NS, Cache
from civdoc.store.cachekey import mac, verified
from civdoc.store.codehash import code_digest

_NO_FILES: tuple[tuple, ...] = ((),) * 6

SPILL = 500  # new outcomes kept before they are written (Memo.spill)

# The version of the two JSON forms below: a row written in another form is judged again, never misread.
SCHEMA = 5


class Head(NamedTuple):
    """What a text check recalls of an item, stored as [SCHEMA, *Head] (JSON array, in field order)."""

    status: str
    statuses: list[list[Any]]  # per requirement: name, kind, min, found, indices of the files serving it
    fingerprint: str | None
    names: list[str]  # requirement names the files serve ...
    serves: list[int]  # ... per file an index into names, -1 for none
    shas: list[str]
    findings: list[list[Any]]  # per finding on a file: file index, code, severity, message, requirement
    body_check: str  # sha256 of the body


class FileRow(NamedTuple):
    """Per file, in the body: what rebuilding its EvidenceFile needs beyond the walk's listing."""

    assigned_by: str | None
    start: str | None
    end: str | None
    date_source: str | None
    usable: bool
    inspection: list[Any]  # Inspection's fields, in order


@dataclass(slots=True)
class Outcome:
    """An item's files judged: its Item (before reviews), its findings on files, and per file of the
    listing its sha256 and the requirement it serves."""

    item: Item
    findings: list[Finding]
    listing: list[Listed]
    shas: list[str]
    requirements: list[str | None]
    made: list[EvidenceFile] | None = None  # the files, when judged this run or once rebuilt
    body: bytes | None = None  # else what rebuilds them: per file its annotations and inspection

    def files(self) -> list[EvidenceFile]:
        if self.made is None:
            self.made = _rebuild(self, self._rows())
        return self.made

    def records(self) -> tuple[list[str], bytes | memoryview]:
        """The paths of the item's files and their report records (evidence/record.py), joined by
        SEPARATOR in the same order, without rebuilding the files."""
        paths = [listed[0] for listed in self.listing]
        if self.made is not None:
            return paths, SEPARATOR.join(map(encoded_record, self.made))
        body = self._body()
        return paths, memoryview(body)[body.index(b"\n", body.index(b"\n") + 1) + 1 :]

    def item_head(self) -> bytes | None:
        """The item as the report lists it, up to its requirement statuses (evidence/record.py), when
        remembered with it."""
        if self.body is None:
            return None
        start = self.body.index(b"\n") + 1
        return self.body[start : self.body.index(b"\n", start)]

    def _rows(self) -> list[list[Any]]:
        version, rows = json.loads(self._body().split(b"\n", 1)[0])
        if version != SCHEMA:  # the head's checksum of the body makes this a bug, not damage
            raise ValueError(f"remembered files in form {version}")
        return rows

    def _body(self) -> bytes:
        if self.body is None:
            raise RuntimeError("this check was run without files (pipeline.check(files=False))")
        return self.body


class _Statuses(Sequence[RequirementStatus]):
    """A recalled item's requirement statuses, made from its remembered head when first read: of a
    complete item, a text check reads none (~20,000 objects at 50,000 files, ~30 ms)."""

    __slots__ = ("_make", "_made")

    def __init__(self, make: Callable[[], list[RequirementStatus]]):
        self._make: Callable[[], list[RequirementStatus]] | None = make
        self._made: list[RequirementStatus] = []

    def _list(self) -> list[RequirementStatus]:
        if self._make is not None:
            self._made, self._make = self._make(), None
        return self._made

    @overload
    def __getitem__(self, index: int) -> RequirementStatus: ...
    @overload
    def __getitem__(self, index: slice) -> list[RequirementStatus]: ...
    def __getitem__(self, index: int | slice) -> RequirementStatus | list[RequirementStatus]:
        return self._list()[index]

    def __len__(self) -> int:
        return len(self._list())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self._list() == list(other)

    def __repr__(self) -> str:
        return repr(self._list())


class _Hashes(Mapping[str, str]):
    """A recalled item's file hashes by item path, made into a dict when first read (only signing does)."""

    __slots__ = ("_pairs", "_made")

    def __init__(self, paths: Sequence[str], shas: Sequence[str]):
        self._pairs: tuple[Sequence[str], Sequence[str]] | None = (paths, shas)
        self._made: dict[str, str] = {}

    def _dict(self) -> dict[str, str]:
        if self._pairs is not None:
            self._made, self._pairs = dict(zip(*self._pairs)), None
        return self._made

    def __getitem__(self, key: str) -> str:
        return self._dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __repr__(self) -> str:
        return repr(self._dict())


def _rebuild(outcome: Outcome, rows: list[list[Any]]) -> list[EvidenceFile]:
    item = outcome.item
    files = []
    for listed, requirement, fields in zip(outcome.listing, outcome.requirements, rows):
        row = FileRow(*fields)
        f = evidence_file(listed, item.unit, item.indicator)
        f.requirement, f.assigned_by, f.date_source, f.usable = (
            requirement,
            row.assigned_by,
            row.date_source,
            row.usable,
        )
        f.date = Span(date.fromisoformat(row.start), date.fromisoformat(row.end)) if row.start and row.end else None
        f.inspection = Inspection(*row.inspection)
        files.append(f)
    return files


@dataclass
class Memo:
    """Earlier runs' outcomes (item key -> signature, checksum of head, head, body) and this run's new
    ones. The head holds the checksum of the body."""

    project: Project
    context: bytes
    known: dict[str, tuple[str, str, bytes, bytes | None]]
    signatures: dict[ItemKey, str] = field(default_factory=dict)
    new: dict[str, tuple[str, str, bytes, bytes]] = field(default_factory=dict)
    stale: bool = False  # some remembered item is gone: its row is to be forgotten
    key: bytes = b""  # the cache's MAC key (cachekey.py): a head's check is keyed, so an edited row fails
    # where new outcomes go once SPILL of them wait: a cold check of 100,000 files would otherwise hold
    # ~110 MB of them until the end of the run
    spill: Callable[[dict[str, tuple[str, str, bytes, bytes]]], None] | None = None

    @classmethod
    def for_run(cls, project: Project, today: date, cache: Cache, files: bool = True) -> Memo:
        """files: whether recalled items are to rebuild their files (see Outcome.files)."""
        h = hashlib.sha256(code_digest())
        h.update(project.config.model_dump_json().encode())
        h.update(json.dumps(project.kinds, ensure_ascii=False).encode())
        for aspect in project.aspects:
            h.update(json.dumps(aspect.name, ensure_ascii=False).encode())  # the report's items name it
            for indicator in aspect.indicators:
                h.update(indicator.model_dump_json().encode())
        h.update(today.isoformat().encode())
        return cls(project, h.digest(), cache.outcomes(bodies=files), key=cache.key, spill=cache.store_outcomes)

    def recall(self, scan: Scan) -> dict[ItemKey, Outcome]:
        """The remembered outcome of every item whose signature matches."""
        found: dict[ItemKey, Outcome] = {}
        context, known, signatures = self.context, self.known, self.signatures
        for key, listing in scan.listings.items():
            # the columns of the listing. A file's item path and inside follow from its path; its real
            # path is not part of the outcome (the project may be reached by another path next time)
            paths, _, sizes, mtimes, item_paths, _ = tuple(zip(*listing)) or _NO_FILES
            h = hashlib.sha256(context)
            named = "\0".join(scan.item_folders.get(key, ())) + "\n" + "\0".join(paths)
            h.update(named.encode("utf-8", "surrogateescape"))
            h.update(array("q", sizes + mtimes).tobytes())
            signature = signatures[key] = h.hexdigest()
            row = known.get(_name(key))
            if row is not None and row[0] == signature:
                outcome = self._decode(key, listing, paths, item_paths, row)
                if outcome is not None:
                    found[key] = outcome
        self.stale = len(known) > len(found) and bool(known.keys() - item_names(scan))
        return found

    def _decode(
        self,
        key: ItemKey,
        listing: list[Listed],
        paths: tuple[str, ...],
        item_paths: tuple[str, ...],
        row: tuple[str, str, bytes, bytes | None],
    ) -> Outcome | None:
        """None for a damaged row: its item is judged again."""
        _, check, head, body = row
        try:
            if not verified(self.key, head, check):
                return None
            version, *fields = json.loads(head.decode())
            if version != SCHEMA:
                return None
            h = Head(*fields)  # the remembered head
            if body is not None and _check(body) != h.body_check:
                return None
            if len(h.shas) != len(paths) or len(h.serves) != len(paths):
                return None
            unit, ident = key
            statuses = h.statuses  # the head's MAC vouches for its indices: they are resolved when read

            def make() -> list[RequirementStatus]:
                return [
                    RequirementStatus(name, kind, low, found, list(map(paths.__getitem__, files)))
                    for name, kind, low, found, files in statuses
                ]

            requirements = list(map([*h.names, None].__getitem__, h.serves))  # -1: none
            indicator = self.project.indicators[ident]
            deadline = indicator.deadline or self.project.config.deadline
            item = Item(
                unit,
                ident,
                h.status,
                deadline,
                _Statuses(make),
                h.fingerprint,
                _Hashes(item_paths, h.shas) if h.fingerprint else {},
            )
            placed = [
                Finding(code, severity, message, unit, ident, requirement, paths[i])
                for i, code, severity, message, requirement in h.findings
            ]
        except (ValueError, TypeError, IndexError, KeyError):
            return None
        return Outcome(item, placed, listing, h.shas, requirements, body=body)

    def remember(self, key: ItemKey, outcome: Outcome) -> None:
        files = outcome.made or []
        if any(f.inspection is None for f in files) or len(files) != len(outcome.listing):
            return
        newest: int = max((f.mtime_ns for f in files), default=0)
        if time.time_ns() - newest <= RACY_NS:
            return  # a change within the mtime's tick would keep the signature: judge it again next run
        index = {f.path: i for i, f in enumerate(files)}
        findings: list[list[Any]] = [
            [index.get(x.path or "", -1), x.code, x.severity, x.message, x.requirement] for x in outcome.findings
        ]
        if any(i < 0 for i, *_ in findings):
            return  # a finding not on one of the item's files cannot be recalled
        item = outcome.item
        names = list(dict.fromkeys([r.name for r in item.requirements] + [r for r in outcome.requirements if r]))
        position = {name: i for i, name in enumerate(names)}
        aspect = self.project.aspect_of[item.indicator].name
        body = _body(encoded_item_head(item, aspect, self.project.indicators[item.indicator].content), files)
        serving = {
            r.name: [i for i, name in enumerate(outcome.requirements) if name == r.name] for r in item.requirements
        }  # the files each requirement status lists, by index
        head = _json(
            [
                SCHEMA,
                *Head(
                    status=item.status,
                    statuses=[[r.name, r.kind, r.min, r.found, serving[r.name]] for r in item.requirements],
                    fingerprint=item.fingerprint,
                    names=names,
                    serves=[position[r] if r else -1 for r in outcome.requirements],
                    shas=outcome.shas,
                    findings=findings,
                    body_check=_check(body),
                ),
            ]
        )
        self.new[_name(key)] = (self.signatures[key], mac(self.key, head), head, body)
        if self.spill is not None and len(self.new) >= SPILL:
            self.spill(self.new)
            self.new = {}


def _body(item_head: bytes, files: list[EvidenceFile]) -> bytes:
    """A line [SCHEMA, rows]: per file what a recalled item needs to rebuild it (its annotations and
    inspection); a line, the item as the report lists it up to its requirement statuses; then the
    files' report records, joined as the report joins them. JSON text holds no newline, so a JSON
    report finds the parts without decoding anything."""
    rows = [
        FileRow(
            f.assigned_by,
            f.date.start.isoformat() if f.date else None,
            f.date.end.isoformat() if f.date else None,
            f.date_source,
            f.usable,
            list(astuple(f.inspection)) if f.inspection else [],
        )
        for f in files
    ]
    return b"\n".join([_json([SCHEMA, rows]), item_head, SEPARATOR.join(map(encoded_record, files))])


def item_names(scan: Scan) -> set[str]:
    """The names the outcomes table keeps the scan's items under."""
    return {_name(key) for key in scan.listings}


def _name(key: ItemKey) -> str:
    return f"{key[0]}|{key[1]}"


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogateescape")


def _check(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
