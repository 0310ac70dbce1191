"""The minimal commented project civdoc init writes when no 任务清单 is given."""

from __future__ import annotations

CONFIG = """\
# civdoc 项目设置。字段说明见 README“civdoc.yaml：项目设置”。
# 已有材料自查任务清单（Excel 或 Word）时，更省事的做法是：civdoc init 文件夹 --from 任务清单.xlsx

name: {name}                               # 台账标题
period: {{start: {year}-01-01, end: {year}-12-31}}   # 材料的默认时间范围，请按测评要求修改
# deadline: {year}-06-30                   # 可选：各指标默认的完成时限
layout: unit/indicator                     # 材料放在 evidence/<单位>/<指标>/ 下；也可改为 indicator/unit

units:                                     # 牵头单位和责任单位，名称将用作文件夹名称
  - name: 区文明办
    aliases: [文明办]                      # 可选：简称，文件夹用简称也能识别
    # contact: 张三 13800000000            # 可选：联系人，显示在台账中
"""

INDICATOR = """\
# indicators/01-示例测评项目.yaml — 一个测评项目一个文件。请照此格式改写为本地的测评体系。
# 字段说明见 README“编写指标”。

aspect: 示例测评项目              # 测评项目
order: 1                          # 排序
indicators:
  - id: "1.1"                     # 指标编号，全项目唯一
    content: 示例测评内容          # 测评内容
    standards:                    # 测评标准，每条一项
      - 制定年度工作方案，按方案开展工作。
    method: 材料审核               # 测评方法
    score: 2                      # 分值（可选）
    lead: 区文明办                 # 牵头单位（须在 civdoc.yaml 的 units 中登记）
    requirements:                 # 佐证材料
      - name: 工作方案
        kind: 正式发文             # 材料类别，决定可接受的文件类型
        match: [方案]              # 文件名关键词
"""


def starter_files(name: str, year: int) -> dict[str, str]:
    return {"civdoc.yaml": CONFIG.format(name=name, year=year), "indicators/01-示例测评项目.yaml": INDICATOR}
