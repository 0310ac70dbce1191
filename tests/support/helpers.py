"""Build small civdoc projects on disk and run the real CLI on them.

Everything here produces REAL files (PDFs pypdf opens, JPEGs Pillow decodes, Office files that unzip), each
with unique content so that no two generated files are accidental duplicates (P505) unless a test wants it.

    root = make_project(tmp_path)                       # the clean default project
    files = clean_files(); del files[PLAN]; ...         # the clean evidence, then plant one problem
    root = make_project(tmp_path, files=files)
    found = findings(root)                              # check --format json -> list of finding dicts
    assert_codes(found, {("C203", None)})               # exact set of (code, path), R601 ignored
"""

from __future__ import annotations

import copy
import io
import itertools
import json
import os
import re
import traceback
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

TODAY = "2024-11-01"

# --------------------------------------------------------------------------------------------
# The default project

UNIT_A = "区委宣传部"  # alias 宣传部; lead of 1.1 (and of the 实地考察-only 1.3)
UNIT_B = "区教育局"  # alias 教育局; lead of 1.2
UNIT_C = "团区委"  # no alias; 1.2 and 1.4

DEFAULT_CONFIG: dict[str, Any] = {
    "name": "测试区2024年创建全国文明城市材料自查",
    "period": {"start": "2024-01-01", "end": "2024-12-31"},
    "deadline": "2024-12-31",
    "units": [
        {"name": UNIT_A, "aliases": ["宣传部"], "contact": "张三 13800000000"},
        {"name": UNIT_B, "aliases": ["教育局"]},
        {"name": UNIT_C},
    ],
}

DEFAULT_INDICATORS: dict[str, Any] = {
    "01-思想道德建设.yaml": {
        "aspect": "思想道德建设",
        "order": 1,
        "indicators": [
            {
                "id": "1.1",
                "content": "理论宣讲",
                "standards": [{"text": "宣讲活动有方案、有现场记录。", "method": "材料审核"}, "宣讲进社区。"],
                "method": "材料审核",
                "score": 2,
                "lead": UNIT_A,
                "requirements": [
                    {"name": "工作方案", "kind": "正式发文", "match": ["方案"]},
                    {"name": "活动照片", "kind": "实景图片", "min": 3, "min_pixels": "320x240", "match": ["照片"]},
                ],
            },
            {
                "id": "1.2",
                "content": "志愿服务",
                "lead": UNIT_B,
                "units": [UNIT_C],
                "requirements": [{"name": "工作台账", "kind": "工作台账", "match": ["台账"]}],
            },
            {
                "id": "1.3",
                "content": "公共秩序",
                "method": "实地考察",
                "lead": UNIT_A,
                "units": [UNIT_B],
            },
            {
                # no requirements, method 材料审核: needs at least one usable file of any type
                "id": "1.4",
                "content": "工作总结",
                "lead": UNIT_C,
            },
        ],
    }
}

EV = "evidence"
DIR_A = f"{EV}/{UNIT_A}/1.1 理论宣讲"
DIR_B = f"{EV}/{UNIT_B}/1.2 志愿服务"
DIR_C = f"{EV}/{UNIT_C}/1.2 志愿服务"
DIR_C4 = f"{EV}/{UNIT_C}/1.4 工作总结"
PLAN = f"{DIR_A}/2024-03-15 工作方案.pdf"
PHOTOS = [f"{DIR_A}/2024-04-02 活动照片{i}.jpg" for i in (1, 2, 3)]
LEDGER_B = f"{DIR_B}/2024-05-10 工作台账.docx"
LEDGER_C = f"{DIR_C}/2024-05-12 工作台账.docx"
SUMMARY_C = f"{DIR_C4}/2024-06-30 年度工作总结.xlsx"

# the items that must supply material in the default project
REQUIRED_ITEMS = [(UNIT_A, "1.1"), (UNIT_B, "1.2"), (UNIT_C, "1.2"), (UNIT_C, "1.4")]

ALL_CODES = [
    "C201",
    "C202",
    "C203",
    "C204",
    "F301",
    "F302",
    "F303",
    "F304",
    "F305",
    "F306",
    "F307",
    "T401",
    "T402",
    "T403",
    "P501",
    "P502",
    "P503",
    "P504",
    "P505",
    "P506",
    "R601",
    "R602",
    "R603",
    "R604",
    "R605",
    "S701",
    "S702",
    "W801",
]
D_CODES = ["D101", "D102", "D103", "D104", "D105"]


def config_with(**overrides: Any) -> dict[str, Any]:
    """The default civdoc.yaml with some top-level keys replaced (None removes a key)."""
    cfg = copy.deepcopy(DEFAULT_CONFIG)
    for key, value in overrides.items():
        if value is None:
            cfg.pop(key, None)
        else:
            cfg[key] = value
    return cfg


def indicators_with(changes: Callable[[list[dict[str, Any]]], None]) -> dict[str, Any]:
    """A deep copy of the default indicator file, changed in place by `changes(indicators_list)`."""
    data = copy.deepcopy(DEFAULT_INDICATORS)
    changes(data["01-思想道德建设.yaml"]["indicators"])
    return data


def indicator(inds: list[dict[str, Any]], ident: str) -> dict[str, Any]:
    return next(i for i in inds if i["id"] == ident)


def clean_files() -> dict[str, Any]:
    """Evidence for a project with no problem at all (every item complete, every file usable)."""
    return {
        PLAN: pdf,
        **{p: lambda: jpeg(320, 240) for p in PHOTOS},
        LEDGER_B: docx,
        LEDGER_C: docx,
        SUMMARY_C: xlsx,
    }


def evidence(add: dict[str, Any] | None = None, drop: Iterable[str] = ()) -> dict[str, Any]:
    """clean_files() with some paths removed and some added (or replaced)."""
    files = clean_files()
    for path in drop:
        del files[path]
    files.update(add or {})
    return files


FileValue = bytes | str | Callable[[], bytes] | None


def make_project(
    tmp_path: Path,
    config: dict[str, Any] | str | None = None,
    indicators: dict[str, dict[str, Any] | str] | None = None,
    files: dict[str, FileValue] | None = None,
) -> Path:
    """Write a project under tmp_path/proj and return its root.

    config / indicators: a dict is dumped as YAML, a str is written verbatim; None gives the default.
    files: path (relative to the root) -> bytes | str | a factory returning bytes | None (a folder).
    None means clean_files(); {} means no evidence at all (evidence/ is still created).
    """
    root = tmp_path / "proj"
    root.mkdir(parents=True, exist_ok=True)
    write_yaml(root / "civdoc.yaml", DEFAULT_CONFIG if config is None else config)
    (root / "indicators").mkdir(exist_ok=True)
    for name, content in (DEFAULT_INDICATORS if indicators is None else indicators).items():
        write_yaml(root / "indicators" / name, content)
    (root / EV).mkdir(exist_ok=True)
    for rel, value in (clean_files() if files is None else files).items():
        put(root, rel, value)
    return root


def write_yaml(path: Path, content: dict[str, Any] | list[Any] | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def put(root: Path, rel: str, value: FileValue) -> Path:
    """Write one file (or make a folder when value is None or rel ends with '/')."""
    path = root / rel
    if value is None or rel.endswith("/"):
        path.mkdir(parents=True, exist_ok=True)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    if callable(value):
        value = value()
    if isinstance(value, str):
        value = value.encode("utf-8")
    path.write_bytes(value)
    return path


# --------------------------------------------------------------------------------------------
# File factories: real, small, each call unique

_serial = itertools.count(1)


def pdf(date: str | None = None, pages: int = 1) -> bytes:
    """A valid PDF; `date` (YYYY-MM-DD) becomes its /CreationDate."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=280)
    meta = {"/Title": f"civdoc test document {next(_serial)}"}
    if date:
        meta["/CreationDate"] = "D:" + date.replace("-", "") + "100000+08'00'"
    writer.add_metadata(meta)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def image_pdf() -> bytes:
    """A valid PDF written by Pillow (an image saved as PDF)."""
    from PIL import Image

    n = next(_serial)
    buf = io.BytesIO()
    Image.new("RGB", (200, 280), (255, 255 - n % 200, 255)).save(buf, "PDF")
    return buf.getvalue()


def _colour(n: int) -> tuple[int, int, int]:
    return ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)


def jpeg(w: int = 320, h: int = 240, exif_date: str | None = None) -> bytes:
    """A valid JPEG of w x h; `exif_date` (YYYY-MM-DD) becomes EXIF DateTimeOriginal in the Exif IFD."""
    from PIL import Image

    img = Image.new("RGB", (w, h), _colour(next(_serial)))
    buf = io.BytesIO()
    if exif_date:
        stamp = exif_date.replace("-", ":") + " 10:00:00"
        exif = Image.Exif()
        exif.get_ifd(0x8769)[0x9003] = stamp
        img.save(buf, "JPEG", exif=exif)
        back = Image.open(io.BytesIO(buf.getvalue())).getexif().get_ifd(0x8769).get(0x9003)
        assert back == stamp, f"EXIF DateTimeOriginal did not read back: {back!r}"
    else:
        img.save(buf, "JPEG")
    return buf.getvalue()


def png(w: int = 320, h: int = 240, noise: bool = False) -> bytes:
    """A valid PNG; with noise=True it does not compress (about w*h*3 bytes)."""
    from PIL import Image

    if noise:
        img = Image.frombytes("RGB", (w, h), os.urandom(w * h * 3))
    else:
        img = Image.new("RGB", (w, h), _colour(next(_serial)))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _rewrite_zip(data: bytes, parts: dict[str, Callable[[str], str]]) -> bytes:
    """A copy of a zip (docx/xlsx) with some XML parts changed by functions of their text."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename in parts:
                body = parts[info.filename](body.decode("utf-8")).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def _created(created: str | None) -> Callable[[str], str]:
    """docProps/core.xml with dcterms:created set to `created`, or removed when None."""

    def change(text: str) -> str:
        text = re.sub(r"<dcterms:created[^>]*>[^<]*</dcterms:created>", "", text)
        text = re.sub(r"<dcterms:created[^>]*/>", "", text)
        if created:
            stamp = (
                '<dcterms:created xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                f'xsi:type="dcterms:W3CDTF">{created}T02:00:00Z</dcterms:created>'
            )
            text = text.replace("</cp:coreProperties>", stamp + "</cp:coreProperties>")
        return text

    return change


_PLACEHOLDER = "CIVDOC-TEST-PLACEHOLDER"
_templates: dict[str, bytes] = {}


def _office_template(kind: str) -> bytes:
    """One document made by python-docx / openpyxl, reused: making a new one costs ~50 ms."""
    if kind not in _templates:
        buf = io.BytesIO()
        if kind == "docx":
            import docx as python_docx

            document = python_docx.Document()
            document.add_paragraph(_PLACEHOLDER)
            document.save(buf)
        else:
            import openpyxl

            wb = openpyxl.Workbook()
            wb.active["A1"] = _PLACEHOLDER
            wb.save(buf)
        _templates[kind] = buf.getvalue()
    return _templates[kind]


def _office(kind: str, body_part: str, created: str | None) -> bytes:
    text = f"测试文档 {next(_serial)}"
    return _rewrite_zip(
        _office_template(kind),
        {
            body_part: lambda xml: xml.replace(_PLACEHOLDER, text),
            "docProps/core.xml": _created(created),
        },
    )


def docx(created: str | None = None) -> bytes:
    """A valid .docx (python-docx); `created` (YYYY-MM-DD) becomes dcterms:created, else it has none."""
    return _office("docx", "word/document.xml", created)


def xlsx(created: str | None = None) -> bytes:
    """A valid .xlsx (openpyxl); `created` (YYYY-MM-DD) becomes dcterms:created, else it has none."""
    return _office("xlsx", "xl/worksheets/sheet1.xml", created)


def encrypted_pdf() -> bytes:
    """A PDF with an open password (1234)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=280)
    writer.add_metadata({"/Title": f"encrypted {next(_serial)}"})
    writer.encrypt("1234")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def truncated_pdf() -> bytes:
    """The first part of a valid PDF: %PDF magic, no cross-reference table, no trailer."""
    data = pdf(pages=3)
    return data[: len(data) // 3]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --------------------------------------------------------------------------------------------
# Running the CLI

NEEDS_PROJECT = {"check", "build", "review", "pack", "kit"}


def run(
    root: Path | None, *args: str, today: str | None = TODAY, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run `civdoc ARGS` in-process; check/build/review get --today and --project ROOT.

    Returns (exit_code, stdout, stderr). Fails the test on a traceback or an exception escaping the app.
    """
    from typer.testing import CliRunner

    from civdoc.cli import app

    argv = [str(a) for a in args]
    if argv and argv[0] in NEEDS_PROJECT:
        if today is not None:
            argv += ["--today", today]
        if root is not None:
            argv += ["--project", str(root)]
    result = CliRunner().invoke(app, argv, env={"CIVDOC_TODAY": None, "CI": "1", **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"civdoc {' '.join(argv)} raised instead of exiting:\n{tb}")
    stdout, stderr = result.stdout, result.stderr
    for stream in (stdout, stderr):
        assert "Traceback" not in stream, f"traceback in civdoc output:\n{stream}"
    return result.exit_code, stdout, stderr


def report(root: Path, *args: str, today: str = TODAY, expect: int | None = None) -> dict[str, Any]:
    """`civdoc check --format json [ARGS]` parsed; `expect` asserts the exit code."""
    code, out, err = run(root, "check", "--format", "json", *args, today=today)
    assert code in (0, 1), f"check exited {code}:\n{err}\n{out}"
    if expect is not None:
        assert code == expect, f"check exited {code}, expected {expect}:\n{out}\n{err}"
    return json.loads(out)


def findings(root: Path, *args: str, today: str = TODAY) -> list[dict[str, Any]]:
    """The findings of `civdoc check --format json [ARGS]`."""
    return report(root, *args, today=today)["findings"]


def codes(found: Iterable[dict[str, Any]], ignore: Iterable[str] = ()) -> set[tuple[str, str | None]]:
    skip = set(ignore)
    return {(f["code"], f["path"]) for f in found if f["code"] not in skip}


def assert_codes(
    found: list[dict[str, Any]], expected: set[tuple[str, str | None]], ignore: Iterable[str] = ("R601",)
) -> None:
    """The exact set of (code, path) among the findings, leaving out the codes in `ignore`."""
    got = codes(found, ignore)
    assert got == expected, (
        f"\nmissing:    {sorted(expected - got, key=str)}\nunexpected: {sorted(got - expected, key=str)}\n"
        + "\n".join(
            f"  {f['code']} {f['severity']} {f['unit']} {f['indicator']} {f['path']}: {f['message']}" for f in found
        )
    )


def only(found: list[dict[str, Any]], code: str) -> dict[str, Any]:
    """The single finding with `code`."""
    hits = [f for f in found if f["code"] == code]
    assert len(hits) == 1, f"expected one {code}, got {len(hits)}: {hits}"
    return hits[0]


def with_code(found: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [f for f in found if f["code"] == code]


def file_entry(rep: dict[str, Any], path: str) -> dict[str, Any]:
    hits = [f for f in rep["files"] if f["path"] == path]
    assert len(hits) == 1, f"{path} not (once) in files: {[f['path'] for f in rep['files']]}"
    return hits[0]


def item_entry(rep: dict[str, Any], unit: str, ident: str) -> dict[str, Any]:
    hits = [i for i in rep["items"] if i["unit"] == unit and i["indicator"] == ident]
    assert len(hits) == 1, f"item {unit} {ident} not (once) in items"
    return hits[0]


def stages(item: dict[str, Any]) -> dict[str, str]:
    """stage -> state of an item in the JSON report (the list of {stage, state, ...})."""
    entries = item.get("reviews", item.get("stages"))
    assert isinstance(entries, list), f"no review stages in item {item}"
    return {s["stage"]: s["state"] for s in entries}


def review(
    root: Path,
    unit: str,
    ident: str,
    stage: str,
    passed: bool = True,
    by: str = "王五",
    *extra: str,
    today: str = TODAY,
) -> tuple[int, str, str]:
    """`civdoc review UNIT ID --stage S --pass|--return --by NAME [EXTRA]`."""
    return run(
        root,
        "review",
        unit,
        ident,
        "--stage",
        stage,
        "--pass" if passed else "--return",
        "--by",
        by,
        *extra,
        today=today,
    )


def sign_all(root: Path, items: Iterable[tuple[str, str]] = REQUIRED_ITEMS, today: str = TODAY) -> None:
    """Pass every stage of every item, each stage by a different person."""
    for unit, ident in items:
        for stage, by in (("初审", "王五"), ("复审", "赵六"), ("终审", "钱七")):
            code, out, err = review(root, unit, ident, stage, True, by, today=today)
            assert code == 0, f"review {unit} {ident} {stage} exited {code}:\n{out}\n{err}"


def read_records(root: Path, unit: str) -> list[dict[str, Any]]:
    path = root / "reviews" / f"{unit}.yaml"
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def now_stamp() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
