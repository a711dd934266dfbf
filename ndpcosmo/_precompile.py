"""A first run on a machine compiles numba kernels in two processes at once.

numba compiles each kernel on its first call (~45 s in all on this project's 2-core reference machine,
then cached: ``_numba_cache``). ``pipeline.run`` calls ``start()``: if the kernels of BBN,
photodisintegration and the production solver (``SIGNATURES``) may not be compiled yet (no stamp for
their current sources in numba's cache directory), a helper process compiles them for the recorded
argument types while this process compiles the thermal history's; ``wait()`` (before BBN) joins it, and
the kernels then load from the cache. A first ``ndpcosmo run`` takes ~30 s instead of ~50 s. The
helper is an optimisation only: if it fails, is still running after ``WAIT_S`` or the argument types
changed, this process compiles what it needs itself. One helper at a time per cache directory (a lock
file); NDPCOSMO_PRECOMPILE=off disables it. ``tests/test_precompile.py`` checks that ``SIGNATURES`` are
the ones a run uses.

    python -m ndpcosmo._precompile STAMP   # the helper (compile, then write STAMP)
"""

from __future__ import annotations

import functools
import importlib
import os
import subprocess
import sys
import time
from pathlib import Path

WAIT_S = 300.0
"""The longest a run waits for the helper before compiling itself."""

STALE_LOCK_S = 900.0
"""A lock older than this belongs to a helper that died: it is taken over."""

_F1 = "Array(float64, 1, 'C', False, aligned=True)"
_F1_RO = "Array(float64, 1, 'C', True, aligned=True)"
_F2 = "Array(float64, 2, 'C', False, aligned=True)"
_F3 = "Array(float64, 3, 'C', False, aligned=True)"
_F5 = "Array(float64, 5, 'C', False, aligned=True)"
_I1 = "Array(int64, 1, 'C', False, aligned=True)"
_I1_RO = "Array(int64, 1, 'C', True, aligned=True)"
_I2_RO = "Array(int64, 2, 'C', True, aligned=True)"

SIGNATURES: dict[str, tuple[tuple[str, ...], ...]] = {
    "ndpcosmo.bbn._kernels.lagrange4": ((_F2, "int64", "float64", "float64", "float64"),),
    "ndpcosmo.bbn._kernels.integrate": (
        (
            *(_F1, "float64", "float64", "float64", _F1, "float64", _F2, "float64", "float64", _F2, _F2),
            *("float64", "float64", _I1_RO, _I1_RO, _I2_RO, _I2_RO, _F1_RO, _F1_RO, _F1, "int64"),
        ),
    ),
    "ndpcosmo.photodisintegration._kernels.evolve_network": ((_F1, _F1, _F2, _F3, _F2, _I1),),
    "ndpcosmo.photodisintegration._kernels.response_per_event": ((_F5, _F5, _I1, _F1, _I1, _F1, "float64"),),
    "ndpcosmo.production._kernels.relax": ((_F1, _F1, _F1, _F1, "float64", "float64", "float64"),),
}
"""The helper's kernels and the argument types a run calls them with (numba type reprs)."""


def argument_types(reprs: tuple[str, ...]) -> tuple:
    """numba types from their reprs."""
    from numba.core import types

    namespace = {name: getattr(types, name) for name in dir(types)}
    return tuple(eval(r, {"__builtins__": {}}, namespace) for r in reprs)  # noqa: S307 (our own literals)


def _kernel_sources() -> list[Path]:
    root = Path(__file__).resolve().parent
    modules = {name.rsplit(".", 1)[0] for name in SIGNATURES}
    files = [root.parent / (m.replace(".", "/") + ".py") for m in modules]
    return sorted([*files, root / "_linalg.py", Path(__file__).resolve()])


@functools.lru_cache(maxsize=4)
def _stamp(numba_cache_dir: str) -> Path:
    """The stamp the helper writes when done: keyed by the kernels' sources, numba and Python."""
    import numba

    from .cache import fingerprint

    fp = fingerprint(_kernel_sources(), (numba.__version__, sys.version, repr(SIGNATURES)))
    return Path(numba_cache_dir) / f"ndpcosmo-precompiled-{fp}"


class _Helper:
    """The helper process of this process (at most one)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.checked = False

    def start(self) -> None:
        if self.checked:
            return
        self.checked = True
        if os.environ.get("NDPCOSMO_PRECOMPILE", "").lower() == "off" or os.environ.get("NUMBA_DISABLE_JIT") == "1":
            return
        from numba.core import config

        stamp = _stamp(str(config.CACHE_DIR))
        if stamp.exists() or not _take_lock(stamp):
            return
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ndpcosmo._precompile", str(stamp)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=dict(os.environ, NUMBA_CACHE_DIR=str(config.CACHE_DIR)),
            )
        except OSError:
            _lock(stamp).unlink(missing_ok=True)

    def wait(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        try:
            process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            pass


def _lock(stamp: Path) -> Path:
    return stamp.with_name(stamp.name + ".lock")


def _take_lock(stamp: Path) -> bool:
    """Create the helper's lock file (False if another helper holds it)."""
    lock = _lock(stamp)
    for _ in range(2):
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            try:
                if time.time() - lock.stat().st_mtime < STALE_LOCK_S:
                    return False
                lock.unlink()
            except OSError:
                return False
        except OSError:
            return False
    return False


_HELPER = _Helper()


def start() -> None:
    """Start the helper if the kernels may need compiling (once per process; cheap afterwards)."""
    _HELPER.start()


def wait() -> None:
    """Join the helper started by this process, if any."""
    _HELPER.wait()


def compile_kernels() -> None:
    """Compile (and cache) every kernel of ``SIGNATURES`` for its recorded argument types."""
    import ndpcosmo  # noqa: F401  (numba's cache directory)

    for name, signatures in SIGNATURES.items():
        module, function = name.rsplit(".", 1)
        dispatcher = getattr(importlib.import_module(module), function)
        for reprs in signatures:
            dispatcher.compile(argument_types(reprs))


def _main(stamp: str) -> int:
    path = Path(stamp)
    try:
        compile_kernels()
        path.touch()
        return 0
    finally:
        _lock(path).unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1]))
