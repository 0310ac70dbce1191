"""Definition problems (D1xx) in the machine formats, so CI can point at the file and line."""

from __future__ import annotations

from civdoc import __version__
from civdoc.errors import DefinitionProblem
from civdoc.findings import finding
from civdoc.model import Finding


def as_findings(problems: list[DefinitionProblem]) -> list[Finding]:
    return [
        finding(p.code, f"{p.field}：{p.message}" if p.field else p.message, path=p.file, line=p.line) for p in problems
    ]


def render(problems: list[DefinitionProblem], fmt: str) -> str:
    findings = as_findings(problems)
    if fmt == "github":
        from civdoc.render.github import annotation

        lines = [annotation(f) for f in findings]
        return "\n".join(lines + [f"civdoc: {len(findings)} definition errors; nothing was checked"]) + "\n"
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        suites = ET.Element("testsuites", name="civdoc", tests="1", failures="1")
        suite = ET.SubElement(suites, "testsuite", name="civdoc", tests="1", failures="1")
        case = ET.SubElement(suite, "testcase", classname="civdoc", name="指标定义")
        failure = ET.SubElement(case, "failure", message=f"{len(findings)} 处定义错误", type=findings[0].code)
        failure.text = "\n".join(f"{f.path}:{f.line or ''} {f.code} {f.message}" for f in findings)
        ET.indent(suites)
        return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
    from civdoc.render.report import finding_dict, to_json

    return to_json(
        {
            "schema_version": 1,
            "tool": {"name": "civdoc", "version": __version__},
            "project": None,
            "summary": {"errors": len(findings), "warnings": 0, "infos": 0, "waived": 0},
            "findings": [finding_dict(f) for f in findings],
            "items": [],
            "files": [],
        }
    ).decode("utf-8")
