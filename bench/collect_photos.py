"""Time `civdoc collect` on a zip of N photos (default 2,000 of ~500 KB: about 1 GB), made as Windows'
built-in compressor makes it (GBK names, no UTF-8 flag, deflated), into a fresh project under a
temporary folder that is deleted afterwards.

    python bench/collect_photos.py [--photos 2000] [--kb 500] [--keep]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import yaml
from PIL import Image

UNIT = "区教育局"


class _RawName(zipfile.ZipInfo):
    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def photo(n: int, size: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)).save(buf, "JPEG")
    return buf.getvalue() + os.urandom(max(0, size - buf.tell()))  # camera noise: incompressible


def make_zip(path: Path, photos: int, size: int) -> int:
    total = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n in range(photos):
            day = f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
            name = f"{UNIT}/2.1 学雷锋志愿服务/活动照片/{day} 志愿服务活动照片{n:04d}.jpg"
            info = _RawName(name.encode("gbk").decode("cp437"), (2024, 6, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            data = photo(n, size)
            total += len(data)
            archive.writestr(info, data)
    return total


def make_project(root: Path, photos: int) -> None:
    (root / "indicators").mkdir(parents=True)
    (root / "evidence").mkdir()
    config = {
        "name": "测试区材料自查",
        "period": {"start": "2024-01-01", "end": "2024-12-31"},
        "units": [{"name": UNIT, "aliases": ["教育局"]}],
    }
    indicators = {
        "aspect": "思想道德建设",
        "indicators": [
            {
                "id": "2.1",
                "content": "学雷锋志愿服务",
                "lead": UNIT,
                "requirements": [{"name": "活动照片", "kind": "实景图片", "min": photos}],
            }
        ],
    }
    (root / "civdoc.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (root / "indicators" / "02.yaml").write_text(yaml.safe_dump(indicators, allow_unicode=True), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--kb", type=int, default=500)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="civdoc-collect-"))
    try:
        source = work / f"{UNIT}.zip"
        started = time.perf_counter()
        total = make_zip(source, args.photos, args.kb * 1024)
        print(
            f"zip: {args.photos} photos, {total / 1e9:.2f} GB of photos, {source.stat().st_size / 1e9:.2f} GB zip, "
            f"made in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        project = work / "proj"
        make_project(project, args.photos)
        command = [
            sys.executable,
            "-m",
            "civdoc",
            "collect",
            str(source),
            "--project",
            str(project),
            "--today",
            "2024-12-31",
        ]
        for label in ("first collect (all new)", "second collect (all identical)"):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            print(f"{label}: {elapsed:.1f} s, exit {done.returncode}")
            print("\n".join(done.stdout.splitlines()[:8] + ["  …"] + done.stdout.splitlines()[-6:]))
            if done.stderr.strip():
                print(done.stderr)
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
