"""SPEC §1–§2: loading civdoc.yaml and indicators/*.yaml. Definition errors D101–D105 are reported all
at once, each with file, line and field, then civdoc stops with exit 2, in text and in machine formats.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import yaml

from tests.support.helpers import (
    DEFAULT_CONFIG,
    DIR_A,
    EV,
    UNIT_A,
    UNIT_B,
    clean_files,
    config_with,
    file_entry,
    findings,
    jpeg,
    pdf,
    report,
    run,
)

GOOD = {"01.yaml": None}  # placeholder; tests use the default indicators unless they say otherwise


def config_text(**overrides) -> str:
    return yaml.safe_dump(config_with(**overrides), allow_unicode=True, sort_keys=False)


def broken(project, extra: dict[str, str], config: str | None = None):
    """The default project plus indicator files written verbatim."""
    root = project(config=config)
    for name, text in extra.items():
        (root / "indicators" / name).write_text(text, encoding="utf-8")
    return root


def problems(root) -> list[dict]:
    """D1xx problems as `check --format json` reports them (exit 2)."""
    code, out, err = run(root, "check", "--format", "json")
    assert code == 2, f"exit {code}\n{out}\n{err}"
    return json.loads(out)["findings"]


def assert_problem(found: list[dict], code: str, file: str, line: int | None, *words: str) -> dict:
    hits = [p for p in found if p["code"] == code and p["path"] == file and (line is None or p.get("line") == line)]
    assert hits, f"no {code} at {file}:{line} in {[(p['code'], p['path'], p.get('line'), p['message']) for p in found]}"
    for word in words:
        assert any(word in p["message"] for p in hits), f"{word!r} not in {[p['message'] for p in hits]}"
    return hits[0]


def text_errors(root) -> str:
    code, out, err = run(root, "check")
    assert code == 2, f"exit {code}\n{out}\n{err}"
    return out + err


INDICATOR_HEAD = "aspect: 第二项\nindicators:\n"


# -------------------------------------------------------------------------------------------
# D101


def test_D101_syntax_error_names_file_and_line(project):
    root = broken(project, {"02-bad.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋: 志愿服务\n'})
    shown = text_errors(root)
    assert "indicators/02-bad.yaml:4" in shown
    assert "D101" in shown
    assert_problem(problems(root), "D101", "indicators/02-bad.yaml", 4)


def test_D101_bad_indentation(project):
    root = broken(project, {"02-bad.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: x\n   lead: 区委宣传部\n'})
    assert_problem(problems(root), "D101", "indicators/02-bad.yaml", 5)


def test_D101_in_civdoc_yaml(project):
    root = project(config="name: 测试\nperiod: {start: 2024-01-01, end: 2024-12-31\nunits:\n  - name: 区委宣传部\n")
    found = problems(root)
    assert {p["code"] for p in found} == {"D101"}
    assert found[0]["path"] == "civdoc.yaml"
    assert isinstance(found[0].get("line"), int)


def test_D101_not_utf8(project):
    root = project()
    (root / "indicators" / "02-gbk.yaml").write_bytes(
        ('aspect: 第二项\nindicators:\n  - id: "2.1"\n    content: 学雷锋\n').encode("gbk")
    )
    assert_problem(problems(root), "D101", "indicators/02-gbk.yaml", None)


# -------------------------------------------------------------------------------------------
# D102


def test_D102_unknown_field_suggests_the_right_name(project):
    root = broken(
        project,
        {"02.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    contnet: 学雷锋\n    content: 学雷锋\n    lead: 区委宣传部\n'},
    )
    p = assert_problem(problems(root), "D102", "indicators/02.yaml", 4, "您是否想写", "content")
    assert "contnet" in p["message"]


def test_D102_unknown_field_in_civdoc_yaml(project):
    text = config_text(deadline=None) + "deadlin: 2024-12-31\n"
    root = project(config=text)
    line = text.splitlines().index("deadlin: 2024-12-31") + 1
    assert_problem(problems(root), "D102", "civdoc.yaml", line, "您是否想写", "deadline")
    assert f"civdoc.yaml:{line}" in text_errors(root)


def test_D102_unknown_field_in_a_requirement(project):
    root = broken(
        project,
        {
            "02.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋\n    lead: 区委宣传部\n'
            "    requirements:\n      - name: 照片\n        mni: 3\n"
        },
    )
    assert_problem(problems(root), "D102", "indicators/02.yaml", 8, "您是否想写", "min")


def test_D102_unknown_field_in_a_unit(project):
    text = config_text(units=[{"name": UNIT_A, "alias": ["宣传部"]}, {"name": UNIT_B}, {"name": "团区委"}])
    root = project(config=text)
    line = text.splitlines().index("  alias:") + 1
    assert_problem(problems(root), "D102", "civdoc.yaml", line, "您是否想写", "aliases")


def test_D102_missing_field(project):
    root = broken(project, {"02.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    lead: 区委宣传部\n'})
    p = assert_problem(problems(root), "D102", "indicators/02.yaml", 3, "content")
    assert p["line"] == 3


def test_D102_missing_name_in_civdoc_yaml(project):
    root = project(config=config_text(name=None))
    assert_problem(problems(root), "D102", "civdoc.yaml", None, "name")


def test_D102_wrong_type(project):
    root = broken(
        project,
        {"02.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋\n    lead: 区委宣传部\n    score: 很多\n'},
    )
    assert_problem(problems(root), "D102", "indicators/02.yaml", 6, "很多")


def test_D102_wrong_type_in_civdoc_yaml(project):
    root = project(config="name: 测试\nperiod: {start: 2024-01-01, end: 2024-12-31}\nunits: 区委宣传部\n")
    assert_problem(problems(root), "D102", "civdoc.yaml", 3)


def test_D102_duplicate_key(project):
    root = broken(
        project,
        {
            "02.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋\n    content: 志愿服务\n'
            "    lead: 区委宣传部\n"
        },
    )
    assert_problem(problems(root), "D102", "indicators/02.yaml", 5)


def test_D102_no_indicator_files(project):
    root = project(indicators={})
    found = problems(root)
    assert found and all(p["code"].startswith("D") for p in found)


# -------------------------------------------------------------------------------------------
# D103, D104


def test_D103_duplicate_id_across_two_files(project):
    root = broken(
        project,
        {
            "02.yaml": INDICATOR_HEAD + '  - id: "9.9"\n    content: 其他\n    lead: 区委宣传部\n'
            '  - id: "1.2"\n    content: 又一个\n    lead: 区委宣传部\n'
        },
    )
    p = assert_problem(problems(root), "D103", "indicators/02.yaml", 6, "1.2")
    assert "01-思想道德建设.yaml" in p["message"]  # where it was defined first


def test_D103_same_id_written_differently(project):
    root = broken(project, {"02.yaml": INDICATOR_HEAD + '  - id: "１.２"\n    content: 全角\n    lead: 区委宣传部\n'})
    assert_problem(problems(root), "D103", "indicators/02.yaml", 3)


@pytest.mark.parametrize(
    "field, text, line",
    [
        ("lead", "    lead: 区教肓局\n", 5),
        ("units", "    lead: 区委宣传部\n    units: [区财政局]\n", 6),
        (
            "requirement units",
            "    lead: 区委宣传部\n    requirements:\n      - name: 照片\n        units: [区财政局]\n",
            8,
        ),
    ],
)
def test_D104_unknown_unit(project, field, text, line):
    root = broken(project, {"02.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋\n' + text})
    assert_problem(problems(root), "D104", "indicators/02.yaml", line)


def test_D104_suggests_the_nearest_unit(project):
    root = broken(project, {"02.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋\n    lead: 区教肓局\n'})
    assert_problem(problems(root), "D104", "indicators/02.yaml", 5, "您是否想写", UNIT_B)


def test_D104_unknown_unit_in_a_waiver(project):
    root = project(config=config_text(waivers=[{"code": "C203", "unit": "区财政局", "reason": "市级报送"}]))
    assert_problem(problems(root), "D104", "civdoc.yaml", None)


def test_units_by_alias_are_accepted(project):
    root = broken(
        project,
        {
            "02.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋\n    lead: 宣传部\n'
            "    units: [教育局]\n    method: 实地考察\n"
        },
    )
    code, out, err = run(root, "check")
    assert code == 0, out + err


# -------------------------------------------------------------------------------------------
# D105


IND_21 = INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋\n    lead: 区委宣传部\n'


@pytest.mark.parametrize(
    "text, line, words",
    [
        (IND_21 + "    window: {start: 2024-06-01, end: 2024-01-01}\n", 6, ["2024-01-01"]),
        (IND_21 + '    deadline: "2024-13-45"\n', 6, ["2024-13-45"]),
        (IND_21 + "    deadline: 2024-13-45\n", 6, ["2024-13-45"]),
        (IND_21 + "    deadline: 2024-02-30\n", 6, []),
        (IND_21 + "    requirements:\n      - name: 照片\n        min: -1\n", 8, ["min"]),
        (IND_21 + "    requirements:\n      - name: 照片\n        min_pixels: big\n", 8, ["big"]),
        (IND_21 + "    requirements:\n      - name: 照片\n        kind: 照片类\n", 8, ["照片类"]),
        (IND_21 + "    category: 加分项\n", 6, ["加分项"]),
    ],
    ids=[
        "window-reversed",
        "bad-date-quoted",
        "bad-date",
        "no-such-day",
        "min-negative",
        "min_pixels",
        "kind",
        "category",
    ],
)
def test_D105_invalid_value(project, text, line, words):
    root = broken(project, {"02.yaml": text})
    assert_problem(problems(root), "D105", "indicators/02.yaml", line, *words)


@pytest.mark.parametrize(
    "override, key",
    [
        ({"period": {"start": "2024-12-31", "end": "2024-01-01"}}, "period"),
        ({"layout": "unit"}, "layout"),
        ({"rules": {"X999": "info"}}, "rules"),
        ({"rules": {"T402": "loud"}}, "rules"),
        ({"waivers": [{"code": "C203", "indicator": "9.9", "reason": "无"}]}, "waivers"),
        ({"limits": {"max_file_mb": 0}}, "limits"),
    ],
)
def test_D105_in_civdoc_yaml(project, override, key):
    text = config_text(**override)
    root = project(config=text)
    line = next(i for i, text_line in enumerate(text.splitlines(), 1) if text_line.startswith(f"{key}:"))
    found = problems(root)
    assert [
        p
        for p in found
        if p["code"] == "D105" and p["path"] == "civdoc.yaml" and isinstance(p.get("line"), int) and p["line"] >= line
    ], found


def test_D105_unquoted_bad_date_in_civdoc_yaml(project):
    text = config_text(period=None) + "period: {start: 2024-01-01, end: 2024-02-30}\n"
    root = project(config=text)
    line = len(text.splitlines())
    assert_problem(problems(root), "D105", "civdoc.yaml", line)


# -------------------------------------------------------------------------------------------
# All at once, exit 2, no traceback, machine formats


def many_problems(project):
    files = {
        "02-syntax.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋: 志愿服务\n',  # D101 line 4
        "03-schema.yaml": INDICATOR_HEAD + '  - id: "3.1"\n    contnet: 拼错\n    content: 好\n'  # D102 line 4
        "    lead: 区委宣传部\n",
        "04-cross.yaml": INDICATOR_HEAD + '  - id: "1.1"\n    content: 重复\n    lead: 区委宣传部\n'  # D103 line 3
        '  - id: "4.2"\n    content: 单位\n    lead: 区财政局\n'  # D104 line 8
        '  - id: "4.3"\n    content: 窗口\n    lead: 区委宣传部\n',
        "05-value.yaml": INDICATOR_HEAD + '  - id: "5.1"\n    content: 窗口\n    lead: 区委宣传部\n'
        "    window: {start: 2024-06-01, end: 2024-01-01}\n",  # D105 line 6
    }
    return broken(project, files)


def test_all_problems_reported_at_once(project):
    root = many_problems(project)
    found = problems(root)
    assert_problem(found, "D101", "indicators/02-syntax.yaml", 4)
    assert_problem(found, "D102", "indicators/03-schema.yaml", 4)
    assert_problem(found, "D103", "indicators/04-cross.yaml", 3)
    assert_problem(found, "D104", "indicators/04-cross.yaml", 8)
    assert_problem(found, "D105", "indicators/05-value.yaml", 6)
    shown = text_errors(root)
    for where in ["02-syntax.yaml:4", "03-schema.yaml:4", "04-cross.yaml:3", "04-cross.yaml:8", "05-value.yaml:6"]:
        assert where in shown


def test_schema_and_unit_problems_in_one_file_reported_together(project):
    """Fixing one problem must not reveal another that was there all along."""
    root = broken(
        project,
        {"02.yaml": INDICATOR_HEAD + '  - id: "2.1"\n    content: 学雷锋\n    lead: 区财政局\n    score: 很多\n'},
    )
    found = problems(root)
    assert_problem(found, "D102", "indicators/02.yaml", 6)
    assert_problem(found, "D104", "indicators/02.yaml", 5)


def test_definition_errors_exit_2_and_nothing_is_checked(project):
    root = many_problems(project)
    code, out, err = run(root, "check")
    assert code == 2
    assert "Traceback" not in out + err
    assert "D101" in out + err
    # the evidence is not checked: no coverage findings, no summary of items
    assert "C20" not in out + err


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["check", "--format", "json"],
        ["build"],
        ["review", UNIT_A, "1.1", "--stage", "初审", "--pass", "--by", "王五"],
    ],
)
def test_every_command_stops_on_definition_errors(project, command, tmp_path):
    root = many_problems(project)
    if command[0] == "build":
        command = command + ["--out", str(tmp_path / "out")]
    code, out, err = run(root, *command)
    assert code == 2, out + err
    assert not (root / "reviews").exists()


def test_json_output_of_definition_errors(project):
    root = many_problems(project)
    code, out, _ = run(root, "check", "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert data["schema_version"] and data["tool"]["name"] == "civdoc"
    for p in data["findings"]:
        assert p["code"].startswith("D") and p["path"].startswith("indicators/0")
        assert isinstance(p["line"], int)
        assert p["severity"] == "error"
        assert p["message"]


def test_github_output_of_definition_errors(project):
    root = many_problems(project)
    code, out, _ = run(root, "check", "--format", "github")
    assert code == 2
    lines = [line for line in out.splitlines() if line.startswith("::")]
    assert len(lines) >= 5
    assert all(line.startswith("::error ") for line in lines)
    assert any("file=indicators/02-syntax.yaml" in line and "line=4" in line for line in lines)
    assert any("file=indicators/04-cross.yaml" in line and "line=8" in line for line in lines)


def test_junit_output_of_definition_errors(project):
    root = many_problems(project)
    code, out, _ = run(root, "check", "--format", "junit")
    assert code == 2
    tree = ET.fromstring(out.encode("utf-8"))
    failures = tree.findall(".//failure")
    assert failures
    assert "02-syntax.yaml" in "".join(f.text or "" for f in failures)


def test_definition_errors_written_to_output_file(project, tmp_path):
    root = many_problems(project)
    target = tmp_path / "problems.json"
    code, out, _ = run(root, "check", "--format", "json", "--output", str(target))
    assert code == 2
    assert {p["code"] for p in json.loads(target.read_text(encoding="utf-8"))["findings"]} >= {"D101", "D103"}


# -------------------------------------------------------------------------------------------
# What loads


def test_unquoted_id_stays_text(project):
    """`id: 2.10` is the number 2.1 to YAML; civdoc keeps the id as written."""
    text = (
        INDICATOR_HEAD + "  - id: 2.10\n    content: 第十项\n    lead: 区委宣传部\n"
        "  - id: 2.1\n    content: 第一项\n    lead: 区委宣传部\n"
    )
    root = project(
        indicators={"02.yaml": text},
        files={
            f"{EV}/{UNIT_A}/2.10 第十项/2024-03-15 材料.pdf": pdf,
            f"{EV}/{UNIT_A}/2.1 第一项/2024-03-15 材料.pdf": pdf,
        },
    )
    rep = report(root, expect=0)
    assert sorted(i["indicator"] for i in rep["items"]) == ["2.1", "2.10"]
    assert file_entry(rep, f"{EV}/{UNIT_A}/2.10 第十项/2024-03-15 材料.pdf")["indicator"] == "2.10"


def test_unquoted_id_in_waiver_stays_text(project):
    text = config_text() + "waivers:\n  - code: C202\n    indicator: 2.10\n    reason: 市级统一报送\n"
    inds = {"02.yaml": INDICATOR_HEAD + '  - id: "2.10"\n    content: 第十项\n    lead: 区委宣传部\n'}
    root = project(config=text, indicators=inds, files={f"{EV}/{UNIT_A}/": None})
    rep = report(root, expect=0)
    assert [(f["code"], f["indicator"], f["waived"]) for f in rep["findings"]] == [("C202", "2.10", True)]


def test_rules_off_unquoted_loads(project):
    """YAML 1.1 reads a bare `off` as false; `P506: off` must still mean off."""
    loose = f"{DIR_A}/2024-04-02 现场.jpg"  # serves no requirement: P506
    files = {**clean_files(), loose: jpeg}
    assert "P506" in {f["code"] for f in findings(project(files=files))}
    root = project(config=config_text() + "rules:\n  P506: off\n  T402: info\n", files=files)
    code, out, err = run(root, "check")
    assert code == 0, out + err
    assert "P506" not in {f["code"] for f in findings(root)}


def test_full_example_config_of_the_spec_loads(project):
    text = """name: 示例区2024年创建全国文明城市材料自查
period: {start: 2023-08-01, end: 2024-07-31}
deadline: 2024-07-15
layout: unit/indicator
units:
  - name: 区委宣传部
    aliases: [宣传部]
    contact: 张三 13800000000
  - name: 区教育局
  - name: 团区委
review:
  stages: [初审, 复审, 终审]
  allow_self_review: false
limits:
  max_file_mb: 50
kinds:
  实景图片: [jpg, jpeg, png]
rules:
  T402: info
  P506: off
waivers:
  - code: C203
    unit: 区教育局
    indicator: "1.2"
    reason: 该项由市级统一报送
    until: 2024-06-30
"""
    root = project(config=text, files={})
    code, out, err = run(root, "check", today="2024-05-01")
    assert code in (0, 1), out + err


def test_spec_indicator_example_loads(project):
    text = """aspect: 思想道德建设
order: 2
indicators:
  - id: "2.1"
    content: 学雷锋志愿服务
    standards:
      - text: 建立学雷锋志愿服务工作机制，制定年度工作方案。
        method: 材料审核
      - 志愿服务组织开展常态化活动。
    method: 材料审核
    score: 2
    category: 基本指标
    lead: 团区委
    units: [区教育局, 团区委]
    deadline: 2024-06-30
    window: {start: 2024-01-01, end: 2024-06-30}
    requirements:
      - name: 工作方案
        kind: 正式发文
        min: 1
        match: [方案]
        types: [pdf, docx]
        units: [团区委]
      - name: 活动照片
        kind: 实景图片
        min: 5
        min_pixels: 1280x720
"""
    root = project(indicators={"02-思想道德建设.yaml": text}, files={})
    rep = report(root, today="2024-05-01")
    assert {(i["unit"], i["indicator"]) for i in rep["items"]} == {("团区委", "2.1"), (UNIT_B, "2.1")}


def test_project_config_default_is_valid(project):
    root = project()
    assert run(root, "check")[0] == 0
    assert DEFAULT_CONFIG["units"][0]["name"] == UNIT_A
