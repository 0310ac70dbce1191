"""Pure: (project, placed and inspected files, review records, today) -> Result. No printing, no writing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter, itemgetter

from civdoc.check.memo import Memo, Outcome
from civdoc.evidence.listing import Listed
from civdoc.evidence.match import Matcher, requirements_for, resolve_date
from civdoc.evidence.record import SEPARATOR, encoded_item_head, encoded_record
from civdoc.evidence.walk import ItemKey, Scan
from civdoc.model import SEVERITY_ORDER, EvidenceFile, Finding, Item, RequirementStatus, id_key
from civdoc.project import reviews
from civdoc.project.indicators import Indicator, all_types
from civdoc.project.load import Project
from civdoc.rules import coverage, deadlines, placement
from civdoc.rules import dates as date_rules
from civdoc.rules import files as file_rules
from civdoc.rules.waivers import apply_policy


@dataclass
class Result:
    project: Project
    today: date
    items: list[Item]
    findings: list[Finding] = field(default_factory=list)
    unit: str | None = None  # --unit filter, canonical
    indicator: str | None = None  # --indicator filter
    # the files, by path; built on first use: a text report needs only their number
    gather: Callable[[], list[EvidenceFile]] = field(default=list, repr=False)
    _files: list[EvidenceFile] | None = field(default=None, init=False, repr=False)
    file_count: int = 0
    # the files' report records as JSON, by path: recalled items keep theirs encoded
    records: Callable[[], list[bytes | memoryview]] = field(default=list, repr=False)
    # an item's head as remembered with its outcome (see item_head), if it was
    remembered_head: Callable[[Item], bytes | None] = field(default=lambda item: None, repr=False)

    @property
    def files(self) -> list[EvidenceFile]:
        if self._files is None:
            self._files = self.gather()
        return self._files

    def count(self, severity: str, waived: bool = False) -> int:
        return sum(1 for f in self.findings if f.severity == severity and f.waived == waived)

    def file_records(self) -> list[bytes | memoryview]:
        """The files' report records in path order; an element may hold several, joined by SEPARATOR."""
        if self._files is not None:  # already built: encode those rather than decode the rows again
            return [encoded_record(f) for f in self._files]
        return self.records()

    def item_head(self, item: Item) -> bytes:
        """The item as the report lists it, up to its requirement statuses (evidence/record.py)."""
        return self.remembered_head(item) or encoded_item_head(
            item, self.project.aspect_of[item.indicator].name, self.project.indicators[item.indicator].content
        )

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.waived)

    def failed(self, strict: bool = False) -> bool:
        return any(
            not f.waived and (f.severity == "error" or (strict and f.severity == "warning")) for f in self.findings
        )


def evaluate(
    project: Project,
    scan: Scan,
    today: date,
    records: reviews.Records | None = None,
    unit: str | None = None,
    indicator: str | None = None,
    memo: Memo | None = None,
    recalled: dict[ItemKey, Outcome] | None = None,
) -> Result:
    """recalled: the outcomes memo.py remembered; every other item's files must be inspected."""
    findings: list[Finding] = list(scan.findings)
    judge = _FileJudge(project, today)
    outcomes: dict[ItemKey, Outcome] = {}
    for key, listing in scan.listings.items():
        outcome = (recalled or {}).get(key)
        if outcome is None:
            outcome = judge.item(project.indicators[key[1]], key[0], listing, scan.item_files(key))
            if memo is not None:
                memo.remember(key, outcome)
        outcomes[key] = outcome
        findings += outcome.findings
    findings += _duplicates(scan.files, outcomes)

    items = [
        outcomes[(u, ind.id)].item if (u, ind.id) in outcomes else _item(project, ind, u, [])
        for aspect in project.aspects
        for ind in aspect.indicators
        for u in ind.responsible
    ]
    findings += _coverage(project, scan, items)
    unit_of = project.units_by_name
    findings = apply_policy(findings, project.config, unit_of, today)

    # deadlines and reviews look at what is still open once waivers are applied
    open_gaps = {(f.unit, f.indicator) for f in findings if f.code.startswith("C") and not f.waived}
    missing_units = {u for u in project.unit_names if u not in scan.unit_folders}
    later: list[Finding] = []
    for item in items:
        if (item.unit, item.indicator) in open_gaps and item.unit not in missing_units:
            later += filter(None, [deadlines.deadline_finding(item, today)])
        history = (records or {}).get(item.unit, [])
        item.stages = reviews.stage_states(item, history, project.config.review.stages)
        later += reviews.review_findings(item, history, project.config.review)
    findings += apply_policy(later, project.config, unit_of, today, announce_expired=False)

    def in_scope(of_unit: str | None, of_indicator: str | None) -> bool:
        return (not unit or of_unit == unit) and (not indicator or of_indicator == indicator)

    def gather() -> list[EvidenceFile]:
        files = [f for f in scan.files if in_scope(f.unit, f.indicator)]
        for key, outcome in outcomes.items():
            if in_scope(*key):
                files += outcome.files()
        files.sort(key=attrgetter("path"))
        return files

    def file_records() -> list[bytes | memoryview]:
        runs: list[Run] = [([f.path], encoded_record(f)) for f in scan.files if in_scope(f.unit, f.indicator)]
        runs += [outcome.records() for key, outcome in outcomes.items() if in_scope(*key) and outcome.listing]
        return in_path_order(runs)

    def remembered_head(item: Item) -> bytes | None:
        outcome = outcomes.get((item.unit, item.indicator))
        return outcome.item_head() if outcome else None

    count = sum(in_scope(f.unit, f.indicator) for f in scan.files) + sum(
        len(o.listing) for key, o in outcomes.items() if in_scope(*key)
    )
    if unit or indicator:
        items = [i for i in items if in_scope(i.unit, i.indicator)]
        findings = [f for f in findings if in_scope(f.unit, f.indicator)]
    findings.sort(key=lambda f: (f.unit or "", id_key(f.indicator), SEVERITY_ORDER[f.severity], f.code, f.path or ""))
    return Result(
        project,
        today,
        items,
        findings,
        unit,
        indicator,
        gather=gather,
        file_count=count,
        records=file_records,
        remembered_head=remembered_head,
    )


Run = tuple[list[str], bytes | memoryview]  # paths, and their report records joined by SEPARATOR


def in_path_order(runs: list[Run]) -> list[bytes | memoryview]:
    """Report records in the order of their paths, given runs of them (paths, their records joined by
    SEPARATOR). Most items' files sort apart from every other item's: their runs are then put in order
    whole, and only where runs interleave are they split and sorted record by record."""
    runs.sort(key=lambda run: run[0][0])
    apart = all(paths == sorted(paths) for paths, _ in runs) and all(
        before[0][-1] < after[0][0] for before, after in zip(runs, runs[1:])
    )
    if apart:
        return [records for _, records in runs]
    pairs = [pair for paths, records in runs for pair in zip(paths, bytes(records).split(SEPARATOR))]
    pairs.sort(key=itemgetter(0))
    return [record for _, record in pairs]


def _duplicates(loose: list[EvidenceFile], outcomes: dict[ItemKey, Outcome]) -> list[Finding]:
    """P505. Most trees hold no two equal files: a set of 50,000 hashes says so at C speed, and only
    files whose hash repeats are looked at one by one."""
    shas = [f.inspection.sha256 for f in loose if f.inspection]
    for outcome in outcomes.values():
        shas += outcome.shas
    if len(set(shas)) == len(shas):
        return []
    repeated = {sha for sha, n in Counter(shas).items() if n > 1 and sha}
    return list(placement.duplicates(_hashed(loose, outcomes, repeated)))


def _hashed(loose: list[EvidenceFile], outcomes: dict[ItemKey, Outcome], among: set[str]) -> Iterator[placement.Hashed]:
    """Every file with content whose hash is among these: (sha256, path, unit, indicator, requirement)."""
    for f in loose:
        if f.size and f.inspection and f.inspection.sha256 in among:
            yield f.inspection.sha256, f.path, f.unit, f.indicator, f.requirement
    for (owner, ident), outcome in outcomes.items():
        for listed, sha, requirement in zip(outcome.listing, outcome.shas, outcome.requirements):
            if sha in among and listed[2]:
                yield sha, listed[0], owner, ident, requirement


class _FileJudge:
    """Assign, date and judge the files of an item's folder; sets each file's requirement, date and
    usable. Runs once per file of every item not recalled: a file without problems allocates no finding."""

    def __init__(self, project: Project, today: date):
        self.project = project
        self.known_types = set(all_types(project.kinds))
        self.max_file_mb = project.config.limits.max_file_mb
        self.period = project.config.period
        self.today = today

    def item(self, indicator: Indicator, unit: str, listing: list[Listed], files: list[EvidenceFile]) -> Outcome:
        found = self._judge(indicator, unit, files)
        item = _item(self.project, indicator, unit, files)
        return Outcome(
            item,
            found,
            listing,
            [f.inspection.sha256 if f.inspection else "" for f in files],
            [f.requirement for f in files],
            made=files,
        )

    def _judge(self, indicator: Indicator, unit: str, files: list[EvidenceFile]) -> list[Finding]:
        matcher = Matcher(requirements_for(indicator, unit))
        window = indicator.window or self.period
        span = (window.start, window.end)
        found: list[Finding] = []
        for file in files:
            requirement, file.assigned_by = matcher.assign(file)
            file.requirement = requirement.name if requirement else None
            file.date, file.date_source = resolve_date(file)
            problem = file_rules.file_problem(file, requirement, self.known_types)
            if problem:
                found.append(problem.about(file))
                continue
            found += (f.about(file) for f in file_rules.warnings(file, requirement, self.max_file_mb))
            if requirement is None:
                names = [r.name for r in matcher.requirements]
                found.append(placement.unassigned(file, names).about(file))
                continue
            dated = date_rules.date_finding(file, span, self.today)
            misdated = date_rules.impossible_name_date(file)
            if misdated:  # it says why there is no date, or which date was taken instead
                found.append(misdated.about(file))
            if dated and not (misdated and dated.code == "T402"):
                found.append(dated.about(file))
            file.usable = not dated or dated.code != "T401"
        return found


def _item(project: Project, ind: Indicator, unit: str, files: list[EvidenceFile]) -> Item:
    reqs = requirements_for(ind, unit)
    deadline = ind.deadline or project.config.deadline
    if not reqs:
        return Item(unit, ind.id, "not_required", deadline)
    statuses = {r.name: RequirementStatus(r.name, r.kind, r.min, found=0) for r in reqs}
    for f in files:
        status = statuses.get(f.requirement)  # type: ignore[arg-type]
        if status is not None:
            status.files.append(f.path)
            status.found += f.usable
    complete = all(s.found >= s.min for s in statuses.values())
    hashes = {f.item_path or f.path: f.inspection.sha256 for f in files if f.inspection}
    return Item(
        unit,
        ind.id,
        "complete" if complete else "incomplete",
        deadline,
        list(statuses.values()),
        fingerprint=reviews.fingerprint(hashes),
        files=hashes,
    )


def _coverage(project: Project, scan: Scan, items: list[Item]) -> list[Finding]:
    """C201 once for a unit with no folder (not a cascade); C202 for a missing item folder; else C203/C204."""
    findings: list[Finding] = []
    layout = project.config.layout
    required: dict[str, list[str]] = {}
    for item in items:
        if item.status != "not_required":
            required.setdefault(item.unit, []).append(item.indicator)
    for unit, ids in required.items():
        if unit not in scan.unit_folders:
            misnamed = next((name for (owner, _), name in scan.misnamed.items() if owner == unit), None)
            findings.append(coverage.unit_folder_missing(unit, ids, layout, misnamed))
    for item in items:
        # a complete item has every requirement met: no gap to look for (nor statuses to read)
        if item.status != "incomplete" or item.unit not in scan.unit_folders:
            continue
        ind = project.indicators[item.indicator]
        if (item.unit, item.indicator) not in scan.item_folders:
            if any(r.min > 0 for r in item.requirements):  # optional material alone is never missing
                findings.append(
                    coverage.indicator_folder_missing(
                        item.unit, ind, layout, scan.misnamed.get((item.unit, item.indicator))
                    )
                )
            continue
        for status in item.requirements:
            gap = coverage.requirement_gap(item.unit, ind, status)
            if gap:
                findings.append(gap)
    return findings
