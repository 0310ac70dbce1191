"""The inspection workers (civdoc.evidence.pool) against parsers that hang, crash or eat memory.

inspect_file is replaced by a stand-in that misbehaves on chosen names; the workers are forked from
this process, so they run the stand-in too.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

import civdoc.evidence.formats as insp
import civdoc.evidence.pool as inspection
from civdoc.model import EvidenceFile

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers and alarms: Linux")

REAL = insp.inspect_file


def misbehaving(path: Path):  # type: ignore[no-untyped-def]
    name = path.name
    if name.startswith("spin"):  # a pure-Python endless loop: the alarm stops it
        while True:
            pass
    if name.startswith("deaf"):  # stuck where no alarm reaches: the watchdog kills the worker
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
        time.sleep(3600)
    if name.startswith("abort"):  # a segfault-like death
        import faulthandler

        faulthandler.disable()  # pytest's, inherited by the fork: no dump in the test output
        os.abort()
    if name.startswith("greedy"):  # allocates without end
        hoard = []
        while True:
            hoard.append(bytearray(64 << 20))
    if name.startswith("raise"):  # breaks inspect_file's promise
        raise RuntimeError("parser bug")
    return REAL(path)


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(insp, "inspect_file", misbehaving)
    monkeypatch.setattr(inspection, "TIME_BASE", 1.0)
    monkeypatch.setattr(inspection, "WATCHDOG_SLACK", 1.0)
    monkeypatch.setattr(inspection, "MEMORY_HEADROOM", 256 << 20)

    def make(names: list[str]) -> list[EvidenceFile]:
        out = []
        for name in names:
            p = tmp_path / name
            p.write_bytes(b"%PDF-1.4\n" + name.encode())
            out.append(EvidenceFile(path=name, fs_path=str(p), ext="pdf", size=p.stat().st_size, mtime_ns=0))
        return out

    return make


def bad_names() -> list[str]:
    names = [f"ok{i:03d}.pdf" for i in range(120)]
    for i, kind in zip((3, 30, 50, 70, 90, 110), ("spin", "deaf", "abort", "greedy", "raise", "abort")):
        names[i] = f"{kind}{i:03d}.pdf"
    return names


def test_every_file_gets_a_result_whatever_its_parser_does(files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evidence = files(bad_names())
    started = time.monotonic()
    inspection.inspect_all(evidence)
    assert time.monotonic() - started < 30
    by_name = {f.path: f.inspection for f in evidence}
    assert all(i is not None for i in by_name.values())
    assert "超过 1 秒" in by_name["spin003.pdf"].problem
    assert "超过 1 秒" in by_name["deaf030.pdf"].problem
    assert "异常退出" in by_name["abort050.pdf"].problem
    assert "内存" in by_name["greedy070.pdf"].problem
    assert "异常退出" in by_name["raise090.pdf"].problem
    for name, result in by_name.items():
        assert result.sha256.startswith("sha256:"), name  # the hash is known even for a failed file
        if name.startswith("ok"):
            assert result.problem is None or "超过" not in result.problem


def test_without_processes_it_inspects_in_process(files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def no_processes(jobs: int):  # type: ignore[no-untyped-def]
        raise OSError("no fork here")

    monkeypatch.setattr(inspection, "_context", no_processes)
    evidence = files([f"ok{i}.pdf" for i in range(40)] + ["spin.pdf"])
    inspection.inspect_all(evidence)
    assert "超过 1 秒" in evidence[-1].inspection.problem
    assert all(f.inspection is not None for f in evidence)
