"""On-disk cache of precomputed tables (pure functions of settings and code), in the user cache dir.

A table is stored as ``<name>-<fingerprint>.npz``; the fingerprint hashes the given settings and the
source files of the modules that compute it, so a code change never reuses a stale table. The
directory is $NDPCOSMO_CACHE_DIR, else $XDG_CACHE_HOME/ndpcosmo, else ~/.cache/ndpcosmo. A damaged
file is recomputed; an unwritable directory only costs time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np


def cache_dir() -> Path:
    """The user cache directory for precomputed tables."""
    env = os.environ.get("NDPCOSMO_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ndpcosmo"


def fingerprint(sources: Iterable[Path], settings: object) -> str:
    """A short hash of source files and settings."""
    h = hashlib.sha256()
    for path in sources:
        h.update(Path(path).read_bytes())
    h.update(repr(settings).encode())
    return h.hexdigest()[:16]


def cached_arrays(name: str, fp: str, compute: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Load the arrays ``name``/``fp`` from the cache, or compute and store them."""
    path = cache_dir() / f"{name}-{fp}.npz"
    if path.exists():
        try:
            with np.load(path) as data:
                return {key: data[key] for key in data.files}
        except (OSError, KeyError, ValueError):
            pass
    arrays = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as tmp:
            np.savez(tmp, **arrays)
        os.replace(tmp.name, path)
    except OSError:
        pass
    return arrays
