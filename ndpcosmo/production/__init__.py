"""N production: cross sections, thermal rates and the abundance solver (stage 1 of the chain)."""

from ndpcosmo._numba_cache import announce_compilations

announce_compilations()  # before the kernels: a first run says what numba compiles

from .boltzmann import Abundance, NState, decoupling_temperature, solve  # noqa: E402
from .rates import RateTable, rate_table  # noqa: E402

__all__ = ["Abundance", "NState", "RateTable", "decoupling_temperature", "rate_table", "solve"]
