"""Temperature equations of the photon-e+- plasma and of the three neutrino flavours.

Escudero, JCAP 02 (2019) 007 (arXiv:1812.05605, eq. 2.14) and JCAP 05 (2020) 048 (arXiv:2001.04466,
eqs. 2.12-2.13, 3.2), with the neutrino flavours kept separate and an external energy source:
    dT_g/dt = -[H (4 rho_g + 3 (rho_e + P_e) + 3 T_g dP_int/dT_g) + sum_a drho_a/dt - Q_g]
              / [drho_g/dT_g + drho_e/dT_g + T_g d^2P_int/dT_g^2],
    dT_a/dt = -H T_a + (drho_a/dt + Q_a) / (drho_nu/dT)|_{T_a},    a = e, mu, tau,
with rho_nu = 7 pi^2 T^4 / 120 per flavour (nu + nubar), Q_g and Q_a the energy injected per volume and
time into the plasma and into flavour a. Energy exchange into flavour a (``neutrino_rates``), with the
mass factors a(z), b(z) at z = m_e/T:
    drho_a/dt = (G_F^2/pi^5) { 128 f_a ([X_a a_X + Y_a a_Y](z_g) T_g^9 - [X_a a_X + Y_a a_Y](z_a) T_a^9)
                + 224 f_s [X_a b_X + Y_a b_Y](z_g) T_g^4 T_a^4 (T_g - T_a) + sum_{b != a} F(T_b, T_a) },
    F(T_1, T_2) = 32 f_a (T_1^9 - T_2^9) + 56 f_s T_1^4 T_2^4 (T_1 - T_2),
X_a = g_L^2 + g_R^2, Y_a = g_L g_R, g_L = +1/2 + s_W^2 (nu_e), -1/2 + s_W^2 (nu_mu, nu_tau), g_R = s_W^2,
with the on-shell s_W^2 = 1 - m_W^2/m_Z^2.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.interpolate import CubicSpline

from .. import constants as c
from . import neutrino_rates as nr
from ._kernels import RHO_GAMMA_PER_T4, RHO_NU_PER_T4
from .thermo import em_plasma

SIN2_W = c.SIN2_W
G_L = np.array([0.5 + SIN2_W, -0.5 + SIN2_W, -0.5 + SIN2_W])
G_R = np.array([SIN2_W, SIN2_W, SIN2_W])
X_COUPLING = G_L**2 + G_R**2
Y_COUPLING = G_L * G_R


@functools.lru_cache(maxsize=1)
def _mass_factor_splines() -> dict[str, CubicSpline]:
    tab = nr.mass_factor_tables()
    lnz = np.log(tab["z"])
    return {k: CubicSpline(lnz, tab[k]) for k in ("a_x", "a_y", "b_x", "b_y")}


def _mass_factors(T: float) -> dict[str, float]:
    z = c.M_E_MEV / T
    lo, hi = nr.Z_GRID[0], nr.Z_GRID[-1]
    if z <= lo:
        return {"a_x": 1.0, "a_y": 0.0, "b_x": 1.0, "b_y": 0.0}
    if z >= hi:
        return {"a_x": 0.0, "a_y": 0.0, "b_x": 0.0, "b_y": 0.0}
    sp = _mass_factor_splines()
    return {k: float(sp[k](np.log(z))) for k in sp}


def energy_exchange(T_g: float, T_nu: np.ndarray) -> np.ndarray:
    """drho_a/dt [MeV^5] into each flavour a = e, mu, tau from the plasma and the other flavours."""
    pref = c.G_F_MEV2**2 / np.pi**5
    mg = _mass_factors(T_g)
    out = np.empty(3)
    for a in range(3):
        Ta = T_nu[a]
        ma = _mass_factors(Ta)
        ann = (
            128.0
            * nr.F_ANNIHILATION
            * (
                (X_COUPLING[a] * mg["a_x"] + Y_COUPLING[a] * mg["a_y"]) * T_g**9
                - (X_COUPLING[a] * ma["a_x"] + Y_COUPLING[a] * ma["a_y"]) * Ta**9
            )
        )
        scat = (
            4.0
            * 56.0
            * nr.F_SCATTERING
            * (X_COUPLING[a] * mg["b_x"] + Y_COUPLING[a] * mg["b_y"])
            * (T_g**4 * Ta**4 * (T_g - Ta))
        )
        nunu = 0.0
        for b in range(3):
            if b != a:
                Tb = T_nu[b]
                nunu += 32.0 * nr.F_ANNIHILATION * (Tb**9 - Ta**9) + 56.0 * nr.F_SCATTERING * Tb**4 * Ta**4 * (Tb - Ta)
        out[a] = pref * (ann + scat + nunu)
    return out


def energy_densities(T_g: float, T_nu: np.ndarray) -> dict[str, float]:
    """rho of photons, e+-, QED correction, each flavour [MeV^4], and the thermodynamic pieces."""
    em = {k: float(v) for k, v in em_plasma(np.array(T_g)).items()}
    rho_int = -em["p_int"] + T_g * em["dp_int"]
    return {
        "gamma": RHO_GAMMA_PER_T4 * T_g**4,
        "e": em["rho_e"],
        "int": rho_int,
        "nu": RHO_NU_PER_T4 * np.asarray(T_nu) ** 4,
        "em": em,
    }


def temperature_derivatives(
    T_g: float, T_nu: np.ndarray, hubble: float, q_gamma: float, q_nu: np.ndarray
) -> tuple[float, np.ndarray]:
    """(dT_g/dt, dT_a/dt) [MeV/MeV^-1 = MeV^2] for given H [MeV] and injections Q [MeV^5]."""
    em = {k: float(v) for k, v in em_plasma(np.array(T_g)).items()}
    exchange = energy_exchange(T_g, T_nu)
    rho_g = RHO_GAMMA_PER_T4 * T_g**4
    num = hubble * (4.0 * rho_g + 3.0 * (em["rho_e"] + em["p_e"]) + 3.0 * T_g * em["dp_int"]) + exchange.sum() - q_gamma
    den = 4.0 * rho_g / T_g + em["drho_e"] + T_g * em["d2p_int"]
    dTg = -num / den
    dTnu = -hubble * np.asarray(T_nu) + (exchange + q_nu) / (4.0 * RHO_NU_PER_T4 * np.asarray(T_nu) ** 3)
    return dTg, dTnu
