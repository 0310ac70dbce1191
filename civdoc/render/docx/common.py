"""Names shared by the parts of the Word dossier: its blocks, variables and the template's style names."""

from __future__ import annotations

GROUP_PROBLEMS_AT = 40  # more problems than this in the whole dossier: one table per unit
BLOCKS = ("ledger", "problems", "signatures")
TOKEN = "〔civdoc:{}〕"  # what a block placeholder renders to before it is replaced
TEXT_VARIABLES = ("title", "subtitle", "project", "unit", "today", "summary", "stats")
STATE_ORDER = ("通过", "退回", "失效", "待审")

# styles the generated parts use, by their names in the template (Word may rename style ids)
STYLE_NAMES = {
    "body": "Normal",
    "heading": "heading 2",
    "cell": "台账表格文字",
    "center": "台账表格文字（居中）",
    "overdue": "台账表格文字（逾期）",
    "head": "台账表头",
    "sign": "签字栏文字",
    "sign_head": "签字栏表头",
    "note": "台账说明文字",
    "table": "台账表格",
}
