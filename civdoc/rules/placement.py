"""P505 and P506: where files stand (P501–P504 come from the walk itself, in scan.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from operator import itemgetter

from civdoc.findings import finding
from civdoc.model import EvidenceFile, Finding

# a file with content: (sha256, path, unit, indicator, requirement)
Hashed = tuple[str, str, "str | None", "str | None", "str | None"]


def duplicates(files: Iterable[Hashed]) -> Iterator[Finding]:
    """The same content in more than one place: one finding on every copy after the first."""
    by_hash: dict[str, list[Hashed]] = defaultdict(list)
    for f in files:
        by_hash[f[0]].append(f)
    for group in by_hash.values():
        if len(group) < 2:
            continue
        group.sort(key=itemgetter(1))
        first = group[0][1]
        for _, path, unit, indicator, requirement in group[1:]:
            yield finding(
                "P505",
                f"与“{first}”内容完全相同。请确认是否重复报送；"
                "同一材料确需用于多个指标时，可在 civdoc.yaml 的 waivers 中说明理由。",
                unit=unit,
                indicator=indicator,
                requirement=requirement,
                path=path,
            )


def unassigned(file: EvidenceFile, names: list[str]) -> Finding:
    listed = "、".join(names) if names else "（本指标不需报送材料）"
    return finding(
        "P506",
        f"无法判断这个文件属于哪一项材料（本指标要求：{listed}）。"
        "请在文件名中写明材料名称，或把它放入以材料名称命名的子文件夹。",
    )
