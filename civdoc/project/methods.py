"""测评方法 names in indicator files (SPEC §2): the known ones and civdoc.yaml's `methods:`.

A name close to a known one (实地考查) is D105 with the suggestion; another unknown name is D105 telling
how to add it. Read from the raw YAML, like the other checks across files in project.py.
"""

from __future__ import annotations

import difflib
from typing import Any

from civdoc.errors import DefinitionProblem
from civdoc.project.indicators import KNOWN_METHODS
from civdoc.project.yamlsrc import Loc, Source, dotted

CONFIG_NAME = "civdoc.yaml"


def _named(value: Any, loc: Loc) -> list[tuple[Loc, str]]:
    if isinstance(value, str):
        return [(loc, value)]
    if isinstance(value, list):
        return [(loc + (i,), v) for i, v in enumerate(value) if isinstance(v, str)]
    return []


def method_uses(source: Source) -> list[tuple[Loc, str]]:
    """Every method an indicator file names, with where it stands."""
    data = source.data
    entries = data.get("indicators") if isinstance(data, dict) else None
    found: list[tuple[Loc, str]] = []
    for i, ind in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(ind, dict):
            continue
        at: Loc = ("indicators", i)
        found += _named(ind.get("method"), at + ("method",))
        standards = ind.get("standards")
        for j, std in enumerate(standards if isinstance(standards, list) else []):
            if isinstance(std, dict):
                found += _named(std.get("method"), at + ("standards", j, "method"))
    return found


def known_methods(config_data: Any) -> list[str]:
    extra = config_data.get("methods") if isinstance(config_data, dict) else None
    own = [m for m in extra if isinstance(m, str)] if isinstance(extra, list) else []
    return list(dict.fromkeys([*KNOWN_METHODS, *own]))


def method_problems(config: Source, sources: list[Source]) -> list[DefinitionProblem]:
    known = known_methods(config.data)
    problems = []
    for source in sources:
        for loc, name in method_uses(source):
            if name.strip() in known:
                continue
            near = difflib.get_close_matches(name.strip(), known, n=1, cutoff=0.5)
            if near:
                message = f"测评方法“{name}”不是已知的测评方法。您是否想写“{near[0]}”？"
            else:
                message = (
                    f"测评方法“{name}”不是已知的测评方法（{'、'.join(known)}）。"
                    f"如确需使用，请把它加入 {CONFIG_NAME} 的 methods 列表，例如 methods: [{name}]。"
                )
            problems.append(DefinitionProblem("D105", source.file, source.line(loc), dotted(loc), message))
    return problems
