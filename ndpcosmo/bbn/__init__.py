"""Big-bang nucleosynthesis: nuclear network, reaction rates, weak n<->p rates and the solver.

``solve`` and ``BBNResult`` load on first use, so that the weak-interaction physics (``weak``) can be
imported alone (the thermal history's decay neutrinos use its n <-> p cross sections).
"""

from __future__ import annotations

import importlib

from ndpcosmo._numba_cache import announce_compilations

announce_compilations()  # before the kernels: a first run says what numba compiles

__all__ = ["BBNResult", "solve"]


def __getattr__(name: str) -> object:
    if name in __all__:
        value = getattr(importlib.import_module("ndpcosmo.bbn.solver"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ndpcosmo.bbn' has no attribute {name!r}")
