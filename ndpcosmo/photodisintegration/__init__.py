"""Photodisintegration of light nuclei by the photons of late N -> nu gamma decays: the
electromagnetic cascade in the thermal bath and the non-thermal nuclear network."""

from ndpcosmo.photodisintegration.solver import PhotodisintegrationResult, solve, solve_decay

__all__ = ["PhotodisintegrationResult", "solve", "solve_decay"]
