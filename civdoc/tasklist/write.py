"""Indicator files and civdoc.yaml as a person would write them: SPEC §2 key order, `source:` on each
indicator, comments on every guess. ruamel.yaml's round-trip types carry the comments and styles."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from civdoc.tasklist.emit import GUESS
from civdoc.tasklist.model import PLACEHOLDER_UNIT, ListIndicator, TaskList

# SPEC §2: the order of an indicator's keys
KEY_ORDER = [
    "id",
    "content",
    "standards",
    "method",
    "score",
    "category",
    "group",
    "system",
    "source",
    "lead",
    "units",
    "deadline",
    "window",
    "requirements",
]
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def yaml_rt() -> YAML:
    rt = YAML()
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096  # never fold a long 测评标准 across lines
    rt.preserve_quotes = True
    return rt


def dump(data: Any, header: str = "") -> str:
    out = io.StringIO()
    yaml_rt().dump(data, out)
    return header + out.getvalue()


def flow(items: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


LIST_FIELDS = ["content", "standards", "method", "score", "category", "group", "source", "lead", "units", "deadline"]


BLOCK_LISTS = {"standards", "requirements"}


def round_trip(value: Any, key: str = "") -> Any:
    """emit.indicator_data's plain values in the styles init writes: standards and requirements as
    block lists, other lists (units, method, match) and `source` in flow style, `rows` quoted."""
    if isinstance(value, dict):
        node = CommentedMap((k, round_trip(v, k)) for k, v in value.items())
        if key == "source":
            node["rows"] = DoubleQuotedScalarString(node.get("rows", ""))
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        return CommentedSeq(round_trip(v) for v in value) if key in BLOCK_LISTS else flow(list(value))
    return value


def indicator_fields(ind: ListIndicator, file: str) -> dict[str, Any]:
    """The fields the list carries, as round-trip YAML values; None where the list has none
    (what import replaces)."""
    from civdoc.tasklist.emit import indicator_data

    data = indicator_data(ind, file)
    return {key: round_trip(data[key], key) if key in data else None for key in LIST_FIELDS}


def indicator_map(ind: ListIndicator, file: str) -> CommentedMap:
    """A new indicator for import to append, with the same comments init writes."""
    from civdoc.tasklist.emit import indicator_data

    data = indicator_data(ind, file)
    node = CommentedMap([("id", DoubleQuotedScalarString(ind.id))])
    for key, value in list(data.items())[1:]:
        node[key] = round_trip(value, key)
    if ind.deadline_note:
        node.yaml_add_eol_comment(f"{GUESS}{ind.deadline_note}，请确认", "deadline")
    if ind.units_placeholder:
        node.yaml_add_eol_comment(f"{GUESS}清单未写责任单位，请改为实际单位", "units")
    for item, r in zip(node.get("requirements", []), ind.requirements, strict=True):
        item.yaml_add_eol_comment(f"{GUESS}{r.guess}，请确认", "name")
    return node


def aspect_file_name(order: int, aspect: str) -> str:
    name = _UNSAFE_FILE_CHARS.sub("_", aspect).strip(" .") or "测评项目"
    return f"{order:02d}-{name[:40].rstrip(' .')}.yaml"  # a long 测评项目 stays a file name a disk accepts


def aspect_document(
    aspect: str, order: int, indicators: list[ListIndicator], tasklist: TaskList
) -> tuple[str, dict[str, Any]]:
    """The file's text, and the data it holds (for validation before writing)."""
    from civdoc.tasklist.emit import aspect_text, indicator_data

    pairs = [(indicator_data(i, tasklist.file), i) for i in indicators]
    data = {"aspect": aspect, "order": order, "indicators": [d for d, _ in pairs]}
    header = (
        f"# indicators/{aspect_file_name(order, aspect)} — 测评项目 {order}：{aspect}\n"
        f"# 由 civdoc init 从 {tasklist.file} 生成。注释中以“{GUESS}”开头的是 civdoc 的推断，请逐项确认。\n"
        "# 清单修订后运行 civdoc import 新清单.xlsx：清单中的字段会更新，\n"
        "# 手工补充的内容（如 requirements、window、注释）保留。\n\n"
    )
    return aspect_text(aspect, order, pairs, header), data


def unit_entry(unit: str, collective: bool) -> CommentedMap:
    entry = CommentedMap([("name", unit)])
    if collective:
        entry.yaml_add_eol_comment(f"{GUESS}集合名称，拆分为具体单位时请同时修改指标文件中的单位", "name")
    elif unit == PLACEHOLDER_UNIT:
        entry.yaml_add_eol_comment(f"{GUESS}清单中有指标未写责任单位，请改为实际单位", "name")
    return entry


def config_document(tasklist: TaskList | None, name: str, period: tuple[date, date], period_note: str) -> str:
    node = CommentedMap()
    node["name"] = name
    span = CommentedMap([("start", period[0]), ("end", period[1])])
    span.fa.set_flow_style()
    node["period"] = span
    node.yaml_add_eol_comment(period_note, "period")
    node["layout"] = "unit/indicator"
    node.yaml_add_eol_comment("材料放在 evidence/<单位>/<指标>/ 下；也可改为 indicator/unit", "layout")
    units = CommentedSeq()
    collectives = {n.text for n in tasklist.collectives} if tasklist else set()
    for unit in tasklist.units if tasklist else []:
        units.append(unit_entry(unit, unit in collectives))
    node["units"] = units
    source = f"由 civdoc init 从 {tasklist.file} 生成" if tasklist else "由 civdoc init 生成"
    header = (
        f"# civdoc 项目设置（{source}）。字段说明见 README“civdoc.yaml：项目设置”。\n"
        "# 单位可补充简称和联系人，例如：\n"
        "#   - name: 区委宣传部\n#     aliases: [宣传部]\n#     contact: 张三 13800000000\n\n"
    )
    return dump(node, header)
