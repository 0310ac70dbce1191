"""The check pipeline end to end: load -> scan -> recall -> inspect -> evaluate. Commands call this;
it prints nothing. Items whose folders are unchanged are recalled whole (memo.py): only the files of
the others are inspected and judged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from civdoc.check.evaluate import Result, evaluate
from civdoc.check.memo import Memo, item_names
from civdoc.errors import UsageError
from civdoc.evidence.walk import scan
from civdoc.project import reviews
from civdoc.project.load import Project, load_project
from civdoc.store.cache import open_cache
from civdoc.store.gcpause import paused

Progress = Callable[[int, int], None]


def resolve_scope(project: Project, unit: str | None, indicator: str | None) -> tuple[str | None, str | None]:
    """--unit and --indicator by name or alias, as canonical names; unknown ones are usage errors."""
    canonical_unit = None
    if unit:
        canonical_unit = project.unit(unit)
        if canonical_unit is None:
            raise UsageError(f"单位“{unit}”没有在 civdoc.yaml 中登记。可用的单位：{'、'.join(project.unit_names)}。")
    ident = None
    if indicator:
        found = project.indicator(indicator)
        if found is None:
            raise UsageError(
                f"指标编号“{indicator}”不存在。请用 indicators/ 中定义的编号，如“{next(iter(project.indicators))}”。"
            )
        ident = found.id
    return canonical_unit, ident


def check(
    root: Path,
    today: date,
    unit: str | None = None,
    indicator: str | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    files: bool = True,
    project: Project | None = None,
) -> Result:
    """files: whether the result is to list every file (Result.files); without, a remembered item's
    files are not read back from the cache. project: the definitions, when the caller loaded them already."""
    # the check builds acyclic data: the cyclic GC waits (gcpause.py), except while files are inspected
    cache = open_cache(root) if use_cache else None
    try:
        with paused():
            project = project or load_project(root, cache)
            unit, indicator = resolve_scope(project, unit, indicator)
            placed = scan(project)
            memo = Memo.for_run(project, today, cache, files) if cache else None
            recalled = memo.recall(placed) if memo else {}
        # what memo.py does not remember is inspected: loose files and the files of changed items
        todo = placed.files + [f for key in placed.listings if key not in recalled for f in placed.item_files(key)]
        if todo:
            from civdoc.evidence.pool import inspect_all  # its process pool is not needed when all is recalled

            inspect_all(todo, cache, progress)
        with paused():
            changed = bool(todo) or (memo is not None and memo.stale)
            if cache and changed:
                cache.prune(placed.all_paths())
            records = reviews.load_records(
                root, project.unit_names, project.config.review.stages, list(project.indicators), strays=True
            )
            result = evaluate(project, placed, today, records, unit, indicator, memo, recalled)
            if cache and memo:
                # the rest of the new outcomes (most went as they came: Memo.spill), and forget the gone
                cache.store_outcomes(memo.new, keep=item_names(placed) if changed else None)
        return result
    finally:
        if cache:
            cache.close()
