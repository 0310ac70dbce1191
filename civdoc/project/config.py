"""civdoc.yaml: the project's settings, as pydantic models."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

DEFAULT_STAGES = ["初审", "复审", "终审"]
Severity = Literal["error", "warning", "info", "off"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # .nan/.inf are no sizes or scores


def invalid(message: str) -> PydanticCustomError:
    """A value that is well-typed but wrong: reported as D105."""
    return PydanticCustomError("civdoc_invalid", message)


class DateRange(Strict):
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end < self.start:
            raise invalid(f"结束日期 {self.end} 早于开始日期 {self.start}，请检查是否写反。")
        return self


class Unit(Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    contact: str | None = None

    @field_validator("name")
    @classmethod
    def _file_name(cls, name: str) -> str:
        from civdoc.safe.paths import name_problem

        problem = name_problem(name)
        if problem:
            raise invalid(f"单位名称“{_shown(name)}”不可用：{problem}")
        return name

    @field_validator("aliases")
    @classmethod
    def _alias_file_names(cls, aliases: list[str]) -> list[str]:
        from civdoc.safe.paths import name_problem

        for alias in aliases:
            problem = name_problem(alias)
            if problem:
                raise invalid(f"简称“{_shown(alias)}”不可用：{problem}")
        return aliases


def _shown(text: str) -> str:
    from civdoc.safe.paths import shown

    return shown(text)


class ReviewSettings(Strict):
    stages: list[str] = Field(default_factory=lambda: list(DEFAULT_STAGES), min_length=1)
    allow_self_review: bool = False

    @field_validator("stages")
    @classmethod
    def _distinct(cls, stages: list[str]) -> list[str]:
        if len(set(stages)) != len(stages):
            raise invalid("审核阶段名称重复，请让每个阶段的名称各不相同。")
        return stages


class Limits(Strict):
    max_file_mb: float = 50

    @field_validator("max_file_mb")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise invalid("max_file_mb 必须大于 0。")
        return value


class Waiver(Strict):
    code: str
    unit: str | None = None
    indicator: str | None = None
    path: str | None = None  # optional: a path under evidence/ (prefix) the waiver is limited to
    reason: str = Field(min_length=1)
    until: date | None = None


class Config(Strict):
    name: str = Field(min_length=1)
    period: DateRange
    deadline: date | None = None
    layout: Literal["unit/indicator", "indicator/unit"] = "unit/indicator"
    units: list[Unit] = Field(min_length=1)
    review: ReviewSettings = ReviewSettings()
    limits: Limits = Limits()
    kinds: dict[str, list[str]] = {}
    rules: dict[str, Severity] = {}
    waivers: list[Waiver] = []
    systems: dict[str, float] = {}  # 同创同测 (SPEC §9): weight of each 测评体系 in the weighted total
    methods: list[str] = []  # 测评方法 beyond the known ones (methods.py)
    office: str | None = None  # the compiling office, for the dossier's 落款; else the unit that is the 文明办

    @field_validator("systems")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for name, weight in value.items():
            if weight <= 0:
                raise invalid(f"测评体系“{name}”的权重应大于 0，而不是 {weight}。")
        return value

    @field_validator("rules", mode="before")
    @classmethod
    def _off(cls, value: object) -> object:
        # YAML 1.1 reads a bare `off` as false
        if isinstance(value, dict):
            return {k: ("off" if v is False else v) for k, v in value.items()}
        return value
