"""civdoc import LIST [--dry-run] [--prune]: apply a revised 任务清单 to an existing project.

The list's fields (content, standards, method, score, category, lead, units, deadline) are replaced;
everything else in the indicator files (requirements, windows, comments, key order) is kept, through
ruamel.yaml's round trip. The result is loaded with civdoc's own loader before anything is written."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from civdoc.errors import DefinitionErrors, UsageError
from civdoc.project.names import norm
from civdoc.tasklist.model import BASIC, BONUS, ListIndicator, TaskList
from civdoc.tasklist.write import (
    GUESS,
    KEY_ORDER,
    aspect_document,
    aspect_file_name,
    dump,
    indicator_fields,
    indicator_map,
    unit_entry,
    yaml_rt,
)

if TYPE_CHECKING:
    from rich.console import Console

FIELD_NAMES = {
    "content": "测评内容",
    "standards": "测评标准",
    "method": "测评方法",
    "score": "分值",
    "category": "类别",
    "group": "指标名称",
    "lead": "牵头单位",
    "units": "责任单位",
    "deadline": "完成时限",
}


@dataclass
class _Entry:
    """An indicator already in the project."""

    file: Path
    node: Any  # its CommentedMap
    aspect: str


@dataclass
class ImportOutcome:
    tasklist: TaskList
    dry_run: bool
    prune: bool
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    unchanged: int = 0
    files: list[str] = field(default_factory=list)  # written (or, with --dry-run, to be written)


def import_task_list(root: Path, source: Path, dry_run: bool, prune: bool, columns: str | None) -> ImportOutcome:
    from civdoc.tasklist.read import read_task_list

    tasklist = read_task_list(source, columns)
    outcome = ImportOutcome(tasklist, dry_run, prune)
    docs = _load_indicator_files(root)
    entries = [
        _Entry(path, node, str(doc.get("aspect", "")))
        for path, doc in docs.items()
        for node in doc.get("indicators") or []
        if hasattr(node, "get")
    ]
    matched = _match(tasklist.indicators, entries)
    dirty: set[Path] = set()
    new_texts: dict[Path, str] = {}
    for ind in tasklist.indicators:
        entry = matched.get(id(ind))
        if entry is None:
            continue
        changes = _apply(entry.node, ind, tasklist)
        if changes:
            outcome.changed.append(
                f"{entry.node.get('id')} {ind.content}（{_rel(root, entry.file)}）：{'；'.join(changes)}"
            )
            dirty.add(entry.file)
        else:
            outcome.unchanged += 1
    used = {id(e.node) for e in matched.values()}
    for entry in entries:
        if id(entry.node) not in used:
            what = f"{entry.node.get('id')} {entry.node.get('content')}（{_rel(root, entry.file)}）"
            outcome.removed.append(what)
            if prune:
                entry_seq = docs[entry.file]["indicators"]
                entry_seq.remove(entry.node)
                dirty.add(entry.file)
    new_texts.update(
        _add_new(root, docs, [i for i in tasklist.indicators if id(i) not in matched], tasklist, outcome, dirty)
    )
    for path in dirty:
        if path in docs and path not in new_texts:
            new_texts[path] = _spaced(path, dump(docs[path])) if docs[path].get("indicators") else ""
    config_text = _register_units(root, tasklist, outcome)
    if config_text is not None:
        new_texts[root / "civdoc.yaml"] = config_text
    outcome.files = sorted(_rel(root, p) + ("（删除：已无指标）" if not t else "") for p, t in new_texts.items())
    if new_texts:
        _validate(root, new_texts)
        if not dry_run:
            _write(new_texts)
    return outcome


def _spaced(path: Path, text: str) -> str:
    """A file that keeps a blank line between its indicators keeps one before those added too."""
    if "\n\n  - id:" not in path.read_text(encoding="utf-8-sig"):
        return text
    return re.sub(r"(?<=[^\n:])\n  - id:", "\n\n  - id:", text)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _load_indicator_files(root: Path) -> dict[Path, Any]:
    rt = yaml_rt()
    docs: dict[Path, Any] = {}
    folder = root / "indicators"
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        try:
            doc = rt.load(path.read_text(encoding="utf-8-sig"))
        except Exception as exc:  # noqa: BLE001 - ruamel raises many kinds; each means "fix this file first"
            raise UsageError(
                f"无法读取 {_rel(root, path)}（{type(exc).__name__}）。请先运行 civdoc check 改正该文件，"
                "再导入清单；没有写入任何文件。"
            ) from None
        if hasattr(doc, "get"):
            docs[path] = doc
    return docs


def _match(indicators: list[ListIndicator], entries: list[_Entry]) -> dict[int, _Entry]:
    """List indicators to project indicators: by 测评项目 and 测评内容 first, then by id."""
    free = list(entries)
    matched: dict[int, _Entry] = {}
    for ind in indicators:
        hit = next(
            (
                e
                for e in free
                if norm(str(e.node.get("content", ""))) == norm(ind.content) and norm(e.aspect) == norm(ind.aspect)
            ),
            None,
        )
        if hit is None:
            hit = next((e for e in free if norm(str(e.node.get("content", ""))) == norm(ind.content)), None)
        if hit is not None:
            matched[id(ind)] = hit
            free.remove(hit)
    for ind in indicators:
        if id(ind) in matched:
            continue
        hit = next(
            (
                e
                for e in free
                if norm(str(e.node.get("id", ""))) == norm(ind.id)
                and (ind.id_from_list or (norm(e.aspect) == norm(ind.aspect) and _renamed(e, ind)))
            ),
            None,
        )
        if hit is not None:
            matched[id(ind)] = hit
            free.remove(hit)
    return matched


def _renamed(entry: _Entry, ind: ListIndicator) -> bool:
    """A derived id names a position, not an indicator: at the same place, a content this close is the
    same indicator renamed; another is a new one (and the old one is gone)."""
    old = norm(str(entry.node.get("content", "")))
    return difflib.SequenceMatcher(None, old, norm(ind.content)).ratio() >= 0.5


def plain(value: Any) -> Any:
    """A YAML value without its round-trip wrapping, for comparison."""
    if hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return str(value) if value is not None else None


def _apply(node: Any, ind: ListIndicator, tasklist: TaskList) -> list[str]:
    """Replace the fields the list carries; return what changed, in words. `source` follows only
    when something changed, so an unchanged indicator's file is left as it is."""
    changes: list[str] = []
    carried = {"content", "standards", "category"} | tasklist.carried
    fields = indicator_fields(ind, tasklist.file)
    for key, value in fields.items():
        if key not in carried:
            continue
        old = node.get(key)
        if plain(old) == plain(value) or (key == "category" and value is None and old in (None, BASIC)):
            continue
        if value is None:
            del node[key]
        else:
            _drop_guess_comment(node, key)
            _put(node, key, value)
        if key == "standards":
            before, after = len(old or []), len(value or [])
            changes.append(f"测评标准已修改（{before} 条 → {after} 条）" if before != after else "测评标准已修改")
        else:
            changes.append(f"{FIELD_NAMES.get(key, key)} {_show(old)} → {_show(value)}")
    if changes and plain(node.get("source")) != plain(fields["source"]):
        _put(node, "source", fields["source"])
    return changes


def _show(value: Any) -> str:
    value = plain(value)
    if value is None:
        return "（无）"
    if isinstance(value, list):
        if value and isinstance(value[0], (dict, str)) and any(isinstance(v, dict) or len(str(v)) > 12 for v in value):
            return f"{len(value)} 条"
        return "、".join(str(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    text = str(value)
    return f"“{text[:20]}…”" if len(text) > 20 else text


def _drop_guess_comment(node: Any, key: str) -> None:
    comment = node.ca.items.get(key)
    if comment and len(comment) > 2 and comment[2] is not None and GUESS in str(comment[2].value):
        comment[2] = None
        if not any(comment):
            del node.ca.items[key]


def _put(node: Any, key: str, value: Any) -> None:
    if key in node:
        node[key] = value
        return
    rank = KEY_ORDER.index(key)
    position = 0
    for i, existing in enumerate(node.keys()):
        if existing in KEY_ORDER and KEY_ORDER.index(existing) < rank:
            position = i + 1
    node.insert(position, key, value)


def _add_new(
    root: Path,
    docs: dict[Path, Any],
    new: list[ListIndicator],
    tasklist: TaskList,
    outcome: ImportOutcome,
    dirty: set[Path],
) -> dict[Path, str]:
    """New indicators join their 测评项目's file with the next free id; a new 测评项目 gets a file."""
    taken = {norm(str(n.get("id"))) for d in docs.values() for n in d.get("indicators") or [] if hasattr(n, "get")}
    by_aspect = {norm(str(d.get("aspect", ""))): p for p, d in docs.items()}
    orders = [int(d.get("order")) for d in docs.values() if isinstance(d.get("order"), int)]
    next_order = max(orders + [len(docs)]) + 1
    fresh: dict[str, list[ListIndicator]] = {}
    for ind in new:
        path = by_aspect.get(norm(ind.aspect))
        siblings = [str(n.get("id")) for n in docs[path].get("indicators") or []] if path else []
        if (not ind.id_from_list and path) or norm(ind.id) in taken:
            ind.id = _next_id(ind, siblings, taken)
        taken.add(norm(ind.id))
        if path is not None:
            docs[path]["indicators"].append(indicator_map(ind, tasklist.file))
            dirty.add(path)
            outcome.added.append(f"{ind.id} {ind.content}（{_rel(root, path)}）")
        else:
            fresh.setdefault(ind.aspect, []).append(ind)
    texts: dict[Path, str] = {}
    for aspect, indicators in fresh.items():
        path = root / "indicators" / aspect_file_name(next_order, aspect)
        texts[path] = aspect_document(aspect, next_order, indicators, tasklist)[0]
        outcome.added += [f"{i.id} {i.content}（{_rel(root, path)}，新测评项目）" for i in indicators]
        next_order += 1
    return texts


def _next_id(ind: ListIndicator, siblings: list[str], taken: set[str]) -> str:
    if ind.category != BASIC:
        prefix = "特" if ind.category == BONUS else "负"
        numbers = [int(m.group(1)) for s in taken if (m := re.fullmatch(rf"{prefix}(\d+)", s))]
        return f"{prefix}{max(numbers + [0]) + 1}"
    parsed = [m.groups() for s in siblings if (m := re.fullmatch(r"(.*\.)(\d+)", s))]
    if parsed:
        head = parsed[-1][0]
        number = max(int(n) for h, n in parsed if h == head) + 1
    else:
        head, number = ind.id.rsplit(".", 1)[0] + "." if "." in ind.id else "", 1
    while norm(f"{head}{number}") in taken:
        number += 1
    return f"{head}{number}"


def _register_units(root: Path, tasklist: TaskList, outcome: ImportOutcome) -> str | None:
    rt = yaml_rt()
    path = root / "civdoc.yaml"
    try:
        config = rt.load(path.read_text(encoding="utf-8-sig"))
    except Exception as exc:  # noqa: BLE001 - as for indicator files
        raise UsageError(
            f"无法读取 civdoc.yaml（{type(exc).__name__}）。请先改正它再导入清单；没有写入任何文件。"
        ) from None
    units = config.get("units") if hasattr(config, "get") else None
    if not isinstance(units, list):
        raise UsageError("civdoc.yaml 中没有 units 列表，无法登记清单中的单位。请先改正 civdoc.yaml。")
    known = {norm(n) for u in units if hasattr(u, "get") for n in [str(u.get("name")), *(u.get("aliases") or [])]}
    collectives = {n.text for n in tasklist.collectives}
    for unit in tasklist.units:
        if norm(unit) not in known:
            units.append(unit_entry(unit, unit in collectives))
            outcome.new_units.append(unit)
            known.add(norm(unit))
    return dump(config) if outcome.new_units else None


def _validate(root: Path, texts: dict[Path, str]) -> None:
    """Load the project as it would be after the import, in a scratch copy."""
    from civdoc.project.load import load_project

    scratch = Path(tempfile.mkdtemp(prefix="civdoc-import-"))
    try:
        shutil.copy2(root / "civdoc.yaml", scratch / "civdoc.yaml")
        shutil.copytree(root / "indicators", scratch / "indicators")
        for path, text in texts.items():
            target = scratch / path.relative_to(root)
            if text:
                target.write_text(text, encoding="utf-8")
            else:
                target.unlink(missing_ok=True)
        load_project(scratch)
    except DefinitionErrors as exc:
        problems = "\n".join(f"  {p.where()} {p.code} {p.message}" for p in exc.problems)
        raise UsageError(f"导入后的指标定义有误，没有写入任何文件。请先改正：\n{problems}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write(texts: dict[Path, str]) -> None:
    from civdoc.store.atomic import write_text

    mask = os.umask(0)
    os.umask(mask)
    # civdoc.yaml first: new units registered before any indicator names them, so a run stopped
    # half-way leaves a project that still loads
    for path, text in sorted(texts.items(), key=lambda item: item[0].name != "civdoc.yaml"):
        try:
            if not text:
                path.unlink(missing_ok=True)
                continue
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~mask
            write_text(path, text)
            os.chmod(path, mode)
        except OSError as exc:
            raise UsageError(
                f"写入 {path} 失败（{exc.strerror}）。已写入的文件都是完整的，请处理后重新运行。"
            ) from None


def render_import_changes(outcome: ImportOutcome, out: Console) -> None:
    from rich.text import Text

    from civdoc.tasklist.summary import read_lines

    def say(line: str, style: str = "") -> None:
        out.print(Text(line, style=style), soft_wrap=True)

    for line in read_lines(outcome.tasklist):
        say(line)
    head = "试运行（--dry-run），以下修改没有写入：" if outcome.dry_run else "已按新清单更新："
    say(head, "bold")
    for line in outcome.changed:
        say(f"  更新 {line}")
    for line in outcome.added:
        say(f"  新增 {line}", "green")
    for line in outcome.removed:
        say(f"  {'删除' if outcome.prune else '清单中已没有（保留；加 --prune 可删除）'} {line}", "yellow")
    if outcome.new_units:
        say(f"  新登记单位（civdoc.yaml）：{'、'.join(outcome.new_units)}", "green")
    say(f"  未变 {outcome.unchanged} 个指标。")
    if outcome.files:
        verb = "将写入" if outcome.dry_run else "已写入"
        say(f"{verb}：{'、'.join(outcome.files)}")
    else:
        say("指标与清单一致，没有需要写入的修改。")
    if outcome.tasklist.warnings:
        say("请注意：")
        for note in outcome.tasklist.warnings:
            say(f"  {note}")
