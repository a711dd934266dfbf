"""Big-bang nucleosynthesis: nuclear network, reaction rates, weak n<->p rates and the solver."""

from ndpcosmo.bbn.solver import BBNResult, solve

__all__ = ["BBNResult", "solve"]
