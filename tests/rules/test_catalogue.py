"""Every finding carries its catalogue code's default severity unless the project's `rules:` changes it."""

from __future__ import annotations

from pathlib import Path

import yaml

from civdoc.findings import RULES
from tests.support.helpers import report
from tests.support.paths import copy_sample


def test_findings_of_the_sample_have_the_catalogue_severity(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "sample")
    overridden = set(yaml.safe_load((root / "civdoc.yaml").read_text(encoding="utf-8")).get("rules") or {})
    found = report(root, today="2026-11-22")["findings"]
    checked = [f for f in found if f["code"] not in overridden]
    assert len({f["code"][0] for f in checked}) >= 5  # findings of many families, not a vacuous pass
    for f in checked:
        default = RULES[f["code"]].default
        assert f["severity"] == ("error" if default == "fatal" else default), f
        assert f["name"] == RULES[f["code"]].name
