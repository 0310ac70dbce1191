"""The ledger's contract with review import: sheet and column names, the hidden key and
snapshot columns, and the ledgers' file names."""

from __future__ import annotations

# -- the ledger's contract with review_import.py -----------------------------------------------------

LEDGER_SHEET = "台账"
SHEETS = ("汇总", LEDGER_SHEET, "问题清单", "文件清单")
KEY = "事项编号"
FINGERPRINT = "材料指纹"
SNAPSHOT = "生成时审核状态"
NOTE = "审核意见"
REMARK = "备注"
STATE_CHOICES = ("待审", "通过", "退回")
NOTE_KEY = "_意见"  # the 审核意见 civdoc wrote, inside the snapshot


def state_header(stage: str) -> str:
    return f"{stage}状态"


def reviewer_header(stage: str) -> str:
    return f"{stage}审核人"


def date_header(stage: str) -> str:
    return f"{stage}日期"


DEADLINE = "完成时限"
REVIEW_SUMMARY = "审核情况"  # printed; what the review columns say, as of the build
SEVERITY_HEADER = "级别"  # the Word dossier's word too
MATERIALS = "材料情况（已报/应报）"
SUMMARY_HEADERS = ("应报事项", "已完成", "未完成", "完成率", "错误", "警告")

# the ledgers' names in out/, for build and for the links the 文件清单 opens from there
LEDGER_FILE = "材料自查台账"
UNIT_FOLDER = "分单位台账"
