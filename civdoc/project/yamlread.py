"""Reading civdoc's own YAML files as untrusted input (SPEC §5, §6): only regular files, bounded in
size, no aliases, every parser failure a D101 in Chinese with the line where the problem starts."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

MAX_BYTES = 64 * 1024 * 1024  # far above any real definitions or reviews file
MAX_DEPTH = 64  # civdoc's files nest a handful of levels; libyaml and the walk recurse per level


class Unreadable(Exception):
    """A file civdoc will not read; the message is Chinese and complete."""


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most limit bytes. A FIFO, device or folder is refused without
    blocking (O_NONBLOCK, then fstat on the open file, so a link swapped in between changes nothing)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise Unreadable(f"无法读取文件（{_why(exc)}），请检查文件是否存在、是否有读取权限。") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(
                "这不是普通文件（可能是文件夹、管道、设备或指向它们的链接），civdoc 不会读取它。请换成普通的文本文件。"
            )
        if st.st_size > limit:
            raise Unreadable(
                f"文件有 {st.st_size // (1024 * 1024)} MB，超过了 {limit // (1024 * 1024)} MB 的上限，"
                "不像是正常的 civdoc 文件。请检查它是否被替换或损坏。"
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # grew while read
                raise Unreadable(f"文件超过了 {limit // (1024 * 1024)} MB 的上限。")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(f"无法读取文件（{_why(exc)}）。") from None
    finally:
        os.close(fd)


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end >= len(data) - 1:
            raise Unreadable(
                "文件末尾不完整（最后一个字符只写了一半），文件可能在保存或复制时被截断。"
                "请从备份或版本库中恢复完整的文件。"
            ) from None
        line = data[: exc.start].count(b"\n") + 1
        raise Unreadable(f"第 {line} 行不是 UTF-8 编码的文字，请用记事本或 VS Code 另存为 UTF-8 后重试。") from None


def alias_line(text: str) -> int | None:
    """The line of the first alias or anchor in text: civdoc's files need none, and an alias lets a
    few bytes expand into gigabytes. Only scanned when text holds & or * at all."""
    if "&" not in text and "*" not in text:
        return None
    import yaml

    try:
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                return int(token.start_mark.line) + 1
    except yaml.YAMLError:
        return None  # the parse reports it
    return None


def too_deep(node: Any) -> bool:
    """Whether the composed document nests deeper than MAX_DEPTH (iteratively: no recursion)."""
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if current.id == "sequence":
            stack += [(child, depth + 1) for child in current.value]
        elif current.id == "mapping":
            stack += [(child, depth + 1) for pair in current.value for child in pair]
    return False


PROBLEMS = {
    "did not find expected ',' or ']'": "方括号 [ 没有对应的 ]，或列表项之间缺少逗号",
    "did not find expected ',' or '}'": "花括号 { 没有对应的 }，或项之间缺少逗号",
    "found unexpected end of stream": "引号没有成对（文件结束时仍在引号内）",
    "mapping values are not allowed in this context": "这里不能出现“冒号+空格”；若它是文字的一部分，请给整段文字加上引号",
    "did not find expected '-' indicator": "列表项应以“- ”开头，且与上一项对齐",
    "found character that cannot start any token": "有不能出现在这里的字符（如 Tab 缩进、@ 或 ` 开头），缩进请用空格",
    "did not find expected key": "缩进不一致：同一层的字段应左对齐",
    "found undefined alias": "使用了未定义的引用（*）",
    "could not find expected ':'": "缺少冒号“:”，或冒号后缺少空格",
    "found a tab character that violates indentation": "缩进中有 Tab 字符，请改用空格",
    "found duplicate anchor": "锚点（&）重复",
}


def translate(problem: str) -> str:
    for english, chinese in PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    if problem.startswith("could not determine a constructor for the tag"):
        return "使用了 civdoc 不支持的标签（以 !! 或 ! 开头的写法），请删除它，直接写值"
    return f"无法解析（{problem}）"


def _why(exc: OSError) -> str:
    import errno

    return {
        errno.ENOENT: "文件不存在",
        errno.EACCES: "没有读取权限",
        errno.EISDIR: "这是一个文件夹",
        errno.ELOOP: "链接层数过多或指向自己",
    }.get(exc.errno or 0, exc.strerror or type(exc).__name__)
