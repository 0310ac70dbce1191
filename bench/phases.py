#!/usr/bin/env python3
"""Where a `civdoc check` spends its time, phase by phase, in one process.

    python bench/phases.py bench/work/district-50000            # warm: uses and keeps .civdoc/
    python bench/phases.py bench/work/district-50000 --profile  # plus the top functions of each phase

Phases: importing civdoc (what the CLI imports for a check), loading civdoc.yaml and indicators,
the scan, recalling remembered item outcomes, inspecting the files of the other items (cache
look-up, then inspection), reviews, evaluate, and rendering the text report (with --json, also
reading remembered files back and rendering the JSON report), into memory. Wall and CPU seconds of each, next to a bare
os.scandir + stat walk of the same evidence/.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TODAY = "2024-06-01"
rows: list[tuple[str, float, float]] = []
profiles: dict[str, pstats.Stats] = {}


@contextmanager
def phase(name: str, profile: bool) -> Iterator[None]:
    prof = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    try:
        yield
    finally:
        if prof:
            prof.disable()
            profiles[name] = pstats.Stats(prof)
        rows.append((name, time.perf_counter() - wall, time.process_time() - cpu))


def walk(path: str) -> int:
    n = 0
    with os.scandir(path) as it:
        for e in it:
            if e.is_dir(follow_symlinks=False):
                n += walk(e.path)
            else:
                e.stat(follow_symlinks=False)
                n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("project", type=Path)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--profile", action="store_true", help="print the top functions of each phase")
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--json", action="store_true", help="as `check --format json`: also read files back, render JSON")
    args = ap.parse_args()
    root = args.project.resolve()
    prof = args.profile

    with phase("import civdoc", prof):
        import gc

        gc.disable()  # as civdoc/__main__.py does
        from datetime import date

        from rich.console import Console

        import civdoc.cli  # noqa: F401 - what `civdoc check` imports before it starts
        from civdoc.check.evaluate import evaluate
        from civdoc.check.memo import Memo
        from civdoc.evidence.pool import inspect_all
        from civdoc.evidence.walk import scan
        from civdoc.project import reviews
        from civdoc.project.load import load_project
        from civdoc.render.report import report, to_json
        from civdoc.render.text import render
        from civdoc.store.cache import open_cache
        from civdoc.store.gcpause import paused

        gc.freeze()
        gc.enable()
    # the pipeline pauses the cyclic GC over loading, the scan and the recall (store/gcpause.py)
    with phase("bare walk (os.scandir + stat)", False):
        files = walk(str(root / "evidence"))
    with phase("load civdoc.yaml + indicators", prof), paused():
        cache = None if args.no_cache else open_cache(root)
        project = load_project(root, cache)
    with phase("scan", prof), paused():
        placed = scan(project)
    today = date.fromisoformat(TODAY)
    with phase("recall remembered outcomes (with --json, their report records too)", prof), paused():
        memo = Memo.for_run(project, today, cache, files=args.json) if cache else None
        recalled = memo.recall(placed) if memo else {}
    with phase("inspect what was not recalled", prof):
        todo = placed.files + [f for k in placed.listings if k not in recalled for f in placed.item_files(k)]
        inspect_all(todo, cache)
    with phase("reviews", prof):
        records = reviews.load_records(root, project.unit_names)
    with phase("evaluate", prof), paused():
        result = evaluate(project, placed, today, records, memo=memo, recalled=recalled)
        if cache and memo:
            cache.store_outcomes(memo.new)
            cache.close()
    with phase("render text", prof):
        render(result, Console(file=io.StringIO(), width=120, highlight=False), False)
    if args.json:
        with phase("render json", prof):
            to_json(report(result))

    walk_s = next(w for n, w, _ in rows if n.startswith("bare walk"))
    total = sum(w for n, w, _ in rows if not n.startswith(("bare walk", "render json")))
    print(f"{root.name}: {files:,} files\n")
    print("| phase | wall | CPU | × bare walk |\n| --- | ---: | ---: | ---: |")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {wall / walk_s:.2f} |")
    print(f"| **a text check: all phases but the walk and JSON** | {total * 1000:.0f} ms | | {total / walk_s:.2f} |")
    if prof:
        for name, stats in profiles.items():
            print(f"\n## {name}\n")
            out = io.StringIO()
            stats.stream = out  # type: ignore[attr-defined]
            stats.sort_stats("tottime").print_stats(args.top)
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
