"""Indicator files as text, written directly: a list of 5,000 测评内容 takes ~0.2 s where ruamel.yaml's
emitter takes ~15 s. Same layout as ruamel's round trip writes (import edits these files with it)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from civdoc.tasklist.model import BASIC, ListIndicator

GUESS = "推断："  # comments on guesses start so; import drops such a comment when the value changes
_NEEDS_QUOTES = re.compile(
    r"""^[\s\-?:,\[\]{}#&*!|>'"%@`.+~0-9]|[\x00-\x1f\x7f\x85\u2028\u2029]|: |:$| #|\s$"""
    r"|^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$"
)
_FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


def scalar(value: object, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value)
    if not text or _NEEDS_QUOTES.search(text) or (flow and _FLOW_UNSAFE.search(text)):
        return quoted(text)
    return text


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def flow_list(items: list[Any]) -> str:
    return "[" + ", ".join(scalar(i, flow=True) for i in items) + "]"


def comment(text: str, confirm: bool = True) -> str:
    return f"  # {GUESS}{text.replace(chr(10), ' ')}{'，请确认' if confirm else ''}"


def indicator_data(ind: ListIndicator, file: str) -> dict[str, Any]:
    """The indicator as plain data, keys in SPEC order: what is validated and what is written."""
    data: dict[str, Any] = {"id": ind.id, "content": ind.content}
    if ind.standards:
        data["standards"] = []
        for s in ind.standards:
            # a standard with methods of its own names all of them: right whether a standard's method
            # replaces the indicator's (civdoc 0.1) or adds to it (SPEC §2)
            own = s.methods if s.methods and set(s.methods) != set(ind.methods) else []
            data["standards"].append({"text": s.text, "method": own[0] if len(own) == 1 else own} if own else s.text)
    if ind.methods:
        data["method"] = ind.methods[0] if len(ind.methods) == 1 else list(ind.methods)
    if ind.score is not None:
        data["score"] = int(ind.score) if float(ind.score).is_integer() else ind.score
    if ind.category != BASIC:
        data["category"] = ind.category
    if ind.group:
        data["group"] = ind.group
    data["source"] = {"file": file, "sheet": ind.sheet, "rows": ind.rows_text}
    if ind.lead:
        data["lead"] = ind.lead
    if ind.units:
        data["units"] = list(ind.units)
    if ind.deadline:
        data["deadline"] = ind.deadline
    if ind.requirements:
        data["requirements"] = []
        for r in ind.requirements:
            req: dict[str, Any] = {"name": r.name}
            if r.kind:
                req["kind"] = r.kind
            if r.min != 1:
                req["min"] = r.min
            if r.match:
                req["match"] = list(r.match)
            data["requirements"].append(req)
    return data


def _value(value: Any) -> str:
    return flow_list(value) if isinstance(value, list) else scalar(value)


def indicator_lines(data: dict[str, Any], ind: ListIndicator) -> list[str]:
    out = [f"  - id: {quoted(data['id'])}"]
    notes = {
        "deadline": comment(ind.deadline_note) if ind.deadline_note else "",
        "units": comment("清单未写责任单位，请改为实际单位", confirm=False) if ind.units_placeholder else "",
    }
    for key, value in list(data.items())[1:]:
        if key == "standards":
            out.append("    standards:")
            for s in value:
                if isinstance(s, dict):
                    out += [f"      - text: {scalar(s['text'])}", f"        method: {_value(s['method'])}"]
                else:
                    out.append(f"      - {scalar(s)}")
        elif key == "source":
            flow = ", ".join(f"{k}: {scalar(v, True) if k != 'rows' else quoted(v)}" for k, v in value.items())
            out.append(f"    source: {{{flow}}}")
        elif key == "requirements":
            out.append("    requirements:")
            for req, r in zip(value, ind.requirements, strict=True):
                out.append(f"      - name: {scalar(req['name'])}{comment(r.guess)}")
                out += [f"        {k}: {_value(v)}" for k, v in list(req.items())[1:]]
        else:
            out.append(f"    {key}: {_value(value)}{notes.get(key, '')}")
    return out


def aspect_text(aspect: str, order: int, indicators: list[tuple[dict[str, Any], ListIndicator]], header: str) -> str:
    lines = [f"aspect: {scalar(aspect)}", f"order: {order}", "indicators:"]
    for i, (data, ind) in enumerate(indicators):
        if i:
            lines.append("")
        lines += indicator_lines(data, ind)
    return header + "\n".join(lines) + "\n"
