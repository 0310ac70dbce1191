"""Load a whole project: civdoc.yaml + indicators/*.yaml, every D1xx problem gathered before stopping."""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civdoc.errors import DefinitionErrors, DefinitionProblem, ProjectNotFound
from civdoc.findings import RULES
from civdoc.project.config import Config, Unit
from civdoc.project.indicators import KIND_TYPES, Indicator, IndicatorFile, Requirement, all_types, clean_types
from civdoc.project.methods import method_problems
from civdoc.project.names import norm
from civdoc.project.validation import validate
from civdoc.project.yamlsrc import Source, dotted, load_yaml
from civdoc.store.codehash import code_digest

if TYPE_CHECKING:
    from civdoc.store.cache import Cache

CONFIG_NAME = "civdoc.yaml"
DEFAULT_SYSTEM = "全国文明城市"  # SPEC §9: the 测评体系 of an indicator that names none
CONTROL_PROBLEM = "文字中有不能显示"  # yamlsrc's D105 on a character no ledger can hold
IMPLICIT_REQUIREMENT = "佐证材料"


@dataclass
class Aspect:
    """A 测评项目: one indicator file."""

    name: str
    order: int | None
    file: str
    indicators: list[Indicator]


@dataclass
class Project:
    root: Path
    config: Config
    aspects: list[Aspect]
    kinds: dict[str, list[str]]
    indicators: dict[str, Indicator] = field(default_factory=dict)
    aspect_of: dict[str, Aspect] = field(default_factory=dict)
    units_by_name: dict[str, str] = field(default_factory=dict)  # normalised name or alias -> unit name

    def __post_init__(self) -> None:
        for aspect in self.aspects:
            for ind in aspect.indicators:
                self.indicators[ind.id] = ind
                self.aspect_of[ind.id] = aspect
        self.units_by_name = unit_lookup(self.config.units)

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"

    @property
    def unit_names(self) -> list[str]:
        return [u.name for u in self.config.units]

    def unit(self, name: str) -> str | None:
        """The canonical name of a unit given its name or an alias."""
        return self.units_by_name.get(norm(name))

    def unit_info(self, name: str) -> Unit:
        return next(u for u in self.config.units if u.name == name)

    def indicator(self, ident: str) -> Indicator | None:
        wanted = norm(ident)
        return next((i for i in self.indicators.values() if norm(i.id) == wanted), None)


def find_root(start: Path) -> Path:
    for folder in [start, *start.parents]:
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ProjectNotFound(
        f"在 {start} 及其上级文件夹中没有找到 {CONFIG_NAME}。请在项目文件夹中运行，或用 --project 指定项目文件夹；"
        "还没有项目时，用 civdoc init 文件夹 --from 任务清单.xlsx 从本地的任务清单新建一个（不加 --from 则新建空白项目）。"
    )


def unit_lookup(units: list[Unit]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for unit in units:
        for name in [unit.name, *unit.aliases]:
            lookup.setdefault(norm(name), unit.name)
    return lookup


def load_project(root: Path, cache: Cache | None = None) -> Project:
    """The project's definitions, every D1xx problem gathered before stopping. With a cache, YAML
    files byte for byte those of an earlier run are not parsed again: the project validated then is
    validated once more from JSON (~5 ms, where parsing 100 indicators takes ~60 ms)."""
    files = sorted((root / "indicators").glob("*.yaml")) + sorted((root / "indicators").glob("*.yml"))
    key = _definitions_key(root, files) if cache else None
    if cache and key:
        remembered = cache.definitions(key)
        project = _from_json(root, remembered) if remembered else None
        if project is not None:
            return project
    project = _load(root, files)
    if cache and key:
        cache.store_definitions(key, _to_json(project))
    return project


def _definitions_key(root: Path, files: list[Path]) -> str | None:
    from civdoc.project.yamlread import Unreadable, read_regular

    h = hashlib.sha256(code_digest())
    try:
        for path in [root / CONFIG_NAME, *files]:
            h.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
            h.update(read_regular(path))  # a FIFO or device never blocks; the full load says what is wrong
    except Unreadable:
        return None
    return h.hexdigest()


def _to_json(project: Project) -> str:
    return json.dumps(
        {
            "config": project.config.model_dump(mode="json"),
            "kinds": project.kinds,
            "aspects": [
                [a.name, a.order, a.file, [i.model_dump(mode="json") for i in a.indicators]] for a in project.aspects
            ],
        },
        ensure_ascii=False,
    )


def _from_json(root: Path, text: str) -> Project | None:
    """None when the remembered project does not validate: it is then loaded from the YAML files."""
    try:
        data = json.loads(text)
        config = Config.model_validate(data["config"])
        aspects = [
            Aspect(name, order, file, [Indicator.model_validate(i) for i in indicators])
            for name, order, file, indicators in data["aspects"]
        ]
        kinds = {str(k): [str(t) for t in v] for k, v in data["kinds"].items()}
    except (ValueError, TypeError, KeyError, AttributeError):  # pydantic's ValidationError is a ValueError
        return None
    return Project(root=root, config=config, aspects=aspects, kinds=kinds)


def _load(root: Path, files: list[Path]) -> Project:
    problems: list[DefinitionProblem] = []
    config_source, found = load_yaml(root / CONFIG_NAME, CONFIG_NAME)
    problems += found
    config = validate(Config, config_source, problems, ids=[("waivers", "*", "indicator")]) if config_source else None

    if not (root / "indicators").is_dir():
        problems.append(
            DefinitionProblem(
                "D102", "indicators/", None, "", "缺少 indicators 文件夹。请新建它并放入指标定义文件（*.yaml）。"
            )
        )
    elif not files:
        problems.append(
            DefinitionProblem("D102", "indicators/", None, "", "indicators 文件夹中没有 .yaml 指标定义文件。")
        )
    parsed: list[tuple[Source, IndicatorFile]] = []
    sources: list[Source] = []
    for path in files:
        shown = path.relative_to(root).as_posix()
        source, found = load_yaml(path, shown)
        problems += found
        if source is None:
            continue
        sources.append(source)
        model = validate(IndicatorFile, source, problems, ids=[("indicators", "*", "id")])
        if model is not None:
            parsed.append((source, model))

    if config_source is not None:
        problems += _cross_check(config_source, sources)
        problems += method_problems(config_source, sources)
    if problems:
        raise DefinitionErrors(sorted(_specific(problems), key=lambda p: (p.file, p.line or 0)))
    assert config is not None
    kinds = {**KIND_TYPES, **{k: clean_types(v) for k, v in config.kinds.items()}}
    lookup = unit_lookup(config.units)
    aspects = [
        Aspect(m.aspect, m.order, s.file, [_resolve(ind, lookup, kinds, m.system) for ind in m.indicators])
        for s, m in parsed
    ]
    aspects.sort(key=lambda a: (a.order if a.order is not None else 10**6, a.file))
    return Project(root=root, config=config, aspects=aspects, kinds=kinds)


def _specific(problems: list[DefinitionProblem]) -> list[DefinitionProblem]:
    """One D105 per field: a unit name's own problem says more than the general one on its characters."""
    named = {
        (p.file, p.line, p.field)
        for p in problems
        if p.code == "D105" and p.field.startswith("units[") and not p.message.startswith(CONTROL_PROBLEM)
    }
    return [p for p in problems if not (p.message.startswith(CONTROL_PROBLEM) and (p.file, p.line, p.field) in named)]


def _resolve(
    ind: Indicator, lookup: dict[str, str], kinds: dict[str, list[str]], system: str | None = None
) -> Indicator:
    """Canonical unit names, the lead among the units, each requirement's accepted types spelled out."""
    canon = lambda names: [lookup[norm(n)] for n in names]  # noqa: E731
    lead = lookup[norm(ind.lead)] if ind.lead else None
    units = list(dict.fromkeys(([lead] if lead else []) + canon(ind.units)))
    requirements = [
        r.model_copy(
            update={
                "types": r.types or (kinds[r.kind] if r.kind else all_types(kinds)),
                "units": canon(r.units) if r.units else None,
            }
        )
        for r in ind.requirements
    ]
    if not requirements and ind.needs_material:
        requirements = [Requirement(name=IMPLICIT_REQUIREMENT, types=all_types(kinds), match=[])]
    return ind.model_copy(
        update={"lead": lead, "units": units, "requirements": requirements, "system": ind.system or system}
    )


def _raw_indicators(source: Source) -> list[tuple[int, dict[str, Any]]]:
    data = source.data
    entries = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    return [(i, e) for i, e in enumerate(entries) if isinstance(e, dict)]


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _cross_check(conf: Source, sources: list[Source]) -> list[DefinitionProblem]:
    """Problems that need more than one file: duplicate ids, unknown units, unknown kinds and codes.

    Read from the raw YAML, so a schema error elsewhere (even in civdoc.yaml) does not hide these."""
    problems: list[DefinitionProblem] = []
    raw = conf.data if isinstance(conf.data, dict) else {}
    units = (
        [u for u in raw.get("units") or [] if isinstance(u, dict) and isinstance(u.get("name"), str)]
        if isinstance(raw.get("units"), list)
        else []
    )
    lookup: dict[str, str] = {}
    for i, unit in enumerate(units):
        for name in [unit["name"], *_names(unit.get("aliases"))]:
            if norm(name) in lookup and lookup[norm(name)] != unit["name"]:
                problems.append(
                    DefinitionProblem(
                        "D105",
                        CONFIG_NAME,
                        conf.line(("units", i)),
                        f"units[{i}]",
                        f"单位名称或简称“{name}”已被“{lookup[norm(name)]}”使用，请改用不同的简称。",
                    )
                )
            lookup.setdefault(norm(name), unit["name"])
    known_units = "、".join(u["name"] for u in units)
    kinds = set(KIND_TYPES) | set(raw.get("kinds") or {} if isinstance(raw.get("kinds"), dict) else {})
    seen_ids: dict[str, str] = {}

    def unknown_unit(name: str) -> str:
        near = difflib.get_close_matches(name, list(lookup), n=1, cutoff=0.5)
        hint = f"您是否想写“{lookup[near[0]]}”？" if near else f"已登记的单位：{known_units}。"
        return f"单位“{name}”没有在 civdoc.yaml 的 units 中登记。{hint}请改正名称，或在 civdoc.yaml 中添加该单位。"

    for source in sources:
        for i, ind in _raw_indicators(source):
            at = ("indicators", i)
            ident = str(ind.get("id", ""))
            key = norm(ident)
            if key in seen_ids:
                problems.append(
                    DefinitionProblem(
                        "D103",
                        source.file,
                        source.line(at + ("id",)),
                        dotted(at + ("id",)),
                        f"指标编号“{ident}”重复：{seen_ids[key]} 已定义过。请为每个指标使用唯一的编号。",
                    )
                )
            elif key:
                seen_ids[key] = f"{source.file}:{source.line(at + ('id',))}"
            lead = ind.get("lead") if isinstance(ind.get("lead"), str) else None
            ind_units = _names(ind.get("units"))
            named: list[tuple[tuple[Any, ...], Any]] = ([(("lead",), lead)] if lead else []) + [
                (("units", j), u) for j, u in enumerate(ind_units)
            ]
            requirements: list[Any] = ind["requirements"] if isinstance(ind.get("requirements"), list) else []
            for r, req in enumerate(requirements):
                if not isinstance(req, dict):
                    continue
                named += [(("requirements", r, "units", j), u) for j, u in enumerate(_names(req.get("units")))]
                kind = req.get("kind")
                if isinstance(kind, str) and kind not in kinds:
                    loc = at + ("requirements", r, "kind")
                    problems.append(
                        DefinitionProblem(
                            "D105",
                            source.file,
                            source.line(loc),
                            dotted(loc),
                            f"材料类别“{kind}”不存在，可选：{'、'.join(sorted(kinds))}。",
                        )
                    )
            responsible = {lookup.get(norm(u)) for u in ind_units + ([lead] if lead else [])}
            for sub, name in named if lookup else []:
                loc = at + sub
                if norm(name) not in lookup:
                    problems.append(
                        DefinitionProblem("D104", source.file, source.line(loc), dotted(loc), unknown_unit(name))
                    )
                elif sub[0] == "requirements" and lookup[norm(name)] not in responsible:
                    problems.append(
                        DefinitionProblem(
                            "D105",
                            source.file,
                            source.line(loc),
                            dotted(loc),
                            f"“{name}”不是本指标的牵头单位或责任单位，请先把它加入 units。",
                        )
                    )
            if not (lead or ind_units):
                problems.append(
                    DefinitionProblem(
                        "D102",
                        source.file,
                        source.line(at),
                        dotted(at),
                        f"指标“{ident}”没有牵头单位（lead）或责任单位（units），请至少填写一个。",
                    )
                )
    problems += _unknown_systems(raw, sources)
    rules: dict[Any, Any] = raw["rules"] if isinstance(raw.get("rules"), dict) else {}
    for name in rules:
        if str(name) not in RULES or str(name).startswith("D"):
            problems.append(
                DefinitionProblem(
                    "D105",
                    CONFIG_NAME,
                    conf.line(("rules", name)),
                    f"rules.{name}",
                    f"“{name}”不是可以调整的问题代码，请用 civdoc rules 查看代码列表。",
                )
            )
    waivers: list[Any] = raw["waivers"] if isinstance(raw.get("waivers"), list) else []
    for i, waiver in enumerate(w for w in waivers if isinstance(w, dict)):
        code, w_unit, w_ident = waiver.get("code"), waiver.get("unit"), waiver.get("indicator")
        if isinstance(code, str) and (code not in RULES or code.startswith("D")):
            problems.append(
                DefinitionProblem(
                    "D105",
                    CONFIG_NAME,
                    conf.line(("waivers", i, "code")),
                    f"waivers[{i}].code",
                    f"“{code}”不是可以豁免的问题代码，请用 civdoc rules 查看代码列表。",
                )
            )
        if isinstance(w_unit, str) and lookup and norm(w_unit) not in lookup:
            problems.append(
                DefinitionProblem(
                    "D104", CONFIG_NAME, conf.line(("waivers", i, "unit")), f"waivers[{i}].unit", unknown_unit(w_unit)
                )
            )
        if w_ident is not None and norm(str(w_ident)) not in seen_ids:
            problems.append(
                DefinitionProblem(
                    "D105",
                    CONFIG_NAME,
                    conf.line(("waivers", i, "indicator")),
                    f"waivers[{i}].indicator",
                    f"指标编号“{w_ident}”不存在，请检查豁免条目中的 indicator。",
                )
            )
    return problems


def _unknown_systems(raw: dict[str, Any], sources: list[Source]) -> list[DefinitionProblem]:
    """With `systems:` weights in civdoc.yaml, every 测评体系 an indicator names must be one of them."""
    systems = raw.get("systems")
    if not isinstance(systems, dict) or not systems:
        return []
    known = [str(k) for k in systems]
    problems: list[DefinitionProblem] = []
    for source in sources:
        data = source.data if isinstance(source.data, dict) else {}
        file_system = data.get("system")
        named: list[tuple[tuple[str | int, ...], str]] = []
        if isinstance(file_system, str):
            named.append((("system",), file_system))
        named += [
            (("indicators", i, "system"), ind["system"])
            for i, ind in _raw_indicators(source)
            if isinstance(ind.get("system"), str)
        ]
        implicit = not isinstance(file_system, str) and any(
            not isinstance(ind.get("system"), str) for _, ind in _raw_indicators(source)
        )
        if implicit:
            named.append(((), DEFAULT_SYSTEM))
        for loc, name in named:
            if name not in known:
                near = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
                hint = f"您是否想写“{near[0]}”？" if near and loc else ""
                what = f"测评体系“{name}”" if loc else f"未写 system 的指标属于默认测评体系“{name}”，它"
                problems.append(
                    DefinitionProblem(
                        "D105",
                        source.file,
                        source.line(loc) if loc else 1,
                        dotted(loc) if loc else "system",
                        f"{what}不在 civdoc.yaml 的 systems 中（已有：{'、'.join(known)}）。{hint}"
                        "请改正名称，或在 systems 中为它设置权重。",
                    )
                )
    return problems
