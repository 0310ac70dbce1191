"""Time `civdoc init --from` on generated 任务清单 of a given number of rows.

    python bench/bench_tasklist.py 200 10000        # rows per list; prints wall and CPU seconds

Each 测评内容 takes two rows (its 测评内容 cell merged over both), ten 测评项目 (merged too), numbered
clauses and methods in one cell, several units, 分值 and 完成时限 in the forms offices write, three
materials each; every text differs, so nothing is read twice.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

UNITS = ["区委宣传部", "区教育局", "团区委", "区民政局", "区城市管理局", "各街道办事处", "区卫生健康局", "区公安分局"]
HEADERS = [
    "序号",
    "测评项目",
    "测评内容",
    "测评标准",
    "测评方法",
    "分值",
    "牵头单位",
    "责任单位",
    "完成时限",
    "佐证材料",
]


def make_list(rows: int, path: Path) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "任务清单"
    ws.append([f"测试区2025年创建全国文明城市材料自查任务清单（{rows}行）"])
    ws.merge_cells("A1:J1")
    ws.append(HEADERS)
    per_aspect = max(2, rows // 10)
    r = 3
    for a in range(10):
        first = r
        for k in range(per_aspect // 2):
            n = a * per_aspect + k
            deadline = (
                datetime(2025, 6, 30) if k % 3 == 0 else ("6月底前" if k % 3 == 1 else f"2025年{k % 12 + 1}月28日")
            )
            ws.append(
                [
                    r - 2,
                    f"{a + 1}.测评项目{a + 1}",
                    f"{k + 1}.测评内容{n}",
                    f"1)建立第{n}项工作机制；\n2)开展第{n}项常态化活动。",
                    "1)材料审核\n2)材料审核、问卷调查",
                    f"{k % 4 + 1}分",
                    UNITS[k % 8],
                    f"{UNITS[(k + 1) % 8]}、{UNITS[(k + 2) % 8]}",
                    deadline,
                    f"1.第{n}项工作方案；2.第{n}项活动照片（不少于{k % 5 + 1}张）；3.第{n}项工作台账",
                ]
            )
            ws.append([r - 1, None, None, f"第{n}项注册率达标。", "网上申报", None, None, None, None, None])
            ws.merge_cells(start_row=r, start_column=3, end_row=r + 1, end_column=3)
            r += 2
        ws.merge_cells(start_row=first, start_column=2, end_row=r - 1, end_column=2)
    book.save(path)


def main() -> None:
    for rows in [int(a) for a in sys.argv[1:]] or [200, 10000]:
        work = Path(tempfile.mkdtemp(prefix="civdoc-bench-list-"))
        make_list(rows, work / "清单.xlsx")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "civdoc", "init", str(work / "项目"), "--from", str(work / "清单.xlsx")],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        lines = done.stdout.splitlines()
        print(f"{rows} rows: exit {done.returncode}, wall {wall:.2f} s, CPU {cpu:.2f} s")
        print("\n".join(f"    {line}" for line in lines[:4]))


if __name__ == "__main__":
    main()
