"""The precomputed tables shipped inside the package: exact enough, current, and enough for a first run.

A stale shipped table is never wrong (its fingerprint no longer matches and the table is built), only
slow; ``test_a_first_run_builds_no_table`` fails then: run ``python tools/ship_tables.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ndpcosmo import cache
from ndpcosmo._numba_cache import use_user_cache_dir as numba_cache_dir
from ndpcosmo.photodisintegration import qed, response

ROOT = Path(__file__).resolve().parents[1]


def test_codec_is_exact_for_small_arrays_and_within_float32_logs_for_large():
    rng = np.random.default_rng(1)
    big = np.exp(rng.uniform(-190.0, 70.0, size=300_000))
    big[::7] = 0.0
    small = rng.normal(size=1000)
    signed = rng.normal(size=300_000)  # large but negative entries: exact
    stored = cache.encode_shipped({"big": big, "small": small, "signed": signed})
    assert "big" not in stored and "small" in stored and "signed" in stored
    out = cache.decode_shipped(stored)
    assert np.array_equal(out["small"], small) and np.array_equal(out["signed"], signed)
    assert out["big"].dtype == np.float64 and out["big"].shape == big.shape
    assert np.all(out["big"][big == 0.0] == 0.0)
    live = big > 0.0
    rel = np.abs(out["big"][live] / big[live] - 1.0)
    # float32 rounds ln x to 2^-24 relative: |d ln x| <= 6e-8 |ln x| (+ the rounding of exp)
    assert np.all(rel <= 6.0e-8 * np.abs(np.log(big[live])) + 1e-15)


def test_shipped_tables_are_small():
    files = sorted(cache.SHIPPED_DIR.glob("*.npz"))
    assert files, "no shipped tables: run tools/ship_tables.py"
    sizes = {p.name: p.stat().st_size for p in files}
    assert max(sizes.values()) < 5e6, sizes  # no binary over ~5 MB in git
    assert sum(sizes.values()) < 8e6, sizes


def test_a_first_run_builds_no_table(tmp_path):
    """The README's first command and a point with photodisintegration, on an empty table cache with
    building forbidden: every table they need is shipped and current (numba's kernels from the user
    cache, so this takes seconds)."""
    env = dict(os.environ)
    env.update(
        NDPCOSMO_CACHE_DIR=str(tmp_path),
        NUMBA_CACHE_DIR=numba_cache_dir(),
        NDPCOSMO_BUILD_TABLES="never",
    )
    env.pop("NDPCOSMO_SHIPPED_TABLES", None)
    code = (
        "import ndpcosmo\n"
        "ndpcosmo.assess({'mass_mev': 1.0, 'mu_muB': 1e-11})\n"
        "ndpcosmo.assess({'mass_mev': 20.0, 'mu_muB': 1e-11}, data='bbn')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"stale or missing shipped table (run tools/ship_tables.py):\n{done.stderr[-2000:]}"
    assert "building" not in done.stderr
    # what it wrote to the user cache are the shipped tables, decoded once
    shipped = {p.name for p in cache.SHIPPED_DIR.glob("*.npz")}
    assert {p.name for p in tmp_path.glob("*.npz")} <= shipped


def test_shipped_tables_equal_a_fresh_computation():
    """Spot checks against the code that builds them: the pair-creation scaling in full, the
    photodisintegration response at two temperature nodes (float32 logs: 1e-5)."""
    fp = next(p.name for p in cache.SHIPPED_DIR.glob("pair-rate-scaling-*.npz")).removesuffix(".npz").split("-")[-1]
    shipped = cache.load_shipped("pair-rate-scaling", fp)
    fresh = qed._pair_rate_table()
    for key in fresh:
        # identical up to rounding (another numpy/numba build: 1e-14 seen)
        np.testing.assert_allclose(shipped[key], fresh[key], rtol=1e-12, atol=0.0)
    grid = response.ResponseGrid()
    names = list(cache.SHIPPED_DIR.glob("pdi-response-*.npz"))
    assert len(names) == 1, names
    table = cache.load_shipped("pdi-response", names[0].name.removesuffix(".npz").split("-")[-1])
    T = grid.temperatures()
    np.testing.assert_allclose(table["T"], T, rtol=1e-13, atol=0.0)  # numpy versions round geomspace apart
    for k in (3, 120):
        rows, _ = response._adjoint_rows(grid, T[k : k + 1])  # (1, eta, p, r, E)
        fresh_c = rows[0]
        shipped_c = table["c"][:, k]
        live = fresh_c > 0.0
        assert np.array_equal(live, shipped_c > 0.0)
        assert np.max(np.abs(shipped_c[live] / fresh_c[live] - 1.0)) < 1e-5


@pytest.mark.parametrize("name", ["pdi-response", "rates", "weak-rates-15", "bbn-sm-response", "bbn-sm-omega-b"])
def test_the_default_tables_are_shipped(name):
    assert list(cache.SHIPPED_DIR.glob(f"{name}-*.npz")), name
