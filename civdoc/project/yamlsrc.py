"""YAML loading that remembers where each value stood, so definition errors can name file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civdoc.errors import DefinitionProblem

if TYPE_CHECKING:
    import yaml

# PyYAML is imported when a file is parsed: a warm check, its definitions remembered (project.py)
# and no review records, parses none and spares the import (~13 ms).

Loc = tuple[Any, ...]


@dataclass
class Source:
    """A parsed YAML document with the line of every value and the raw text of every scalar."""

    file: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    raw: dict[Loc, str] = field(default_factory=dict)

    def line(self, loc: Loc) -> int | None:
        """The line of loc, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def load_yaml(path: Path, shown_as: str) -> tuple[Source | None, list[DefinitionProblem]]:
    """Parse path; on a syntax error return no source and a D101 problem with line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, [_problem("D101", shown_as, None, "", "文件不是 UTF-8 编码，请用记事本或 VS Code 另存为 UTF-8 后重试。")]
    except OSError as exc:
        return None, [_problem("D101", shown_as, None, "", f"无法读取文件（{exc.strerror}），请检查文件是否存在、是否有读取权限。")]
    import yaml

    try:
        # libyaml's composer is ~15x faster and its nodes carry the same line marks
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        column = f"第 {mark.column + 1} 列" if mark else ""
        what = getattr(exc, "problem", None) or str(exc)
        msg = f"YAML 语法错误（{column}）：{what}。请检查缩进、冒号后的空格、引号和括号是否成对。"
        return None, [_problem("D101", shown_as, line, "", msg)]
    source = Source(shown_as, None)
    problems: list[DefinitionProblem] = []
    if node is None:
        source.data = {}
        return source, problems
    source.data = _construct(node)
    _index(node, (), source, problems)
    return source, problems


@lru_cache(maxsize=1)
def _loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader that keeps an impossible date such as 2024-02-30 as text, for validation to report."""

        def construct_yaml_timestamp(self, node: yaml.Node) -> Any:  # type: ignore[override]
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return self.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
    return Loader


def _construct(node: yaml.Node) -> Any:
    loader = _loader()("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _index(node: yaml.Node, loc: Loc, source: Source, problems: list[DefinitionProblem]) -> None:
    source.lines.setdefault(loc, node.start_mark.line + 1)
    if node.id == "scalar":  # a node's kind, without importing yaml for its classes
        source.raw[loc] = node.value
    elif node.id == "sequence":
        for i, child in enumerate(node.value):
            _index(child, loc + (i,), source, problems)
    elif node.id == "mapping":
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if key_node.id == "scalar" else str(key_node)
            child = loc + (key,)
            if key in seen:
                problems.append(
                    _problem("D102", source.file, key_node.start_mark.line + 1, dotted(child),
                             f"字段“{key}”写了两次，后一个会覆盖前一个。请删除重复的一行。")
                )
            seen.add(key)
            source.lines[child] = key_node.start_mark.line + 1
            _index(value_node, child, source, problems)


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _problem(code: str, file: str, line: int | None, field_: str, message: str) -> DefinitionProblem:
    return DefinitionProblem(code=code, file=file, line=line, field=field_, message=message)
