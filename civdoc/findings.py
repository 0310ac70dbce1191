"""Every finding code civdoc can report: stable code, kebab-case name, default severity, Chinese help."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from civdoc.model import Finding


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    default: str  # fatal | error | warning | info
    title: str  # 问题类型, short
    explain: str  # when it is raised and what to do


FAMILIES = {
    "D": "指标定义",
    "C": "材料齐全",
    "F": "文件质量",
    "T": "时间范围",
    "P": "存放位置",
    "R": "审核流程",
    "S": "完成时限",
    "W": "豁免",
}

_TABLE = [
    (
        "D101",
        "yaml-syntax",
        "fatal",
        "YAML 语法错误",
        "civdoc.yaml 或指标文件无法解析。按提示的行号检查缩进、冒号后的空格、引号与括号。",
    ),
    ("D102", "schema", "fatal", "字段错误", "缺少必填字段、出现未知字段或字段类型不对。按提示的文件、行号和字段改正。"),
    (
        "D103",
        "duplicate-id",
        "fatal",
        "指标编号重复",
        "同一个指标编号定义了两次。每个指标编号在整个项目中只能出现一次。",
    ),
    (
        "D104",
        "unknown-unit",
        "fatal",
        "未登记的单位",
        "指标或豁免中写了 civdoc.yaml 的 units 里没有的单位。改正单位名称，或在 civdoc.yaml 中登记该单位。",
    ),
    (
        "D105",
        "invalid-value",
        "fatal",
        "取值无效",
        "日期、尺寸、数量等取值不合理（如结束日期早于开始日期、min 小于 0、测评方法写错）。按提示改正。",
    ),
    (
        "C201",
        "unit-folder-missing",
        "error",
        "缺少单位文件夹",
        "责任单位在 evidence/ 下没有自己的文件夹。请新建以单位全称或简称命名的文件夹，并放入材料。",
    ),
    (
        "C202",
        "indicator-folder-missing",
        "error",
        "缺少指标文件夹",
        "单位文件夹中没有某个应报指标的文件夹。请新建以指标编号开头、后接测评内容的文件夹（“编号 测评内容”）并放入材料；名称写错了的文件夹请改名，不要另建。",
    ),
    (
        "C203",
        "requirement-missing",
        "error",
        "材料缺失",
        "某项佐证材料一份可用的文件也没有。请补报；文件名中应包含材料名称或关键词。",
    ),
    (
        "C204",
        "requirement-short",
        "error",
        "材料数量不足",
        "某项佐证材料的可用文件少于要求的份数。请补足；不可用的文件（损坏、加密、超出时间范围）不计入。",
    ),
    (
        "F301",
        "type-not-allowed",
        "error",
        "文件类型不符",
        "该位置不接受这种文件类型（如压缩包、HEIC 照片）。请转换为要求的格式（PDF、JPG 等）后替换。",
    ),
    (
        "F302",
        "type-mismatch",
        "error",
        "扩展名与内容不符",
        "文件扩展名与实际内容不一致（例如图片改名为 .pdf），测评系统可能无法打开。请用原程序另存为正确的格式。",
    ),
    ("F303", "empty-file", "error", "空文件", "文件大小为 0 字节，没有内容。请重新复制或导出该文件。"),
    ("F304", "unreadable", "error", "文件损坏", "文件已损坏，无法打开。请重新导出、扫描或从原始来源复制后替换。"),
    ("F305", "encrypted", "error", "文件加密", "文件设置了打开密码，测评人员无法查看。请去除密码后重新导出。"),
    (
        "F306",
        "too-large",
        "warning",
        "文件过大",
        "文件超过 limits.max_file_mb 的大小上限，上传可能失败。请压缩图片或拆分文件。",
    ),
    (
        "F307",
        "low-resolution",
        "warning",
        "图片清晰度不足",
        "照片像素低于该项材料的 min_pixels 要求。请换用原图或更清晰的照片。",
    ),
    (
        "T401",
        "out-of-window",
        "error",
        "超出时间范围",
        "文件日期不在测评周期（或该指标的时间范围）内，不能计入。请换用周期内的材料，或核对文件名中的日期。",
    ),
    (
        "T402",
        "undated",
        "warning",
        "无法确定日期",
        "文件名、所在文件夹和文件属性中都找不到日期，或文件名中写的日期并不存在（如 2026-13-05）。请在文件名前加上正确的日期，如“2024-03-15 活动方案.pdf”。",
    ),
    ("T403", "future-date", "warning", "日期晚于今天", "文件日期晚于今天，可能是日期写错。请核对文件名中的日期。"),
    (
        "P501",
        "unknown-unit-folder",
        "warning",
        "无法识别的单位文件夹",
        "evidence/ 下的文件夹名称不是已登记的单位或简称。请改为单位全称，或在 civdoc.yaml 中为该单位添加简称。",
    ),
    (
        "P502",
        "unknown-folder",
        "warning",
        "无法识别的文件夹",
        "单位文件夹下的文件夹不对应任何指标，其中的材料不会被计入。请把文件夹改名为以指标编号开头，或把材料移入对应的指标文件夹。",
    ),
    (
        "P503",
        "not-responsible",
        "warning",
        "非责任单位报送",
        "该单位不是这个指标的责任单位，其材料不会被计入。请核对指标编号，或在指标定义中把该单位加入 units。",
    ),
    (
        "P504",
        "stray-file",
        "warning",
        "文件未放入指标文件夹",
        "文件不在任何指标文件夹中，不会被计入。请移入对应的指标文件夹。",
    ),
    (
        "P505",
        "duplicate-content",
        "warning",
        "重复材料",
        "同一份文件出现在多个位置。请确认是否重复报送；同一材料用于多个指标时请在说明中注明。",
    ),
    (
        "P506",
        "unassigned-file",
        "info",
        "未对应材料项",
        "指标文件夹中的文件无法对应到任何一项佐证材料。请在文件名中写明材料名称，或放入以材料名称命名的子文件夹。",
    ),
    (
        "P507",
        "garbled-name",
        "warning",
        "文件名乱码",
        "文件或文件夹名称的编码不正确（多见于在其他系统上解压的压缩包），civdoc 已尽量识别出原名。请把它重新命名为正确的中文名称。",
    ),
    ("R601", "review-pending", "info", "待审核", "该审核阶段尚未签署。审核人可用 civdoc review 或在台账中填写后导入。"),
    ("R602", "review-returned", "error", "审核退回", "该阶段审核退回了材料。请按审核意见整改后重新提交审核。"),
    ("R603", "review-stale", "error", "审核已失效", "签署审核后材料又有变动，原签署已失效。请重新审核。"),
    ("R604", "review-out-of-order", "error", "审核顺序错误", "上一阶段尚未通过就签署了本阶段。请先完成上一阶段审核。"),
    (
        "R605",
        "self-review",
        "warning",
        "同一人多阶段审核",
        "同一人签署了同一事项的两个审核阶段。请由不同的人分别审核。",
    ),
    ("S701", "overdue", "error", "已超过完成时限", "完成时限已过而材料仍不齐全。请尽快补齐。"),
    ("S702", "due-soon", "warning", "临近完成时限", "距完成时限不足 7 天而材料仍不齐全。请抓紧补齐。"),
    (
        "W801",
        "waiver-expired",
        "warning",
        "豁免已到期",
        "civdoc.yaml 中的豁免已过 until 日期，被豁免的问题重新计入。请整改，或经批准后延长豁免期限。",
    ),
]

RULES: dict[str, Rule] = {
    code: Rule(code, name, default, title, explain) for code, name, default, title, explain in _TABLE
}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES.values()}


def lookup(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    return RULES.get(key.upper()) or BY_NAME.get(key.lower())


def finding(code: str, message: str, **where: Any) -> Finding:
    """A finding of a catalogue code, at the code's default severity; `where` is unit, indicator,
    requirement, path or line. A fatal definition problem, once reported as a finding, is an error.
    The project's `rules:` overrides are applied later, by rules/waivers.apply_policy."""
    default = RULES[code].default
    return Finding(code, "error" if default == "fatal" else default, message, **where)  # type: ignore[arg-type]
