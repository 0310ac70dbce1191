"""How findings read in the ledgers an office prints and signs (SPEC §7).

The terminal and report.json speak to whoever runs civdoc: civdoc.yaml keys, commands, paths under
evidence/. A signed ledger speaks to a unit: paths from the unit's own folder, "请联系区文明办…" where
the terminal names a YAML key, and nothing about the tool. The messages are written once, for the
terminal; this module rewrites the sentences that address the operator, and drops any sentence that
still would (a safety net for messages added later).
"""

from __future__ import annotations

import re
from datetime import date

from civdoc.model import Finding
from civdoc.project.load import Project

# a finding shown as a state elsewhere (台账's 审核情况), never as a problem row
NOT_A_PROBLEM = {"R601"}
JARGON = re.compile(
    r"civdoc|\.ya?ml\b|yaml|(?<![\w-])--[a-z]|evidence/|waivers|units 中|until\b|min_pixels|"
    r"max_file_mb",
    re.IGNORECASE,
)
OFFICE_WORDS = ("文明办", "创文办", "文明委")


def office(project: Project) -> str:
    """The office that compiles the dossier: civdoc.yaml's office, else the registered unit that is
    evidently the 文明办, else the plain word."""
    named = getattr(project.config, "office", None)
    if named:
        return str(named)
    for unit in project.config.units:
        if any(w in name for name in [unit.name, *unit.aliases] for w in OFFICE_WORDS):
            return unit.name
    return "创建办"


def _rewrites(office_name: str) -> list[tuple[re.Pattern[str], str]]:
    ask = f"请联系{office_name}"
    table = [
        (r"如果这是新单位，请在 civdoc\.yaml 的 units 中登记。", f"如果这是新单位，{ask}登记。"),
        (r"请改为 civdoc\.yaml 中登记的单位全称或简称。", "请改为已登记的单位全称或简称。"),
        (r"如确需由本单位报送，请在指标定义的 units 中加入本单位。", f"如确需由本单位报送，{ask}调整责任单位。"),
        (
            r"同一材料确需用于多个指标时，可在 civdoc\.yaml 的 waivers 中说明理由。",
            f"同一材料确需用于多个指标时，{ask}说明理由。",
        ),
        (r"请整改，或经批准后在 civdoc\.yaml 中延长 until。", f"请整改，或联系{office_name}调整豁免。"),
        (r"civdoc 不会读取它。", "检查时不会读取它。"),
        (r"civdoc 不会跟随链接读取。", "链接指向的文件不会被读取。"),
        (r"civdoc 已尽量识别出原名。", "已尽量识别出原名。"),
        (r"找不到 evidence/([^/\s]+)/。", r"找不到“\1”文件夹。"),
        (r"请在 evidence/([^/\s]+)/ 下新建", r"请在“\1”文件夹下新建"),
    ]
    return [(re.compile(p), r) for p, r in table]


class Wording:
    """The printed wording of one project's findings."""

    def __init__(self, project: Project):
        self.project = project
        self.office = office(project)
        self._rewrites = _rewrites(self.office)

    def message(self, f: Finding) -> str:
        text = f.message
        for pattern, replacement in self._rewrites:
            text = pattern.sub(replacement, text)
        text = re.sub(r"“evidence/([^”]*)”", lambda m: f"“{m.group(1)}”", text)
        return _cn_dates(_drop_jargon(text))

    def path(self, f: Finding) -> str:
        return shown_path(f.path, f.unit, self.project)


def shown_path(path: str | None, unit: str | None, project: Project) -> str:
    """A path as a unit reads it: from its own folder (unit/indicator) or from evidence/ (indicator/unit);
    "" for what is no file (a definition, a waiver). A folder misnamed for the unit stays in the path."""
    if not path or not path.startswith("evidence/"):
        return ""
    rest = path[len("evidence/") :]
    if project.config.layout == "unit/indicator" and unit and "/" in rest:
        first, inside = rest.split("/", 1)
        if project.unit(first) == unit:
            return inside
    return rest


def _drop_jargon(text: str) -> str:
    """Sentences that still address the operator go; the rest stays as written."""
    if not JARGON.search(text):
        return text
    sentences = re.findall(r"[^。！？]*[。！？]?", text)
    kept = "".join(s for s in sentences if s and not JARGON.search(s))
    return kept or "详见检查报告。"


_ISO = re.compile(r"(?<![\d-])((?:19|20)\d{2})-(\d{2})(?:-(\d{2}))?(?![\d-])")


def _cn_dates(text: str) -> str:
    """ISO dates in a message as 年月日, except inside “…” (a file's name stays as written)."""
    parts = re.split(r"(“[^”]*”)", text)
    for i in range(0, len(parts), 2):
        parts[i] = _ISO.sub(
            lambda m: f"{int(m.group(1))}年{int(m.group(2))}月" + (f"{int(m.group(3))}日" if m.group(3) else ""),
            parts[i],
        )
    return "".join(parts)


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


CN_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
