"""Score arithmetic (SPEC §9) on a project with every kind of indicator, two weighted 测评体系."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.helpers import report, run, write_yaml
from tests.support.leaders_project import CONFIG, INDICATORS, MINORS, NATIONAL, A, B, C, leaders_project


def by_name(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in rows if r["name"] == name)


def picked(tally: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: tally[k] for k in keys}


KEYS = (
    "possible",
    "secured",
    "at_risk",
    "unassessed",
    "bonus",
    "bonus_possible",
    "deduction",
    "deduction_possible",
    "unscored",
)


def test_score_per_system_unit_aspect_and_weighted(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    score = report(root, today="2026-05-01")["score"]
    assert score["scored"] is True
    national = by_name(score["by_system"], NATIONAL)
    assert picked(national, *KEYS) == {
        "possible": 10,
        "secured": 6,
        "at_risk": 3,
        "unassessed": 1,
        "bonus": 2,
        "bonus_possible": 3,
        "deduction": 5,
        "deduction_possible": 8,
        "unscored": 1,
    }
    assert national["weight"] == 0.7 and national["net"] == 3  # 6 + 2 - 5
    minors = by_name(score["by_system"], MINORS)
    assert picked(minors, "possible", "secured", "at_risk", "bonus", "deduction") == {
        "possible": 17,
        "secured": 10,
        "at_risk": 7,
        "bonus": 0,
        "deduction": 0,
    }
    overall = score["overall"]
    assert picked(overall, "possible", "secured", "at_risk", "unassessed", "bonus", "deduction", "net", "unscored") == {
        "possible": 27,
        "secured": 16,
        "at_risk": 10,
        "unassessed": 1,
        "bonus": 2,
        "deduction": 5,
        "net": 13,
        "unscored": 1,
    }
    assert overall["indicators"] == 12
    weighted = score["weighted"]
    assert weighted["possible"] == 12.1  # 0.7 × 10 + 0.3 × 17
    assert weighted["net"] == 5.1  # 0.7 × 3 + 0.3 × 10
    assert weighted["secured"] == 7.2 and weighted["at_risk"] == 4.2
    # the aspects are the two files
    assert picked(by_name(score["by_aspect"], "思想道德建设"), *KEYS) == picked(national, *KEYS)
    assert by_name(score["by_aspect"], "未成年人思想道德建设")["at_risk"] == 7
    # per unit: the unit's own item decides
    assert picked(
        by_name(score["by_unit"], A),
        "possible",
        "secured",
        "at_risk",
        "unassessed",
        "bonus",
        "deduction",
        "deduction_possible",
    ) == {
        "possible": 10,
        "secured": 7,
        "at_risk": 2,
        "unassessed": 1,
        "bonus": 2,
        "deduction": 0,
        "deduction_possible": 3,
    }
    assert picked(by_name(score["by_unit"], B), "possible", "secured", "at_risk", "bonus_possible") == {
        "possible": 15,
        "secured": 12,
        "at_risk": 3,
        "bonus_possible": 1,
    }
    assert picked(by_name(score["by_unit"], C), "possible", "at_risk", "deduction", "unscored") == {
        "possible": 5,
        "at_risk": 5,
        "deduction": 5,
        "unscored": 1,
    }


def test_weights_normalised_and_absent(tmp_path: Path) -> None:
    root = leaders_project(tmp_path, config={**CONFIG, "systems": {NATIONAL: 70, MINORS: 30}})
    assert report(root, today="2026-05-01")["score"]["weighted"]["net"] == 5.1
    root = leaders_project(tmp_path, config={k: v for k, v in CONFIG.items() if k != "systems"})
    score = report(root, today="2026-05-01")["score"]
    assert score["weighted"] is None  # two systems without weights: no total is made up
    assert by_name(score["by_system"], MINORS)["weight"] is None


def test_check_summary_shows_the_score(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    code, out, _ = run(root, "check", today="2026-05-01")
    assert code == 1
    assert "基本指标分值合计 27 分，已落实 16 分（59.3%），有风险 10 分" in out
    assert "特色指标可加 3 分，已落实 2 分" in out and "负面清单尚未排除的扣分 5 分（共 8 分）" in out
    assert "另有 1 项指标未设分值" in out
    assert "加权得分 5.1 分（满分 12.1 分）" in out


def test_no_score_anywhere(tmp_path: Path) -> None:
    def unscored(data: Any) -> Any:
        if isinstance(data, dict):
            return {k: unscored(v) for k, v in data.items() if k != "score"}
        if isinstance(data, list):
            return [unscored(v) for v in data]
        return data

    root = leaders_project(tmp_path, indicators=unscored(INDICATORS))
    score = report(root, today="2026-05-01")["score"]
    assert score["scored"] is False
    assert score["overall"]["possible"] == 0 and score["overall"]["rate"] is None
    assert score["overall"]["unscored"] == 12
    code, out, err = run(root, "check", today="2026-05-01")
    assert "指标均未设分值（score），无法测算得分" in out
    code, out, err = run(root, "build", today="2026-05-01")
    assert code == 0, err
    import openpyxl
    from docx import Document

    assert '"score":null' in (root / "out" / "index.html").read_text(encoding="utf-8")  # the page says 未设分值
    bulletin = "".join(p.text for p in Document(str(root / "out" / "工作进展通报.docx")).paragraphs)
    assert "分值" not in bulletin.split("二、")[0]
    dossier = "".join(p.text for p in Document(str(root / "out" / "材料自查台账.docx")).paragraphs)
    assert "各项指标均未设分值，暂不测算得分。" in dossier
    ws = openpyxl.load_workbook(root / "out" / "材料自查台账.xlsx")["汇总"]
    assert "各项指标均未设分值，不测算得分。" in [c.value for row in ws.iter_rows() for c in row]


def test_unknown_system_and_bad_weight_are_definition_errors(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    data = dict(INDICATORS["02-未成年人.yaml"], system="未成年人思想道德建")
    write_yaml(root / "indicators" / "02-未成年人.yaml", data)
    code, out, err = run(root, "check", today="2026-05-01")
    assert code == 2
    assert "D105" in err and "02-未成年人.yaml" in err and "您是否想写“未成年人思想道德建设”" in err
    write_yaml(root / "indicators" / "02-未成年人.yaml", INDICATORS["02-未成年人.yaml"])
    write_yaml(root / "civdoc.yaml", {**CONFIG, "systems": {NATIONAL: 0, MINORS: 0.3}})
    code, out, err = run(root, "check", today="2026-05-01")
    assert code == 2 and "权重应大于 0" in err


def test_score_in_the_ledgers(tmp_path: Path) -> None:
    import openpyxl
    from docx import Document

    root = leaders_project(tmp_path)
    code, _, err = run(root, "build", today="2026-05-01")
    assert code == 0, err
    ws = openpyxl.load_workbook(root / "out" / "材料自查台账.xlsx")["汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    top = next(i for i, r in enumerate(rows) if r[0] == "三、分值测算")
    assert rows[top + 1][:8] == [
        "测评项目",
        "分值合计",
        "已落实",
        "有风险",
        "不报材料",
        "特色加分",
        "负面扣分",
        "未设分值",
    ]
    table = {r[0]: r[1:8] for r in rows[top + 2 :] if r[0]}
    assert table["思想道德建设"] == [10, 6, 3, 1, 2, 5, 1]
    assert table["合计"] == [27, 16, 10, 1, 2, 5, 1]
    assert table[f"{NATIONAL}（权重0.7）"][:3] == [10, 6, 3]
    assert table["加权得分"][:3] == [12.1, 5.1, 4.2]  # possible, net, at risk
    text = "".join(p.text for p in Document(str(root / "out" / "材料自查台账.docx")).paragraphs)
    assert "按指标分值测算，基本指标分值合计27分，材料已落实16分（占59.3%），有失分风险的10分" in text
    assert (
        "特色指标可加3分，已落实2分；负面清单尚未排除的扣分5分；按同创同测权重折算，加权得分5.1分（满分12.1分）"
    ) in text
    unit = "".join(p.text for p in Document(str(root / "out" / "分单位台账" / f"{A}.docx")).paragraphs)
    assert "基本指标分值合计10分，材料已落实7分（占70.0%），有失分风险的2分" in unit


def test_indicator_system_overrides_the_files(tmp_path: Path) -> None:
    import copy

    indicators = copy.deepcopy(INDICATORS)
    indicators["02-未成年人.yaml"]["indicators"][2]["system"] = NATIONAL  # 2.3: 2 points at risk
    root = leaders_project(tmp_path, indicators=indicators)
    score = report(root, today="2026-05-01")["score"]
    assert picked(by_name(score["by_system"], NATIONAL), "possible", "at_risk") == {"possible": 12, "at_risk": 5}
    assert picked(by_name(score["by_system"], MINORS), "possible", "at_risk") == {"possible": 15, "at_risk": 5}
