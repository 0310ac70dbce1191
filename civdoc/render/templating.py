"""Built-in templates and the project's overrides of them, by file name (like mkdocs' custom_dir).

A file in <project>/templates/ replaces the built-in file of the same name in civdoc/templates/.
Text templates (*.j2) are rendered by one Jinja2 environment that looks in the project first; the
Word template (材料自查台账.docx) is a docxtpl template, opened by path (see render/docx.py).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from civdoc.errors import CivdocError

DOSSIER = "材料自查台账.docx"
SUMMARY = "基本情况.j2"
PACKAGE = "civdoc"
FOLDER = "templates"


# What a template may make: a project's template formats data; it cannot build a string of gigabytes
MAX_TEMPLATE_VALUE = 1_000_000  # characters or items one expression may produce

# A template that fails while running (1/0, a recursive macro, {% include %} of nothing) is the template's
# mistake, never civdoc's: these become a TemplateError naming the file.
RUN_FAILURES = (ArithmeticError, RecursionError, TypeError, ValueError, LookupError, MemoryError)


class SafeEnvironment(SandboxedEnvironment):
    """jinja2's sandbox (no Python objects, files or processes) that also bounds what * and + produce."""

    intercepted_binops = frozenset(["*", "**", "+"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*" and isinstance(left, (str, list, tuple)) and isinstance(right, int):
            size = len(left) * right
        elif operator == "*" and isinstance(right, (str, list, tuple)) and isinstance(left, int):
            size = len(right) * left
        elif operator == "**" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
            size = int(abs(right)) if abs(left) > 1 else 0  # 10 ** 1000000 is a number of a million digits
        else:
            size = 0
        if size > MAX_TEMPLATE_VALUE:
            raise SecurityError(f"模板中的表达式会生成过大的内容（{size:,}）")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_TEMPLATE_VALUE:
            raise SecurityError(f"模板中的表达式会生成过大的内容（{len(result):,}）")
        return result


MAX_TEMPLATE_OUTPUT = 20_000_000  # characters one rendering may write (a dashboard of 500 units is ~1.4 MB)


def render_bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """template.render, stopped once the text it writes passes MAX_TEMPLATE_OUTPUT (loops inside loops)."""
    parts: list[str] = []
    size = 0
    for chunk in template.generate(**context):
        size += len(chunk)
        if size > MAX_TEMPLATE_OUTPUT:
            raise SecurityError(f"模板生成的内容超过 {MAX_TEMPLATE_OUTPUT:,} 个字符")
        parts.append(chunk)
    return "".join(parts)


class TemplateError(CivdocError):
    """A template that cannot be used: malformed, or using a variable civdoc does not provide."""


def builtin_dir() -> Any:
    """The package's templates/ folder as an importlib Traversable (a real folder once installed)."""
    return resources.files(PACKAGE).joinpath(FOLDER)


class Templates:
    def __init__(self, project_root: Path):
        self.root = project_root
        self.folder = project_root / FOLDER
        self._env: jinja2.Environment | None = None
        self.cache: dict[str, Any] = {}  # per-build memo for renderers (e.g. a checked docx template)

    def is_custom(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def path(self, name: str) -> Path:
        """<project>/templates/<name> if the project has it, else the built-in template."""
        if self.is_custom(name):
            return self.folder / name
        builtin = builtin_dir().joinpath(name)
        if not builtin.is_file():
            raise TemplateError(f"没有名为“{name}”的模板。内置模板有：{'、'.join(self.names())}。")
        # pip installs the package unzipped, so the resource is a real file on disk
        return Path(str(builtin))

    def shown(self, name: str) -> str:
        """How a template is named in messages: the project file, or the built-in one."""
        if self.is_custom(name):
            return f"{FOLDER}/{name}"
        return f"内置模板“{name}”"

    @staticmethod
    def names() -> list[str]:
        """The built-in template names (each can be overridden by a file of that name in templates/)."""
        return sorted(t.name for t in builtin_dir().iterdir() if t.is_file() and not t.name.startswith((".", "_")))

    def jinja_env(self) -> jinja2.Environment:
        """The one Environment for text templates: project templates/ first, then the package's."""
        if self._env is None:
            # sandboxed: a project's template may format data, never reach Python objects or processes
            self._env = SafeEnvironment(
                loader=jinja2.ChoiceLoader(
                    [
                        jinja2.FileSystemLoader(str(self.folder), encoding="utf-8"),
                        jinja2.FunctionLoader(_builtin_source),
                    ]
                ),
                undefined=jinja2.StrictUndefined,
                autoescape=False,
                keep_trailing_newline=True,
                trim_blocks=True,
                lstrip_blocks=True,
            )
        return self._env

    def render_text(self, name: str, context: dict[str, Any]) -> str:
        """Render a text template; any mistake in it becomes a TemplateError naming the file."""
        where = self.shown(name)
        try:
            template = self.jinja_env().get_template(name)
            return render_bounded(template, context)
        except jinja2.TemplateSyntaxError as exc:
            line = f"第 {exc.lineno} 行" if exc.lineno else ""
            raise TemplateError(f"模板 {where} {line}语法有误（{jinja_message(exc)}）。{TAG_ADVICE}") from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"模板 {where} 使用了{undefined_message(exc)}。可用的变量：{'、'.join(sorted(context))}。"
            ) from None
        except SecurityError:
            raise TemplateError(unsafe_message(where)) from None
        except jinja2.TemplateNotFound:
            raise TemplateError(f"找不到模板“{name}”。") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"模板 {where} 无法生成：{exc}。{FALLBACK_ADVICE}") from None
        except UnicodeDecodeError:
            raise TemplateError(f"模板 {where} 不是 UTF-8 编码的文本，请另存为 UTF-8。") from None
        except RUN_FAILURES as exc:
            raise TemplateError(run_failure_message(where, exc)) from None


# what to do about a template that does not render, said the same way for text and Word templates
TAG_ADVICE = "请检查 {{ }}、{% %} 是否成对、完整，for/if 是否有对应的 endfor/endif。"
FALLBACK_ADVICE = "请对照内置模板改正该处写法；把项目 templates/ 中的这个文件移走，即改用内置模板。"


def run_failure_message(where: str, exc: Exception) -> str:
    return (
        f"模板 {where} 运行时出错（{type(exc).__name__}: {jinja_message(exc) if str(exc) else '无说明'}）。"
        "模板只能排版 civdoc 提供的数据：请检查其中的计算、循环、宏和 include/extends/import 写法。"
    )


def unsafe_message(where: str) -> str:
    return (
        f"模板 {where} 试图访问程序内部的对象（如 __class__、__globals__ 或函数），出于安全考虑已拒绝生成。"
        "模板只能使用 civdoc 提供的变量和筛选器来排版数据，请删除这类写法。"
    )


def jinja_message(exc: Exception) -> str:
    """Jinja's own words, for the maintainer; trimmed so the Chinese sentence around it reads well."""
    return str(getattr(exc, "message", None) or exc).strip().rstrip(".。")


def undefined_message(exc: Exception) -> str:
    """'x' is undefined / 'dict object' has no attribute 'y' -> 不存在的变量“x” / 不存在的字段“y”."""
    text = jinja_message(exc)
    attribute = re.search(r"has no attribute '([^']+)'", text)
    if attribute:
        return f"不存在的字段“{attribute.group(1)}”"
    name = re.match(r"'([^']+)' is undefined", text)
    if name:
        return f"不存在的变量“{name.group(1)}”"
    return f"civdoc 不提供的变量（{text}）"


def _builtin_source(name: str) -> str | None:
    resource = builtin_dir().joinpath(name)
    if not resource.is_file():
        return None
    return resource.read_text(encoding="utf-8")
