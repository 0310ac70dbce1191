"""Check the project civdoc init is about to write, with civdoc's own models, before anything is moved
into place: the data the indicator files are written from (parsing 5,000 indicators back would cost
~1.5 s; tests load every written file with civdoc's loader instead)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from civdoc.errors import UsageError
from civdoc.project.names import norm


def validate_texts(config_text: str, indicator_files: dict[str, Any]) -> None:
    """civdoc.yaml's text, and the data of each indicator file (relative path -> data)."""
    import yaml

    from civdoc.project.config import Config
    from civdoc.project.indicators import IndicatorFile

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    problems: list[str] = []
    units: set[str] = set()
    ids: set[str] = set()
    try:
        config = Config.model_validate(yaml.load(config_text, Loader=loader))
        units = {norm(n) for u in config.units for n in [u.name, *u.aliases]}
    except (ValidationError, yaml.YAMLError) as exc:
        problems.append(f"civdoc.yaml：{exc}")
    for rel, data in indicator_files.items():
        try:
            model = IndicatorFile.model_validate(data)
        except ValidationError as exc:
            problems.append(f"{rel}：{exc}")
            continue
        for ind in model.indicators:
            if norm(ind.id) in ids:
                problems.append(f"{rel}：编号 {ind.id} 重复")
            ids.add(norm(ind.id))
            named = ([ind.lead] if ind.lead else []) + ind.units
            problems += [f"{rel}：{ind.id} 的单位 {u} 未登记" for u in named if units and norm(u) not in units]
            if not named:
                problems.append(f"{rel}：{ind.id} 没有单位")
    if problems:  # a bug in civdoc's writer, said plainly rather than written
        shown = "\n".join(f"  {p}" for p in problems[:20])
        raise UsageError(f"生成的项目未通过 civdoc 自身的检查，没有写入任何文件。请把以下信息发给维护人员：\n{shown}")
