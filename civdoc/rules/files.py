"""F3xx: is each file something an assessor can open and use?"""

from __future__ import annotations

from collections.abc import Iterator

from civdoc.evidence.kinds import extension_matches
from civdoc.findings import finding
from civdoc.model import EvidenceFile, Finding
from civdoc.project.indicators import Requirement


def file_problem(file: EvidenceFile, requirement: Requirement | None, known_types: set[str]) -> Finding | None:
    """The one problem that makes a file unusable, if any (an empty file is F303, not also F304)."""
    ins = file.inspection
    ext = file.ext or "（无扩展名）"
    if file.size == 0:
        return finding("F303", "文件是空的（0 字节）。请重新导出或复制该文件后替换。")
    if requirement is not None and file.ext not in (requirement.types or []):
        allowed = "、".join(requirement.types or [])
        return finding("F301", f"“{requirement.name}”不接受 .{ext} 文件（可用：{allowed}）。{_convert_hint(file.ext)}")
    if requirement is None and file.ext not in known_types:
        return finding("F301", f".{ext} 文件不能作为佐证材料。{_convert_hint(file.ext)}")
    if ins is None:
        return None
    if not extension_matches(file.ext, ins.kind):
        name = file.path.rsplit("/", 1)[-1]
        return finding(
            "F302",
            f"文件名是 .{ext}，但内容实际是 {ins.kind} 格式，测评系统可能无法打开。"
            f"请用原程序把“{name}”另存为真正的 .{ext} 文件，不要只改扩展名。",
        )
    if ins.encrypted:
        return finding("F305", "文件设置了密码，测评人员无法打开。请去除密码后重新导出，再替换该文件。")
    if not ins.readable:
        problem = ins.problem or "文件已损坏，无法打开。请重新导出或扫描后替换。"
        return finding("F304", problem if problem.endswith(("。", "！", "？")) else problem + "。")
    return None


def _convert_hint(ext: str) -> str:
    if ext in {"zip", "rar", "7z"}:
        return "请解压后把文件逐个放入相应文件夹。"
    if ext in {"heic", "heif"}:
        return "请把苹果手机照片转换为 JPG（手机“设置-相机-格式”选“兼容性最佳”）后替换。"
    if ext in {"lnk", "url"}:
        return "这是快捷方式，请放入文件本身。"
    return "请转换为要求的格式后替换。"


def warnings(file: EvidenceFile, requirement: Requirement | None, max_file_mb: float) -> Iterator[Finding]:
    """Problems that do not stop a file from counting."""
    if file.size > max_file_mb * 1024 * 1024:
        size = file.size / 1024 / 1024
        yield finding(
            "F306", f"文件 {size:.1f} MB，超过 {max_file_mb:g} MB 的上限，上传可能失败。请压缩图片或拆分文件。"
        )
    ins = file.inspection
    wanted = requirement.pixels if requirement else None
    if wanted and ins and ins.width and ins.height:
        have = sorted((ins.width, ins.height))
        if have[0] < min(wanted) or have[1] < max(wanted):
            yield finding(
                "F307",
                f"照片只有 {ins.width}×{ins.height} 像素，低于要求的 {wanted[0]}×{wanted[1]}。"
                "请换用相机或手机中的原图，不要用聊天软件压缩过的图片。",
            )
