"""numba's on-disk caches (``cache=True`` kernels) in the user cache directory, never beside the sources.

numba writes compiled kernels to ``__pycache__`` next to each module unless ``NUMBA_CACHE_DIR`` is set;
a read-only install would then recompile on every start. Unless the user set NUMBA_CACHE_DIR, ndpcosmo
points numba's cache at ``<cache_dir()>/numba/<hash of the kernel sources>`` (``cache.cache_dir``:
$NDPCOSMO_CACHE_DIR, else the XDG user cache; the hash: ``KERNEL_FILES``). This must run before a
kernel module is imported (numba fixes a function's cache location
when it is decorated): ``ndpcosmo/__init__.py`` calls it first. It also announces on stderr each
kernel that numba compiles (a cache miss: the first run on a machine, ~30 s on 2 cores), so a
first run does not look hung.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

KERNEL_FILES: tuple[str, ...] = (
    "_linalg.py",
    "background/_kernels.py",
    "background/_nonthermal.py",
    "bbn/_kernels.py",
    "bbn/weak.py",
    "photodisintegration/_kernels.py",
    "production/_kernels.py",
    "production/_scattering.py",
)
"""The modules with numba kernels (tests/test_precompile.py checks the list). numba keys a cached
kernel on its own file only, not on the kernels it calls from other files: the cache directory is
therefore keyed by all of them, so that a changed kernel anywhere recompiles every caller."""


def kernel_fingerprint() -> str:
    """A short hash of the kernel modules' sources."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in KERNEL_FILES:
        h.update((root / name).read_bytes())
    return h.hexdigest()[:12]


def use_user_cache_dir() -> str:
    """Point numba's cache at the user cache directory (unless NUMBA_CACHE_DIR is set) and return the
    directory in force. Before numba is imported this only sets NUMBA_CACHE_DIR, which numba reads on
    import (so ``import ndpcosmo`` does not import numba); after, numba's config directly."""
    from .cache import cache_dir

    if os.environ.get("NUMBA_CACHE_DIR"):
        return os.environ["NUMBA_CACHE_DIR"]
    target = str(cache_dir() / "numba" / kernel_fingerprint())
    if "numba" in sys.modules:
        from numba.core import config

        config.CACHE_DIR = target
    else:
        os.environ["NUMBA_CACHE_DIR"] = target
    return target


class _CompileAnnouncer:
    """A numba event listener (``numba.core.event.Listener``'s two methods): one line on stderr when
    numba starts compiling an ndpcosmo kernel (not for the functions it compiles inside it)."""

    def __init__(self) -> None:
        self.depth = 0
        self.announced = False

    def on_start(self, ev) -> None:
        if self.depth == 0:
            func = getattr(ev.data.get("dispatcher"), "py_func", None)
            module = getattr(func, "__module__", "") or ""
            if module.startswith("ndpcosmo"):
                if not self.announced:
                    from numba.core import config

                    print(
                        "ndpcosmo: first use on this machine: compiling the numba kernels "
                        f"(about half a minute on 2 cores, once; cached in {config.CACHE_DIR})",
                        file=sys.stderr,
                        flush=True,
                    )
                    self.announced = True
                name = f"{module.removeprefix('ndpcosmo.')}.{func.__qualname__}"
                print(f"ndpcosmo:   compiling {name}", file=sys.stderr, flush=True)
        self.depth += 1

    def on_end(self, ev) -> None:
        self.depth = max(self.depth - 1, 0)


_LISTENER: list = []


def announce_compilations() -> None:
    """Register the announcer with numba, once per process (each package with kernels calls this in its
    ``__init__``, so numba is imported only where kernels are)."""
    if _LISTENER:
        return
    from numba.core import event

    listener = type("CompileAnnouncer", (_CompileAnnouncer, event.Listener), {})()
    event.register("numba:compile", listener)
    _LISTENER.append(listener)
