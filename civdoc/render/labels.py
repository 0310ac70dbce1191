"""Chinese words for machine values, shared by every renderer."""

from __future__ import annotations

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS = {"complete": "已完成", "incomplete": "未完成", "not_required": "不需报送"}


def indicator_label(ident: str | None, content: str | None) -> str:
    if not ident:
        return "单位整体（不在某个指标下）"
    return f"{ident} {content}" if content else ident
