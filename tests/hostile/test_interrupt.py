"""Interrupted runs (issue 5, point 5) and what the cache re-inspects after a change."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.hostile_project import TODAY

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))


def civdoc(root: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "civdoc",
        "check",
        "--format",
        "json",
        "--today",
        TODAY,
        "--project",
        str(root),
        *args,
    ]


def report(root: Path, *args: str) -> dict:
    done = subprocess.run(civdoc(root, *args), capture_output=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr.decode()
    assert b"Traceback" not in done.stderr
    data = json.loads(done.stdout)
    data.pop("generated_at", None)
    return data


def rows(root: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{root / '.civdoc' / 'cache.sqlite'}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0
    try:
        return db.execute("SELECT count(*) FROM inspections").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        db.close()


def alive_in_group(pgid: int, wait: float) -> list[str]:
    """Processes of the group still running (zombies waiting for init to reap them do not count)."""
    deadline = time.monotonic() + wait
    while True:
        ps = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(pgid)], capture_output=True, text=True)
        alive = [line for line in ps.stdout.splitlines() if not line.split()[1].startswith("Z")]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gen_district import generate, parse_mix

    root = tmp_path_factory.mktemp("interrupt") / "district"
    generate(
        root,
        files=4000,
        units=20,
        indicators=20,
        items=200,
        mix=parse_mix("pdf:0.7,jpeg:0.3"),
        large=0,
        large_mb=0,
        quiet=True,
    )
    old = time.time() - 86400  # not "racy": an hour-old mtime is trusted by the cache
    for folder, _, names in os.walk(root / "evidence"):
        for name in names:
            os.utime(os.path.join(folder, name), (old, old))
    return root


def test_ctrl_c_during_check_leaves_the_cache_consistent(district: Path) -> None:
    shutil.rmtree(district / ".civdoc", ignore_errors=True)
    proc = subprocess.Popen(
        civdoc(district), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )  # its own process group, as a terminal's Ctrl-C reaches
    deadline = time.monotonic() + 120
    while rows(district) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the first batch is committed: we are midway
    if proc.poll() is not None:
        pytest.skip("the check finished before it could be interrupted")
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    stderr = err.decode("utf-8", "replace")
    assert proc.returncode == 130, stderr
    assert "已中断" in stderr and "Traceback" not in stderr
    assert not alive_in_group(proc.pid, wait=5), "worker processes outlived the interrupted check"

    kept = rows(district)
    assert 0 < kept < 4000
    db = sqlite3.connect(district / ".civdoc" / "cache.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()

    resumed = report(district)
    assert rows(district) == 4000
    assert resumed == report(district, "--no-cache")
    assert resumed == report(district)  # and once more from a complete cache


def test_touching_one_file_reinspects_only_that_file(district: Path) -> None:
    report(district)
    victim = next((district / "evidence").rglob("*.pdf"))
    since = time.time_ns()
    os.utime(victim)  # touch: mtime = now
    after = report(district)
    db = sqlite3.connect(district / ".civdoc" / "cache.sqlite")
    rewritten = [p for (p,) in db.execute("SELECT path FROM inspections WHERE inspected_ns >= ?", (since,))]
    db.close()
    assert rewritten == [victim.relative_to(district).as_posix()]
    assert after["summary"]["files"] == 4000


def test_sample_project_touch_one_file(tmp_path: Path) -> None:
    """The acceptance check of issue 5 on the repository's own sample district."""
    root = tmp_path / "sample"
    root.mkdir()
    shutil.copy2(REPO / "civdoc.yaml", root / "civdoc.yaml")
    for folder in ("indicators", "evidence", "reviews", "templates"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder, symlinks=True)
    old = time.time() - 86400
    for folder, _, names in os.walk(root / "evidence"):
        for name in names:
            os.utime(os.path.join(folder, name), (old, old), follow_symlinks=False)
    first = report(root)
    victim = sorted((root / "evidence").rglob("*.jpg"))[0]
    since = time.time_ns()
    os.utime(victim)
    second = report(root)
    db = sqlite3.connect(root / ".civdoc" / "cache.sqlite")
    rewritten = [p for (p,) in db.execute("SELECT path FROM inspections WHERE inspected_ns >= ?", (since,))]
    db.close()
    assert rewritten == [victim.relative_to(root).as_posix()]
    assert first["findings"] == second["findings"]
