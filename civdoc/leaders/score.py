"""The score at stake (SPEC §9): a pure computation over a check's result.

An indicator is 已落实 when every item of it that needs material is complete with no unwaived error,
else 有风险; a gap a waiver accepts (由市级统一报送 …) puts no points at risk. An indicator none of whose
items needs material (实地考察, 问卷调查 …) is 不报材料: documents neither secure nor lose its points.
Per unit, the unit's own item decides. 基本指标 give 分值合计 / 已落实 / 有风险; 特色指标 are a bonus
claimed when 已落实; 负面清单 are a deduction until the material that disproves them is complete.
Indicators without 分值 are counted, never given a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from civdoc.project.load import DEFAULT_SYSTEM

if TYPE_CHECKING:
    from civdoc.check.evaluate import Result
    from civdoc.model import Item
    from civdoc.project.indicators import Indicator

SECURED, AT_RISK, UNASSESSED = "secured", "at_risk", "unassessed"


@dataclass
class Tally:
    possible: float = 0  # 基本指标: 分值合计
    secured: float = 0  # 已落实
    at_risk: float = 0  # 有风险
    unassessed: float = 0  # 不报材料: assessed on site, outside what documents can show
    bonus: float = 0  # 特色指标 claimed (已落实)
    bonus_possible: float = 0
    deduction: float = 0  # 负面清单 not yet disproven
    deduction_possible: float = 0
    indicators: int = 0
    secured_indicators: int = 0
    at_risk_indicators: int = 0
    unscored: int = 0  # indicators without 分值: counted, not guessed

    def add(self, ind: Indicator, state: str) -> None:
        self.indicators += 1
        self.secured_indicators += state == SECURED
        self.at_risk_indicators += state == AT_RISK
        if ind.score is None:
            self.unscored += 1
            return
        points = abs(ind.score)
        if ind.category == "特色指标":
            self.bonus_possible += points
            self.bonus += points if state == SECURED else 0
        elif ind.category == "负面清单":
            self.deduction_possible += points
            self.deduction += points if state == AT_RISK else 0
        else:
            self.possible += points
            if state == SECURED:
                self.secured += points
            elif state == AT_RISK:
                self.at_risk += points
            else:
                self.unassessed += points

    @property
    def scored(self) -> bool:
        return self.indicators > self.unscored

    @property
    def net(self) -> float:
        """已落实 with the bonus claimed and the deductions still open."""
        return self.secured + self.bonus - self.deduction

    @property
    def rate(self) -> float | None:
        return self.secured / self.possible if self.possible else None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: number(getattr(self, f.name)) for f in fields(self)}
        data["net"] = number(self.net)
        data["rate"] = round(self.rate, 4) if self.rate is not None else None
        return data


@dataclass
class Weighted:
    """同创同测: the systems' figures combined by their weights (normalised, so 0.7/0.2/0.1 and 70/20/10 agree)."""

    weights: dict[str, float]
    possible: float
    secured: float
    at_risk: float
    net: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "weights": self.weights,
            "possible": number(self.possible),
            "secured": number(self.secured),
            "at_risk": number(self.at_risk),
            "net": number(self.net),
            "rate": round(self.secured / self.possible, 4) if self.possible else None,
        }


@dataclass
class Score:
    overall: Tally
    by_aspect: dict[str, Tally]
    by_unit: dict[str, Tally]
    by_system: dict[str, Tally]
    weights: dict[str, float]
    weighted: Weighted | None

    @property
    def scored(self) -> bool:
        return self.overall.scored

    def to_dict(self) -> dict[str, Any]:
        return {
            "scored": self.scored,
            "overall": self.overall.to_dict(),
            "by_aspect": [{"name": n, **t.to_dict()} for n, t in self.by_aspect.items()],
            "by_unit": [{"name": n, **t.to_dict()} for n, t in self.by_unit.items()],
            "by_system": [{"name": n, "weight": self.weights.get(n), **t.to_dict()} for n, t in self.by_system.items()],
            "weighted": self.weighted.to_dict() if self.weighted else None,
        }


def number(value: float) -> float | int:
    """Sums of 0.5-point scores drift (0.1 + 0.2); two decimals, and whole numbers as integers."""
    value = round(value, 2)
    return int(value) if value == int(value) else value


def points(value: float) -> str:
    """12 -> "12", 12.5 -> "12.5": 分值 as an office writes them."""
    return f"{number(value)}"


def system_of(ind: Indicator) -> str:
    return ind.system or DEFAULT_SYSTEM


@dataclass(frozen=True)
class Judged:
    """What decides whether an item secures its points: its unwaived errors, and the gaps a waiver accepts."""

    errored: frozenset[tuple[str, str]]  # (unit, indicator); (unit, "") for an error on the unit as a whole
    waived_gaps: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, result: Result) -> Judged:
        errored = {(f.unit or "", f.indicator or "") for f in result.findings if f.severity == "error" and not f.waived}
        waived = {(f.unit or "", f.indicator or "") for f in result.findings if f.code.startswith("C") and f.waived}
        return cls(frozenset(errored), frozenset(waived))

    def ok(self, item: Item) -> bool:
        """Complete, or incomplete only where a waiver accepted it (由市级统一报送 …); no unwaived error on
        the item or on its unit."""
        if (item.unit, item.indicator) in self.errored or (item.unit, "") in self.errored:
            return False
        return (
            item.status == "complete"
            or (item.unit, item.indicator) in self.waived_gaps
            or (item.unit, "") in self.waived_gaps
        )


def compute(result: Result) -> Score:
    project = result.project
    judged = Judged.of(result)
    items_of: dict[str, list[Item]] = {}
    for item in result.items:
        items_of.setdefault(item.indicator, []).append(item)
    overall = Tally()
    by_aspect: dict[str, Tally] = {}
    by_system: dict[str, Tally] = {}
    by_unit: dict[str, Tally] = {u: Tally() for u in project.unit_names if any(i.unit == u for i in result.items)}
    weights = dict(project.config.systems)
    for name in weights:
        by_system[name] = Tally()
    for aspect in project.aspects:
        for ind in aspect.indicators:
            items = items_of.get(ind.id)
            if not items:  # outside --unit / --indicator
                continue
            state = indicator_state(items, judged)
            for tally in (
                overall,
                by_aspect.setdefault(aspect.name, Tally()),
                by_system.setdefault(system_of(ind), Tally()),
            ):
                tally.add(ind, state)
            for item in items:
                by_unit[item.unit].add(ind, item_state(item, judged))
    return Score(overall, by_aspect, by_unit, by_system, weights, _weighted(by_system, weights))


def item_state(item: Item, judged: Judged) -> str:
    """indicator_state([item], judged), without the lists: this runs once per item."""
    if item.status == "not_required":
        return UNASSESSED
    return SECURED if judged.ok(item) else AT_RISK


def indicator_state(items: Iterable[Item], judged: Judged) -> str:
    material = [i for i in items if i.status != "not_required"]
    if not material:
        return UNASSESSED
    return SECURED if all(judged.ok(i) for i in material) else AT_RISK


def _weighted(by_system: dict[str, Tally], weights: dict[str, float]) -> Weighted | None:
    """None without weights: several systems summed unweighted would be no honest total."""
    used = {name: weights[name] for name, t in by_system.items() if t.indicators and name in weights}
    total = sum(used.values())
    if not total:
        return None

    def combine(attr: str) -> float:
        return sum(w * getattr(by_system[name], attr) for name, w in used.items()) / total

    return Weighted(dict(weights), combine("possible"), combine("secured"), combine("at_risk"), combine("net"))


def summary_lines(score: Score) -> list[str]:
    """The score in a few sentences, for the terminal and the Word 基本情况."""
    t = score.overall
    if not t.indicators:
        return []
    if not t.scored:
        return [
            f"分值测算：指标均未设分值（score），无法测算得分。共 {t.indicators} 项指标，"
            f"已落实 {t.secured_indicators} 项，有风险 {t.at_risk_indicators} 项。"
        ]
    line = f"分值测算：基本指标分值合计 {points(t.possible)} 分，已落实 {points(t.secured)} 分"
    if t.rate is not None:
        line += f"（{t.rate * 100:.1f}%）"
    line += f"，有风险 {points(t.at_risk)} 分"
    if t.unassessed:
        line += f"，以实地考察等方式测评、不报材料 {points(t.unassessed)} 分"
    parts = [line]
    if t.bonus_possible:
        parts.append(f"特色指标可加 {points(t.bonus_possible)} 分，已落实 {points(t.bonus)} 分")
    if t.deduction_possible:
        parts.append(f"负面清单尚未排除的扣分 {points(t.deduction)} 分（共 {points(t.deduction_possible)} 分）")
    if t.unscored:
        parts.append(f"另有 {t.unscored} 项指标未设分值，未计入")
    lines = ["；".join(parts) + "。"]
    if len([s for s in score.by_system.values() if s.indicators]) > 1 or score.weighted:
        systems = []
        for name, s in score.by_system.items():
            if not s.indicators:
                continue
            weight = score.weights.get(name)
            shown = f"（权重 {number(weight)}）" if weight is not None else ""
            systems.append(f"{name}{shown}已落实 {points(s.net)}/{points(s.possible)} 分")
        line = "同创同测：" + "；".join(systems)
        if score.weighted:
            line += f"；加权得分 {points(score.weighted.net)} 分（满分 {points(score.weighted.possible)} 分）"
        else:
            line += "（civdoc.yaml 未设 systems 权重，不计加权得分）"
        lines.append(line + "。")
    return lines


def template_facts(score: Score) -> dict[str, Any]:
    """The score for text templates (基本情况.j2): figures as an office writes them ("45.5", "60.7%")."""
    t = score.overall
    weighted = score.weighted
    return {
        "indicators": t.indicators,
        "scored": t.scored,
        "unscored": t.unscored,
        "possible": points(t.possible),
        "secured": points(t.secured),
        "at_risk": points(t.at_risk),
        "unassessed": points(t.unassessed) if t.unassessed else "",
        "rate": f"{t.rate * 100:.1f}%" if t.rate is not None else "—",
        "bonus": points(t.bonus),
        "bonus_possible": points(t.bonus_possible) if t.bonus_possible else "",
        "deduction": points(t.deduction),
        "deduction_possible": points(t.deduction_possible) if t.deduction_possible else "",
        "weighted": points(weighted.net) if weighted else "",
        "weighted_possible": points(weighted.possible) if weighted else "",
    }
