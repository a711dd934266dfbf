"""Photodisintegration of light nuclei by the photons of late N -> nu gamma decays: the
electromagnetic cascade in the thermal bath and the non-thermal nuclear network."""

from ndpcosmo._numba_cache import announce_compilations

announce_compilations()  # before the kernels: a first run says what numba compiles

from ndpcosmo.photodisintegration.solver import PhotodisintegrationResult, solve, solve_decay  # noqa: E402

__all__ = ["PhotodisintegrationResult", "solve", "solve_decay"]
