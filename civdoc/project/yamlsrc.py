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
    """Parse path; on any failure return no source and a D101 problem with line and column.

    Read as untrusted input (yamlread.py): a regular file of bounded size, no aliases or anchors,
    bounded nesting, only plain YAML tags; nothing ends in an internal error."""
    from civdoc.project.yamlread import Unreadable, alias_line, decode, read_regular, too_deep, translate

    try:
        text = decode(read_regular(path))
    except Unreadable as exc:
        return None, [_problem("D101", shown_as, None, "", str(exc))]
    alias = alias_line(text)
    if alias is not None:
        return None, [
            _problem(
                "D101",
                shown_as,
                alias,
                "",
                "civdoc 的文件中不能使用锚点（&）和引用（*）："
                "它们能让几行文字展开成巨量数据。请把引用处直接写成完整的值。",
            )
        ]
    import yaml

    try:
        # libyaml's composer is ~15x faster and its nodes carry the same line marks
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if node is not None and too_deep(node):
            return None, [
                _problem(
                    "D101",
                    shown_as,
                    node.start_mark.line + 1,
                    "",
                    "嵌套层数过多（括号或缩进层层套叠），不像是 civdoc 的文件。请检查文件内容。",
                )
            ]
        data = _construct(node) if node is not None else None
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc, text, shown_as, translate)]
    except RecursionError:
        return None, [_problem("D101", shown_as, None, "", "嵌套层数过多，无法解析。请检查文件内容。")]
    except (ValueError, TypeError, OverflowError) as exc:  # a constructor refusing a value, e.g. !!int on text
        return None, [_problem("D101", shown_as, None, "", f"有无法识别的值（{exc}）。请检查文件中以 !! 开头的写法。")]
    source = Source(shown_as, None)
    problems: list[DefinitionProblem] = []
    if node is None:
        source.data = {}
        return source, problems
    source.data = data
    _index(node, (), source, problems)
    if "\\" in text:  # only a double-quoted escape ("\x01", "\uFFFE") can bring in what XML cannot hold
        problems += [
            _problem(
                "D105",
                shown_as,
                source.line(loc),
                dotted(loc),
                f"文字中有不能显示、也不能写入台账的控制字符 U+{ord(c):04X}，请删除它。",
            )
            for loc, c in _illegal(data, ())
        ]
    return source, problems


def _illegal(data: Any, loc: Loc) -> list[tuple[Loc, str]]:
    """Where the document holds a character no ledger or report could hold (xmltext.py), and which."""
    from civdoc.safe.xml import ILLEGAL

    if isinstance(data, str):
        found = ILLEGAL.search(data)
        return [(loc, found.group())] if found else []
    if isinstance(data, list):
        return [hit for i, v in enumerate(data) for hit in _illegal(v, loc + (i,))]
    if isinstance(data, dict):
        return [hit for k, v in data.items() for hit in _illegal(k, loc) + _illegal(v, loc + (k,))]
    return []


def _syntax_problem(exc: Any, text: str, shown_as: str, translate: Any) -> DefinitionProblem:
    mark = getattr(exc, "problem_mark", None)
    opened = getattr(exc, "context_mark", None)
    what = translate(str(getattr(exc, "problem", None) or exc))
    last = text.count("\n") + (0 if text.endswith("\n") else 1)
    line = mark.line + 1 if mark else None
    where = f"第 {mark.column + 1} 列" if mark else ""
    context = str(getattr(exc, "context", "") or "")
    unclosed = context.startswith(("while parsing a flow", "while scanning a quoted"))
    if opened is not None and (line is None or line > last or unclosed):
        # the parser noticed at the end of the file: say where the bracket or quote was opened
        line = opened.line + 1
        where = f"从第 {opened.column + 1} 列开始"
    elif line is not None and line > last:
        line = last
    msg = f"YAML 语法错误（{where}）：{what}。请检查缩进、冒号后的空格、引号和括号是否成对。"
    return _problem("D101", shown_as, line, "", msg)


@lru_cache(maxsize=1)
def _loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader that keeps an impossible date such as 2024-02-30 as text, for validation to report."""

        def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:  # type: ignore[override]
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


def _index(node: Any, loc: Loc, source: Source, problems: list[DefinitionProblem]) -> None:
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
                    _problem(
                        "D102",
                        source.file,
                        key_node.start_mark.line + 1,
                        dotted(child),
                        f"字段“{key}”写了两次，后一个会覆盖前一个。请删除重复的一行。",
                    )
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
