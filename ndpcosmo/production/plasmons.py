"""Photon plasmons of the QED plasma: HTL dispersion relations and residues, and their decay to nu N.

In a relativistic plasma the hard-thermal-loop photon propagator has poles above the light cone
(Braaten & Segel, PRD 48 (1993) 1478; Le Bellac, "Thermal Field Theory", ch. 6):
    transverse:    omega^2 = k^2 + (3 w_p^2 / 2) [x^2 + x (1 - x^2)/2 ln((x + 1)/(x - 1))],
    longitudinal:  k^2 = 3 w_p^2 [x/2 ln((x + 1)/(x - 1)) - 1],           x = omega / k > 1,
with the plasma frequency w_p^2 = m_D^2 / 3 (``plasma.debye_mass_squared``). Both start at omega = w_p
for k = 0; the transverse mass omega^2 - k^2 tends to m_inf^2 = 3 w_p^2 / 2, the longitudinal one to
zero with an exponentially small residue. The residues (the omega^2-derivative of the inverse
propagator at the pole; for the longitudinal mode that of the Coulomb propagator 1/(k^2 + Pi_00)):
    Z_T = 2 w^2 (w^2 - k^2) / (3 w_p^2 w^2 - (w^2 - k^2)^2),
    Z_00 = 2 w^2 (w^2 - k^2) / (k^2 (3 w_p^2 - w^2 + k^2)),   covariantly normalised Z_L = Z_00 k^2 / K^2.
Decay of a plasmon of invariant mass K (omega^2 - k^2) into nu Nbar (one CP channel, one polarisation):
Z times the width at rest of ``cross_sections.plasmon_width_rest_mev`` times K/omega,
    Gamma = Z mu^2 K^4 (1 - r)^2 (1 + 2r) / (48 pi omega),   r = M_N^2 / K^2,  K > M_N.
Reaction density (both CP channels, 2 transverse + 1 longitudinal modes):
    gamma = 2 int d^3k/(2 pi)^3 [2 f_B(w_T) Gamma_T + f_B(w_L) Gamma_L].
In units of w_p the dispersion relations and residues do not depend on T: they are solved once on a
grid of k/w_p (bisection) and interpolated. The HTL forms assume relativistic charges; below T ~ m_e/3
the plasma is non-relativistic and the plasmon rate (already < 1e-3 of the t-channel) is an estimate.
"""

from __future__ import annotations

import functools

import numpy as np

from . import cross_sections as xs

K_GRID = np.concatenate([[0.0], np.geomspace(1e-3, 1e3, 1201)])
"""k / w_p nodes of the tabulated dispersion relations (beyond: m_inf, Z_T = 1, no longitudinal mode)."""
K_L_MAX = 20.0
"""Beyond k = 20 w_p the longitudinal residue is below e^-260: the mode is dropped."""


def _log_ratio(k: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x = omega/k and ln((x + 1)/(x - 1)) for omega^2 = k^2 + delta, without cancellation."""
    x = np.sqrt(1.0 + delta / (k * k))
    x_minus_1 = delta / (k * k) / (x + 1.0)
    return x, np.log((x + 1.0) / x_minus_1)


def _transverse_gap(delta: np.ndarray, k: np.ndarray) -> np.ndarray:
    """delta - (3/2) [x^2 + x (1 - x^2)/2 ln((x+1)/(x-1))] at omega^2 = k^2 + delta (units of w_p)."""
    x, lg = _log_ratio(k, delta)
    return delta - 1.5 * (x * x - 0.5 * x * (delta / (k * k)) * lg)


def _longitudinal_gap(delta: np.ndarray, k: np.ndarray) -> np.ndarray:
    """k^2 - 3 [x/2 ln((x+1)/(x-1)) - 1] at omega^2 = k^2 + delta: zero on the longitudinal branch."""
    x, lg = _log_ratio(k, delta)
    return k * k - 3.0 * (0.5 * x * lg - 1.0)


def _bisect(gap, k: np.ndarray, lo: np.ndarray, hi: np.ndarray, iterations: int = 200) -> np.ndarray:
    f_lo = gap(lo, k)
    for _ in range(iterations):
        mid = np.where(hi / lo > 4.0, np.sqrt(lo * hi), 0.5 * (lo + hi))  # geometric while the bracket is wide
        f_mid = gap(mid, k)
        left = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(left, mid, lo)
        f_lo = np.where(left, f_mid, f_lo)
        hi = np.where(left, hi, mid)
    return 0.5 * (lo + hi)


@functools.lru_cache(maxsize=1)
def dispersion() -> dict[str, np.ndarray]:
    """K^2 = omega^2 - k^2 of both modes and the residues Z_T, Z_L (covariant) on ``K_GRID`` (units of w_p)."""
    k = K_GRID[1:]
    # transverse: omega^2 - k^2 between w_p^2 (k = 0) and m_inf^2 = 3 w_p^2 / 2 (k -> infinity)
    d_t = _bisect(_transverse_gap, k, np.full_like(k, 1.0 - 1e-9), np.full_like(k, 1.5 + 1e-9))
    # longitudinal: between 0 (light cone, exponentially) and w_p^2
    kl = k[k <= K_L_MAX]
    d_l = _bisect(_longitudinal_gap, kl, np.full_like(kl, 1e-300), np.full_like(kl, 1.0 + 1e-9), 400)
    d_t = np.concatenate([[1.0], d_t])
    d_l = np.concatenate([[1.0], d_l, np.zeros(k.size - kl.size)])
    kk = K_GRID**2
    w2_t, w2_l = kk + d_t, kk + d_l
    z_t = 2.0 * w2_t * d_t / (3.0 * w2_t - d_t**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z_00 = 2.0 * w2_l * d_l / (kk * (3.0 - d_l))
        z_l = np.where(kk > 0, z_00 * kk / d_l, 1.0)
    z_l = np.where(d_l > 0, z_l, 0.0)
    return {"k": K_GRID, "K2_t": d_t, "K2_l": d_l, "z_t": z_t, "z_l": z_l}


def _modes(k_over_wp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(K_T^2, Z_T, K_L^2, Z_L) in units of w_p at k/w_p (asymptotic beyond the grid)."""
    d = dispersion()
    x = np.log(np.maximum(k_over_wp, K_GRID[1]))
    grid = np.log(K_GRID[1:])
    inside = k_over_wp <= K_GRID[-1]
    k2_t = np.where(inside, np.interp(x, grid, d["K2_t"][1:]), 1.5)
    z_t = np.where(inside, np.interp(x, grid, d["z_t"][1:]), 1.0)
    k2_l = np.where(inside, np.interp(x, grid, d["K2_l"][1:]), 0.0)
    z_l = np.where(inside, np.interp(x, grid, d["z_l"][1:]), 0.0)
    return k2_t, z_t, k2_l, z_l


def decay_density(T_mev: float, mass_mev: np.ndarray, omega_p2: float, n_k: int = 1500) -> np.ndarray:
    """gamma(plasmons -> nu Nbar, nubar N) / mu^2 [MeV^6] at T for the masses ``mass_mev`` (see the module doc).

    Integrated over k/w_p on a logarithmic grid from 1e-3 to where f_B < e^-60 (trapezoid; the
    integrand is smooth and the grid 1.1 % per step).
    """
    wp = np.sqrt(omega_p2)
    k_top = max(70.0 * T_mev, 10.0 * wp)
    kt = np.concatenate([[0.0], np.geomspace(1e-3 * wp, k_top, n_k)])
    k2_t, z_t, k2_l, z_l = _modes(kt / wp)
    M2 = np.asarray(mass_mev, float)[:, None] ** 2
    total = np.zeros(M2.shape[0])
    for k2, z, pols in ((k2_t * omega_p2, z_t, 2.0), (k2_l * omega_p2, z_l, 1.0)):
        w = np.sqrt(kt * kt + k2)
        K = np.sqrt(k2)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            width = np.where(K > 0, xs.plasmon_width_rest_mev(np.where(K > 0, K, 1.0), np.sqrt(M2), 1.0), 0.0)
            f_b = 1.0 / np.expm1(w / T_mev)
        integrand = pols * z * width * K / w * f_b * kt**2 / (2.0 * np.pi**2)
        total += np.trapezoid(integrand, kt, axis=1)
    return 2.0 * total  # both CP channels
