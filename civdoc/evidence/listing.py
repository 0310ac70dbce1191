"""Listing one folder of evidence/: the entries the walk looks at, each with the name people can
read, and a leaf item folder's files in one pass (the walk's hot path: it runs once per file).

What is never listed: hidden files, Office's lock files and the litter of file managers. A folder
that cannot be read becomes an F304 finding, with what to do about it.
"""

from __future__ import annotations

import errno
import os
import re

from civdoc.evidence.filenames import CP437_GARBLE, display, escape_controls, exact
from civdoc.findings import finding
from civdoc.model import Finding

IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_HIDDEN = (".", "~$")  # hidden files and Office's lock files
# any of the above among names joined as "/name/name/", the names folded (see plain_files)
_IGNORED_AMONG = re.compile(
    "|".join(re.escape(s) for s in ["/" + h for h in _HIDDEN] + [f"/{n}/" for n in IGNORED_NAMES])
)


# One file of an item's folder, as the walk saw it: (path, fs_path, size, mtime_ns, item_path, inside).
# A tuple, not an EvidenceFile: a warm check recalls most items whole (memo.py) and never needs one.
Listed = tuple[str, str, int, int, str, list[str]]


def ignored(name: str) -> bool:
    """Hidden files, Office's lock files and the litter of file managers. The rare names short
    enough to be litter are the only ones folded."""
    return name.startswith(_HIDDEN) or (len(name) < 12 and name.casefold() in IGNORED_NAMES)


_WHY = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ENAMETOOLONG: "路径过长",
    errno.ELOOP: "链接层数过多",
    errno.ENOENT: "检查过程中被移动或删除",
    errno.ENOTDIR: "检查过程中被替换",
    errno.EIO: "读取出错（磁盘或网络故障）",
}


def why(exc: OSError) -> str:
    return _WHY.get(exc.errno or 0) or exc.strerror or type(exc).__name__


def what_to_do(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "请缩短文件夹或文件的名称，减少文件夹层级。"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "请检查文件夹权限，或把材料复制到可读取的位置。"
    return "请确认该位置可以正常打开后重新检查。"


Entry = tuple[str, str, os.DirEntry]  # the entry's name, its readable name, the entry


def entries(folder: str, rel: str, findings: list[Finding]) -> list[Entry]:
    """The folder's entries that are not ignored, sorted by name, each with its readable name."""
    listed: list[Entry] = []
    add = listed.append
    garbled = CP437_GARBLE.search
    renamed = False
    try:
        with os.scandir(folder) as it:
            for e in it:
                name = e.name
                if ignored(name):
                    continue
                # display()'s common case, inlined: this runs once per file
                if name.isprintable() and not garbled(name):  # no escaped bytes, no control, no cp437
                    add((name, name, e))
                    continue
                shown = display(name)
                add((name, shown, e))
                renamed = True
                if shown not in (name, escape_controls(name)):  # decoded or recovered, not just escaped
                    findings.append(
                        finding(
                            "P507",
                            f"名称的编码不正确（常见于从压缩包解压出的文件），这里按“{shown}”识别。"
                            "在其他电脑上它可能显示为乱码，请把它重新命名为正确的中文名称。",
                            path=f"{rel}/{shown}",
                        )
                    )
    except OSError as exc:
        findings.append(finding("F304", f"文件夹无法读取（{why(exc)}）。{what_to_do(exc)}", path=rel))
        return []
    listed.sort()  # names in a folder are distinct: the entries themselves are never compared
    if renamed and len({shown for _, shown, _ in listed}) < len(listed):
        # a decoded name equal to a real one: keep both apart
        taken = set()
        for i, (name, shown, entry) in enumerate(listed):
            if shown in taken:
                shown = exact(name)  # unambiguous: every backslash in it starts an escape
                listed[i] = (name, shown, entry)
            taken.add(shown)
    return listed


# A leaf folder is listed through a descriptor where the system allows: each file's lstat then looks
# up one name instead of its whole path again (~10% of a warm check's walk), and a folder swapped for
# a link after its parent was listed is not followed (O_NOFOLLOW).
_BY_DESCRIPTOR = os.scandir in os.supports_fd
_LEAF_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def plain_files(folder: str, rel: str, prefix: str, inside: list[str]) -> list[Listed] | None:
    """The listing of a folder that holds only regular files with plain names, sorted; None for
    any other folder (a sub-folder, a link, a name to show otherwise, an error), which the general
    walk then lists again and reports on. Most item folders are such leaves: one pass, no detours."""
    listing: list[Listed] = []
    add = listing.append
    names = []
    base, real = rel + "/", folder + "/"
    try:
        fd = os.open(folder, _LEAF_FLAGS) if _BY_DESCRIPTOR else None
        try:
            with os.scandir(folder if fd is None else fd) as it:
                for e in it:  # this runs once per file: ignored names are looked for below, all at once
                    name = e.name
                    st = e.stat(follow_symlinks=False)
                    if st.st_mode & 0o170000 != 0o100000:  # not S_ISREG, inlined
                        return None
                    names.append(name)
                    add((base + name, real + name, st.st_size, st.st_mtime_ns, prefix + name, inside))
        finally:
            if fd is not None:
                os.close(fd)
    except OSError:
        return None
    joined = "/" + "/".join(names) + "/"  # one test of all the names ("/" is in none): cheaper than one per name
    if not joined.isprintable() or CP437_GARBLE.search(joined) or "\\" in joined:
        return None
    if _IGNORED_AMONG.search(joined.casefold()):  # rare: hidden files, lock files, litter
        listing = [listed for listed, name in zip(listing, names) if not ignored(name)]
    listing.sort()  # by path: in one folder, by name, like the general walk
    return listing
