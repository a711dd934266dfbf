"""Energy exchange between neutrinos and the e+- plasma, with the electron mass.

Effective interaction (below the weak scale):
    L = -2 sqrt(2) G_F [nubar_a gamma^mu P_L nu_a][ebar gamma_mu (g_L P_L + g_R P_R) e],
g_L = +1/2 + s_W^2 (nu_e, with the charged current), -1/2 + s_W^2 (nu_mu, nu_tau), g_R = s_W^2.
Spin-summed squared amplitudes (checked against explicit spinor sums in tests):
    nu(k1) e(k2) -> nu(k3) e(k4):   128 G_F^2 [g_L^2 (k1k2)(k3k4) + g_R^2 (k1k4)(k2k3) - g_L g_R m^2 (k1k3)],
    e-(k1) e+(k2) -> nu(k3) nubar(k4): 128 G_F^2 [g_L^2 (k1k4)(k2k3) + g_R^2 (k1k3)(k2k4) + g_L g_R m^2 (k3k4)].

Energy-transfer rates into one flavour (nu + nubar), Maxwell-Boltzmann statistics, computed here with
the electron mass:
* annihilation e+e- <-> nu nubar: G(T_gamma) - G(T_nu), with the energy-weighted reaction density
      G(T) = T/(64 pi^4) int ds W(s) lambda^{1/2}(s, m^2, m^2) K_2(sqrt(s)/T),  W = int dPhi_2 sum|M|^2;
* scattering nu e+-, nubar e+- (four channels, couplings swapped for e+ and for nubar):
      R = int dPi_1 dPi_2 f_nu(E_1; T_nu) f_e(E_2; T_gamma) int dPhi_2 sum|M|^2 (E_3 - E_1),
  using int dPhi_2 sum|M|^2 k_3^mu = c_1 k_1^mu + c_2 k_2^mu (Lorentz covariance), so that only
  one-dimensional CM angular integrals of polynomials are needed.
For m_e = 0 these reduce to the closed forms of Escudero (arXiv:1812.05605, eqs. 2.12-2.13; MB):
    G(T) = (G_F^2/pi^5) 4 (g_L^2 + g_R^2) 32 T^9,
    R    = (G_F^2/pi^5) 4 (g_L^2 + g_R^2) 56 T_g^4 T_nu^4 (T_g - T_nu).
The code writes the rates as those closed forms times mass factors
    a(z) = G_m / G_0  and  b(z) = R_m / R_0 (linear response, T_nu -> T_gamma),  z = m_e / T,
each split into a g_L^2 + g_R^2 part and a g_L g_R part, tabulated once on a grid in z, and times the
Fermi-Dirac/Pauli-blocking factors f_a = 0.884 and f_s = 0.829 of massless Fermi-Dirac statistics
(Escudero arXiv:1812.05605, section 2.2). Neutrino-neutrino exchange between flavours uses the
massless closed form, 2 F(T_mu, T_e) into nu_e and -F into each of nu_mu, nu_tau (Escudero 2020,
arXiv:2001.04466, eqs. 2.12-2.13).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from scipy.special import kve

from ..cache import cached_arrays, fingerprint

F_ANNIHILATION = 0.884
F_SCATTERING = 0.829
Z_GRID = np.geomspace(1e-3, 40.0, 100)


def _gauss_legendre(n: int, lo, hi):
    x, w = np.polynomial.legendre.leggauss(n)
    lo = np.asarray(lo, float)[..., None]
    hi = np.asarray(hi, float)[..., None]
    return 0.5 * (hi - lo) * (x + 1.0) + lo, 0.5 * (hi - lo) * w


def annihilation_weight(s, m: float):
    """(W_X, W_Y): int dPhi_2 sum|M|^2 / (128 G_F^2) for e+e- -> nu nubar, the (g_L^2+g_R^2) and g_L g_R parts."""
    s = np.asarray(s, float)
    E = np.sqrt(s) / 2.0
    p2 = np.maximum(E * E - m * m, 0.0)
    # angular average of (E^2 -/+ p E cos)^2 = E^4 + p^2 E^2 / 3; phase space of massless pair: 1/(8 pi)
    w_x = (E**4 + p2 * E * E / 3.0) / (8.0 * np.pi)
    w_y = m * m * s / 2.0 / (8.0 * np.pi)
    return w_x, w_y


def annihilation_energy_density_rate(T, m: float, nodes: int = 96):
    """(G_X, G_Y)/(128 G_F^2): energy-weighted annihilation rate densities [MeV^9] at temperature T."""
    T = np.asarray(T, float)
    # sqrt(s) = 2m + T y, y in [0, 80] (K2 falls as exp(-sqrt(s)/T))
    y, w = _gauss_legendre(nodes, np.zeros_like(T), np.full_like(T, 80.0))
    rs = 2.0 * m + T[..., None] * y
    s = rs * rs
    lam = np.sqrt(np.maximum(s * (s - 4.0 * m * m), 0.0))
    k2 = kve(2, rs / T[..., None]) * np.exp(-rs / T[..., None])
    jac = 2.0 * rs * T[..., None]  # ds = 2 sqrt(s) d sqrt(s)
    w_x, w_y = annihilation_weight(s, m)
    pref = T / (64.0 * np.pi**4)
    return (pref * np.sum(w * jac * w_x * lam * k2, axis=-1), pref * np.sum(w * jac * w_y * lam * k2, axis=-1))


def _scattering_moments(s, m: float, swap: bool):
    """W, X.k1, X.k2 (each /128 G_F^2) split into (X-part, Y-part) for nu e -> nu e at invariant s.

    ``swap`` exchanges g_L and g_R (positron or antineutrino channels).
    Returns arrays of shape (3, 2, ...): [W, X.k1, X.k2] x [g_L^2+g_R^2 coefficient... see below].
    The couplings enter as g_L^2 A + g_R^2 B + g_L g_R C; this returns (A, B, C) for each moment.
    """
    s = np.asarray(s, float)
    rs = np.sqrt(s)
    p = (s - m * m) / (2.0 * rs)
    e2 = (s + m * m) / (2.0 * rs)
    c, wc = np.polynomial.legendre.leggauss(4)
    c = c.reshape((1,) * s.ndim + (4,))
    pp = p[..., None]
    ee = e2[..., None]
    a = (s[..., None] - m * m) / 2.0
    k2k3 = pp * ee + pp * pp * c  # = k1.k4
    k1k3 = pp * pp * (1.0 - c)
    terms = (a * a, k2k3 * k2k3, -m * m * k1k3)  # g_L^2, g_R^2, g_L g_R (no swap)
    if swap:
        terms = (terms[1], terms[0], terms[2])
    phase = pp / (8.0 * np.pi * rs[..., None])
    out = np.empty((3, 3) + s.shape)
    for j, term in enumerate(terms):
        out[0, j] = np.sum(wc * phase * term, axis=-1)
        out[1, j] = np.sum(wc * phase * term * k1k3, axis=-1)
        out[2, j] = np.sum(wc * phase * term * k2k3, axis=-1)
    return out


def scattering_energy_rate(T_nu, T_e, m: float, swap: bool = False, nodes: int = 24):
    """Energy per volume per time into neutrinos from nu(T_nu) e(T_e) -> nu e, / (128 G_F^2) [MeV^9].

    Returns the (g_L^2, g_R^2, g_L g_R) coefficients (array of shape (3,)). Maxwell-Boltzmann.
    """
    u, wu = np.polynomial.laguerre.laggauss(nodes)
    # electron kinetic energy E2 - m = T_e w^2 (removes the sqrt(E2 - m) threshold behaviour)
    w_nodes, w_weights = _gauss_legendre(2 * nodes, 0.0, np.sqrt(70.0))
    E1 = T_nu * u[:, None, None]
    E2 = m + T_e * w_nodes[None, :, None] ** 2
    p2 = np.sqrt(np.maximum(E2 * E2 - m * m, 0.0))
    s_lo = m * m + 2.0 * E1 * (E2 - p2)
    s_hi = m * m + 2.0 * E1 * (E2 + p2)
    x, wx = np.polynomial.legendre.leggauss(16)
    s = 0.5 * (s_hi - s_lo) * (x + 1.0) + s_lo
    ws = 0.5 * (s_hi - s_lo) * wx
    mom = _scattering_moments(s, m, swap)  # (3 moments, 3 couplings, n1, n2, ns)
    k1k2 = (s - m * m) / 2.0
    c2 = mom[1] / k1k2
    c1 = (mom[2] - c2 * m * m) / k1k2
    inner = np.sum(ws * ((c1 - mom[0]) * E1 + c2 * E2), axis=-1)  # (3, n1, n2)
    # measure: int d^3p1 d^3p2 / ((2pi)^6 4 E1 E2) = 1/(64 pi^4) int dE1 dE2 int ds (massless nu)
    # Laguerre absorbs exp(-E1/T_nu); dE2 = 2 T_e w dw with exp(-(E2 - m)/T_e) = exp(-w^2)
    w_row = w_weights * 2.0 * T_e * w_nodes * np.exp(-(w_nodes**2))
    weight = (wu[:, None] * T_nu) * w_row[None, :]
    outer = weight * np.exp(-m / T_e)
    return np.sum(outer * inner, axis=(-2, -1)) / (64.0 * np.pi**4)


def _compute_mass_factor_tables() -> dict[str, np.ndarray]:
    T = 1.0
    eps = 1e-3
    g0 = annihilation_energy_density_rate(np.array([T]), 0.0)[0][0]

    def linear_response(mass: float) -> np.ndarray:
        return sum(
            scattering_energy_rate(T * (1 - eps), T, mass, swap) - scattering_energy_rate(T * (1 + eps), T, mass, swap)
            for swap in (False, True)
        )

    r0 = linear_response(0.0)[0]
    out = {name: np.empty_like(Z_GRID) for name in ("a_x", "a_y", "b_x", "b_y")}
    for i, z in enumerate(Z_GRID):
        gx, gy = annihilation_energy_density_rate(np.array([T]), float(z * T))
        out["a_x"][i], out["a_y"][i] = gx[0] / g0, gy[0] / g0
        coef = linear_response(float(z * T))
        # summed over both coupling orders the g_L^2 and g_R^2 coefficients are equal: the X part
        out["b_x"][i] = 0.5 * (coef[0] + coef[1]) / r0
        out["b_y"][i] = coef[2] / r0
    out["z"] = Z_GRID.copy()
    return out


@functools.lru_cache(maxsize=1)
def mass_factor_tables() -> dict[str, np.ndarray]:
    """a_X, a_Y (annihilation) and b_X, b_Y (scattering) on ``Z_GRID``, normalised to the m = 0 rates.

    With X = g_L^2 + g_R^2 and Y = g_L g_R the massive rate is the massless one times
    (X a_X + Y a_Y) / X (and b for scattering, summed over the four channels). Computed once (a few
    seconds) and cached on disk.
    """
    fp = fingerprint([Path(__file__)], ("mass-factors", Z_GRID.size))
    return cached_arrays("nu-e-mass-factors", fp, _compute_mass_factor_tables, "the nu-e mass-factor table")
