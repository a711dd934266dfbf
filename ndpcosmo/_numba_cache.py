"""numba's on-disk caches (``cache=True`` kernels) in the user cache directory, never beside the sources.

numba writes compiled kernels to ``__pycache__`` next to each module unless ``NUMBA_CACHE_DIR`` is set;
a read-only install would then recompile on every start. Unless the user set NUMBA_CACHE_DIR, ndpcosmo
points numba's cache at ``<cache_dir()>/numba`` (``cache.cache_dir``: $NDPCOSMO_CACHE_DIR, else the XDG
user cache). This must run before a kernel module is imported (numba fixes a function's cache location
when it is decorated): ``ndpcosmo/__init__.py`` calls it first. It also announces on stderr each
kernel that numba compiles (a cache miss: the first run on a machine, ~30 s on 2 cores), so a
first run does not look hung.
"""

from __future__ import annotations

import os
import sys

from numba.core import event


def use_user_cache_dir() -> str:
    """Set numba's cache directory (unless NUMBA_CACHE_DIR is set) and return the one in force."""
    from numba.core import config

    from .cache import cache_dir

    if not os.environ.get("NUMBA_CACHE_DIR"):
        config.CACHE_DIR = str(cache_dir() / "numba")
    return config.CACHE_DIR


class _CompileAnnouncer(event.Listener):
    """One line on stderr when numba starts compiling an ndpcosmo kernel (not for the functions it
    compiles inside it)."""

    def __init__(self) -> None:
        self.depth = 0
        self.announced = False

    def on_start(self, ev: event.Event) -> None:
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

    def on_end(self, ev: event.Event) -> None:
        self.depth = max(self.depth - 1, 0)


_ANNOUNCER = _CompileAnnouncer()


def announce_compilations() -> None:
    """Register the announcer with numba (idempotent)."""
    try:
        event.unregister("numba:compile", _ANNOUNCER)
    except ValueError:
        pass
    event.register("numba:compile", _ANNOUNCER)
