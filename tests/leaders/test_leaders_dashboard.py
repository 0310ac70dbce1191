"""out/index.html opened in headless Chromium (SPEC §9): what it shows, that it fetches nothing, that no
name from the data becomes markup or script, and that a large district stays small."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.leaders.test_leaders_history import improve
from tests.support.helpers import make_project, pdf, run
from tests.support.leaders_project import A, B, C, leaders_project

D1, D2 = "2026-06-26", "2026-07-03"
CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
        if (found := shutil.which(name))
    ),
    None,
)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")

# injected into a copy of the page: a data-driven alert() would mark the page; resources fetched are listed
PROBE_HEAD = "<script>window.alert=function(){document.documentElement.setAttribute('data-pwned','1')};</script>"
PROBE_END = (
    "<script>document.documentElement.setAttribute('data-resources',"
    "String(performance.getEntriesByType('resource').length));</script>"
)


def dom(page: Path, tmp_path: Path) -> str:
    """The page's DOM after its scripts ran, with the probes above."""
    probed = page.with_name("probed.html")
    text = page.read_text(encoding="utf-8")
    text = text.replace("<head>", "<head>" + PROBE_HEAD, 1)
    text = text[: text.rindex("</body>")] + PROBE_END + text[text.rindex("</body>") :]
    probed.write_text(text, encoding="utf-8")
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def tags(text: str, name: str, **wanted: str) -> list[dict[str, Any]]:
    found = []
    for match in re.finditer(rf"<{name}\b([^>]*)>", text):
        a = attrs(match.group(1))
        if all(wanted[k] in a.get(k, "").split() if k == "class" else a.get(k) == v for k, v in wanted.items()):
            found.append(a)
    return found


def no_requests(page: str) -> None:
    """Nothing in the file asks for another file: no external src/href, url(), @import or <link>."""
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"url\(|@import|<link\b|<iframe\b|<img\b", page, re.I)


@needs_chromium
def test_dashboard_shows_units_states_trend_and_problems(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    assert run(root, "build", today=D1)[0] == 0
    improve(root)
    code, _, err = run(root, "build", today=D2)
    assert code == 0, err
    page = root / "out" / "index.html"
    no_requests(page.read_text(encoding="utf-8"))
    shown = dom(page, tmp_path)
    assert 'data-resources="0"' in shown and PWNED not in shown
    # units ranked by completion rate
    assert [t["data-unit"] for t in tags(shown, "tr") if "data-unit" in t] == [A, C, B]
    # the grid: 测评项目 × unit, one link per cell to its problems, coloured by the worst item state
    cells = {t["href"]: t["data-state"] for t in tags(shown, "a", **{"class": "cell"})}
    assert cells["#u0-a0"] == "complete"  # 甲单位 · 思想道德建设
    assert cells["#u1-a0"] == "overdue"  # 丙单位 · 思想道德建设: 负1 after its deadline
    assert cells["#u2-a1"] == "complete"  # 乙单位 · 未成年人: 2.1
    assert cells["#u1-a1"] == "complete"  # 丙单位 · 未成年人: 2.2 completed this week
    assert set(cells.values()) <= {"complete", "incomplete", "overdue", "not_required"}
    # the trend: one point per snapshot, today's last
    points = [(t["data-date"], t["data-value"]) for t in tags(shown, "circle", **{"class": "rate"})]
    assert points == [(D1, "58.3"), (D2, "75.0")]
    assert [t["data-date"] for t in tags(shown, "circle", **{"class": "score"})] == [D1, D2]
    # the problem list, each with its file linked relative to out/
    rows = [t for t in tags(shown, "tr") if "data-severity" in t]
    assert len(rows) >= 3 and "error" in {t["data-severity"] for t in rows}
    links = [t["href"] for t in tags(shown, "a") if t.get("href", "").startswith("../evidence/")]
    assert any("%E5%8A%A0%E5%AF%86" in link for link in links)  # 加密, percent-encoded
    assert "75.0%" in shown and "24 / 27" in shown


@needs_chromium
def test_cell_link_filters_the_problems(tmp_path: Path) -> None:
    root = leaders_project(tmp_path)
    assert run(root, "build", today=D2)[0] == 0
    page = root / "out" / "index.html"
    shown = dom(page.with_name("index.html"), tmp_path)
    everything = len([t for t in tags(shown, "tr") if "data-severity" in t])
    # open the page at a cell's anchor: only that unit's problems in that 测评项目 remain, with its items listed
    anchored = page.with_name("anchored.html")
    anchored.write_text(
        page.read_text(encoding="utf-8").replace("fromHash();\n})();", "location.hash = '#u1-a0'; fromHash();\n})();"),
        encoding="utf-8",
    )
    shown = dom(anchored, tmp_path)
    rows = re.findall(r'<tr data-severity="[^"]*"><td>([^<]*)</td><td>([^<]*)</td>', shown)
    assert rows and len(rows) < everything
    assert {unit for unit, _ in rows} == {C}
    assert all(not ind.startswith("2.") for _, ind in rows)
    assert re.search(r'<li data-state="overdue">负1 测评内容负1：逾期（完成时限 2026-06-30）</li>', shown)


PWNED = 'data-pwned="1"'
HOSTILE = "</script><script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"


@needs_chromium
def test_hostile_names_never_become_markup(tmp_path: Path) -> None:
    unit = "A&B'单位"  # & and ' are allowed in unit names; < > " are not (SPEC §1)
    config = {
        "name": f'{HOSTILE} & "名" {HOSTILE_IMG}',
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "deadline": "2026-06-30",
        "units": [{"name": unit}],
    }
    indicators = {
        "01.yaml": {
            "aspect": f"{HOSTILE}项目",
            "indicators": [
                {"id": "1.1", "content": f"{HOSTILE_IMG}内容", "score": 2, "lead": unit},
                {"id": "1.2", "content": f"{HOSTILE}内容", "score": 1, "lead": unit},  # no folder: C202
            ],
        }
    }
    root = make_project(
        tmp_path,
        config=config,
        indicators=indicators,
        files={
            f"evidence/{unit}/1.1 x/2026-03-01 {HOSTILE_IMG}.pdf": pdf,
            f"evidence/{unit}/1.1 x/{HOSTILE_IMG} 无日期.pdf": pdf,
        },
    )  # T402, linked
    code, out, err = run(root, "build", today=D2)
    assert code == 0, err
    raw = (root / "out" / "index.html").read_text(encoding="utf-8")
    assert raw.count("<script") == 2  # the data block and the page's own script: none from the data
    assert "<img" not in raw and "alert(1)</script>" not in raw
    assert "\\u003c/script\\u003e" in raw  # in the JSON block, escaped
    no_requests(raw)
    shown = dom(root / "out" / "index.html", tmp_path)
    assert PWNED not in shown
    assert "<img" not in shown.replace(PROBE_HEAD, "")
    assert shown.count("<script") == raw.count("<script") + 2  # the two probes
    assert html.escape(HOSTILE, quote=False) + "内容" in shown  # shown as text, in the problem list
    assert html.escape(HOSTILE, quote=False) + "项目" in shown  # the grid's column
    assert "<title>" + html.escape(config["name"], quote=False) in shown
    assert html.escape(HOSTILE_IMG, quote=False) + " 无日期.pdf</a>" in shown
    assert any("%3Cimg%20src%3Dx" in t["href"] for t in tags(shown, "a") if "href" in t)
    assert "A&amp;B'单位" in shown


def big_project(tmp_path: Path, units: int = 500, indicators: int = 300, per_indicator: int = 10) -> Path:
    names = [f"第{i:03d}街道办事处" for i in range(units)]
    config = {
        "name": "大区材料自查",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "deadline": "2026-06-30",
        "units": [{"name": n} for n in names],
    }
    files: dict[str, Any] = {}
    for n in names:
        files[f"evidence/{n}/"] = None
    aspects: dict[str, Any] = {}
    for a in range(10):
        inds = []
        for k in range(indicators // 10):
            i = a * (indicators // 10) + k
            units_of = [names[(i * 7 + j * 50) % units] for j in range(per_indicator)]
            inds.append(
                {
                    "id": f"{a + 1}.{k + 1}",
                    "content": f"测评内容{a + 1}.{k + 1}较长的名称用于估计大小",
                    "score": 0.5,
                    "lead": units_of[0],
                    "units": units_of[1:],
                }
            )
        aspects[f"{a + 1:02d}.yaml"] = {"aspect": f"测评项目{a + 1}", "order": a + 1, "indicators": inds}
    return make_project(tmp_path, config=config, indicators=aspects, files=files)


@needs_chromium
def test_500_units_300_indicators_stay_small(tmp_path: Path) -> None:
    from civdoc.check.pipeline import check
    from civdoc.leaders.gather import gather
    from civdoc.render.dashboard import dashboard_bytes

    root = big_project(tmp_path)  # made by the same code build runs, without 1,000 unit ledgers
    result = check(root, date.fromisoformat(D2), use_cache=False)
    page = root / "out" / "index.html"
    page.parent.mkdir()
    page.write_bytes(dashboard_bytes(result, gather(result), page.parent))
    assert page.stat().st_size < 5 * 1024 * 1024
    shown = dom(page, tmp_path)
    assert len([t for t in tags(shown, "tr") if "data-unit" in t]) == 500
    assert len(tags(shown, "a", **{"class": "cell"})) >= 500
    assert "共 6000 条，显示前 500 条" in shown and "再显示 500 条" in shown  # 3,000 C202 and 3,000 S701
