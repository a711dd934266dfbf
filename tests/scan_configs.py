"""Small scan configs for the scan and contour tests: heavier N (fast points), BBN and FIRAS (no Planck files)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path


def small_config(
    output: str, processes: int = 1, T_RH: str = '["none", 5.0]', mu_min: float = 1e-12, chunk: int = 6, extra: str = ""
) -> str:
    """TOML text: M_N 1-100 MeV x mu mu_min-1e-9 mu_B, 4 x 4 log-spaced, with ``extra`` appended."""
    return f"""
output = "{output}"
data = "bbn,firas"
T_RH_mev = {T_RH}
chunk = {chunk}
processes = {processes}
[mass_mev]
min = 1.0
max = 100.0
points = 4
[mu_muB]
min = {mu_min:g}
max = 1e-9
points = 4
{extra}"""


def kill_after(command: list[str], checkpoint: Path, pattern: str, files: int) -> tuple[int, dict[str, str]]:
    """Start ``command`` in another process, SIGKILL it once ``files`` checkpoint files matching ``pattern``
    exist; return how many there are then, and the environment to run it again with."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if len(list(checkpoint.glob(pattern))) >= files:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    return len(list(checkpoint.glob(pattern))), env
