"""N production around and above the electroweak crossover: the dimension-6 origin of the dipole.

Above the crossover the moment is not a renormalisable-looking dimension-5 coupling to the photon but
comes from the two dimension-6 operators of the SM extended by N (nuSMEFT; e.g. Biswas, Chun, Mandal,
Nanda arXiv:2411.17414; arXiv:2502.07024):
    L ⊃ (C_NB / Lambda^2) (Lbar sigma^{mu nu} N_R) Htilde B_{mu nu}
      + (C_NW / Lambda^2) (Lbar sigma^{mu nu} tau^I N_R) Htilde W^I_{mu nu} + h.c.,
Htilde = i sigma_2 H*, <Htilde> = (v/sqrt 2, 0), B = c_W A - s_W Z, W^3 = s_W A + c_W Z. With the code's
convention L ⊃ (mu_nu/2) nubar sigma^{mu nu} N_R F_{mu nu} (``cross_sections``):
    mu_nu = sqrt(2) v (c_W C_NB + s_W C_NW) / Lambda^2   at T = 0.
The ratio r = C_NW / C_NB is a model parameter (``DipolePortal.cw_over_cb``, default 0: the
hypercharge operator alone, no W dipole and mu_Z / mu_gamma = -tan theta_W).

Two pieces of the production density, both proportional to mu_nu^2 once r is fixed:

1. The Higgs condensate inserted: the broken-phase dimension-5 processes (``rates``: t-channel photon
   exchange, s-channel, plasmon decay) with the moment mu_nu v(T)/v_0, i.e. the tabulated density
   times (v(T)/v_0)^2, v(T) the Higgs expectation value across the crossover (``higgs_vev_ratio``).
2. The contact processes of the operators with a Higgs-doublet quantum, per SU(2) channel
   (massless L, N, gauge boson X; Higgs-doublet state Phi of mass m):
       L Phi -> N X,   L X -> N Phi,   Phi X -> Lbar N,   and their CP conjugates (Nbar),
   with the spin- and polarisation-summed square (checked against explicit Dirac traces in the tests)
       sum |M|^2 = (|C|^2/Lambda^4) [32 (p_L.k)(p_N.k) - 8 (p_L.p_N) k^2]   (k the X momentum),
   which is the same polynomial of the physical momenta in all three channels. Massless:
       sigma_hat(L Phi -> N X) = sigma_hat(L X -> N Phi) = |C|^2 s / (4 pi Lambda^4),
       sigma_hat(Phi X -> Lbar N) = |C|^2 s / (12 pi Lambda^4)   (summed over all spins),
   so gamma = 14 |C|^2 T^8 / (pi^5 Lambda^4) per channel and CP state in Maxwell-Boltzmann statistics.
   Channels: 2 for the hypercharge operator (the two doublet components), sum_I tr(tau^I tau^I) = 6
   for the SU(2) one; the two operators do not interfere (different gauge bosons). With mu_nu:
       gamma_contact / mu_nu^2 = 2 x 14 T^8 (2 + 6 r^2) / (2 pi^5 v^2 (c_W + s_W r)^2) x S(T),
   the factor 2 for N and Nbar. S(T) is the thermal average with the Phi masses and the initial
   states' quantum statistics (n_FD/n_MB, n_BE/n_MB as for the s-channel in ``rates``), computed by
   the Gondolo-Gelmini integral with the exact two-body kinematics (``contact_density``).

Masses of the four Higgs-doublet states (``doublet_masses``): in the broken phase the Higgs boson
m_h v(T)/v_0 and the would-be Goldstones as the longitudinal W+, W-, Z, m_{W,Z} v(T)/v_0; to each
m^2 the symmetric-phase thermal mass Pi = c_H (T^2 - T_c^2) is added above T_c (the one-loop
c_H = (3 g^2 + g'^2 + 4 y_t^2 + 8 lambda)/16 = 0.40, Carrington, Phys. Rev. D 45 (1992) 2933; its zero
put at the lattice T_c, where the one-loop Pi = c_H T^2 - m_h^2/2 would put it at 140 GeV). The gauge
bosons and N are massless in the contact processes (N: corrections ~ (M/T)^2 <= 4 % for M <= 10 GeV
at T >= 50 GeV, where the piece matters). Both are sized in docs/physics.md ("Above the electroweak
crossover"), with what is left out: the Z and W exchange partners of the condensate-inserted
t-channel between m_W and the crossover, and 2 -> 3 processes with a gauge-boson exchange.

Crossover (``higgs_vev_ratio``): T_c = 159.5 GeV from the lattice (D'Onofrio & Rummukainen, Phys. Rev.
D 93 (2016) 025003, arXiv:1508.07161: a crossover ~5 GeV wide, perturbation theory agreeing with the
lattice outside it; D'Onofrio, Rummukainen, Tranberg, Phys. Rev. Lett. 113 (2014) 141602: below T_c
v^2(T) is close to linear in T, above it close to zero). The mean-field shape
    v^2(T) = v_0^2 (1 - T^2 / T_c^2)   (T < T_c),   0 above,
has both properties (v^2 -> 2 v_0^2 (T_c - T)/T_c); its width is neglected. Near T_c, where the
shape matters, the contact processes dominate (docs/physics.md sizes the alternative of a hard switch,
v = v_0 up to T_c). At T << m_W the shape overstates the thermal decrease of v (heavy states decouple
from the effective potential): by (T/T_c)^2 / 2 = 0.02 % at T = 2.4 GeV, the T_dec of 1e-11 mu_B.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy.special import k1e

from .. import constants as c
from .cross_sections import kallen
from .rates import qs_factor

V0_MEV: float = 1.0 / math.sqrt(math.sqrt(2.0) * c.G_F_MEV2)
"""The Higgs expectation value at T = 0, (sqrt 2 G_F)^{-1/2} = 246.22 GeV [MeV]."""
M_H_MEV: float = c.M_H_MEV
SIN_W: float = math.sqrt(c.SIN2_W)
COS_W: float = math.sqrt(1.0 - c.SIN2_W)
T_C_MEV: float = c.T_EW_MEV
"""Crossover temperature, 159.5 GeV (D'Onofrio & Rummukainen 2016; D'Onofrio, Rummukainen, Tranberg 2014)."""
CONTACT_T_MIN_MEV: float = 5.0e3
"""Below this the contact processes (Phi heavier than 125 GeV x v/v_0 ~ 25 T) are dropped."""


def _couplings() -> dict[str, float]:
    """Tree-level couplings from the masses: g, g', y_t, lambda."""
    g = 2.0 * c.M_W_MEV / V0_MEV
    gp = g * SIN_W / COS_W
    yt = math.sqrt(2.0) * c.M_T_MEV / V0_MEV
    lam = M_H_MEV**2 / (2.0 * V0_MEV**2)
    return {"g": g, "gp": gp, "yt": yt, "lam": lam}


def thermal_mass_coefficient() -> float:
    """c_H in Pi_Phi = c_H T^2 - m_h^2 / 2 (symmetric phase, one loop): (3g^2 + g'^2 + 4y_t^2 + 8 lambda)/16."""
    k = _couplings()
    return (3.0 * k["g"] ** 2 + k["gp"] ** 2 + 4.0 * k["yt"] ** 2 + 8.0 * k["lam"]) / 16.0


def symmetric_normalisation(cw_over_cb: float) -> float:
    """(2 + 6 r^2) / (2 (c_W + s_W r)^2): sum over channels of |C|^2/Lambda^4 per mu_nu^2/v^2."""
    r = float(cw_over_cb)
    return (2.0 + 6.0 * r * r) / (2.0 * (COS_W + SIN_W * r) ** 2)


def contact_density(
    T_mev: np.ndarray, m_phi_mev: np.ndarray, m_x_mev: float | np.ndarray = 0.0, nodes: int = 64, angles: int = 16
) -> np.ndarray:
    """gamma [MeV^4 per |C|^2/Lambda^4] of the three contact processes of one SU(2) channel, N only.

    Massless L and N, Phi of mass ``m_phi_mev`` and the gauge boson X of mass ``m_x_mev`` (per T; the
    default, 0, is the leading order; docs/physics.md sizes X's asymptotic thermal mass); Gondolo-Gelmini
    average with the exact two-body kinematics, the angular integral by Gauss-Legendre, the initial
    states' n/n_MB factors. Massless Maxwell-Boltzmann limit: 14 T^8 / pi^5.
    """
    T = np.atleast_1d(np.asarray(T_mev, dtype=float))
    m_phi = np.broadcast_to(np.asarray(m_phi_mev, dtype=float), T.shape)
    m_x = np.broadcast_to(np.asarray(m_x_mev, dtype=float), T.shape)
    xg, wg = np.polynomial.legendre.leggauss(nodes)
    xa, wa = np.polynomial.legendre.leggauss(angles)
    v_max = math.sqrt(60.0)
    v = 0.5 * v_max * (xg + 1.0)
    wv = 0.5 * v_max * wg
    r_f = qs_factor(np.zeros(1), True)[0]  # massless fermion n_FD / n_MB
    r_phi, r_x = qs_factor(m_phi / T, False), qs_factor(m_x / T, False)
    zero = np.zeros(T.shape)
    total = np.zeros(T.shape)
    # (masses of 1, 2 -> 3, 4; which of them are L, N, X; initial-state statistics)
    channels = (
        ((zero, m_phi, zero, m_x), (0, 2, 3), r_f * r_phi),  # L Phi -> N X
        ((zero, m_x, zero, m_phi), (0, 2, 1), r_f * r_x),  # L X -> N Phi
        ((m_phi, m_x, zero, zero), (2, 3, 1), r_phi * r_x),  # Phi X -> Lbar N
    )
    Tb = T[:, None]
    for masses, (i_l, i_n, i_x), qs in channels:
        m1, m2, m3, m4 = (m[:, None] for m in masses)
        rs_min = np.maximum(m1 + m2, m3 + m4)
        rs = rs_min + Tb * v**2
        s = rs**2
        # ds K1(rs/T) = 2 rs * 2 T v dv * k1e(rs/T) exp(-rs/T)
        w_s = wv * 4.0 * rs * Tb * v * k1e(rs / Tb) * np.exp(-rs / Tb)
        lam_i = _kallen(s, m1**2, m2**2)
        lam_f = _kallen(s, m3**2, m4**2)
        dots = _dot_products(s, (m1, m2, m3, m4), lam_i, lam_f, xa)
        k2 = (m4 if i_x == 3 else m2)[..., None] ** 2
        # sum |M|^2 = 32 (p_L.k)(p_N.k) - 8 (p_L.p_N) k^2 (module docstring)
        msq = 32.0 * dots[i_l, i_x] * dots[i_n, i_x] - 8.0 * dots[i_l, i_n] * k2
        mean = 0.5 * np.sum(wa * msq, axis=-1)
        # gamma = T / (512 pi^5) int ds lam_i^(1/2) lam_f^(1/2) <sum|M|^2> / s^(3/2) K1
        total += qs * np.sum(w_s * np.sqrt(lam_i * lam_f) * mean / s**1.5, axis=-1)
    return T / (512.0 * math.pi**5) * total


def _kallen(a: np.ndarray, b: np.ndarray, c_: np.ndarray) -> np.ndarray:
    return np.maximum(kallen(a, b, c_), 0.0)  # rounding at threshold


def _dot_products(s, masses, lam_i, lam_f, cos) -> dict[tuple[int, int], np.ndarray]:
    """p_a.p_b (a, b in 0..3, symmetric) for 1 + 2 -> 3 + 4 in the CM frame at scattering angle ``cos``."""
    m1, m2, m3, m4 = masses
    rs = np.sqrt(s)
    e = [(s + m1**2 - m2**2) / (2 * rs), (s + m2**2 - m1**2) / (2 * rs)]
    e += [(s + m3**2 - m4**2) / (2 * rs), (s + m4**2 - m3**2) / (2 * rs)]
    pp = (np.sqrt(lam_i * lam_f) / (4.0 * s))[..., None]  # |p| |p'|
    e = [x[..., None] for x in e]
    out = {
        (0, 1): ((s - m1**2 - m2**2) / 2.0)[..., None] + 0.0 * cos,
        (2, 3): ((s - m3**2 - m4**2) / 2.0)[..., None] + 0.0 * cos,
        (0, 2): e[0] * e[2] - pp * cos,
        (0, 3): e[0] * e[3] + pp * cos,
        (1, 2): e[1] * e[2] + pp * cos,
        (1, 3): e[1] * e[3] - pp * cos,
    }
    out.update({(b, a): value for (a, b), value in list(out.items())})
    return out


def doublet_masses(T_mev: np.ndarray, thermal_scale: float = 1.0) -> np.ndarray:
    """Masses [MeV] (T, 4) of the Higgs-doublet states h, W+_L, W-_L, Z_L; see the module docstring.

    ``thermal_scale`` multiplies the thermal mass sqrt(Pi) (the T_dec band: 1/2 and 2).
    """
    T = np.atleast_1d(np.asarray(T_mev, dtype=float))
    ratio = higgs_vev_ratio(T)
    pi = thermal_scale**2 * thermal_mass_coefficient() * np.maximum(T**2 - T_C_MEV**2, 0.0)
    vac = np.array([M_H_MEV, c.M_W_MEV, c.M_W_MEV, c.M_Z_MEV])
    return np.sqrt((vac[None, :] * ratio[:, None]) ** 2 + pi[:, None])


@functools.lru_cache(maxsize=16)
def _contact_profile(T_key: tuple[float, ...], thermal_scale: float) -> np.ndarray:
    T = np.asarray(T_key)
    out = np.zeros(T.size)
    hot = T >= CONTACT_T_MIN_MEV
    if np.any(hot):
        masses = doublet_masses(T[hot], thermal_scale)
        out[hot] = 0.25 * sum(contact_density(T[hot], masses[:, j]) for j in range(4))
    return out


def contact_density_over_mu2(T_mev: np.ndarray, cw_over_cb: float, thermal_scale: float = 1.0) -> np.ndarray:
    """gamma_contact / mu_nu^2 [MeV^6 for mu in MeV^-1], N and Nbar, all channels (module docstring).

    The doublet states' thermal masses are scaled by ``thermal_scale`` (``Precision.screening_scale``).
    """
    T = np.atleast_1d(np.asarray(T_mev, dtype=float))
    per_channel = _contact_profile(tuple(T.tolist()), float(thermal_scale))
    return 2.0 * per_channel * symmetric_normalisation(cw_over_cb) / V0_MEV**2


def higgs_vev_ratio(T_mev: np.ndarray) -> np.ndarray:
    """v(T) / v_0 = sqrt(1 - T^2/T_c^2) below T_c, 0 above (module docstring)."""
    T = np.atleast_1d(np.asarray(T_mev, dtype=float))
    return np.sqrt(np.clip(1.0 - (T / T_C_MEV) ** 2, 0.0, 1.0))
