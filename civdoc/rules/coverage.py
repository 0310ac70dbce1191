"""C2xx: does every responsible unit supply every required material, in the required number?"""

from __future__ import annotations

from civdoc.findings import finding
from civdoc.model import Finding, RequirementStatus
from civdoc.project.indicators import Indicator


def _rename(misnamed: str | None, unit: str) -> str:
    return f"，或把“{misnamed}”文件夹改名为“{unit}”" if misnamed else ""


def unit_folder_missing(unit: str, indicators: list[str], layout: str, misnamed: str | None = None) -> Finding:
    """misnamed: a folder that was evidently meant as this unit's (P501)."""
    where = f"evidence/{unit}/" if layout == "unit/indicator" else f"各指标文件夹下的“{unit}”文件夹"
    shown = "、".join(indicators[:6]) + ("等" if len(indicators) > 6 else "")
    return finding(
        "C201",
        f"{unit}没有报送任何材料：找不到 {where}。该单位应报送 {len(indicators)} 个指标"
        f"（{shown}）。请新建文件夹并放入材料{_rename(misnamed, unit)}。",
        unit=unit,
    )


def indicator_folder_missing(unit: str, indicator: Indicator, layout: str, misnamed: str | None = None) -> Finding:
    if layout == "unit/indicator":
        hint = f"请在 evidence/{unit}/ 下新建“{indicator.id} {indicator.content}”文件夹并放入材料。"
    else:
        hint = f"请在指标 {indicator.id} 的文件夹下新建“{unit}”文件夹并放入材料{_rename(misnamed, unit)}。"
    return finding(
        "C202", f"缺少指标 {indicator.id}（{indicator.content}）的文件夹。{hint}", unit=unit, indicator=indicator.id
    )


def requirement_gap(unit: str, indicator: Indicator, status: RequirementStatus) -> Finding | None:
    if status.found >= status.min:
        return None
    unusable = len(status.files) - status.found
    note = f"另有 {unusable} 份不可用，见该文件的其他问题。" if unusable else ""
    if status.found == 0:
        return finding(
            "C203",
            f"缺少“{status.name}”（至少 {status.min} 份），目前没有可用的文件。{note}"
            f"请补报，并在文件名中写明“{status.name}”。",
            unit=unit,
            indicator=indicator.id,
            requirement=status.name,
        )
    return finding(
        "C204",
        f"“{status.name}”只有 {status.found} 份可用，要求至少 {status.min} 份，还差 "
        f"{status.min - status.found} 份。{note}请补足。",
        unit=unit,
        indicator=indicator.id,
        requirement=status.name,
    )
