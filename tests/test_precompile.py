"""The first-run helper that compiles BBN's and photodisintegration's numba kernels in parallel."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

from numba.core import types

import ndpcosmo
from ndpcosmo import _precompile

ROOT = Path(__file__).resolve().parents[1]


def test_recorded_signatures_are_those_a_run_uses():
    """After runs that reach every helper kernel (photodisintegration active, BBN alone, the production
    solver), each kernel was called with recorded argument types only (else a first run compiles it
    twice: in the helper for nothing, then here)."""
    ndpcosmo.assess({"mass_mev": 10.0, "mu_muB": 1e-13})
    ndpcosmo.assess({"mass_mev": 1.0, "mu_muB": 1e-11}, data="bbn")
    for name, signatures in _precompile.SIGNATURES.items():
        module, function = name.rsplit(".", 1)
        dispatcher = getattr(importlib.import_module(module), function)
        recorded = {_precompile.argument_types(reprs) for reprs in signatures}
        # compiled inside another kernel (a fresh cache), numba also types a callee with literal constants:
        # those come with the caller, not from a call of ours
        used = {s for s in dispatcher.signatures if not any(isinstance(t, types.Literal) for t in s)}
        assert used, f"{name} was not called"
        assert used <= recorded, f"{name}: {used - recorded}"


def test_the_helper_fills_the_cache(tmp_path):
    """The helper compiles into a new numba cache and writes its stamp; another process then loads every
    kernel from that cache (no compilation announced) and finds the stamp."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"), NDPCOSMO_CACHE_DIR=str(tmp_path))
    stamp = tmp_path / "numba" / "stamp"
    done = subprocess.run(
        [sys.executable, "-m", "ndpcosmo._precompile", str(stamp)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert stamp.exists() and not (tmp_path / "numba" / "stamp.lock").exists()
    again = subprocess.run(
        [
            sys.executable,
            "-c",
            "from numba.core import config\n"
            "from ndpcosmo import _precompile\n"
            "_precompile.compile_kernels()\n"
            "print(_precompile._stamp(config.CACHE_DIR).name)\n",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert "compiling" not in again.stderr, again.stderr
    assert again.stdout.startswith("ndpcosmo-precompiled-")


def test_lock_taken_once_and_stale_locks_taken_over(tmp_path):
    stamp = tmp_path / "ndpcosmo-precompiled-x"
    assert _precompile._take_lock(stamp)
    assert not _precompile._take_lock(stamp)
    lock = _precompile._lock(stamp)
    old = lock.stat().st_mtime - 2 * _precompile.STALE_LOCK_S
    os.utime(lock, (old, old))
    assert _precompile._take_lock(stamp)


def test_the_numba_cache_is_keyed_by_every_kernel_module():
    # numba keys a cached kernel on its own file only: the cache directory is keyed by all kernel files
    from ndpcosmo import _numba_cache

    root = Path(_numba_cache.__file__).resolve().parent
    with_kernels = {
        str(p.relative_to(root)) for p in root.rglob("*.py") if "njit" in p.read_text() and p.name != "_numba_cache.py"
    }
    assert with_kernels == set(_numba_cache.KERNEL_FILES)
