"""The engine type-checks under mypy's strict mode (the configuration is in pyproject.toml)."""

from __future__ import annotations

import sys

from mypy import api

from .conftest import ROOT


def test_the_engine_passes_mypy_strict() -> None:
    # mypy raises the interpreter's recursion limit for itself and leaves it so: the tests
    # run after it in this process must meet Python's limit as gongkai does.
    limit = sys.getrecursionlimit()
    try:
        report, errors, status = api.run(["--config-file", str(ROOT / "pyproject.toml")])
    finally:
        sys.setrecursionlimit(limit)
    assert status == 0, report + errors
