"""JUnit XML for CI dashboards: one testcase per (unit, indicator) item; project-wide findings in one more."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from civdoc.check.evaluate import Result
from civdoc.findings import RULES
from civdoc.model import Finding
from civdoc.safe.xml import xml_shown


def _describe(findings: list[Finding]) -> str:
    return "\n".join(f"{f.code} {RULES[f.code].title} {f.path or ''}\n  {f.message}" for f in findings)


def render(result: Result) -> str:
    by_item: dict[tuple[str | None, str | None], list[Finding]] = defaultdict(list)
    for f in result.findings:
        if not f.waived:
            by_item[(f.unit, f.indicator)].append(f)
    suite = ET.Element("testsuite", name="civdoc", timestamp=result.today.isoformat())
    cases = 0
    failures = 0
    for item in result.items:
        ind = result.project.indicators[item.indicator]
        case = ET.SubElement(suite, "testcase", classname=item.unit, name=f"{item.indicator} {ind.content}")
        cases += 1
        found = by_item.pop((item.unit, item.indicator), [])
        failures += _attach(case, found, item.status == "not_required")
    rest = [f for fs in by_item.values() for f in fs]
    case = ET.SubElement(suite, "testcase", classname="civdoc", name="项目结构与文件位置")
    cases += 1
    failures += _attach(case, rest, False)
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suites = ET.Element("testsuites", name="civdoc", tests=str(cases), failures=str(failures))
    suites.append(suite)
    ET.indent(suites)
    # a control character in a name or a note would make the report invalid XML: shown escaped instead
    return xml_shown(ET.tostring(suites, encoding="unicode", xml_declaration=True)) + "\n"


def _attach(case: ET.Element, findings: list[Finding], skipped: bool) -> int:
    errors = [f for f in findings if f.severity == "error"]
    others = [f for f in findings if f.severity != "error"]
    if errors:
        failure = ET.SubElement(case, "failure", message=f"{len(errors)} 个错误", type=errors[0].code)
        failure.text = _describe(errors)
    elif skipped and not others:
        ET.SubElement(case, "skipped", message="不需报送材料")
    if others:
        ET.SubElement(case, "system-out").text = _describe(others)
    return 1 if errors else 0
