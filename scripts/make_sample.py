#!/usr/bin/env python3
"""Rebuild evidence/ of the civdoc sample district (示例区) from scratch.

Run from the repository root:

    python scripts/make_sample.py

It deletes evidence/ (and nothing else), then writes small but real files: PDFs rendered with
Pillow, JPEG photos with EXIF dates, DOCX via python-docx, XLSX via openpyxl. The output is
deterministic: fixed seeds, fixed dates, fixed zip timestamps; it never looks at the clock.
It reads civdoc.yaml and indicators/*.yaml (plain YAML, not the civdoc package), so every
responsible unit gets a folder for every indicator it must supply, and every requirement gets
files whose names match its keywords — except for the gaps planted on purpose below.

Planted gaps: what `civdoc check --today 2026-11-22` should report
------------------------------------------------------------------
  C201  区总工会 has no folder at all (responsible for 5.2 and 7.3)
  C202  区司法局 has no folder for 7.2 公共法律服务; civdoc.yaml holds an expired waiver for it,
        so the finding stands and W801 is reported for the waiver
  C203  区住房和城乡建设局/8.4 老旧小区改造: no 推进会纪要 (8.4 is due 2026-11-27, so also S702)
  C203  区卫生健康局/8.3: no 评估报告 — covered by the active waiver (reported as waived, no error)
  C204  区城市管理局/11.3、问题整改常态化: 2 整改照片 of 3 (and S701: 11.3 was due 2026-10-31)
  F301  区文化和旅游局/05 …/5.1 公共文化设施开放/活动照片/活动照片原图打包.zip (zip where photos go)
  F302  区市场监管局/6.1 优化营商环境/2026-04-10 营商环境政策宣传截图.pdf (a PNG named .pdf)
  F303  区生态环境局/10.2 水环境治理/2026-06-18 河长制工作会议纪要.pdf (zero bytes)
  F304  区公安分局/09 …/9.1 社会治安防控/2026-05-12 社会治安防控体系建设工作方案.pdf (cut in half)
  F305  区司法局/7.1 普法宣传教育/2026-03-20 区司法局普法责任清单.pdf (encrypted, password 1234)
  F307  宣传部/01 …/1.2 理论宣讲/活动照片/2026年4月20日 社区宣讲4.jpg (800x600; 1280x720 required)
  T401  区文明办/2.1-学雷锋志愿服务/活动照片/2025-06-01 志愿服务启动仪式.jpg (before the period)
  T402  区教育局/4.1 学校思想政治教育/活动照片/校园宣传栏.jpg (no date in name or folder, no EXIF)
  T403  区生态环境局/10.4 生态环境问题整改/2027-03-01 第二轮整改销号方案.pdf (inside 10.4's window
        that runs to 2027-06-30, but after today)
  P501  evidence/区教肓局/ (typo; nearest unit 区教育局)
  P502  区民政局/其他材料/ (a folder that leads to no indicator)
  P503  团区委/5.2 群众文化活动/ (团区委 is not responsible for 5.2)
  P504  区民政局/区民政局创文工作汇报.docx (a file directly in the unit folder)
  P505  关于印发《示例区学雷锋志愿服务工作方案》的通知.pdf, byte-identical under 区文明办/2.1-…/工作方案/
        and 区教育局/2.1 学雷锋志愿服务/
  P506  区文明办/11.1-创建工作机制/其他说明.docx (no keyword; three requirements accept .docx)
  S701  区城市管理局 × 11.3 (incomplete, deadline 2026-10-31 passed)
  S702  区住房和城乡建设局 × 8.4 (incomplete, deadline 2026-11-27 within 7 days)
  W801  the waiver of C202 for 区司法局 × 7.2 ended 2026-09-30
Should raise nothing (conventions civdoc must understand):
  - 宣传部/ is an alias of 区委宣传部; 01 理想信念教育/ and the like are grouping folders
  - 区教育局/4.2 师德师风建设/培训照片/2026年5月 培训/培训现场1.jpg takes its date from the folder
  - 区教育局/１０．３ 生活垃圾分类 uses full-width digits (NFKC makes it 10.3)
  - Thumbs.db and a ~$ Word lock file are ignored
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from unittest import mock

import yaml
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "evidence"
LATEST = date(2026, 10, 31)  # no ordinary file is dated after the end of the period
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

# ---------------------------------------------------------------------------------------------
# How each unit's liaison officer keeps files (folder names, separators, photo names)


@dataclass(frozen=True)
class Style:
    folder: str | None = None  # unit folder name; default the unit's name
    group: bool = False  # 01 理想信念教育/1.2 理论宣讲
    sep: str = " "  # between id and content in the indicator folder name
    id_only: bool = False  # indicator folder is just "8.3"
    subdirs: str = ""  # "photos": photos in a folder named after the requirement; "all": every file
    photo_names: str = "month"  # month | day | dash | img | exif
    doc_dates: str = "dash"  # dash | dot | compact | cn


STYLES: dict[str, Style] = {
    "区委宣传部": Style(folder="宣传部", group=True, subdirs="photos", photo_names="day", doc_dates="dash"),
    "区文明办": Style(sep="-", subdirs="all", photo_names="img", doc_dates="dot"),
    "区教育局": Style(subdirs="photos", photo_names="img", doc_dates="cn"),
    "团区委": Style(sep="_", photo_names="month", doc_dates="compact"),
    "区民政局": Style(sep="_", photo_names="month", doc_dates="dash"),
    "区文化和旅游局": Style(group=True, subdirs="photos", photo_names="day", doc_dates="dot"),
    "区城市管理局": Style(sep="、", photo_names="dash", doc_dates="dash"),
    "区生态环境局": Style(photo_names="exif", doc_dates="dash"),
    "区公安分局": Style(group=True, subdirs="photos", photo_names="img", doc_dates="compact"),
    "区住房和城乡建设局": Style(sep="-", subdirs="photos", photo_names="day", doc_dates="cn"),
    "区卫生健康局": Style(id_only=True, photo_names="month", doc_dates="dash"),
    "区司法局": Style(photo_names="month", doc_dates="dash"),
    "区市场监管局": Style(photo_names="dash", doc_dates="dot"),
}
# Indicator folders named differently from the unit's habit.
FOLDER_OVERRIDES = {("区教育局", "10.3"): "１０．３ 生活垃圾分类"}

# ---------------------------------------------------------------------------------------------
# Gaps that are made by leaving something out (the others are planted in plant_gaps()).

SKIP_UNITS = {"区总工会"}  # C201
SKIP_ITEMS = {("区司法局", "7.2")}  # C202 (+ W801 via the expired waiver)
SKIP_REQUIREMENTS = {
    ("区住房和城乡建设局", "8.4", "推进会纪要"),  # C203 (+ S702)
    ("区卫生健康局", "8.3", "评估报告"),  # C203, waived in civdoc.yaml
}
COUNT_OVERRIDES = {
    ("区城市管理局", "11.3", "整改照片"): 2,  # C204 (+ S701)
    ("区委宣传部", "1.2", "活动照片"): 3,  # + the 800x600 photo (F307) = 4
    ("区教育局", "4.1", "活动照片"): 2,  # + the undated photo (T402) = 3
    ("区文明办", "2.1", "工作方案"): 0,  # the shared notice is planted (P505)
    ("区教育局", "2.1", "工作方案"): 0,
}

# ---------------------------------------------------------------------------------------------
# File titles: (indicator, requirement) -> title, a list (one per file) or {unit: …, "*": …}.
# {u} is the unit's name. Every title holds one of its requirement's match keywords.

TITLES: dict[tuple[str, str], object] = {
    ("1.1", "学习计划"): "关于印发《{u}理论学习中心组2026年学习计划》的通知",
    ("1.1", "学习纪要"): ["{u}理论学习中心组第一次专题学习纪要", "{u}理论学习中心组第二次专题学习纪要"],
    ("1.1", "学习台账"): "{u}党员理论学习台账",
    ("1.2", "宣讲方案"): {"区委宣传部": "理论宣讲活动方案", "*": "{u}青年理论宣讲活动方案"},
    ("1.2", "宣讲台账"): "{u}理论宣讲台账",
    ("1.3", "媒体报道"): {
        "区委宣传部": [
            "区融媒体中心“奋进新征程”专栏报道",
            "示例日报头版报道：理论宣讲走进千家万户",
            "网络媒体报道汇编",
        ],
        "*": ["“文化惠民在身边”系列报道", "文旅微信公众号主题宣传报道汇编", "示例日报报道：红色旅游线路受欢迎"],
    },
    ("1.3", "工作总结"): "{u}2026年主题宣传工作总结",
    ("1.4", "工作方案"): "{u}爱国主义教育活动方案",
    ("2.1", "工作方案"): {"团区委": "团区委2026年青年志愿服务工作方案", "*": "{u}社区志愿服务工作方案"},
    ("2.1", "志愿服务统计"): {"团区委": "志愿服务统计表", "*": "{u}志愿服务统计表"},
    ("2.2", "推选通知"): "关于开展2026年度“身边好人”推荐评议工作的通知",
    ("2.2", "推荐台账"): "身边好人推荐台账",
    ("2.2", "宣传报道"): ["“身边好人”事迹专题报道（一）", "“身边好人”事迹专题报道（二）"],
    ("2.3", "工作方案"): "{u}未成年人思想道德建设工作方案",
    ("2.3", "工作总结"): "{u}未成年人思想道德建设工作总结",
    ("2.4", "活动通知"): {"区文明办": "关于开展“最美家庭”寻访活动的通知", "*": "关于开展“文明家庭”创建活动的通知"},
    ("2.4", "宣传报道"): "{u}家风家训宣传报道",
    ("3.1", "工作方案"): "{u}移风易俗工作方案",
    ("3.1", "会议纪要"): "{u}红白理事会工作会议纪要",
    ("3.2", "整治方案"): "交通违法行为专项整治方案",
    ("3.2", "整治统计"): "交通违法整治统计表",
    ("3.3", "工作方案"): "文明旅游宣传引导工作方案",
    ("3.3", "媒体报道"): "文明旅游宣传媒体报道",
    ("3.5", "工作方案"): "{u}制止餐饮浪费工作方案",
    ("3.5", "检查台账"): "{u}餐饮浪费专项检查台账",
    ("4.1", "工作方案"): "思政课一体化建设工作方案",
    ("4.1", "工作总结"): "学校思想政治教育工作总结",
    ("4.2", "实施意见"): "关于加强新时代师德师风建设的实施意见",
    ("4.2", "培训签到表"): "师德师风专题培训签到表",
    ("4.3", "活动方案"): "{u}青少年科普活动方案",
    ("4.4", "联合整治方案"): "校园周边环境联合整治方案",
    ("4.4", "检查台账"): "{u}校园周边检查台账",
    ("5.1", "开放制度"): "公共文化场馆免费开放管理制度",
    ("5.1", "服务统计"): "公共文化场馆服务统计表",
    ("5.2", "活动方案"): "2026年群众文化活动方案",
    ("5.2", "媒体报道"): "群众文化活动媒体报道",
    ("5.3", "检查台账"): "{u}文化市场检查台账",
    ("5.3", "执法统计"): "{u}文化市场执法统计表",
    ("5.4", "情况说明"): "{u}特色文化品牌建设情况说明",
    ("5.4", "荣誉证书"): "“运河文化节”省级群众文化品牌荣誉证书",
    ("5.4", "媒体报道"): ["{u}文化品牌活动报道（一）", "{u}文化品牌活动报道（二）"],
    ("6.1", "工作方案"): "优化营商环境工作方案",
    ("6.1", "宣传材料"): ["营商环境政策解读报道", "“一网通办”政策宣传材料"],
    ("6.2", "公示制度"): "{u}行政执法公示制度",
    ("6.2", "执法统计"): "{u}行政执法统计表",
    ("6.3", "工作方案"): "{u}廉洁文化建设工作方案",
    ("6.3", "活动台账"): "{u}廉洁文化活动台账",
    ("7.1", "普法责任清单"): {"区司法局": "关于印发《示例区2026年度普法责任清单》的通知", "*": "{u}普法责任清单"},
    ("7.1", "普法台账"): "{u}普法宣传活动台账",
    ("7.2", "工作制度"): "公共法律服务工作制度",
    ("7.2", "服务台账"): "法律援助服务台账",
    ("7.3", "工作方案"): "{u}根治欠薪工作方案",
    ("7.3", "维权台账"): "{u}劳动争议调解维权台账",
    ("7.4", "工作方案"): "放心消费创建工作方案",
    ("7.4", "投诉处理统计"): "消费投诉处理统计表",
    ("8.1", "工作方案"): "城乡社区服务提升工作方案",
    ("8.1", "服务台账"): "社区服务事项台账",
    ("8.2", "工作方案"): {"区卫生健康局": "医养结合服务工作方案", "*": "{u}养老服务工作方案"},
    ("8.2", "服务统计"): "{u}养老服务统计表",
    ("8.3", "工作方案"): "健康城市建设工作方案",
    ("8.3", "评估报告"): "健康城市建设评估报告",
    ("8.4", "改造方案"): "2026年老旧小区改造实施方案",
    ("8.4", "推进会纪要"): "老旧小区改造推进会纪要",
    ("9.1", "工作方案"): "关于印发《示例区社会治安防控体系建设工作方案》的通知",
    ("9.1", "警情统计"): "警情统计表",
    ("9.2", "排查方案"): "{u}消防安全隐患排查方案",
    ("9.2", "隐患排查台账"): "{u}隐患排查台账",
    ("9.3", "工作方案"): "食品安全监督抽检工作方案",
    ("9.3", "抽检统计"): "食品抽检统计表",
    ("9.4", "情况说明"): "{u}关于测评周期内未发生重大安全事故的情况说明",
    ("10.1", "工作方案"): "{u}大气污染防治工作方案",
    ("10.1", "空气质量统计"): "空气质量统计表",
    ("10.2", "河长制会议纪要"): "河长制工作会议纪要",
    ("10.2", "水质监测统计"): "水质监测统计表",
    ("10.3", "实施方案"): "{u}生活垃圾分类实施方案",
    ("10.3", "分类台账"): "{u}垃圾分类督导台账",
    ("10.4", "整改方案"): "督察反馈问题整改方案",
    ("10.4", "整改台账"): "督察问题整改销号台账",
    ("11.1", "工作方案"): "关于印发《示例区2026年创建全国文明城市工作方案》的通知",
    ("11.1", "会议纪要"): ["专题会议纪要", "创建工作推进会议纪要"],
    ("11.1", "督查台账"): "创建工作督查台账",
    ("11.2", "刊播台账"): "{u}公益广告刊播台账",
    ("11.3", "整改台账"): "{u}问题整改台账",
    ("11.4", "档案目录"): "创建工作档案目录",
    ("11.4", "工作总结"): "2026年创建工作总结",
}
# What the photos of an indicator show (file names and the banner in the picture).
PHOTO_SUBJECTS = {
    "1.2": "社区宣讲",
    "1.4": "爱国主义教育基地参观",
    "2.1": "志愿服务活动",
    "2.3": "德育实践活动",
    "3.1": "移风易俗宣传",
    "3.2": "文明交通执勤",
    "3.3": "景区文明旅游宣传",
    "3.5": "光盘行动检查",
    "4.1": "思政教育活动",
    "4.2": "师德师风专题",
    "4.3": "科普进校园",
    "5.1": "文化馆公益课堂",
    "5.2": "广场文艺演出",
    "7.1": "宪法宣传周",
    "7.2": "公共法律服务窗口",
    "8.1": "社区服务中心",
    "8.2": "老年助餐点",
    "8.3": "健康教育进社区",
    "8.4": "老旧小区改造",
    "9.1": "重点区域巡防",
    "9.2": "建筑工地安全检查",
    "10.1": "工地扬尘管控",
    "10.2": "河长巡河",
    "10.3": "垃圾分类投放点",
    "10.4": "督察问题整改现场",
    "11.2": "公益广告",
    "11.3": "问题整改",
}
# Documents of these kinds are written as …
KIND_EXT = {
    "正式发文": "pdf",
    "会议纪要": "docx",
    "说明报告": "docx",
    "工作台账": "docx",
    "荣誉证书": "pdf",
    "统计表格": "xlsx",
    "媒体报道": "pdf",
}
# Where in the period a document of a kind is usually dated (fraction of the window).
KIND_SPAN = {"正式发文": (0.0, 0.45), "说明报告": (0.75, 1.0), "统计表格": (0.6, 1.0)}
# The file types each kind accepts (SPEC §2), to check our own placement.
KIND_TYPES = {
    **dict.fromkeys(
        ["正式发文", "会议纪要", "说明报告", "工作台账", "荣誉证书"],
        ["pdf", "ofd", "doc", "docx", "wps", "jpg", "jpeg", "png"],
    ),
    "实景图片": ["jpg", "jpeg", "png"],
    "统计表格": ["xlsx", "xls", "et", "pdf"],
    "媒体报道": ["pdf", "ofd", "jpg", "jpeg", "png", "docx"],
    "音像资料": ["mp4", "mov", "avi", "mp3", "wav"],
}
CN_NUM = "一二三四五六七八九十"
# A few files pinned to the dates and name styles of the examples in the README.
DOC_PINS = {
    ("区委宣传部", "1.2", "宣讲方案", 0): (date(2026, 3, 15), "dash"),  # 2026-03-15 理论宣讲活动方案.pdf
    ("区文明办", "11.1", "会议纪要", 0): (date(2026, 5, 20), "dot"),  # 2026.05.20 专题会议纪要.docx
}
PHOTO_PINS = {
    ("区委宣传部", "1.2"): date(2026, 4, 20),  # the same day as the 800x600 photo planted for F307
    ("区教育局", "4.2"): date(2026, 5, 16),  # 培训照片/2026年5月 培训/培训现场1.jpg
    ("团区委", "2.1"): date(2026, 4, 12),  # 2026年4月 志愿服务活动照片1.jpg
}

# ---------------------------------------------------------------------------------------------
# Project definition (read as plain YAML)


@dataclass
class Req:
    name: str
    kind: str | None
    min: int
    match: list[str]
    types: list[str]
    units: list[str] | None
    min_pixels: tuple[int, int] | None


@dataclass
class Ind:
    id: str
    content: str
    order: int
    aspect: str
    responsible: list[str]
    needs_material: bool
    window: tuple[date, date]
    requirements: list[Req]


def load_definitions() -> tuple[dict, list[Ind]]:
    config = yaml.safe_load((ROOT / "civdoc.yaml").read_text(encoding="utf-8"))
    alias = {}
    for unit in config["units"]:
        for name in [unit["name"], *unit.get("aliases", [])]:
            alias[norm(name)] = unit["name"]
    period = (config["period"]["start"], config["period"]["end"])
    inds: list[Ind] = []
    for path in sorted((ROOT / "indicators").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in doc["indicators"]:
            lead = [alias[norm(raw["lead"])]] if raw.get("lead") else []
            units = list(dict.fromkeys(lead + [alias[norm(u)] for u in raw.get("units", [])]))
            std_methods = [s.get("method") for s in raw.get("standards", []) if isinstance(s, dict)]
            methods = {raw.get("method") or "材料审核", *[m for m in std_methods if m]}
            reqs = []
            for r in raw.get("requirements", []):
                kind = r.get("kind")
                px = r.get("min_pixels")
                reqs.append(
                    Req(
                        name=r["name"],
                        kind=kind,
                        min=r.get("min", 1),
                        match=r.get("match") or [r["name"]],
                        types=r.get("types")
                        or (KIND_TYPES[kind] if kind else sorted({t for v in KIND_TYPES.values() for t in v})),
                        units=[alias[norm(u)] for u in r["units"]] if r.get("units") else None,
                        min_pixels=tuple(int(v) for v in px.lower().split("x")) if px else None,
                    )
                )
            window = raw.get("window")
            inds.append(
                Ind(
                    id=str(raw["id"]),
                    content=raw["content"],
                    order=doc.get("order", 99),
                    aspect=doc["aspect"],
                    responsible=units,
                    needs_material=bool(reqs) or bool(methods & {"材料审核", "网上申报"}),
                    window=(window["start"], window["end"]) if window else period,
                    requirements=reqs,
                )
            )
    inds.sort(key=lambda i: (i.order, [int(p) for p in i.id.split(".")]))
    return config, inds


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


# ---------------------------------------------------------------------------------------------
# Renderers: every function returns bytes and depends only on its arguments.


def find_font() -> str | None:
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True, timeout=10
        )
        if out.returncode == 0 and out.stdout.strip() and Path(out.stdout.strip()).is_file():
            cand = out.stdout.strip()
            if "CJK" in cand or "cjk" in cand.lower() or "wqy" in cand.lower() or "droid" in cand.lower():
                return cand
    except (OSError, subprocess.SubprocessError):
        pass
    for cand in [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "C:/Windows/Fonts/msyh.ttc",
        "C:/Windows/Fonts/simsun.ttc",
        "/System/Library/Fonts/PingFang.ttc",
    ]:
        if Path(cand).is_file():
            return cand
    return None


FONT_FILE = find_font()
_FONTS: dict[int, ImageFont.ImageFont] = {}


def font(size: int):
    if size not in _FONTS:
        if FONT_FILE:
            try:
                # index 2 of Noto Sans CJK .ttc is the SC face; other files have a single face
                _FONTS[size] = ImageFont.truetype(
                    FONT_FILE, size, index=2 if FONT_FILE.endswith(".ttc") and "Noto" in FONT_FILE else 0
                )
            except OSError:
                _FONTS[size] = ImageFont.truetype(FONT_FILE, size)
        else:
            _FONTS[size] = ImageFont.load_default(size)
    return _FONTS[size]


def latin(text: str) -> str:
    """Without a CJK font, draw a transliteration-free placeholder rather than tofu boxes."""
    return text if FONT_FILE else "".join(c if ord(c) < 128 else "#" for c in text)


def wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def render_page(lines: list[tuple[str, int, bool]]) -> Image.Image:
    """An A4 page at 72 dpi, 1-bit (so the PDF uses CCITT G4 and stays a few KB)."""
    page = Image.new("1", (595, 842), 1)
    draw = ImageDraw.Draw(page)
    draw.fontmode = "1"
    y = 70
    for text, size, centred in lines:
        f = font(size)
        text = latin(text)
        x = 72
        if centred:
            x = max(40, (595 - int(draw.textlength(text, font=f))) // 2)
        draw.text((x, y), text, font=f, fill=0)
        y += int(size * 1.75)
    return page


PDF_BODY = [
    "为深入推进全国文明城市创建工作，结合我区实际，制定本文件。",
    "一、总体要求。坚持问题导向、目标导向，以群众满意为标准。",
    "二、主要任务。明确责任分工，细化工作措施，建立工作台账。",
    "三、保障措施。加强组织领导，强化督查考核，确保取得实效。",
    "各单位要高度重视，明确分管领导和联络员，按时报送材料。",
    "工作中遇到的问题请及时与区创文办联系。",
    "本方案自印发之日起施行。",
    "附件：1. 任务分解表  2. 联络员名单",
]


def pdf_bytes(title: str, unit: str, when: date, seed: int, pages: int = 1) -> bytes:
    rnd = random.Random(seed)
    images = []
    for p in range(pages):
        lines: list[tuple[str, int, bool]] = []
        if p == 0:
            lines.append(
                (
                    f"示例区{unit.removeprefix('区')}文件" if not unit.startswith("团") else "共青团示例区委员会文件",
                    26,
                    True,
                )
            )
            lines.append((f"示〔{when.year}〕{rnd.randint(3, 60)}号", 14, True))
            lines += [(t, 20, True) for t in wrap(title, 24)]
            lines.append(("", 12, False))
        body = [PDF_BODY[k] for k in sorted(rnd.sample(range(len(PDF_BODY)), 5))]
        for text in body:
            lines += [(t, 15, False) for t in wrap(text, 30)]
        lines.append(("", 12, False))
        if p == pages - 1:
            lines.append((unit, 15, False))
            lines.append((f"{when.year}年{when.month}月{when.day}日", 15, False))
        lines.append((f"— {p + 1} —", 12, True))
        images.append(render_page(lines))
    stamp = datetime(when.year, when.month, when.day, 9, 0, 0).timetuple()
    buf = io.BytesIO()
    images[0].save(
        buf,
        "PDF",
        resolution=72,
        save_all=True,
        append_images=images[1:],
        title=title,
        author=unit,
        creator="WPS Office",
        producer="civdoc sample",
        creationDate=stamp,
        modDate=stamp,
    )
    return buf.getvalue()


def photo_image(seed: int, size: tuple[int, int], banner: str | None) -> Image.Image:
    """A simple street or indoor scene: sky, buildings, people, sometimes a red banner."""
    rnd = random.Random(seed)
    w, h = size
    grad = Image.linear_gradient("L").resize((w, h))
    base = rnd.choice([(110, 160, 235), (150, 180, 210), (120, 170, 200), (200, 200, 190)])
    img = Image.merge("RGB", [grad.point(lambda v, c=c: min(255, c + v // 4)) for c in base])
    draw = ImageDraw.Draw(img)
    ground = int(h * rnd.uniform(0.62, 0.74))
    draw.rectangle([0, ground, w, h], fill=rnd.choice([(128, 124, 116), (150, 140, 120), (110, 120, 110)]))
    for _ in range(rnd.randint(3, 6)):
        bw, bh = rnd.randint(w // 10, w // 5), rnd.randint(h // 5, h // 2)
        x = rnd.randint(0, w - bw)
        c = rnd.randint(165, 225)
        draw.rectangle([x, ground - bh, x + bw, ground], fill=(c, c - 8, c - 16))
    for _ in range(rnd.randint(1, 3)):
        x = rnd.randint(0, w - 80)
        draw.ellipse([x, ground - 150, x + 90, ground - 40], fill=(70, 130, 60))
        draw.rectangle([x + 40, ground - 45, x + 50, ground], fill=(90, 70, 50))
    if banner:
        bx0, by0 = int(w * 0.12), int(h * 0.12)
        draw.rectangle([bx0, by0, w - bx0, by0 + h // 9], fill=(196, 24, 28))
        f = font(max(18, h // 16))
        draw.text((bx0 + h // 30, by0 + h // 60), latin(banner), font=f, fill=(255, 236, 160))
    for _ in range(rnd.randint(4, 9)):
        x, y = rnd.randint(20, w - 60), ground + rnd.randint(5, max(6, h - ground - 130))
        s = h // 22
        draw.ellipse([x, y, x + s, y + s], fill=(50, 40, 35))
        draw.rectangle(
            [x + 2, y + s, x + s - 2, y + s * 3],
            fill=rnd.choice([(200, 40, 40), (40, 80, 160), (230, 200, 60), (240, 240, 240)]),
        )
    return img


def jpeg_bytes(seed: int, size: tuple[int, int], when: datetime | None, banner: str | None) -> bytes:
    img = photo_image(seed, size, banner)
    buf = io.BytesIO()
    if when is None:  # a photo that lost its metadata (forwarded through a chat app)
        img.save(buf, "JPEG", quality=50, optimize=True)
        return buf.getvalue()
    stamp = when.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[0x010F] = random.Random(seed).choice(["HUAWEI", "Xiaomi", "Canon", "OPPO"])  # Make
    exif[0x0110] = "Sample Camera"  # Model
    exif[0x0132] = stamp  # DateTime
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = stamp  # DateTimeOriginal
    sub[0x9004] = stamp  # DateTimeDigitized
    sub[0x9011] = "+08:00"  # OffsetTimeOriginal
    img.save(buf, "JPEG", quality=50, optimize=True, exif=exif)
    return buf.getvalue()


def png_screenshot(title: str, when: date, seed: int) -> bytes:
    """A phone screenshot of a news page: few colours, small as PNG."""
    rnd = random.Random(seed)
    img = Image.new("P", (540, 960), 0)
    img.putpalette([255, 255, 255, 30, 30, 30, 200, 30, 30, 150, 150, 150, 230, 230, 230] + [0] * 753)
    draw = ImageDraw.Draw(img)
    draw.fontmode = "1"
    draw.rectangle([0, 0, 540, 70], fill=2)
    draw.text((20, 18), latin("示例区融媒体"), font=font(26), fill=0)
    y = 100
    for t in wrap(title, 18):
        draw.text((24, y), latin(t), font=font(26), fill=1)
        y += 42
    draw.text((24, y + 6), f"{when.year}-{when.month:02d}-{when.day:02d}", font=font(16), fill=3)
    y += 50
    draw.rectangle([24, y, 516, y + 220], fill=4)
    y += 250
    for _ in range(9):
        n = rnd.randint(14, 24)
        draw.text((24, y), latin(rnd.choice(PDF_BODY)[:n]), font=font(18), fill=1)
        y += 34
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def fixed_zip(data: bytes, rewrite: dict[str, bytes] | None = None) -> bytes:
    """Rewrite an OOXML package with fixed timestamps so the output is byte-for-byte reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            body = (rewrite or {}).get(info.filename, src.read(info.filename))
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.create_system = 3  # the same bytes on Windows and Unix
            dst.writestr(entry, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def core_xml(title: str, author: str, when: datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def docx_bytes(title: str, unit: str, kind: str | None, when: date, seed: int) -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rnd = random.Random(seed)
    doc = docx.Document()
    # The default template carries a 13 KB stylesWithEffects part and a thumbnail; neither is needed.
    for rels, suffix in [(doc.part.rels, "/stylesWithEffects"), (doc.part.package.rels, "/thumbnail")]:
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(suffix):
                del rels[rid]
                rels._target_parts_by_rId.pop(rid, None)
    # Keep only the styles these documents use (the template ships 164 of them and 137 latent ones).
    styles = doc.styles.element
    keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid"}
    for child in list(styles):
        if child.tag == qn("w:latentStyles") or (child.tag == qn("w:style") and child.get(qn("w:styleId")) not in keep):
            styles.remove(child)
    normal = doc.styles["Normal"]
    normal.font.name = "仿宋_GB2312"
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    heading = doc.add_paragraph()
    heading.alignment = 1
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(22)
    day = f"{when.year}年{when.month}月{when.day}日"
    if kind == "会议纪要":
        doc.add_paragraph(f"时间：{day}上午9:00")
        doc.add_paragraph(f"地点：区行政中心{rnd.randint(2, 9)}楼第{rnd.randint(1, 5)}会议室")
        doc.add_paragraph(f"主持：{unit}主要负责同志")
        doc.add_paragraph("出席：班子成员、各科室负责人、创文联络员")
        doc.add_paragraph("会议听取了近期创建工作推进情况汇报，研究部署下一阶段重点任务。会议议定：")
        for i in range(rnd.randint(2, 4)):
            doc.add_paragraph(f"{CN_NUM[i]}、{rnd.choice(PDF_BODY)}")
    elif kind == "工作台账":
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["序号", "日期", "工作内容", "责任人", "备注"]):
            cell.text = text
        start = when - timedelta(days=rnd.randint(60, 150))
        for i in range(rnd.randint(5, 9)):
            d = start + timedelta(days=i * rnd.randint(7, 16))
            d = min(d, when)
            row = table.add_row().cells
            row[0].text, row[1].text = str(i + 1), f"{d.month}月{d.day}日"
            row[2].text = rnd.choice(["集中学习", "入户宣传", "专项检查", "志愿服务", "问题整改", "现场督导", "培训"])
            row[3].text = rnd.choice(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆"])
            row[4].text = ""
        doc.add_paragraph(f"填报单位：{unit}    填报日期：{day}")
    else:
        for text in [PDF_BODY[k] for k in sorted(rnd.sample(range(len(PDF_BODY)), 4))]:
            doc.add_paragraph(text)
        doc.add_paragraph(unit)
        doc.add_paragraph(day)
    buf = io.BytesIO()
    doc.save(buf)
    created = datetime(when.year, when.month, when.day, 9, 0, 0)
    return fixed_zip(buf.getvalue(), {"docProps/core.xml": core_xml(title, unit, created)})


def xlsx_bytes(title: str, unit: str, when: date, seed: int) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    rnd = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "统计表"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:E1")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"填报单位：{unit}", None, None, f"截至{when.year}年{when.month}月{when.day}日"])
    if "签到" in title:
        ws.append(["序号", "姓名", "学校", "职务", "签到时间"])
        names = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"]
        for i in range(rnd.randint(8, 14)):
            ws.append(
                [
                    i + 1,
                    rnd.choice(names)
                    + rnd.choice(["晓", "建", "丽", "文", "海"])
                    + rnd.choice(["明", "华", "婷", "军", "静"]),
                    f"示例区第{rnd.randint(1, 12)}中学",
                    rnd.choice(["教师", "班主任", "年级组长"]),
                    f"08:{rnd.randint(10, 29)}",
                ]
            )
    else:
        ws.append(["序号", "月份", "场次/件数", "参与人次", "备注"])
        start = when.month
        for i in range(6):
            m = (start - 6 + i) % 12 + 1
            ws.append([i + 1, f"{m}月", rnd.randint(3, 40), rnd.randint(50, 1200), ""])
        ws.append(["合计", None, "=SUM(C4:C9)", "=SUM(D4:D9)", None])
    for col, width in zip("ABCDE", [8, 14, 14, 14, 20]):
        ws.column_dimensions[col].width = width
    created = datetime(when.year, when.month, when.day, 9, 0, 0)
    wb.properties.creator = unit
    wb.properties.created = created
    wb.properties.modified = created
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue(), {"docProps/core.xml": core_xml(title, unit, created)})


@contextmanager
def fixed_random_bytes():
    """pypdf draws the file ID from secrets.token_bytes; make it reproducible."""
    counter = iter(range(10**6))
    with mock.patch("secrets.token_bytes", lambda n: bytes((next(counter) * 7 + i) % 256 for i in range(n))):
        yield


def encrypted_pdf(plain: bytes, password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(plain)).pages:
        writer.add_page(page)
    writer.add_metadata({"/CreationDate": "D:20260320090000+08'00'", "/Producer": "civdoc sample"})
    with fixed_random_bytes():
        writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
        buf = io.BytesIO()
        writer.write(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Building the tree


@dataclass
class Planned:
    rel: str  # relative to evidence/, with '/'
    data: bytes
    unit: str | None = None
    indicator: str | None = None
    requirement: str | None = None  # what it should serve (None: no requirement)
    note: str = ""  # the planted gap, if any


@dataclass
class Tree:
    files: dict[str, Planned] = field(default_factory=dict)
    folders: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, id) -> indicator folder rel path

    def add(self, item: Planned) -> None:
        if item.rel in self.files:
            raise SystemExit(f"make_sample: two files at {item.rel}")
        self.files[item.rel] = item


def seed_of(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode("utf-8"))


def pick_date(rnd: random.Random, window: tuple[date, date], span: tuple[float, float] = (0.0, 1.0)) -> date:
    lo, hi = window[0], min(window[1], LATEST)
    days = (hi - lo).days
    a, b = int(days * span[0]), int(days * span[1])
    return lo + timedelta(days=rnd.randint(a, max(a, b)))


def date_prefix(d: date, fmt: str) -> str:
    return {
        "dash": f"{d:%Y-%m-%d} ",
        "dot": f"{d:%Y.%m.%d} ",
        "compact": f"{d:%Y%m%d} ",
        "cn": f"{d.year}年{d.month}月{d.day}日 ",
        "none": "",
    }[fmt]


def title_for(ind: Ind, req: Req, unit: str, i: int) -> str:
    spec = TITLES.get((ind.id, req.name))
    if isinstance(spec, dict):
        spec = spec.get(unit, spec.get("*"))
    if spec is None:
        spec = f"{{u}}{ind.content}{req.match[0]}"
    text = spec[i % len(spec)] if isinstance(spec, list) else spec if i == 0 else f"{spec}（{CN_NUM[i]}）"
    return text.format(u=unit)


def indicator_folder(unit: str, ind: Ind, style: Style) -> str:
    base = style.folder or unit
    name = FOLDER_OVERRIDES.get((unit, ind.id)) or (ind.id if style.id_only else f"{ind.id}{style.sep}{ind.content}")
    if style.group:
        return f"{base}/{ind.order:02d} {ind.aspect}/{name}"
    return f"{base}/{name}"


def photo_name(style: str, subject: str, kw: str, i: int, when: datetime, in_subdir: bool) -> str:
    n = i + 1
    if style == "img" and in_subdir:
        return f"IMG_{when:%Y%m%d_%H%M%S}.jpg"
    if style == "day":
        return f"{when.year}年{when.month}月{when.day}日 {subject}{'' if in_subdir else kw}{n}.jpg"
    if style == "dash":
        return f"{when:%Y-%m-%d} {subject}{kw}{n}.jpg"
    if style == "exif":
        return f"{subject}{kw}{n}.jpg"
    return f"{when.year}年{when.month}月 {subject}{kw}{n}.jpg"


def make_item(tree: Tree, unit: str, ind: Ind, style: Style) -> None:
    folder = indicator_folder(unit, ind, style)
    tree.folders[(unit, ind.id)] = folder
    for req in ind.requirements:
        if req.units and unit not in req.units:
            continue
        if (unit, ind.id, req.name) in SKIP_REQUIREMENTS:
            continue
        count = COUNT_OVERRIDES.get((unit, ind.id, req.name), req.min)
        rnd = random.Random(seed_of(unit, ind.id, req.name))
        if req.kind == "实景图片":
            make_photos(tree, unit, ind, req, style, folder, count, rnd)
        else:
            make_documents(tree, unit, ind, req, style, folder, count, rnd)


def make_photos(
    tree: Tree, unit: str, ind: Ind, req: Req, style: Style, folder: str, count: int, rnd: random.Random
) -> None:
    subject = PHOTO_SUBJECTS.get(ind.id, ind.content)
    kw = req.match[0]
    in_subdir = style.subdirs in ("photos", "all")
    where = f"{folder}/{req.name}" if in_subdir else folder
    day = pick_date(rnd, ind.window, (0.1, 0.95))
    day = PHOTO_PINS.get((unit, ind.id), day)
    size = (1280, 720)
    with_banner = rnd.random() < 0.5  # a red banner on the first photo of about half the sets
    for i in range(count):
        when = datetime(day.year, day.month, day.day, 9, 30) + timedelta(minutes=4 * i, seconds=rnd.randint(0, 59))
        if (unit, ind.id) == ("区教育局", "4.2"):  # a dated folder instead of dated names
            rel = f"{where}/{when.year}年{when.month}月 培训/培训现场{i + 1}.jpg"
        else:
            rel = f"{where}/{photo_name(style.photo_names, subject, kw, i, when, in_subdir)}"
        banner = f"示例区{subject}" if i == 0 and with_banner else None
        data = jpeg_bytes(seed_of(unit, ind.id, req.name, i), size, when, banner)
        tree.add(Planned(rel, data, unit, ind.id, req.name))


def make_documents(
    tree: Tree, unit: str, ind: Ind, req: Req, style: Style, folder: str, count: int, rnd: random.Random
) -> None:
    ext = KIND_EXT.get(req.kind or "", "pdf")
    if ext not in req.types:
        ext = req.types[0]
    where = f"{folder}/{req.name}" if style.subdirs == "all" else folder
    days = sorted(pick_date(rnd, ind.window, KIND_SPAN.get(req.kind or "", (0.05, 1.0))) for _ in range(count))
    for i in range(count):
        title = title_for(ind, req, unit, i)
        when = days[i]
        fmt = style.doc_dates
        if title.startswith("关于") or ext == "xlsx" or re.search(r"\d{4}年", title) or rnd.random() < 0.2:
            fmt = "none"  # official documents and spreadsheets are named by title; date from metadata
        if count > 1 and fmt == "none":
            fmt = style.doc_dates
        when, fmt = DOC_PINS.get((unit, ind.id, req.name, i), (when, fmt))
        doc_ext = ext
        if ext == "docx" and req.kind in ("工作台账", "说明报告") and rnd.random() < 0.3:
            doc_ext = "pdf"  # the signed, scanned version
        rel = f"{where}/{date_prefix(when, fmt)}{title}.{doc_ext}"
        seed = seed_of(rel)
        if doc_ext == "pdf":
            data = pdf_bytes(title, unit, when, seed, pages=2 if req.kind == "正式发文" and rnd.random() < 0.4 else 1)
        elif doc_ext == "docx":
            data = docx_bytes(title, unit, req.kind, when, seed)
        else:
            data = xlsx_bytes(title, unit, when, seed)
        tree.add(Planned(rel, data, unit, ind.id, req.name))


def plant_gaps(tree: Tree) -> None:
    """The deliberate mistakes, each mapped to the finding it should raise (see the docstring)."""
    f = tree.folders

    # P505: one joint notice, filed by both units that received it
    notice_title = "关于印发《示例区学雷锋志愿服务工作方案》的通知"
    notice = pdf_bytes(notice_title, "区文明办", date(2026, 2, 26), seed_of("joint-notice"), pages=2)
    tree.add(
        Planned(f"{f['区文明办', '2.1']}/工作方案/{notice_title}.pdf", notice, "区文明办", "2.1", "工作方案", "P505")
    )
    tree.add(Planned(f"{f['区教育局', '2.1']}/{notice_title}.pdf", notice, "区教育局", "2.1", "工作方案", "P505"))

    # F301: an archive dropped where photos go
    arch = io.BytesIO()
    with zipfile.ZipFile(arch, "w", zipfile.ZIP_STORED) as z:
        for k in range(2):
            when = datetime(2026, 7, 18, 15, 2 * k)
            z.writestr(
                zipfile.ZipInfo(f"IMG_{when:%Y%m%d_%H%M%S}.jpg", ZIP_TIME),
                jpeg_bytes(seed_of("zip", k), (640, 480), when, None),
            )
    tree.add(
        Planned(
            f"{f['区文化和旅游局', '5.1']}/活动照片/活动照片原图打包.zip",
            arch.getvalue(),
            "区文化和旅游局",
            "5.1",
            "活动照片",
            "F301",
        )
    )

    # F302: a screenshot saved as PNG, renamed to .pdf
    png = png_screenshot("“一网通办”让企业开办跑出加速度", date(2026, 4, 10), seed_of("f302"))
    tree.add(
        Planned(
            f"{f['区市场监管局', '6.1']}/2026-04-10 营商环境政策宣传截图.pdf",
            png,
            "区市场监管局",
            "6.1",
            "宣传材料",
            "F302",
        )
    )

    # F303: a zero-byte PDF (an upload that failed)
    tree.add(
        Planned(
            f"{f['区生态环境局', '10.2']}/2026-06-18 河长制工作会议纪要.pdf",
            b"",
            "区生态环境局",
            "10.2",
            "河长制会议纪要",
            "F303",
        )
    )

    # F304: a PDF cut in half (an interrupted copy)
    full = pdf_bytes("社会治安防控体系建设工作方案", "区公安分局", date(2026, 5, 12), seed_of("f304"), pages=2)
    tree.add(
        Planned(
            f"{f['区公安分局', '9.1']}/2026-05-12 社会治安防控体系建设工作方案.pdf",
            full[: len(full) // 2],
            "区公安分局",
            "9.1",
            "工作方案",
            "F304",
        )
    )

    # F305: a password-protected PDF
    plain = pdf_bytes("区司法局普法责任清单", "区司法局", date(2026, 3, 20), seed_of("f305"))
    tree.add(
        Planned(
            f"{f['区司法局', '7.1']}/2026-03-20 区司法局普法责任清单.pdf",
            encrypted_pdf(plain, "1234"),
            "区司法局",
            "7.1",
            "普法责任清单",
            "F305",
        )
    )

    # F307: a photo of 800x600 where 1280x720 is required (still counts: 4 of 4)
    when = datetime(2026, 4, 20, 15, 12, 8)
    tree.add(
        Planned(
            f"{f['区委宣传部', '1.2']}/活动照片/2026年4月20日 社区宣讲4.jpg",
            jpeg_bytes(seed_of("f307"), (800, 600), when, "社区宣讲"),
            "区委宣传部",
            "1.2",
            "活动照片",
            "F307",
        )
    )

    # T401: a photo from before the period (still 3 usable photos besides it)
    when = datetime(2025, 6, 1, 9, 5, 41)
    tree.add(
        Planned(
            f"{f['区文明办', '2.1']}/活动照片/2025-06-01 志愿服务启动仪式.jpg",
            jpeg_bytes(seed_of("t401"), (1280, 720), when, "志愿服务启动仪式"),
            "区文明办",
            "2.1",
            "活动照片",
            "T401",
        )
    )

    # T402: a photo without any date (name, folder or EXIF); it still counts (3 of 3)
    tree.add(
        Planned(
            f"{f['区教育局', '4.1']}/活动照片/校园宣传栏.jpg",
            jpeg_bytes(seed_of("t402"), (1280, 720), None, "校园宣传栏"),
            "区教育局",
            "4.1",
            "活动照片",
            "T402",
        )
    )

    # T403: a plan dated after today but inside 10.4's own window
    tree.add(
        Planned(
            f"{f['区生态环境局', '10.4']}/2027-03-01 第二轮整改销号方案.pdf",
            pdf_bytes("第二轮整改销号方案", "区生态环境局", date(2027, 3, 1), seed_of("t403")),
            "区生态环境局",
            "10.4",
            "整改方案",
            "T403",
        )
    )

    # P501: a unit folder with a typo (区教肓局 for 区教育局)
    tree.add(
        Planned(
            "区教肓局/4.3 科学普及/2026-05-18 青少年科普活动方案.pdf",
            pdf_bytes("青少年科普活动方案（补充）", "区教育局", date(2026, 5, 18), seed_of("p501")),
            None,
            None,
            None,
            "P501",
        )
    )

    # P502: a folder under a unit that leads to no indicator
    tree.add(
        Planned(
            "区民政局/其他材料/2026-02-10 民政工作参考资料.pdf",
            pdf_bytes("民政工作参考资料", "区民政局", date(2026, 2, 10), seed_of("p502")),
            "区民政局",
            None,
            None,
            "P502",
        )
    )

    # P503: a unit supplying an indicator it is not responsible for
    for k in range(3):
        when = datetime(2026, 6, 14, 19, 20 + 3 * k, 11)
        tree.add(
            Planned(
                f"团区委/5.2 群众文化活动/2026年6月 青年文化节活动照片{k + 1}.jpg",
                jpeg_bytes(seed_of("p503", k), (1280, 720), when, "青年文化节" if k == 0 else None),
                "团区委",
                "5.2",
                "活动照片",
                "P503",
            )
        )

    # P504: a file straight in the unit folder
    tree.add(
        Planned(
            "区民政局/区民政局创文工作汇报.docx",
            docx_bytes("区民政局创文工作汇报", "区民政局", "说明报告", date(2026, 9, 8), seed_of("p504")),
            "区民政局",
            None,
            None,
            "P504",
        )
    )

    # P506: no keyword, and three requirements accept .docx, so it serves none
    tree.add(
        Planned(
            f"{f['区文明办', '11.1']}/其他说明.docx",
            docx_bytes("关于部分材料的其他说明", "区文明办", "说明报告", date(2026, 10, 12), seed_of("p506")),
            "区文明办",
            "11.1",
            None,
            "P506",
        )
    )

    # Ignored without a word: Windows thumbnail cache and a Word lock file
    tree.add(
        Planned(
            f"{f['区公安分局', '9.1']}/巡防照片/Thumbs.db",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "区公安分局",
            "9.1",
            None,
            "ignored",
        )
    )
    lock = "~$" + next(Path(p).name for p in tree.files if p.startswith(f["区文明办", "11.1"] + "/会议纪要/"))[2:]
    tree.add(
        Planned(
            f"{f['区文明办', '11.1']}/会议纪要/{lock}",
            ("\x06" + "区文明办").encode("utf-16-le").ljust(162, b"\0"),
            "区文明办",
            "11.1",
            None,
            "ignored",
        )
    )


# ---------------------------------------------------------------------------------------------
# Self-check: our own reading of SPEC §3 must place every ordinary file where we meant it.


def assign(ind: Ind, inside: list[str], filename: str) -> Req | None:
    for folder in inside:
        for req in ind.requirements:
            if norm(folder) == norm(req.name):
                return req
    for req in ind.requirements:
        if any(norm(k) in norm(filename) for k in req.match):
            return req
    ext = filename.rsplit(".", 1)[-1].lower()
    accepting = [r for r in ind.requirements if ext in r.types]
    return accepting[0] if len(accepting) == 1 else None


def self_check(tree: Tree, inds: dict[str, Ind]) -> None:
    problems = []
    for item in tree.files.values():
        if item.note or item.indicator is None:
            continue
        folder = tree.folders[item.unit, item.indicator]
        rest = item.rel[len(folder) + 1 :].split("/")
        req = assign(inds[item.indicator], rest[:-1], rest[-1])
        if (req.name if req else None) != item.requirement:
            problems.append(f"{item.rel}: serves {req.name if req else None}, meant {item.requirement}")
        elif req and item.rel.rsplit(".", 1)[-1] not in req.types:
            problems.append(f"{item.rel}: type not accepted by {req.name}")
    for item in tree.files.values():  # the P506 file must really serve nothing
        if item.note == "P506":
            folder = tree.folders[item.unit, item.indicator]
            if assign(inds[item.indicator], [], item.rel[len(folder) + 1 :]) is not None:
                problems.append(f"{item.rel}: meant to serve no requirement")
    seen: dict[bytes, str] = {}
    for item in tree.files.values():
        if not item.data:
            continue
        digest = hashlib.sha256(item.data).digest()
        if digest in seen and item.note != "P505":
            problems.append(f"{item.rel}: same content as {seen[digest]}")
        seen.setdefault(digest, item.rel)
    if problems:
        raise SystemExit("make_sample: self-check failed:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------------------------------------


def main() -> int:
    if not (ROOT / "civdoc.yaml").is_file():
        print(f"make_sample: {ROOT} has no civdoc.yaml; refusing to touch it", file=sys.stderr)
        return 2
    config, inds = load_definitions()
    by_id = {i.id: i for i in inds}
    tree = Tree()
    for unit in [u["name"] for u in config["units"]]:
        if unit in SKIP_UNITS:
            continue
        style = STYLES[unit]
        for ind in inds:
            if unit not in ind.responsible or not ind.needs_material or (unit, ind.id) in SKIP_ITEMS:
                continue
            make_item(tree, unit, ind, style)
    plant_gaps(tree)
    self_check(tree, by_id)

    if EVIDENCE.exists():
        shutil.rmtree(EVIDENCE)
    for rel, item in sorted(tree.files.items()):
        path = EVIDENCE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.data)

    # Summary
    total = sum(len(i.data) for i in tree.files.values())
    by_ext: dict[str, list[int]] = {}
    for rel, item in tree.files.items():
        by_ext.setdefault(rel.rsplit(".", 1)[-1].lower(), []).append(len(item.data))
    units = sorted({rel.split("/")[0] for rel in tree.files})
    print(f"evidence/ rebuilt: {len(tree.files)} files, {total / 1024 / 1024:.2f} MB, {len(units)} unit folders")
    print("  " + ", ".join(f"{ext} {len(sizes)} ({sum(sizes) // 1024} KB)" for ext, sizes in sorted(by_ext.items())))
    if not FONT_FILE:
        print("  note: no CJK font found; page and photo text drawn as '#'")
    print("planted gaps (expected finding: path under evidence/):")
    for rel, item in sorted(tree.files.items(), key=lambda kv: (kv[1].note, kv[0])):
        if item.note and item.note != "ignored":
            print(f"  {item.note}  {rel}")
    print("  C201  区总工会 (no folder)")
    print("  C202  区司法局 × 7.2 (no indicator folder; expired waiver -> W801)")
    for unit, ind_id, req in sorted(SKIP_REQUIREMENTS):
        print(f"  C203  {unit} × {ind_id} {req}" + (" (waived)" if unit == "区卫生健康局" else " (+ S702)"))
    print("  C204  区城市管理局 × 11.3 整改照片: 2 of 3 (+ S701, 11.3 was due 2026-10-31)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
