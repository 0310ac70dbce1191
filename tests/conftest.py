"""Shared fixtures: `project(...)` builds a civdoc project in tmp_path (see tests/support/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.helpers import make_project


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """A factory: project(config=None, indicators=None, files=None) -> the project's root.

    Each call rebuilds the same folder (tmp_path/proj), so a test makes one project unless it
    passes a different tmp folder to helpers.make_project itself.
    """

    def build(config: Any = None, indicators: Any = None, files: Any = None) -> Path:
        return make_project(tmp_path, config=config, indicators=indicators, files=files)

    return build
