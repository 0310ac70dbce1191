"""What civdoc init and import print about a list they read: per sheet, counts, every guess."""

from __future__ import annotations

from civdoc.tasklist.model import BONUS, NEGATIVE, TaskList


def read_lines(tasklist: TaskList) -> list[str]:
    lines = ["读取情况："]
    for sheet in tasklist.sheets:
        counts = f"读取 {sheet.rows_read} 行，跳过 {sheet.rows_skipped} 行"
        if sheet.continues:
            lines.append(f"  {sheet.name}：没有表头，作为{sheet.continues}的续表读取，{counts}")
        elif sheet.header_row is None:
            first = "；".join(sheet.first_rows) or "空白"
            lines.append(f"  {sheet.name}：没有找到表头，已跳过（{first}）")
        else:
            lines.append(f"  {sheet.name}：表头在第 {sheet.header_row} 行，{counts}")
    inds = tasklist.indicators
    bonus = sum(1 for i in inds if i.category == BONUS)
    negative = sum(1 for i in inds if i.category == NEGATIVE)
    extra = f"（其中特色指标 {bonus} 个、负面清单 {negative} 个）" if bonus or negative else ""
    standards = sum(len(i.standards) for i in inds)
    requirements = sum(len(i.requirements) for i in inds)
    lines.append(
        f"共 {len(tasklist.aspects)} 个测评项目、{len(inds)} 个测评内容{extra}、{standards} 条测评标准、"
        f"{len(tasklist.units)} 个单位、{requirements} 项佐证材料。"
    )
    if tasklist.units:
        lines.append(f"单位：{'、'.join(tasklist.units)}")
    return lines


def guess_lines(tasklist: TaskList, head: list[str]) -> list[str]:
    lines = ["请确认以下推断（写入的文件中以“推断：”注释标出）："] + [f"  {h}" for h in head]
    if tasklist.collectives:
        names = "、".join(f"{n.text}（{n.sheet}!{n.cell}）" for n in tasklist.collectives)
        advice = "如要拆分为具体单位，请同时修改 civdoc.yaml 和指标文件中的单位"
        lines.append(f"  集合名称，已原样登记为一个单位；{advice}：{names}")
    lines += [f"  {g}" for g in tasklist.guesses]
    if tasklist.warnings:
        lines.append("请注意：")
        lines += [f"  {w}" for w in tasklist.warnings]
    return lines
