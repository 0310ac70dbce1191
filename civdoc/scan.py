"""Walk evidence/ and place every file under a unit and an indicator (SPEC §3), reporting P501–P504.

Only names and stat results are used here; what a file contains is inspect.py's business.
Symbolic links are never followed: a link out of the project or a link loop cannot mislead or hang us.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from civdoc.model import EvidenceFile, Finding
from civdoc.names import norm, starts_with_id
from civdoc.project import Project

IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass
class Scan:
    files: list[EvidenceFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # placement findings, severity filled in later
    unit_folders: set[str] = field(default_factory=set)  # canonical units that have a folder
    item_folders: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (unit, id) -> folders


def ignored(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$") or name.casefold() in IGNORED_NAMES


def display(name: str) -> str:
    """A printable form of a name that is not valid UTF-8 (e.g. GBK bytes from a zip made on Windows)."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        try:
            return raw.decode("gbk")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")


def _entries(folder: Path, rel: str, scan: Scan) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted((e for e in it if not ignored(e.name)), key=lambda e: e.name)
    except OSError as exc:
        scan.findings.append(Finding("F304", "error", f"文件夹无法读取（{exc.strerror}）。请检查文件夹权限，或把材料复制到可读取的位置。", path=rel))
        return []


def _rel(parent: str, name: str) -> str:
    return f"{parent}/{display(name)}" if parent else display(name)


class Walker:
    def __init__(self, project: Project):
        self.project = project
        self.scan = Scan()
        self.ids = sorted(project.indicators, key=len, reverse=True)  # longest id wins

    def run(self) -> Scan:
        root = self.project.evidence
        if not root.is_dir():
            return self.scan
        if self.project.config.layout == "unit/indicator":
            self._evidence_root_by_unit(root)
        else:
            self._grouping(root, "evidence", unit=None)
        self._disambiguate_item_paths()
        return self.scan

    # -- layout unit/indicator --------------------------------------------------------------
    def _evidence_root_by_unit(self, root: Path) -> None:
        for entry in _entries(root, "evidence", self.scan):
            rel = _rel("evidence", entry.name)
            if self._link_or_file(entry, rel, unit=None):
                continue
            unit = self.project.unit(entry.name)
            if unit is None:
                self._unknown_unit_folder(entry.name, rel)
                continue
            self.scan.unit_folders.add(unit)
            self._grouping(Path(entry.path), rel, unit)

    # -- shared: grouping folders until an indicator folder -----------------------------------
    def _grouping(self, folder: Path, rel: str, unit: str | None) -> bool:
        """Walk folders that match no id; returns whether any indicator folder was found below."""
        found = False
        for entry in _entries(folder, rel, self.scan):
            child = _rel(rel, entry.name)
            if self._link_or_file(entry, child, unit):
                continue
            ident = self._indicator_of(entry.name)
            if ident is not None:
                found = True
                if unit is not None:
                    self._item_folder(Path(entry.path), child, unit, ident)
                else:
                    self._indicator_by_unit(Path(entry.path), child, ident)
                continue
            mark = len(self.scan.findings)
            if self._grouping(Path(entry.path), child, unit):
                found = True
            else:
                # one finding for a folder leading nowhere, not one per file inside it
                del self.scan.findings[mark:]
                self.scan.findings.append(Finding(
                    "P502", "warning",
                    f"文件夹“{display(entry.name)}”不对应任何指标，其中的材料不会被计入。"
                    "请把它改名为以指标编号开头（如“2.1 学雷锋志愿服务”），或把材料移入对应的指标文件夹。",
                    unit=unit, path=child))
        return found

    # -- layout indicator/unit ----------------------------------------------------------------
    def _indicator_by_unit(self, folder: Path, rel: str, ident: str) -> None:
        for entry in _entries(folder, rel, self.scan):
            child = _rel(rel, entry.name)
            if self._link_or_file(entry, child, unit=None):
                continue
            unit = self.project.unit(entry.name)
            if unit is None:
                self._unknown_unit_folder(entry.name, child)
                continue
            self.scan.unit_folders.add(unit)
            self._item_folder(Path(entry.path), child, unit, ident)

    # -- an item's folder: everything below belongs to (unit, indicator) ------------------------
    def _item_folder(self, folder: Path, rel: str, unit: str, ident: str) -> None:
        indicator = self.project.indicators[ident]
        if unit not in indicator.responsible:
            self.scan.findings.append(Finding(
                "P503", "warning",
                f"{unit}不是指标 {ident}（{indicator.content}）的责任单位，此文件夹中的材料不会被计入。"
                "请核对文件夹开头的指标编号；如确需由本单位报送，请在指标定义的 units 中加入本单位。",
                unit=unit, indicator=ident, path=rel))
            self._files_below(folder, rel, unit, None, [])
            return
        self.scan.item_folders.setdefault((unit, ident), []).append(rel)
        self._files_below(folder, rel, unit, ident, [])

    def _files_below(self, folder: Path, rel: str, unit: str, ident: str | None, inside: list[str]) -> None:
        for entry in _entries(folder, rel, self.scan):
            child = _rel(rel, entry.name)
            if entry.is_symlink():
                self._link(child, unit, ident)
            elif entry.is_dir(follow_symlinks=False):
                self._files_below(Path(entry.path), child, unit, ident, inside + [display(entry.name)])
            elif entry.is_file(follow_symlinks=False):
                item_path = "/".join(inside + [display(entry.name)])
                self.scan.files.append(self._file(entry, child, unit, ident, item_path if ident else None, inside))

    # -- helpers -----------------------------------------------------------------------------
    def _indicator_of(self, name: str) -> str | None:
        return next((i for i in self.ids if starts_with_id(name, i)), None)

    def _link_or_file(self, entry: os.DirEntry[str], rel: str, unit: str | None) -> bool:
        """Handle an entry that is not a folder to descend into; True when handled."""
        if entry.is_symlink():
            self._link(rel, unit, None)
            return True
        if entry.is_dir(follow_symlinks=False):
            return False
        if entry.is_file(follow_symlinks=False):
            self.scan.files.append(self._file(entry, rel, unit, None, None, []))
            self.scan.findings.append(Finding(
                "P504", "warning",
                "文件没有放在任何指标文件夹中，不会被计入。请把它移入对应的指标文件夹（以指标编号开头的文件夹）。",
                unit=unit, path=rel))
        return True

    def _link(self, rel: str, unit: str | None, ident: str | None) -> None:
        self.scan.findings.append(Finding(
            "F304", "error",
            "这是一个链接（快捷方式），civdoc 不会跟随链接读取。请把文件本身复制到这里，替换该链接。",
            unit=unit, indicator=ident, path=rel))

    def _unknown_unit_folder(self, name: str, rel: str) -> None:
        names = {norm(u.name): u.name for u in self.project.config.units}
        for unit in self.project.config.units:
            names.update({norm(a): unit.name for a in unit.aliases})
        near = difflib.get_close_matches(norm(display(name)), list(names), n=1, cutoff=0.5)
        hint = f"您是否想写“{names[near[0]]}”？" if near else "请改为 civdoc.yaml 中登记的单位全称或简称。"
        self.scan.findings.append(Finding(
            "P501", "warning",
            f"文件夹“{display(name)}”不是已登记的单位，其中的材料不会被计入。{hint}"
            "如果这是新单位，请在 civdoc.yaml 的 units 中登记。",
            path=rel))

    def _file(self, entry: os.DirEntry[str], rel: str, unit: str | None, ident: str | None,
              item_path: str | None, inside: list[str]) -> EvidenceFile:
        stat = entry.stat(follow_symlinks=False)
        ext = os.path.splitext(entry.name)[1].lower().lstrip(".")
        return EvidenceFile(path=rel, fs_path=entry.path, ext=ext, size=stat.st_size, mtime_ns=stat.st_mtime_ns, unit=unit,
                            indicator=ident, item_path=item_path, inside=list(inside))

    def _disambiguate_item_paths(self) -> None:
        """When a unit keeps one indicator in several folders, key files by folder name too."""
        for (unit, ident), folders in self.scan.item_folders.items():
            if len(folders) < 2:
                continue
            for f in self.scan.files:
                if f.unit == unit and f.indicator == ident and f.item_path:
                    folder = next(d for d in folders if f.path.startswith(d + "/"))
                    f.item_path = f"{folder.rsplit('/', 1)[-1]}/{f.item_path}"


def scan(project: Project) -> Scan:
    return Walker(project).run()
