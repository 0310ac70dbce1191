#!/usr/bin/env python3
"""How long `civdoc build` takes on a district of 5,000 items (250 indicators x 20 units).

    python bench/bench_build.py                      # 250 indicators x 20 units, 2 files an item
    python bench/bench_build.py --indicators 100 --units 10 --files-per-item 1 --keep /tmp/d
    python bench/bench_build.py --files 50000 --warm      # issue 5: 5,000 items, 50,000 files, warm check

A synthetic project is generated in a temporary folder: 25 测评项目 of ten indicators, every unit
responsible for every indicator, each item with small but real, distinct PDFs (one pypdf document
with a fixed-width counter patched into its /Title, so generation costs about a file write). About
one item in 17 misses a file and one in 23 has a file dated outside the period, so 问题清单 is not
empty. Then, in this process:

1. `civdoc.check.pipeline.check` (load, scan, inspect every file with a cold cache, evaluate); with --warm
   it fills the cache and checks again, and the warm check is the one counted in the total;
2. `civdoc.commands.build.build` with every renderer timed: the Word dossier, the per-unit Word dossiers,
   the Excel ledger, the per-unit ledgers, report.json, and the atomic writes.

Prints each figure and the total. Nothing is written outside the temporary folder (or --keep).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2024, 6, 1)
PERIOD = (date(2023, 8, 1), date(2024, 7, 31))
COUNTER = 10
STEMS = ["工作方案", "工作总结", "会议纪要", "活动记录"]


def pdf_maker() -> Callable[[int], bytes]:
    """A function n -> a valid PDF whose /Title carries n (same length, so the xref stays right)."""
    from pypdf import PdfWriter

    marker = "X" * COUNTER
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=280)
    writer.add_metadata({"/Title": f"civdoc bench {marker}"})
    buf = io.BytesIO()
    writer.write(buf)
    data = buf.getvalue()
    head, tail = data.split(marker.encode(), 1)
    return lambda n: head + f"{n:0{COUNTER}d}".encode() + tail


def generate(root: Path, indicators: int, units: int, per_item: int, files: int | None = None) -> dict[str, int]:
    """files: about how many files in all (default: per_item an item); the extra ones are further
    copies of an item's requirements (工作方案（2）.pdf, ...), spread evenly over the items."""
    names = [f"区单位{i:02d}" for i in range(1, units + 1)]
    lines = [
        "name: 基准测试区2024年创建全国文明城市材料自查",
        "period: {{start: {}, end: {}}}".format(*PERIOD),
        "deadline: 2024-07-15",
        "units:",
        *[f"  - name: {u}\n    contact: 联络员{i:02d} 0571-8000{i:04d}" for i, u in enumerate(names, 1)],
        "",
    ]
    root.mkdir(parents=True, exist_ok=True)
    (root / "civdoc.yaml").write_text("\n".join(lines), encoding="utf-8")
    requirements = "\n".join(
        f"      - name: {stem}\n        kind: 正式发文\n        match: [{stem}]\n        types: [pdf]"
        for stem in STEMS[:per_item]
    )
    folder = root / "indicators"
    folder.mkdir(exist_ok=True)
    ids: list[tuple[int, str]] = [(i // 10 + 1, f"{i // 10 + 1}.{i % 10 + 1}") for i in range(indicators)]
    by_aspect: dict[int, list[str]] = defaultdict(list)
    for aspect, ident in ids:
        by_aspect[aspect].append(ident)
    for aspect, idents in by_aspect.items():
        text = [f"aspect: 测评项目{aspect}", f"order: {aspect}", "indicators:"]
        for ident in idents:
            text += [
                f'  - id: "{ident}"',
                f"    content: 测评内容{ident}的示例表述",
                "    method: 材料审核",
                "    score: 1",
                f"    lead: {names[0]}",
                f"    units: [{', '.join(names)}]",
                "    requirements:",
                requirements,
            ]
        (folder / f"{aspect:02d}-测评项目{aspect}.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")

    make = pdf_maker()
    items = indicators * units
    n = 0
    missing = late = 0
    for index, (unit, (_aspect, ident)) in enumerate((u, i) for i in ids for u in names):
        item = root / "evidence" / unit / f"{ident} 测评内容{ident}"
        item.mkdir(parents=True, exist_ok=True)
        day = PERIOD[0] + timedelta(days=index % 300)
        count = per_item if files is None else files // items + (index < files % items)
        for k in range(count):
            stem = STEMS[k % per_item]
            copy = f"（{k // per_item + 1}）" if k >= per_item else ""
            if k % per_item == 0 and index % 17 == 5:
                missing += k == 0
                if files is None or per_item == 1:
                    continue
                stem, copy = STEMS[1], f"（补{k // per_item + 1}）"  # --files: the count stays exact
            dated = date(2023, 3, 1) if k == per_item - 1 and index % 23 == 7 else day
            late += dated < PERIOD[0]
            (item / f"{dated.isoformat()} {stem}{copy}.pdf").write_bytes(make(n))
            n += 1
    return {"items": items, "files": n, "missing": missing, "late": late}


class Timer:
    """Wraps the renderers build.py calls, adding up their time by kind."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def wrap(self, module: Any, name: str, label: Callable[..., str]) -> None:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                key = label(*args, **kwargs)
                self.seconds[key] += time.perf_counter() - start
                self.count[key] += 1

        setattr(module, name, timed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--indicators", type=int, default=250)
    ap.add_argument("--units", type=int, default=20)
    ap.add_argument("--files-per-item", type=int, default=2, choices=range(1, len(STEMS) + 1))
    ap.add_argument(
        "--files",
        type=int,
        help="about this many files in all, e.g. 50000 (default: "
        "--files-per-item an item); requirements stay --files-per-item an item",
    )
    ap.add_argument(
        "--warm",
        action="store_true",
        help="also check again on the warm cache, as `civdoc build` does, and total with that",
    )
    ap.add_argument("--keep", type=Path, help="generate here and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)

    from civdoc.check.pipeline import check
    from civdoc.commands import build as build_module

    work = args.keep or Path(tempfile.mkdtemp(prefix="civdoc-bench-"))
    root = work / "district"
    if root.exists():
        shutil.rmtree(root)
    try:
        start = time.perf_counter()
        stats = generate(root, args.indicators, args.units, args.files_per_item, args.files)
        print(
            f"generated {stats['items']} items, {stats['files']} files "
            f"({stats['missing']} items missing a file, {stats['late']} files out of the period) "
            f"in {time.perf_counter() - start:.1f} s"
        )

        timer = Timer()

        def per_unit(kind: str) -> Callable[..., str]:
            return lambda *args, **kwargs: f"{kind}, per unit" if kwargs.get("unit") else kind

        timer.wrap(build_module, "dossier_bytes", per_unit("docx"))
        timer.wrap(build_module, "workbook_bytes", per_unit("xlsx"))
        for name, label in (("to_json", "report.json"), ("write_bytes", "writing files")):
            if hasattr(build_module, name):
                timer.wrap(build_module, name, lambda *args, label=label, **kwargs: label)

        start = time.perf_counter()
        result = check(root, TODAY, use_cache=args.warm)
        checked = time.perf_counter() - start
        if args.warm:
            print(f"{'check (cold, caching)':<22}{checked:8.2f} s")
            start = time.perf_counter()
            result = check(root, TODAY, use_cache=True)
            checked = time.perf_counter() - start
        open_findings = sum(1 for f in result.findings if not f.waived and f.severity in ("error", "warning"))
        label = "check (warm cache)" if args.warm else "check"
        print(
            f"{label:<22}{checked:8.2f} s   ({len(result.items)} items, {len(result.files)} files, "
            f"{open_findings} errors and warnings)"
        )

        start = time.perf_counter()
        built = build_module.build(result, root / "out")
        building = time.perf_counter() - start
        for key in ("docx", "docx, per unit", "xlsx", "xlsx, per unit", "report.json", "writing files"):
            if key in timer.count:
                n = timer.count[key]
                note = f"   ({n} files, {timer.seconds[key] / n:.2f} s each)" if n > 1 else ""
                print(f"{key:<22}{timer.seconds[key]:8.2f} s{note}")
        print(f"{'build':<22}{building:8.2f} s   ({len(built.written)} files)")
        print(f"{'total (check + build)':<22}{checked + building:8.2f} s")
        dossier = root / "out" / "材料自查台账.docx"
        if dossier.exists():
            print(f"材料自查台账.docx: {dossier.stat().st_size / 1e6:.1f} MB")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
