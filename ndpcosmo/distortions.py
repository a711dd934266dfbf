"""CMB spectral distortions (mu, y) from the energy the decays release into the photon plasma.

Green's-function approximation (Chluba 2013, MNRAS 436, 2232 [arXiv:1304.6120], eqs. 5-6; Chluba 2015,
MNRAS 454, 4182 [arXiv:1506.06582], eq. 13): heat delta(rho_gamma)/rho_gamma released at redshift z
ends as

    mu = (3 / kappa_c) J_mu(z) J_bb*(z) dQ,   y = (1/4) J_y(z) dQ,   kappa_c = 2.1419 (3/kappa_c = 1.401)

    J_bb(z)  = exp(-(z / z_mu)^(5/2)),  z_mu = 1.98e6           (double Compton + bremsstrahlung
                                                                thermalisation; Hu & Silk 1993)
    J_bb*(z) = 0.983 J_bb(z) (1 - 0.0381 (z / z_mu)^2.29)
    J_mu(z)  = 1 - exp(-((1 + z) / 5.8e4)^1.88)
    J_y(z)   = [1 + ((1 + z) / 6.0e4)^2.58]^-1

so an instantaneous release at z = 5e5 gives mu = 1.33 dQ (Hu & Silk's 1.4 dQ, before the J_bb*
correction). The release history is the ThermalHistory's own: dQ/dt = q_gamma / rho_gamma (q_gamma the
energy injected into the photon-e+- plasma per volume and time), with 1 + z = a_today / a; the
history ends at recombination, after which the y-era continues (CMB-era injection: issue 6).
The FIRAS 95 % limits |mu| < 9e-5, |y| < 1.5e-5 (Fixsen et al. 1996) give a Gaussian chi^2 with
sigma = limit / 1.96 (an approximation of their likelihood).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import constants as c
from .background.equations import RHO_GAMMA_PER_T4

Z_MU = 1.98e6
"""Thermalisation redshift of the double-Compton + bremsstrahlung era."""

MU_PER_HEAT = 3.0 / 2.1419
"""3 / kappa_c: mu per unit delta(rho)/rho in the mu era."""

FIRAS_95 = {"mu": 9e-5, "y": 1.5e-5}
"""COBE/FIRAS 95 % limits on |mu| and |y| (Fixsen et al. 1996, ApJ 473, 576)."""


def firas_chi2(mu: float, y: float) -> float:
    """The FIRAS chi^2 of (mu, y): Gaussians of zero mean with sigma = 95 % limit / 1.96."""
    return (mu / (FIRAS_95["mu"] / 1.96)) ** 2 + (y / (FIRAS_95["y"] / 1.96)) ** 2


def j_bb_star(z: np.ndarray) -> np.ndarray:
    """The blackbody visibility with Chluba's 2015 correction (eq. 13, fitted for 3e5 < z < 6e6; the
    correction is held at >= 0 beyond, where exp(-(z/z_mu)^(5/2)) < 1e-12 anyway)."""
    x = np.asarray(z, dtype=float) / Z_MU
    return 0.983 * np.exp(-(x**2.5)) * np.maximum(1.0 - 0.0381 * x**2.29, 0.0)


def j_mu(z: np.ndarray) -> np.ndarray:
    """The mu-era branching ratio (Chluba 2013 eq. 5)."""
    return 1.0 - np.exp(-(((1.0 + np.asarray(z, dtype=float)) / 5.8e4) ** 1.88))


def j_y(z: np.ndarray) -> np.ndarray:
    """The y-era branching ratio (Chluba 2013 eq. 5)."""
    return 1.0 / (1.0 + ((1.0 + np.asarray(z, dtype=float)) / 6.0e4) ** 2.58)


@dataclass(frozen=True)
class Distortions:
    """mu and y, the heat released delta(rho)/rho in all (up to recombination), and the FIRAS chi^2."""

    mu: float
    y: float
    heat: float

    @property
    def chi2_firas(self) -> float:
        return firas_chi2(self.mu, self.y)

    @property
    def excluded_firas(self) -> bool:
        """Either |mu| or |y| above its FIRAS 95 % limit."""
        return abs(self.mu) > FIRAS_95["mu"] or abs(self.y) > FIRAS_95["y"]


def from_release(z: np.ndarray, dQ: np.ndarray) -> Distortions:
    """mu and y from heat releases dQ = delta(rho)/rho at redshifts z (sums over the entries)."""
    z = np.asarray(z, dtype=float)
    dQ = np.asarray(dQ, dtype=float)
    mu = float(np.sum(MU_PER_HEAT * j_mu(z) * j_bb_star(z) * dQ))
    y = float(np.sum(0.25 * j_y(z) * dQ))
    return Distortions(mu, y, float(np.sum(dQ)))


def from_history(history, T_cmb_mev: float) -> Distortions:
    """mu and y from a ``ThermalHistory``'s injection into the photon plasma: per interval between its
    nodes, delta rho/rho = (the comoving heat N gave the photons there, from the integrator's ledger
    ``heat_gamma_comoving``) / (a^4 rho_gamma, the mean of the two nodes), at the interval's mean z.
    A history without the ledger (an external injection) integrates ``q_gamma_mev5`` (trapezoidal in t)."""
    rho_gamma = RHO_GAMMA_PER_T4 * np.asarray(history.T_gamma_mev, dtype=float) ** 4
    a_today = history.a[-1] * history.T_gamma_mev[-1] / T_cmb_mev
    z = a_today / history.a - 1.0
    mid_z = np.sqrt((1.0 + z[:-1]) * (1.0 + z[1:])) - 1.0
    heat = getattr(history, "heat_gamma_comoving", None)
    if heat is not None:
        a4_rho = np.asarray(history.a, dtype=float) ** 4 * rho_gamma
        dQ = np.diff(np.asarray(heat, dtype=float)) / (0.5 * (a4_rho[:-1] + a4_rho[1:]))
    else:
        rate = np.asarray(history.q_gamma_mev5, dtype=float) / rho_gamma / c.HBAR_MEV_S  # d(delta rho / rho)/dt
        dQ = 0.5 * (rate[:-1] + rate[1:]) * np.diff(history.t_s)
    if not np.all(np.isfinite(dQ)):
        raise ValueError("the history's injection rate is not finite")
    return from_release(mid_z, dQ)


def instantaneous(delta_rho_over_rho: float, z: float) -> Distortions:
    """An instantaneous release at z (the Green's function itself)."""
    if not (math.isfinite(z) and z >= 0.0):
        raise ValueError(f"z = {z!r} must be a finite redshift >= 0")
    return from_release(np.array([z]), np.array([delta_rho_over_rho]))
