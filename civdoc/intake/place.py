"""Take what a unit sent into evidence/ (SPEC §8 `collect`), losing nothing.

Whose it is: a top folder named after a unit (or the folder itself, for a folder source); else --unit.
Where each file goes: the first folder on its path that begins with an indicator id (the scanner's
rule) is the item; the file lands in the item's folder civdoc already recognises, or in a new
`<id> <content>` folder where the project's layout puts it, with the folders below kept. So a kit's
skeleton, a unit's own folders or a zip of indicator folders all land in the same place.

Never loses anything: the same path with the same bytes is skipped; other bytes are a conflict, left
unwritten unless --replace, which keeps the old file under replaced/<date>/<its path>. Every file is
written to a temporary file in its target folder and renamed (or linked, so that a file appearing
meanwhile is never overwritten).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from civdoc.errors import CivdocError, UsageError
from civdoc.evidence.skeleton import Survey, inside, item_folder, survey
from civdoc.evidence.walk import Walker
from civdoc.intake.unitzip import Entry, EntryBroken, Listing
from civdoc.project.load import Project
from civdoc.safe.paths import refuse_evidence, shown
from civdoc.store.atomic import why
from civdoc.store.safewrite import sync_files, write_chunks

KIT_FILES = ("任务清单.xlsx", "填报说明.docx")  # the kit's own files, sent back with the folder: left out

ADDED, IDENTICAL, CONFLICT = "新增", "相同，已跳过", "冲突，未写入"
REPLACED, REFUSED, JUNK = "已替换", "未收取", "已略去"


@dataclass
class Outcome:
    entry: Entry
    status: str
    target: str | None = None  # relative to the project, '/'-separated
    note: str = ""


@dataclass
class Intake:
    unit: str
    source: str
    kind: str
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    kept_old: list[str] = field(default_factory=list)  # where replaced files went

    def having(self, *statuses: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]

    @property
    def guessed(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self.outcomes:
            if o.entry.guessed:
                counts[o.entry.guessed] = counts.get(o.entry.guessed, 0) + 1
        return counts


def whose(project: Project, listing: Listing, wanted: str | None) -> tuple[str, bool]:
    """(the unit, whether the source is that unit's own folder)."""
    unit = None
    if wanted:
        unit = project.unit(wanted)
        if unit is None:
            raise UsageError(f"单位“{wanted}”没有在 civdoc.yaml 中登记。可用的单位：{'、'.join(project.unit_names)}。")
    own = project.unit(listing.root_name) if listing.root_name else None
    if own is not None:
        if unit is not None and own != unit:
            raise UsageError(
                f"文件夹“{listing.root_name}”是{own}的单位文件夹，与 --unit {wanted} 不一致。请核对后重新运行。"
            )
        return own, True
    if unit is not None:
        return unit, False
    tops = sorted(
        {
            e.name.replace("\\", "/").lstrip("/").split("/")[0]
            for e in listing.entries
            if "/" in e.name.replace("\\", "/").lstrip("/") and not e.junk
        }
    )
    units = sorted({u for u in (project.unit(t) for t in tops) if u}, key=project.unit_names.index)
    if len(units) == 1:
        return units[0], False
    if units:
        raise UsageError(
            f"{listing.kind}中有多个单位的文件夹（{'、'.join(units)}）。一次只收取一个单位的材料："
            "请用 --unit 指明收取哪个单位（其他单位的文件夹会被拒收）。"
        )
    seen = "、".join(f"“{shown(t)}”" for t in tops[:8]) or "（没有文件夹）"
    raise UsageError(
        f"无法确定这些材料属于哪个单位：{listing.kind}顶层的文件夹是 {seen}，不是已登记的单位名称或简称。"
        "请用 --unit 单位名称 指明，例如 civdoc collect 材料.zip --unit 区教育局。"
    )


class Placer:
    """Where each entry of one unit's material goes."""

    def __init__(self, project: Project, unit: str, own_folder: bool):
        self.project, self.unit, self.own_folder = project, unit, own_folder
        self.recognise = Walker(project)._indicator_of  # the scanner's own rule
        self.found: Survey = survey(project)

    def place(self, entry: Entry) -> Outcome:
        """An outcome with a target (still to be written), or a refusal, or junk."""
        if entry.refused:
            return Outcome(entry, REFUSED, note=entry.refused)
        if entry.junk:
            return Outcome(entry, JUNK, note="系统或临时文件")
        parts = entry.parts
        if not self.own_folder:
            top = self.project.unit(parts[0]) if len(parts) > 1 else None
            if top is not None and top != self.unit:
                return self._other_unit(entry, parts[0])
            if top == self.unit:
                parts = parts[1:]
        if len(parts) == 1 and parts[0].endswith(KIT_FILES):  # also in a kit unzipped whole and sent back
            return Outcome(entry, JUNK, note="材料包自带的说明文件")
        return self._in_unit(entry, parts)

    def _in_unit(self, entry: Entry, parts: tuple[str, ...]) -> Outcome:
        for k, name in enumerate(parts[:-1]):
            ident = self.recognise(name)
            if ident is None:
                other = self.project.unit(name)
                if other is not None and other != self.unit:
                    return self._other_unit(entry, name)
                continue
            ind = self.project.indicators[ident]
            if self.unit not in ind.responsible:
                return Outcome(
                    entry,
                    REFUSED,
                    note=f"{self.unit}不是指标 {ident}（{ind.content}）的责任单位，未收取。"
                    "请核对文件夹开头的指标编号。",
                )
            rest = parts[k + 1 :]
            owner = self.project.unit(rest[0]) if len(rest) > 1 else None
            if owner is not None and owner != self.unit:
                return self._other_unit(entry, rest[0])
            if owner == self.unit:
                rest = rest[1:]
            rel = item_folder(self.project, self.found, self.unit, ind)
            return Outcome(entry, "", target="/".join(("evidence", rel, *rest)))
        return Outcome(
            entry,
            REFUSED,
            note="没有放在指标文件夹（以指标编号开头的文件夹）中，未收取。请放入对应的指标文件夹后重新发送。",
        )

    def _other_unit(self, entry: Entry, name: str) -> Outcome:
        return Outcome(
            entry,
            REFUSED,
            note=f"“{name}”是{self.project.unit(name)}的文件夹，不属于{self.unit}，未收取。"
            "每个单位只能收取到自己的文件夹中。",
        )


def take(
    project: Project,
    listing: Listing,
    unit: str,
    own_folder: bool,
    source: str,
    replace: bool,
    dry_run: bool,
    today: date,
) -> Intake:
    placer = Placer(project, unit, own_folder)
    intake = Intake(unit, source, listing.kind, dry_run)
    placed = [placer.place(e) for e in listing.entries]
    _refuse_case_twins(project.root, placed)
    if not dry_run:
        project.evidence.mkdir(exist_ok=True)
    _enough_room(project.root, [o for o in placed if o.target])
    writer = _Writer(project.root, replace, dry_run, today, intake)
    try:
        for outcome in placed:
            if outcome.target:
                writer.write(outcome)
            intake.outcomes.append(outcome)
        writer.settle()
    finally:
        writer.abort()  # interrupted: the files not yet in place go, whole files stay
    return intake


def _folded(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def _refuse_case_twins(root: Path, placed: list[Outcome]) -> None:
    """Two names that differ only in case or width (A.pdf, a.pdf; ２ and 2) are one file on a Windows or
    macOS share: the second would overwrite the first there, so it is refused, named, never written."""
    seen: dict[str, str] = {}
    listed: dict[Path, dict[str, str]] = {}
    for outcome in placed:
        target = outcome.target
        if not target:
            continue
        twin = seen.setdefault(_folded(target), target)
        if twin == target:
            path = root / target
            names = listed.get(path.parent)
            if names is None:
                try:
                    names = {_folded(n): n for n in os.listdir(path.parent)}
                except OSError:
                    names = {}
                listed[path.parent] = names
            there = names.get(_folded(path.name))
            if there is None or there == path.name:
                continue
            twin = f"{target.rsplit('/', 1)[0]}/{there}"
        outcome.status, outcome.target = REFUSED, None
        outcome.note = (
            f"与“{twin.removeprefix('evidence/')}”只有大小写或全角半角不同：在 Windows 的共享文件夹中"
            "两者会互相覆盖，未收取。请改用不同的名称后重新发送。"
        )


def _enough_room(root: Path, outcomes: list[Outcome]) -> None:
    # a file already there with the same size is most likely the same (taken by an earlier, interrupted
    # collect): counting it would refuse forever the re-run the message below advises
    needed = sum(o.entry.size for o in outcomes if not _same_size_there(root, o))
    try:
        free = shutil.disk_usage(root / "evidence").free
    except OSError:
        return
    if needed > free:
        raise CivdocError(
            f"磁盘空间不足：这些材料共 {needed / (1 << 30):.2f} GB，evidence/ 所在磁盘只剩 "
            f"{free / (1 << 30):.2f} GB。请清理磁盘后重新收取；没有写入任何文件。"
        )


def _same_size_there(root: Path, outcome: Outcome) -> bool:
    try:
        return bool(outcome.target) and (root / str(outcome.target)).stat().st_size == outcome.entry.size
    except OSError:
        return False


def _digest(chunks: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return _digest(iter(lambda: handle.read(1 << 20), b""))


# new files are written to temporary files, flushed to disk together, then put in place, per batch
BATCH_FILES = 64
BATCH_BYTES = 64 << 20


@dataclass
class _Pending:
    outcome: Outcome
    tmp: Path
    path: Path
    made: list[Path]  # folders created for it


class _Writer:
    def __init__(self, root: Path, replace: bool, dry_run: bool, today: date, intake: Intake):
        self.root, self.replace, self.dry_run, self.today, self.intake = root, replace, dry_run, today, intake
        self.taken: dict[str, str] = {}  # target -> sha256 of what this source put there
        self.pending: list[_Pending] = []
        self.pending_bytes = 0

    def write(self, outcome: Outcome) -> None:
        assert outcome.target is not None
        self._guarded(outcome, lambda: self._write(outcome, outcome.target or ""))
        if len(self.pending) >= BATCH_FILES or self.pending_bytes >= BATCH_BYTES:
            self.settle()

    def settle(self) -> None:
        """Flush the batch to disk, then put each file in place (never over one that appeared meanwhile)."""
        batch, self.pending, self.pending_bytes = self.pending, [], 0
        try:
            sync_files([p.tmp for p in batch])
        except OSError as exc:
            self.pending = batch
            raise self._failed(exc) from None
        for done, item in enumerate(batch):
            try:
                _link_into_place(item.tmp, item.path)
            except FileExistsError:  # appeared meanwhile: compare with it instead
                item.tmp.unlink(missing_ok=True)
                outcome, path = item.outcome, item.path
                self.pending = batch[done + 1 :]  # if the comparison fails, abort() still removes the rest
                self._guarded(outcome, lambda: self._existing(outcome, path, outcome.target or ""))  # noqa: B023
                self.pending = []
                continue
            except OSError as exc:
                self.pending = batch[done:]
                raise self._failed(exc) from None
            except BaseException:
                self.pending = batch[done:]
                raise
            item.outcome.status = ADDED

    def _failed(self, exc: OSError) -> CivdocError:
        return CivdocError(
            f"写入 evidence/ 失败（{why(exc)}）。已收取的 {len(self.intake.having(ADDED))} 个文件"
            "完整保留，其余没有写入。请处理后重新运行同一命令：已收取的文件会被识别为相同并跳过。"
        )

    def abort(self) -> None:
        for item in self.pending:
            item.tmp.unlink(missing_ok=True)
            _remove_empty(item.made)
        self.pending = []

    def _guarded(self, outcome: Outcome, step: Callable[[], None]) -> None:
        """Run one step of taking an entry; what goes wrong with this entry alone refuses it."""
        try:
            step()
        except EntryBroken as exc:
            outcome.status, outcome.note, outcome.target = REFUSED, str(exc), None
        except UsageError as exc:  # a path leading out through a link
            outcome.status, outcome.note, outcome.target = REFUSED, str(exc), None
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM):
                done = len(self.intake.having(ADDED, REPLACED))
                raise CivdocError(
                    f"写入 {outcome.target} 失败（{why(exc)}）。已收取的 {done} 个文件完整保留，"
                    "这个文件没有写入。请处理后重新运行同一命令："
                    "已收取的文件会被识别为相同并跳过。"
                ) from None
            outcome.status, outcome.note, outcome.target = REFUSED, f"无法写入（{why(exc)}），未收取。", None

    def _write(self, outcome: Outcome, target: str) -> None:
        path = inside(self.root / "evidence", target.split("/", 1)[1])
        entry = outcome.entry
        if target in self.taken:  # two entries of one source with one path (e.g. an NFC and an NFD name)
            same = _digest(entry.chunks()) == self.taken[target]
            outcome.status = IDENTICAL if same else CONFLICT
            outcome.note = (
                "与本次收到的另一个同名文件相同" if same else "本次收到的另一个同名文件内容不同，只收取了先收到的那个"
            )
            return
        if os.path.lexists(path):
            self._existing(outcome, path, target)
            return
        if self.dry_run:
            self.taken[target] = _digest(entry.chunks())
            outcome.status = ADDED
            return
        made = _make_parents(path.parent, self.root / "evidence")
        try:
            size, sha, tmp = write_chunks(path, entry.chunks(), durable=False)
        except BaseException:
            _remove_empty(made)
            raise
        self.taken[target] = sha
        self.pending.append(_Pending(outcome, tmp, path, made))
        self.pending_bytes += size

    def _existing(self, outcome: Outcome, path: Path, target: str) -> None:
        if path.is_symlink() or not path.is_file():
            outcome.status, outcome.target = REFUSED, None
            outcome.note = f"{target} 已存在，但不是普通文件（文件夹或链接），未收取。"
            return
        entry = outcome.entry
        new_sha = _digest(entry.chunks()) if entry.size == path.stat().st_size else None
        if new_sha is not None and new_sha == _file_digest(path):
            self.taken[target] = new_sha
            outcome.status = IDENTICAL
            return
        if not self.replace:
            outcome.status = CONFLICT
            outcome.note = (
                "evidence/ 中已有同名文件，内容不同：未写入，原文件保留。确认用新文件替换时，加 --replace 重新收取。"
            )
            return
        kept = self._kept_path(target)
        outcome.status = REPLACED
        outcome.note = f"原文件{'将' if self.dry_run else '已'}移到 {kept}"
        if self.dry_run:
            return
        keep_at = inside(self.root, kept)  # replaced/ may not lead out of the project either
        refuse_evidence(keep_at, self.root, "保留旧文件的位置")  # nor into evidence/, where it would count
        _, sha, tmp = write_chunks(path, entry.chunks())
        try:
            _keep_old(path, keep_at)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self.taken[target] = sha
        self.intake.kept_old.append(kept)

    def _kept_path(self, target: str) -> str:
        base = f"replaced/{self.today.isoformat()}/{target}"
        kept, n = base, 1
        while os.path.lexists(self.root / kept):
            n += 1
            stem, dot, ext = base.rpartition(".")
            kept = f"{stem} ({n}).{ext}" if dot and "/" not in ext else f"{base} ({n})"
        return kept


def _make_parents(folder: Path, stop: Path) -> list[Path]:
    """Create folder and its missing parents; returns those created, deepest last."""
    missing = []
    while not folder.exists() and folder != stop:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(exist_ok=True)
    return list(reversed(missing))


def _remove_empty(folders: list[Path]) -> None:
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            return


def _link_into_place(tmp: Path, path: Path) -> None:
    """Rename tmp to path unless path exists (FileExistsError): a hard link cannot overwrite."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some shares)
        if os.path.lexists(path):
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _keep_old(path: Path, kept: Path) -> None:
    """The old file, kept under replaced/: a hard link (instant, and it stays whole), else a copy."""
    kept.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(path, kept)
    except OSError:
        with open(path, "rb") as handle:
            _, _, tmp = write_chunks(kept, iter(lambda: handle.read(1 << 20), b""))
        os.replace(tmp, kept)
