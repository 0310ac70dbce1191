"""Read a 任务清单 file, whatever its format, into a TaskList."""

from __future__ import annotations

from pathlib import Path

from civdoc.errors import UsageError
from civdoc.tasklist.headers import parse_columns
from civdoc.tasklist.model import TaskList
from civdoc.tasklist.parse import read_list


def read_task_list(path: Path, columns: str | None = None) -> TaskList:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(f"找不到任务清单文件 {path}。请检查文件名和路径。")
    named = parse_columns(columns)
    if suffix in {".xlsx", ".xlsm"}:
        from civdoc.tasklist.read_xlsx import read_xlsx

        grids = read_xlsx(path)
    elif suffix == ".docx":
        from civdoc.tasklist.read_docx import read_docx

        grids = read_docx(path)
    elif suffix in {".xls", ".et"}:
        raise UsageError(
            f"{path.name} 是旧版 Excel 文件（{suffix}），civdoc 不能直接读取。"
            "请在 Excel 或 WPS 中打开它，“另存为”Excel 工作簿（.xlsx）后再运行。"
        )
    elif suffix in {".doc", ".wps"}:
        raise UsageError(
            f"{path.name} 是旧版 Word 文件（{suffix}），civdoc 不能直接读取。"
            "请在 Word 或 WPS 中打开它，“另存为”Word 文档（.docx）后再运行。"
        )
    else:
        raise UsageError(f"{path.name} 不是 Excel（.xlsx）或 Word（.docx）文件，civdoc 无法读取。")
    return read_list(path, grids, named)
