"""ndpcosmo: cosmology of the neutrino dipole portal (a heavy neutral lepton N with a transition
magnetic moment to an active neutrino).

Public API: ``assess`` (the verdict of a point in one call), ``run``, ``DipolePortal``, ``Cosmology``,
``Precision``, ``Result``, ``loglike``. They are imported on first use (``import ndpcosmo`` alone costs
no scipy or numba import, so ``ndpcosmo --help`` and ``--version`` answer at once).
"""

from __future__ import annotations

import importlib

from ._numba_cache import use_user_cache_dir

use_user_cache_dir()  # before any kernel module is imported: numba's caches never go beside the sources

__version__ = "0.1.0"

_PUBLIC = {
    "Cosmology": ".model",
    "DipolePortal": ".model",
    "Precision": ".model",
    "Result": ".pipeline",
    "run": ".pipeline",
    "assess": ".verdict",
    "loglike": ".interfaces.plain",
}

__all__ = ["Cosmology", "DipolePortal", "Precision", "Result", "__version__", "assess", "loglike", "run"]


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ndpcosmo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
