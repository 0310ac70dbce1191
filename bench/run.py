#!/usr/bin/env python3
"""Measure civdoc against the targets of issue 5, in one run on one generated tree.

    python bench/run.py --files 50000                # the 50,000-file figures, build included
    python bench/run.py --files 100000 --skip-build  # peak memory at 100,000 files

Steps (all on the same machine state, page cache warm unless --drop-caches):

1. generate a district with bench/gen_district.py (reused when --reuse and it exists), plus a
   companion project holding only the large files (--large N --large-mb M);
2. the floor: a bare Python program that walks evidence/ with os.scandir and stats every file;
3. plain sha256 (hashlib.file_digest) over the large files;
4. cold `civdoc check --no-cache`, then cold `civdoc check` with a fresh .civdoc/ (which writes it);
5. warm `civdoc check` (median of --repeat runs), then warm `--format json` likewise;
6. touch one file and check again: the cache rows rewritten by that run must be exactly that file;
7. cold `civdoc check` of the large-only project, against step 3;
8. `civdoc build` (skipped with a note when it cannot run yet).

civdoc runs in a subprocess; its peak memory is sampled from /proc (sum of RSS and of PSS over the
process and its workers) and read from wait4's ru_maxrss (the largest single process).
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = "2024-06-01"

WALK = r"""
import os, sys, time
t = time.perf_counter()
n = 0
def walk(p):
    global n
    with os.scandir(p) as it:
        for e in it:
            if e.is_dir(follow_symlinks=False):
                walk(e.path)
            else:
                e.stat(follow_symlinks=False)
                n += 1
walk(sys.argv[1])
print(n, time.perf_counter() - t)
"""


# ---------------------------------------------------------------------------------------------
# Running a command and watching its memory


def _children_of(pids: set[int]) -> set[int]:
    found = set(pids)
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    parents: dict[int, int] = {}
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        parents[int(name)] = ppid
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found:
                found.add(pid)
                grew = True
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of one process."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


@dataclass
class Run:
    seconds: float
    code: int
    max_rss: int  # ru_maxrss of the process (or its largest descendant), bytes
    tree_rss: int = 0  # peak of the sum over the process tree, sampled
    tree_pss: int = 0
    stderr: str = ""


def run(cmd: list[str], cwd: Path | None = None, sample: bool = True) -> Run:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CIVDOC_TODAY")}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = [0, 0]
    stop = threading.Event()

    def watch() -> None:
        tree = {proc.pid}
        tick = 0
        while not stop.is_set():
            if tick % 5 == 0:
                tree = _children_of({proc.pid})
            tick += 1
            rss = pss = 0
            for pid in tree:
                r, p = _memory(pid)
                rss += r
                pss += p
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            stop.wait(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    if sample:
        watcher.start()
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - started
    stop.set()
    if sample:
        watcher.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(took, proc.returncode, usage.ru_maxrss * 1024, peak[0], peak[1], err.decode("utf-8", "replace"))


def civdoc(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "civdoc", *args, "--project", str(project), "--today", TODAY]


def check_ok(name: str, r: Run, allowed: tuple[int, ...] = (0, 1)) -> Run:
    if r.code not in allowed:
        raise SystemExit(f"{name}: exit {r.code}\n{r.stderr[-3000:]}")
    return r


# ---------------------------------------------------------------------------------------------
# Steps


def generate(out: Path, files: int, args: argparse.Namespace, large: int = 0) -> float:
    cmd = [sys.executable, str(HERE / "gen_district.py"), "--files", str(files), "--out", str(out), "--mix", args.mix]
    if large:  # a one-unit, one-indicator project holding only the large files
        cmd += [
            "--units",
            "1",
            "--indicators",
            "1",
            "--items",
            "1",
            "--large",
            str(large),
            "--large-mb",
            str(args.large_mb),
        ]
    else:
        cmd += ["--units", str(args.units), "--indicators", str(args.indicators)]
        if args.items:
            cmd += ["--items", str(args.items)]
    started = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - started


def bare_walk(evidence: Path, repeat: int) -> tuple[float, float, int]:
    """(median wall time of the program, median in-process walk time, files)."""
    walls, inner, count = [], [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", WALK, str(evidence)], capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - started)
        n, t = out.stdout.split()
        count, inner = int(n), inner + [float(t)]
    return statistics.median(walls), statistics.median(inner), count


def sha256_files(paths: list[Path]) -> tuple[float, int]:
    for p in paths:  # once to bring them into the page cache, like the check that follows
        with open(p, "rb") as fh:
            while fh.read(1 << 24):
                pass
    started = time.perf_counter()
    total = 0
    for p in paths:
        with open(p, "rb") as fh:
            hashlib.file_digest(fh, "sha256")
        total += p.stat().st_size
    return time.perf_counter() - started, total


PER_FILE = r"""
import hashlib, json, sys, time
from pathlib import Path
from civdoc.evidence.formats import inspect_file
out = []
for p in sys.argv[1:]:
    with open(p, "rb") as fh:
        t = time.perf_counter(); hashlib.file_digest(fh, "sha256"); sha = time.perf_counter() - t
    t = time.perf_counter(); inspect_file(Path(p)); ins = time.perf_counter() - t
    out.append((sha, ins))
print(json.dumps(out))
"""


def per_file(paths: list[Path]) -> tuple[float, float]:
    """(sha256 seconds, inspect_file seconds) over the files, one after the other, in one process."""
    done = subprocess.run(
        [sys.executable, "-c", PER_FILE, *map(str, paths)], capture_output=True, text=True, check=True
    )
    pairs = json.loads(done.stdout)
    return sum(p[0] for p in pairs), sum(p[1] for p in pairs)


def cache_rows_since(project: Path, since_ns: int) -> list[str]:
    db = sqlite3.connect(f"file:{project / '.civdoc' / 'cache.sqlite'}?mode=ro", uri=True)
    try:
        return [p for (p,) in db.execute("SELECT path FROM inspections WHERE inspected_ns >= ?", (since_ns,))]
    finally:
        db.close()


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def build_available() -> str | None:
    probe = subprocess.run([sys.executable, "-c", "import civdoc.commands.build"], capture_output=True, text=True)
    if probe.returncode != 0:
        return (probe.stderr.strip().splitlines() or ["import failed"])[-1]
    return None


# ---------------------------------------------------------------------------------------------
# Report


@dataclass
class Figure:
    name: str
    value: str
    target: str = ""
    ok: bool | None = None
    note: str = ""


@dataclass
class Report:
    machine: dict[str, str]
    command: str
    figures: list[Figure] = field(default_factory=list)
    raw: dict[str, object] = field(default_factory=dict)

    def add(self, *a: object, **k: object) -> None:
        self.figures.append(Figure(*a, **k))  # type: ignore[arg-type]

    def table(self) -> str:
        rows = [("measure", "value", "target", "met"), ("---", "---:", "---", ":---:")]
        for f in self.figures:
            met = "" if f.ok is None else ("yes" if f.ok else "**no**")
            rows.append((f.name, f.value, f.target + (f" ({f.note})" if f.note else ""), met))
        return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def machine() -> dict[str, str]:
    mem = ""
    try:
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1]
        mem = " ".join(mem.split()[:2])
    except (OSError, IndexError):
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import civdoc

    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "system": platform.platform(),
        "civdoc": civdoc.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "load_start": f"{os.getloadavg()[0]:.2f}",
    }


def mb(n: float) -> str:
    return f"{n / 1e6:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=50_000)
    ap.add_argument("--units", type=int, default=100)
    ap.add_argument("--indicators", type=int, default=100)
    ap.add_argument("--items", type=int, default=None, help="default: files / 10")
    ap.add_argument("--mix", default="pdf:0.4,jpeg:0.4,docx:0.1,xlsx:0.1")
    ap.add_argument("--large", type=int, default=4, help="large files in the companion project (0: none)")
    ap.add_argument("--large-mb", type=float, default=512)
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--reuse", action="store_true", help="reuse a tree generated before with the same name")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the walk and of the warm check (median)")
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--skip-nocache", action="store_true", help="skip the cold --no-cache run")
    ap.add_argument("--drop-caches", action="store_true", help="also run a check with the OS page cache dropped (root)")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = ap.parse_args(argv)

    tree = args.work / f"district-{args.files}"
    big = args.work / f"large-{args.large}x{args.large_mb:g}MB"
    rep = Report(machine(), "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    print(f"machine: {rep.machine}", file=sys.stderr)
    # civdoc as users run it: `pip install .` byte-compiles it, but an editable install under
    # PYTHONDONTWRITEBYTECODE=1 (as on our machines) would compile every module on every run (~40 ms)
    import civdoc as package

    compileall.compile_dir(Path(package.__file__).parent, quiet=1)

    if not (args.reuse and (tree / "civdoc.yaml").exists()):
        rep.raw["generate_s"] = generate(tree, args.files, args)
    if args.large and not (args.reuse and len(list((big / "evidence").rglob("*.pdf"))) == args.large):
        generate(big, 0, args, large=args.large)
    shutil.rmtree(tree / ".civdoc", ignore_errors=True)
    shutil.rmtree(tree / "out", ignore_errors=True)

    # floor
    walk_wall, walk_inner, count = bare_walk(tree / "evidence", args.repeat)
    rep.raw.update(walk_wall=walk_wall, walk_inner=walk_inner, files=count)
    rep.add("files in the tree", f"{count:,}")
    rep.add(
        "bare walk: os.scandir + stat, whole program",
        f"{walk_wall * 1000:.0f} ms",
        "the floor",
        note=f"walk alone {walk_inner * 1000:.0f} ms, interpreter start the rest",
    )

    # cold
    if not args.skip_nocache:
        cold_nc = check_ok("cold --no-cache", run(civdoc(tree, "check", "--no-cache")))
        rep.raw["cold_nocache"] = asdict(cold_nc)
        rep.add(
            "cold check --no-cache",
            f"{cold_nc.seconds:.1f} s",
            f"≤ 1 ms/file: {cold_nc.seconds / count * 1000:.2f} ms/file",
            cold_nc.seconds / count <= 0.001,
        )
    cold = check_ok("cold check", run(civdoc(tree, "check")))
    rep.raw["cold"] = asdict(cold)
    rep.add(
        "cold check, writing a fresh .civdoc/",
        f"{cold.seconds:.1f} s",
        f"≤ 1 ms/file: {cold.seconds / count * 1000:.2f} ms/file",
        cold.seconds / count <= 0.001,
    )

    # warm: timed like the floor, without the memory sampler (a thread reading /proc every 20 ms
    # beside a 0.5 s run on two cores costs it ~20 ms); the memory of a warm check is sampled apart
    warms = [check_ok("warm check", run(civdoc(tree, "check"), sample=False)) for _ in range(args.repeat)]
    warm_memory = check_ok("warm check", run(civdoc(tree, "check")))
    warm = sorted(warms, key=lambda r: r.seconds)[len(warms) // 2]
    rep.raw["warm"] = [asdict(w) for w in warms]
    rep.add(
        "warm check (median)",
        f"{warm.seconds * 1000:.0f} ms",
        f"≤ 3× bare walk: {warm.seconds / walk_wall:.2f}×",
        warm.seconds <= 3 * walk_wall,
        note=f"{warm.seconds / walk_inner:.2f}× the walk alone",
    )
    jsons = [
        check_ok("warm check --format json", run(civdoc(tree, "check", "--format", "json"), sample=False))
        for _ in range(args.repeat)
    ]
    warm_json = sorted(jsons, key=lambda r: r.seconds)[len(jsons) // 2]
    rep.raw["warm_json"] = [asdict(w) for w in jsons]
    rep.add(
        "warm check --format json (median)",
        f"{warm_json.seconds * 1000:.0f} ms",
        f"≤ 4× bare walk: {warm_json.seconds / walk_wall:.2f}×",
        warm_json.seconds <= 4 * walk_wall,
    )

    # touch one file
    victim = next(p for p in sorted((tree / "evidence").rglob("*.pdf")))
    rel = victim.relative_to(tree).as_posix()
    st = victim.stat()
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    since = time.time_ns()
    touched = check_ok("touch-one check", run(civdoc(tree, "check")))
    rewritten = cache_rows_since(tree, since)
    rep.raw["touch"] = {"run": asdict(touched), "rewritten": rewritten, "touched": rel}
    rep.add(
        "check after touching one file",
        f"{touched.seconds * 1000:.0f} ms",
        f"re-inspects only that file: {len(rewritten)} re-inspected",
        rewritten == [rel],
    )

    # memory
    peak = max([cold, touched, warm_memory] + ([cold_nc] if not args.skip_nocache else []), key=lambda r: r.tree_pss)
    rep.add(
        "peak memory of a check (sum of PSS over civdoc and its workers)",
        mb(peak.tree_pss),
        "< 400 MB" + (" at 100,000 files" if count >= 100_000 else ""),
        peak.tree_pss < 400e6,
        note=f"RSS sum {mb(peak.tree_rss)}; largest single process {mb(max(r.max_rss for r in [cold, *warms]))}",
    )
    rep.add("peak memory, warm check", mb(warm_memory.tree_pss), note=f"RSS {mb(warm_memory.tree_rss)}")

    # large files
    if args.large:
        larges = sorted((big / "evidence").rglob("*.pdf"))
        sha_s, total = sha256_files(larges)
        rep.raw["sha256"] = {"seconds": sha_s, "bytes": total}
        rep.add(
            f"plain sha256 of {len(larges)} × {args.large_mb:g} MB",
            f"{sha_s:.2f} s",
            note=f"{total / sha_s / 1e9:.2f} GB/s",
        )
        shutil.rmtree(big / ".civdoc", ignore_errors=True)
        big_cold = check_ok("large cold check", run(civdoc(big, "check", "--no-cache")))
        big_warm = check_ok("large warm check", run(civdoc(big, "check")))
        big_warm = check_ok("large warm check", run(civdoc(big, "check")))
        sha_each, inspect_each = per_file(larges)
        rep.raw["large"] = {
            "cold": asdict(big_cold),
            "warm": asdict(big_warm),
            "per_file_sha256": sha_each,
            "per_file_inspect": inspect_each,
        }
        rep.add(
            "inspect_file on the same files, one core",
            f"{inspect_each:.2f} s",
            f"≤ 1.5× sha256 of them ({sha_each:.2f} s): {inspect_each / sha_each:.2f}×",
            inspect_each <= 1.5 * sha_each,
        )
        rep.add(
            "cold `civdoc check --no-cache` of a project holding just these files",
            f"{big_cold.seconds:.2f} s",
            f"≤ 1.5× plain sha256: {big_cold.seconds / sha_s:.2f}×",
            big_cold.seconds <= 1.5 * sha_s,
            note=f"{total / big_cold.seconds / 1e9:.2f} GB/s with start-up; a warm check of it takes "
            f"{big_warm.seconds:.2f} s; peak PSS {mb(big_cold.tree_pss)}",
        )

    # page cache dropped
    if args.drop_caches:
        if drop_caches():
            disk_walk = run([sys.executable, "-c", WALK, str(tree / "evidence")], sample=False)
            drop_caches()
            disk_warm = check_ok("warm check, page cache dropped", run(civdoc(tree, "check")))
            drop_caches()
            disk_cold = check_ok("cold check, page cache dropped", run(civdoc(tree, "check", "--no-cache")))
            rep.raw["disk"] = {"walk": asdict(disk_walk), "warm": asdict(disk_warm), "cold": asdict(disk_cold)}
            rep.add(
                "page cache dropped: bare walk / warm check / cold check --no-cache",
                f"{disk_walk.seconds:.1f} s / {disk_warm.seconds:.1f} s / {disk_cold.seconds:.1f} s",
                f"warm {disk_warm.seconds / disk_walk.seconds:.2f}× walk",
            )
        else:
            rep.add("page cache dropped", "skipped", note="/proc/sys/vm/drop_caches is not writable")

    # build
    if not args.skip_build:
        missing = build_available()
        if missing:
            rep.add("build", "skipped", "≤ 30 s", note=f"civdoc build cannot run yet: {missing}")
        else:
            out = tree / "out"
            shutil.rmtree(out, ignore_errors=True)
            built = run(civdoc(tree, "build", "--out", str(out)))
            rep.raw["build"] = asdict(built)
            if built.code not in (0, 1):
                tail = built.stderr.strip().splitlines()[-1:] or ["?"]
                rep.add("build", "failed", "≤ 30 s", False, note=f"exit {built.code}: {tail[0][:200]}")
            else:
                items = args.items or -(-args.files // 10)
                rep.add(
                    f"build: {items:,} items, {count:,} files (warm cache)",
                    f"{built.seconds:.1f} s",
                    "≤ 30 s",
                    built.seconds <= 30,
                    note=f"peak PSS {mb(built.tree_pss)}",
                )

    rep.machine["load average, start → end"] = f"{rep.machine.pop('load_start', '')} → {os.getloadavg()[0]:.2f}"
    print(rep.table())
    print(f"load average {rep.machine['load average, start → end']} (other processes on the machine skew times)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "machine": rep.machine,
                    "command": rep.command,
                    "figures": [asdict(f) for f in rep.figures],
                    "raw": rep.raw,
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
