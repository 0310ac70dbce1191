"""civdoc init DIR [--from LIST] [--name TEXT]: a new project, from the office's 任务清单 when given.

Everything is written into a temporary folder and checked with civdoc's own loader first, then moved
into place, civdoc.yaml last: a failure leaves nothing half-written."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civdoc.errors import UsageError
from civdoc.tasklist.model import ListIndicator, TaskList

if TYPE_CHECKING:
    from rich.console import Console

CONFIG = "civdoc.yaml"
GITIGNORE = "out/\n.civdoc/\n"


@dataclass
class InitOutcome:
    root: Path
    written: list[str]
    kept: list[str] = field(default_factory=list)  # entries that already existed and were left alone
    tasklist: TaskList | None = None
    head_guesses: list[str] = field(default_factory=list)


def init_project(target: Path, source: Path | None, name: str | None, columns: str | None = None) -> InitOutcome:
    if (target / CONFIG).exists():
        raise UsageError(
            f"{target / CONFIG} 已存在，civdoc init 不会覆盖已有项目。"
            "要按修订后的任务清单更新指标，请在项目中运行 civdoc import 新清单.xlsx。"
        )
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} 已存在且不是文件夹，请换一个项目文件夹名称。")
    if source is not None:
        from civdoc.tasklist.read import read_task_list

        tasklist: TaskList | None = read_task_list(source, columns)
    else:
        tasklist = None
    files, guesses = _files(tasklist, name, target)
    _refuse_existing(target, files)
    written = _write(target, files)
    kept = [rel for rel in ("evidence/", ".gitignore") if rel not in written]
    return InitOutcome(target, written, kept, tasklist, guesses)


def _files(tasklist: TaskList | None, name: str | None, target: Path) -> tuple[dict[str, str], list[str]]:
    import yaml

    from civdoc.tasklist.validate import validate_texts
    from civdoc.tasklist.write import aspect_document, aspect_file_name, config_document

    if tasklist is None:
        from civdoc.tasklist.starter import starter_files

        files = starter_files(name or f"{target.resolve().name}创建全国文明城市材料自查", date.today().year)
        validate_texts(files[CONFIG], {rel: yaml.safe_load(text) for rel, text in files.items() if rel != CONFIG})
        return files, []
    guesses: list[str] = []
    if name:
        title = name
    elif tasklist.title:
        title = re.sub(r"(工作)?(任务|责任)(清单|分解表|分工表)$", "", tasklist.title) or tasklist.title
        guesses.append(f"项目名称：{title}（取自清单标题，可用 --name 指定，或在 civdoc.yaml 中修改）")
    else:
        title = f"{Path(tasklist.file).stem}材料自查"
        guesses.append(f"项目名称：{title}（清单没有标题行，取自文件名，可用 --name 指定）")
    year = tasklist.year
    named_year = re.search(r"(20\d{2})\s*年", name or "")
    if named_year:
        year = int(named_year.group(1))
    if year:
        period_note = f"推断：按标题中的“{year}年”取整年，请按测评要求确认，通常为测评开始前1个月上溯一个年度"
    else:
        year = date.today().year
        period_note = f"推断：清单标题中没有年份，暂取 {year} 年全年，请改为实际的材料时间范围"
    guesses.insert(1 if guesses else 0, f"材料时间范围：{year}-01-01 至 {year}-12-31（{period_note[3:]}）")
    data: dict[str, dict[str, Any]] = {}
    files = {CONFIG: config_document(tasklist, title, (date(year, 1, 1), date(year, 12, 31)), period_note)}
    grouped: dict[str, list[ListIndicator]] = {}
    for ind in tasklist.indicators:
        grouped.setdefault(ind.aspect, []).append(ind)
    for order, (aspect, indicators) in enumerate(grouped.items(), start=1):
        rel = f"indicators/{aspect_file_name(order, aspect)}"
        files[rel], data[rel] = aspect_document(aspect, order, indicators, tasklist)
    validate_texts(files[CONFIG], data)
    return files, guesses


def _refuse_existing(target: Path, files: dict[str, str]) -> None:
    if not target.is_dir():
        return
    clash = [rel for rel in files if (target / rel).exists()]
    existing = (
        sorted(p.name for p in (target / "indicators").glob("*.y*ml")) if (target / "indicators").is_dir() else []
    )
    if clash or existing:
        shown = "、".join(clash or [f"indicators/{n}" for n in existing])
        raise UsageError(f"{target} 中已有 {shown}，civdoc init 不会覆盖。请换一个空文件夹，或先移走这些文件。")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write(target: Path, files: dict[str, str]) -> list[str]:
    """Write into a temporary folder beside (or inside) the target, load it, then move it into place."""
    parent = target.parent if not target.exists() else target
    parent.mkdir(parents=True, exist_ok=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".civdoc-init-", dir=parent))
    except OSError as exc:
        raise UsageError(f"无法在 {parent} 中写入（{exc.strerror}）。请检查文件夹权限或磁盘空间。") from None
    try:
        os.chmod(staging, 0o777 & ~_umask())
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (staging / "evidence").mkdir()
        (staging / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        return _move_into_place(staging, target)
    except OSError as exc:
        raise UsageError(
            f"写入 {target} 失败（{exc.strerror}）：{exc.filename or ''}。没有留下不完整的项目。"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into_place(staging: Path, target: Path) -> list[str]:
    written = ["civdoc.yaml", "indicators/", "evidence/", ".gitignore"]
    if not target.exists():
        os.rename(staging, target)
        staging.mkdir()  # for the caller's cleanup
        return written
    moved = []
    for rel in ["indicators", "evidence", ".gitignore", CONFIG]:  # civdoc.yaml last: it makes the project
        src, dst = staging / rel, target / rel
        if rel == "indicators" and dst.is_dir():
            for item in sorted(src.iterdir()):
                os.rename(item, dst / item.name)
        elif dst.exists():
            continue  # an existing evidence/ or .gitignore is the office's own
        else:
            os.rename(src, dst)
        moved.append(rel + ("/" if src.is_dir() or rel in {"indicators", "evidence"} else ""))
    return moved


def render_init(outcome: InitOutcome, out: Console) -> None:
    from rich.text import Text

    from civdoc.tasklist.summary import guess_lines, read_lines

    def say(line: str) -> None:
        out.print(Text(line), soft_wrap=True)

    tasklist = outcome.tasklist
    made = f"从 {tasklist.file} " if tasklist else ""
    out.print(Text(f"已{made}新建项目 {outcome.root}：{'、'.join(outcome.written)}", style="green"), soft_wrap=True)
    if outcome.kept:
        say(f"已有的 {'、'.join(outcome.kept)} 保持不变。")
    if tasklist is None:
        say("这是一个带注释的空白项目：请在 civdoc.yaml 中登记单位，在 indicators/ 中按示例写指标。")
        say("已有材料自查任务清单时，可改用 civdoc init 文件夹 --from 任务清单.xlsx。")
    else:
        say("\n".join(read_lines(tasklist) + guess_lines(tasklist, outcome.head_guesses)))  # one print: lists are long
    enter = "" if outcome.root.resolve() == Path.cwd().resolve() else f"cd {outcome.root}，"
    say(f"下一步：{enter}运行 civdoc scaffold 建好各单位的材料文件夹，再运行 civdoc check 检查。")
