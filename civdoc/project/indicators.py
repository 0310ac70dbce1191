"""Indicator files (indicators/*.yaml): 测评项目 -> 测评内容 -> 测评标准, with the 佐证材料 each needs."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from civdoc.project.config import DateRange, Strict, invalid

MATERIAL_METHODS = {"材料审核", "网上申报"}
DEFAULT_METHOD = "材料审核"
KNOWN_METHODS = (
    "材料审核",
    "网上申报",
    "实地考察",
    "问卷调查",
    "听取汇报",
    "网络调查",
    "网络（电话、媒体）调查",
    "整体观察",
    "主管部门提供意见",
)


def method_list(value: object) -> object:
    """测评方法: one name or a list of them, as a list."""
    return [value] if isinstance(value, str) else value


DOCUMENT_TYPES = ["pdf", "ofd", "doc", "docx", "wps", "jpg", "jpeg", "png"]
KIND_TYPES: dict[str, list[str]] = {
    "正式发文": DOCUMENT_TYPES,
    "会议纪要": DOCUMENT_TYPES,
    "说明报告": DOCUMENT_TYPES,
    # offices keep their 台账 in Excel as often as in Word: SPEC's list lacks the spreadsheet types
    "工作台账": DOCUMENT_TYPES + ["xlsx", "xls", "et"],
    "荣誉证书": DOCUMENT_TYPES,
    "实景图片": ["jpg", "jpeg", "png"],
    "统计表格": ["xlsx", "xls", "et", "pdf"],
    "媒体报道": ["pdf", "ofd", "jpg", "jpeg", "png", "docx"],
    "音像资料": ["mp4", "mov", "avi", "mp3", "wav"],
}


def all_types(kinds: dict[str, list[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for types in kinds.values():
        seen.update(dict.fromkeys(types))
    return list(seen)


def clean_types(types: list[str]) -> list[str]:
    return [t.strip().lower().lstrip(".") for t in types]


class Standard(Strict):
    text: str = Field(min_length=1)
    method: list[str] | None = None

    @field_validator("method", mode="before")
    @classmethod
    def _methods(cls, value: object) -> object:
        return method_list(value)


class ListSource(Strict):
    """Where an indicator was read from in the office's 任务清单 (written by civdoc init/import)."""

    file: str
    sheet: str | None = None
    rows: str | None = None


class Requirement(Strict):
    name: str = Field(min_length=1)
    kind: str | None = None
    min: int = 1
    match: list[str] | None = None
    types: list[str] | None = None
    units: list[str] | None = None
    min_pixels: str | None = None

    @field_validator("min")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise invalid("min 不能小于 0：必须报送的材料写 1 或更多，可选材料写 0。")
        return value

    @property
    def optional(self) -> bool:
        return self.min == 0

    @field_validator("match", "types", "units", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("types")
    @classmethod
    def _types(cls, value: list[str] | None) -> list[str] | None:
        return clean_types(value) if value is not None else None

    @field_validator("min_pixels")
    @classmethod
    def _pixels(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\s*\d+\s*[xX×*]\s*\d+\s*", value):
            raise invalid(f"min_pixels 应写成“宽x高”，例如 1280x720，而不是“{value}”。")
        return value

    @property
    def keywords(self) -> list[str]:
        return self.match if self.match else [self.name]

    @property
    def pixels(self) -> tuple[int, int] | None:
        if not self.min_pixels:
            return None
        w, h = re.split(r"[xX×*]", self.min_pixels.strip())
        return int(w), int(h)


class Indicator(Strict):
    id: str = Field(min_length=1)
    content: str = Field(min_length=1)
    standards: list[Standard] = []
    method: list[str] | None = None
    score: float | None = None
    category: Literal["基本指标", "特色指标", "负面清单"] = "基本指标"
    system: str | None = None  # 测评体系 (SPEC §9); None: the file's, else 全国文明城市
    group: str | None = None
    source: ListSource | None = None
    lead: str | None = None
    units: list[str] = []
    deadline: date | None = None
    window: DateRange | None = None
    requirements: list[Requirement] = []

    @field_validator("standards", mode="before")
    @classmethod
    def _standards(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [{"text": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("units", mode="before")
    @classmethod
    def _units(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("method", mode="before")
    @classmethod
    def _methods(cls, value: object) -> object:
        return method_list(value)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if re.search(r"\s|/", value):
            raise invalid(f"指标编号“{value}”不能包含空格或“/”。")
        return value

    @model_validator(mode="after")
    def _distinct_requirements(self) -> Indicator:
        names = [r.name for r in self.requirements]
        if len(set(names)) != len(names):
            raise invalid("同一指标下的佐证材料名称重复，请为每项材料起不同的名称。")
        return self

    @property
    def own_methods(self) -> list[str]:
        """The indicator's own 测评方法; 材料审核 when neither it nor any standard names one."""
        if self.method:
            return list(self.method)
        return [] if any(s.method for s in self.standards) else [DEFAULT_METHOD]

    @property
    def methods(self) -> list[str]:
        """The indicator's methods, and those its standards add (SPEC §2)."""
        named = list(self.own_methods)
        for s in self.standards:
            named += s.method or []
        return list(dict.fromkeys(named))

    @property
    def needs_material(self) -> bool:
        return bool(self.requirements) or bool(MATERIAL_METHODS & set(self.methods))

    @property
    def responsible(self) -> list[str]:
        units = list(self.units)
        if self.lead and self.lead not in units:
            units.insert(0, self.lead)
        return units


class IndicatorFile(Strict):
    aspect: str = Field(min_length=1)
    order: int | None = None
    system: str | None = None  # 测评体系 of every indicator in the file that names none
    indicators: list[Indicator] = Field(min_length=1)
