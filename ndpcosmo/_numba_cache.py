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


def use_user_cache_dir() -> str:
    """Point numba's cache at the user cache directory (unless NUMBA_CACHE_DIR is set) and return the
    directory in force. Before numba is imported this only sets NUMBA_CACHE_DIR, which numba reads on
    import (so ``import ndpcosmo`` does not import numba); after, numba's config directly."""
    from .cache import cache_dir

    if os.environ.get("NUMBA_CACHE_DIR"):
        return os.environ["NUMBA_CACHE_DIR"]
    target = str(cache_dir() / "numba")
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
