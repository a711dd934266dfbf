"""Big-bang nucleosynthesis: nuclear network, reaction rates, weak n<->p rates and the solver."""

from ndpcosmo._numba_cache import announce_compilations

announce_compilations()  # before the kernels: a first run says what numba compiles

from ndpcosmo.bbn.solver import BBNResult, solve  # noqa: E402

__all__ = ["BBNResult", "solve"]
