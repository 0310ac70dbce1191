"""out/工作进展通报.docx read back with python-docx (SPEC §9)."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from tests.leaders.test_leaders_history import improve
from tests.support.helpers import run
from tests.support.leaders_project import A, B, C, leaders_project

D1, D2 = "2026-06-26", "2026-07-03"  # a week apart; the deadline 2026-06-30 lies between


def texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def after(lines: list[str], heading: str) -> list[str]:
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i][:2] in ("二、", "三、", "四、", "五、")), len(lines))
    return lines[start:end]


def test_bulletin_ranks_units_and_reports_the_change(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    code, _, err = run(root, "build", today=D1)
    assert code == 0, err
    first = Document(str(root / "out" / "工作进展通报.docx"))
    assert "本次为首次通报" in "".join(texts(first))
    improve(root)
    code, _, err = run(root, "build", today=D2)
    assert code == 0, err
    doc = Document(str(root / "out" / "工作进展通报.docx"))
    lines = texts(doc)
    assert lines[0].replace("\n", "") == "关于测试市2026年创建全国文明城市材料自查工作进展情况的通报"
    assert doc.paragraphs[0].style.name == "Title"
    overall = "".join(after(lines, "一、总体情况"))
    assert "应报送佐证材料的事项共12项，已完成9项，未完成3项，完成率75.0%，较上周提高 16.7 个百分点" in overall
    assert "2026年6月26日以来新完成2项" in overall
    assert "已超过完成时限仍未完成的事项2项" in overall
    assert "基本指标分值合计27分，材料已落实24分（占88.9%）" in overall
    assert "加权得分" in overall

    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["序号", "单位", "应报", "已完成", "完成率", "未完成", "逾期", "问题", "较上次"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[1] for r in rows] == [A, C, B]  # 100%, 66.7%, 50%
    assert rows[0][2:9] == ["5", "5", "100.0%", "0", "0", "1", "持平"]
    assert rows[1][2:7] == ["3", "2", "66.7%", "1", "1"] and rows[1][8] == "+33.3"
    assert rows[2][2:7] == ["4", "2", "50.0%", "2", "1"] and rows[2][8] == "+25.0"

    overdue = "".join(after(lines, "三、逾期事项"))
    assert "共有2个单位的2项事项已超过完成时限仍未完成" in overdue
    assert f"{B}（1项）：特2 测评内容特2（完成时限2026年6月30日）" in overdue
    assert f"{C}（1项）：负1 测评内容负1" in overdue
    assert "1.3" not in overdue  # waived: not overdue

    news = "".join(after(lines, "四、新完成事项和新发现问题"))
    assert f"新完成2项：{B}1项（1.2 测评内容1.2）；{C}1项（2.2 测评内容2.2）" in news
    assert f"{C}2条（" in news and "文件加密1条" in news and "已超过完成时限" in news

    steps = "".join(after(lines, "五、下步要求"))
    assert f"{B}、{C}要于一周内补齐已逾期事项的材料" in steps
    assert lines[-1] == "2026年7月3日"


def test_next_steps_template_is_editable_and_sandboxed(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    (root / "templates").mkdir()
    own = root / "templates" / "工作进展通报下步要求.j2"
    own.write_text("请{{ overdue_units | join('、') or '各单位' }}于{{ today }}后三日内报告。\n", encoding="utf-8")
    code, _, err = run(root, "build", today=D2)
    assert code == 0, err
    lines = texts(Document(str(root / "out" / "工作进展通报.docx")))
    assert "请乙单位、丙单位于2026年7月3日后三日内报告。" in lines

    own.write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8")
    before = (root / "out" / "工作进展通报.docx").read_bytes()
    code, out, err = run(root, "build", today=D2)
    assert code == 2
    assert "templates/工作进展通报下步要求.j2" in err and "内部错误" not in err
    assert (root / "out" / "工作进展通报.docx").read_bytes() == before  # nothing written

    own.write_text("{% if %}\n", encoding="utf-8")
    code, out, err = run(root, "build", today=D2)
    assert code == 2 and "语法有误" in err
