"""On-disk cache of precomputed tables (pure functions of settings and code), in the user cache dir.

A table is stored as ``<name>-<fingerprint>.npz``; the fingerprint hashes the given settings and the
source files of the modules that compute it, so a code change never reuses a stale table. The
directory is $NDPCOSMO_CACHE_DIR, else $XDG_CACHE_HOME/ndpcosmo, else ~/.cache/ndpcosmo. A damaged
file is recomputed; an unwritable directory only costs time.

The model-independent tables that the default settings use ship inside the package
(``ndpcosmo/data/tables``, written by ``tools/ship_tables.py``) under the same names, so a first run on
a bare machine builds nothing: a table is read from the user cache, else from the package, else
computed (with a line on stderr saying what is built). Shipped arrays are exact (float64) except
those over ``SHIP_EXACT_BYTES``, non-negative arrays stored as float32 logarithms (relative error
<= 6e-8 |ln x|, zeros kept exactly; the photodisintegration response: <= 1e-5). Environment:
NDPCOSMO_SHIPPED_TABLES=ignore skips the shipped tables (to rebuild them); NDPCOSMO_BUILD_TABLES=never
makes a missing table an error instead of a build (clusters, and the test that the shipped tables
are current); NDPCOSMO_TABLE_LOG=FILE appends the name of every table looked up (``tools/ship_tables.py``).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
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


SHIPPED_DIR = Path(__file__).resolve().parent / "data" / "tables"
"""The tables shipped inside the package (``tools/ship_tables.py``)."""

SHIP_EXACT_BYTES = 1 << 20
"""Arrays up to this size ship exactly; larger non-negative float arrays as float32 logarithms."""


class MissingTableError(RuntimeError):
    """A precomputed table is neither cached nor shipped and NDPCOSMO_BUILD_TABLES=never."""


def cached_arrays(
    name: str, fp: str, compute: Callable[[], dict[str, np.ndarray]], what: str = ""
) -> dict[str, np.ndarray]:
    """Load the arrays ``name``/``fp`` from the user cache or the shipped tables, or compute and store
    them (announced on stderr: ``what`` says what is built and roughly how long it takes)."""
    path = cache_dir() / f"{name}-{fp}.npz"
    log = os.environ.get("NDPCOSMO_TABLE_LOG")
    if log:
        with open(log, "a") as f:
            f.write(f"{name}-{fp}\n")
    cached = _load(path)
    if cached is not None:
        return cached
    if os.environ.get("NDPCOSMO_SHIPPED_TABLES", "").lower() != "ignore":
        shipped = load_shipped(name, fp)
        if shipped is not None:
            _store(path, shipped)  # decoded once: later runs read plain arrays
            return shipped
    if os.environ.get("NDPCOSMO_BUILD_TABLES", "").lower() == "never":
        raise MissingTableError(f"table {name}-{fp} is neither cached nor shipped (NDPCOSMO_BUILD_TABLES=never)")
    print(f"ndpcosmo: building {what or name} (once; cached in {path.parent})", file=sys.stderr, flush=True)
    start = time.perf_counter()
    arrays = compute()
    print(f"ndpcosmo: built {name} in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    _store(path, arrays)
    return arrays


def _store(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``path`` atomically (an unwritable cache only costs time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as tmp:
            np.savez(tmp, **arrays)
        os.replace(tmp.name, path)
    except OSError:
        pass


_LOG32 = "@log32"
_SHAPE = "@shape"


def encode_shipped(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays as shipped: large non-negative float arrays as byte-shuffled float32 logarithms
    (they compress ~6x), everything else unchanged."""
    out = {}
    for key, value in arrays.items():
        a = np.asarray(value)
        if a.dtype == np.float64 and a.nbytes > SHIP_EXACT_BYTES and bool(np.all(a >= 0.0)):
            with np.errstate(divide="ignore"):
                logs = np.log(a).astype(np.float32)  # zeros -> -inf, exact on decoding
            out[key + _LOG32] = np.ascontiguousarray(logs.reshape(-1).view(np.uint8).reshape(-1, 4).T)
            out[key + _SHAPE] = np.array(a.shape, dtype=np.int64)
        else:
            out[key] = a
    return out


def decode_shipped(stored: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Inverse of ``encode_shipped`` (float64 arrays)."""
    out = {}
    for key, value in stored.items():
        if key.endswith(_LOG32):
            base = key[: -len(_LOG32)]
            logs = np.ascontiguousarray(value.T).view(np.float32).reshape(tuple(stored[base + _SHAPE]))
            out[base] = np.exp(logs.astype(np.float64))
        elif not key.endswith(_SHAPE):
            out[key] = value
    return out


def load_shipped(name: str, fp: str, directory: Path = SHIPPED_DIR) -> dict[str, np.ndarray] | None:
    """The shipped table ``name``/``fp``, or None."""
    stored = _load(Path(directory) / f"{name}-{fp}.npz")
    return None if stored is None else decode_shipped(stored)


def _load(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays of an .npz file, or None if it is missing or damaged."""
    if not path.exists():
        return None
    try:
        with np.load(path) as data:
            return {key: data[key] for key in data.files}
    except (OSError, KeyError, ValueError):
        return None


def write_shipped(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Store ``arrays`` at ``path`` as a shipped table (``encode_shipped``, compressed)."""
    np.savez_compressed(path, **encode_shipped(arrays))
