"""GitHub Actions workflow commands: one annotation per finding, then a summary line."""

from __future__ import annotations

from civdoc.check.evaluate import Result
from civdoc.findings import RULES
from civdoc.model import Finding
from civdoc.render.labels import indicator_label
from civdoc.safe.console import escape_controls

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    # other control characters (ESC) shown escaped: a name must not drive the CI log
    return escape_controls(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding, content: str | None = None) -> str:
    level = "notice" if f.waived else LEVEL[f.severity]
    props = []
    if f.path:
        props.append(f"file={_prop(f.path)}")
    if f.line:
        props.append(f"line={f.line}")
    props.append(f"title={_prop(f'{f.code} {RULES[f.code].title}')}")
    where = "".join(f"[{x}] " for x in (f.unit, indicator_label(f.indicator, content) if f.indicator else None) if x)
    waived = f"（已豁免：{f.waiver_reason}）" if f.waived else ""
    return f"::{level} {','.join(props)}::{_data(where + f.message + waived)}"


def render(result: Result) -> str:
    lines = []
    for f in result.findings:
        ind = result.project.indicators.get(f.indicator or "")
        lines.append(annotation(f, ind.content if ind else None))
    required = [i for i in result.items if i.status != "not_required"]
    done = sum(1 for i in required if i.status == "complete")
    lines.append(
        f"civdoc: {result.count('error')} errors, {result.count('warning')} warnings, "
        f"{result.count('info')} infos, {result.waived} waived; {done}/{len(required)} items complete"
    )
    return "\n".join(lines) + "\n"
