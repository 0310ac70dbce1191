"""The command line: parses options, calls the core, prints, and maps outcomes to exit codes.

Exit codes (SPEC §6): 0 no unwaived error; 1 unwaived errors (or warnings with --strict), or a refused
review; 2 usage error or invalid project; 130 interrupted.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Optional, TypeVar, Union

import typer

from civdoc import __version__
from civdoc.errors import CivdocError, DefinitionErrors, UsageError
from civdoc.project.load import find_root
from civdoc.store.atomic import refused

if TYPE_CHECKING:  # rich is imported when something is printed: `check --format json` never needs it
    from rich.console import Console
    from rich.text import Text

app = typer.Typer(
    name="civdoc",
    help="全国文明城市测评材料自查工具：检查佐证材料缺漏，生成台账，记录初审/复审/终审。",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("text", "json", "github", "junit")

ProjectOpt = typer.Option(None, "--project", "-p", help="项目文件夹（含 civdoc.yaml）；默认从当前文件夹向上查找。")
TodayOpt = typer.Option(None, "--today", envvar="CIVDOC_TODAY", help="把“今天”固定为 YYYY-MM-DD，便于复现结果。")
NoCacheOpt = typer.Option(False, "--no-cache", help="不使用 .civdoc/ 中的检查缓存，重新检查每个文件。")
SinceOpt = typer.Option(
    None, "--since", help="与 history/ 中这一天（YYYY-MM-DD）的记录比较；默认与此前最近的一次比较。"
)


def console(stderr: bool = False) -> Console:
    """Colour and the terminal's width on a terminal; plain 120-column text when piped or in CI."""
    from rich.console import Console

    from civdoc.safe.console import SafeConsole

    probe = Console(stderr=stderr)
    return SafeConsole(stderr=stderr, highlight=False, width=None if probe.is_terminal else 120)


def stderr_console() -> Console:
    return console(stderr=True)


def styled(message: str, style: str = "") -> Text:
    """A message printed as it is: no rich markup is read in it."""
    from rich.text import Text

    return Text(message, style=style)


def handled(func: F) -> F:
    """Turn civdoc's errors and Ctrl-C into messages and exit codes; never show a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DefinitionErrors as exc:
            try:
                _print_definition_errors(exc, kwargs.get("fmt", "text"), kwargs.get("output"))
            except OSError as failure:  # the report could not be written where --output said
                stderr_console().print(styled(f"错误：{refused(failure)}", style="bold red"), soft_wrap=True)
                raise typer.Exit(2) from None
            raise typer.Exit(exc.exit_code) from None
        except CivdocError as exc:
            stderr_console().print(styled(f"错误：{exc}", style="bold red"), soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            stderr_console().print("已中断。")
            raise typer.Exit(130) from None
        except typer.Exit:
            raise
        except OSError as exc:  # the machine refused: a read-only folder, a full disk, a folder given as a file
            stderr_console().print(styled(f"错误：{refused(exc)}", style="bold red"), soft_wrap=True)
            raise typer.Exit(2) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a traceback
            stderr_console().print(
                styled(
                    f"civdoc 内部错误：{type(exc).__name__}: {exc}\n请把这条信息和所运行的命令发给维护人员。"
                    "（设置环境变量 CIVDOC_DEBUG=1 可显示详细信息）",
                    style="bold red",
                ),
                soft_wrap=True,
            )
            if os.environ.get("CIVDOC_DEBUG"):
                raise
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def _print_definition_errors(exc: DefinitionErrors, fmt: str, output: Optional[Path]) -> None:
    from civdoc.render import problems

    if fmt == "text" or fmt not in FORMATS:
        from civdoc.render.text import render_problems

        render_problems(exc.problems, stderr_console())
        return
    _emit(problems.render(exc.problems, fmt), output)


def _emit(text: Union[str, list[bytes]], output: Optional[Path]) -> None:
    """Text, or UTF-8 parts (the JSON report: ~30 MB at 50,000 files, never decoded nor joined)."""
    if output is None:
        if isinstance(text, str):
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        sys.stdout.flush()
        sys.stdout.buffer.writelines(text)
        sys.stdout.buffer.flush()
    else:
        from civdoc.store.atomic import write_bytes

        write_bytes(output, text.encode("utf-8") if isinstance(text, str) else b"".join(text))


def parse_since(value: Optional[str], unit: Optional[str] = None, indicator: Optional[str] = None) -> Optional[date]:
    if not value:
        return None
    if unit or indicator:  # the history/ snapshots hold the whole project
        raise UsageError("--since 与整个项目的历史记录比较，不能与 --unit 或 --indicator 同时使用。")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--since 的日期“{value}”无法识别，请写成 2024-07-15 的形式。") from None


def _history_problems(problems: list[str]) -> None:
    for problem in problems:
        stderr_console().print(styled(f"提示：{problem}", style="yellow"), soft_wrap=True)


def parse_today(value: Optional[str]) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--today 的日期“{value}”无法识别，请写成 2024-07-15 的形式。") from None


def project_root(project: Optional[Path]) -> Path:
    if project is not None:
        if not (project / "civdoc.yaml").is_file():
            raise UsageError(
                f"{project} 中没有 civdoc.yaml。请确认 --project 指向项目文件夹；"
                "还没有项目时，用 civdoc init 文件夹 --from 任务清单.xlsx 新建。"
            )
        return project.resolve()
    return find_root(Path.cwd())


def show_progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def run_check(
    root: Path,
    today: date,
    unit: Optional[str],
    indicator: Optional[str],
    no_cache: bool,  # type: ignore[no-untyped-def]
    files: bool = True,
):
    from civdoc.check.pipeline import check

    if not show_progress():
        return check(root, today, unit, indicator, use_cache=not no_cache, files=files)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("检查文件"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=True,
    ) as bar:
        task = bar.add_task("inspect", total=None)
        return check(
            root,
            today,
            unit,
            indicator,
            use_cache=not no_cache,
            files=files,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


@app.command()
@handled
def check(
    fmt: str = typer.Option(
        "text", "--format", "-f", help="输出格式：text（给人看）、json、github（GitHub 注释）、junit。"
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="把结果写入文件，而不是显示在屏幕上。"),
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help="只看这个单位（全称或简称）。"),
    indicator: Optional[str] = typer.Option(None, "--indicator", "-i", help="只看这个指标编号。"),
    strict: bool = typer.Option(False, "--strict", help="有未豁免的警告也返回退出码 1。"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="逐条显示“提示”级别的问题。"),
    today: Optional[str] = TodayOpt,
    since: Optional[str] = SinceOpt,
    no_cache: bool = NoCacheOpt,
    project: Optional[Path] = ProjectOpt,
) -> None:
    """检查佐证材料：列出每个缺漏和问题，并告诉您怎么改。"""
    if fmt not in FORMATS:
        raise UsageError(f"--format 只能是 {'、'.join(FORMATS)}，而不是“{fmt}”。")
    since_day = parse_since(since, unit, indicator)
    root = project_root(project)
    if output is not None:
        from civdoc.safe.paths import refuse_evidence

        refuse_evidence(output, root, "--output 文件")
    # only the JSON report lists every file: the others need no more of a remembered item than its outcome
    result = run_check(root, parse_today(today), unit, indicator, no_cache, files=fmt == "json")
    if fmt == "text":
        from civdoc.leaders.gather import closing_lines
        from civdoc.render.text import render

        closing, problems = closing_lines(result, since_day)
        _history_problems(problems)
        if output is None:
            render(result, console(), verbose, closing)
        else:
            from rich.console import Console

            recorder = Console(record=True, file=io.StringIO(), width=120, highlight=False)
            render(result, recorder, verbose, closing)
            from civdoc.safe.console import escape_controls

            _emit(escape_controls(recorder.export_text()), output)  # a file shown in a terminal later too
    elif fmt == "json":
        from civdoc.render.report import json_parts, report

        _emit(json_parts(report(result)), output)
    elif fmt == "github":
        from civdoc.render.github import render as github

        _emit(github(result), output)
    else:
        from civdoc.render.junit import render as junit

        _emit(junit(result), output)
    _finish(1 if result.failed(strict) else 0)


@app.command()
@handled
def build(
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help="只生成这个单位的分单位台账。"),
    out: Optional[Path] = typer.Option(None, "--out", help="输出文件夹，默认为项目中的 out/。"),
    strict: bool = typer.Option(False, "--strict", help="台账照常生成；但有未豁免的错误或警告时返回退出码 1。"),
    force: bool = typer.Option(
        False, "--force", help="out/ 中的台账有尚未导入的审核内容时，先把它们移到 out/已替换台账/ 保存，再生成新台账。"
    ),
    today: Optional[str] = TodayOpt,
    since: Optional[str] = SinceOpt,
    no_cache: bool = NoCacheOpt,
    project: Optional[Path] = ProjectOpt,
) -> None:
    """先检查，再生成台账、工作进展通报、index.html 和 report.json（写入 out/），并在 history/ 记录当天进展。"""
    from civdoc.commands.build import build as build_outputs
    from civdoc.commands.build import render_built

    root = project_root(project)
    since_day = parse_since(since, unit)
    from civdoc.safe.paths import refuse_evidence, refuse_outside

    if out is None:  # out/ is the project's: a link out of it is refused, a folder the user names is not
        refuse_outside(root / "out", root, "输出文件夹", "如确要写到别处，请用 --out 指定。")
    target = (out if out is not None else root / "out").resolve()
    refuse_evidence(target, root, "输出文件夹")
    result = run_check(root, parse_today(today), unit, None, no_cache)
    built = build_outputs(result, target, unit=result.unit, force=force, since=since_day)
    _history_problems(built.problems)
    render_built(result, built, target, console())
    failed = result.failed(strict) if strict else False
    raise typer.Exit(1 if failed else 0)


@app.command()
@handled
def rules(
    code: Optional[str] = typer.Argument(None, help="问题代码（如 C203）或名称（如 requirement-missing）。"),
) -> None:
    """列出全部问题代码，或解释其中一个。"""
    from civdoc.findings import lookup
    from civdoc.render.catalogue import render_catalogue, render_rule

    out = console()
    if code is None:
        render_catalogue(out)
        return
    rule = lookup(code)
    if rule is None:
        raise UsageError(f"没有“{code}”这个问题代码。运行 civdoc rules 查看全部代码。")
    render_rule(rule, out)


@app.command(context_settings={"allow_extra_args": False})
@handled
def review(
    args: list[str] = typer.Argument(
        ..., help="单位 指标编号；或 import 台账.xlsx", metavar="UNIT INDICATOR | import FILE.xlsx"
    ),
    stage: Optional[str] = typer.Option(None, "--stage", "-s", help="审核阶段：初审、复审或终审。"),
    passed: bool = typer.Option(False, "--pass", help="审核通过。"),
    returned: bool = typer.Option(False, "--return", help="退回整改。"),
    by: Optional[str] = typer.Option(None, "--by", help="审核人姓名。"),
    note: Optional[str] = typer.Option(None, "--note", help="审核意见。"),
    force: bool = typer.Option(False, "--force", help="材料仍有错误时也签署通过（会记录在案）。"),
    today: Optional[str] = TodayOpt,
    project: Optional[Path] = ProjectOpt,
) -> None:
    """签署审核：civdoc review 单位 指标 --stage 初审 --pass --by 姓名；或 civdoc review import 台账.xlsx。"""
    root = project_root(project)
    out = console()
    if args and args[0] == "import":
        if len(args) != 2:
            raise UsageError("用法：civdoc review import 台账.xlsx")
        from civdoc.commands.review_import import import_workbook
        from civdoc.render.import_summary import render_import

        outcome = import_workbook(root, Path(args[1]), parse_today(today))
        render_import(outcome, out)
        raise typer.Exit(1 if outcome.conflicts or outcome.unreadable else 0)
    if len(args) != 2:
        raise UsageError("用法：civdoc review 单位 指标编号 --stage 初审 --pass --by 姓名 [--note 意见]")
    if passed == returned:
        raise UsageError("请在 --pass（通过）和 --return（退回）中选择一个。")
    if not stage or not by:
        raise UsageError("请用 --stage 指明审核阶段，用 --by 写明审核人姓名。")
    from civdoc.commands.sign import render_signed, sign

    render_signed(sign(root, args[0], args[1], stage, passed, by, note, force, parse_today(today)), out)


ColumnsOpt = typer.Option(None, "--columns", help="列名与常见写法不同时指明，如 测评内容=C,责任单位=H。")


@app.command()
@handled
def init(
    folder: Path = typer.Argument(..., help="新项目的文件夹（不存在时新建）。", metavar="DIR"),
    source: Optional[Path] = typer.Option(
        None, "--from", metavar="LIST", help="本地的材料自查任务清单（.xlsx 或 .docx），从中读取指标和单位。"
    ),
    name: Optional[str] = typer.Option(None, "--name", help="项目名称（台账标题）；默认取清单的标题行。"),
    columns: Optional[str] = ColumnsOpt,
) -> None:
    """新建项目：civdoc init 文件夹 --from 任务清单.xlsx（不加 --from 则新建带注释的空白项目）。"""
    from civdoc.commands.init import init_project, render_init

    render_init(init_project(folder, source, name, columns), console())


@app.command(name="import")
@handled
def import_list(
    source: Path = typer.Argument(..., help="修订后的任务清单（.xlsx 或 .docx）。", metavar="LIST"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只列出将要做的修改，不写入任何文件。"),
    prune: bool = typer.Option(False, "--prune", help="删除新清单中已没有的指标（默认保留并列出）。"),
    columns: Optional[str] = ColumnsOpt,
    project: Optional[Path] = ProjectOpt,
) -> None:
    """按修订后的任务清单更新指标：清单中的字段更新，手工补充的内容保留。"""
    from civdoc.commands.import_list import import_task_list, render_import_changes

    render_import_changes(import_task_list(project_root(project), source, dry_run, prune, columns), console())


@app.callback(invoke_without_command=True)
def main_callback(
    version: bool = typer.Option(False, "--version", help="显示版本号。", is_eager=True),
) -> None:
    if version:
        typer.echo(f"civdoc {__version__}")
        raise typer.Exit(0)


_PROCESS = False  # set by main(): civdoc is the whole process, not a test's CliRunner


def _finish(code: int) -> NoReturn:
    """End a check with its exit code. As a process of its own, with the output flushed, civdoc ends
    at once: freeing a large check's objects one by one (~50 ms at 50,000 files) gives nothing back."""
    if _PROCESS:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a reader gone (`| head`), or a stream closed
                stream.flush()
        os._exit(code)
    raise typer.Exit(code)


@app.command()
@handled
def scaffold(
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help="只为这个单位新建文件夹。"),
    project: Optional[Path] = ProjectOpt,
) -> None:
    """新建缺少的材料文件夹（单位、指标、材料子文件夹；已有的不重复建）。"""
    from civdoc.commands.scaffold import run as run_scaffold

    raise typer.Exit(run_scaffold(project_root(project), unit, console()))


@app.command()
@handled
def kit(
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help="只生成这个单位的材料包。"),
    contact: Optional[str] = typer.Option(
        None, "--contact", help="填报说明中的联系人，如“区创文办 周丽 0571-80000102”。"
    ),
    today: Optional[str] = TodayOpt,
    no_cache: bool = NoCacheOpt,
    project: Optional[Path] = ProjectOpt,
) -> None:
    """生成发给各单位的材料包：文件夹框架、任务清单和填报说明。"""
    from civdoc.commands.kit import run as run_kit

    root = project_root(project)
    raise typer.Exit(run_kit(root, unit, contact, parse_today(today), no_cache, console()))


@app.command()
@handled
def collect(
    source: Path = typer.Argument(
        ..., help="单位发回的 zip 压缩包，或文件夹（如 U 盘中的单位文件夹）。", metavar="ZIP_OR_FOLDER"
    ),
    unit: Optional[str] = typer.Option(
        None, "--unit", "-u", help="材料属于哪个单位（压缩包顶层不是单位文件夹时必须指定）。"
    ),
    replace: bool = typer.Option(
        False, "--replace", help="同名但内容不同的文件：用新文件替换，旧文件移到 replaced/<日期>/。"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示将会收取什么，不写入任何文件。"),
    today: Optional[str] = TodayOpt,
    no_cache: bool = NoCacheOpt,
    project: Optional[Path] = ProjectOpt,
) -> None:
    """收取单位发回的压缩包或文件夹，放入 evidence/ 并出具回执。"""
    from civdoc.commands.collect import run as run_collect

    root = project_root(project)
    raise typer.Exit(run_collect(root, source, unit, replace, dry_run, parse_today(today), no_cache, console()))


@app.command()
@handled
def pack(
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help="只打包这个单位的材料。"),
    method: Optional[str] = typer.Option(None, "--method", "-m", help="只打包按这种测评方法测评的指标，如 网上申报。"),
    max_mb: Optional[float] = typer.Option(
        None, "--max-mb", help="每个压缩包的大小上限（MB），默认为单个文件上限的 10 倍。"
    ),
    today: Optional[str] = TodayOpt,
    no_cache: bool = NoCacheOpt,
    project: Optional[Path] = ProjectOpt,
) -> None:
    """生成网上申报材料包（out/网上申报材料/）：只收可用的文件，附照片集、材料目录、校验值和分包压缩包。"""
    from civdoc.commands.pack import run_pack

    root = project_root(project)
    result = run_check(root, parse_today(today), unit, None, no_cache)
    run_pack(result, method, max_mb, console(), show_progress())


def main() -> None:
    global _PROCESS
    _PROCESS = True
    app(prog_name="civdoc")
