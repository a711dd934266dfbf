"""Hard-thermal-loop screening of the t-channel photon: the Braaten-Yuan split, done explicitly.

The production code cuts the bare t-channel at |t| >= m_D^2 (``t_channel``). This module computes
the leading-order rate the long way, to show that the cut *is* the HTL result and to size what it
leaves out (tests/test_htl.py, docs/physics.md "Screening"). Massless N and targets throughout.

Split at a photon momentum q* (e T << q* << T; Braaten & Yuan, PRL 66 (1991) 2183):

* hard, q > q*: the bare matrix element with full statistics (``t_channel`` integrand, integrated
  over ln q and x = omega/q instead of ln|t| and r);
* soft, q < q*: the hard neutrino (p >> q) exchanges an HTL-resummed photon with the plasma. The
  dipole vertex gives the lepton tensor (Coulomb gauge, exact for massless nu and N, p >> q)
      L^00 = 4 mu^2 p^2 q^2 (1 - x^2),   sum_T L^ii = 4 mu^2 p^2 q^2 (1 - x^2)^2,
  so the rate per neutrino is independent of p:
      Gamma_soft = (mu^2 / 2 pi^2) int_0^q* dq q^3 int_-q^q domega
                   [(1 - x^2) rho_L + (1 - x^2)^2 rho_T] (1 + f_B(omega)),   1 + f_B -> T/omega,
  with the Landau-damping HTL spectral functions (Kapusta & Gale, ch. 6; Le Bellac, ch. 6)
      rho_L = (pi m_D^2 x/2) / {[q^2 + m_D^2 (1 - (x/2) ln|(1+x)/(1-x)|)]^2 + (pi m_D^2 x/2)^2},
      rho_T = (pi m_D^2 x (1-x^2)/4) / {[q^2 (1-x^2) + (m_D^2/2) x^2 (1 + ((1-x^2)/2x) ln|(1+x)/(1-x)|)]^2
              + (pi m_D^2 x (1-x^2)/4)^2}.
  Only spacelike photons enter (P - P' of two massless momenta), so plasmon poles do not.
  Analytically Gamma_soft = (mu^2 m_D^2 T / 2 pi) [ln(q*/m_D) + ln 2 - 5/6] for q* >> m_D
  (longitudinal -0.276559, transverse +0.136373 of the constant).

The sum is independent of q* when e is small; the leading-order rate is
    <Gamma_N> = (2 alpha/3) sum_f N_c Q_f^2 mu^2 T^3 [ln(T/m_D) + C],
C = 0.9588 (t-channel alone, Fermi-Dirac) — the same constant as the cut |t| >= m_D^2, because the
bare soft integrand cut at q^2 (1 - x^2) = m_D^2 gives ln(q*/m_D) + (3/8) int (1-x^2) ln(1-x^2) dx
= ln(q*/m_D) + ln 2 - 5/6 exactly (the soft constant).
"""

from __future__ import annotations

import math

import numpy as np

from .. import constants as c
from . import _scattering
from .t_channel import p_coefficients

SOFT_CONSTANT = math.log(2.0) - 5.0 / 6.0
"""c_s of Gamma_soft = (mu^2 m_D^2 T / 2 pi)[ln(q*/m_D) + c_s] (q* >> m_D)."""


def spectral_functions(x: np.ndarray, q: np.ndarray, mD2: float) -> tuple[np.ndarray, np.ndarray]:
    """(rho_L, rho_T) of the HTL photon at spacelike omega = x q (|x| < 1), see the module docstring."""
    lg = np.log(np.abs((1.0 + x) / (1.0 - x)))
    im_l = 0.5 * np.pi * mD2 * x
    re_l = q * q + mD2 * (1.0 - 0.5 * x * lg)
    im_t = 0.25 * np.pi * mD2 * x * (1.0 - x * x)
    re_t = q * q * (1.0 - x * x) + 0.5 * mD2 * x * x * (1.0 + (1.0 - x * x) / (2.0 * x) * lg)
    return im_l / (re_l**2 + im_l**2), im_t / (re_t**2 + im_t**2)


def soft_rate(q_star: float, mD2: float, T: float = 1.0, nodes: int = 200, modes: str = "LT") -> float:
    """Gamma_soft / mu^2 per hard neutrino (any p), photon momenta below ``q_star``.

    ``modes``: "L", "T" or "LT" (both). Gauss-Legendre in ln q from 1e-5 m_D and in x on (0, 1)
    (the integrand is even in x), with the x nodes clustered at both ends.
    """
    qx, qw = np.polynomial.legendre.leggauss(nodes)
    lo, hi = math.log(1e-5 * math.sqrt(mD2)), math.log(q_star)
    lq = 0.5 * (hi - lo) * (qx + 1.0) + lo
    wq = 0.5 * (hi - lo) * qw
    q = np.exp(lq)[:, None]
    # x = sin^2-like map clusters nodes at 0 and 1
    y = 0.5 * (qx + 1.0)
    x = (0.5 - 0.5 * np.cos(np.pi * y))[None, :]
    wx = (0.5 * qw * 0.5 * np.pi * np.sin(np.pi * y))[None, :]
    rho_l, rho_t = spectral_functions(x, q, mD2)
    weight = np.zeros_like(rho_l)
    if "L" in modes:
        weight = weight + (1.0 - x * x) * rho_l
    if "T" in modes:
        weight = weight + (1.0 - x * x) ** 2 * rho_t
    # dq domega = q dq dx; q^3 dq = q^4 dln q; T/omega = T/(x q); x over (-1, 1) = 2 x (0, 1)
    inner = np.sum(wx * weight / x, axis=1) * 2.0
    return float(T / (2.0 * np.pi**2) * np.sum(wq * np.exp(4.0 * lq) * inner))


def hard_rate_density(q_star: float, nodes: int = 96) -> float:
    """The bare t-channel above photon momentum q*, one neutrino helicity on one Dirac fermion of
    2 spin states (e = Q = 1, mu = 1, T = 1), full statistics, massless: gamma_hard."""
    gx, gw = np.polynomial.legendre.leggauss(16)
    qx, qw = np.polynomial.legendre.leggauss(nodes)
    lo, hi = math.log(q_star), math.log(130.0)
    lq = 0.5 * (hi - lo) * (qx + 1.0) + lo
    wq = 0.5 * (hi - lo) * qw
    y = 0.5 * (qx + 1.0)
    x = -np.cos(np.pi * y)  # clustered at +-1
    wx = 0.5 * qw * np.pi * np.sin(np.pi * y)
    Q, X = np.meshgrid(np.exp(lq), x, indexing="ij")
    W = np.outer(wq, wx)
    a = (Q * Q * (1.0 - X * X)).ravel()
    r = 0.5 * np.log((1.0 + X) / (1.0 - X)).ravel()
    coefs = p_coefficients(a, 0.0, 0.0, False)
    dens = _scattering.density_grid(a, r, coefs, 0.0, 0.0, 0, 0, gx, gw)
    # dq domega = q^2 dln q dx; |M|^2 = e^2 Q^2 d^2 P / a^2 with d^2 = mu^2 / 4
    integral = np.sum(W.ravel() * (Q * Q).ravel() * dens / a**2)
    return 2.0 / (256.0 * np.pi**5) * 0.25 * integral


def split_constant(q_star: float, mD2: float) -> float:
    """C of the t-channel from hard(q*) + soft(q*): gamma / [n_nu (m_D^2 T / 2 pi)] - ln(T / m_D).

    One unit-charge Dirac fermion (with its antiparticle) at T = 1 with e^2 = 3 m_D^2 (its own Debye
    mass), so the result is the LO constant when e is small, whatever q*.
    """
    e2 = 3.0 * mD2
    n_nu = 3.0 * c.ZETA3 / (4.0 * np.pi**2)
    hard = 2.0 * e2 * hard_rate_density(q_star)  # targets f and fbar
    soft = n_nu * soft_rate(q_star, mD2)
    return (hard + soft) / (n_nu * mD2 / (2.0 * np.pi)) - 0.5 * math.log(1.0 / mD2)
