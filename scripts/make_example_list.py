"""Write examples/任务清单示例.xlsx: a small district 材料自查任务清单 shaped like the ones offices receive.

3 测评项目 and 14 测评内容 on the main sheet (merged cells, numbered clauses in one cell, a 负面清单 section
at the end), a 特色指标 sheet, 6 units (one a collective name), 分值 and 完成时限 in the forms offices
write them. Invented content, for trying `civdoc init 新区 --from examples/任务清单示例.xlsx`.

    python scripts/make_example_list.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

OUT = Path(__file__).resolve().parent.parent / "examples" / "任务清单示例.xlsx"
TITLE = "示例新区2025年创建全国文明城市材料自查任务清单"
HEADERS = [
    "序号",
    "测评项目",
    "测评内容",
    "测评标准",
    "测评方法",
    "分值",
    "牵头单位",
    "责任单位",
    "完成时限",
    "佐证材料",
]
WIDTHS = [6, 12, 16, 44, 16, 7, 14, 20, 14, 34]
XCB, JYJ, TQW, MZJ, CGJ, JD = "区委宣传部（区文明办）", "区教育局", "团区委", "区民政局", "区城市管理局", "各街道办事处"

# (测评项目 or None to continue, 测评内容 or None to continue, 测评标准, 测评方法, 分值, 牵头, 责任, 时限, 佐证材料)
ROWS: list[tuple] = [
    (
        "一、思想道德建设",
        "1.学雷锋志愿服务",
        "1)建立学雷锋志愿服务工作机制，印发年度工作方案；\n2)志愿服务组织开展常态化活动。",
        "1)材料审核\n2)材料审核、问卷调查",
        "3分",
        XCB,
        f"{TQW}、{JYJ}、{MZJ}",
        datetime(2025, 6, 30),
        "1.年度工作方案；\n2.志愿服务活动照片（不少于5张）；\n3.志愿服务活动台账",
    ),
    (None, None, "注册志愿者占常住人口比例达到要求。", "网上申报", None, None, None, None, None),
    (
        None,
        "2.未成年人思想道德建设",
        "学校开展爱国主义教育、劳动教育，有计划、有记录。",
        "材料审核",
        2,
        JYJ,
        f"{TQW}、{JD}",
        "2025年6月30日",
        "工作计划；活动记录；活动照片5张以上",
    ),
    (
        None,
        "3.诚信建设",
        "1.建立守信激励和失信惩戒机制；2.开展诚信宣传活动。",
        "材料审核",
        2,
        XCB,
        f"{MZJ}，{CGJ}",
        "2025.9.30",
        "制度文件；宣传活动报道（不少于2篇）",
    ),
    (
        None,
        "4.理论宣讲",
        "组建基层宣讲队伍，宣讲进社区、进学校。",
        "材料审核",
        1.5,
        XCB,
        JD,
        "6月底前",
        "宣讲方案；宣讲台账；宣讲照片（不少于3张）",
    ),
    (
        None,
        "5.公益广告",
        "主要街道、公共场所公益广告设置规范、内容鲜明。",
        "实地考察",
        1,
        XCB,
        f"{CGJ}/{JD}",
        "长期坚持",
        None,
    ),
    (
        "二、文明风尚培育",
        "1.移风易俗",
        "1）制定红白理事会章程；2）开展文明婚俗、节俭办丧宣传。",
        "材料审核",
        "2",
        MZJ,
        JD,
        "2025/9/30",
        "工作方案；红白理事会章程；活动照片（不少于3张）",
    ),
    (
        None,
        "2.文明交通",
        "主要路口交通秩序良好，行人、非机动车守法通行。",
        "实地考察、问卷调查",
        "2分",
        CGJ,
        JD,
        "常态化",
        None,
    ),
    (
        None,
        "3.网络文明",
        "开展网络文明宣传活动，有方案、有总结。",
        "材料审核",
        1,
        XCB,
        JYJ,
        datetime(2025, 10, 31),
        "活动方案；工作总结",
    ),
    (
        None,
        "4.文明家庭",
        "开展文明家庭评选表彰活动。",
        "材料审核",
        1,
        MZJ,
        None,
        "2025-08-31",
        "评选通知；表彰文件；获奖证书",
    ),
    (
        "三、生活和谐宜居",
        "1.社区服务",
        "社区综合服务设施覆盖率达到要求，服务项目公开。",
        "材料审核",
        2,
        MZJ,
        JD,
        "2025年9月30日",
        "设施建设统计表；服务项目清单",
    ),
    (
        None,
        "2.市容环境",
        "1.背街小巷路面平整、无乱堆乱放；\n2.垃圾分类设施齐全。",
        "1.实地考察\n2.材料审核",
        2,
        CGJ,
        JD,
        "9月30日前",
        "工作方案；整治前后对比照片（不少于10张）；垃圾分类工作台账",
    ),
    (None, "3.校园周边环境", "学校周边无违规经营摊点，交通有序。", "实地考察", 1, JYJ, f"{CGJ}、{JD}", "长期", None),
    (
        None,
        "4.养老服务",
        "社区养老服务站点运行正常，有服务记录。",
        "材料审核",
        1,
        MZJ,
        JD,
        "2025.10.31",
        "服务记录；工作总结；活动视频",
    ),
]
NEGATIVE = [
    (
        "负面清单",
        "发生严重损害城市文明形象事件",
        "发生经媒体曝光、造成恶劣影响的不文明事件的，每起扣分。",
        "材料审核",
        "-5分",
        XCB,
        f"{CGJ}、{JD}",
        "长期坚持",
        "情况说明",
    )
]
BONUS = [
    (
        "特色指标",
        "“文明实践+”品牌项目",
        "打造具有本地特色的新时代文明实践品牌项目，有方案、有成效。",
        "材料审核",
        "1分",
        XCB,
        f"{TQW}、{JD}",
        "2025年10月31日",
        "品牌项目方案；成效报告；媒体报道（不少于3篇）",
    )
]

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")


def _sheet(ws: Worksheet, title: str, rows: list[tuple], first_aspect_merge: bool = True) -> None:
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    aspect_start = content_start = 3
    for r, values in enumerate(rows, start=3):
        aspect, content, *rest = values
        ws.append([r - 2, aspect, content, *rest])
        if aspect is not None and r > 3:
            _merge(ws, 2, aspect_start, r - 1)
            aspect_start = r
        if content is not None and r > 3:
            for col in (3, 6, 7, 8, 9, 10):
                _merge(ws, col, content_start, r - 1)
            content_start = r
    last = 2 + len(rows)
    _merge(ws, 2, aspect_start, last)
    for col in (3, 6, 7, 8, 9, 10):
        _merge(ws, col, content_start, last)


def _merge(ws: Worksheet, col: int, top: int, bottom: int) -> None:
    if bottom > top:
        ws.merge_cells(start_row=top, start_column=col, end_row=bottom, end_column=col)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs: CJK characters are two units wide."""
    total = 0
    for line in text.split("\n"):
        units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)
        total += max(1, -(-units // max(1, int(width) - 1)))
    return total


def _style(ws: Worksheet) -> None:
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + i)].width = width
    merged = {c.coordinate for r in ws.merged_cells.ranges for row in ws[r.coord] for c in row}
    for row in ws.iter_rows(min_row=2):
        lines = 1
        for cell in row:
            cell.border = BOX
            cell.alignment = WRAP
            if cell.row > 2 and cell.column == 9 and isinstance(cell.value, datetime):
                cell.number_format = "yyyy年m月d日"
            if cell.value is not None and cell.coordinate not in merged and cell.column <= len(WIDTHS):
                lines = max(lines, _lines(str(cell.value), WIDTHS[cell.column - 1]))
        ws.row_dimensions[row[0].row].height = 15 * lines + 4
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"


def main() -> None:
    book = Workbook()
    main_sheet = book.active
    assert main_sheet is not None
    main_sheet.title = "任务清单"
    _sheet(main_sheet, TITLE, ROWS)
    # a 负面清单 section below the basic indicators: one row naming it, then its rows
    main_sheet.append(["", "负面清单"] + [""] * (len(HEADERS) - 2))
    row = main_sheet.max_row
    main_sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
    main_sheet.cell(row, 1).value = "四、负面清单"
    for values in NEGATIVE:
        main_sheet.append(["", *values])
    main_sheet.append(["注：完成时限为“长期坚持”的，按常态化工作要求落实。"])
    note = main_sheet.max_row
    main_sheet.merge_cells(start_row=note, start_column=1, end_row=note, end_column=len(HEADERS))
    _style(main_sheet)
    bonus = book.create_sheet("特色指标")
    _sheet(bonus, "示例新区特色指标", BONUS)
    _style(bonus)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    book.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
