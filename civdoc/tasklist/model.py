"""What reading a 任务清单 gives: cells with their place, indicators, units, and every guess made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

BASIC, BONUS, NEGATIVE = "基本指标", "特色指标", "负面清单"
PLACEHOLDER_UNIT = "待定责任单位"  # stands in where the list names no unit, so the project loads


@dataclass(frozen=True)
class Cell:
    """One cell's value; anchor names the cell it came from (a merged range's top-left cell), so a
    merged cell spanning several rows is read once where it is collected per indicator."""

    value: Any
    anchor: str  # e.g. "C5", or "表1 第3行第2列"


@dataclass
class Grid:
    """A sheet or a Word table as rows of cells, merged ranges filled in."""

    name: str  # sheet name, or 表1, 表2 … for Word tables
    rows: list[list[Cell | None]]
    kind: str  # "xlsx" or "docx"
    title: str | None = None  # text above the table (Word paragraphs before it)
    notes: list[str] = field(default_factory=list)  # e.g. formulas without a cached value

    def where(self, row: int, col: int) -> str:
        if self.kind == "xlsx":
            return f"{column_letter(col)}{row + 1}"
        return f"第{row + 1}行第{col + 1}列"


def column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Note:
    """A guess or a warning, with where it came from."""

    sheet: str
    cell: str
    text: str

    def __str__(self) -> str:
        at = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{at}：{self.text}"


@dataclass
class ListStandard:
    text: str
    methods: list[str]


@dataclass
class ListRequirement:
    name: str
    kind: str | None
    min: int
    match: list[str] | None
    guess: str  # what was inferred, for the YAML comment and the summary


@dataclass
class ListIndicator:
    id: str
    content: str
    aspect: str
    category: str
    standards: list[ListStandard] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)  # methods common to all standards
    score: float | None = None
    group: str | None = None
    lead: str | None = None
    units: list[str] = field(default_factory=list)
    deadline: date | None = None
    deadline_note: str | None = None  # a guess about the deadline, for the YAML comment
    requirements: list[ListRequirement] = field(default_factory=list)
    sheet: str = ""
    rows: tuple[int, int] = (0, 0)  # first and last row, 1-based
    id_from_list: bool = False  # the list's own numbering, not derived
    units_placeholder: bool = False  # no unit in the list: the placeholder unit stands in

    @property
    def rows_text(self) -> str:
        first, last = self.rows
        return str(first) if first == last else f"{first}-{last}"


@dataclass
class SheetReport:
    name: str
    header_row: int | None  # 1-based; None when the sheet was skipped (or continues another table)
    rows_read: int = 0
    rows_skipped: int = 0
    first_rows: list[str] = field(default_factory=list)  # shown when no header was found
    continues: str | None = None  # a Word table without a header read as the rest of this one


@dataclass
class TaskList:
    file: str
    title: str | None
    sheets: list[SheetReport]
    indicators: list[ListIndicator]
    units: list[str]  # every unit found, in list order
    collectives: list[Note]  # 各街道办事处, 各成员单位 …: registered as they are
    guesses: list[Note]
    warnings: list[Note]
    carried: set[str]  # indicator fields the list has a column for (score, lead, units, deadline, method …)
    year: int | None = None  # the calendar year named in the title

    @property
    def aspects(self) -> list[str]:
        return list(dict.fromkeys(i.aspect for i in self.indicators))


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refuse_ole(path: Path, old: str, app: str, how: str) -> None:
    """A password-protected Office file (an OLE file holding an EncryptedPackage) or an old .doc/.xls
    cannot be read: a usage error saying how to save it so that civdoc can."""
    from civdoc.errors import UsageError

    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise UsageError(f"无法读取 {path}：{exc.strerror}。") from None
    if head.startswith(OLE_MAGIC):
        raise UsageError(
            f"{path.name} 设有打开密码（或是旧版 {old} 文件），civdoc 无法读取。"
            f"请在 {app} 中取消密码{how}，另存为 {old}x 后重试。"
        )
