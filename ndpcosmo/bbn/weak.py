r"""Weak n <-> p rates for BBN: Born rates, their corrections, and a fast tabulated evaluator.

Processes (Pitrou, Coc, Uzan, Vangioni, Phys. Rep. 754 (2018) 1, arXiv:1801.08023, "PCUV" below,
§III and App. B; Brown & Sawyer, Phys. Rev. D 63 (2001) 083503; Seckel, arXiv:hep-ph/9305311;
Lopez & Turner, Phys. Rev. D 59 (1999) 103502):

    n + nu_e <-> p + e-,    n + e+ <-> p + anti-nu_e,    n <-> p + e- + anti-nu_e.

The electrons and positrons are at the photon temperature T_gamma, the electron (anti)neutrinos at
their own temperature T_nu (an independent input), all chemical potentials vanish, every lepton
has a Fermi-Dirac occupation and final leptons are Pauli blocked.

Notation (all energies and momenta in units of m_e): q = Q/m_e with Q = m_n - m_p, x = m_e/T_gamma,
z = m_e/T_nu, E = sqrt(1 + p^2) the electron energy, g(e) = 1/(exp(x e) + 1) the electron and
g_nu(e) = 1/(exp(z e) + 1) the neutrino occupation of a *signed* energy (g(-e) = 1 - g(e) is the
blocking factor of a final particle, so one formula covers the crossed processes). Direction
s = +1 is n -> p, s = -1 is p -> n.

Born rates (infinite nucleon mass; PCUV Eqs. 77-83):

    lambda_s = K int_0^inf dp p^2 [chi_s(E) + chi_s(-E)],
    chi_s(e) = (e - s q)^2 g_nu(e - s q) g(-e).

chi_s(+E) holds the processes with an electron, chi_s(-E) those with a positron; e - s q is the
signed neutrino energy. K = G_F^2 V_ud^2 (1 + 3 g_A^2) m_e^5 / (2 pi^3) is never used: it is fixed by
the measured neutron lifetime, lambda_{n->p}(T -> 0) = 1/tau_n exactly, i.e. K = 1/(tau_n lambda_0)
with lambda_0 the vacuum decay integral computed *with the same corrections* (PCUV Eqs. 89-91). So
the rates scale exactly as 1/tau_n, and G_F, V_ud only cancel. With T_nu = T_gamma the Born rates obey
detailed balance, lambda_{p->n} = exp(-Q/T) lambda_{n->p}; for m_e -> 0 they reduce to
K T^5 (a^5/30 + 7 pi^4 a/15)/(1 - e^{-a}), a = Q/T (see ``massless_born_integral``).

Corrections (each switched by a ``Corrections`` flag):

* ``RADIATIVE`` (T = 0 radiative; PCUV §III.E, App. B.6): the integrand is multiplied by
  F(E) R(E, y), y = |e - s q| the neutrino energy. F is the relativistic Fermi function (PCUV
  Eq. 100), applied only where electron and proton are both in the initial or both in the final
  state (s * sign(e) > 0: the e- branch of n -> p, the e- branch of p -> n):
      F = (1 + gam/2) 4 (2 p R_p / lambdabar_C)^(2 gam) / Gamma(3 + 2 gam)^2
          * exp(pi eta) |Gamma(1 + gam + i eta)|^2,   gam = sqrt(1 - alpha^2) - 1, eta = alpha E/p.
  R is the resummed Czarnecki-Marciano-Sirlin factor (PCUV Eq. B35; Phys. Rev. D 70 (2004) 093006)
      R = [1 + alpha/(2 pi) (g(E, y) - 3 ln(m_p/(2Q)))] (L + alpha C/pi + delta_LD)
          * (S + alpha(m_p)/(2 pi) (ln(m_p/m_A) + A_g) + NLL),
  with Sirlin's universal function (Phys. Rev. 164 (1967) 1767; PCUV Eq. B32), beta = p/E,
  Rb = artanh(beta)/beta,
      g(E, y) = 3 ln(m_p/m_e) - 3/4 + 4 (Rb - 1) (y/(3E) - 3/2 + ln 2y)
                + Rb (2 (1 + beta^2) + y^2/(6 E^2) - 4 beta Rb) - (4/beta) Li2(2 beta/(1 + beta)).
  The constant brackets cancel in the tau_n normalisation of the zero-temperature rates; they only
  set the size of the thermal corrections relative to them (kept as in PCUV).
* ``FINITE_MASS`` (recoil and thermal nucleon motion, first order in T/m_N, E/m_N; PCUV §III.G,
  App. B.2-B.3, following Seckel 1993 and Lopez & Turner 1999): a Fokker-Planck expansion of the
  energy delta function in the energy transferred to the nucleon adds
      delta lambda_s = K int dp p^2 [chi^FM_s(E) + chi^FM_s(-E)]
  with (e the signed lepton energy, eps = e - s q, G^{n,k} = d^k/d eps^k [eps^n g_nu(eps)],
  M = m_p/m_e for n -> p and m_n/m_e for p -> n, the final nucleon)
      chi^FM = g(-e) { f1 G^{2,0} p^2/(M e) - f2 G^{3,0}/M
               + [G^{4,2} + p^2 G^{2,2}]/(2 x M) + [G^{4,1} + p^2 G^{2,1}]/(2 M)
               - (f1 + f2) [G^{3,1} - p^2 G^{2,1}/e]/(x M) - 3 f3 G^{2,0}/(x M)
               + f3 G^{3,1} p^2/(3 M e) + f3 G^{3,2} p^2/(3 x M e)
               - 3 (1 - (m_n/m_p)^s) G^{2,1}/(2 x) },
  f1 = (1 + s g_A)^2/(1 + 3 g_A^2), f2 = (1 - s g_A)^2/(1 + 3 g_A^2), f3 = (g_A^2 - 1)/(1 + 3 g_A^2)
  (f1 + f2 + f3 = 1; the reduced chiral couplings c_LL, c_RR, c_LR of PCUV App. B). With
  ``RADIATIVE`` on, chi^FM carries the same F R factor (PCUV: the two corrections do not add
  linearly). The rates then obey detailed balance with the massive-nucleon equilibrium,
  lambda_{p->n}/lambda_{n->p} = e^{-Q/T} (m_n/m_p)^{3/2} (to 4e-5 at 1 MeV). The terms in 1/x = T/m_e
  leave lambda_{n->p} tau_n = 1 - 1.04 * 3 T/(2 m_N) at T -> 0, the time dilation of moving neutrons
  (exact slope -3/(2 m_n); the 4 % excess belongs to the first-order expansion, PRIMAT has it too).
* ``WEAK_MAGNETISM``: at this order equivalent to f1 -> f1 + w, f2 -> f2 - w with
  w = 2 s g_A (kappa_p - kappa_n)/(1 + 3 g_A^2) (PCUV §III.G, Seckel 1993); it is the part of
  chi^FM proportional to kappa_p - kappa_n and can be switched separately. It integrates to zero in
  vacuum (a total derivative in E) and at T_nu = T_gamma: it acts through T_nu != T_gamma only.
* ``THERMAL_RADIATIVE`` (finite-temperature radiative corrections; PCUV §III.F, App. B.7-B.8,
  after Brown & Sawyer 2001): an additive term, alpha' = alpha/(2 pi),
      photon bath (PCUV Eqs. 109-111):
        alpha' int dE dk n_B(x k)/k { A(E,k) [w+ (c(E-k) + c(E+k) - 2c(E)) + w- (c(-E+k) + c(-E-k)
        - 2c(-E))] - k B(E) [w+ (c(E-k) - c(E+k)) + w- (c(-E+k) - c(-E-k))] },
      difference between the true bremsstrahlung of each process and the neutron-decay one already
      in R (PCUV Eqs. 107, B41-B43):
        alpha' int dE dk/k { w+ [F+ c(E+k) - theta(k < |E - s q|) F+ g_nu(E - s q)(|E - s q| - k)^2]
                           + w- [F- c(-E+k) - theta(k < |E + s q|) F+ g_nu(-E - s q)(|E + s q| - k)^2] },
      electron mass shift in the bath (PCUV Eq. 112a, leading term):
        - alpha' (2 pi^2/(3 x^2)) int dp [chi_s(E) + chi_s(-E)],
      electron-proton and electron self-energy terms (PCUV Eqs. 113, B51):
        alpha' int dE1 dE2 [chi_s(E1) + chi_s(-E1)] K(E1, E2; x)   (kernel in ``_ep_ee_kernel``),
  with c(e) = (e - s q)^2 g_nu(e - s q), w+ = g(-E) F_s(+E), w- = g(E) F_s(-E), A(E,k) =
  (2E^2 + k^2) ln((E+p)/(E-p)) - 4pE, B(E) = 2E ln((E+p)/(E-p)) - 4p, F+- = A +- k B, n_B the
  Bose-Einstein occupation. This term vanishes at T = 0, so it does not enter lambda_0.

Numerics. The momentum integrals use Gauss-Legendre panels split at the beta-decay end point
p_q = sqrt(q^2 - 1) (where ln y of Sirlin's function and the neutrino blocking edge sit), graded
towards it, and extend to E = q + 50/min(x, z); the thermal double integrals split the photon energy
at the thresholds |E -+ q| and grade the nodes towards the logarithmic singularity at E2 = E1.
Integration error (node doubling): < 4e-9 relative for n -> p and for p -> n above 10 keV with the
table's 64 nodes per panel; the thermal term (< 1e-2 of the rate in the BBN range) to < 2e-7 of
the rate above 0.03 MeV. All exponentials are combined in logarithms, and the p -> n integrals are
computed multiplied by exp(Q/T_gamma), so nothing under- or overflows down to T_gamma = 1 keV.

Tabulation. ``weak_rates`` returns a ``WeakRates`` table of ln(lambda_{n->p} tau_n) and
ln(lambda_{p->n} tau_n) + Q/T_gamma on a grid uniform in ln T_gamma (1 keV ... 30 MeV) and in
r = T_nu/T_gamma (0.5 ... 1.2), interpolated by bicubic Hermite patches whose derivatives come from
not-a-knot cubic splines (interpolation error < 2e-5 for 0.03 <= T_gamma <= 10 MeV, < 1e-3 up to
30 MeV, where the first-order finite-mass correction is no longer small). The thermal
radiative correction is computed on a coarser sub-grid as a relative correction and splined onto
the table. The grid is cached on disk (``ndpcosmo.cache``), keyed by this file and the settings.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
from scipy import special
from scipy.interpolate import CubicSpline

from .. import constants as c
from ..cache import cached_arrays, fingerprint

__all__ = [
    "Corrections",
    "ThermalQuadrature",
    "WeakGrid",
    "WeakRates",
    "weak_rates",
    "rates_direct",
    "rate_integrals",
    "vacuum_integral",
    "massless_born_integral",
    "evaluate_weak_rates",
    "fermi_function",
    "sirlin_g",
    "radiative_factor",
]


class Corrections(enum.Flag):
    """Which corrections to the Born n <-> p rates are included (combine with ``|``)."""

    BORN = 0
    RADIATIVE = enum.auto()
    """Zero-temperature radiative corrections: Fermi function and resummed Sirlin factor."""
    FINITE_MASS = enum.auto()
    """Finite nucleon mass: recoil and thermal nucleon motion (without weak magnetism)."""
    WEAK_MAGNETISM = enum.auto()
    """Weak magnetism (the kappa_p - kappa_n part of the finite-mass expansion)."""
    THERMAL_RADIATIVE = enum.auto()
    """Finite-temperature radiative corrections (Brown & Sawyer 2001 as in PCUV)."""
    ALL = RADIATIVE | FINITE_MASS | WEAK_MAGNETISM | THERMAL_RADIATIVE


# --------------------------------------------------------------------------------------------------
# constants, dimensionless (energies in units of m_e)
# --------------------------------------------------------------------------------------------------
_Q = c.Q_NP_MEV / c.M_E_MEV
"""q = Q/m_e."""
_P_Q = math.sqrt(_Q**2 - 1.0)
"""Electron momentum at the beta-decay end point."""
_ALPHA = c.ALPHA_EM
_APRIME = c.ALPHA_EM / (2.0 * math.pi)
_DELTA_KAPPA = (c.MU_P_NUCLEAR - 1.0) - c.MU_N_NUCLEAR
"""kappa_p - kappa_n (anomalous magnetic moments, nuclear magnetons)."""
_R_P_OVER_LAMBDABAR = c.R_P_FM * 1e-13 / (c.HBARC_MEV_CM / c.M_E_MEV)
"""Proton charge radius in units of the reduced electron Compton wavelength."""

# Resummed radiative-correction constants (Czarnecki, Marciano, Sirlin, Phys. Rev. D 70 (2004)
# 093006; Marciano & Sirlin, Phys. Rev. Lett. 96 (2006) 032002), as quoted in PCUV Eqs. B31, B36.
_RC_L = 1.02094
_RC_S = 1.02248
_RC_C = 0.891
_RC_A_G = -0.34
_RC_M_A_MEV = 1.2e3
_RC_DELTA_LD = -0.00043
"""alpha/(2 pi) delta (the product, PCUV Eq. B36)."""
_RC_NLL = -1e-4
_RC_ALPHA_MP = 1.0 / 134.0
"""alpha at the proton mass scale."""
_RC_CONSTANT = (_RC_L + _ALPHA / math.pi * _RC_C + _RC_DELTA_LD) * (
    _RC_S + _RC_ALPHA_MP / (2.0 * math.pi) * (math.log(c.M_P_MEV / _RC_M_A_MEV) + _RC_A_G) + _RC_NLL
)
_RC_SIRLIN_SUBTRACTION = 3.0 * math.log(c.M_P_MEV / (2.0 * c.Q_NP_MEV))

_TAIL = 50.0
"""Integrals extend to E = q + _TAIL/min(x, z): the occupations are below e^-50 beyond."""


def _gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [0, 1] (read-only arrays)."""
    t, w = np.polynomial.legendre.leggauss(n)
    t = 0.5 * (t + 1.0)
    w = 0.5 * w
    t.setflags(write=False)
    w.setflags(write=False)
    return t, w


# --------------------------------------------------------------------------------------------------
# occupations and zero-temperature radiative factors
# --------------------------------------------------------------------------------------------------
def _log_fd(y: np.ndarray) -> np.ndarray:
    """ln[1/(e^y + 1)], without overflow."""
    return -np.logaddexp(0.0, y)


def fermi_function(p: np.ndarray) -> np.ndarray:
    """Relativistic Fermi function F(Z=1, E) of an electron of momentum p (units of m_e) near a proton.

    PCUV Eq. 100: F = (1 + gam/2) 4 (2 p R_p/lambdabar_C)^(2 gam) / Gamma(3 + 2 gam)^2
    exp(pi eta) |Gamma(1 + gam + i eta)|^2 with gam = sqrt(1 - alpha^2) - 1, eta = alpha E/p.
    """
    p = np.asarray(p, dtype=float)
    energy = np.sqrt(1.0 + p * p)
    eta = _ALPHA * energy / p
    gam = math.sqrt(1.0 - _ALPHA**2) - 1.0
    log_f = (
        math.log(4.0 * (1.0 + 0.5 * gam))
        + 2.0 * gam * np.log(2.0 * p * _R_P_OVER_LAMBDABAR)
        - 2.0 * special.gammaln(3.0 + 2.0 * gam)
        + math.pi * eta
        + 2.0 * special.loggamma(1.0 + gam + 1j * eta).real
    )
    return np.exp(log_f)


def sirlin_g(energy: np.ndarray, p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sirlin's universal function g(E, y) for electron energy E, momentum p, neutrino energy y.

    PCUV Eq. B32 (Sirlin 1967), all in units of m_e; Li2 is the dilogarithm.
    """
    beta = p / energy
    rb = np.arctanh(beta) / beta
    return (
        3.0 * math.log(c.M_P_MEV / c.M_E_MEV)
        - 0.75
        + 4.0 * (rb - 1.0) * (y / (3.0 * energy) - 1.5 + np.log(2.0 * y))
        + rb * (2.0 * (1.0 + beta * beta) + y * y / (6.0 * energy * energy) - 4.0 * beta * rb)
        - 4.0 / beta * special.spence(1.0 - 2.0 * beta / (1.0 + beta))
    )


def radiative_factor(energy: np.ndarray, p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Resummed zero-temperature radiative factor R(E, y) (PCUV Eq. B35, Czarnecki et al. 2004)."""
    return (1.0 + _APRIME * (sirlin_g(energy, p, y) - _RC_SIRLIN_SUBTRACTION)) * _RC_CONSTANT


# --------------------------------------------------------------------------------------------------
# the Born and finite-mass integrands
# --------------------------------------------------------------------------------------------------
def _nu_moments(eps: np.ndarray, z: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
    """G^{n,k}(eps)/g_nu(eps) = d^k/d eps^k [eps^n g_nu(eps)] / g_nu(eps) for the (n, k) needed.

    With h = 1 - g_nu and d = 1 - 2 g_nu: g_nu' = -z g_nu h, g_nu'' = z^2 g_nu h d.
    """
    h = special.expit(z * eps)
    d = np.tanh(0.5 * z * eps)
    zh = z * h
    zzhd = z * z * h * d
    e1, e2 = eps, eps * eps
    e3, e4 = e2 * eps, e2 * e2
    return {
        (2, 0): e2,
        (3, 0): e3,
        (2, 1): 2.0 * e1 - zh * e2,
        (3, 1): 3.0 * e2 - zh * e3,
        (4, 1): 4.0 * e3 - zh * e4,
        (2, 2): 2.0 - 4.0 * zh * e1 + zzhd * e2,
        (3, 2): 6.0 * e1 - 6.0 * zh * e2 + zzhd * e3,
        (4, 2): 12.0 * e2 - 8.0 * zh * e3 + zzhd * e4,
    }


def _final_mass(s: int) -> float:
    """Mass of the final nucleon in units of m_e: m_p for n -> p (s = +1), m_n for p -> n (PCUV App. B.3)."""
    return (c.M_P_MEV if s > 0 else c.M_N_MEV) / c.M_E_MEV


def _fm_couplings(s: int) -> tuple[float, float, float, float]:
    """Reduced couplings f1, f2, f3 (without weak magnetism) and the weak-magnetism shift w."""
    g = c.G_A
    norm = 1.0 + 3.0 * g * g
    f1 = (1.0 + s * g) ** 2 / norm
    f2 = (1.0 - s * g) ** 2 / norm
    f3 = (g * g - 1.0) / norm
    w = 2.0 * s * g * _DELTA_KAPPA / norm
    return f1, f2, f3, w


def _chi_fm(
    e: np.ndarray, eps: np.ndarray, p: np.ndarray, x: np.ndarray, z: np.ndarray, s: int, weak_magnetism_only: bool
) -> np.ndarray:
    """chi^FM_s(e)/[g(-e) g_nu(eps)], eps = e - s q (``FINITE_MASS``), or its weak-magnetism part."""
    f1, f2, f3, w = _fm_couplings(s)
    mass = _final_mass(s)
    g_nm = _nu_moments(eps, z)
    p2 = p * p
    if weak_magnetism_only:
        return w * (g_nm[2, 0] * p2 / (mass * e) + g_nm[3, 0] / mass)
    inv_x = 1.0 / x
    return (
        f1 * g_nm[2, 0] * p2 / (mass * e)
        - f2 * g_nm[3, 0] / mass
        + inv_x / (2.0 * mass) * (g_nm[4, 2] + p2 * g_nm[2, 2])
        + (g_nm[4, 1] + p2 * g_nm[2, 1]) / (2.0 * mass)
        - (f1 + f2) * inv_x / mass * (g_nm[3, 1] - p2 * g_nm[2, 1] / e)
        - 3.0 * f3 * inv_x / mass * g_nm[2, 0]
        + f3 / (3.0 * mass) * g_nm[3, 1] * p2 / e
        + f3 * inv_x / (3.0 * mass) * g_nm[3, 2] * p2 / e
        - 1.5 * inv_x * (1.0 - (c.M_N_MEV / c.M_P_MEV) ** s) * g_nm[2, 1]
    )


def _zero_temperature_integrand(
    p: np.ndarray,
    e_minus_q: np.ndarray,
    x: np.ndarray,
    z: np.ndarray,
    s: int,
    corrections: Corrections,
    shift: np.ndarray,
) -> np.ndarray:
    """p^2 [chi_s(E) + chi_s(-E)] with the non-thermal corrections, times exp(shift).

    ``e_minus_q`` = E - q at the nodes, accurate near the end point (see ``_momentum_panels``).
    """
    energy = np.sqrt(1.0 + p * p)
    radiative = bool(corrections & Corrections.RADIATIVE)
    fermi = fermi_function(p) if radiative else None
    total = np.zeros(np.broadcast(p, x, z).shape)
    for sign in (+1, -1):
        e = sign * energy
        eps = sign * e_minus_q if sign == s else e - s * _Q
        base = np.exp(_log_fd(-x * e) + _log_fd(z * eps) + shift)
        term = eps * eps
        if corrections & Corrections.FINITE_MASS:
            term = term + _chi_fm(e, eps, p, x, z, s, weak_magnetism_only=False)
        if corrections & Corrections.WEAK_MAGNETISM:
            term = term + _chi_fm(e, eps, p, x, z, s, weak_magnetism_only=True)
        if radiative:
            term = term * radiative_factor(energy, p, np.abs(eps))
            if s * sign > 0:
                term = term * fermi
        total = total + base * term
    return p * p * total


def _momentum_panels(e_max: np.ndarray, n_a: int, n_b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quadrature nodes in p on [0, p_q] and [p_q, p(e_max)] (e_max broadcast, nodes on the last axis).

    Gauss-Legendre in t on each panel with p - p_q = -+ width (1 - t)^3 / t^3: the nodes are graded
    towards the end point p_q, where Sirlin's ln y and the finite-mass diffusion terms make the
    integrand only logarithmically continuous and where the blocking edges sit at low T. Returns
    the nodes p, the weights and E - q at the nodes, computed from p - p_q without cancellation.
    """
    ta, wa = _gauss_legendre(n_a)
    tb, wb = _gauss_legendre(n_b)
    p_max = np.sqrt(np.asarray(e_max, dtype=float) ** 2 - 1.0)[..., None]
    shape = p_max.shape[:-1]
    da = np.broadcast_to(-_P_Q * (1.0 - ta) ** 3, shape + (n_a,))
    wa = np.broadcast_to(_P_Q * 3.0 * (1.0 - ta) ** 2 * wa, shape + (n_a,))
    db = (p_max - _P_Q) * tb**3
    wb = (p_max - _P_Q) * 3.0 * tb**2 * wb
    delta = np.concatenate([da, db], axis=-1)
    p = _P_Q + delta
    e_minus_q = delta * (p + _P_Q) / (np.sqrt(1.0 + p * p) + _Q)
    return p, np.concatenate([wa, wb], axis=-1), e_minus_q


def vacuum_integral(corrections: Corrections = Corrections.ALL, n_nodes: int = 400) -> float:
    """lambda_0 = lim_{T->0} of the n -> p integral (dimensionless), with the same T = 0 corrections.

    lambda_0 = int_0^{p_q} dp p^2 y^2 [1 + chi^FM/y^2] F R, y = q - E (PCUV Eqs. 88-91); Born value
    sqrt(q^2-1)(2q^4 - 9q^2 - 8)/60 + (q/4) arccosh(q) = 1.63609.
    """
    p, w, e_minus_q = _momentum_panels(np.array(_Q), n_nodes, 1)
    p, w = p[:n_nodes], w[:n_nodes]
    energy = np.sqrt(1.0 + p * p)
    y = -e_minus_q[:n_nodes]
    term = y * y
    mass = _final_mass(+1)
    f1, f2, f3, wm = _fm_couplings(+1)
    if corrections & Corrections.FINITE_MASS:
        term = term + (f1 + f3) * y * y * p * p / (mass * energy) + f2 * y**3 / mass - (2.0 * y**3 + y * p * p) / mass
    if corrections & Corrections.WEAK_MAGNETISM:
        term = term + wm * (y * y * p * p / (mass * energy) - y**3 / mass)
    if corrections & Corrections.RADIATIVE:
        term = term * fermi_function(p) * radiative_factor(energy, p, y)
    return float(np.sum(w * p * p * term))


# --------------------------------------------------------------------------------------------------
# finite-temperature radiative corrections
# --------------------------------------------------------------------------------------------------
def _log_chi_tilde(e: np.ndarray, z: float, s: int) -> tuple[np.ndarray, np.ndarray]:
    """ln g_nu(e - s q) and (e - s q)^2: the neutrino factor c(e) of the thermal terms, split."""
    eps = e - s * _Q
    return _log_fd(z * eps), eps * eps


def _thermal_photon_and_bremsstrahlung(x: float, z: float, s: int, shift: float, n_p: int, n_k: int) -> float:
    """Photon-bath (PCUV Eqs. 109-111) plus bremsstrahlung-difference (PCUV Eq. 107) integrals."""
    e_max = _Q + _TAIL / min(x, z)
    p, wp, _ = _momentum_panels(np.array(e_max), n_p, n_p)
    energy = np.sqrt(1.0 + p * p)
    w_e = wp * p / energy  # dE = (p/E) dp
    fermi = fermi_function(p)
    log_w_plus = _log_fd(-x * energy) + (np.log(fermi) if s > 0 else 0.0)
    log_w_minus = _log_fd(x * energy) + (np.log(fermi) if s < 0 else 0.0)

    # photon energies: panels split at the thresholds |E - q| and E + q, per electron energy
    tk, wk = _gauss_legendre(n_k)
    b_lo = np.abs(energy - _Q)[:, None]
    b_hi = (energy + _Q)[:, None]
    k_end = b_hi + _TAIL / min(x, z)
    k = np.concatenate([b_lo * tk, b_lo + (b_hi - b_lo) * tk, b_hi + (k_end - b_hi) * tk], axis=1)
    wk = np.concatenate([b_lo * wk, (b_hi - b_lo) * wk, (k_end - b_hi) * wk], axis=1)
    en = energy[:, None]
    pe = p[:, None]
    log_rap = 2.0 * np.arcsinh(pe)  # ln[(E + p)/(E - p)]
    a_kernel = (2.0 * en * en + k * k) * log_rap - 4.0 * pe * en
    b_kernel = 2.0 * en * log_rap - 4.0 * pe
    f_plus = a_kernel + k * b_kernel
    f_minus = a_kernel - k * b_kernel
    lw_p = log_w_plus[:, None] + shift
    lw_m = log_w_minus[:, None] + shift

    def weighted_c(arg: np.ndarray, log_w: np.ndarray) -> np.ndarray:
        log_g, poly = _log_chi_tilde(arg, z, s)
        return poly * np.exp(log_g + log_w)

    # photon bath: n_B(xk)/k times second and first differences of c (n_B/k inside the exponentials)
    log_bose_over_k = -x * k - np.log(-np.expm1(-x * k)) - np.log(k)
    lb_p = lw_p + log_bose_over_k
    lb_m = lw_m + log_bose_over_k
    c_em = weighted_c(en - k, lb_p)
    c_ep = weighted_c(en + k, lb_p)
    c_e0 = weighted_c(en, lb_p)
    c_pm = weighted_c(-en + k, lb_m)
    c_pp = weighted_c(-en - k, lb_m)
    c_p0 = weighted_c(-en, lb_m)
    photon = a_kernel * (c_em + c_ep - 2.0 * c_e0 + c_pm + c_pp - 2.0 * c_p0) - k * b_kernel * (
        c_em - c_ep + c_pm - c_pp
    )

    # bremsstrahlung difference: the subtraction lives below the thresholds
    c_ep = weighted_c(en + k, lw_p)
    c_pm = weighted_c(-en + k, lw_m)
    eps_e = en - s * _Q
    eps_p = -en - s * _Q
    sub_e = np.where(k < np.abs(eps_e), (np.abs(eps_e) - k) ** 2 * np.exp(_log_fd(z * eps_e) + lw_p), 0.0)
    sub_p = np.where(k < np.abs(eps_p), (np.abs(eps_p) - k) ** 2 * np.exp(_log_fd(z * eps_p) + lw_m), 0.0)
    brems = (f_plus * (c_ep - sub_e) + f_minus * c_pm - f_plus * sub_p) / k
    integrand = photon + brems
    return float(_APRIME * np.sum(w_e * np.sum(wk * integrand, axis=1)))


def _ep_ee_kernel(
    e1: np.ndarray, p1: np.ndarray, e2: np.ndarray, p2: np.ndarray, dp: np.ndarray, x: float
) -> np.ndarray:
    """Kernel K(E1, E2; x) of the electron-proton and electron self-energy terms (PCUV Eq. B51).

    E1 is the electron of the weak process, E2 a bath electron; dp = |p1 - p2| is passed separately
    so that the logarithmic singularity at p2 = p1 is evaluated without cancellation.
        Lam = ln[((p1 + p2)/(p1 - p2))^2],  L = ln[(E1 E2 + p1 p2 + 1)/(E1 E2 - p1 p2 + 1)],
        K = -(Lam^2/4) [g'(E2) (p2/p1)(E1^2/E2)(E1 + E2) + g(E2) E1^2/(p1 p2) (E2 + E1/E2^2)]
            + Lam [g'(E2) (p2^2 (E1/E2)(1/p1^2 + 2) - E1^2 (p2/p1) L)
                   + g(E2) (E1 (E2^2 + 2 p1^2 + 1)/(p1^2 E2^2) - (E1^2 + E2^2)/(E1 + E2) - E1^2 E2 L/(p1 p2))]
            - g(E2) (4 E1 p2/p1 + 2 E2 L),
    g(E2) = 1/(exp(x E2) + 1), g' its derivative in E2.
    """
    occ = special.expit(-x * e2)
    docc = -x * occ * special.expit(x * e2)
    lam = 2.0 * (np.log(p1 + p2) - np.log(dp))
    ell = np.log1p(2.0 * p1 * p2 / (e1 * e2 - p1 * p2 + 1.0))
    return (
        -0.25
        * lam
        * lam
        * (docc * p2 / p1 * e1 * e1 / e2 * (e1 + e2) + occ * e1 * e1 / (p1 * p2) * (e2 + e1 / (e2 * e2)))
        + lam
        * (
            docc * (p2 * p2 * e1 / e2 * (1.0 / (p1 * p1) + 2.0) - e1 * e1 * p2 / p1 * ell)
            + occ
            * (
                e1 / (p1 * p1 * e2 * e2) * (e2 * e2 + 2.0 * p1 * p1 + 1.0)
                - (e1 * e1 + e2 * e2) / (e1 + e2)
                - e1 * e1 * e2 / (p1 * p2) * ell
            )
        )
        - occ * (4.0 * e1 * p2 / p1 + 2.0 * e2 * ell)
    )


def _ep_ee_profile(p1: np.ndarray, x: float, n_grade: int, n_plain: int) -> np.ndarray:
    """Kbar(p1) = int dE2 K(E1, E2; x) for each p1 (independent of T_nu and of the direction)."""
    tg, wg = _gauss_legendre(n_grade)
    tp, wp = _gauss_legendre(n_plain)
    p1c = p1[:, None]
    p2_end = math.sqrt((1.0 + _TAIL / x) ** 2 - 1.0)
    width = np.minimum(p1c, max(0.5, 2.0 / x))
    # graded panels on both sides of p2 = p1: distance d = width u^4
    d = width * tg**4
    wd = width * 4.0 * tg**3 * wg
    low_end = p1c - width
    # plain panels: [0, min(p1 - width, p2_end)] and [p1 + width, max(p2_end, p1 + width)]
    a_hi = np.minimum(low_end, p2_end)
    b_lo = p1c + width
    b_hi = np.maximum(p2_end, b_lo)
    p2_parts = [p1c - d, p1c + d, a_hi * tp, b_lo + (b_hi - b_lo) * tp]
    w_parts = [wd, wd, a_hi * wp, (b_hi - b_lo) * wp]
    dist_parts = [d, d, p1c - a_hi * tp, b_lo + (b_hi - b_lo) * tp - p1c]
    e1 = np.sqrt(1.0 + p1c * p1c)
    total = np.zeros(p1.shape)
    for p2, w2, dist in zip(p2_parts, w_parts, dist_parts, strict=True):
        live = np.broadcast_to(w2 > 0.0, np.broadcast(p2, w2, p1c).shape)  # empty panels have w = 0
        p2 = np.where(live, p2, 1.0)
        dist = np.where(live, dist, 1.0)
        e2 = np.sqrt(1.0 + p2 * p2)
        kern = _ep_ee_kernel(e1, p1c, e2, p2, dist, x)
        total = total + np.sum(w2 * p2 / e2 * kern, axis=1)
    return total


def _born_chi_sum(p: np.ndarray, x: float, z: float, s: int, shift: float) -> np.ndarray:
    """chi_s(E) + chi_s(-E) (Born, no radiative factors), times exp(shift)."""
    energy = np.sqrt(1.0 + p * p)
    total = np.zeros_like(p)
    for sign in (+1, -1):
        e = sign * energy
        eps = e - s * _Q
        total = total + eps * eps * np.exp(_log_fd(-x * e) + _log_fd(z * eps) + shift)
    return total


@dataclass(frozen=True)
class ThermalQuadrature:
    """Node counts of the finite-temperature radiative-correction integrals."""

    n_p: int = 48
    """Gauss-Legendre nodes per electron-momentum panel (two panels)."""
    n_k: int = 32
    """Gauss-Legendre nodes per photon-energy panel (three panels)."""
    n_grade: int = 24
    """Graded nodes on each side of the E2 = E1 singularity."""
    n_plain: int = 40
    """Nodes on each plain bath-electron panel."""


def _thermal_integrals(x: float, zs: np.ndarray, quad: ThermalQuadrature) -> np.ndarray:
    """Thermal radiative correction to the n -> p and p -> n integrals at one T and several T_nu.

    Returns an array (len(zs), 2): [Delta I_{n->p}, Delta I_{p->n} exp(q x)].
    """
    out = np.zeros((len(zs), 2))
    z_min = float(np.min(zs))
    p1, w1, _ = _momentum_panels(np.array(_Q + _TAIL / min(x, z_min)), quad.n_p, quad.n_p)
    kbar = _ep_ee_profile(p1, x, quad.n_grade, quad.n_plain)
    e1 = np.sqrt(1.0 + p1 * p1)
    for i, z in enumerate(zs):
        for j, s in enumerate((+1, -1)):
            shift = _Q * x if s < 0 else 0.0
            chi = _born_chi_sum(p1, x, float(z), s, shift)
            mass_shift = -_APRIME * 2.0 * math.pi**2 / (3.0 * x * x) * np.sum(w1 * chi)
            ep_ee = _APRIME * np.sum(w1 * p1 / e1 * chi * kbar)
            bath = _thermal_photon_and_bremsstrahlung(x, float(z), s, shift, quad.n_p, quad.n_k)
            out[i, j] = mass_shift + ep_ee + bath
    return out


# --------------------------------------------------------------------------------------------------
# direct (exact-quadrature) rates
# --------------------------------------------------------------------------------------------------
def rate_integrals(
    T_gamma_mev: np.ndarray,
    T_nu_mev: np.ndarray,
    corrections: Corrections = Corrections.ALL,
    n_nodes: int = 96,
    thermal_quadrature: ThermalQuadrature | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Dimensionless integrals I_{n->p} and I_{p->n} exp(Q/T_gamma) by direct quadrature.

    lambda_{n->p} = I_{n->p}/(tau_n lambda_0), lambda_{p->n} = I_{p->n}/(tau_n lambda_0) (module doc).
    ``n_nodes`` Gauss-Legendre nodes on each of the two momentum panels. Slow for the thermal term
    (a double integral per point): used for tests and for building the table.
    """
    T, Tnu = np.broadcast_arrays(np.asarray(T_gamma_mev, dtype=float), np.asarray(T_nu_mev, dtype=float))
    x = c.M_E_MEV / T
    z = c.M_E_MEV / Tnu
    p, w, e_minus_q = _momentum_panels(_Q + _TAIL / np.minimum(x, z), n_nodes, n_nodes)
    xb, zb = x[..., None], z[..., None]
    i_np = np.sum(w * _zero_temperature_integrand(p, e_minus_q, xb, zb, +1, corrections, np.zeros(1)), axis=-1)
    i_pn = np.sum(w * _zero_temperature_integrand(p, e_minus_q, xb, zb, -1, corrections, _Q * xb), axis=-1)
    if corrections & Corrections.THERMAL_RADIATIVE:
        quad = thermal_quadrature or ThermalQuadrature()
        d_np = np.empty(T.shape)
        d_pn = np.empty(T.shape)
        for idx in np.ndindex(T.shape):
            d = _thermal_integrals(float(x[idx]), np.array([z[idx]]), quad)
            d_np[idx], d_pn[idx] = d[0]
        i_np = i_np + d_np
        i_pn = i_pn + d_pn
    return i_np, i_pn


def rates_direct(
    T_gamma_mev: np.ndarray,
    T_nu_mev: np.ndarray,
    tau_n_s: float,
    corrections: Corrections = Corrections.ALL,
    n_nodes: int = 96,
) -> tuple[np.ndarray, np.ndarray]:
    """lambda_{n->p}, lambda_{p->n} [s^-1] by direct quadrature (slow reference for the table)."""
    _check_tau(tau_n_s)
    i_np, i_pn_scaled = rate_integrals(T_gamma_mev, T_nu_mev, corrections, n_nodes)
    norm = 1.0 / (tau_n_s * vacuum_integral(corrections))
    T = np.asarray(T_gamma_mev, dtype=float)
    return norm * i_np, norm * i_pn_scaled * np.exp(-c.Q_NP_MEV / T)


def massless_born_integral(T_mev: np.ndarray) -> np.ndarray:
    """Born I_{n->p} for m_e -> 0 and T_nu = T: (T/m_e)^5 (a^5/30 + 7 pi^4 a/15)/(1 - e^-a), a = Q/T.

    Derivation: with f(u)(1 - f(v)) = [f(u) - f(v)]/(1 - e^(u-v)) both branches share the factor
    1/(1 - e^-a), and the remaining Fermi-Dirac integrals combine into int_0^a w^2 (a - w)^2 dw = a^5/30
    plus 8 a int_0^inf t^3 f(t) dt = 7 pi^4 a/15. Limits: a^5/30 (massless neutron decay) for T -> 0 and
    7 pi^4/15 (T/m_e)^5 for T >> Q.
    """
    T = np.asarray(T_mev, dtype=float)
    a = c.Q_NP_MEV / T
    return (T / c.M_E_MEV) ** 5 * (a**5 / 30.0 + 7.0 * math.pi**4 * a / 15.0) / (-np.expm1(-a))


def _check_tau(tau_n_s: float) -> None:
    if not (100.0 <= float(tau_n_s) <= 10000.0):
        raise ValueError(f"tau_n_s = {tau_n_s!r} s is outside the allowed range [100, 10000] s")


# --------------------------------------------------------------------------------------------------
# the tabulated rates
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeakGrid:
    """Settings of the (ln T_gamma, r = T_nu/T_gamma) table and of its quadratures."""

    T_min_mev: float = 1e-3
    T_max_mev: float = 12.0
    """Above ~10 MeV the first-order finite-nucleon-mass correction is no longer small; the BBN
    network starts at the 10 MeV hand-off."""
    points_per_decade: int = 40
    r_min: float = 0.025
    r_max: float = 2.0
    """T_nu_e / T_gamma from 0.025 (photons heated by the decays of an abundant heavy relic) to 2 (nu_e
    heated). Below 0.025 the nu-driven rates are negligible: from r = 0.025 to 0.0125 the rates move by
    < 3e-7 (docs/weak_rates.md), and the BBN solver clips r there."""
    n_r: int = 80
    n_nodes: int = 64
    """Gauss-Legendre nodes per momentum panel for the zero-temperature and finite-mass parts."""
    thermal_points_per_decade: int = 12
    """Sub-grid of the thermal radiative correction (a relative correction splined onto the table)."""
    n_r_thermal: int = 13
    thermal_quadrature: ThermalQuadrature = ThermalQuadrature(n_p=32, n_k=24, n_grade=16, n_plain=32)

    def __post_init__(self) -> None:
        if not (0.0 < self.T_min_mev < self.T_max_mev):
            raise ValueError(f"WeakGrid: need 0 < T_min_mev < T_max_mev, got {self.T_min_mev}, {self.T_max_mev}")
        if not (0.0 < self.r_min < self.r_max):
            raise ValueError(f"WeakGrid: need 0 < r_min < r_max, got {self.r_min}, {self.r_max}")
        if self.n_r < 4 or self.n_r_thermal < 4 or self.points_per_decade < 4 or self.thermal_points_per_decade < 2:
            raise ValueError("WeakGrid: need n_r, n_r_thermal, points_per_decade >= 4, thermal_points_per_decade >= 2")

    def axes(self, thermal: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Nodes in ln(T_gamma/MeV) and in r of the table (``thermal``: of the thermal sub-grid)."""
        decades = math.log10(self.T_max_mev / self.T_min_mev)
        ppd = self.thermal_points_per_decade if thermal else self.points_per_decade
        n_u = max(4, int(math.ceil(decades * ppd)) + 1)
        u = np.linspace(math.log(self.T_min_mev), math.log(self.T_max_mev), n_u)
        r = np.linspace(self.r_min, self.r_max, self.n_r_thermal if thermal else self.n_r)
        return u, r


def _table_fingerprint(corrections: Corrections, grid: WeakGrid) -> str:
    inputs = (
        c.M_E_MEV,
        c.M_N_MEV,
        c.M_P_MEV,
        c.Q_NP_MEV,
        c.G_A,
        c.ALPHA_EM,
        c.MU_P_NUCLEAR,
        c.MU_N_NUCLEAR,
        c.R_P_FM,
        c.HBARC_MEV_CM,
    )
    return fingerprint([Path(__file__)], ("weak-rates", int(corrections.value), repr(grid), inputs))


def _compute_table(corrections: Corrections, grid: WeakGrid) -> dict[str, np.ndarray]:
    """ln(I_{n->p}/lambda_0) and ln(I_{p->n} e^{Q/T}/lambda_0) on the grid (module doc)."""
    from scipy.interpolate import RectBivariateSpline

    u, r = grid.axes()
    T = np.exp(u)[:, None]
    zero_t = corrections & ~Corrections.THERMAL_RADIATIVE
    i_np, i_pn = rate_integrals(T, T * r[None, :], zero_t, grid.n_nodes)
    if corrections & Corrections.THERMAL_RADIATIVE:
        u_th, r_th = grid.axes(thermal=True)
        T_th = np.exp(u_th)[:, None]
        base = np.stack(rate_integrals(T_th, T_th * r_th[None, :], zero_t, grid.n_nodes), axis=-1)
        delta = np.empty(base.shape)
        for i, t_mev in enumerate(np.exp(u_th)):
            x = c.M_E_MEV / t_mev
            delta[i] = _thermal_integrals(x, x / r_th, grid.thermal_quadrature) / base[i]
        for k, integral in enumerate((i_np, i_pn)):
            spline = RectBivariateSpline(u_th, r_th, delta[..., k], kx=3, ky=3)
            integral *= 1.0 + spline(u, r)
    lam0 = vacuum_integral(zero_t)
    return {
        "ln_T_mev": u,
        "r": r,
        "ln_rate_np": np.log(i_np / lam0),
        "ln_rate_pn_scaled": np.log(i_pn / lam0),
        "lambda0": np.array(lam0),
    }


_HERMITE = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [-3.0, 3.0, -2.0, -1.0], [2.0, -2.0, 1.0, 1.0]])
_HERMITE.setflags(write=False)


def _bicubic_coefficients(u: np.ndarray, r: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Per-cell polynomial coefficients A[i, j, a, b] of f ~ sum A s^a t^b (bicubic Hermite patches).

    The node derivatives f_u, f_r, f_ur come from not-a-knot cubic splines along each axis; s and t
    are the cell-local coordinates in [0, 1].
    """
    du = u[1] - u[0]
    dr = r[1] - r[0]
    fu = CubicSpline(u, f, axis=0)(u, 1) * du
    fr = CubicSpline(r, f, axis=1)(r, 1) * dr
    fur = CubicSpline(r, fu, axis=1)(r, 1) * dr
    g = np.empty((u.size - 1, r.size - 1, 4, 4))
    for a, (vals, dvals) in enumerate(((f, fr), (fu, fur))):
        for si in (0, 1):
            rows = slice(si, u.size - 1 + si)
            g[:, :, 2 * a + si, 0] = vals[rows, :-1]
            g[:, :, 2 * a + si, 1] = vals[rows, 1:]
            g[:, :, 2 * a + si, 2] = dvals[rows, :-1]
            g[:, :, 2 * a + si, 3] = dvals[rows, 1:]
    return np.einsum("ak,ijkl,bl->ijab", _HERMITE, g, _HERMITE)


@numba.njit(cache=True)
def evaluate_weak_rates(
    coeff_np: np.ndarray,
    coeff_pn: np.ndarray,
    u0: float,
    du: float,
    r0: float,
    dr: float,
    tau_n_s: float,
    T_gamma_mev: float,
    T_nu_mev: float,
) -> tuple[float, float]:
    """Numba kernel: (lambda_{n->p}, lambda_{p->n}) [s^-1] at one (T_gamma, T_nu) from a table.

    Arguments as returned by ``WeakRates.kernel_args()``; same conventions as ``WeakRates.__call__``.
    """
    n_u = coeff_np.shape[0]
    n_r = coeff_np.shape[1]
    ratio = T_nu_mev / T_gamma_mev
    pos_r = (ratio - r0) / dr
    pos_u = (math.log(T_gamma_mev) - u0) / du
    if not (-1e-9 <= pos_r <= n_r + 1e-9) or not (pos_u <= n_u + 1e-9):
        raise ValueError("weak rates: (T_gamma_mev, T_nu_mev) outside the tabulated range")
    pos_u = max(pos_u, 0.0)
    i = min(int(pos_u), n_u - 1)
    j = min(max(int(pos_r), 0), n_r - 1)
    s = pos_u - i
    t = pos_r - j
    out_np = 0.0
    out_pn = 0.0
    sa = 1.0
    for a in range(4):
        tb = 1.0
        for b in range(4):
            out_np += coeff_np[i, j, a, b] * sa * tb
            out_pn += coeff_pn[i, j, a, b] * sa * tb
            tb *= t
        sa *= s
    return math.exp(out_np) / tau_n_s, math.exp(out_pn - c.Q_NP_MEV / T_gamma_mev) / tau_n_s


@dataclass(frozen=True, eq=False)
class WeakRates:
    """Tabulated n <-> p rates for one neutron lifetime and one set of corrections.

    ``ln_rate_np`` = ln(lambda_{n->p} tau_n) and ``ln_rate_pn_scaled`` = ln(lambda_{p->n} tau_n) + Q/T_gamma
    on the nodes (``ln_T_mev``, ``r``); ``coeff_*`` their bicubic patches. Below ``T_min_mev`` the
    table is held at its first row (there lambda_{n->p} tau_n = 1 - O(T/m_N) and lambda_{p->n} keeps
    its exp(-Q/T_gamma) factor); above ``T_max_mev`` or for r outside [r_min, r_max] it raises.
    """

    tau_n_s: float
    corrections: Corrections
    ln_T_mev: np.ndarray
    r: np.ndarray
    ln_rate_np: np.ndarray
    ln_rate_pn_scaled: np.ndarray
    coeff_np: np.ndarray
    coeff_pn: np.ndarray
    lambda0: float
    """Vacuum decay integral lambda_0 (dimensionless) of these corrections."""

    @property
    def T_min_mev(self) -> float:
        return float(np.exp(self.ln_T_mev[0]))

    @property
    def T_max_mev(self) -> float:
        return float(np.exp(self.ln_T_mev[-1]))

    def __call__(self, T_gamma_mev: np.ndarray, T_nu_mev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lambda_{n->p}, lambda_{p->n}) in s^-1 at photon temperature T_gamma and nu_e temperature T_nu [MeV]."""
        T, Tnu = np.broadcast_arrays(np.asarray(T_gamma_mev, dtype=float), np.asarray(T_nu_mev, dtype=float))
        if not np.all(np.isfinite(T) & (T > 0.0)) or np.any(T > self.T_max_mev * (1 + 1e-12)):
            raise ValueError(
                f"T_gamma_mev must be positive and <= {self.T_max_mev:g} MeV; got range "
                f"[{np.nanmin(T):g}, {np.nanmax(T):g}]"
            )
        ratio = Tnu / T
        lo, hi = self.r[0], self.r[-1]
        if not np.all((ratio >= lo * (1 - 1e-12)) & (ratio <= hi * (1 + 1e-12))):
            raise ValueError(
                f"T_nu_mev/T_gamma_mev must lie in [{lo:g}, {hi:g}]; "
                f"got range [{np.nanmin(ratio):g}, {np.nanmax(ratio):g}]"
            )
        u0 = self.ln_T_mev[0]
        du = self.ln_T_mev[1] - u0
        dr = self.r[1] - lo
        pos_u = np.maximum((np.log(T) - u0) / du, 0.0)
        pos_r = (ratio - lo) / dr
        i = np.minimum(pos_u.astype(int), self.coeff_np.shape[0] - 1)
        j = np.clip(pos_r.astype(int), 0, self.coeff_np.shape[1] - 1)
        s = (pos_u - i)[..., None] ** np.arange(4)
        t = (pos_r - j)[..., None] ** np.arange(4)
        ln_np = np.einsum("...a,...ab,...b->...", s, self.coeff_np[i, j], t)
        ln_pn = np.einsum("...a,...ab,...b->...", s, self.coeff_pn[i, j], t)
        return np.exp(ln_np) / self.tau_n_s, np.exp(ln_pn - c.Q_NP_MEV / T) / self.tau_n_s

    def kernel_args(self) -> tuple[np.ndarray, np.ndarray, float, float, float, float, float]:
        """Arguments of ``evaluate_weak_rates`` before (T_gamma_mev, T_nu_mev)."""
        u0 = float(self.ln_T_mev[0])
        r0 = float(self.r[0])
        return (
            self.coeff_np,
            self.coeff_pn,
            u0,
            float(self.ln_T_mev[1]) - u0,
            r0,
            float(self.r[1]) - r0,
            float(self.tau_n_s),
        )


def weak_rates(tau_n_s: float, corrections: Corrections = Corrections.ALL, grid: WeakGrid | None = None) -> WeakRates:
    """The tabulated n <-> p rates for neutron lifetime ``tau_n_s`` [s] (table cached on disk).

    The table itself does not depend on tau_n (the rates scale as 1/tau_n); the first call for a
    set of corrections and grid settings computes it (a few seconds), later calls read the cache.
    """
    _check_tau(tau_n_s)
    if not isinstance(corrections, Corrections):
        raise ValueError(f"corrections must be a Corrections flag, got {corrections!r}")
    grid = grid or WeakGrid()
    name = f"weak-rates-{int(corrections.value)}"
    data = cached_arrays(
        name,
        _table_fingerprint(corrections, grid),
        lambda: _compute_table(corrections, grid),
        "the n <-> p weak-rate table (about 10 s)",
    )
    u, r = data["ln_T_mev"], data["r"]
    return WeakRates(
        tau_n_s=float(tau_n_s),
        corrections=corrections,
        ln_T_mev=u,
        r=r,
        ln_rate_np=data["ln_rate_np"],
        ln_rate_pn_scaled=data["ln_rate_pn_scaled"],
        coeff_np=_bicubic_coefficients(u, r, data["ln_rate_np"]),
        coeff_pn=_bicubic_coefficients(u, r, data["ln_rate_pn_scaled"]),
        lambda0=float(data["lambda0"]),
    )
