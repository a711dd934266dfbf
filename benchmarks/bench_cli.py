"""Wall time of the command line as a whole process, beside `python -c "import numpy"` in the same run.

    python benchmarks/bench_cli.py [--repeat 5] [--cold] [--bare]

Warm (default): each command ``--repeat`` times (median, min), after one untimed call that fills the
caches: `python -c "import numpy"`, `import ndpcosmo`, the floor of any numba program (numpy, numba and
one cached kernel call), the floor of ours (that plus the scipy modules the chain uses),
`ndpcosmo --version`, `ndpcosmo run --mass 1 --mu 1e-11` alone and with an `ndpcosmo serve` running.
``--cold``: the first `ndpcosmo run` with empty table and numba caches (NDPCOSMO_CACHE_DIR and
NUMBA_CACHE_DIR in a temporary directory; the shipped tables are used).
``--bare``: a new virtual environment, `pip install .` (pip's download cache as it is on this machine)
and the first `ndpcosmo run` in it with empty caches: the newcomer's first answer.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = ["run", "--mass", "1", "--mu", "1e-11"]

NUMBA_FLOOR = """
import numpy as np, numba
@numba.njit(cache=True)
def f(x):
    return x.sum()
f(np.ones(3))
"""
OUR_FLOOR = "import scipy.integrate, scipy.interpolate, scipy.special, scipy.optimize\n" + NUMBA_FLOOR


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return elapsed


def ndpcosmo_command() -> list[str]:
    exe = Path(sys.executable).with_name("ndpcosmo")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ndpcosmo.cli"]


def warm(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        floor_dir = Path(tmp)
        (floor_dir / "numba_floor.py").write_text(NUMBA_FLOOR)
        (floor_dir / "our_floor.py").write_text(OUR_FLOOR)
        cases = {
            'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
            'python -c "import ndpcosmo"': [sys.executable, "-c", "import ndpcosmo"],
            "numpy + numba + one cached kernel": [sys.executable, str(floor_dir / "numba_floor.py")],
            "  + scipy.integrate/interpolate/special/optimize": [sys.executable, str(floor_dir / "our_floor.py")],
            "ndpcosmo --version": [*ndpcosmo_command(), "--version"],
            "ndpcosmo " + " ".join(RUN): [*ndpcosmo_command(), *RUN],
        }
        env = dict(os.environ, NUMBA_CACHE_DIR=str(floor_dir / "numba"))
        print(f"warm wall time of whole processes ({repeat} runs each after one untimed; median, min) [s]")
        for label, cmd in cases.items():
            use_env = env if "floor" in cmd[-1] else None
            timed(cmd, use_env)
            times = [timed(cmd, use_env) for _ in range(repeat)]
            print(f"  {statistics.median(times):6.2f} {min(times):6.2f}   {label}")
        server = subprocess.Popen([*ndpcosmo_command(), "serve", "--idle", "5"], stderr=subprocess.PIPE, text=True)
        try:
            while "serving on" not in (line := server.stderr.readline()):
                if not line:
                    raise RuntimeError("ndpcosmo serve did not start")
            cmd = [*ndpcosmo_command(), *RUN]
            timed(cmd)
            times = [timed(cmd) for _ in range(repeat)]
            print(f"  {statistics.median(times):6.2f} {min(times):6.2f}   ndpcosmo {' '.join(RUN)} with ndpcosmo serve")
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)


def cold() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NDPCOSMO_CACHE_DIR=str(Path(tmp) / "cache"), NUMBA_CACHE_DIR=str(Path(tmp) / "numba"))
        t = timed([*ndpcosmo_command(), *RUN], env)
        print(f"cold first run (empty table and numba caches): {t:.1f} s")


def bare() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env.update(NDPCOSMO_CACHE_DIR=str(Path(tmp) / "cache"))
        env.pop("NUMBA_CACHE_DIR", None)
        python = "python3" if sys.prefix == sys.base_prefix else str(Path(sys.base_prefix) / "bin" / "python3")
        start = time.perf_counter()
        t_venv = timed([python, "-m", "venv", str(venv)], env)
        t_pip = timed([str(venv / "bin" / "pip"), "install", "-q", "."], env, cwd=ROOT)
        t_run = timed([str(venv / "bin" / "ndpcosmo"), *RUN], env, cwd=Path(tmp))
        total = time.perf_counter() - start
        print(f"bare machine: venv {t_venv:.1f} s + pip install . {t_pip:.1f} s + first run {t_run:.1f} s")
        print(f"  = {total:.1f} s to the first answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="also the first run with empty caches")
    parser.add_argument("--bare", action="store_true", help="also a new venv, pip install . and the first run")
    args = parser.parse_args()
    warm(args.repeat)
    if args.cold:
        cold()
    if args.bare:
        bare()


if __name__ == "__main__":
    main()
