"""What `civdoc review import` did, for people: counts, every conflict and unreadable row, what to do."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console
from rich.text import Text

SHOWN = 50  # entries listed per group before "……另有 N 条"


@dataclass
class ImportOutcome:
    """What an import did; each entry is a short Chinese description (unit, indicator, stage, reason)."""

    applied: list[str] = field(default_factory=list)  # one per record written
    unchanged: list[str] = field(default_factory=list)  # one per row with nothing new
    conflicts: list[str] = field(default_factory=list)  # entries not recorded: outdated material or refused
    unreadable: list[str] = field(default_factory=list)  # rows civdoc could not understand
    source: str = ""  # the workbook's file name
    stale: int = 0  # how many of the conflicts are entries made on material that changed since the build


def render_import(outcome: ImportOutcome, console: Console) -> None:
    source = f"“{outcome.source}”" if outcome.source else "台账"
    console.print(Text(f"导入{source}的审核栏：", style="bold"))
    applied = len(outcome.applied)
    console.print(Text(f"  已导入 {applied} 条审核记录", style="green" if applied else ""))
    _list(console, outcome.applied, "green")
    console.print(f"  无变化 {len(outcome.unchanged)} 行")
    if outcome.conflicts:
        console.print(Text(f"  冲突 {len(outcome.conflicts)} 处（未记录）：", style="bold red"))
        _list(console, outcome.conflicts, "red")
    else:
        console.print("  冲突 0 处")
    if outcome.unreadable:
        console.print(Text(f"  无法读取 {len(outcome.unreadable)} 行（未记录）：", style="bold red"))
        _list(console, outcome.unreadable, "red")
    else:
        console.print("  无法读取 0 行")
    console.print()
    for line in _advice(outcome):
        console.print(line, soft_wrap=True)


def _list(console: Console, entries: list[str], style: str) -> None:
    for entry in entries[:SHOWN]:
        console.print(Text(f"    · {entry}", style=style), soft_wrap=True)
    if len(entries) > SHOWN:
        console.print(f"    ……另有 {len(entries) - SHOWN} 条")


def _advice(outcome: ImportOutcome) -> list[str]:
    lines: list[str] = []
    if outcome.applied:
        lines.append(
            "审核记录已写入 reviews/ 文件夹（如用版本库或共享文件夹管理项目，请一并保存）。运行 civdoc build 可生成反映最新审核状态的台账。"
        )
    if outcome.stale:
        lines.append(
            "有材料在台账生成后发生了变动：请运行 civdoc build --force 重新生成台账（会覆盖旧台账中未导入的填写），"
            "审核人对照新台账中的材料重新审核后再导入。"
        )
    if outcome.stale < len(outcome.conflicts):
        lines.append("被拒绝的签署请按原因处理：整改材料、先完成上一阶段审核，或改为“退回”；处理后重新填写并导入。")
    if outcome.unreadable:
        lines.append(
            "无法读取的行请在台账中补全（审核状态从下拉列表选择，填写审核人和 2026-05-10 形式的日期），保存后再次导入。"
        )
    if not (outcome.applied or outcome.conflicts or outcome.unreadable):
        lines.append(
            "台账中没有新的审核内容。审核人在“台账”工作表的审核状态栏选择“通过”或“退回”，填写审核人和日期，保存后再导入。"
        )
    return lines
