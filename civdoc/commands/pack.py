"""`civdoc pack`: the 网上申报 package (SPEC §10) in out/网上申报材料/, built whole or not at all.

The package is built in a temporary folder inside out/ and swapped in at the end, so a failed or
interrupted pack leaves the previous package as it was. Every file is copied (never moved) in chunks
while its SHA-256 is computed; a file whose hash differs from the one the check saw, or that vanished,
stops the pack (exit 2: the run could not complete and wrote nothing, like a failure of the machine;
exit 1 means findings). Photo sets, the catalogue, SHA256SUMS and the zips are then made from the
copies, never from the originals again.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from civdoc.check.evaluate import Result
from civdoc.errors import CivdocError
from civdoc.pack.plan import Entry, Packed, Plan, inside, make_plan
from civdoc.pack.zips import ZipEntry, split, write_zip
from civdoc.render.pack_catalog import BOOK, BookInfo, Facts, write_catalogue
from civdoc.render.photobook import Photo, write_photobook
from civdoc.safe.paths import shown as escaped

PACKAGE = "网上申报材料"
ZIP_FOLDER = "压缩包"
SUMS = "SHA256SUMS"
_CHUNK = 1 << 20
MB = 1024 * 1024

Progress = Callable[[int, int], None]


class NothingToPack(CivdocError):
    """No usable file in scope: nothing is written (exit 1, like a check with errors)."""

    exit_code = 1


@dataclass
class Part:
    aspect: str  # its 测评项目's folder
    name: str  # relative to the package
    size: int
    files: int


@dataclass
class PackResult:
    """What a pack made, for the summary."""

    target: Path
    plan: Plan
    books: dict[str, BookInfo]
    parts: list[Part] = field(default_factory=list)
    too_large: list[str] = field(default_factory=list)
    total_size: int = 0  # the package's files, zips excluded


def pack(result: Result, method: str | None, max_mb: float | None, progress: Progress | None = None) -> PackResult:
    root = result.project.root
    limit_mb = max_mb if max_mb is not None else result.project.config.limits.max_file_mb * 10
    if not math.isfinite(limit_mb) or limit_mb <= 0:
        raise CivdocError(f"--max-mb 必须大于 0，而不是 {limit_mb:g}。")
    plan = make_plan(result, method)
    if not plan.packed:
        raise NothingToPack(_nothing_message(plan, result, method))
    out = root / "out"
    _refuse_evidence(root, out)
    try:
        return _build(result, plan, method, out, int(limit_mb * MB), progress)
    except OSError as exc:  # the machine's failure (disk full, no permission): named, exit 2, old package kept
        where = exc.filename or out
        raise CivdocError(
            f"写入网上申报材料时失败：{where}：{exc.strerror or exc}。原有的 out/{PACKAGE}/ 未改动。"
            "请检查磁盘空间和文件夹权限后重新运行。"
        ) from None


def _build(
    result: Result, plan: Plan, method: str | None, out: Path, limit: int, progress: Progress | None
) -> PackResult:
    out.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=out, prefix=f".{PACKAGE}."))
    try:
        os.chmod(temp, 0o777 & ~_umask())  # mkdtemp makes it 0700; the package follows the umask
        _copy_all(plan, temp, progress)
        books = _photobooks(plan, temp)
        made = PackResult(out / PACKAGE, plan, books)
        _zips(plan, temp, limit, made)
        facts = Facts(
            result.project.config.name, result.today, result.unit, method, books, _part_names(made), made.too_large
        )
        write_catalogue(temp, plan, facts)
        known = {p.rel: p.sha256 for p in plan.packed}  # verified while copying: not read again
        known.update({rel: info.sha256 for rel, info in books.items()})
        made.total_size = _write_sums(temp, known)
        _swap(temp, out / PACKAGE)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    _remove_leftovers(out)
    return made


def _remove_leftovers(out: Path) -> None:
    """Temporary folders of packs killed (power cut, kill -9) more than a day ago: no pack runs that long."""
    stale = time.time() - 24 * 3600
    for folder in out.glob(f".{PACKAGE}.*"):
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < stale:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _refuse_evidence(root: Path, out: Path) -> None:
    evidence = (root / "evidence").resolve()
    if out.resolve().is_relative_to(evidence):
        raise CivdocError(
            f"out/ 指向了 evidence/ 之内（{out.resolve()}），civdoc 不会往材料文件夹里写东西。请修正 out/。"
        )


def _nothing_message(plan: Plan, result: Result, method: str | None) -> str:
    scope = []
    if result.unit:
        scope.append(f"单位“{result.unit}”")
    if method:
        scope.append(f"测评方法“{method}”")
    where = f"（范围：{'、'.join(scope)}）" if scope else ""
    if not plan.entries:
        return f"没有需要报送材料的指标{where}，没有生成网上申报材料。"
    return (
        f"{len(plan.entries)}项指标中没有一个可以纳入的文件{where}：未纳入的文件{len(plan.left_out)}个。"
        "没有生成网上申报材料，原有的 out/网上申报材料/ 未改动。请先运行 civdoc check 查看问题并整改。"
    )


# -- copying ----------------------------------------------------------------------------------------


def _copy_all(plan: Plan, temp: Path, progress: Progress | None) -> None:
    problems: list[str] = []
    todo = plan.packed
    for n, item in enumerate(todo, 1):
        problem = _copy_verified(item, inside(temp, item.rel))
        if problem:
            problems.append(f"  {item.file.path}：{problem}")
        if progress:
            progress(n, len(todo))
    if problems:
        shown = "\n".join(problems[:50]) + (f"\n  ……另有{len(problems) - 50}个" if len(problems) > 50 else "")
        raise CivdocError(
            f"检查之后有{len(problems)}个材料文件被修改或移走，打包已停止，"
            f"原有的 out/{PACKAGE}/ 未改动：\n"
            f"{shown}\n请等文件整理完毕后重新运行 civdoc pack。"
        )


def _copy_verified(item: Packed, target: Path) -> str | None:
    """Copy in chunks while hashing; the reason the copy cannot be trusted, or None."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        src = open(item.file.fs_path, "rb")  # noqa: SIM115 - closed below; read errors are the file's
    except FileNotFoundError:
        return "文件已不存在（检查之后被移走或改名）"
    except PermissionError:
        return "文件无法读取（没有权限）"
    except IsADirectoryError:
        return "这里现在是一个文件夹"
    except OSError as exc:
        return f"文件无法读取（{exc.strerror or exc}）"
    with src, open(target, "xb") as dst:  # a failure to write is the machine's: pack() reports it
        while True:
            try:
                chunk = src.read(_CHUNK)
            except OSError as exc:
                return f"文件读取出错（{exc.strerror or exc}）"
            if not chunk:
                break
            digest.update(chunk)
            dst.write(chunk)
    if digest.hexdigest() != item.sha256:
        return "文件内容在检查之后发生了变化"
    return None


# -- photo sets -------------------------------------------------------------------------------------


def _photobooks(plan: Plan, temp: Path) -> dict[str, BookInfo]:
    books: dict[str, BookInfo] = {}
    for entry in plan.entries:
        for book in entry.photobooks:
            originals = {inside(temp, p.rel): p for p in book.photos}
            photos = [Photo(path, _caption(p)) for path, p in originals.items()]
            title = f"{entry.indicator.id} {entry.indicator.content}　{book.requirement}（{book.unit}）"
            target = inside(temp, book.rel)
            outcome = write_photobook(target, title, photos)
            if outcome.pages:  # else no photo decodes: no 照片集, and the catalogue names every photo
                skipped = [originals[photo.path].original_name for photo, _ in outcome.skipped]
                books[book.rel] = BookInfo(outcome.pages, _sha256(target), target.stat().st_size, skipped)
    return books


def _caption(p: Packed) -> list[str]:
    day = p.file.date
    if day is None:
        when = "日期：无法确定（文件名、文件夹和照片信息中都没有日期）"
    else:
        shown = (
            f"{day.start.year}年{day.start.month}月{day.start.day}日"
            if day.start == day.end
            else f"{day.start.year}年{day.start.month}月"
        )
        when = f"日期：{shown}（依据：{p.date_source}）"
    return [when, f"责任单位：{p.unit}", f"原文件名：{p.original_name}"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# -- zips -------------------------------------------------------------------------------------------


def _zips(plan: Plan, temp: Path, limit: int, made: PackResult) -> None:
    folder = temp / ZIP_FOLDER
    for aspect in dict.fromkeys(e.aspect for e in plan.entries):
        entries = [
            ZipEntry(rel, path, path.stat().st_size)
            for e in plan.entries
            if e.aspect == aspect
            for rel, path in _entry_files(e, temp)
        ]
        parts = split(entries, limit)
        made.too_large += [e.name for e in parts.too_large]
        for n, members in enumerate(parts.parts, 1):
            name = f"{aspect}.zip" if len(parts.parts) == 1 else f"{aspect}（第{n}部分，共{len(parts.parts)}部分）.zip"
            target = inside(temp, f"{ZIP_FOLDER}/{name}")
            folder.mkdir(exist_ok=True)
            write_zip(target, members)
            made.parts.append(Part(aspect, f"{ZIP_FOLDER}/{name}", target.stat().st_size, len(members)))


def _entry_files(entry: Entry, temp: Path) -> list[tuple[str, Path]]:
    files = []
    for thing in entry.order:
        path = inside(temp, thing.rel)
        if path.is_file():  # a 照片集 none of whose photos decodes is not made
            files.append((thing.rel, path))
    return files


def _part_names(made: PackResult) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for part in made.parts:
        names.setdefault(part.aspect, []).append(part.name.split("/", 1)[1])
    return names


# -- SHA256SUMS and the swap ------------------------------------------------------------------------


def _write_sums(temp: Path, known: dict[str, str]) -> int:
    """`sha256sum -c SHA256SUMS` verifies every file of the package; returns the size of the non-zip files."""
    lines = []
    total = 0
    for path in sorted(p for p in temp.rglob("*") if p.is_file()):
        rel = path.relative_to(temp).as_posix()
        lines.append(f"{known.get(rel) or _sha256(path)}  {rel}\n")
        if not rel.startswith(f"{ZIP_FOLDER}/"):
            total += path.stat().st_size
    with open(temp / SUMS, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(lines)
    return total


def _swap(temp: Path, final: Path) -> None:
    """The new package takes the old one's place; the old one goes only once the new one is there."""
    old = None
    if final.exists() or final.is_symlink():
        old = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{PACKAGE}.old."))
        os.replace(final, old / PACKAGE)
    try:
        os.replace(temp, final)
    except BaseException:
        if old is not None:
            os.replace(old / PACKAGE, final)
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# -- the summary -----------------------------------------------------------------------------------


def size_text(size: int) -> str:
    if size >= 1024 * MB:
        return f"{size / 1024 / MB:.2f} GB"
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(1, round(size / 1024)) if size else 0} KB"


def run_pack(result: Result, method: str | None, max_mb: float | None, out: Console, bar: bool) -> None:
    """Pack and print what was made, in Chinese; exit code 0 once the package is written."""
    if bar:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("复制材料"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress:
            task = progress.add_task("copy", total=None)
            made = pack(result, method, max_mb, lambda done, total: progress.update(task, completed=done, total=total))
    else:
        made = pack(result, method, max_mb)
    print_summary(made, result, out)


def print_summary(made: PackResult, result: Result, out: Console) -> None:
    plan = made.plan

    def say(text: str, style: str = "") -> None:
        # Text: names are never read as markup; soft wrap: no line break inside a name; no control codes
        out.print(Text(escaped(text), style=style), soft_wrap=True)

    where = _shown_target(made.target, result.project.root)
    complete = sum(e.complete for e in plan.entries)
    say(f"已生成网上申报材料：{where}/", "green")
    say(f"指标 {len(plan.entries)} 项：材料齐全 {complete} 项，尚有缺漏 {len(plan.entries) - complete} 项。")
    say(f"文件：纳入 {len(plan.packed)} 个（另编照片集 {len(made.books)} 册），未纳入 {len(plan.left_out)} 个。")
    zipped = sum(p.size for p in made.parts)
    say(f"总大小：材料 {size_text(made.total_size)}，压缩包 {len(made.parts)} 个共 {size_text(zipped)}：")
    for part in made.parts:
        say(f"  {part.name}（{part.files} 个文件，{size_text(part.size)}）")
    for rel in made.too_large:
        say(f"  未放入压缩包（单个文件超过分包上限，请单独上传）：{rel}", "yellow")
    for entry in plan.entries:
        for book in entry.photobooks:
            info = made.books.get(book.rel)
            skipped = info.skipped if info else [p.original_name for p in book.photos]
            for name in skipped:
                say(f"  照片无法解码，未编入照片集（原文件已纳入）：{entry.indicator.id} {book.unit} {name}", "yellow")
    if plan.left_out or complete < len(plan.entries):
        say(f"缺漏和未纳入的文件逐一列在 {BOOK}.xlsx 和 {BOOK}.docx 的“缺漏和未纳入材料”中。")
    say(f"核对文件：在 {where}/ 中运行 sha256sum -c {SUMS}。")


def _shown_target(target: Path, root: Path) -> str:
    return target.relative_to(root).as_posix() if target.is_relative_to(root) else str(target)
