"""`civdoc rules`: the finding catalogue for people."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from civdoc.findings import FAMILIES, RULES, Rule
from civdoc.render.labels import SEVERITY

DEFAULT = {**SEVERITY, "fatal": "致命（停止）"}


def render_catalogue(console: Console) -> None:
    table = Table(title="civdoc 问题代码", title_justify="left")
    for col in ["代码", "名称", "默认级别", "问题类型", "类别"]:
        table.add_column(col)
    for rule in RULES.values():
        table.add_row(rule.code, rule.name, DEFAULT[rule.default], rule.title, FAMILIES[rule.code[0]])
    console.print(table)
    console.print(
        "运行 civdoc rules 代码（如 civdoc rules C203）查看说明。在 civdoc.yaml 的 rules: 中可调整级别或关闭，"
        "在 waivers: 中可豁免并写明理由。",
        soft_wrap=True,
    )


def render_rule(rule: Rule, console: Console) -> None:
    console.print(f"[bold]{rule.code} {rule.name}[/bold]  {rule.title}")
    console.print(f"类别：{FAMILIES[rule.code[0]]}    默认级别：{DEFAULT[rule.default]}")
    console.print(rule.explain, soft_wrap=True)
    if rule.default != "fatal":
        console.print(
            f"调整级别：在 civdoc.yaml 中写 rules: {{{rule.code}: warning}}（可选 error / warning / info / off）。"
        )
