"""out/工作进展通报.docx: the weekly progress bulletin (SPEC §9) in 党政机关公文格式.

The page set-up, styles and page numbers are the dossier template's (材料自查台账.docx, built in or the
project's own): its body is emptied and its first, portrait section kept, so fonts, margins and the
"— N —" footer follow GB/T 9704 exactly as the dossier does. Tables are made by render/docx.py's Writer.
下步要求 comes from 工作进展通报下步要求.j2, rendered in a sandbox.
"""

from __future__ import annotations

import copy
import io
from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from civdoc.findings import RULES
from civdoc.leaders.progress import OVERDUE, UnitProgress, item_states, ranked, rate_text, unit_progress
from civdoc.leaders.score import points
from civdoc.render.docx.styles import _styles
from civdoc.render.docx.text import cn_date, cn_number, paragraphs
from civdoc.render.docx.writer import Column, Writer, clean
from civdoc.render.templating import (
    DOSSIER,
    TemplateError,
    Templates,
)

if TYPE_CHECKING:
    from civdoc.check.evaluate import Result
    from civdoc.leaders.gather import Leaders
    from civdoc.leaders.history import Change

REQUIREMENTS = "工作进展通报下步要求.j2"
LAGGING = 0.6  # below this completion rate a unit is named as lagging
LISTED = 10  # items named per unit before "等"


def bulletin_title(name: str) -> str:
    if name.endswith("材料自查"):
        return f"关于{name}工作进展情况的通报"
    return f"关于{name}材料自查工作进展情况的通报"


def title_break(title: str, per_line: float = 19.5) -> str:
    """A title too long for one line of 2号 type breaks before 材料自查工作… (or 工作进展…), not wherever it
    overflows; GB/T 9704 wants the lines of a title to break at a word and read as a whole."""
    width = sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in title)
    if width <= per_line:
        return title
    for tail in ("材料自查工作进展情况的通报", "工作进展情况的通报"):
        head = title[: -len(tail)]
        if title.endswith(tail) and len(head) > 2 and sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in head) <= per_line:
            return f"{head}\n{tail}"
    return title


def bulletin_bytes(result: Result, leaders: Leaders, templates: Templates) -> bytes:
    doc = _blank(templates)
    page = _Page(doc)
    states = item_states(result)
    # a unit with nothing to supply has no rate to rank (its problems still count in 总体情况)
    everyone = unit_progress(result, states)
    units = ranked({n: u for n, u in everyone.items() if u.required}, result.project.unit_names)
    change = leaders.change
    title = bulletin_title(result.project.config.name)
    page.add(title_break(title), "title")
    page.add("各责任单位：", "plain")
    page.add(
        f"为及时掌握材料自查工作进展，推动各项测评内容佐证材料按时保质完成，现将截至{cn_date(result.today)}"
        "的工作进展情况通报如下。"
    )
    page.add("一、总体情况", "h1")
    for text in _overall(result, leaders, states, units, list(everyone.values())):
        page.add(text)
    page.add("二、各单位完成情况", "h1")
    page.add(_ranking_sentence(units, change))
    page.table(
        [
            Column("序号", 8, "center"),
            Column("单位", 34),
            Column("应报", 10, "center"),
            Column("已完成", 12, "center"),
            Column("完成率", 14, "center"),
            Column("未完成", 12, "center"),
            Column("逾期", 10, "center"),
            Column("问题", 10, "center"),
            Column("较上次", 16, "center"),
        ],
        [
            [
                str(n),
                u.name,
                str(u.required),
                str(u.complete),
                rate_text(u.rate),
                str(u.incomplete),
                str(u.overdue),
                str(u.problems),
                _unit_change(u, change),
            ]
            for n, u in enumerate(units, 1)
        ],
    )
    page.add("三、逾期事项", "h1")
    for text in _overdue(result, states):
        page.add(text)
    page.add("四、新完成事项和新发现问题", "h1")
    for text in _changes(result, change):
        page.add(text)
    page.add("五、下步要求", "h1")
    for text in paragraphs(_requirements(result, leaders, list(everyone.values()), templates)):
        page.add(text)
    page.add("", "plain")
    page.add(cn_date(result.today), "date")
    props = doc.core_properties
    props.title = title
    props.subject = result.project.config.name
    props.created = props.modified = datetime.now()
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# -- the document ------------------------------------------------------------------------------------


def _blank(templates: Templates) -> Any:
    """The dossier template with an empty body and its first section's page set-up and footers."""
    shown = templates.shown(DOSSIER)
    try:
        doc = Document(str(templates.path(DOSSIER)))
    except Exception as exc:  # noqa: BLE001 - whatever python-docx raises on a file that is no .docx
        raise TemplateError(
            f"模板 {shown} 无法打开（{type(exc).__name__}），无法生成工作进展通报。"
            "请用 Word 重新另存为 .docx，或删除它以使用内置模板。"
        ) from None
    body = doc.element.body
    sections = [p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") for p in body.findall(qn("w:p"))]
    first = next((s for s in sections if s is not None), None)
    last = body.find(qn("w:sectPr"))
    for child in list(body):
        body.remove(child)
    chosen = copy.deepcopy(first if first is not None else last)
    if chosen is None:
        chosen = parse_xml(f"<w:sectPr {nsdecls('w')}/>")
    _portrait(chosen)
    body.append(chosen)
    return doc


def _portrait(sect: Any) -> None:
    """A template whose first section is landscape still gives a portrait 通报."""
    size = sect.find(qn("w:pgSz"))
    if size is not None and size.get(qn("w:orient")) == "landscape":
        width, height = size.get(qn("w:w")), size.get(qn("w:h"))
        size.set(qn("w:w"), height)
        size.set(qn("w:h"), width)
        del size.attrib[qn("w:orient")]


class _Page:
    """Appends paragraphs and tables to the body, before its final section properties."""

    def __init__(self, doc: Any):
        self.body = doc.element.body
        self.styles = _styles(doc)
        by_name = {
            s.find(qn("w:name")).get(qn("w:val")).lower(): s.get(qn("w:styleId"))
            for s in doc.styles.element.findall(qn("w:style"))
            if s.find(qn("w:name")) is not None
        }
        self.title_style = by_name.get("title", self.styles["body"])
        self.h1_style = by_name.get("heading 1", self.styles["heading"])
        self.writer = Writer(self.styles)
        self.writer.width = _text_width(self.body.find(qn("w:sectPr")))

    def add(self, text: str, kind: str = "body") -> None:
        style = {"title": self.title_style, "h1": self.h1_style}.get(kind, self.styles["body"])
        extra = {
            "plain": '<w:ind w:firstLine="0" w:firstLineChars="0"/>',
            "date": '<w:ind w:right="1280" w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="right"/>',
            "title": '<w:spacing w:after="579"/>',
        }.get(kind, "")
        p = parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style}"/>{extra}</w:pPr>'
            f'<w:r><w:t xml:space="preserve"></w:t></w:r></w:p>'
        )
        lines = clean(text).split("\n")
        p[-1][-1].text = lines[0]
        for line in lines[1:]:
            run = parse_xml(f'<w:r {nsdecls("w")}><w:br/><w:t xml:space="preserve"></w:t></w:r>')
            run[-1].text = line
            p.append(run)
        self._append(p)

    def table(self, columns: list[Column], rows: list[list[Any]]) -> None:
        if not rows:
            self.add("暂无需报送材料的单位。")
            return
        self._append(self.writer.table(columns, rows))
        self._append(
            parse_xml(
                f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{self.styles["body"]}"/>'
                '<w:spacing w:line="240" w:lineRule="auto"/></w:pPr></w:p>'
            )
        )

    def _append(self, element: Any) -> None:
        self.body.find(qn("w:sectPr")).addprevious(element)


def _text_width(sect: Any) -> int:
    size, margin = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    if size is None or margin is None:
        return 11906 - 1587 - 1474

    def twips(element: Any, attr: str) -> int:
        value = element.get(qn(f"w:{attr}"))
        return int(float(value)) if value else 0

    return max(twips(size, "w") - twips(margin, "left") - twips(margin, "right") - twips(margin, "gutter"), 2000)


# -- the words ---------------------------------------------------------------------------------------


def since_words(today: date, since: date) -> str:
    """较上周 / 较昨日 / 较上月 / 较11月15日: how an office names the last 通报."""
    days = (today - since).days
    if days == 1:
        return "较昨日"
    if days == 7:
        return "较上周"
    if 28 <= days <= 31 and since.day == today.day:
        return "较上月"
    return f"较{since.month}月{since.day}日"


def rate_change(before: float | None, now: float | None, words: str) -> str:
    """较上周提高 9.2 个百分点 / 下降 / 持平."""
    if before is None or now is None:
        return ""
    delta = round((now - before) * 100, 1)
    if delta > 0:
        return f"{words}提高 {delta:.1f} 个百分点"
    if delta < 0:
        return f"{words}下降 {-delta:.1f} 个百分点"
    return f"{words}持平"


def _overall(
    result: Result,
    leaders: Leaders,
    states: dict[tuple[str, str], str],
    units: list[UnitProgress],
    everyone: list[UnitProgress],
) -> list[str]:
    required = [s for s in states.values() if s != "not_required"]
    complete = sum(s == "complete" for s in required)
    overdue = sum(s == OVERDUE for s in required)
    rate = complete / len(required) if required else None
    errors = sum(u.errors for u in everyone)
    warnings = sum(u.problems for u in everyone) - errors
    change = leaders.change
    text = (
        f"截至{cn_date(result.today)}，{len(units)}个责任单位应报送佐证材料的事项共{len(required)}项，"
        f"已完成{complete}项，未完成{len(required) - complete}项，完成率{rate_text(rate)}"
    )
    if change:
        words = since_words(result.today, change.since.day)
        moved = rate_change(change.rate_before, rate, words)
        text += f"，{moved}" if moved else ""
        text += f"；{cn_date(change.since.day)}以来新完成{len(change.newly_complete)}项"
    text += "。"
    text += f"已超过完成时限仍未完成的事项{overdue}项。" if overdue else "目前没有超过完成时限仍未完成的事项。"
    found = f"自查发现需整改的问题{errors}条、需核实的问题{warnings}条"
    if change:
        found += f"，新发现{change.new_problem_count}条，已解决{change.solved}条"
    lines = [text + found + "。"]
    score = leaders.score
    t = score.overall
    if t.scored:
        line = (
            f"按指标分值测算，基本指标分值合计{points(t.possible)}分，材料已落实{points(t.secured)}分"
            f"（占{rate_text(t.rate)}），存在缺漏或问题、有失分风险的{points(t.at_risk)}分"
        )
        if t.unassessed:
            line += f"，以实地考察等方式测评的{points(t.unassessed)}分"
        if t.bonus_possible:
            line += f"；特色指标可加{points(t.bonus_possible)}分，已落实{points(t.bonus)}分"
        if t.deduction_possible:
            line += f"；负面清单尚未排除的扣分{points(t.deduction)}分"
        if score.weighted:
            weighted = score.weighted
            line += f"；按同创同测权重折算，加权得分{points(weighted.net)}分（满分{points(weighted.possible)}分）"
        if change and change.since.score and "secured" in change.since.score:
            delta = t.secured - change.since.score["secured"]
            line += f"；已落实分值{_points_change(delta)}"
        lines.append(line + "。")
    return lines


def _points_change(delta: float) -> str:
    if abs(delta) < 0.005:
        return "与上次持平"
    return f"较上次{'增加' if delta > 0 else '减少'}{points(abs(delta))}分"


def _ranking_sentence(units: list[UnitProgress], change: Change | None) -> str:
    done = [u.name for u in units if u.required and u.complete == u.required]
    lagging = [u.name for u in units if u.rate is not None and u.rate < LAGGING]
    text = "各单位按完成率由高到低排列如下（完成率相同的，逾期事项、问题少的在前）"
    text += "；“较上次”为完成率变化的百分点。" if change else "。"
    if done:
        text += f"{_names(done)}已全部完成。"
    if lagging:
        text += f"{_names(lagging)}完成率低于{LAGGING:.0%}，需加快进度。"
    return text


def _names(names: list[str], most: int = 8) -> str:
    if len(names) == 1:
        return names[0]
    return f"{'、'.join(names[:most])}等{len(names)}个单位"


def _unit_change(u: UnitProgress, change: Change | None) -> str:
    if change is None:
        return "—"
    before = change.unit_rate_before(u.name)
    if before is None or u.rate is None:
        return "新增" if u.rate is not None and u.name not in change.since.items else "—"
    delta = round((u.rate - before) * 100, 1)
    return "持平" if delta == 0 else f"{delta:+.1f}"


def _overdue(result: Result, states: dict[tuple[str, str], str]) -> list[str]:
    by_unit: dict[str, list[str]] = defaultdict(list)
    deadlines = {(i.unit, i.indicator): i.deadline for i in result.items}
    for (unit, ident), state in states.items():
        if state == OVERDUE:
            ind = result.project.indicators[ident]
            deadline = deadlines.get((unit, ident))
            when = f"（完成时限{cn_date(deadline)}）" if deadline else ""
            by_unit[unit].append(f"{ident} {ind.content}{when}")
    if not by_unit:
        return ["目前没有超过完成时限仍未完成的事项。"]
    order = {u: i for i, u in enumerate(result.project.unit_names)}
    units = sorted(by_unit, key=lambda u: (-len(by_unit[u]), order.get(u, len(order))))
    lines = [f"共有{len(units)}个单位的{sum(len(v) for v in by_unit.values())}项事项已超过完成时限仍未完成："]
    for n, unit in enumerate(units, 1):
        lines.append(f"（{cn_number(n)}）{unit}（{len(by_unit[unit])}项）：{_listed(by_unit[unit])}。")
    return lines


def _listed(entries: list[str]) -> str:
    if len(entries) <= LISTED:
        return "；".join(entries)
    return "；".join(entries[:LISTED]) + f"等{len(entries)}项"


def _changes(result: Result, change: Change | None) -> list[str]:
    if change is None:
        return ["本次为首次通报，没有可比较的历史记录。自下次通报起，将通报期间新完成的事项和新发现的问题。"]
    since = cn_date(change.since.day)
    project = result.project
    order = {u: i for i, u in enumerate(project.unit_names)}
    lines: list[str] = []
    done: dict[str, list[str]] = defaultdict(list)
    for unit, ident in change.newly_complete:
        done[unit].append(f"{ident} {project.indicators[ident].content}")
    if done:
        parts = [f"{u}{len(done[u])}项（{_listed(done[u])}）" for u in sorted(done, key=lambda u: order.get(u, 10**6))]
        lines.append(f"（一）新完成事项。{since}以来新完成{len(change.newly_complete)}项：{'；'.join(parts)}。")
    else:
        lines.append(f"（一）新完成事项。{since}以来没有新完成的事项。")
    if change.no_longer_complete:
        lost = "、".join(f"{u}{i}" for u, i in change.no_longer_complete[:LISTED])
        more = f"等{len(change.no_longer_complete)}项" if len(change.no_longer_complete) > LISTED else ""
        lines.append(f"另有{lost}{more}由已完成变为未完成，请相关单位核实。")
    problems: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (code, unit), n in change.new_problems.items():
        problems[unit][RULES[code].title if code in RULES else code] += n
    if problems:
        ranked_units = sorted(problems, key=lambda u: (-sum(problems[u].values()), order.get(u, 10**6)))
        parts = [
            f"{u}{sum(problems[u].values())}条（" + "、".join(f"{t}{n}条" for t, n in problems[u].items()) + "）"
            for u in ranked_units
        ]
        lines.append(
            f"（二）新发现问题。{since}以来新发现问题{change.new_problem_count}条：{'；'.join(parts)}。"
            "具体问题见材料自查台账“问题清单”。"
        )
    else:
        lines.append(f"（二）新发现问题。{since}以来没有新发现的问题。")
    return lines


def _requirements(result: Result, leaders: Leaders, units: list[UnitProgress], templates: Templates) -> str:
    required = [u for u in units if u.required]
    complete = sum(u.complete for u in required)
    total = sum(u.required for u in required)
    score = leaders.score.overall
    deadline = result.project.config.deadline
    context = {
        "project": result.project.config.name,
        "today": cn_date(result.today),
        "deadline": cn_date(deadline) if deadline else "",
        "deadline_passed": bool(deadline and deadline < result.today),
        "rate": rate_text(complete / total if total else None),
        "counts": {
            "required": total,
            "complete": complete,
            "incomplete": total - complete,
            "overdue": sum(u.overdue for u in units),
            "errors": sum(u.errors for u in units),
            "warnings": sum(u.problems - u.errors for u in units),
        },
        "overdue_units": [u.name for u in units if u.overdue],
        "lagging_units": [u.name for u in required if u.rate is not None and u.rate < LAGGING],
        "done_units": [u.name for u in required if u.complete == u.required],
        "at_risk": f"{points(score.at_risk)}分" if score.scored and score.at_risk else "",
    }
    return templates.render_text(REQUIREMENTS, context)  # sandboxed and bounded, like every project template
