"""Definitions checked by their pydantic models, each error turned into a D1xx problem that names the
file, the line and the field, in the office's words (a misspelt field gets the nearest known name)."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from civdoc.errors import DefinitionProblem
from civdoc.project.config import Config, Unit, Waiver
from civdoc.project.indicators import Indicator, IndicatorFile, Requirement
from civdoc.project.yamlsrc import Source, dotted


def validate(model: type[BaseModel], source: Source, problems: list[DefinitionProblem], ids: list[tuple]) -> Any:
    """The model made from the source's data, or None with the problems added. ids: the locations
    (with * for any index) of fields that are ids, kept as written."""
    data = source.data
    if not isinstance(data, dict):
        problems.append(
            DefinitionProblem("D102", source.file, 1, "", "文件内容应是“字段: 值”的映射，请对照 README 中的示例填写。")
        )
        return None
    _keep_raw_ids(source, ids)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(_translate(error, source))
        return None


def _keep_raw_ids(source: Source, patterns: list[tuple]) -> None:
    """YAML reads `id: 2.10` as the number 2.1; ids are text, so take them as written."""
    for loc, raw in source.raw.items():
        if any(len(p) == len(loc) and all(a == "*" or a == b for a, b in zip(p, loc)) for p in patterns):
            parent = source.data
            for part in loc[:-1]:
                parent = parent[part]
            if isinstance(parent.get(loc[-1]), (int, float)):
                parent[loc[-1]] = raw


KNOWN_FIELDS = sorted(
    {name for m in (Config, Unit, Waiver, IndicatorFile, Indicator, Requirement) for name in m.model_fields}
    | {"start", "end", "stages", "allow_self_review", "max_file_mb", "text", "file", "sheet", "rows"}
)
TYPE_WORDS = {
    "string": "文本",
    "int": "整数",
    "float": "数字",
    "bool": "true 或 false",
    "list": "列表（- 开头的多行）",
    "dict": "映射（字段: 值）",
    "model": "映射（字段: 值）",
    "date": "日期，如 2024-07-15",
}


def _translate(error: Any, source: Source) -> DefinitionProblem:
    loc = _data_loc(source.data, error["loc"])
    kind = error["type"]
    value = error.get("input")
    field_name = str(loc[-1]) if loc else ""
    code, message = "D102", ""
    if kind == "missing":
        message = f"缺少必填字段“{error['loc'][-1]}”，请补上。"
        loc = _data_loc(source.data, error["loc"][:-1])
        field_name = dotted(tuple(error["loc"]))
    elif kind == "extra_forbidden":
        near = difflib.get_close_matches(field_name, KNOWN_FIELDS, n=1)
        hint = f"您是否想写“{near[0]}”？" if near else "请删除或改正它。"
        message = f"未知字段“{field_name}”：civdoc 不认识这个字段。{hint}"
    elif kind == "civdoc_invalid":
        code, message = "D105", error["msg"]
    elif kind.startswith("date") or kind.startswith("datetime"):
        code, message = "D105", f"日期“{value}”无法识别，请写成 2024-07-15 的形式。"
    elif kind in {"literal_error", "enum"}:
        expected = (
            str(error.get("ctx", {}).get("expected", "")).replace("' or '", "、").replace("', '", "、").strip("'")
        )
        code, message = "D105", f"“{value}”不是可选的值，可选：{expected}。"
    elif kind in {"too_short", "string_too_short"}:
        message = "不能为空，请填写。"
    elif kind == "finite_number":
        code, message = "D105", f"“{value}”不是一个有限的数，请填写具体的数值。"
    else:
        wanted = next((w for k, w in TYPE_WORDS.items() if kind.startswith(k)), "正确的类型")
        message = f"类型不对：这里应是{wanted}，实际写的是“{value}”。"
    shown = dotted(tuple(error["loc"])) if kind == "missing" else dotted(loc)
    return DefinitionProblem(code, source.file, source.line(loc), shown, message)


def _data_loc(data: Any, loc: tuple) -> tuple:
    """Keep the leading part of a pydantic loc that really indexes the data (drops union tags)."""
    kept: list[Any] = []
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            break
        kept.append(part)
    return tuple(kept)
