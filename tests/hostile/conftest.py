"""Fixtures of the hostile-input suite; the helpers live in hostile_project.py and hostile_files.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hostile_project import Project, make_project


@pytest.fixture
def hostile(tmp_path: Path) -> Project:
    """A small valid project (one unit, one indicator, a plan and a photo) to plant hostile input in."""
    return make_project(tmp_path)
