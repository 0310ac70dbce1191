"""The report for people: grouped by unit, then indicator; each finding with code, file and what to do."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from typing import TYPE_CHECKING

from civdoc.errors import DefinitionProblem
from civdoc.model import Finding, Item
from civdoc.render.labels import SEVERITY, indicator_label
from civdoc.rules.catalogue import RULES

if TYPE_CHECKING:
    from civdoc.evaluate import Result

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
MARK = {"error": "✗", "warning": "!", "info": "i"}
NO_UNIT = "（未归属单位）"


def render(result: Result, console: Console, verbose: bool = False) -> None:
    project = result.project
    console.print(Text(project.config.name, style="bold"))
    period = project.config.period
    console.print(f"材料自查结果  ·  测评周期 {period.start} 至 {period.end}  ·  检查日期 {result.today}")
    console.print()
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_unit[f.unit or NO_UNIT].append(f)
    required = _required_by_unit(result)
    units = [u for u in project.unit_names if u in by_unit] + ([NO_UNIT] if NO_UNIT in by_unit else [])
    for unit in units:
        _unit_block(result, console, unit, required.get(unit, []), by_unit[unit], verbose)
    _summary_table(result, console, required)
    _verdict(result, console)


def _required_by_unit(result: Result) -> dict[str, list[Item]]:
    required: dict[str, list[Item]] = defaultdict(list)
    for item in result.items:
        if item.status != "not_required":
            required[item.unit].append(item)
    return required


def _unit_block(result: Result, console: Console, unit: str, items: list[Item], findings: list[Finding],
                verbose: bool) -> None:
    done = sum(1 for i in items if i.status == "complete")
    head = Text(f"■ {unit}", style="bold")
    if items:
        head.append(f"  应报 {len(items)} 项，已完成 {done} 项，未完成 {len(items) - done} 项", style="dim")
    console.print(head)
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
            console.print(Text(f"  {indicator_label(ident, ind.content if ind else None)}", style="bold"))
        for f in group:
            _finding(console, f)
    if hidden:
        parts = "、".join(f"{RULES[c].title} {n} 条" for c, n in sorted(hidden.items()))
        console.print(Text(f"  另有提示：{parts}（加 --verbose 查看）", style="dim"))
    console.print()


def _finding(console: Console, f: Finding) -> None:
    style = "dim" if f.waived else STYLE[f.severity]
    line = Text("    ")
    line.append(f"{MARK[f.severity]} {f.code} {SEVERITY[f.severity]}", style=style)
    line.append(f"  {RULES[f.code].title}", style=style)
    if f.requirement:
        line.append(f"  [{f.requirement}]")
    console.print(line)
    if f.path:
        _indented(console, Text(f"文件：{f.path}", style="dim"))
    _indented(console, Text(f.message))
    if f.waived:
        _indented(console, Text(f"已豁免：{f.waiver_reason}", style="green"))


def _indented(console: Console, text: Text, indent: int = 6) -> None:
    """A hanging indent on a terminal; one unbroken line when piped, so tools and files get whole lines."""
    if console.is_terminal:
        console.print(Padding(text, (0, 0, 0, indent), expand=False))
    else:
        console.print(Text(" " * indent) + text, soft_wrap=True)


def _summary_table(result: Result, console: Console, required: dict[str, list[Item]]) -> None:
    table = Table(title="各单位完成情况", title_justify="left", show_lines=False)
    for col in ["单位", "应报事项", "已完成", "未完成", "完成率", "错误", "警告", "提示"]:
        table.add_column(col, justify="left" if col == "单位" else "right", no_wrap=True)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in result.findings:
        if not f.waived:
            counts[f.unit or NO_UNIT][f.severity] += 1
    for unit in result.project.unit_names:
        items = required.get(unit, [])
        if not items and unit not in counts:
            continue
        done = sum(1 for i in items if i.status == "complete")
        rate = f"{done / len(items):.0%}" if items else "—"
        c = counts[unit]
        table.add_row(unit, str(len(items)), str(done), str(len(items) - done), rate,
                      _num(c["error"], "red"), _num(c["warning"], "yellow"), str(c["info"]))
    console.print(table)


def _num(n: int, style: str) -> Text:
    return Text(str(n), style=style if n else "")


def _verdict(result: Result, console: Console) -> None:
    required = [i for i in result.items if i.status != "not_required"]
    done = sum(1 for i in required if i.status == "complete")
    console.print(f"共 {len(required)} 个应报事项，已完成 {done} 个；文件 {len(result.files)} 个。"
                  f"错误 {result.count('error')} 条，警告 {result.count('warning')} 条，提示 {result.count('info')} 条，"
                  f"已豁免 {result.waived} 条。")
    if result.count("error"):
        console.print(Text("结论：存在未豁免的错误，请按上面的提示整改后重新检查。", style="bold red"))
    else:
        console.print(Text("结论：没有未豁免的错误。", style="bold green"))


def render_problems(problems: list[DefinitionProblem], console: Console) -> None:
    console.print(Text(f"指标定义有 {len(problems)} 处错误，未进行检查。请逐条改正后重新运行：", style="bold red"))
    for p in problems:
        line = Text(f"  {p.where()}", style="bold")
        line.append(f"  {p.code} {RULES[p.code].title}", style="red")
        console.print(line)
        _indented(console, Text(p.message))
