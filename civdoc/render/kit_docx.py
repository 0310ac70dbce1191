"""`填报说明.docx` in a unit's kit: how to name and place files, which types, how large, which dates, how
to send them back and whom to ask. A4, in the fonts of 党政机关公文格式 (GB/T 9704-2012); Chinese only."""

from __future__ import annotations

import io
from datetime import date, datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from civdoc.evidence.skeleton import unit_items
from civdoc.project.indicators import Indicator
from civdoc.project.load import Project

TITLE_FONT, BODY_FONT, HEADING_FONT, TABLE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"


def _fonts(run_or_style: object, east_asia: str, latin: str = "Times New Roman") -> None:
    """Chinese text needs w:eastAsia; theme fonts would override it (DESIGN, Technical notes)."""
    rpr = run_or_style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        fonts.set(qn(attr), value)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


class _Doc:
    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.doc.styles["Normal"]
        _fonts(normal, BODY_FONT)
        normal.font.size = Pt(16)
        settings = self.doc.settings.element
        theme = settings.find(qn("w:themeFontLang"))
        if theme is not None:
            theme.set(qn("w:eastAsia"), "zh-CN")

    def para(
        self,
        text: str,
        font: str = BODY_FONT,
        size: float = 16,
        indent: bool = True,
        bold: bool = False,
        center: bool = False,
        after: float = 0,
        right: bool = False,
    ) -> None:
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28.95 if size >= 16 else size * 1.5)
        fmt.space_before, fmt.space_after = Pt(0), Pt(after)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if center or right:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.RIGHT
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        _fonts(run, font)

    def table(self, headers: list[str], rows: list[list[str]], widths_mm: list[float]) -> None:
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=False):
            column.width = Mm(width)
        for row_cells, values, bold in [(table.rows[0].cells, headers, True)] + [
            (table.add_row().cells, r, False) for r in rows
        ]:
            for cell, value, width in zip(row_cells, values, widths_mm, strict=False):
                cell.width = Mm(width)
                p = cell.paragraphs[0]
                p.paragraph_format.line_spacing = Pt(16)
                run = p.add_run(value)
                run.font.size = Pt(10.5)
                run.bold = bold
                _fonts(run, TABLE_FONT)
        header = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header.append(repeat)

    def bytes(self, stamp: datetime) -> bytes:
        props = self.doc.core_properties
        props.created = props.modified = stamp
        props.author = props.last_modified_by = ""
        props.revision = 1
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _due(ind: Indicator, default: date | None) -> str:
    due = ind.deadline or default
    return _cn(due) if due else "长期"


def instructions_bytes(
    project: Project, unit: str, folders: dict[str, str], contact: str | None, today: date, stamp: datetime
) -> bytes:
    """folders: indicator id -> its folder in the kit, below `<unit>/`."""
    config = project.config
    items = unit_items(project, unit)
    types = list(dict.fromkeys(t for _, reqs in items for r in reqs for t in (r.types or [])))
    deadlines = sorted({d for d in ((ind.deadline or config.deadline) for ind, _ in items) if d})
    windows = [(ind, ind.window) for ind, _ in items if ind.window]
    first_ind, first_reqs = items[0] if items else (None, [])
    example_folder = folders.get(first_ind.id, "") if first_ind else ""
    if first_reqs and len(first_reqs) > 1:
        example_folder += f"/{first_reqs[0].name}"

    d = _Doc()
    d.para(f"{unit}佐证材料填报说明", TITLE_FONT, 22, indent=False, center=True, after=16)
    d.para(
        f"本材料包用于{config.name}。{unit}应报送 {len(items)} 项材料，清单见同一材料包中的"
        f"《{unit}任务清单》（Excel），其中列出了每项材料的测评标准、至少份数、文件类型、应放的文件夹、完成时限，"
        "以及截至发包时的完成情况和存在的问题。"
    )
    d.para("一、文件放在哪里", HEADING_FONT)
    example = example_folder or "2.1 学雷锋志愿服务"
    d.para(
        f"材料包中的“{unit}”文件夹已按指标建好子文件夹，文件夹名以指标编号开头（如“{example}”）。"
        "请把每份材料放进对应的指标文件夹；一个指标要求几类材料的，已按材料名称再建了子文件夹，请分别放入。"
    )
    d.para(
        "不要修改、删除文件夹名开头的指标编号，也不要把本单位的文件夹改名。"
        "不属于任何指标的材料不要放进来：放在指标文件夹以外的文件不会被收取。"
    )
    d.para("二、文件怎么命名", HEADING_FONT)
    d.para(
        "文件名以材料的日期开头，后面写材料名称，名称中包含任务清单中“应报材料”的名称，例如："
        "“2026-03-15 工作方案.pdf”“2026-04-02 活动照片1.jpg”。日期也可以写成 2026.03.15、20260315 或 "
        "2026年3月15日；只能确定月份的写 2026年3月。同一项的多张照片请用序号区分。"
    )
    d.para("三、文件类型和大小", HEADING_FONT)
    d.para(
        f"本单位材料可用的文件类型：{'、'.join(types) or '常见文档和图片格式'}（每项材料的具体要求见任务清单）。"
        f"单个文件不超过 {config.limits.max_file_mb:g} MB；文件不能设置密码，不能是空文件或快捷方式，"
        "扫描件、照片要清晰完整。视频较大时请压缩后再放入。"
    )
    d.para("四、材料的时间范围", HEADING_FONT)
    text = f"材料的日期应在 {_cn(config.period.start)}至{_cn(config.period.end)}之间，超出范围的不计入。"
    if windows:
        text += (
            "以下指标另有规定："
            + "；".join(f"{ind.id} {ind.content}为 {_cn(w.start)}至{_cn(w.end)}" for ind, w in windows)
            + "。"
        )
    if deadlines:
        text += f"完成时限最早为 {_cn(deadlines[0])}，各项时限见任务清单。"
    d.para(text)
    d.para("五、怎样报送", HEADING_FONT)
    d.para(
        f"把整理好的“{unit}”文件夹压缩后发回（Windows：右键单击文件夹，选择“发送到”→“压缩(zipped)文件夹”；"
        "也可以用 7-Zip 压缩为 zip 格式）。材料可以分批报送，每次只需发送新增或修改的文件；"
        "已经报送过的相同文件会被自动识别，不会重复计入。"
    )
    d.para(
        "需要更正已报送的文件时，请保持文件名不变，并告知创文办：同名但内容不同的文件不会自动覆盖原文件，"
        "经核实后才会替换，原文件仍会保留。每次收取后，创文办会发回一份回执，列出收到的文件和仍缺的材料。"
    )
    d.para("六、联系人", HEADING_FONT)
    d.para(f"填报中有疑问，请联系：{contact}。" if contact else "填报中有疑问，请联系区创文办。")
    if items:
        d.para(f"附：{unit}的指标文件夹", HEADING_FONT, indent=False, after=6)
        rows = [
            [folders.get(ind.id, ""), "；".join(f"{r.name}（至少{r.min}份）" for r in reqs), _due(ind, config.deadline)]
            for ind, reqs in items
        ]
        d.table(["文件夹", "应报材料", "完成时限"], rows, [58, 66, 32])
    d.para("")
    d.para(_cn(today), indent=False, right=True)
    return d.bytes(stamp)
