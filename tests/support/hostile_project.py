"""A small valid project to plant hostile input in, and the real CLI run on it in a subprocess.

Every run must end (within a timeout), with exit 0 or 1, no traceback, and JSON on stdout.
The `hostile` fixture (conftest.py) makes one in tmp_path.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.hostile_files import pdf

TODAY = "2024-06-01"
UNIT = "区委宣传部"
ITEM = f"evidence/{UNIT}/1.1 理论宣讲"

CONFIG = """\
name: 恶意输入测试区
period: {start: 2024-01-01, end: 2024-12-31}
deadline: 2024-12-31
units:
  - name: 区委宣传部
    aliases: [宣传部]
limits:
  max_file_mb: 50
"""

INDICATORS = """\
aspect: 理想信念教育
order: 1
indicators:
  - id: "1.1"
    content: 理论宣讲
    standards: [开展理论宣讲活动。]
    method: 材料审核
    lead: 区委宣传部
    requirements:
      - name: 工作方案
        kind: 正式发文
        match: [方案]
        types: [pdf, docx]
      - name: 活动照片
        kind: 实景图片
        match: [照片]
        types: [jpg, jpeg, png]
"""


def valid_pdf(title: str = "方案") -> bytes:
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Title <FEFF"
            + title.encode("utf-16-be").hex().encode()
            + b"> /CreationDate (D:20240315093000+08'00') >>",
        ],
        info=4,
    )


def valid_jpeg(seed: int = 0) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (seed % 256, 100, 150)).save(buf, "JPEG")
    return buf.getvalue()


@dataclass
class Outcome:
    code: int
    report: dict[str, Any]
    stderr: str
    seconds: float

    def findings(self, code: str | None = None) -> list[dict[str, Any]]:
        return [f for f in self.report["findings"] if code is None or f["code"] == code]

    def at(self, code: str, path_part: str) -> list[dict[str, Any]]:
        return [f for f in self.findings(code) if path_part in (f["path"] or "")]

    def file(self, path_part: str) -> list[dict[str, Any]]:
        return [f for f in self.report["files"] if path_part in f["path"]]


class Project:
    def __init__(self, root: Path):
        self.root = root
        self.item = root / ITEM

    def run(self, *args: str, timeout: float = 60, prefix: list[str] | None = None, fmt: str = "json") -> Outcome:
        cmd = [
            *(prefix or []),
            sys.executable,
            "-m",
            "civdoc",
            "check",
            "--format",
            fmt,
            "--today",
            TODAY,
            "--project",
            str(self.root),
            *args,
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("CIVDOC_TODAY", "CIVDOC_DEBUG")}
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
        took = time.monotonic() - started
        stderr = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode in (0, 1), f"exit {proc.returncode}\n{stderr}"
        assert "Traceback" not in stderr, stderr
        report = json.loads(proc.stdout.decode("utf-8")) if fmt == "json" else {}
        return Outcome(proc.returncode, report, stderr, took)


def make_project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    (root / "indicators").mkdir(parents=True)
    (root / "civdoc.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "indicators" / "01-理想信念教育.yaml").write_text(INDICATORS, encoding="utf-8")
    item = root / ITEM
    item.mkdir(parents=True)
    (item / "2024-03-15 工作方案.pdf").write_bytes(valid_pdf())
    (item / "2024-03-15 活动照片1.jpg").write_bytes(valid_jpeg())
    return Project(root)


def without_dac(tmp_root: Path) -> list[str] | None:
    """A command prefix under which root obeys file permissions (or [] when not root); None when
    that cannot be arranged here."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]
    probe = tmp_root / "probe"
    probe.write_bytes(b"x")
    probe.chmod(0)
    try:
        done = subprocess.run([*prefix, sys.executable, "-c", f"open({str(probe)!r}).read()"], capture_output=True)
    finally:
        probe.chmod(0o600)
        probe.unlink()
    return prefix if done.returncode != 0 else None
