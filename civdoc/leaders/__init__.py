"""What leaders ask (SPEC §9), computed from a check's Result: the score at stake (score), each item's
state and each unit's figures (progress), the history/ snapshots and what changed since one (history),
and all of it gathered once per build or check (gather). The 通报 and the dashboard draw it in render/.
"""
