"""The report for people: grouped by unit, then indicator; each finding with code, file and what to do."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from civdoc.errors import DefinitionProblem
from civdoc.findings import RULES
from civdoc.model import NO_UNIT, Finding, Item
from civdoc.render.labels import SEVERITY, indicator_label

if TYPE_CHECKING:
    from civdoc.check.evaluate import Result

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
MARK = {"error": "✗", "warning": "!", "info": "i"}
SUMMARY_COLUMNS = ["单位", "应报事项", "已完成", "未完成", "完成率", "错误", "警告", "提示"]


class _Lines:
    """Lines for the console, printed in runs: rich renders one long Text far faster than many short ones."""

    def __init__(self, console: Console):
        self.console = console
        self.run: list[Text] = []
        self.soft = False  # soft_wrap of the current run

    def line(self, text: Text | str = "", soft: bool = False) -> None:
        if self.run and soft != self.soft:
            self.flush()
        self.soft = soft
        self.run.append(text if isinstance(text, Text) else Text(text))

    def other(self, renderable: Padding) -> None:
        self.flush()
        self.console.print(renderable)

    def flush(self) -> None:
        if self.run:
            self.console.print(Text("\n").join(self.run), soft_wrap=self.soft)
            self.run = []


def render(result: Result, console: Console, verbose: bool = False, closing: list[str] | None = None) -> None:
    """closing: sentences printed before the verdict (the score and the change since the last snapshot)."""
    project = result.project
    out = _Lines(console)
    out.line(Text(project.config.name, style="bold"))
    period = project.config.period
    out.line(f"材料自查结果  ·  测评周期 {period.start} 至 {period.end}  ·  检查日期 {result.today}")
    out.line()
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_unit[f.unit or NO_UNIT].append(f)
    required = _required_by_unit(result)
    units = [u for u in project.unit_names if u in by_unit] + ([NO_UNIT] if NO_UNIT in by_unit else [])
    for unit in units:
        _unit_block(result, out, unit, required.get(unit, []), by_unit[unit], verbose)
    out.flush()
    _summary_table(result, console, required)
    for line in closing or []:
        console.print(Text(line), soft_wrap=True)
    _verdict(result, console)


def _required_by_unit(result: Result) -> dict[str, list[Item]]:
    required: dict[str, list[Item]] = defaultdict(list)
    for item in result.items:
        if item.status != "not_required":
            required[item.unit].append(item)
    return required


def _unit_block(
    result: Result, out: _Lines, unit: str, items: list[Item], findings: list[Finding], verbose: bool
) -> None:
    done = sum(1 for i in items if i.status == "complete")
    head = Text(f"■ {unit}", style="bold")
    if items:
        head.append(f"  应报 {len(items)} 项，已完成 {done} 项，未完成 {len(items) - done} 项", style="dim")
    out.line(head)
    shown: list[Finding] = []
    hidden: Counter[str] = Counter()
    for f in findings:
        if verbose or f.severity != "info" or f.waived:
            shown.append(f)
        else:
            hidden[f.code] += 1
    by_indicator: dict[str | None, list[Finding]] = defaultdict(list)
    for f in shown:
        by_indicator[f.indicator].append(f)
    for ident, group in by_indicator.items():
        ind = result.project.indicators.get(ident or "")
        if ident is not None or unit != NO_UNIT:
            out.line(Text(f"  {indicator_label(ident, ind.content if ind else None)}", style="bold"))
        for f in group:
            _finding(out, f)
    if hidden:
        parts = "、".join(f"{RULES[c].title} {n} 条" for c, n in sorted(hidden.items()))
        out.line(Text(f"  另有提示：{parts}（加 --verbose 查看）", style="dim"))
    out.line()


def _finding(out: _Lines, f: Finding) -> None:
    style = "dim" if f.waived else STYLE[f.severity]
    line = Text("    ")
    line.append(f"{MARK[f.severity]} {f.code} {SEVERITY[f.severity]}", style=style)
    line.append(f"  {RULES[f.code].title}", style=style)
    if f.requirement:
        line.append(f"  [{f.requirement}]")
    out.line(line)
    if f.path:
        _indented(out, Text(f"文件：{f.path}", style="dim"))
    _indented(out, Text(f.message))
    if f.waived:
        _indented(out, Text(f"已豁免：{f.waiver_reason}", style="green"))


def _indented(out: _Lines, text: Text, indent: int = 6) -> None:
    """A hanging indent on a terminal; one unbroken line when piped, so tools and files get whole lines."""
    if out.console.is_terminal:
        out.other(Padding(text, (0, 0, 0, indent), expand=False))
    else:
        out.line(Text(" " * indent) + text, soft=True)


def _summary_table(result: Result, console: Console, required: dict[str, list[Item]]) -> None:
    """Per unit: items, done, open, rate, and unwaived findings by severity. Drawn as one Text with
    rich's box characters: a rich Table measures each of its cells, ~0.1 s for 100 units."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in result.findings:
        if not f.waived:
            counts[f.unit or NO_UNIT][f.severity] += 1
    rows: list[list[tuple[str, str]]] = []  # per row, (cell, style)
    for unit in result.project.unit_names:
        items = required.get(unit, [])
        if not items and unit not in counts:
            continue
        done = sum(1 for i in items if i.status == "complete")
        rate = f"{done / len(items):.0%}" if items else "—"
        c = counts[unit]
        rows.append(
            [
                (unit, ""),
                (str(len(items)), ""),
                (str(done), ""),
                (str(len(items) - done), ""),
                (rate, ""),
                (str(c["error"]), "red" if c["error"] else ""),
                (str(c["warning"]), "yellow" if c["warning"] else ""),
                (str(c["info"]), ""),
            ]
        )
    header = [(name, "bold") for name in SUMMARY_COLUMNS]
    widths = [max(cell_len(cell) for cell, _ in column) + 2 for column in zip(header, *rows)]
    lines = box.HEAVY_HEAD
    table = Text("各单位完成情况", style="italic")
    table.append("\n" + lines.get_top(widths) + "\n")
    for n, row in enumerate([header, *rows]):
        edge, between, right = (
            (lines.head_left, lines.head_vertical, lines.head_right)
            if n == 0
            else (lines.mid_left, lines.mid_vertical, lines.mid_right)
        )
        for i, (cell, style) in enumerate(row):
            pad = " " * (widths[i] - 2 - cell_len(cell))
            table.append(edge if i == 0 else between)
            table.append(f" {cell}{pad} " if i == 0 else f" {pad}{cell} ", style=style)
        table.append(right + "\n")
        if n == 0:
            table.append(lines.get_row(widths, level="head") + "\n")
    table.append(lines.get_bottom(widths))
    console.print(table, no_wrap=True, overflow="ignore", crop=False)


def _verdict(result: Result, console: Console) -> None:
    required = [i for i in result.items if i.status != "not_required"]
    done = sum(1 for i in required if i.status == "complete")
    console.print(
        f"共 {len(required)} 个应报事项，已完成 {done} 个；文件 {result.file_count} 个。"
        f"错误 {result.count('error')} 条，警告 {result.count('warning')} 条，提示 {result.count('info')} 条，"
        f"已豁免 {result.waived} 条。"
    )
    if result.count("error"):
        console.print(Text("结论：存在未豁免的错误，请按上面的提示整改后重新检查。", style="bold red"))
    else:
        console.print(Text("结论：没有未豁免的错误。", style="bold green"))


def _defined_where(problems: list[DefinitionProblem]) -> str:
    """What the broken files are, in the office's words: settings, indicators or review records."""
    kinds = []
    files = {p.file for p in problems}
    if "civdoc.yaml" in files:
        kinds.append("项目设置（civdoc.yaml）")
    if any(f.startswith("indicators") for f in files):
        kinds.append("指标定义")
    if any(f.startswith("reviews") for f in files):
        kinds.append("审核记录")
    return "、".join(kinds) or "项目文件"


def render_problems(problems: list[DefinitionProblem], console: Console) -> None:
    out = _Lines(console)
    out.line(
        Text(
            f"{_defined_where(problems)}有 {len(problems)} 处错误，未进行检查。请逐条改正后重新运行：", style="bold red"
        )
    )
    for p in problems:
        line = Text(f"  {p.where()}", style="bold")
        line.append(f"  {p.code} {RULES[p.code].title}", style="red")
        out.line(line)
        _indented(out, Text(p.message))
    out.flush()
