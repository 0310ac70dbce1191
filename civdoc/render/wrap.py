"""Line breaks for printed cells, chosen by civdoc rather than left to Excel, WPS or LibreOffice.

Those programs break Chinese anywhere: "理想信念教/育" in a narrow column, a line that starts with "、".
Here a cell's text is broken into lines that fit the column, with the rules of Chinese typesetting:

- no line starts with closing punctuation (、。，）” …) and none ends with opening punctuation (（“《 …);
- a run of Latin letters and digits (a date, a file name, a code) is not split unless it is longer
  than a line;
- among the breaks that give the fewest lines, those after punctuation or a joining word (和 与 及)
  come first, then those two characters after one (most Chinese words have two characters), and a
  last line of a single character is avoided.

Widths are counted in half-ems: a Chinese character is 2, a Latin one 1 (see text_width in xlsx.py).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

CLOSING = set("、。，．,.；;：:？?！!）)］]｝}」』”’》〉】〕…·%％‰℃—～")
OPENING = set("（(［[｛{「『“‘《〈【〔")
SOFT_AFTER = set("、。，,；;：:？?！!）)」』”’》〉】〕 \u3000/")  # a break after these costs nothing
JOINING = set("和与及或的")

# two-character words that come back in indicator names, units and messages: no break inside them
WORDS = set(
    [
        "志愿",
        "服务",
        "建设",
        "教育",
        "工作",
        "活动",
        "管理",
        "宣传",
        "文化",
        "文明",
        "制度",
        "机制",
        "理论",
        "学习",
        "创新",
        "思想",
        "道德",
        "社会",
        "主义",
        "核心",
        "价值",
        "社区",
        "城市",
        "环境",
        "卫生",
        "安全",
        "生态",
        "治理",
        "公共",
        "设施",
        "群众",
        "未成",
        "成年",
        "家庭",
        "家教",
        "家风",
        "学校",
        "网络",
        "传播",
        "培育",
        "风尚",
        "诚信",
        "法治",
        "公平",
        "正义",
        "政务",
        "廉洁",
        "高效",
        "营商",
        "生活",
        "和谐",
        "宜居",
        "稳定",
        "交通",
        "秩序",
        "垃圾",
        "分类",
        "污染",
        "防治",
        "农村",
        "乡村",
        "振兴",
        "科普",
        "科学",
        "普及",
        "体育",
        "健身",
        "养老",
        "医疗",
        "健康",
        "食品",
        "药品",
        "市场",
        "监管",
        "执法",
        "公示",
        "保障",
        "权益",
        "劳动",
        "就业",
        "党员",
        "组织",
        "干部",
        "队伍",
        "阵地",
        "场所",
        "基地",
        "平台",
        "方案",
        "计划",
        "台账",
        "总结",
        "报告",
        "照片",
        "通知",
        "纪要",
        "制定",
        "开展",
        "落实",
        "推进",
        "整改",
        "常态",
        "长效",
        "理想",
        "信念",
        "雷锋",
        "模范",
        "身边",
        "好人",
        "移风",
        "易俗",
        "节日",
        "传统",
        "志愿",
        "发展",
        "事业",
        "产业",
        "旅游",
        "新闻",
        "媒体",
        "公益",
        "广告",
        "街道",
        "办事",
        "单位",
        "部门",
        "领导",
        "材料",
        "文件",
        "日期",
        "时限",
        "范围",
        "完成",
        "情况",
        "编号",
        "指标",
        "测评",
        "内容",
        "标准",
        "方法",
        "问题",
        "说明",
        "类型",
        "名称",
        "图片",
        "清晰",
        "重复",
        "报送",
        "责任",
        "牵头",
        "审核",
        "签字",
        "盖章",
        "分管",
    ]
)

LINE_COST = 100  # one more line costs more than any choice of break
SLACK_COST = 0.5  # each half-em left empty at the end of a line that is not the last: lines stay full
INF = float("inf")


@lru_cache(maxsize=1 << 15)
def char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WFA" else 1


def width(text: str) -> int:
    return sum(map(char_width, text))


def _word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_.:/%#@+")


def _break_cost(text: str, i: int) -> float:
    """What breaking before text[i] costs; INF where the rules forbid it."""
    before, after = text[i - 1], text[i]
    if after in CLOSING or before in OPENING:
        return INF
    if before == "年" and after.isdigit():
        return 0  # 2026年 / 12月31日
    if before == "月" and after.isdigit():
        return 5
    if before.isdigit() and after in "年月日号时分秒份个张页天条项":
        return 50  # a number stays with its unit
    if _word_char(before) and _word_char(after):
        return 150  # inside a Latin word or number: dearer than a line, so only when it is longer than one
    if before in SOFT_AFTER or after in OPENING:
        return 0
    if before in JOINING:
        return 2
    if before.isascii() or after.isascii():
        return 3
    # two CJK characters: not inside a known word; else between two-character words, counted from the
    # last soft break
    inside = 6 if before + after in WORDS else 0
    k = i
    while k > 0 and text[k - 1] not in SOFT_AFTER and not text[k - 1].isascii():
        k -= 1
    return inside + (4 if (i - k) % 2 == 0 else 6)


def _lone(line: str) -> bool:
    """A line of one Chinese character, maybe with punctuation after it."""
    letters = [c for c in line if c not in CLOSING]
    return len(letters) == 1 and not letters[0].isascii()


def wrap(text: str, limit: float) -> list[str]:
    """text as lines no wider than limit half-ems (a line holding one unbreakable piece may be wider)."""
    out: list[str] = []
    for paragraph in str(text).split("\n"):
        out += _wrap_paragraph(paragraph, limit)
    return out


def _wrap_paragraph(text: str, limit: float) -> list[str]:
    if width(text) <= limit or len(text) < 2:
        return [text]
    n = len(text)
    widths = [char_width(c) for c in text]
    costs = [0.0] + [_break_cost(text, i) for i in range(1, n)] + [0.0]
    best: list[float] = [0.0] + [INF] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        if j < n and costs[j] == INF:
            continue
        used = 0
        slack_weight = SLACK_COST if j < n else 0.0
        for i in range(j - 1, -1, -1):  # the line text[i:j]
            used += widths[i]
            if used > limit and i < j - 1:
                break
            if best[i] == INF:
                continue
            cost = best[i] + LINE_COST + costs[j] + slack_weight * max(limit - used, 0)
            if j == n and i > 0 and _lone(text[i:j]):
                cost += 30  # a last line of one character
            if cost < best[j]:
                best[j], back[j] = cost, i
    if best[n] == INF:  # nothing fits the rules: break where the width says
        return _hard(text, limit)
    lines = []
    j = n
    while j > 0:
        i = back[j]
        lines.append(text[i:j])
        j = i
    lines.reverse()
    return [line.strip(" ") or line for line in lines]


def _hard(text: str, limit: float) -> list[str]:
    lines, line, used = [], "", 0
    for ch in text:
        w = char_width(ch)
        if line and used + w > limit:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    return lines + [line] if line else lines


def wrapped(text: str, limit: float) -> str:
    return "\n".join(wrap(text, limit))
