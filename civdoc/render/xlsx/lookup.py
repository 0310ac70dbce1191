"""The result ordered and indexed once for every sheet: aspects, units, items, findings by item."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from civdoc.check.evaluate import Result
from civdoc.model import Finding, id_key

# -- ordering and lookups --------------------------------------------------------------------------


def _id_last(ident: str | None) -> tuple[tuple[int, int, str], ...]:
    """model.id_key, with no id (a unit-level problem) after every indicator of its unit."""
    return id_key(ident) if ident is not None else ((2, 0, ""),)


class Lookup:
    """Orders and indexes the result once for every sheet."""

    def __init__(self, result: Result):
        project = result.project
        self.project = project
        self.aspect_rank = {ind.id: i for i, a in enumerate(project.aspects) for ind in a.indicators}
        self.unit_rank = {u: i for i, u in enumerate(project.unit_names)}
        self.items = {(i.unit, i.indicator): i for i in result.items}
        self.findings: dict[tuple[str | None, str | None], list[Finding]] = defaultdict(list)
        for f in result.findings:
            self.findings[(f.unit, f.indicator)].append(f)
        self._unit_orders: dict[tuple[str | None, str | None], tuple] = {}

    def item_order(self, unit: str | None, ident: str | None) -> tuple:
        return (self.aspect_rank.get(ident or "", 10**6), _id_last(ident), self.unit_rank.get(unit or "", 10**6))

    def unit_order(self, unit: str | None, ident: str | None) -> tuple:
        order = self._unit_orders.get((unit, ident))  # asked once a file: 50,000 times, of a few hundred pairs
        if order is None:
            order = self._unit_orders[(unit, ident)] = (
                self.unit_rank.get(unit or "", 10**6),
                self.aspect_rank.get(ident or "", 10**6),
                _id_last(ident),
            )
        return order

    def deadline(self, unit: str | None, ident: str | None) -> date | None:
        item = self.items.get((unit or "", ident or ""))
        if item is not None:
            return item.deadline
        ind = self.project.indicators.get(ident or "")
        return (ind.deadline if ind else None) or self.project.config.deadline
