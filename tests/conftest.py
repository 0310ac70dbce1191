"""Shared fixtures: `project(...)` builds a civdoc project in tmp_path (see tests/helpers.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import make_project  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """A factory: project(config=None, indicators=None, files=None) -> the project's root.

    Each call rebuilds the same folder (tmp_path/proj), so a test makes one project unless it
    passes a different tmp folder to helpers.make_project itself.
    """

    def build(config: Any = None, indicators: Any = None, files: Any = None) -> Path:
        return make_project(tmp_path, config=config, indicators=indicators, files=files)

    return build
