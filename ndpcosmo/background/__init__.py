"""Thermal history with N (stage 2 of the chain).

``solve(model, abundance)`` integrates the photon and the three neutrino temperatures (QED corrections,
nu-e exchange with the electron mass), the expansion and the momentum-resolved N population with its
decays, inverse decays and scatterings, from the hand-off of the abundance stage to recombination,
and returns a ``ThermalHistory``. ``solve(None, None)`` is the Standard Model.
"""

from ndpcosmo._numba_cache import announce_compilations

announce_compilations()  # before the kernels: a first run says what numba compiles

from .solver import ThermalHistory, solve  # noqa: E402

__all__ = ["ThermalHistory", "solve"]
