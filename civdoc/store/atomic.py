"""Write a file so that readers see the old content or the new, never half of it.

The file gets the mode any program's new file would (0666 less the umask), or the mode of the file it
replaces: mkstemp alone makes it 0600, which locks colleagues on a shared folder out.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

from civdoc.safe.paths import shown


@lru_cache(maxsize=1)
def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside path, flush it to disk, then rename it into place. An OSError
    names path itself (not the temporary file), for the message the user reads."""
    try:
        _write(path, data)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def _write(path: Path, data: bytes) -> None:
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # a link is replaced, never written through, and lends no mode
        st = os.lstat(path)
        mode = stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else 0o666 & ~umask()
    except FileNotFoundError:
        mode = 0o666 & ~umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


_WHY = {
    errno.EACCES: "没有写入或读取权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在位置是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有同名的文件占用了文件夹的位置",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENAMETOOLONG: "路径太长",
    errno.EEXIST: "已存在同名文件",
}


def why(exc: OSError) -> str:
    """What the machine refused, in Chinese: a full disk, a read-only folder, no permission …"""
    return _WHY.get(exc.errno or 0) or exc.strerror or type(exc).__name__


def refused(exc: OSError) -> str:
    """An OSError as a Chinese sentence naming the path (SPEC §6), for the command line's last word."""
    where = shown(str(exc.filename)) if exc.filename else "文件"
    return (
        f"无法读写 {where}：{why(exc)}。已写好的文件和审核记录都没有改动；"
        "请检查该位置的权限、剩余空间，或换一个位置后重试。"
    )
