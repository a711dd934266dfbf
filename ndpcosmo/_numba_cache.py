"""numba's on-disk caches (``cache=True`` kernels) in the user cache directory, never beside the sources.

numba writes compiled kernels to ``__pycache__`` next to each module unless ``NUMBA_CACHE_DIR`` is set;
a read-only install would then recompile on every start. Unless the user set NUMBA_CACHE_DIR, ndpcosmo
points numba's cache at ``<cache_dir()>/numba`` (``cache.cache_dir``: $NDPCOSMO_CACHE_DIR, else the XDG
user cache). This must run before a kernel module is imported (numba fixes a function's cache location
when it is decorated): ``ndpcosmo/__init__.py`` calls it first.
"""

from __future__ import annotations

import os


def use_user_cache_dir() -> str:
    """Set numba's cache directory (unless NUMBA_CACHE_DIR is set) and return the one in force."""
    from numba.core import config

    from .cache import cache_dir

    if not os.environ.get("NUMBA_CACHE_DIR"):
        config.CACHE_DIR = str(cache_dir() / "numba")
    return config.CACHE_DIR
