r"""Non-thermal neutrinos from decays: the momentum grid, their collision kernels, flavour and n <-> p.

Below ~2 MeV the neutrinos are decoupled: a nu of E >> T from a decay free-streams, loses energy in
collisions at rates ~ G_F^2 E T^4 and, as nu_e or anti-nu_e, converts nucleons with cross sections
~ E^2. ``solver.solve(..., neutrino_injection="spectral")`` follows these neutrinos on a grid of
comoving momenta (``_nonthermal``); this module holds their physics as tables.

Population. Per grid node q_k (comoving momentum q = p a / T_h, a_h = 1, log-spaced from Q_LOW) the
comoving number density N_k (nu and anti-nu together, in equal numbers: the decays N -> nu gamma and
N-bar -> nu-bar gamma, or a relic's nu nu-bar, are CP-symmetric), one row per flavour (or, after the
flavour transition below, per mass state). A particle of momentum q between two nodes is shared
between them linearly in q, which keeps its number and its energy exactly; one that falls below
Q_LOW (p < Q_LOW T_nu: a thermal energy) joins the thermal population of its flavour (Escudero's
temperature T_a), and so does every source after T_gamma < T_FREE_MEV (BBN is over; free radiation
either way).

Collisions (massless leptons, E >> the target's energy, Boltzmann targets, no Pauli blocking). For
sigma = K s, a projectile of energy E on an isotropic target population has the rate
    Gamma = 2 K E (rho + P)_target
(exact for any target mass if sigma = K (s - m^2)). Squared matrix elements: Dolgov, Hansen,
Semikoz, Nucl. Phys. B 503 (1997) 426, Table 1 (also Dolgov, Phys. Rep. 370 (2002) 333); they give,
per projectile nu_a (a != b; g_L = +1/2 + s_W^2 for nu_e, -1/2 + s_W^2 for nu_mu,tau; g_R = s_W^2):

    process                         K [G_F^2/pi]            y-shape      remnant, second
    nu_a e+-  -> nu_a e+-           (2/3)(g_L^2 + g_R^2)*   (3/4)[1 + (1-y)^2]   a, plasma
    nu_a nubar_a -> e+ e-           (2/3)(g_L^2 + g_R^2)    threshold J(w)       plasma
    nu_a nu_b -> nu_a nu_b          1/2                     1                    a, b
    nu_a nubar_b -> nu_a nubar_b    1/6                     3 (1-y)^2            a, b
    nu_a nubar_a -> nu_b nubar_b    1/6 (each b)            3 (1-y)^2            b, b
    nu_a nu_a -> nu_a nu_a          1                       1                    a, a
    nu_a nubar_a -> nu_a nubar_a    2/3                     3 (1-y)^2            a, a
    (*: per (rho + P) of e- and e+ together: e- has K = g_L^2 + g_R^2/3 with y-shape g_L^2 + g_R^2 (1-y)^2,
       e+ the conjugate, each with half of (rho + P)_e+-.)

y is the fraction of the projectile's energy handed to the target (Lorentz invariant, the energy
fraction for E >> E_target): the remnant keeps (1 - y) E, the second product (the struck target,
or the other member of a produced pair) takes y E. Energy handed to e+- goes to the photon plasma.
The annihilation nu nubar -> e+e- keeps the electron mass through its threshold:
    Gamma = K E T_a^4 J(E T_a / m_e^2),
    J(w) = 1/(4 pi^2) int_0^inf dx x^3 f_FD(x) int_0^2 du 2 u^2 beta(2 w x u),   beta = sqrt(1 - 4/s),
(s in units of m_e^2; J -> 2 (4/3)(7 pi^2/240) for w -> inf). The pair takes the projectile's energy
and its thermal partner's, <E_t> = T_a J_E(w)/J(w) (J_E: one more power of x; 4 eta(5)/eta(4) T_a =
4.106 T_a for w -> inf), from the thermal nu_a: exact in the mean, since the pair's whole energy is
the plasma's (the partner is ~ 4 T_a, not negligible against E ~ 10 T). The e+- scattering uses the actual
rho_e + P_e of the plasma (electron mass included). A scattering hands its target <y>(E - E_t), E_t
the struck target's rate-weighted mean energy (4.106 T): exact in the mean for massless legs (the mean
momentum transfer is <y>(p - p_t)); the products stay at (1 - y)E and yE, and the target energy's share
of each (<y>E_t, (1 - <y>)E_t) goes to the thermal population of its flavour. These rates reproduce
Escudero's annihilation energy-transfer rates exactly (tests/test_nonthermal.py). What is approximate:
the E >> T product shapes and the thermal population below Q_LOW (a temperature, no chemical potential),
for neutrinos at a few T; docs/validation.md sizes them against full collision integrals (Nudec).

Flavour. The thermal e+- potential V = 8 sqrt(2) G_F E rho_e+- / (3 m_W^2) (Notzold & Raffelt, Nucl.
Phys. B 307 (1988) 924) suppresses nu_e <-> nu_mu,tau mixing until it falls below the solar
splitting, x = 2 E V / dm21^2 < TRANSITION_X; from then on the node's neutrinos are an incoherent
mixture of mass states (averaged vacuum oscillations, decohered): a flavour-a neutrino is the mass
state i with probability |U_ai|^2, a mass state interacts as flavour a with probability |U_ai|^2, and a
collision's products are flavour states again. PMNS: PDG 2024 (normal ordering).

n <-> p. Born cross sections normalised to the neutron lifetime (``bbn.weak``: K = 1/(tau_n lambda_0)),
with the Fermi function where e- and p are both final and the resummed radiative factor R:
    sigma(nu_e n -> p e-)      = 2 pi^2 E_e p_e F(p_e) R / (m_e^5 tau_n lambda_0),  E_e = E + Q,
    sigma(nubar_e p -> n e+)   = 2 pi^2 E_e p_e R / (m_e^5 tau_n lambda_0),         E_e = E - Q > m_e,
so lambda tau_n = sum_k n_k,nu_e sigma tau_n (1 - f_e(E_e)) is stored, and BBN divides by its tau_n.
No recoil or weak magnetism: at 50 MeV they lower sigma by ~ 5-10 % (Vogel & Beacom, PRD 60 (1999)
053003), and form factors flatten it above ~ 300 MeV.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import constants as c
from ..bbn import weak
from .equations import G_L, G_R

Q_LOW = 3.0
"""Lowest grid node (comoving momentum / T_h ~ p / T_nu): a nu below it counts as thermal."""
NODES_PER_DECADE = 12
T_FREE_MEV = 1e-3
"""Below this T_gamma (the end of BBN) sources go to the thermal neutrinos (free radiation either way)."""
T_COLLISIONS_OFF_MEV = 3e-3
"""Below this T_gamma collisions are not followed (their rates are < 1e-3 H)."""
TRANSITION_X = 1.0
"""Flavour transition where 2 E V / dm21^2 falls below this."""

# PMNS, PDG 2024 (normal ordering): sin^2 theta_12, theta_23, theta_13, delta_CP / pi; dm21^2 [eV^2]
S12SQ, S23SQ, S13SQ, DELTA_CP_PI = 0.307, 0.546, 0.0220, 1.19
DM21SQ_EV2 = 7.53e-5


SHAPE_E, SHAPE_FLAT, SHAPE_SQ = 0, 1, 2
"""y-distributions: (3/4)[1 + (1-y)^2] (e+- scattering), 1, 3 (1-y)^2."""


def pmns_squared() -> np.ndarray:
    """|U_ai|^2 (rows a = e, mu, tau; columns i = 1, 2, 3), PDG 2024 normal ordering."""
    s12, s23, s13 = math.sqrt(S12SQ), math.sqrt(S23SQ), math.sqrt(S13SQ)
    c12, c23, c13 = math.sqrt(1 - S12SQ), math.sqrt(1 - S23SQ), math.sqrt(1 - S13SQ)
    ed = complex(math.cos(DELTA_CP_PI * math.pi), math.sin(DELTA_CP_PI * math.pi))
    u = np.array(
        [
            [c12 * c13, s12 * c13, s13 / ed],
            [-s12 * c23 - c12 * s23 * s13 * ed, c12 * c23 - s12 * s23 * s13 * ed, s23 * c13],
            [s12 * s23 - c12 * c23 * s13 * ed, -c12 * s23 - s12 * c23 * s13 * ed, c23 * c13],
        ]
    )
    return np.abs(u) ** 2


def shape_pdf(shape: int, y: np.ndarray) -> np.ndarray:
    """Normalised distribution of y (the fraction handed to the second product) on [0, 1]."""
    if shape == SHAPE_E:
        return 0.75 * (1.0 + (1.0 - y) ** 2)
    if shape == SHAPE_FLAT:
        return np.ones_like(y)
    return 3.0 * (1.0 - y) ** 2


def grid_nodes(n: int) -> np.ndarray:
    """The first n grid nodes (comoving momenta), log-spaced from Q_LOW."""
    return Q_LOW * 10.0 ** (np.arange(n) / NODES_PER_DECADE)


@functools.lru_cache(maxsize=2)
def deposit_kernels(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where a collision at node k puts its products: D[s, r, k, j] the number fraction at node j
    (j <= k) of the remnant (r = 0, at (1 - y) q_k) or the second product (r = 1, at y q_k) for shape
    s; B[s, r, k] and EB[s, r, k] the number and the energy (in units of q_k) below the grid.
    Exact for the linear sharing between nodes (Gauss-Legendre, 4 points per node interval)."""
    q = grid_nodes(n)
    gx, gw = np.polynomial.legendre.leggauss(4)
    D = np.zeros((3, 2, n, n))
    B = np.zeros((3, 2, n))
    EB = np.zeros((3, 2, n))
    for s in (SHAPE_E, SHAPE_FLAT, SHAPE_SQ):
        for r in (0, 1):
            for k in range(n):
                # the product's momentum fraction z = q'/q_k: remnant z = 1 - y, second z = y
                for j in range(k):
                    z0, z1 = q[j] / q[k], q[j + 1] / q[k]
                    z = 0.5 * (z1 - z0) * gx + 0.5 * (z1 + z0)
                    w = 0.5 * (z1 - z0) * gw * shape_pdf(s, 1.0 - z if r == 0 else z)
                    up = (z - z0) / (z1 - z0)
                    D[s, r, k, j] += np.sum(w * (1.0 - up))
                    D[s, r, k, j + 1] += np.sum(w * up)
                z1 = q[0] / q[k]
                z = 0.5 * z1 * gx + 0.5 * z1
                w = 0.5 * z1 * gw * shape_pdf(s, 1.0 - z if r == 0 else z)
                B[s, r, k] = np.sum(w)
                EB[s, r, k] = np.sum(w * z)
    return D, B, EB


@functools.lru_cache(maxsize=1)
def annihilation_table() -> tuple[np.ndarray, float, float]:
    """On a uniform grid in ln w (module doc), with (ln w_0, d ln w): row 0 J(w); row 1 the mean energy
    of the thermal target (in units of T_a) an annihilation takes with it, J_E(w) / J(w) with J_E the
    same integral with one more power of x (-> 4 eta(5)/eta(4) = 4.106 for w -> inf)."""
    lnw = np.linspace(math.log(1e-2), math.log(1e5), 281)
    x, wx = np.polynomial.laguerre.laggauss(60)
    fx = wx * np.exp(x) * x**3 / (np.exp(x) + 1.0)
    gu, gwu = np.polynomial.legendre.leggauss(64)
    out = np.zeros((2, lnw.size))
    for i, lw in enumerate(lnw):
        w = math.exp(lw)
        # the threshold in u: s = 2 w x u > 4, u in (2/(w x), 2]
        u_min = np.minimum(2.0 / (w * x), 2.0)
        half = 0.5 * (2.0 - u_min)
        u = half[:, None] * gu[None, :] + (u_min + half)[:, None]
        s = 2.0 * w * x[:, None] * u
        beta = np.sqrt(np.clip(1.0 - 4.0 / s, 0.0, None))
        inner = np.sum(gwu[None, :] * half[:, None] * 2.0 * u**2 * beta, axis=1)
        out[0, i] = np.sum(fx * inner) / (4.0 * math.pi**2)
        if out[0, i] > 0.0:
            out[1, i] = np.sum(fx * x * inner) / (4.0 * math.pi**2) / out[0, i]
    # below the threshold's reach the mean target energy is that of the lowest tabulated w (J ~ 0 there)
    first = int(np.argmax(out[1] > 0.0))
    out[1, :first] = out[1, first]
    return out, float(lnw[0]), float(lnw[1] - lnw[0])


def annihilation_J(w: np.ndarray) -> np.ndarray:
    """J(w) interpolated (zero below the table, the massless value above)."""
    tab, lw0, dlw = annihilation_table()
    lw = np.log(np.asarray(w, dtype=float))
    return np.interp(lw, lw0 + dlw * np.arange(tab.shape[1]), tab[0], left=0.0, right=tab[0, -1])


def annihilation_target_energy(w: np.ndarray) -> np.ndarray:
    """The thermal target's mean energy per annihilation, in units of its temperature (row 1 above)."""
    tab, lw0, dlw = annihilation_table()
    lw = np.log(np.asarray(w, dtype=float))
    return np.interp(lw, lw0 + dlw * np.arange(tab.shape[1]), tab[1], left=tab[1, 0], right=tab[1, -1])


def process_table() -> tuple[np.ndarray, np.ndarray]:
    """The collision processes per projectile flavour a (module doc), as rows
    [a, kind, coefficient, shape, remnant, second]: kind 0 = e+- scattering ((rho + P)_e), 1 = e+e-
    annihilation (T_a^4 J), 2 = a thermal-nu target of flavour ``target`` ((4/3) rho_1(T_target));
    coefficient in G_F^2/pi per unit of that density, Gamma = 2 K E (rho + P) except kind 1 (K E T^4 J);
    remnant/second: a flavour 0-2 or -1 = the photon plasma. Returns (int columns, float columns)."""
    rows_i: list[list[int]] = []
    rows_f: list[float] = []
    for a in range(3):
        x = G_L[a] ** 2 + G_R[a] ** 2
        rows_i.append([a, 0, a, SHAPE_E, a, -1])
        rows_f.append(2.0 / 3.0 * x)  # (4/3) X over e- and e+, each with half of (rho + P)_e+-
        rows_i.append([a, 1, a, SHAPE_FLAT, -1, -1])
        rows_f.append(2.0 / 3.0 * x)
        for b in range(3):
            if b == a:
                rows_i.append([a, 2, a, SHAPE_FLAT, a, a])
                rows_f.append(1.0)
                rows_i.append([a, 2, a, SHAPE_SQ, a, a])
                rows_f.append(2.0 / 3.0)
            else:
                rows_i.append([a, 2, b, SHAPE_FLAT, a, b])
                rows_f.append(0.5)
                rows_i.append([a, 2, b, SHAPE_SQ, a, b])
                rows_f.append(1.0 / 6.0)
                rows_i.append([a, 2, a, SHAPE_SQ, b, b])
                rows_f.append(1.0 / 6.0)
    return np.array(rows_i, dtype=np.int64), np.array(rows_f)


def potential_ratio(E_mev: float, rho_e_mev4: float) -> float:
    """x = 2 E V / dm21^2 with V the thermal e+- potential of nu_e (module doc); the kernels take its
    coefficient potential_ratio(1, 1) / TRANSITION_X."""
    V = 8.0 * math.sqrt(2.0) * c.G_F_MEV2 * E_mev * rho_e_mev4 / (3.0 * c.M_W_MEV**2)
    return 2.0 * E_mev * V / (DM21SQ_EV2 * 1e-12)


@functools.lru_cache(maxsize=1)
def capture_table() -> tuple[np.ndarray, float, float]:
    """sigma tau_n m_e^5-free factors on a uniform ln E grid: rows (n -> p, p -> n) of
    2 pi^2 E_e p_e [F] R / (m_e^5 lambda_0) [MeV^-3] (module doc), with (ln E_0, d ln E)."""
    lnE = np.linspace(math.log(1e-2), math.log(1e4), 601)
    E = np.exp(lnE) / c.M_E_MEV  # neutrino energy in m_e
    q = c.Q_NP_MEV / c.M_E_MEV
    lam0 = weak.vacuum_integral(weak.Corrections.RADIATIVE)
    out = np.zeros((2, lnE.size))
    Ee = E + q
    pe = np.sqrt(Ee**2 - 1.0)
    out[0] = Ee * pe * weak.fermi_function(pe) * weak.radiative_factor(Ee, pe, E)
    Ep = E - q
    ok = Ep > 1.0 + 1e-9
    pp = np.sqrt(np.where(ok, Ep**2 - 1.0, 1.0))
    out[1] = np.where(ok, Ep * pp * weak.radiative_factor(np.where(ok, Ep, 2.0), pp, E), 0.0)
    out *= 2.0 * math.pi**2 / (lam0 * c.M_E_MEV**3)
    return out, float(lnE[0]), float(lnE[1] - lnE[0])


def grid_size(q_max: float) -> int:
    """Nodes needed to reach q_max (at least 2)."""
    return max(2, int(math.ceil(math.log10(max(q_max, Q_LOW * 1.01) / Q_LOW) * NODES_PER_DECADE)) + 2)
