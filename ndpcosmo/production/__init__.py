"""N production: cross sections, thermal rates and the abundance solver (stage 1 of the chain)."""

from .boltzmann import Abundance, NState, decoupling_temperature, solve
from .rates import RateTable, rate_table

__all__ = ["Abundance", "NState", "RateTable", "decoupling_temperature", "rate_table", "solve"]
