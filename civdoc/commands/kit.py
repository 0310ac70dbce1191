"""`civdoc kit [--unit U]`: out/分单位材料包/<unit>.zip for each unit to send out.

Each zip holds the unit's folder skeleton under `<unit>/` (unit/indicator form, whatever the project's
layout, named as the unit's recognised folders are), `<unit>任务清单.xlsx` and `填报说明.docx`. No
evidence file, nothing of another unit. Entry names are UTF-8 with the flag set (Windows 10/11's Explorer
shows them right); entries are sorted and dated with the check's date, and the documents carry that
date too, so the same project and --today give the same bytes.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.text import Text

from civdoc.check.evaluate import Result
from civdoc.errors import UsageError
from civdoc.evidence.skeleton import kit_survey, plan, survey, unit_items
from civdoc.project.load import Project

KITS = "分单位材料包"
GUIDE = "填报说明.docx"
DIR_ATTR = (0o40755 << 16) | 0x10  # a Unix folder, and MS-DOS's directory bit
FILE_ATTR = 0o100644 << 16


def office_contact(project: Project) -> str | None:
    """The office's own contact when civdoc.yaml lists it as a unit (文明办 / 创文办)."""
    for unit in project.config.units:
        if unit.contact and any(word in name for name in [unit.name, *unit.aliases] for word in ("创文办", "文明办")):
            return f"{unit.name} {unit.contact}"
    return None


def kit_bytes(result: Result, unit: str, found_evidence: object, contact: str | None) -> bytes:
    from civdoc.render.kit_docx import instructions_bytes
    from civdoc.render.kit_xlsx import task_list_bytes

    project = result.project
    found = kit_survey(project, unit, found_evidence)  # type: ignore[arg-type]
    folders = plan(project, [unit], found, layout="unit/indicator")
    item_of = {f.indicator: f.rel.split("/", 1)[1] for f in folders if f.indicator and not f.requirement}
    # the day the kit is dated, within what a zip can record (1980–2107)
    day = min(max(result.today, date(1980, 1, 1)), date(2107, 12, 31))
    stamp = datetime.combine(day, datetime.min.time())
    files = {
        f"{unit}任务清单.xlsx": settled(task_list_bytes(result, unit, item_of, contact, stamp), stamp),
        GUIDE: settled(instructions_bytes(project, unit, item_of, contact, result.today, stamp), stamp),
    }
    entries = {f.rel + "/": None for f in folders} | files
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.create_system = 3
            data = entries[name]
            info.external_attr = DIR_ATTR if data is None else FILE_ATTR
            info.compress_type = zipfile.ZIP_STORED if data is None else zipfile.ZIP_DEFLATED
            archive.writestr(info, b"" if data is None else data)  # non-ASCII names get the UTF-8 flag
    return buf.getvalue()


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def settled(document: bytes, stamp: datetime) -> bytes:
    """An Office file with the clock taken out: openpyxl and python-docx date their parts and stamp
    dcterms:modified with the time of saving; here both become the check's date."""
    source = zipfile.ZipFile(io.BytesIO(document))
    buf = io.BytesIO()
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + when + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = FILE_ATTR
            archive.writestr(fixed, data)
    return buf.getvalue()


def run(root: Path, unit: str | None, contact: str | None, today: date, no_cache: bool, out: Console) -> int:
    from civdoc.check.pipeline import check
    from civdoc.store.atomic import write_bytes

    result = check(root, today, unit, None, use_cache=not no_cache, files=False)
    project = result.project
    units = [result.unit] if result.unit else [u for u in project.unit_names if unit_items(project, u)]
    if not units or not unit_items(project, units[0]):
        out.print(
            f"{unit or '各单位'}没有需要报送材料的事项，没有生成材料包。", markup=False
        )  # unit names may hold [ ]
        return 0
    target = root / "out" / KITS
    real_evidence = os.path.realpath(root / "evidence")
    if os.path.commonpath([os.path.realpath(target), real_evidence]) == real_evidence:
        raise UsageError("out/ 指向 evidence/ 之中，材料包不能写在那里。请把 out/ 改为普通文件夹。")
    contact = contact or office_contact(project)
    found = survey(project)
    kits = [(u, kit_bytes(result, u, found, contact)) for u in units]  # all made before any is written
    for u, data in kits:
        write_bytes(target / f"{u}.zip", data)
    out.print(Text(f"已生成 {len(kits)} 个分单位材料包，位于 out/{KITS}/：", style="green"))
    for u, data in kits:
        items = [i for i in result.items if i.unit == u and i.status != "not_required"]
        done = sum(i.status == "complete" for i in items)
        out.print(f"  {u}.zip  应报 {len(items)} 项，已完成 {done} 项（{len(data) / 1024:.0f} KB）", markup=False)
    if not contact:
        out.print(
            "提示：填报说明中没有联系人。可用 --contact “区创文办 姓名 电话” 写明，"
            "或在 civdoc.yaml 中为文明办（创文办）填写 contact。"
        )
    out.print("把材料包发给各单位；收回后运行 civdoc collect 压缩包 收取。")
    return 0
