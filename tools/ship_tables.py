"""Rebuild the precomputed tables shipped inside the package (``ndpcosmo/data/tables``).

    python tools/ship_tables.py [--all] [--check]

Runs the default workloads (``WORKLOAD``: the verdict of points with and without photodisintegration,
BBN alone, the chain with the default precision) in a subprocess on an empty table cache, so every
model-independent table they need that is not shipped for the current sources is computed; writes
each as a shipped table (``cache.write_shipped``) and removes the shipped tables the workloads no
longer look up (NDPCOSMO_TABLE_LOG). ``--all`` rebuilds every table (the shipped ones ignored; ~5
minutes on 2 cores, the photodisintegration response most of it). numba's compiled kernels are reused
from the user cache. Run it when ``tests/test_shipped_tables.py`` says the shipped tables are stale (a
source they depend on changed). ``--check`` only runs the workloads with NDPCOSMO_BUILD_TABLES=never.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORKLOAD = """
import ndpcosmo
from ndpcosmo import DipolePortal, Precision, run
for data in (None, "bbn", "bbn,firas"):
    ndpcosmo.assess({"mass_mev": 1.0, "mu_muB": 1e-11}, data=data)
ndpcosmo.assess({"mass_mev": 20.0, "mu_muB": 1e-11, "nature": "majorana", "flavour": "e"})
ndpcosmo.assess({"mass_mev": 0.3, "mu_muB": 1e-9, "T_RH_mev": 10.0, "flavour": "tau"})
run(DipolePortal(10.0, 1e-10), None, Precision())
"""


def workload_env(cache: Path, **extra: str) -> dict[str, str]:
    """The environment of the workload: tables in ``cache``, numba's kernels from the user cache."""
    from ndpcosmo._numba_cache import use_user_cache_dir

    env = dict(os.environ)
    env.update(NDPCOSMO_CACHE_DIR=str(cache), NUMBA_CACHE_DIR=use_user_cache_dir(), **extra)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def main() -> int:
    from ndpcosmo.cache import SHIPPED_DIR, write_shipped

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that nothing needs building")
    parser.add_argument("--all", action="store_true", help="rebuild every table (ignore the shipped ones)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        log = Path(tmp) / "tables.log"
        extra = {"NDPCOSMO_TABLE_LOG": str(log)}
        if args.check:
            extra["NDPCOSMO_BUILD_TABLES"] = "never"
        elif args.all:
            extra["NDPCOSMO_SHIPPED_TABLES"] = "ignore"
        done = subprocess.run([sys.executable, "-c", WORKLOAD], env=workload_env(cache, **extra), check=False)
        if done.returncode != 0:
            print("workload failed", file=sys.stderr)
            return 1
        if args.check:
            print("the shipped tables cover the workload")
            return 0
        import numpy as np

        SHIPPED_DIR.mkdir(parents=True, exist_ok=True)
        built = sorted(cache.glob("*.npz"))
        for path in built:
            with np.load(path) as data:
                write_shipped(SHIPPED_DIR / path.name, {k: data[k] for k in data.files})
        names = {line.strip() + ".npz" for line in log.read_text().splitlines() if line.strip()}
        for old in SHIPPED_DIR.glob("*.npz"):
            if old.name not in names:
                old.unlink()
        total = sum(p.stat().st_size for p in SHIPPED_DIR.glob("*.npz"))
        for p in sorted(SHIPPED_DIR.glob("*.npz")):
            print(f"{p.stat().st_size / 1e6:8.3f} MB  {p.name}")
        print(f"{total / 1e6:8.3f} MB  in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
