"""out/index.html: one self-contained page for looking (SPEC §9): progress and score, units ranked, the
测评项目 × unit grid of item states, the trend across history snapshots and the problem list.

Everything the page shows comes from one JSON object embedded in a <script type="application/json">
block with <, > and & written as \\u003c, \\u003e, \\u0026, so no name can close the script or open a tag;
the page's script puts the data into the DOM as text (textContent, setAttribute) only. The trend chart
is an SVG drawn here, from dates and numbers alone. No file, font or script is fetched from anywhere.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from civdoc.findings import RULES
from civdoc.leaders.progress import OVERDUE, item_states, ranked, unit_progress
from civdoc.model import NO_UNIT
from civdoc.render.labels import SEVERITY
from civdoc.render.printed import Wording
from civdoc.render.templating import (
    RUN_FAILURES,
    SafeEnvironment,
    TemplateError,
    Templates,
    jinja_message,
    render_bounded,
    run_failure_message,
)

if TYPE_CHECKING:
    from civdoc.check.evaluate import Result
    from civdoc.leaders.gather import Leaders
    from civdoc.leaders.history import Snapshot

TEMPLATE = "dashboard.html.j2"
MAX_PROBLEMS = 20000  # beyond this the page lists the first ones and says how many more the ledger holds
STATE_CODE = {"complete": "c", "incomplete": "i", OVERDUE: "o", "not_required": "n"}
_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def dashboard_bytes(result: Result, leaders: Leaders, out_dir: Path) -> bytes:
    data = page_data(result, leaders, out_dir)
    context = {
        "title": f"{result.project.config.name} · 材料自查看板",
        "data_json": Markup(embed_json(data)),
        "trend_svg": Markup(trend_svg(leaders.trend, leaders.today)),
    }
    return render_page(Templates(result.project.root), context).encode("utf-8")


def embed_json(data: Any) -> str:
    """JSON safe inside <script>: nothing in it can end the script element or start markup."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


def render_page(templates: Templates, context: dict[str, Any]) -> str:
    where = templates.shown(TEMPLATE)
    try:
        source = templates.path(TEMPLATE).read_text(encoding="utf-8")
        env = SafeEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
        return render_bounded(env.from_string(source), context)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"模板 {where} 无法生成看板（{jinja_message(exc)}）。") from None
    except (OSError, UnicodeDecodeError):
        raise TemplateError(f"模板 {where} 无法读取，请确认它是 UTF-8 编码的文本。") from None
    except RUN_FAILURES as exc:
        raise TemplateError(run_failure_message(where, exc)) from None


def page_data(result: Result, leaders: Leaders, out_dir: Path) -> dict[str, Any]:
    project = result.project
    states = item_states(result)
    everyone = unit_progress(result, states)
    units = ranked({n: u for n, u in everyone.items() if u.required}, project.unit_names)
    others = [u for n, u in everyone.items() if not u.required]  # problems but nothing to supply
    unit_names = [u.name for u in units] + [u.name for u in others]
    unit_index = {name: i for i, name in enumerate(unit_names)}
    aspects = [a.name for a in project.aspects]
    aspect_of = {ind.id: i for i, a in enumerate(project.aspects) for ind in a.indicators}
    change = leaders.change
    score = leaders.score
    at_risk = {name: t.at_risk for name, t in score.by_unit.items()} if score.scored else {}
    counted = Counter(s for s in states.values())
    required = sum(n for s, n in counted.items() if s != "not_required")
    grid: list[list[list[Any]]] = [[[] for _ in aspects] for _ in unit_names]
    for (unit, ident), state in states.items():
        if unit in unit_index and ident in aspect_of:
            grid[unit_index[unit]][aspect_of[ident]].append([ident, STATE_CODE[state]])
    deadlines = {(i.unit, i.indicator): i.deadline.isoformat() if i.deadline else "" for i in result.items}
    problems = [f for f in result.findings if not f.waived and f.severity in ("error", "warning")]
    wording = Wording(project)  # leaders read the messages as the ledgers put them
    return {
        "project": project.config.name,
        "today": result.today.isoformat(),
        "since": change.since.day.isoformat() if change else None,
        "overall": {
            "required": required,
            "complete": counted["complete"],
            "overdue": counted[OVERDUE],
            "incomplete": counted["incomplete"] + counted[OVERDUE],
            "not_required": counted["not_required"],
            "units": len(units),
            "errors": sum(u.errors for u in everyone.values()),
            "warnings": sum(u.problems - u.errors for u in everyone.values()),
        },
        "change": {
            "rate_before": change.rate_before,
            "newly_complete": len(change.newly_complete),
            "new_problems": change.new_problem_count,
            "solved": change.solved,
        }
        if change
        else None,
        "score": score.to_dict() if score.scored else None,
        "units": [
            [
                u.name,
                u.required,
                u.complete,
                u.overdue,
                u.problems,
                u.errors,
                _before(change, u.name),
                at_risk.get(u.name),
            ]
            for u in units + others
        ],
        "aspects": aspects,
        "indicators": {ind.id: [ind.content, aspect_of[ind.id]] for ind in project.indicators.values()},
        "deadlines": {f"{unit_index[u]}|{i}": d for (u, i), d in deadlines.items() if u in unit_index and d},
        "grid": grid,
        "codes": {
            code: [RULES[code].title, f.severity] for code, f in {f.code: f for f in problems}.items() if code in RULES
        },
        "problems": [
            [
                unit_index.get(f.unit or NO_UNIT, -1),
                aspect_of.get(f.indicator or "", -1),
                f.indicator or "",
                f.code,
                wording.message(f),
                f.path or "",
            ]
            for f in problems[:MAX_PROBLEMS]
        ],
        "problems_total": len(problems),
        "severity": SEVERITY,
        "base": _base(project.root, out_dir),
    }


def _before(change: Any, unit: str) -> float | None:
    return change.unit_rate_before(unit) if change else None


def _base(root: Path, out_dir: Path) -> str:
    """The way from out/ back to the project, for relative links to evidence files."""
    try:
        rel = os.path.relpath(root, out_dir).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return root.resolve().as_uri() + "/"
    return "" if rel == "." else rel + "/"


# -- the trend ---------------------------------------------------------------------------------------

W, H, LEFT, RIGHT, TOP, BOTTOM = 760, 260, 48, 20, 20, 46


def trend_svg(earlier: list[Snapshot], today: Snapshot) -> str:
    """Completion rate (and the share of 分值 已落实, where scored) per snapshot, today's last."""
    points = [*earlier, today]
    n = len(points)
    step = (W - LEFT - RIGHT) / max(n - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if n > 1 else (W - LEFT - RIGHT) / 2)

    def y(rate: float) -> float:
        return TOP + (1 - rate) * (H - TOP - BOTTOM)

    parts = [
        f'<svg class="trend" viewBox="0 0 {W} {H}" width="100%" role="img" '
        f'aria-label="完成率趋势" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.0%}</text>'
        )
    labels_every = max(1, n // 8)
    for i, snap in enumerate(points):
        if i % labels_every == 0 or i == n - 1:
            parts.append(
                f'<text class="axis" x="{x(i):.1f}" y="{H - BOTTOM + 18}" text-anchor="middle">'
                f"{escape(snap.day.strftime('%m-%d'))}</text>"
            )
    series = [("rate", "完成率", [s.rate for s in points])]
    shares = [_share(s) for s in points]
    if any(v is not None for v in shares):
        series.append(("score", "已落实分值占比", shares))
    for key, label, values in series:
        coords = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
            parts.append(f'<polyline class="line {key}" points="{path}"/>')
        for i, v in enumerate(values):
            if v is None:
                continue
            day = points[i].day.isoformat()
            parts.append(
                f'<circle class="pt {key}" data-series="{key}" data-date="{day}" data-value="{v * 100:.1f}" '
                f'cx="{x(i):.1f}" cy="{y(v):.1f}" r="4"><title>{day} {escape(label)} {v * 100:.1f}%</title>'
                "</circle>"
            )
    legend_x = LEFT
    for key, label, _ in series:
        parts.append(
            f'<rect class="key {key}" x="{legend_x}" y="{H - 16}" width="14" height="4"/>'
            f'<text class="axis" x="{legend_x + 20}" y="{H - 11}">{escape(label)}</text>'
        )
        legend_x += 150
    parts.append("</svg>")
    return "".join(parts)


def _share(snapshot: Snapshot) -> float | None:
    score = snapshot.score or {}
    possible, secured = score.get("possible"), score.get("secured")
    return secured / possible if possible and secured is not None else None
