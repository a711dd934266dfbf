"""Thermally averaged production rates of N, tabulated once on a (T, M_N) grid and cached.

Every production rate is proportional to mu_nu^2, so the table stores the equilibrium reaction
densities gamma(T, M) / mu^2 [MeV^6] (for mu in MeV^-1), per process summed over the charged species
of the plasma (``plasma.CHARGED_SPECIES``, each with its weight across the QCD crossover):

* t-channel nu f -> N f (and nubar, fbar partners: 4 channels), screened at |t| >= xi^2 m_D^2(T)
  (xi = ``Precision.screening_scale``, 1 = leading-order HTL), with full quantum statistics and
  exact kinematics (``t_channel``; ``Precision.production_statistics = "boltzmann"`` gives the
  Maxwell-Boltzmann treatment below);
* s-channel f fbar -> nu Nbar, nubar N (2 CP channels; colour averaged; not for W+-);
* plasmon decay gamma* -> nu Nbar, nubar N (2 transverse and 1 longitudinal mode with their HTL
  dispersion relations and residues, 2 CP channels; ``plasmons``).

Thermal average of the s-channel (and of the t-channel beyond the range of ``t_channel``, or with
production_statistics = "boltzmann") (Gondolo & Gelmini, Nucl. Phys. B 360 (1991) 145;
Maxwell-Boltzmann initial states):
    gamma_12 = g_1 g_2 T / (32 pi^4) int ds sigma(s) lambda(s, m_1^2, m_2^2) / sqrt(s) K_1(sqrt(s)/T),
which reduces to REFERENCE.md's <sigma v> = (1/(32 T^5)) int ds sigma s^{3/2} K_1 for massless
states. Quantum statistics of the initial states are restored by multiplying by
R_i = n_i(FD/BE) / n_i(MB) for each (0.9015 for a massless fermion, 1.2021 for a massless boson);
Pauli blocking and Bose enhancement of the final states are neglected (docs/physics.md).
The s integral runs over sqrt(s) = sqrt(s_min) + T v^2, v in [0, sqrt(60)], with Gauss-Legendre
nodes (the v^2 map removes the square-root threshold behaviour).

Stored: ln(gamma / mu^2) + M/T (the leading Boltzmann factor of a heavy N removed, so the table is
smooth in ln M and does not underflow). It is cached on disk by ``ndpcosmo.cache`` under a fingerprint
of the grid settings and of the source code of the physics modules.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.special import k1e

from .. import constants as c
from .. import plasma
from ..cache import cached_arrays, fingerprint
from ..model import MASS_RANGE_MEV, Precision
from . import cross_sections as xs
from . import plasmons
from . import t_channel as tch

PROCESSES = ("t_channel", "s_channel", "plasmon")
TABLE_T_RANGE_MEV = (1e-2, 1e7)
_V_MAX = np.sqrt(60.0)
_QS_NU = 0.75 * c.ZETA3  # n_FD / n_MB for a massless fermion


@dataclass(frozen=True)
class RateTable:
    """Production reaction densities on a (T, M) grid; see the module docstring."""

    T_mev: np.ndarray
    M_mev: np.ndarray
    ln_gamma_reduced: np.ndarray
    """(process, T, M): ln(gamma/mu^2 [MeV^6]) + M/T."""
    fingerprint: str

    @functools.cached_property
    def _total_spline(self) -> CubicSpline:
        total = np.logaddexp.reduce(self.ln_gamma_reduced, axis=0)
        return CubicSpline(np.log(self.M_mev), total, axis=1)

    def ln_gamma_prod_reduced(self, mass_mev: float) -> np.ndarray:
        """ln(gamma_prod/mu^2) + M/T summed over processes, at the table's T nodes, for M_N = mass."""
        return self._total_spline(np.log(mass_mev))

    def ln_gamma_process_reduced(self, process: str, mass_mev: float) -> np.ndarray:
        """As ``ln_gamma_prod_reduced`` for one process of ``PROCESSES``."""
        i = PROCESSES.index(process)
        return CubicSpline(np.log(self.M_mev), self.ln_gamma_reduced[i], axis=1)(np.log(mass_mev))


def qs_factor(z: np.ndarray, fermion: bool) -> np.ndarray:
    """n(FD or BE) / n(MB) at z = m/T (tends to 1 for z >> 1)."""
    out = np.ones_like(z)
    small = z < 40.0
    zz = z[small]
    exact = plasma.number_density(1.0, zz, 1.0, fermion)
    mb = plasma.maxwell_boltzmann_density(1.0, zz, 1.0)
    out[small] = exact / mb
    return out


def _sqrt_s_nodes(rs_min: np.ndarray, T: np.ndarray, n: int):
    """Nodes sqrt(s) (T, M, node) and the weights of int ds ... K1 with the exp(-sqrt(s_min)/T) removed."""
    x, w = np.polynomial.legendre.leggauss(n)
    v = 0.5 * _V_MAX * (x + 1.0)
    wv = 0.5 * _V_MAX * w
    Tb = T[:, None, None]
    rs = rs_min[None, :, None] + Tb * v**2
    # ds = 2 sqrt(s) d sqrt(s) = 2 sqrt(s) * 2 T v dv;  K1(rs/T) = k1e(rs/T) exp(-rs_min/T) exp(-v^2)
    weight = wv * 2.0 * rs * 2.0 * Tb * v * k1e(rs / Tb) * np.exp(-(v**2))
    return rs, weight


def _log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(x)


def ln_t_channel_density(
    T: np.ndarray,
    M: np.ndarray,
    sp: plasma.ChargedSpecies,
    m_debye2: np.ndarray,
    nodes: int,
    statistics: str = "quantum",
) -> np.ndarray:
    """ln(gamma_t / mu^2) + M/T for nu f -> N f and partners (4 channels), species weight included.

    ``T`` (n_T,) with the screening cut ``m_debye2`` (xi^2 m_D^2) at those temperatures; ``M`` (n_M,);
    returns (n_T, n_M). "quantum": ``t_channel`` (M/T <= 150 and m/T <= 60; beyond, see there);
    "boltzmann": Maxwell-Boltzmann kinematics times n_FD/n_MB of the initial states everywhere.
    """
    mb = ln_t_channel_density_boltzmann(T, M, sp, m_debye2, nodes)
    if statistics == "boltzmann":
        return mb
    out = mb.copy()
    kind = "fermion" if sp.fermion else "scalar"
    norm = 4.0 * sp.g * c.E_CHARGE**2 * sp.charge**2 / 4.0 / (256.0 * np.pi**5)
    weight = plasma.species_weight(sp, T)
    for i, Ti in enumerate(T):
        z_f = sp.mass_mev / Ti
        if z_f > tch.Z_F_MAX or weight[i] <= 0.0:
            continue
        z_M = np.minimum(M / Ti, tch.Z_MAX)
        ln_k = tch.ln_k_table(math.log(m_debye2[i] / Ti**2), z_M, z_f, kind)
        # ln K_table = ln K + z_M + z_f and gamma = norm T^6 K w; stored: ln gamma + M/T
        exact = math.log(norm * weight[i]) + 6.0 * math.log(Ti) + ln_k - z_f
        heavy = M / Ti > tch.Z_MAX
        if np.any(heavy):
            # beyond the table: Maxwell-Boltzmann kinematics, scaled to the table at M/T = Z_MAX
            edge = ln_t_channel_density_boltzmann(
                T[i : i + 1], np.array([tch.Z_MAX * Ti]), sp, m_debye2[i : i + 1], nodes
            )
            exact = np.where(heavy, mb[i] + exact - edge[0, 0], exact)
        out[i] = exact
    return out


def ln_t_channel_density_boltzmann(
    T: np.ndarray, M: np.ndarray, sp: plasma.ChargedSpecies, m_debye2: np.ndarray, nodes: int
) -> np.ndarray:
    """As ``ln_t_channel_density`` with Maxwell-Boltzmann kinematics times n_FD/n_MB (or n_BE/n_MB)."""
    m = sp.mass_mev
    rs, wq = _sqrt_s_nodes(M + m, T, nodes)
    s = rs**2
    sig = xs.sigma_t_channel(s, M[None, :, None], m, m_debye2[:, None, None], 1.0, sp.charge, not sp.fermion)
    integral = np.sum(wq * sig * (s - m * m) ** 2 / rs, axis=-1)
    factor = 4.0 * sp.g * _QS_NU * T / (32.0 * np.pi**4) * plasma.species_weight(sp, T) * qs_factor(m / T, sp.fermion)
    # the removed factor exp(-sqrt(s_min)/T) times the reduction exp(M/T) is exp(-m/T)
    return _log(factor[:, None] * integral) - (m / T)[:, None]


def ln_s_channel_density(T: np.ndarray, M: np.ndarray, sp: plasma.ChargedSpecies, nodes: int) -> np.ndarray:
    """ln(gamma_s / mu^2) + M/T for f fbar -> nu Nbar + CP conjugate (colour averaged); (n_T, n_M)."""
    m = sp.mass_mev
    n_colour = 3.0 if sp.sector == "quark" else 1.0
    rs_min = np.maximum(2.0 * m, M)
    rs, wq = _sqrt_s_nodes(rs_min, T, nodes)
    s = rs**2
    sig = xs.sigma_s_channel(s, M[None, :, None], m, 1.0, sp.charge, not sp.fermion)
    integral = np.sum(wq * sig * rs * (s - 4.0 * m * m), axis=-1)
    qs = qs_factor(m / T, sp.fermion)
    factor = 2.0 * sp.g**2 / n_colour * T / (32.0 * np.pi**4) * plasma.species_weight(sp, T) * qs**2
    return _log(factor[:, None] * integral) - (rs_min[None, :] - M[None, :]) / T[:, None]


def ln_plasmon_density(T: np.ndarray, M: np.ndarray) -> np.ndarray:
    """ln(gamma_plasmon / mu^2) + M/T for the decays of both plasmon modes (``plasmons``); (n_T, n_M)."""
    omega_p2 = plasma.debye_mass_squared(T) / 3.0
    out = np.empty((T.size, M.size))
    for i, (Ti, wp2) in enumerate(zip(T, omega_p2, strict=True)):
        out[i] = _log(plasmons.decay_density(float(Ti), M, float(wp2))) + M / Ti
    return out


def compute_rate_table(precision: Precision) -> RateTable:
    """Compute the table (about ten seconds); prefer ``rate_table``, which caches it."""
    lo, hi = TABLE_T_RANGE_MEV
    T = np.logspace(np.log10(lo), np.log10(hi), int(round(np.log10(hi / lo) * precision.rate_T_per_decade)) + 1)
    mlo, mhi = MASS_RANGE_MEV
    M = np.logspace(np.log10(mlo), np.log10(mhi), int(round(np.log10(mhi / mlo) * precision.rate_M_per_decade)) + 1)
    n = precision.rate_quadrature_nodes
    cut = precision.screening_scale**2 * plasma.debye_mass_squared(T)
    ln_t = np.full((T.size, M.size), -np.inf)
    ln_s = np.full((T.size, M.size), -np.inf)
    for sp in plasma.CHARGED_SPECIES:
        ln_t = np.logaddexp(ln_t, ln_t_channel_density(T, M, sp, cut, n, precision.production_statistics))
        if sp.sector != "gauge":  # W+W- -> gamma* -> nu N is left out (docs/physics.md)
            ln_s = np.logaddexp(ln_s, ln_s_channel_density(T, M, sp, n))
    ln_pl = np.maximum(ln_plasmon_density(T, M), -745.0)
    table = np.stack([ln_t, ln_s, ln_pl])
    if not np.all(np.isfinite(table)):
        raise FloatingPointError("non-finite entry in the production-rate table")
    return RateTable(T, M, table, _fingerprint(precision))


def _fingerprint(precision: Precision) -> str:
    here = Path(__file__).resolve().parent
    sources = (
        here / "rates.py",
        here / "cross_sections.py",
        here / "t_channel.py",
        here / "_scattering.py",
        here / "plasmons.py",
        here.parent / "plasma.py",
        here.parent / "constants.py",
    )
    return fingerprint(sources, _key(precision))


def _key(precision: Precision) -> tuple[int, int, int, str, float]:
    p = precision
    return (
        p.rate_T_per_decade,
        p.rate_M_per_decade,
        p.rate_quadrature_nodes,
        p.production_statistics,
        p.screening_scale,
    )


@functools.lru_cache(maxsize=8)
def _rate_table_cached(key: tuple[int, int, int, str, float]) -> RateTable:
    precision = Precision(
        rate_T_per_decade=key[0],
        rate_M_per_decade=key[1],
        rate_quadrature_nodes=key[2],
        production_statistics=key[3],
        screening_scale=key[4],
    )
    fp = _fingerprint(precision)

    def compute() -> dict[str, np.ndarray]:
        table = compute_rate_table(precision)
        return {"T_mev": table.T_mev, "M_mev": table.M_mev, "ln_gamma_reduced": table.ln_gamma_reduced}

    data = cached_arrays("rates", fp, compute, "the N production-rate table (about 10 s)")
    return RateTable(data["T_mev"], data["M_mev"], data["ln_gamma_reduced"], fp)


def rate_table(precision: Precision | None = None) -> RateTable:
    """The production-rate table for ``precision`` (from memory, the disk cache, or computed)."""
    return _rate_table_cached(_key(precision or Precision()))
