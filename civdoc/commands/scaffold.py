"""`civdoc scaffold [--unit U]`: create the missing evidence folders, folders only, never a file."""

from __future__ import annotations

import errno
from pathlib import Path

from rich.console import Console
from rich.text import Text

from civdoc.check.pipeline import resolve_scope
from civdoc.errors import CivdocError
from civdoc.evidence.skeleton import Planned, inside, plan, survey
from civdoc.project.load import load_project


def missing_folders(root: Path, unit: str | None) -> tuple[list[Planned], list[Planned]]:
    """(every folder of the skeleton, the ones not there yet)."""
    project = load_project(root)
    unit, _ = resolve_scope(project, unit, None)
    units = [unit] if unit else project.unit_names
    folders = plan(project, units, survey(project))
    return folders, [f for f in folders if not f.exists]


def create(root: Path, folders: list[Planned]) -> list[Planned]:
    """Make each folder (parents first); a folder that appeared meanwhile is fine."""
    evidence = root / "evidence"
    made: list[Planned] = []
    for folder in folders:
        path = inside(evidence, folder.rel)
        try:
            path.mkdir(parents=True)
        except FileExistsError:
            if not path.is_dir():
                raise CivdocError(
                    f"无法新建文件夹 evidence/{folder.rel}：同名的文件已存在。请把该文件改名或移走。"
                ) from None
            continue
        except OSError as exc:
            why = "没有写入权限" if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else (exc.strerror or "")
            raise CivdocError(
                f"无法新建文件夹 evidence/{folder.rel}（{why}）。已新建的 {len(made)} 个文件夹保留。"
            ) from None
        made.append(folder)
    return made


def run(root: Path, unit: str | None, out: Console) -> int:
    folders, missing = missing_folders(root, unit)
    (root / "evidence").mkdir(exist_ok=True)
    made = create(root, missing)
    if not folders:
        out.print("没有需要报送材料的事项，无需新建文件夹。")
        return 0
    if not made:
        out.print(Text(f"材料文件夹都已齐全（{len(folders)} 个），没有新建任何文件夹。", style="green"))
        return 0
    out.print(
        Text(f"已新建 {len(made)} 个文件夹（另有 {len(folders) - len(made)} 个原已存在，保持不变）：", style="green")
    )
    for folder in made:
        out.print(Text(f"  evidence/{folder.rel}/"), soft_wrap=True)
    out.print("请各单位把材料放进对应的文件夹，文件名以日期开头，如“2026-03-15 工作方案.pdf”。")
    return 0
