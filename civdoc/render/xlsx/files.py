"""The 文件清单 sheet: every file with its type, pages or pixels, date, size, hash and a link to it."""

from __future__ import annotations

import os
from operator import attrgetter
from pathlib import Path

from civdoc.check.evaluate import Result
from civdoc.evidence.match import DATE_SOURCES
from civdoc.model import NO_UNIT, EvidenceFile, Span
from civdoc.project.load import Project
from civdoc.render.printed import cn_date, shown_path
from civdoc.render.xlsx.columns import UNIT_FOLDER
from civdoc.render.xlsx.ledger import _print_area
from civdoc.render.xlsx.lookup import Lookup
from civdoc.render.xlsx.sheetxml import SheetXML
from civdoc.render.xlsx.styles import AMBER, LINK, MONO, RED_BOLD, RED_FILL, Col, Marks
from civdoc.render.xlsx.table import _data_sheet, _table

# -- 文件清单 ----------------------------------------------------------------------------------------


def _link_base(result: Result, unit: str | None, path: Path | None) -> Path:
    if path is not None:
        return Path(os.path.abspath(path)).parent
    out = result.project.root / "out"
    return out / UNIT_FOLDER if unit else out


_UNSAFE = {"%": "%25", "#": "%23", " ": "%20", "?": "%3F", "\u3000": "%E3%80%80"}
_ESCAPE_UNSAFE = str.maketrans(_UNSAFE)


def link_target(root: Path, rel_path: str, base: Path) -> str:
    """A relative link from the workbook's folder to an evidence file. Chinese stays as it is (Excel and
    WPS open such links); only what a URL would misread is escaped: % # ? and spaces."""
    try:
        rel = os.path.relpath(root / rel_path, base).replace(os.sep, "/")
    except ValueError:  # another drive on Windows: no relative path exists
        return (root / rel_path).resolve().as_uri()
    return rel.translate(_ESCAPE_UNSAFE)


class Links:
    """link_target for the many files of one project seen from one folder: the way from the folder to the
    project is worked out once, not once a file (os.path.relpath takes some 10 µs)."""

    def __init__(self, root: Path, base: Path):
        self.root, self.base = root, base
        try:
            self.up: str | None = os.path.relpath(root, base).replace(os.sep, "/")
        except ValueError:
            self.up = None
        # a workbook inside the project: a path through its own folder would come out shorter
        self.own = ""
        if self.up is not None and set(self.up.split("/")) == {".."}:
            self.own = os.path.normcase(Path(os.path.relpath(base, root)).parts[0])

    def target(self, rel_path: str) -> str:
        first = rel_path.split("/", 1)[0]
        padded = f"/{rel_path}/"
        if (
            self.up is None
            or (os.sep != "/" and os.sep in rel_path)
            or os.path.normcase(first) == self.own
            or "//" in padded
            or "/./" in padded
            or "/../" in padded
        ):
            return link_target(self.root, rel_path, self.base)
        rel = rel_path if self.up == "." else f"{self.up}/{rel_path}"
        for ch, escaped in _UNSAFE.items():  # "%" first: what it puts in is not escaped again
            if ch in rel:
                rel = rel.replace(ch, escaped)
        return rel


def _pages_or_pixels(f: EvidenceFile) -> str:
    ins = f.inspection
    if ins is None:
        return ""
    if ins.pages:
        return f"{ins.pages}页"
    if ins.width and ins.height:
        return f"{ins.width}×{ins.height}"
    return ""


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size == 0:
        return "0 KB"
    return f"{max(1, round(size / 1024))} KB"


def _type_label(f: EvidenceFile) -> str:
    ins = f.inspection
    kind = ins.kind if ins and ins.kind else None
    ext = f.ext.upper() if f.ext else "（无扩展名）"
    if kind and kind.lower() not in (f.ext, "jpeg" if f.ext == "jpg" else f.ext, "ole"):
        return f"{ext}（实为 {kind.upper()}）"
    return ext


def _file_name(f: EvidenceFile, project: Project) -> str:
    return f.item_path or shown_path(f.path, f.unit, project)


def span_text(span: Span) -> str:
    """A file's date in 年月日, or its month."""
    if span.start == span.end:
        return cn_date(span.start)
    return f"{span.start.year}年{span.start.month}月"


def _file_sheet(sheet: SheetXML, result: Result, base: Path, look: Lookup) -> None:
    links = Links(result.project.root, base)
    # SHA-256 and the link are for the screen: they follow the printed columns, off the print area
    cols = [
        Col("序号", 5, center=True),
        Col("责任单位", 11, min_width=11, center=True),
        Col("指标编号", 6, center=True),
        Col("材料项", 11, min_width=8),
        Col("文件名", 50, min_width=20),
        Col("类型", 9, center=True),
        Col("页数/像素", 11, min_width=9, center=True),
        Col("日期", 15.5, min_width=15.5, center=True),
        Col("日期来源", 11, min_width=9),
        Col("大小", 8, center=True),
        Col("可用", 5, center=True),
        Col("SHA-256", 66, min_width=66, font=MONO, printed=False),
        Col("打开文件", 9, center=True, font=LINK, printed=False),
    ]
    # by unit, indicator and path: two stable sorts make no key tuple a file (see SheetXML.rows)
    files = sorted(result.files, key=attrgetter("path"))
    files.sort(key=lambda f: look.unit_order(f.unit, f.indicator))
    unusable: Marks = {10: (RED_BOLD, RED_FILL)}
    undated: Marks = {7: (AMBER, None)}
    neither: Marks = {**unusable, **undated}
    rows = []
    marks: list[Marks | None] = []
    for n, f in enumerate(files, start=1):
        ins = f.inspection
        source = DATE_SOURCES.get(f.date_source or "", f.date_source or "") if f.date else ""
        sha = ins.sha256.removeprefix("sha256:") if ins and ins.sha256 else ""
        rows.append(
            (
                n,
                f.unit or NO_UNIT,
                f.indicator or "",
                f.requirement or "",
                _file_name(f, result.project),
                _type_label(f),
                _pages_or_pixels(f),
                span_text(f.date) if f.date else "无法确定",
                source,
                size_text(f.size),
                "是" if f.usable else "否",
                sha,
                "打开",
            )
        )
        marks.append(None if f.usable and f.date else undated if f.usable else unusable if f.date else neither)
        sheet.link(n + 1, len(cols), links.target(f.path))
    last = _table(sheet, 1, cols, rows, marks)
    _data_sheet(sheet.ws, last, len(cols))
    _print_area(sheet.ws, cols, last)
