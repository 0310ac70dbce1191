"""Review records (SPEC §5): append-only YAML per unit, fingerprints, and the state of each stage.

A record binds a signature to the exact content the reviewer saw: the item's fingerprint is the
sha256 of its sorted (path relative to the indicator folder, sha256) pairs.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from civdoc.errors import CivdocError, DefinitionErrors, DefinitionProblem
from civdoc.findings import finding
from civdoc.model import Finding, Item, StageState
from civdoc.project.config import ReviewSettings
from civdoc.project.names import norm
from civdoc.project.yamlsrc import load_yaml
from civdoc.store.atomic import write_text

PASS, RETURN = "通过", "退回"
PENDING, STALE = "待审", "失效"
REQUIRED_KEYS = ("indicator", "stage", "decision", "by", "at")

Record = dict[str, Any]
Records = dict[str, list[Record]]  # canonical unit -> its records, in file order


def fingerprint(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for path, sha in sorted(files.items()):
        digest.update(f"{path}\0{sha}\n".encode())
    return "sha256:" + digest.hexdigest()


def reviews_file(root: Path, unit: str) -> Path:
    """reviews/<unit>.yaml, proven inside reviews/; reviews/ itself never in evidence/."""
    from civdoc.safe import paths as safepath

    folder = root / "reviews"
    safepath.refuse_evidence(folder, root, "审核记录文件夹")
    safepath.refuse_outside(folder, root, "审核记录文件夹", "请把 reviews 换成项目中的普通文件夹。")
    return safepath.join(folder, f"{unit}.yaml")


def load_records(
    root: Path,
    units: list[str],
    stages: list[str] | None = None,
    indicators: list[str] | None = None,
    strays: bool = False,
) -> Records:
    """Every unit's records; a malformed file or record stops the run with its line (and is never
    touched). With stages and indicators, each record's stage and indicator must be the project's;
    with strays, a file in reviews/ that belongs to no unit is a problem too (never silently ignored)."""
    from civdoc.project.review_records import RESTORE, check_record, indicator_lookup, stray_files

    records: Records = {}
    problems: list[DefinitionProblem] = stray_files(root, units) if strays else []
    known = indicator_lookup(indicators) if indicators is not None else None
    for unit in units:
        path = root / "reviews" / f"{unit}.yaml"  # reading only: unit names are valid file names (config.py)
        if not path.exists():
            continue
        shown = path.relative_to(root).as_posix()
        source, found = load_yaml(path, shown)
        problems += found
        if source is None:
            continue
        data = source.data if source.data != {} else []
        if not isinstance(data, list):
            problems.append(DefinitionProblem("D102", shown, 1, "", "审核记录文件应是以“- ”开头的记录列表。" + RESTORE))
            continue
        for i, rec in enumerate(data):
            missing = [k for k in REQUIRED_KEYS if not isinstance(rec, dict) or rec.get(k) in (None, "")]
            if missing:
                problems.append(
                    DefinitionProblem(
                        "D102", shown, source.line((i,)), f"[{i}]", f"审核记录缺少 {'、'.join(missing)}。{RESTORE}"
                    )
                )
                continue
            checked, found = check_record(rec, i, source, stages, known)
            problems += found
            if checked is not None:
                records.setdefault(unit, []).append(checked)
    if problems:
        raise DefinitionErrors(problems)
    return records


def _item_history(item: Item, history: list[Record]) -> list[Record]:
    return [r for r in history if norm(str(r["indicator"])) == norm(item.indicator)]


def _deciding(item: Item, history: list[Record], stages: list[str]) -> list[tuple[Record, bool] | None]:
    """Per stage, the record that decides it and whether it was signed in order.

    Records are replayed in the order they were appended. A new decision at a stage makes every later
    stage pending again; a 通过 is in order only when the stage before had passed on the same content.
    """
    current: list[tuple[Record, bool] | None] = [None] * len(stages)
    if not history:
        return current
    for rec in _item_history(item, history):
        if rec["stage"] not in stages:
            continue
        i = stages.index(rec["stage"])
        in_order = True
        if rec["decision"] == PASS and i > 0:
            before = current[i - 1]
            in_order = (
                before is not None
                and before[1]
                and before[0]["decision"] == PASS
                and before[0].get("fingerprint") == rec.get("fingerprint")
            )
        current[i] = (rec, in_order)
        for j in range(i + 1, len(stages)):
            current[j] = None
    return current


@lru_cache(maxsize=4)
def _all_pending(stages: tuple[str, ...]) -> tuple[StageState, ...]:
    return tuple(StageState(stage, PENDING) for stage in stages)


def stage_states(item: Item, history: list[Record], stages: list[str]) -> list[StageState]:
    if not history:  # most items of a large tree, before anyone signs: the same states for each
        return list(_all_pending(tuple(stages)))
    states: list[StageState] = []
    for stage, entry in zip(stages, _deciding(item, history, stages)):
        if entry is None or not entry[1]:
            states.append(StageState(stage, PENDING))
            continue
        rec = entry[0]
        state = (
            rec["decision"]
            if rec["decision"] == RETURN
            else (PASS if rec.get("fingerprint") == item.fingerprint else STALE)
        )
        states.append(StageState(stage, state, rec["by"], rec["at"], rec.get("note")))
    return states


def review_findings(item: Item, history: list[Record], settings: ReviewSettings) -> Iterator[Finding]:
    if item.status == "not_required":
        return
    stages = settings.stages
    where = dict(unit=item.unit, indicator=item.indicator)
    if not history:  # most items of a large tree: every stage pending, nothing out of order, returned or stale
        if item.status == "complete" and stages:
            yield _unsigned(stages[0], where)
        return
    signers: dict[str, str] = {}
    for stage, entry, state in zip(stages, _deciding(item, history, stages), item.stages):
        if entry is not None and not entry[1]:
            rec = entry[0]
            yield finding(
                "R604",
                f"{stage}由{rec['by']}于 {rec['at'][:10]} 签署“通过”时，上一阶段尚未对同一份材料审核通过，"
                f"该签署无效。请先完成上一阶段审核，再重新签署{stage}。",
                **where,
            )
        elif state.state == RETURN:
            yield finding(
                "R602",
                f"{stage}被{state.by}退回（{state.at[:10] if state.at else ''}）"
                f"{'：' + state.note if state.note else ''}。请按审核意见整改后，重新提交{stage}。",
                **where,
            )
        elif state.state == STALE:
            yield finding(
                "R603",
                f"{stage}由{state.by}于 {(state.at or '')[:10]} 签署后，材料又有变动，签署已失效。请重新进行{stage}。",
                **where,
            )
        if state.state == PASS and state.by:
            who = norm(state.by)
            if who in signers and not settings.allow_self_review:
                yield finding(
                    "R605",
                    f"{state.by}同时签署了{signers[who]}和{stage}。同一事项的不同审核阶段应由不同的人审核。",
                    **where,
                )
            signers.setdefault(who, stage)
    pending = next((s for s in item.stages if s.state == PENDING), None)
    if item.status == "complete" and pending is not None and all(s.state in (PASS, PENDING) for s in item.stages):
        yield _unsigned(pending.stage, where)


def _unsigned(stage: str, where: dict[str, str]) -> Finding:
    return finding(
        "R601", f"{stage}尚未签署。审核人可运行 civdoc review，或在台账中填写后用 civdoc review import 导入。", **where
    )


# -- writing ---------------------------------------------------------------------------------------


@contextmanager
def locked(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """An exclusive lock beside path, so two imports on a shared folder both land."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _lock(handle)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise CivdocError(f"{path.name} 正被其他人写入，已等待 {timeout:.0f} 秒。请稍后重试。") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            _unlock(handle)


def _lock(handle: Any) -> None:
    if sys.platform == "win32":  # mypy follows sys.platform, not os.name
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(handle: Any) -> None:
    if sys.platform == "win32":  # mypy follows sys.platform, not os.name
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def append_records(root: Path, unit: str, new: list[Record]) -> None:
    """Append records to reviews/<unit>.yaml: old text kept byte for byte, the new file renamed into place.

    Callers hold locked() around reading the state they decide on and this call.
    """
    if not new:
        return
    path = reviews_file(root, unit)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    import yaml  # only when writing: see yamlsrc.py

    text = yaml.safe_dump(new, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    write_text(path, old + text)


def new_record(item: Item, stage: str, decision: str, by: str, at: str, note: str) -> Record:
    """A signature bound to the exact files the reviewer saw."""
    return {
        "indicator": item.indicator,
        "stage": stage,
        "decision": decision,
        "by": by,
        "at": at,
        "note": note,
        "fingerprint": item.fingerprint,
        "files": dict(sorted(item.files.items())),
    }


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
