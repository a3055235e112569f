"""The engine type-checks under mypy's strict mode (the configuration is in pyproject.toml)."""

from __future__ import annotations

from mypy import api

from .conftest import ROOT


def test_the_engine_passes_mypy_strict() -> None:
    report, errors, status = api.run(["--config-file", str(ROOT / "pyproject.toml")])
    assert status == 0, report + errors
