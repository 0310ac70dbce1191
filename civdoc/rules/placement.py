"""P505 and P506: where files stand (P501–P504 come from the walk itself, in scan.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from civdoc.model import EvidenceFile, Finding


def duplicates(files: list[EvidenceFile]) -> Iterator[Finding]:
    """The same content in more than one place: one finding on every copy after the first."""
    by_hash: dict[str, list[EvidenceFile]] = defaultdict(list)
    for f in files:
        if f.size and f.inspection and f.inspection.sha256:  # no hash when the file could not be read
            by_hash[f.inspection.sha256].append(f)
    for group in by_hash.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda f: f.path)
        for f in group[1:]:
            yield Finding("P505", "warning", f"与“{group[0].path}”内容完全相同。请确认是否重复报送；"
                          "同一材料确需用于多个指标时，可在 civdoc.yaml 的 waivers 中说明理由。",
                          unit=f.unit, indicator=f.indicator, requirement=f.requirement, path=f.path)


def unassigned(file: EvidenceFile, names: list[str]) -> Finding:
    listed = "、".join(names) if names else "（本指标不需报送材料）"
    return Finding("P506", "info", f"无法判断这个文件属于哪一项材料（本指标要求：{listed}）。"
                   "请在文件名中写明材料名称，或把它放入以材料名称命名的子文件夹。")
