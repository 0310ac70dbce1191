"""W801 and the project's policy: `rules:` severity changes and `waivers:` with their reasons."""

from __future__ import annotations

from datetime import date

from civdoc.findings import finding
from civdoc.model import Finding
from civdoc.project.config import Config, Waiver
from civdoc.project.names import norm


def _covers(waiver: Waiver, finding: Finding, unit_of: dict[str, str]) -> bool:
    if waiver.code != finding.code:
        return False
    if waiver.unit and unit_of.get(norm(waiver.unit)) != finding.unit:
        return False
    if waiver.indicator and norm(waiver.indicator) != norm(finding.indicator or ""):
        return False
    return not (waiver.path and not (finding.path or "").startswith(waiver.path.rstrip("/")))


def apply_policy(
    findings: list[Finding], config: Config, unit_of: dict[str, str], today: date, announce_expired: bool = True
) -> list[Finding]:
    """Severity overrides first (off drops a finding), then waivers; expired waivers add W801."""
    kept: list[Finding] = []
    for f in findings:
        severity = config.rules.get(f.code, f.severity)
        if severity == "off":
            continue
        f.severity = severity
        kept.append(f)
    for i, waiver in enumerate(config.waivers):
        expired = waiver.until is not None and waiver.until < today
        covered = [f for f in kept if _covers(waiver, f, unit_of)]
        if expired:
            if not announce_expired:
                continue
            scope = "、".join(x for x in [waiver.unit, waiver.indicator and f"指标 {waiver.indicator}"] if x)
            expiry = finding(
                "W801",
                f"对 {waiver.code}{f'（{scope}）' if scope else ''}的豁免已于 {waiver.until} 到期（理由：{waiver.reason}），"
                f"{len(covered)} 个问题重新计入。请整改，或经批准后在 civdoc.yaml 中延长 until。",
                unit=unit_of.get(norm(waiver.unit)) if waiver.unit else None,
                indicator=waiver.indicator,
                path=f"civdoc.yaml#waivers[{i}]",
            )
            override = config.rules.get("W801")
            if override == "off":
                continue
            if override is not None:
                expiry.severity = override
            kept.append(expiry)
            continue
        for f in covered:
            if not f.waived:
                f.waived, f.waiver_reason = True, waiver.reason
    return [f for f in kept if f.severity != "off"]
