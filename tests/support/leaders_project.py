"""A project for the leaders' outputs (SPEC §9): three units, two 测评体系 with weights, 基本指标 complete,
incomplete, waived, with an error and assessed on site, one without 分值, 特色指标 and 负面清单.

Expected score (see test_leaders_score.py): 全国文明城市 possible 10, secured 6, at risk 3, on site 1,
bonus 2 of 3, deduction 5 of 8, one unscored; 未成年人思想道德建设 possible 17, secured 10, at risk 7.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.helpers import encrypted_pdf, make_project, pdf

A, B, C = "甲单位", "乙单位", "丙单位"
NATIONAL, MINORS = "全国文明城市", "未成年人思想道德建设"


def plan(ident: str, unit: str, score: float | None = None, category: str | None = None, **more: Any) -> dict[str, Any]:
    ind: dict[str, Any] = {
        "id": ident,
        "content": f"测评内容{ident}",
        "lead": unit,
        "requirements": [{"name": "工作方案", "kind": "正式发文", "match": ["方案"]}],
    }
    if score is not None:
        ind["score"] = score
    if category:
        ind["category"] = category
    ind.update(more)
    return ind


CONFIG: dict[str, Any] = {
    "name": "测试市2026年创建全国文明城市材料自查",
    "period": {"start": "2026-01-01", "end": "2026-12-31"},
    "deadline": "2026-06-30",
    "units": [{"name": A}, {"name": B}, {"name": C}],
    "systems": {NATIONAL: 0.7, MINORS: 0.3},
    "waivers": [{"code": "C203", "unit": B, "indicator": "1.3", "reason": "该项由市级统一报送"}],
}

INDICATORS: dict[str, Any] = {
    "01-思想道德建设.yaml": {
        "aspect": "思想道德建设",
        "order": 1,
        "indicators": [
            plan("1.1", A, 4),  # complete: secured 4
            plan("1.2", A, 3, units=[B]),  # 甲 complete, 乙 missing: at risk 3
            plan("1.3", B, 2),  # missing but waived: secured 2
            {"id": "1.4", "content": "公共秩序", "method": "实地考察", "score": 1, "lead": A},  # on site: 1
            plan("1.5", C),  # complete, no 分值: counted, not guessed
            plan("特1", A, 2, "特色指标"),  # complete: bonus 2
            plan("特2", B, 1, "特色指标"),  # missing: no bonus
            plan("负1", C, -5, "负面清单"),  # not disproven: deduction 5
            plan("负2", A, 3, "负面清单"),  # disproven: no deduction
        ],
    },
    "02-未成年人.yaml": {
        "aspect": "未成年人思想道德建设",
        "order": 2,
        "system": MINORS,
        "indicators": [
            plan("2.1", B, 10),  # complete: secured 10
            plan("2.2", C, 5),  # missing: at risk 5
            plan("2.3", A, 2),  # complete, but an encrypted file: at risk 2
        ],
    },
}


def folder(unit: str, ident: str) -> str:
    return f"evidence/{unit}/{ident} 测评内容{ident}"


def files(complete: list[tuple[str, str]]) -> dict[str, Any]:
    made: dict[str, Any] = {}
    for unit in (A, B, C):
        made[f"evidence/{unit}/"] = None
    for unit, ident in complete:
        made[f"{folder(unit, ident)}/2026-03-01 工作方案.pdf"] = pdf
    return made


COMPLETE = [(A, "1.1"), (A, "1.2"), (C, "1.5"), (A, "特1"), (A, "负2"), (B, "2.1"), (A, "2.3")]


def leaders_project(
    tmp_path: Path,
    complete: list[tuple[str, str]] | None = None,
    config: dict[str, Any] | None = None,
    indicators: dict[str, Any] | None = None,
) -> Path:
    evidence = files(COMPLETE if complete is None else complete)
    evidence[f"{folder(A, '2.3')}/2026-03-02 工作方案（加密）.pdf"] = encrypted_pdf
    evidence[f"{folder(B, '1.3')}/"] = None  # an empty folder: C203, which the waiver covers
    return make_project(tmp_path, config=config or CONFIG, indicators=indicators or INDICATORS, files=evidence)
