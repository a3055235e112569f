"""The benchmark scripts run and end with the line their issue fixes (a smoke run, not a timing)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize(
    ("script", "args", "last_line"),
    [
        (
            "engine_bench.py",
            ["--quick", "--send-backs", "3"],
            r"engine_bench: ratio_mem=\d+\.\d\d ratio_json=\d+\.\d\d growth=\d+\.\d\d",
        ),
        (
            "audit_bench.py",
            ["--instances", "5"],
            r"audit_bench: verify_per_s=\S+ replay_vs_live=\S+",
        ),
        (
            "privacy_bench.py",
            ["--quick"],
            r"privacy_bench: recall=[01]\.\d{3} precision=[01]\.\d{3} chars_per_s=\d+",
        ),
    ],
)
def test_a_benchmark_runs_to_its_last_line(script: str, args: list[str], last_line: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.fullmatch(last_line, done.stdout.strip().splitlines()[-1]), done.stdout[-500:]
