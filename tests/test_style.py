"""House style: ruff (installed by the test extra) finds nothing in the package, tests, benchmarks, docs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> str | None:
    beside = Path(sys.executable).parent / "ruff"
    return str(beside) if beside.exists() else shutil.which("ruff")


@pytest.mark.skipif(_ruff() is None, reason="ruff is not installed (pip install '.[test]')")
def test_ruff_is_clean():
    done = subprocess.run(
        [_ruff(), "check", "ndpcosmo", "tests", "benchmarks", "docs"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
