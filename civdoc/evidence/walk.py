"""Walk evidence/ and place every file under a unit and an indicator (SPEC §3), reporting P501–P504.

Only names and stat results are used here; what a file contains is inspect.py's business.
Symbolic links are never followed: a link out of the project or a link loop cannot mislead or hang us.
Anything that is neither a folder nor a regular file (a link, a pipe, a device) is reported, never
opened. A folder or file we cannot list or stat is reported and the walk goes on.

Names are shown in a readable form (`display`, applied as listing.py lists a folder): bytes that are not UTF-8 (GBK names unpacked from a
zip made on Chinese Windows) are decoded as GBK, and names garbled by an extractor that read GBK or
UTF-8 bytes as code page 437 are recovered, so that such a file is still matched by its keywords and
its date, and people can read the path civdoc reports.

This runs once per file of a tree that may hold 100,000: per-entry work is kept to a few dict
look-ups, and the one system call per file is the lstat that gives size and mtime.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from civdoc.evidence.filenames import differing, exact, nearest_unit
from civdoc.evidence.listing import Listed, entries, plain_files, what_to_do, why
from civdoc.findings import finding
from civdoc.model import EvidenceFile, Finding
from civdoc.project.load import Project
from civdoc.project.names import ID_SEPARATORS, norm
from civdoc.store.gcpause import paused

ItemKey = tuple[str, str]  # (unit, indicator id)


@dataclass
class Scan:
    files: list[EvidenceFile] = field(default_factory=list)  # files outside any item (P503, P504)
    listings: dict[ItemKey, list[Listed]] = field(default_factory=dict)  # each item's files, in walk order
    findings: list[Finding] = field(default_factory=list)  # placement findings, severity filled in later
    unit_folders: set[str] = field(default_factory=set)  # canonical units that have a folder
    item_folders: dict[ItemKey, list[str]] = field(default_factory=dict)  # (unit, id) -> folders
    # a folder meant for a unit but misnamed: (unit, id or None) -> its name, for C201/C202's advice
    misnamed: dict[tuple[str, str | None], str] = field(default_factory=dict)
    _made: dict[ItemKey, list[EvidenceFile]] = field(default_factory=dict, init=False, repr=False)

    def item_files(self, key: ItemKey) -> list[EvidenceFile]:
        """The item's files as EvidenceFiles, made once."""
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = [evidence_file(listed, *key) for listed in self.listings.get(key, [])]
        return made

    def all_paths(self) -> set[str]:
        return {f.path for f in self.files} | {e[0] for listing in self.listings.values() for e in listing}


def evidence_file(listed: Listed, unit: str, ident: str) -> EvidenceFile:
    path, fs_path, size, mtime_ns, item_path, inside = listed
    return EvidenceFile(
        path=path,
        fs_path=fs_path,
        ext=_ext(os.path.basename(fs_path)),
        size=size,
        mtime_ns=mtime_ns,
        unit=unit,
        indicator=ident,
        item_path=item_path,
        inside=inside,
    )


# ---------------------------------------------------------------------------------------------
# The walk


class Walker:
    def __init__(self, project: Project):
        self.project = project
        self.scan = Scan()
        # normalised id -> id; a folder "2.1.10 xx" is tried as 2.1.10, then 2.1, then 2: longest wins
        self.ids: dict[str, str] = {}
        self._ident_of: dict[str, str | None] = {}  # folder name -> id, as found
        self.responsible = {ident: set(ind.responsible) for ident, ind in project.indicators.items()}
        for ident in sorted(project.indicators, key=len):
            self.ids[norm(ident)] = ident

    def run(self) -> Scan:
        root = self.project.evidence
        if not root.is_dir():  # evidence/ itself may be a link the office set up, e.g. to a share
            return self.scan
        if self.project.config.layout == "unit/indicator":
            self._evidence_root_by_unit(str(root))
        else:
            self._grouping(str(root), "evidence", unit=None)
        self._disambiguate_item_paths()
        return self.scan

    # -- layout unit/indicator --------------------------------------------------------------
    def _evidence_root_by_unit(self, root: str) -> None:
        for _, name, entry in entries(root, "evidence", self.scan.findings):
            rel = "evidence/" + name
            if self._link_or_file(entry, rel, unit=None):
                continue
            unit = self.project.unit(name)
            if unit is None:
                ident = self._indicator_of(name)
                if ident is not None:
                    self._swapped(name, rel, entry.path, None, ident)
                else:
                    self._unknown_unit_folder(name, rel, entry.path, None)
                continue
            self.scan.unit_folders.add(unit)
            self._grouping(entry.path, rel, unit)

    # -- shared: grouping folders until an indicator folder -----------------------------------
    def _grouping(self, folder: str, rel: str, unit: str | None) -> bool:
        """Walk folders that match no id; returns whether any indicator folder was found below."""
        found = False
        for _, name, entry in entries(folder, rel, self.scan.findings):
            child = f"{rel}/{name}"
            if self._link_or_file(entry, child, unit):
                continue
            ident = self._indicator_of(name)
            if ident is None and unit is None and self.project.unit(name):
                found = True  # not a folder leading nowhere: a unit's, in the other layout's order
                self._swapped(name, child, entry.path, self.project.unit(name), None)
                continue
            if ident is not None:
                found = True
                if unit is not None:
                    self._item_folder(entry.path, child, unit, ident)
                else:
                    self._indicator_by_unit(entry.path, child, ident)
                continue
            mark = len(self.scan.findings)
            if self._grouping(entry.path, child, unit):
                found = True
            else:
                # one finding for a folder leading nowhere, not one per file inside it
                del self.scan.findings[mark:]
                self.scan.findings.append(
                    finding(
                        "P502",
                        f"文件夹“{name}”不对应任何指标，其中的材料不会被计入。"
                        f"请把它改名为以指标编号开头（如“{self._example(unit)}”），或把材料移入对应的指标文件夹。",
                        unit=unit,
                        path=child,
                    )
                )
        return found

    # -- layout indicator/unit ----------------------------------------------------------------
    def _indicator_by_unit(self, folder: str, rel: str, ident: str) -> None:
        for _, name, entry in entries(folder, rel, self.scan.findings):
            child = f"{rel}/{name}"
            if self._link_or_file(entry, child, unit=None, ident=ident):
                continue
            unit = self.project.unit(name)
            if unit is None:
                self._unknown_unit_folder(name, child, entry.path, ident)
                continue
            self.scan.unit_folders.add(unit)
            self._item_folder(entry.path, child, unit, ident)

    # -- an item's folder: everything below belongs to (unit, indicator) ------------------------
    def _item_folder(self, folder: str, rel: str, unit: str, ident: str) -> None:
        if unit not in self.responsible[ident]:
            indicator = self.project.indicators[ident]
            self.scan.findings.append(
                finding(
                    "P503",
                    f"{unit}不是指标 {ident}（{indicator.content}）的责任单位，此文件夹中的材料不会被计入。"
                    "请核对文件夹开头的指标编号；如确需由本单位报送，请在指标定义的 units 中加入本单位。",
                    unit=unit,
                    indicator=ident,
                    path=rel,
                )
            )
            self._files_below(folder, rel, unit, None, [])
            return
        self.scan.item_folders.setdefault((unit, ident), []).append(rel)
        self._files_below(folder, rel, unit, ident, [])

    def _files_below(
        self, folder: str, rel: str, unit: str, ident: str | None, inside: list[str], prefix: str = ""
    ) -> None:
        """Every file below an item's folder into its listing; below a folder of a unit that is not
        responsible (ident None), into the loose files. prefix: the exact names (exact()) of the
        folders in inside, for the fingerprint keys."""
        listing = self.scan.listings.setdefault((unit, ident), []) if ident else None
        if listing is not None:
            leaf = plain_files(folder, rel, prefix, inside)
            if leaf is not None:
                listing += leaf
                return
        for raw, name, entry in entries(folder, rel, self.scan.findings):
            child = f"{rel}/{name}"
            if entry.is_dir(follow_symlinks=False):
                self._files_below(entry.path, child, unit, ident, inside + [name], prefix + exact(raw) + "/")
            elif entry.is_file(follow_symlinks=False):
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError as exc:
                    self._unstattable(exc, child, unit, ident)
                    continue
                if listing is not None:
                    listing.append((child, entry.path, st.st_size, st.st_mtime_ns, prefix + exact(raw), inside))
                else:
                    self.scan.files.append(
                        EvidenceFile(
                            path=child,
                            fs_path=entry.path,
                            ext=_ext(name),
                            size=st.st_size,
                            mtime_ns=st.st_mtime_ns,
                            unit=unit,
                            inside=inside,
                        )
                    )
            else:
                self._not_a_file(entry, child, unit, ident)

    # -- helpers -----------------------------------------------------------------------------
    def _indicator_of(self, name: str) -> str | None:
        """The id a folder name begins with, followed by its end or a separator; the longest wins.
        Every unit has the same indicator folders: each name is worked out once."""
        try:
            return self._ident_of[name]
        except KeyError:
            ident = self._ident_of[name] = self._find_indicator(name)
            return ident

    def _find_indicator(self, name: str) -> str | None:
        text = norm(name)
        ends = [len(text)] + [i for i in range(len(text) - 1, 0, -1) if text[i] in ID_SEPARATORS]
        for end in ends:  # longest prefix first
            ident = self.ids.get(text[:end])
            if ident is not None:
                return ident
        return None

    def _link_or_file(self, entry: os.DirEntry, rel: str, unit: str | None, ident: str | None = None) -> bool:
        """Handle an entry that is not a folder to descend into; True when handled. ident: the
        indicator folder (layout indicator/unit) the entry stands in."""
        if entry.is_dir(follow_symlinks=False):
            return False
        if entry.is_file(follow_symlinks=False):
            found = self._loose_file(entry, rel, unit)
            if found is None:
                return True
            self.scan.files.append(found)
            self.scan.findings.append(self._stray(rel, unit, ident))
        else:
            self._not_a_file(entry, rel, unit, None)
        return True

    def _not_a_file(self, entry: os.DirEntry, rel: str, unit: str | None, ident: str | None) -> None:
        if entry.is_symlink():
            self._link(rel, unit, ident)
            return
        self.scan.findings.append(
            finding(
                "F304",
                "这不是普通文件（可能是管道、设备或其他特殊文件），civdoc 不会读取它。请删除它，换成材料文件本身。",
                unit=unit,
                indicator=ident,
                path=rel,
            )
        )

    def _link(self, rel: str, unit: str | None, ident: str | None) -> None:
        self.scan.findings.append(
            finding(
                "F304",
                "这是一个链接（快捷方式），civdoc 不会跟随链接读取。请把文件本身复制到这里，替换该链接。",
                unit=unit,
                indicator=ident,
                path=rel,
            )
        )

    def _unknown_unit_folder(self, name: str, rel: str, folder: str, ident: str | None) -> None:
        """P501. When the unit meant is clear, the finding (and the folder's files, for 文件清单) is
        that unit's, and its C201/C202 will say to rename the folder rather than make a second one."""
        near = nearest_unit(self.project, name)
        if near is None:
            hint = "请改为 civdoc.yaml 中登记的单位全称或简称。"
            unit = None
        else:
            unit, meant, clear = near
            hint = f"您是否想写“{meant}”{differing(name, meant)}？"
            if clear:
                hint += f"请把文件夹改名为“{meant}”。"
            else:
                unit = None
        self.scan.findings.append(
            finding(
                "P501",
                f"文件夹“{name}”不是已登记的单位，其中的材料不会被计入。{hint}"
                "如果这是新单位，请在 civdoc.yaml 的 units 中登记。",
                unit=unit,
                indicator=ident if unit else None,
                path=rel,
            )
        )
        if unit is not None:
            self.scan.misnamed.setdefault((unit, ident), name)
            self._strays(folder, rel, unit, ident)

    def _swapped(self, name: str, rel: str, folder: str, unit: str | None, ident: str | None) -> None:
        """A unit folder where the layout wants indicator folders, or the other way round: one finding
        that says so, not one per file; the files are listed all the same."""
        if self.project.config.layout == "indicator/unit":
            self.scan.findings.append(
                finding(
                    "P502",
                    f"文件夹“{name}”是单位文件夹，但本项目的材料按“指标/单位”存放（evidence/<指标>/<单位>/…），"
                    f"其中的材料不会被计入。请把各指标的材料移到对应指标文件夹下的“{name}”文件夹中"
                    f"（如“{self._example(unit)}/{name}”）。",
                    unit=unit,
                    path=rel,
                )
            )
        else:
            self.scan.findings.append(
                finding(
                    "P501",
                    f"文件夹“{name}”是指标文件夹，但本项目的材料按“单位/指标”存放（evidence/<单位>/<指标>/…），"
                    f"其中的材料不会被计入。请把各单位的材料移到本单位文件夹下的“{name}”文件夹中。",
                    indicator=ident,
                    path=rel,
                )
            )
        self._strays(folder, rel, unit, ident)

    def _strays(self, folder: str, rel: str, unit: str | None, ident: str | None) -> None:
        """The regular files below a folder civdoc does not count, as loose files of the unit and
        indicator their folders name; no finding of their own."""
        for _, name, entry in entries(folder, rel, self.scan.findings):
            child = f"{rel}/{name}"
            if entry.is_dir(follow_symlinks=False):
                self._strays(entry.path, child, unit or self.project.unit(name), ident or self._indicator_of(name))
            elif entry.is_file(follow_symlinks=False):
                found = self._loose_file(entry, child, unit)
                if found is not None:
                    found.indicator = ident
                    self.scan.files.append(found)

    def _stray(self, rel: str, unit: str | None, ident: str | None) -> Finding:
        """P504, in the project's own layout."""
        if ident is not None:  # indicator/unit: a file beside the unit folders of an indicator
            indicator = self.project.indicators[ident]
            folder = rel.rsplit("/", 2)[-2]
            owners = indicator.responsible
            example = owners[0] if owners else "单位名称"
            return finding(
                "P504",
                f"文件直接放在指标文件夹“{folder}”中，没有放入单位文件夹，不会被计入。"
                f"请把它移入该指标下报送单位的文件夹（如“{folder}/{example}”）。",
                unit=owners[0] if len(owners) == 1 else None,
                indicator=ident,
                path=rel,
            )
        if unit is not None:
            return finding(
                "P504",
                "文件直接放在单位文件夹中，没有放入指标文件夹，不会被计入。"
                f"请把它移入对应的指标文件夹（以指标编号开头，如“{self._example(unit)}”）。",
                unit=unit,
                path=rel,
            )
        by_unit = self.project.config.layout == "unit/indicator"
        layout = "evidence/<单位>/<指标>/" if by_unit else "evidence/<指标>/<单位>/"
        return finding(
            "P504",
            f"文件直接放在 evidence 文件夹中，不属于任何单位和指标，不会被计入。请把它移入 {layout} 下对应的文件夹。",
            path=rel,
        )

    def _example(self, unit: str | None) -> str:
        """An indicator folder name from the project itself: the unit's first indicator, or the first."""
        chosen = None
        for ind in self.project.indicators.values():
            if unit is None or unit in self.responsible[ind.id]:
                chosen = ind
                break
        chosen = chosen or next(iter(self.project.indicators.values()), None)
        return f"{chosen.id} {chosen.content}" if chosen else "1.1 测评内容"

    def _loose_file(self, entry: os.DirEntry, rel: str, unit: str | None) -> EvidenceFile | None:
        try:
            stat = entry.stat(follow_symlinks=False)
        except OSError as exc:
            self._unstattable(exc, rel, unit, None)
            return None
        return EvidenceFile(
            path=rel, fs_path=entry.path, ext=_ext(entry.name), size=stat.st_size, mtime_ns=stat.st_mtime_ns, unit=unit
        )

    def _unstattable(self, exc: OSError, rel: str, unit: str | None, ident: str | None) -> None:
        self.scan.findings.append(
            finding("F304", f"文件无法读取（{why(exc)}）。{what_to_do(exc)}", unit=unit, indicator=ident, path=rel)
        )

    def _disambiguate_item_paths(self) -> None:
        """When a unit keeps one indicator in several folders, key files by folder name too."""
        split = {key: folders for key, folders in self.scan.item_folders.items() if len(folders) > 1}
        if not split:
            return
        for key, folders in split.items():
            listing = self.scan.listings.get(key, [])
            for i, (path, fs_path, size, mtime_ns, item_path, inside) in enumerate(listing):
                folder = next(d for d in folders if path.startswith(d + "/"))
                listing[i] = (path, fs_path, size, mtime_ns, f"{folder.rsplit('/', 1)[-1]}/{item_path}", inside)


def _ext(name: str) -> str:
    """The lower-case extension without the dot; none for a name like ".pdf" or "README"."""
    base, dot, ext = name.rpartition(".")
    return ext.lower() if dot and base else ""


def scan(project: Project) -> Scan:
    with paused():
        return Walker(project).run()
