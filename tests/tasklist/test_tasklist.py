"""civdoc init --from and civdoc import: lists of our own in Excel and Word, read back field by field."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from tests.support.helpers import run
from tests.support.paths import REPO

TITLE = "测试区2025年创建全国文明城市材料自查任务清单"


def xlsx_list(path: Path, revised: bool = False) -> Path:
    """Two sheets with a two-row header (责任单位 split into 牵头/配合), merged cells, every date and score form."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "任务清单"
    ws.append([TITLE])
    ws.merge_cells("A1:J1")
    ws.append(
        ["序号", "测评\n项目", "测评内容", "测评标准", "测评方法", "分值", "责任单位", None, "完成时限", "佐证材料"]
    )
    ws.append([None, None, None, None, None, None, "牵头单位", "配合单位", None, None])
    for col in "ABCDEFIJ":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("G2:H2")
    score = "3分" if revised else "2分"
    rows: list[list[Any]] = [
        [
            1,
            "一、思想道德建设",
            "1.学雷锋志愿服务",
            "1)建立工作机制；\n2)开展常态化活动。",
            "1)材料审核\n2)材料审核、问卷调查",
            score,
            "区文明办",
            "团区委、区教育局",
            datetime(2025, 6, 30),
            "1.工作方案；2.活动照片（不少于5张）",
        ],
        [2, None, None, "注册志愿者比例达标。", "网上申报", None, None, None, None, None],
        [
            3,
            None,
            "2.诚信建设",
            "开展诚信宣传。",
            "材料审核",
            1.5,
            "区教育局",
            "各街道办事处",
            "2025年7月31日",
            "制度文件",
        ],
        [4, None, "3.网络文明", "开展网络文明活动。", "材料审核", 1, "团区委", None, "2025.8.31", "活动方案"],
        [5, None, "4.文明交通", "路口秩序良好。", "实地考察", "2", "区公安分局", None, "2025/9/30", None],
        [
            6,
            "二、文明风尚培育",
            "1.移风易俗",
            "红白理事会覆盖。",
            "材料审核",
            2,
            "区民政局",
            None,
            "2025-10-31",
            "工作台账",
        ],
        [7, None, "2.文明家庭", "开展评选。", "材料审核", 1, "区民政局", None, "6月底前", "评选通知"],
        [8, None, "3.社区服务", "设施覆盖。", "材料审核", 1, "区民政局", None, "6月30日前", "统计表"],
        [9, None, "4.志愿服务站", "站点运行。", "材料审核", 1, "区民政局", None, "长期坚持", "服务记录"],
        [10, None, "5.邻里互助", "开展互助活动。", "材料审核", 1, "区民政局", None, "年内完成", "活动照片"],
    ]
    if revised:
        rows[3][2] = "3.网络文明建设"  # renamed, same place: matched by id
        rows[4][8] = "2025/12/31"
        rows = [r for r in rows if r[2] != "5.邻里互助"]  # removed
        rows.append(
            [11, None, "5.文明餐桌", "倡导光盘行动。", "材料审核", 1, "区市场监管局", None, "2025-11-30", "宣传报道"]
        )
    for row in rows:
        ws.append(row)
    ws.merge_cells("B4:B8")  # 测评项目 merged over its rows; rows 9-13 continue by empty cells
    ws.merge_cells("C4:C5")
    ws.merge_cells("F4:F5")
    ws.merge_cells("J4:J5")
    ws.merge_cells("G4:G5")
    ws.merge_cells("H4:H5")
    ws.merge_cells("I4:I5")
    ws.merge_cells("H6:H7")  # one 配合单位 cell for 1.2 and 1.3
    bonus = book.create_sheet("加分项")
    bonus.append(["序号", "测评内容", "测评标准", "分值", "责任单位", "完成时限", "佐证材料"])
    bonus.append([1, "特色品牌", "打造品牌项目。", "1分", "区文明办", "2025年10月31日", "媒体报道（不少于3篇）"])
    negative = book.create_sheet("负面清单")
    negative.append(["测评内容", "测评标准", "分值", "责任单位"])
    negative.append(["重大负面事件", "发生不文明事件的扣分。", "-5分", "区文明办、各街道办事处"])
    notes = book.create_sheet("填表说明")
    notes.append(["请各单位按时报送。"])
    book.save(path)
    return path


def load(root: Path, name: str) -> dict[str, Any]:
    return yaml.safe_load((root / "indicators" / name).read_text(encoding="utf-8"))


def by_id(root: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((root / "indicators").glob("*.yaml")):
        for ind in yaml.safe_load(path.read_text(encoding="utf-8"))["indicators"]:
            found[ind["id"]] = {**ind, "_file": path.name}
    return found


def init(tmp_path: Path, source: Path, *extra: str) -> tuple[int, str, str, Path]:
    target = tmp_path / "新区"
    code, out, err = run(None, "init", str(target), "--from", str(source), *extra)
    return code, out, err, target


def test_init_from_xlsx_field_by_field(tmp_path: Path) -> None:
    code, out, err, root = init(tmp_path, xlsx_list(tmp_path / "清单.xlsx"))
    assert code == 0, err
    inds = by_id(root)
    assert sorted((root / "indicators").iterdir()) == [
        root / "indicators" / n
        for n in ["01-思想道德建设.yaml", "02-文明风尚培育.yaml", "03-特色指标.yaml", "04-负面清单.yaml"]
    ]
    first = inds["1.1"]
    assert list(first)[:11] == [
        "id",
        "content",
        "standards",
        "method",
        "score",
        "source",
        "lead",
        "units",
        "deadline",
        "requirements",
        "_file",
    ]
    assert first["content"] == "学雷锋志愿服务"
    assert first["standards"] == [
        "建立工作机制",
        {"text": "开展常态化活动。", "method": ["材料审核", "问卷调查"]},
        {"text": "注册志愿者比例达标。", "method": "网上申报"},
    ]
    assert first["method"] == "材料审核"
    assert first["score"] == 2
    assert first["source"] == {"file": "清单.xlsx", "sheet": "任务清单", "rows": "4-5"}
    assert first["lead"] == "区文明办" and first["units"] == ["团区委", "区教育局"]
    assert first["deadline"] == date(2025, 6, 30)
    assert first["requirements"] == [
        {"name": "工作方案", "kind": "正式发文", "match": ["方案"]},
        {"name": "活动照片", "kind": "实景图片", "min": 5, "match": ["照片"]},
    ]
    assert inds["1.2"]["score"] == 1.5 and inds["1.2"]["deadline"] == date(2025, 7, 31)
    assert inds["1.2"]["units"] == ["各街道办事处"]
    assert inds["1.3"]["deadline"] == date(2025, 8, 31) and inds["1.3"]["units"] == ["各街道办事处"]
    assert inds["1.4"]["deadline"] == date(2025, 9, 30) and inds["1.4"]["method"] == "实地考察"
    assert "requirements" not in inds["1.4"] and inds["1.4"]["score"] == 2
    assert inds["2.1"]["deadline"] == date(2025, 10, 31) and inds["2.1"]["_file"] == "02-文明风尚培育.yaml"
    assert inds["2.2"]["deadline"] == date(2025, 6, 30)  # 6月底前, the year of the title
    assert inds["2.3"]["deadline"] == date(2025, 6, 30)  # 6月30日前
    assert "deadline" not in inds["2.4"]  # 长期坚持: no deadline of its own
    assert "deadline" not in inds["2.5"]  # 年内完成: a warning, never a guess
    assert inds["2.3"]["requirements"] == [{"name": "统计表", "kind": "统计表格", "match": ["统计"]}]
    bonus, negative = inds["特1"], inds["负1"]
    assert bonus["category"] == "特色指标" and bonus["score"] == 1 and bonus["units"] == ["区文明办"]
    assert bonus["requirements"] == [{"name": "媒体报道", "kind": "媒体报道", "min": 3, "match": ["报道"]}]
    assert negative["category"] == "负面清单" and negative["score"] == -5
    assert negative["units"] == ["区文明办", "各街道办事处"]
    config = yaml.safe_load((root / "civdoc.yaml").read_text(encoding="utf-8"))
    assert config["name"] == "测试区2025年创建全国文明城市材料自查"
    assert config["period"] == {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}
    assert [u["name"] for u in config["units"]] == [
        "区文明办",
        "团区委",
        "区教育局",
        "各街道办事处",
        "区公安分局",
        "区民政局",
    ]
    text = (root / "civdoc.yaml").read_text(encoding="utf-8")
    assert "各街道办事处  # 推断：集合名称" in text
    assert "# 推断：“6月底前”按 2025 年理解为 2025-06-30" in (root / "indicators" / "02-文明风尚培育.yaml").read_text(
        encoding="utf-8"
    )
    assert (root / "evidence").is_dir() and (root / ".gitignore").read_text() == "out/\n.civdoc/\n"
    # the summary: per sheet, counts, guesses with sheet and cell, warnings
    assert "任务清单：表头在第 3 行，读取 10 行" in out
    assert "填表说明：没有找到表头，已跳过" in out
    assert "共 4 个测评项目、11 个测评内容（其中特色指标 1 个、负面清单 1 个）" in out
    assert "任务清单!I10：2.2 完成时限：“6月底前”按 2025 年理解为 2025-06-30" in out
    assert "各街道办事处（任务清单!H6）" in out
    assert "任务清单!I13：完成时限“年内完成”无法识别" in out
    assert "任务清单!J4：1.1 佐证材料“活动照片”" in out
    # the project loads with civdoc's own loader, and check runs on it
    from civdoc.project.load import load_project

    project = load_project(root)
    assert len(project.indicators) == 11
    code, _, err = run(root, "check")
    assert code == 1, err


def test_init_columns_option_when_headers_differ(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["工作事项", "要求", "主办", "完成时限"])
    ws.append(["垃圾分类", "设施齐全。", "区城管局", "2025-06-30"])
    book.save(tmp_path / "l.xlsx")
    code, _, err, root = init(tmp_path, tmp_path / "l.xlsx")
    assert code == 2 and not root.exists()
    assert "没有找到表头" in err and "Sheet：第1行：工作事项 | 要求 | 主办 | 完成时限" in err
    code, _, err, root = init(tmp_path, tmp_path / "l.xlsx", "--columns", "测评内容=A,测评标准=B,牵头单位=C")
    assert code == 0, err
    ind = by_id(root)["1.1"]
    assert ind["content"] == "垃圾分类" and ind["lead"] == "区城管局" and ind["deadline"] == date(2025, 6, 30)


def docx_list(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("某区2026年材料自查任务分解表")
    table = document.add_table(rows=6, cols=6)
    for c, text in enumerate(["序号", "测评内容", "测评标准", "测评方式", "责任部门", "完成时间"]):
        table.cell(0, c).text = text
    section = table.cell(1, 0).merge(table.cell(1, 5))
    section.text = "一、理想信念教育"
    data = [
        [
            "1",
            "理论\n学习",
            "（1）制定学习计划；（2）按计划学习。",
            "材料审核",
            "区委宣传部、区教育局",
            "2026年3月31日",
        ],
        ["2", None, "学习有记录。", "网上申报", None, None],
        ["3", "理论宣讲", "宣讲进社区。", "材料审核", "团区委", "长期坚持"],
    ]
    for r, values in enumerate(data, start=2):
        for c, text in enumerate(values):
            if text is not None:
                table.cell(r, c).text = text
    table.cell(2, 1).merge(table.cell(3, 1))
    table.cell(2, 4).merge(table.cell(3, 4))
    table.cell(2, 5).merge(table.cell(3, 5))
    table.cell(4, 1).merge(table.cell(4, 2))  # a 测评内容 with no 测评标准 of its own: read once
    special = table.cell(5, 0).merge(table.cell(5, 5))
    special.text = "二、特色指标"
    row = table.add_row()
    for c, text in enumerate(["1", "志愿品牌", "打造品牌。", "材料审核", "团区委", "2026.6.30"]):
        row.cells[c].text = text
    document.save(str(path))
    return path


def test_init_from_docx(tmp_path: Path) -> None:
    code, out, err, root = init(tmp_path, docx_list(tmp_path / "清单.docx"))
    assert code == 0, err
    inds = by_id(root)
    assert set(inds) == {"1.1", "1.2", "特1"}
    first = inds["1.1"]
    assert first["content"] == "理论学习"  # line breaks inside a name removed
    assert first["standards"] == ["制定学习计划", "按计划学习。", {"text": "学习有记录。", "method": "网上申报"}]
    assert first["units"] == ["区委宣传部", "区教育局"]  # the merged cell read once
    assert first["deadline"] == date(2026, 3, 31)
    assert first["source"] == {"file": "清单.docx", "sheet": "表1", "rows": "3-4"}
    assert first["_file"] == "01-理想信念教育.yaml"
    assert "deadline" not in inds["1.2"] and "standards" not in inds["1.2"]
    assert inds["特1"]["category"] == "特色指标" and inds["特1"]["deadline"] == date(2026, 6, 30)
    config = yaml.safe_load((root / "civdoc.yaml").read_text(encoding="utf-8"))
    assert config["period"]["start"] == date(2026, 1, 1)
    assert "表1：表头在第 1 行" in out


@pytest.mark.parametrize("case", ["xls", "corrupt", "encrypted", "no_file"])
def test_unreadable_lists_are_refused_and_nothing_written(tmp_path: Path, case: str) -> None:
    names = {"xls": "清单.xls", "corrupt": "清单.xlsx", "encrypted": "清单.xlsx", "no_file": "无.xlsx"}
    source = tmp_path / names[case]
    if case == "xls":
        source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    elif case == "corrupt":
        source.write_bytes(b"PK\x03\x04 truncated")
    elif case == "encrypted":
        source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    code, _, err, root = init(tmp_path, source)
    assert code == 2 and not root.exists()
    expected = {
        "xls": "另存为”Excel 工作簿（.xlsx）",
        "corrupt": "无法读取",
        "encrypted": "设有打开密码",
        "no_file": "找不到",
    }
    assert expected[case] in err


def test_bad_unit_names_and_duplicate_ids_are_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["编号", "测评内容", "测评标准", "责任单位"])
    ws.append(["1.1", "甲", "甲标准。", "区教育局:教研室"])
    ws.append(["1.1", "乙", "乙标准。", "CON"])
    book.save(tmp_path / "bad.xlsx")
    code, _, err, root = init(tmp_path, tmp_path / "bad.xlsx")
    assert code == 2 and not root.exists()
    assert "Sheet!D2：“区教育局:教研室”含有不能用于文件夹名称的字符“:”" in err
    assert "“CON”是 Windows 的保留设备名" in err
    ws["D2"], ws["D3"] = "区教育局", "团区委"
    book.save(tmp_path / "bad.xlsx")
    code, _, err, root = init(tmp_path, tmp_path / "bad.xlsx")
    assert code == 2 and not root.exists()
    assert "编号“1.1”：Sheet 第2行“甲”与 Sheet 第3行“乙”" in err


def test_formula_without_cached_value_is_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["测评内容", "测评标准", "分值", "责任单位"])
    ws.append(["甲", "甲标准。", "=1+1", "区教育局"])
    book.save(tmp_path / "f.xlsx")  # openpyxl stores no cached value for a formula
    code, out, err, root = init(tmp_path, tmp_path / "f.xlsx")
    assert code == 0, err
    assert "C2 是公式 =1+1，但文件中没有保存计算结果" in out


def test_init_never_overwrites_and_minimal_project_loads(tmp_path: Path) -> None:
    root = tmp_path / "空白"
    code, out, err = run(None, "init", str(root))
    assert code == 0, err
    assert "带注释的空白项目" in out
    text = (root / "civdoc.yaml").read_text(encoding="utf-8")
    assert text.startswith("# civdoc 项目设置") and "--from" in text
    code, _, err = run(root, "check")
    assert code == 1, err  # loads; the one unit has no folder yet
    before = (root / "civdoc.yaml").read_bytes()
    code, _, err = run(None, "init", str(root), "--from", str(xlsx_list(tmp_path / "l.xlsx")))
    assert code == 2 and "不会覆盖" in err
    assert (root / "civdoc.yaml").read_bytes() == before


def test_missing_project_names_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(None, "check")
    assert code == 2
    assert "civdoc init" in err and "--from" in err


def test_reimport_keeps_hand_edits_and_applies_the_list(tmp_path: Path) -> None:
    code, _, err, root = init(tmp_path, xlsx_list(tmp_path / "清单.xlsx"))
    assert code == 0, err
    path = root / "indicators" / "01-思想道德建设.yaml"
    text = path.read_text(encoding="utf-8")
    # by hand: a requirement's minimum raised and a comment added, a window added to 1.3
    text = text.replace("        min: 5\n", "        min: 8        # 领导要求至少8张\n", 1)
    text = text.replace(
        "    content: 网络文明\n", "    content: 网络文明\n    window: {start: 2025-03-01, end: 2025-09-30}\n"
    )
    path.write_text(text, encoding="utf-8")
    config_before = (root / "civdoc.yaml").read_text(encoding="utf-8")
    revised = xlsx_list(tmp_path / "清单修订.xlsx", revised=True)

    code, out, err = run(None, "import", str(revised), "--dry-run", "--project", str(root))
    assert code == 0, err
    assert "试运行" in out and "更新 1.1 学雷锋志愿服务" in out and "分值 2 → 3" in out
    assert path.read_text(encoding="utf-8") == text  # --dry-run writes nothing
    assert (root / "civdoc.yaml").read_text(encoding="utf-8") == config_before

    code, out, err = run(None, "import", str(revised), "--project", str(root))
    assert code == 0, err
    after = path.read_text(encoding="utf-8")
    assert "min: 8        # 领导要求至少8张" in after  # the hand edit and its comment survive
    assert "window: {start: 2025-03-01, end: 2025-09-30}" in after
    inds = by_id(root)
    assert inds["1.1"]["score"] == 3
    assert inds["1.1"]["requirements"][1] == {"name": "活动照片", "kind": "实景图片", "min": 8, "match": ["照片"]}
    assert inds["1.3"]["content"] == "网络文明建设" and inds["1.3"]["window"]["start"] == date(2025, 3, 1)
    assert list(inds["1.3"])[:4] == ["id", "content", "window", "standards"]  # the hand-made order kept
    assert inds["1.4"]["deadline"] == date(2025, 12, 31)
    assert "2.5" in inds  # removed from the list, kept without --prune
    new = inds["2.6"]  # the next id in its 测评项目
    assert new["content"] == "文明餐桌" and new["lead"] == "区市场监管局" and new["deadline"] == date(2025, 11, 30)
    assert "新增 2.6 文明餐桌" in out and "清单中已没有（保留；加 --prune 可删除） 2.5 邻里互助" in out
    assert "新登记单位（civdoc.yaml）：区市场监管局" in out
    config_text = (root / "civdoc.yaml").read_text(encoding="utf-8")
    assert config_text.startswith("# civdoc 项目设置") and "各街道办事处  # 推断：集合名称" in config_text
    assert "- name: 区市场监管局" in config_text
    from civdoc.project.load import load_project

    assert len(load_project(root).indicators) == 12

    code, out, err = run(None, "import", str(revised), "--prune", "--project", str(root))
    assert code == 0, err
    assert "删除 2.5 邻里互助" in out
    assert "2.5" not in by_id(root)
    assert "min: 8        # 领导要求至少8张" in path.read_text(encoding="utf-8")


def test_shipped_example_gives_a_project_whose_folders_satisfy_check(tmp_path: Path) -> None:
    example = REPO / "examples" / "任务清单示例.xlsx"
    code, out, err, root = init(tmp_path, example)
    assert code == 0, err
    assert "共 5 个测评项目、15 个测评内容（其中特色指标 1 个、负面清单 1 个）" in out
    from civdoc.project.load import load_project

    project = load_project(root)
    assert len(project.unit_names) == 6
    # the folders `civdoc scaffold` makes: then check reports missing material only
    for ind in project.indicators.values():
        if ind.needs_material:
            for unit in ind.responsible:
                (root / "evidence" / unit / f"{ind.id} {ind.content}").mkdir(parents=True)
    code, out, err = run(root, "check", "--format", "json")
    assert code == 1, err
    import json

    found = {f["code"] for f in json.loads(out)["findings"]}
    assert found and not found & {"C201", "C202", "D101", "D102", "D103", "D104", "D105"}


def test_names_that_need_quoting_in_yaml_load_back(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["一级指标", "二级指标", "三级指标", "测评标准", "测评方法", "分值", "责任单位"])
    ws.append(["Ⅰ—1 思想道德", "Ⅱ—1 理论学习", "Ⅲ—1 健全学习制度", "yes", "材料审核", "1", "区委: 宣传部"])
    ws.append([None, None, "Ⅲ—2 学习常态化", "#标准 [a], {b}", "实地考查", "null", "区教育局"])
    ws.append([None, "Ⅱ—2 理论宣讲", "Ⅲ-12 宣讲进基层", "1.5万人参加。", "网络（电话、媒体）调查", "2", "- 团区委"])
    book.save(tmp_path / "old.xlsx")
    code, _, err, root = init(tmp_path, tmp_path / "old.xlsx")
    assert code == 2 and "“区委:宣传部”含有不能用于文件夹名称的字符“:”" in err
    ws["G2"] = "区委宣传部"
    book.save(tmp_path / "old.xlsx")
    code, out, err, root = init(tmp_path, tmp_path / "old.xlsx")
    assert code == 0, err
    from civdoc.project.load import load_project

    project = load_project(root)
    inds = {i.id: i for i in project.indicators.values()}
    assert set(inds) == {"1", "2", "12"}  # Roman level prefixes are numbering
    assert inds["1"].standards[0].text == "yes" and inds["1"].group == "理论学习"
    assert inds["2"].standards[0].text == "#标准 [a], {b}" and inds["2"].methods == ["实地考察"]
    assert inds["12"].standards[0].text == "1.5万人参加。" and inds["12"].methods == ["网络调查"]
    assert inds["12"].group == "理论宣讲" and inds["12"].units == ["团区委"]
    assert "分值“null”无法识别" in out and "Sheet!E3：2 测评方法“实地考查”按“实地考察”读取" in out


def test_init_into_an_existing_folder_keeps_what_is_there(tmp_path: Path) -> None:
    root = tmp_path / "已有"
    (root / "evidence" / "区文明办").mkdir(parents=True)
    (root / "evidence" / "区文明办" / "方案.pdf").write_bytes(b"%PDF-1.4")
    (root / "说明.txt").write_text("x", encoding="utf-8")
    code, out, err = run(None, "init", str(root), "--from", str(xlsx_list(tmp_path / "l.xlsx")))
    assert code == 0, err
    assert (root / "evidence" / "区文明办" / "方案.pdf").read_bytes() == b"%PDF-1.4"
    assert (root / "说明.txt").exists() and (root / "civdoc.yaml").is_file()
    assert "已有的 evidence/ 保持不变" in out
    assert not [p for p in root.iterdir() if p.name.startswith(".civdoc-init-")]


def test_rows_holding_only_more_material_continue_the_indicator(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["测评项目", "测评内容", "测评标准", "责任单位", "佐证材料"])
    ws.append(["思想道德建设", "志愿服务", "开展活动。", "团区委", "工作方案"])
    ws.append([None, None, None, None, "活动照片（不少于3张）"])
    ws.append([None, None, None, "区教育局", None])
    ws.append(["文明风尚", None, None, None, None])  # a heading in the 测评项目 column
    ws.append([None, "移风易俗", "红白理事会。", "区民政局", "章程"])
    book.save(tmp_path / "c.xlsx")
    code, out, err, root = init(tmp_path, tmp_path / "c.xlsx")
    assert code == 0, err
    inds = by_id(root)
    first = inds["1.1"]
    assert [r["name"] for r in first["requirements"]] == ["工作方案", "活动照片"]
    assert first["units"] == ["团区委", "区教育局"] and first["source"]["rows"] == "2-4"
    assert inds["2.1"]["_file"] == "02-文明风尚.yaml" and inds["2.1"]["content"] == "移风易俗"
    assert "Sheet：表头在第 1 行，读取 5 行，跳过 0 行" in out


def test_column_numbers_marked_leads_and_placeholder_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["序号", "测评内容", "测评标准", "分值", "责任单位", "完成时限"])
    ws.append([1, 2, 3, 4, 5, 6])  # a row of column numbers under the header
    ws.append([1, "文明餐桌", "倡导光盘。", "/", "区商务局、区教育局（牵头）、各成员单位配合", "—"])
    book.save(tmp_path / "n.xlsx")
    code, out, err, root = init(tmp_path, tmp_path / "n.xlsx")
    assert code == 0, err
    ind = by_id(root)["1.1"]
    assert ind["lead"] == "区教育局" and ind["units"] == ["区商务局", "各成员单位"]
    assert "score" not in ind and "deadline" not in ind and "无法识别" not in out
    assert "Sheet!E3：1.1 牵头单位取“区教育局”（单元格中注明牵头）" in out
    assert "读取 1 行，跳过 1 行" in out


def test_word_table_split_in_two_is_read_as_one(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    first = document.add_table(rows=2, cols=4)
    for c, text in enumerate(["测评项目", "测评内容", "测评标准", "责任单位"]):
        first.cell(0, c).text = text
    for c, text in enumerate(["一、文明风尚", "移风易俗", "红白理事会。", "区民政局"]):
        first.cell(1, c).text = text
    document.add_paragraph("")
    second = document.add_table(rows=1, cols=4)  # the rest of the table, after a page break
    for c, text in enumerate(["", "文明家庭", "开展评选。", "区妇联"]):
        second.cell(0, c).text = text
    document.save(str(tmp_path / "split.docx"))
    code, out, err, root = init(tmp_path, tmp_path / "split.docx")
    assert code == 0, err
    inds = by_id(root)
    assert inds["1.2"]["content"] == "文明家庭" and inds["1.2"]["units"] == ["区妇联"]
    assert inds["1.2"]["source"] == {"file": "split.docx", "sheet": "表2", "rows": "1"}
    assert "表2：没有表头，作为表1的续表读取，读取 1 行" in out


def test_importing_the_same_list_changes_nothing(tmp_path: Path) -> None:
    source = xlsx_list(tmp_path / "清单.xlsx")
    code, _, err, root = init(tmp_path, source)
    assert code == 0, err
    before = {p: p.read_bytes() for p in [root / "civdoc.yaml", *(root / "indicators").iterdir()]}
    code, out, err = run(None, "import", str(source), "--project", str(root))
    assert code == 0, err
    assert "没有需要写入的修改" in out and "未变 11 个指标" in out
    assert {p: p.read_bytes() for p in before} == before


def test_national_system_shape(tmp_path: Path) -> None:
    """The shape of the national 测评体系 tables: notes above the header, 测评标准 merged over three
    columns, Roman level prefixes, a 测评项目 written one character a line, numbered clauses and methods."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["地级城市"])
    ws.append(["全国文明城市测评体系（示例版）"])
    ws.append(["申报条件：获得提名资格。有以下情形之一的不得申报：(1)发生重大事故；(2)发生重大事件。"])
    ws.append([])
    ws.append(["测评\n项目", "指标名称", "测评内容", "测评标准", None, None, "测评方法"])
    ws.merge_cells("D5:F5")
    ws.append(
        [
            "Ⅰ—1\n中\n央\n文\n明\n委\n重\n点\n工\n作",
            "Ⅱ—1\n深入学习宣传",
            "Ⅲ—1\n健全学习制度",
            "1)制定学习计划；\n2)建立学习制度；\n3)完善考核办法。",
            None,
            None,
            "材料审核",
        ]
    )
    ws.append(
        [
            None,
            None,
            "Ⅲ—2\n大力宣传阐释",
            "1)开设专题专栏；\n2)深入基层宣讲。",
            None,
            None,
            "1)材料审核\n2)材料审核、问卷调查",
        ]
    )
    ws.append([None, "Ⅱ—2\n培育核心价值观", "Ⅲ—3\n宣传教育", "公益广告覆盖。", None, None, "实地考察"])
    for r in (6, 7, 8):
        ws.merge_cells(f"D{r}:F{r}")
    ws.merge_cells("A6:A8")
    ws.merge_cells("B6:B7")
    book.save(tmp_path / "体系.xlsx")
    code, out, err, root = init(tmp_path, tmp_path / "体系.xlsx")
    assert code == 0, err
    inds = by_id(root)
    assert set(inds) == {"1", "2", "3"}
    assert inds["1"]["_file"] == "01-中央文明委重点工作.yaml"
    assert inds["1"]["content"] == "健全学习制度" and inds["1"]["group"] == "深入学习宣传"
    assert inds["1"]["standards"] == ["制定学习计划", "建立学习制度", "完善考核办法。"]
    assert inds["2"]["standards"] == ["开设专题专栏", {"text": "深入基层宣讲。", "method": ["材料审核", "问卷调查"]}]
    assert inds["3"]["group"] == "培育核心价值观" and inds["3"]["method"] == "实地考察"
    config = yaml.safe_load((root / "civdoc.yaml").read_text(encoding="utf-8"))
    assert config["name"] == "全国文明城市测评体系（示例版）"
    assert "表头在第 5 行，读取 3 行" in out
    assert "没有“责任单位”或“牵头单位”列" in out


def test_methods_one_a_line_or_a_space_apart_are_separate_methods(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["测评项目", "测评内容", "测评标准", "测评方法", "责任单位"])
    ws.append(["一、思想", "理论宣讲", "有方案。", "材料审核\n实地考察", "区委宣传部"])
    ws.append(["一、思想", "志愿服务", "有台账。", "材料审核 网上申报", "团区委"])
    ws.append(["一、思想", "移风易俗", "有记录。", "材\n料\n审\n核", "团区委"])
    book.save(tmp_path / "l.xlsx")
    code, _, err, root = init(tmp_path, tmp_path / "l.xlsx")
    assert code == 0, err
    methods = {ind["content"]: ind["method"] for ind in by_id(root).values()}
    as_list = {k: [v] if isinstance(v, str) else v for k, v in methods.items()}
    assert as_list == {
        "理论宣讲": ["材料审核", "实地考察"],
        "志愿服务": ["材料审核", "网上申报"],
        "移风易俗": ["材料审核"],
    }
    assert run(root, "check", "--today", "2026-11-22")[0] in (0, 1)  # the project loads: no D105


def test_a_very_long_aspect_still_makes_an_indicator_file(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["测评项目", "测评内容", "测评标准", "责任单位"])
    ws.append(["一、" + "长" * 300, "理论宣讲", "有方案。", "区委宣传部"])
    book.save(tmp_path / "l.xlsx")
    code, _, err, root = init(tmp_path, tmp_path / "l.xlsx")
    assert code == 0, err
    files = list((root / "indicators").glob("*.yaml"))
    assert len(files) == 1 and len(files[0].name.encode("utf-8")) <= 255


@pytest.mark.parametrize("columns", ["测评内容=C,测评内容=D", "测评内容=C,测评标准=C"])
def test_columns_naming_a_header_or_a_column_twice_is_a_usage_error(tmp_path: Path, columns: str) -> None:
    example = REPO / "examples" / "任务清单示例.xlsx"
    code, _, err, root = init(tmp_path, example, "--columns", columns)
    assert code == 2 and "--columns" in err and not root.exists()


def test_columns_naming_an_empty_column_is_a_usage_error(tmp_path: Path) -> None:
    example = REPO / "examples" / "任务清单示例.xlsx"
    code, _, err, root = init(tmp_path, example, "--columns", "测评内容=ZZ")
    assert code == 2 and "是空的" in err and not root.exists()


@pytest.mark.parametrize("text", ["99999年1月1日", "1899-01-01", "3000/1/1"])
def test_an_implausible_deadline_is_named_not_taken(text: str) -> None:
    from civdoc.tasklist.fields import parse_deadline

    deadline, _, problem = parse_deadline(text, 2025)
    assert deadline is None and problem and text in problem
