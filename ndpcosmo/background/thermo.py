"""Electromagnetic plasma thermodynamics for the thermal history: e+- with mass and QED corrections.

All quantities are tabulated once as functions of z = m_e / T_gamma (dimensionless ratios to powers of
T) and interpolated with cubic splines in ln z:
    rho_e / T^4, P_e / T^4, (d rho_e / dT) / T^3      (e+ and e-, 4 states, Fermi-Dirac),
    P_int / T^4, (dP_int/dT) / T^3, (d^2 P_int/dT^2) / T^2,
with the finite-temperature QED correction to the pressure of the e+- gamma plasma
    P_int = P^(2) + P^(3),
    P^(2) = -(e^2 T^2 / 6 pi^2) I - (e^2 / 2 pi^4) I^2,     I = int_0^inf dp (p^2/E) n_F(E),
    P^(3) = T m_D^3 / (12 pi),  m_D^2 = (2 e^2/pi^2) J,       J = int_0^inf dp ((p^2 + E^2)/E) n_F(E),
(O(e^2): Heckler, Phys. Rev. D 49 (1994) 611; Mangano et al., Phys. Lett. B 534 (2002) 8,
astro-ph/0111408; O(e^3): Bennett et al., JCAP 03 (2020) 003, arXiv:1911.04504). The momentum-
dependent O(e^2 m_e^2) "log" term is left out (a few 1e-5 on N_eff). Massless limits: P^(2) =
-5 e^2 T^4/288, P^(3) = e^3 T^4 / (36 sqrt(3) pi). rho_int = -P_int + T dP_int/dT.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.interpolate import CubicSpline

from .. import constants as c
from .. import plasma

Z_RANGE = (1e-4, 300.0)
_E2 = c.E_CHARGE**2


def _fermi_integrals(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """I/T^2 and J/T^2 at z = m/T (electron: one Dirac fermion's n_F; no degeneracy factor)."""
    x, w, e = _nodes(z)
    n_f = np.exp(-e) / (1.0 + np.exp(-e))
    i_int = np.sum(w * x**2 / e * n_f, axis=-1)
    j_int = np.sum(w * (x**2 + e**2) / e * n_f, axis=-1)
    return i_int, j_int


def _nodes(z: np.ndarray):
    x, w = plasma._momentum_nodes(z)
    e = np.sqrt(x**2 + z[..., None] ** 2)
    return x, w, e


def qed_pressure(T: np.ndarray, m: float) -> np.ndarray:
    """P_int(T) [MeV^4] at O(e^2) + O(e^3)."""
    T = np.asarray(T, float)
    i_int, j_int = _fermi_integrals(m / T)
    i_full = i_int * T**2
    p2 = -_E2 * T**2 / (6.0 * np.pi**2) * i_full - _E2 / (2.0 * np.pi**4) * i_full**2
    m_d2 = 2.0 * _E2 / np.pi**2 * j_int * T**2
    p3 = T * m_d2**1.5 / (12.0 * np.pi)
    return p2 + p3


def _electron_thermo(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """rho_e/T^4, P_e/T^4 and (d rho_e/dT)/T^3 for e+ and e- (4 states) at z = m/T."""
    x, w, e = _nodes(z)
    n_f = np.exp(-e) / (1.0 + np.exp(-e))
    pref = 4.0 / (2.0 * np.pi**2)
    rho = pref * np.sum(w * x**2 * e * n_f, axis=-1)
    p = pref * np.sum(w * x**4 / e * n_f, axis=-1) / 3.0
    # d rho/dT = g/(2 pi^2) T^3 int x^2 e^2 n_F (1 - n_F) dx
    drho = pref * np.sum(w * x**2 * e**2 * n_f * (1.0 - n_f), axis=-1)
    return rho, p, drho


@functools.lru_cache(maxsize=1)
def em_splines() -> dict[str, CubicSpline]:
    """Cubic splines in ln z of the dimensionless e+- and QED functions (see the module docstring)."""
    z = np.geomspace(*Z_RANGE, 1500)
    rho, p, drho = _electron_thermo(z)
    # QED: P_int(T) at fixed m on a fine ln T grid; derivatives from a spline in ln T
    m = 1.0
    T = m / z[::-1]
    lnT = np.log(T)
    spline = CubicSpline(lnT, qed_pressure(T, m))
    d1 = spline(lnT, 1)
    d2 = spline(lnT, 2)
    dp_dT = d1 / T
    d2p_dT2 = (d2 - d1) / T**2
    out = {
        "rho_e": rho,
        "p_e": p,
        "drho_e": drho,
        "p_int": (qed_pressure(T, m) / T**4)[::-1],
        "dp_int": (dp_dT / T**3)[::-1],
        "d2p_int": (d2p_dT2 / T**2)[::-1],
    }
    lnz = np.log(z)
    return {key: CubicSpline(lnz, value) for key, value in out.items()}


def em_plasma(T_gamma, m: float = c.M_E_MEV) -> dict[str, np.ndarray]:
    """rho_e, P_e, d rho_e/dT, P_int, dP_int/dT, d^2P_int/dT^2 at T_gamma [MeV units]."""
    T = np.asarray(T_gamma, float)
    z = np.clip(m / T, *Z_RANGE)
    lnz = np.log(z)
    sp = em_splines()
    beyond = (m / T) >= Z_RANGE[1]
    scale = {"rho_e": 4, "p_e": 4, "drho_e": 3, "p_int": 4, "dp_int": 3, "d2p_int": 2}
    return {key: np.where(beyond, 0.0, sp[key](lnz) * T**power) for key, power in scale.items()}
