"""The values in a list's cells as offices write them: numbering, clauses, units, 分值, 完成时限, 佐证材料."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

from civdoc.tasklist.model import ListRequirement

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_WS = re.compile(r"\s+")
# a level prefix in Roman numerals (Ⅲ—12, Ⅲ-12, III-12): the number after it is the id
_LEVEL = re.compile(rf"^\s*(?:[{ROMAN}]+|[IVX]+)\s*[—\-–－]+\s*(\d+)\s*[、.．\s]*")
_DOTTED_ID = re.compile(r"^\s*(\d+(?:[.．]\d+)+)(?![\d])\s*[、.．]?\s*")
_BULLET = re.compile(r"^\s*[-•·●▪■◆*－]+\s*")
_NUMBERING = re.compile(
    r"^\s*(?:"
    r"[（(]\s*([一二三四五六七八九十]+|\d+)\s*[）)]"  # （一） (1)
    r"|([一二三四五六七八九十]+)\s*[、.．]"  # 一、
    r"|(\d+)\s*(?:[、)）]|[.．](?!\d))"  # 1、 1) 1. (not 1.5)
    r"|([①-⑳])"  # ①
    r"|第([一二三四五六七八九十\d]+)[项条部分]"
    r")\s*"
)


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 7 → 7."""
    if text.isdigit():
        return int(text)
    if text and "①" <= text[0] <= "⑳":
        return ord(text[0]) - ord("①") + 1
    if not text or any(ch not in CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return CN_DIGITS[text] if len(text) == 1 else None


def text_of(value: object) -> str:
    """A cell's value as text (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def compact(text: str) -> str:
    """Names lose every space and line break (narrow columns hold one character a line)."""
    return _WS.sub("", text)


def strip_numbering(text: str) -> tuple[str, str | None, int | None]:
    """(name without its leading numbering, the list's own id if it is one, the leading number)."""
    level = _LEVEL.match(text)
    if level:
        return text[level.end() :].strip(), level.group(1), int(level.group(1))
    dotted = _DOTTED_ID.match(text)
    if dotted:
        ident = dotted.group(1).replace("．", ".")
        return text[dotted.end() :].strip(), ident, None
    bullet = _BULLET.match(text)
    if bullet:
        text = text[bullet.end() :]
    numbered = _NUMBERING.match(text)
    if numbered:
        raw = next(g for g in numbered.groups() if g)
        return text[numbered.end() :].strip(), None, cn_number(raw)
    return text.strip(), None, None


def clean_name(value: object) -> tuple[str, str | None, int | None]:
    name, ident, number = strip_numbering(compact(text_of(value)))
    return name.rstrip("：:"), ident, number


# --- clauses ----------------------------------------------------------------------------------------

_MARK = re.compile(
    r"(?:^|(?<=[\n；;。：:\s]))\s*"
    r"(?:[（(](\d{1,2})[）)]|(\d{1,2})\s*(?:[、)）]|[.．](?!\d))|([①-⑳]))"
)


_MARK_HINT = re.compile(r"[0-9①-⑳]")


def split_clauses(text: str) -> list[str]:
    """`1)…；2)…` (one per line or not) → its clauses, numbering stripped; text without a run of
    numbers 1, 2, 3 … is one clause."""
    if not _MARK_HINT.search(text):  # no number at all: one clause (most 测评方法 cells)
        return [_clause(text)] if _clause(text) else []
    marks = []
    expected = 1
    for m in _MARK.finditer(text):
        raw = next(g for g in m.groups() if g)
        number = cn_number(raw)
        if number == expected:
            marks.append(m)
            expected += 1
    if len(marks) < 2:
        return [_clause(text)] if _clause(text) else []
    pieces = []
    head = text[: marks[0].start()].strip()
    if head:
        pieces.append(head)
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        pieces.append(text[m.end() : end])
    return [c for c in (_clause(p) for p in pieces) if c]


def _clause(text: str) -> str:
    return re.sub(r"[ \t\u3000]*\n[ \t\u3000]*", "", text).strip().rstrip("；;，,").strip()


# --- methods -------------------------------------------------------------------------------------

KNOWN_METHODS = ["材料审核", "网上申报", "实地考察", "问卷调查", "听取汇报", "网络调查", "整体观察", "主管部门提供意见"]
_METHOD_ALIASES = {
    "网络（电话、媒体）调查": "网络调查",
    "网络(电话、媒体)调查": "网络调查",
    "实地考查": "实地考察",
    "材料审查": "材料审核",
    "资料审核": "材料审核",
    "网络（电话）调查": "网络调查",
}


def split_methods(text: str) -> list[str]:
    return list(_split_methods(text))


@lru_cache(maxsize=4096)  # a list repeats the same few 测评方法 cells on every row
def _split_methods(text: str) -> tuple[str, ...]:
    """`材料审核、问卷调查` → both; a separator inside brackets (网络（电话、媒体）调查) does not split;
    a numbered cell (`1)材料审核 2)实地考察`) gives the methods of all its clauses."""
    names: list[str] = []
    lines = [compact(line) for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and all(_known_alias(line) in KNOWN_METHODS for line in lines):  # unnumbered lines
        text = "、".join(_known_alias(line) for line in lines)  # one method a line: the breaks separate them
    for clause in split_clauses(text) or [text]:
        pieces = [_known_alias(strip_numbering(p)[0]) for p in re.split(r"[\s\u3000]+", clause.strip()) if p]
        # methods a space apart are separate; a narrow column's one character a line is one name
        bare = "、".join(pieces) if len(pieces) > 1 and all(p in KNOWN_METHODS for p in pieces) else compact(clause)
        for alias, name in _METHOD_ALIASES.items():
            bare = bare.replace(alias, name)
        names += [strip_numbering(p)[0] for p in split_outside_brackets(bare, "、，,/;；和+＋")]
    return tuple(dict.fromkeys(n for n in names if n))


def _known_alias(name: str) -> str:
    return _METHOD_ALIASES.get(name, name)


def method_notes(text: str) -> tuple[list[str], list[str]]:
    """(guesses, warnings) about a 测评方法 cell: misspellings read as a known method, unknown names."""
    bare = compact(text)
    guesses = [
        f"测评方法“{alias}”按“{name}”读取"
        for alias, name in _METHOD_ALIASES.items()
        if alias in bare and not alias.startswith("网络")
    ]
    unknown = [m for m in split_methods(text) if m not in KNOWN_METHODS]
    warnings = [f"测评方法“{m}”不是常见的测评方法，请确认" for m in unknown]
    return guesses, warnings


def split_outside_brackets(text: str, separators: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and (ch in separators or ch == "\n"):
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


# --- units ---------------------------------------------------------------------------------------

_COLLECTIVE = re.compile(r"^各|成员单位|相关单位|有关单位|相关部门|有关部门|各级")


_ROLE = re.compile(r"[（(]?(牵头|配合|负责|参与|协助|协办|主办)[）)]?$")


def unit_roles(text: str) -> tuple[list[str], str | None]:
    """The units in a cell, and the one marked as lead (`区教育局（牵头）`, `区文明办牵头`)."""
    names, lead = _unit_roles(text)
    return list(names), lead


@lru_cache(maxsize=4096)  # unit cells repeat across a list
def _unit_roles(text: str) -> tuple[tuple[str, ...], str | None]:
    names: list[str] = []
    lead: str | None = None
    for part in split_outside_brackets(text, "、，,/;；"):
        name = compact(strip_numbering(part)[0]).rstrip("。.等")
        role = _ROLE.search(name)
        if role and len(name) > len(role.group(0)):
            name = name[: role.start()]
            if role.group(1) in {"牵头", "主办"} and lead is None:
                lead = name
        if name:
            names.append(name)
    return tuple(dict.fromkeys(names)), lead


def split_units(text: str) -> list[str]:
    return unit_roles(text)[0]


def is_collective(name: str) -> bool:
    return bool(_COLLECTIVE.search(name))


_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@lru_cache(maxsize=4096)
def folder_name_problem(name: str) -> str | None:
    """Why name cannot be a folder name on Windows and Linux, or None."""
    for ch in name:
        if ch in '/\\:*?"<>|':
            return f"含有不能用于文件夹名称的字符“{ch}”"
        if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0:
            return "含有控制字符"
    if name in {".", ".."}:
        return "不能是“.”或“..”"
    if name.split(".")[0].upper() in _WINDOWS_DEVICES:
        return "是 Windows 的保留设备名"
    if name != name.strip(" .") or name != name.strip():
        return "开头或结尾有空格或句点"
    return None


# --- 分值 -----------------------------------------------------------------------------------------

_SCORE = re.compile(r"^([+-−－]?\d+(?:\.\d+)?)\s*分?$")


EMPTY_MARKS = {"", "/", "／", "-", "—", "——", "无", "空", "－"}


def parse_score(value: object) -> float | None | str:
    """A number, None for an empty cell (or one holding only / or —), or the text when it is no 分值
    an office writes."""
    if value is None or (isinstance(value, str) and compact(value) in EMPTY_MARKS):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = unicodedata.normalize("NFKC", compact(text_of(value))).replace("−", "-").replace("－", "-")
    m = _SCORE.match(text)
    return float(m.group(1)) if m else text_of(value)


# --- 完成时限 --------------------------------------------------------------------------------------

_FULL = re.compile(r"(?<!\d)(\d{4})\s*(?:年|[.\-/])\s*(\d{1,2})\s*(?:月|[.\-/])\s*(\d{1,2})\s*日?")
_MONTH_END = re.compile(r"^(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(?:底|末|份)?\s*(?:前|之前|以前)?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:前|之前|以前)?$")
NO_DEADLINE = ("长期坚持", "常态化", "长期", "持续推进", "常年")


def parse_deadline(value: object, year: int) -> tuple[date | None, str | None, str | None]:
    """(deadline, guess, problem). A guess says what was assumed (the year of 6月底前); a problem
    says the text is no 完成时限 civdoc can read. 长期坚持/常态化 mean no deadline of its own."""
    if value is None or (isinstance(value, str) and compact(value) in EMPTY_MARKS):
        return None, None, None
    if isinstance(value, datetime):
        return value.date(), None, None
    if isinstance(value, date):
        return value, None, None
    text = unicodedata.normalize("NFKC", compact(text_of(value)))
    if any(text.startswith(w) for w in NO_DEADLINE):
        return None, None, None
    full = _FULL.search(text)
    if full:
        if not 2000 <= int(full.group(1)) <= 2100:
            return None, None, f"完成时限“{text}”的年份不合理，未设置该指标的完成时限"
        try:
            return date(int(full.group(1)), int(full.group(2)), int(full.group(3))), None, None
        except ValueError:
            return None, None, f"完成时限“{text}”不是有效日期"
    month = _MONTH_END.match(text)
    if month and 1 <= int(month.group(2)) <= 12:
        y = int(month.group(1)) if month.group(1) else year
        m = int(month.group(2))
        found = date(y, m, calendar.monthrange(y, m)[1])
        guess = None if month.group(1) else f"“{text}”按 {y} 年理解为 {found.isoformat()}"
        return found, guess or f"“{text}”理解为月底 {found.isoformat()}", None
    day = _MONTH_DAY.match(text)
    if day:
        try:
            found = date(year, int(day.group(1)), int(day.group(2)))
        except ValueError:
            return None, None, f"完成时限“{text}”不是有效日期"
        return found, f"“{text}”按 {year} 年理解为 {found.isoformat()}", None
    return None, None, f"完成时限“{text}”无法识别，未设置该指标的完成时限"


# --- 佐证材料 --------------------------------------------------------------------------------------

KIND_WORDS: list[tuple[str, list[str]]] = [
    ("实景图片", ["照片", "图片"]),
    ("会议纪要", ["纪要"]),
    ("正式发文", ["方案", "通知", "制度", "办法", "意见", "文件", "计划", "章程", "要点", "细则"]),
    ("说明报告", ["总结", "报告", "说明"]),
    ("工作台账", ["台账", "记录", "清单"]),
    ("统计表格", ["统计", "报表"]),
    ("音像资料", ["视频", "音频"]),
    ("媒体报道", ["报道"]),
    ("荣誉证书", ["证书"]),
]
_CN_NUM = r"(\d+|[一二两三四五六七八九十]+)"
_UNIT_WORDS = r"(?:张|份|篇|个|次|条|期|件|幅|段|本|册|套|场)"
_MIN = [
    re.compile(rf"[（(]?\s*(?:不少于|不低于|至少|最少)\s*{_CN_NUM}\s*{_UNIT_WORDS}?\s*(?:以上)?\s*[）)]?"),
    re.compile(rf"[（(]?\s*{_CN_NUM}\s*{_UNIT_WORDS}\s*(?:以上|及以上)\s*[）)]?"),
]


def split_materials(text: str) -> list[str]:
    """The 佐证材料 column's free text → one piece per material: split at numbering, ；; and lines."""
    pieces = []
    for clause in split_clauses(text) or [text]:
        for part in re.split(r"[；;\n]+", clause):
            part = strip_numbering(part.strip())[0].strip().rstrip("。.，,、")
            if part:
                pieces.append(part)
    return pieces


def requirement(text: str) -> ListRequirement:
    """One material: its minimum, kind and keyword guessed from its wording."""
    minimum, name = 1, text
    for pattern in _MIN:
        m = pattern.search(name)
        if m:
            minimum = cn_number(m.group(1)) or 1
            name = (name[: m.start()] + name[m.end() :]).strip()
            break
    name = compact(name).strip("（）()：:，,。.、") or compact(text)
    name = re.sub(r"等$", "", name) or name
    kind, word = None, None
    for candidate, words in KIND_WORDS:
        word = next((w for w in words if w in name), None)
        if word:
            kind = candidate
            break
    said = [f"类别“{kind}”（据“{word}”）"] if kind else ["类别未能判断"]
    if minimum != 1:
        said.append(f"至少 {minimum} 份")
    match = [word] if word and word != name else None
    if match:
        said.append(f"文件名关键词“{word}”")
    return ListRequirement(name=name[:60], kind=kind, min=max(1, minimum), match=match, guess="，".join(said))
