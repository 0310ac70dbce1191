#!/usr/bin/env python3
"""The warm rows of run.py alone, quick and comparable across commits.

    python bench/warm.py bench/work/district-50000                       # this tree's civdoc
    git worktree add /tmp/old b148c7f
    python bench/warm.py bench/work/district-50000 --code /tmp/old     # another commit's, same tree

Runs the bare walk, a warm `civdoc check` and a warm `check --format json` in turn, --repeat times,
each as a process of its own from a neutral folder (so --code, put first on PYTHONPATH, is the civdoc
imported), and prints the medians and their ratios to the walk. Two checks first warm the cache for
that code (another commit's code has another cache key: its first check is a cold one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import TODAY, WALK


def timed(cmd: list[str], env: dict[str, str], cwd: str) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd, check=False)
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("project", type=Path)
    ap.add_argument("--code", type=Path, help="a checkout whose civdoc/ to run (default: the installed one)")
    ap.add_argument("--repeat", type=int, default=11)
    args = ap.parse_args()
    project = str(args.project.resolve())
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CIVDOC_TODAY")}
    if args.code:
        env["PYTHONPATH"] = str(args.code.resolve())
    check = [sys.executable, "-m", "civdoc", "check", "--project", project, "--today", TODAY]
    commands = {
        "walk": [sys.executable, "-c", WALK, str(Path(project) / "evidence")],
        "check": check,
        "check --format json": [*check, "--format", "json"],
    }
    with tempfile.TemporaryDirectory() as neutral:  # not the repository: its civdoc/ would shadow --code
        for _ in range(2):
            timed(check, env, neutral)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                times[name].append(timed(cmd, env, neutral))
    walk = statistics.median(times["walk"])
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"{name:22} {median * 1000:6.0f} ms  {median / walk:.2f}× the walk  (min {min(runs) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
