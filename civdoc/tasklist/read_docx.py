"""Word lists: every table as a grid. python-docx repeats a merged cell across its span; a vertical
span is kept (its value holds for every row), a horizontal repeat is read once."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

from civdoc.errors import UsageError
from civdoc.tasklist.model import Cell, Grid, refuse_ole


def read_docx(path: Path) -> list[Grid]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    refuse_ole(path, ".doc", "Word", "")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, SyntaxError, KeyError, ValueError, OSError) as exc:
        raise UsageError(
            f"无法读取 {path.name}：文件已损坏或不是 Word 文档（{type(exc).__name__}）。"
            "请在 Word 中打开并另存为 .docx 后重试。"
        ) from None
    titles = _titles_before_tables(document)
    grids = []
    for t, table in enumerate(document.tables):
        grids.append(_grid(f"表{t + 1}", table, titles.get(t)))
    return grids


def _titles_before_tables(document: Any) -> dict[int, str]:
    """The last non-empty paragraph before each table (often its title or a section heading)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    titles: dict[int, str] = {}
    last: str | None = None
    first: str | None = None
    count = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                last = text
                first = first or text
        elif isinstance(block, Table):
            if count == 0 and first:
                titles[count] = first
            elif last:
                titles[count] = last
            last = None
            count += 1
    return titles


def _grid(name: str, table: Any, title: str | None) -> Grid:
    rows: list[list[Cell | None]] = []
    # a <w:tc> element -> the Cell read from it; holding the element keeps lxml's proxy (and identity)
    anchors: dict[Any, Cell | None] = {}
    for r, row in enumerate(table.rows):
        cells: list[Cell | None] = [None] * row.grid_cols_before
        seen_in_row: set[Any] = set()
        for cell in row.cells:
            tc = cell._tc
            if tc in seen_in_row:  # horizontal repeat of a merged cell: read once
                cells.append(None)
                continue
            seen_in_row.add(tc)
            if tc not in anchors:
                text = cell.text.strip()
                anchors[tc] = Cell(text, f"{name} 第{r + 1}行第{len(cells) + 1}列") if text else None
            cells.append(anchors[tc])
        rows.append(cells)
    return Grid(name, rows, "docx", title=title)
