"""Standard Model plasma: g*(T), g*s(T), equilibrium densities and QED plasma masses.

Effective degrees of freedom
    g_rho(T) = rho_SM / (pi^2 T^4 / 30),   g_s(T) = s_SM / (2 pi^2 T^3 / 45),
are read from the lattice-based tabulation of Saikawa & Shirai, JCAP 05 (2018) 035
(arXiv:1803.01038), shipped as ``data/gstar_saikawa_shirai_2018.txt`` (its header names the file and
its provenance). They are interpolated with a monotone cubic (PCHIP) in (ln T, ln g). Below the first
row (2 keV) both are constant (no species changes there) and are held at their last value; the table
ends at 1e17 GeV, far above where the code needs it.

Equilibrium densities of one species of mass m, g internal states, zero chemical potential:
    n   = g/(2 pi^2) int p^2 f dp,      rho = g/(2 pi^2) int p^2 E f dp,
    P   = g/(6 pi^2) int p^4/E f dp,    s   = (rho + P)/T,
with f = 1/(exp(E/T) + 1) (fermions) or 1/(exp(E/T) - 1) (bosons), integrated by Gauss-Legendre
quadrature in p/T up to where f < e^-60.

Hubble rate in the radiation era: H = sqrt(8 pi rho / 3) / M_Pl with rho = (pi^2/30) g_rho T^4.
Entropy conservation gives dT/dt = -H T / (1 + (1/3) d ln g_s / d ln T).

Electromagnetic plasma: the Debye mass m_D^2 = e^2 sum_f Q_f^2 chi_f, with chi_f = dn_f/dmu (the
charge susceptibility, T^2/3 for a massless Dirac fermion or complex scalar, so m_D^2 -> e^2 T^2/3
per charged Dirac fermion: Kapusta & Gale, "Finite-Temperature Field Theory", 2nd ed., ch. 5-6).
The plasmons (plasma frequency w_p^2 = m_D^2/3, the transverse asymptotic mass m_inf^2 = m_D^2/2 for
relativistic charges; Braaten & Segel, Phys. Rev. D 48 (1993) 1478) are in ``production.plasmons``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np
from scipy.interpolate import PchipInterpolator

from . import constants as c

GSTAR_FILE = "gstar_saikawa_shirai_2018.txt"
_GL_X, _GL_W = np.polynomial.legendre.leggauss(96)
_TAIL = 60.0  # integrate until E/T exceeds m/T + _TAIL


# --------------------------------------------------------------------------------------------------
# equilibrium thermodynamics of one species
# --------------------------------------------------------------------------------------------------
def _momentum_nodes(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes x = p/T and weights on [0, x_max(z)] for each z = m/T (broadcast last axis)."""
    z = np.asarray(z, dtype=float)[..., None]
    x_max = np.sqrt((z + _TAIL) ** 2 - z**2)
    x = 0.5 * x_max * (_GL_X + 1.0)
    w = 0.5 * x_max * _GL_W
    return x, w


def occupation(e_over_t: np.ndarray, fermion: bool) -> np.ndarray:
    """Fermi-Dirac or Bose-Einstein occupation, written with exp(-E/T) so that it cannot overflow."""
    boltzmann = np.exp(-e_over_t)
    return boltzmann / (1.0 + boltzmann) if fermion else boltzmann / -np.expm1(-e_over_t)


def _phase_space(T_mev, mass_mev, fermion: bool):
    """T (broadcast), nodes x = p/T, weights, E/T and occupation f at the nodes (last axis)."""
    T = np.asarray(T_mev, dtype=float)
    m = np.asarray(mass_mev, dtype=float)
    T, m = np.broadcast_arrays(T, m)
    z = m / T
    x, w = _momentum_nodes(z)
    e = np.sqrt(x**2 + z[..., None] ** 2)
    return T, x, w, e, occupation(e, fermion)


def equilibrium(T_mev, mass_mev, g: float, fermion: bool) -> dict[str, np.ndarray]:
    """Equilibrium n [MeV^3], rho [MeV^4], P [MeV^4], s [MeV^3] of one species (zero chemical potential).

    ``T_mev`` and ``mass_mev`` broadcast against each other.
    """
    T, x, w, e, f = _phase_space(T_mev, mass_mev, fermion)
    pref = g / (2.0 * np.pi**2)
    n = pref * T**3 * np.sum(w * x**2 * f, axis=-1)
    rho = pref * T**4 * np.sum(w * x**2 * e * f, axis=-1)
    p = pref * T**4 * np.sum(w * x**4 / e * f, axis=-1) / 3.0
    return {"n": n, "rho": rho, "p": p, "s": (rho + p) / T}


def number_density(T_mev, mass_mev, g: float, fermion: bool) -> np.ndarray:
    """Equilibrium number density [MeV^3] (zero chemical potential)."""
    return equilibrium(T_mev, mass_mev, g, fermion)["n"]


def maxwell_boltzmann_density(T_mev, mass_mev, g: float) -> np.ndarray:
    """Maxwell-Boltzmann number density g m^2 T K2(m/T) / (2 pi^2) [MeV^3] (g T^3/pi^2 for m = 0)."""
    from scipy.special import kve

    T = np.asarray(T_mev, dtype=float)
    z = np.asarray(mass_mev, dtype=float) / T
    safe = np.maximum(z, 1e-6)  # the branch np.where discards stays finite
    # z^2 K2(z) -> 2 as z -> 0; use the scaled Bessel function to avoid overflow.
    z2k2 = np.where(z > 1e-6, safe**2 * kve(2, safe) * np.exp(-safe), 2.0)
    return g * T**3 * z2k2 / (2.0 * np.pi**2)


def charge_susceptibility(T_mev, mass_mev, g: float, fermion: bool) -> np.ndarray:
    """chi = d(n - nbar)/d mu at mu = 0 for one species with ``g`` states per particle [MeV^2].

    Counts particle and antiparticle: chi = 2 g / T * int d^3p/(2 pi)^3 f (1 -/+ f); T^2/3 for a
    massless Dirac fermion (g = 2) and for a massless complex scalar (g = 1).
    """
    T, x, w, e, f = _phase_space(T_mev, mass_mev, fermion)
    blocking = 1.0 - f if fermion else 1.0 + f
    return 2.0 * g * T**2 / (2.0 * np.pi**2) * np.sum(w * x**2 * f * blocking, axis=-1)


# --------------------------------------------------------------------------------------------------
# charged content of the plasma
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChargedSpecies:
    """A charged species of the SM plasma (particle; its antiparticle is implied)."""

    name: str
    mass_mev: float
    charge: float
    g: int
    """Internal states of the particle alone: spin x colour (2 x 3 for a quark)."""
    fermion: bool
    sector: str
    """'lepton', 'quark' (free above the QCD crossover), 'hadron' (below it) or 'gauge' (W)."""


CHARGED_SPECIES: tuple[ChargedSpecies, ...] = (
    ChargedSpecies("e", c.M_E_MEV, -1.0, 2, True, "lepton"),
    ChargedSpecies("mu", c.M_MU_MEV, -1.0, 2, True, "lepton"),
    ChargedSpecies("tau", c.M_TAU_MEV, -1.0, 2, True, "lepton"),
    ChargedSpecies("u", c.M_U_MEV, 2.0 / 3.0, 6, True, "quark"),
    ChargedSpecies("d", c.M_D_MEV, -1.0 / 3.0, 6, True, "quark"),
    ChargedSpecies("s", c.M_S_MEV, -1.0 / 3.0, 6, True, "quark"),
    ChargedSpecies("c", c.M_C_MEV, 2.0 / 3.0, 6, True, "quark"),
    ChargedSpecies("b", c.M_B_MEV, -1.0 / 3.0, 6, True, "quark"),
    ChargedSpecies("t", c.M_T_MEV, 2.0 / 3.0, 6, True, "quark"),
    ChargedSpecies("pi+", c.M_PI_CHARGED_MEV, 1.0, 1, False, "hadron"),
    ChargedSpecies("K+", c.M_K_CHARGED_MEV, 1.0, 1, False, "hadron"),
    ChargedSpecies("W+", c.M_W_MEV, 1.0, 3, False, "gauge"),
)
"""Charged species that produce N. Quarks count above the QCD crossover, pi+ and K+ below it."""

QCD_SWITCH_WIDTH_MEV = 20.0
"""Width of the smooth quark/hadron switch around T_QCD (a documented modelling choice)."""


def quark_weight(T_mev) -> np.ndarray:
    """Weight of free quarks in the charged content: 1/2 [1 + tanh((T - T_QCD)/Delta)].

    Hadrons (pi+-, K+-) carry the complementary weight. The QCD transition is a crossover
    (T_pc = 156.5 MeV, HotQCD 2019); the switch width Delta = 20 MeV is a modelling choice that keeps
    the production rate smooth, with an effect on the N abundance only for T_dec near T_QCD.
    """
    return 0.5 * (1.0 + np.tanh((np.asarray(T_mev, dtype=float) - c.T_QCD_MEV) / QCD_SWITCH_WIDTH_MEV))


def species_weight(species: ChargedSpecies, T_mev) -> np.ndarray:
    """Weight (0..1) with which a charged species is present as a free particle at T."""
    T = np.asarray(T_mev, dtype=float)
    if species.sector == "quark":
        return quark_weight(T)
    if species.sector == "hadron":
        return 1.0 - quark_weight(T)
    return np.ones_like(T)


def debye_mass_squared(T_mev) -> np.ndarray:
    """Photon Debye mass squared m_D^2 = e^2 sum_f w_f Q_f^2 chi_f [MeV^2] over CHARGED_SPECIES."""
    T = np.asarray(T_mev, dtype=float)
    total = np.zeros_like(T)
    for sp in CHARGED_SPECIES:
        chi = charge_susceptibility(T, sp.mass_mev, sp.g, sp.fermion)
        total = total + species_weight(sp, T) * sp.charge**2 * chi
    return c.E_CHARGE**2 * total


# --------------------------------------------------------------------------------------------------
# effective degrees of freedom from the lattice-based tabulation
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GStarTable:
    """The raw g_rho(T), g_s(T) tabulation (arrays sorted by increasing T)."""

    T_mev: np.ndarray
    g_rho: np.ndarray
    g_s: np.ndarray
    source: str


@functools.lru_cache(maxsize=1)
def load_gstar_table() -> GStarTable:
    """Read the shipped Saikawa-Shirai (2018) tabulation."""
    text = resources.files("ndpcosmo.data").joinpath(GSTAR_FILE).read_text()
    data = np.loadtxt(text.splitlines(), comments="#")
    for arr in (data,):
        arr.setflags(write=False)
    return GStarTable(data[:, 0], data[:, 1], data[:, 2], source="Saikawa & Shirai 2018, arXiv:1803.01038")


@dataclass(frozen=True)
class SMPlasma:
    """SM plasma thermodynamics: g_rho(T), g_s(T), their log-derivative, s(T) and H(T).

    Interpolates ln g in ln T with a monotone cubic. ``T_min_mev`` and ``T_max_mev`` bound the range
    in which the code uses it (1 keV to 10 TeV); outside the tabulated range g is held constant.
    """

    _ln_grho: PchipInterpolator
    _ln_gs: PchipInterpolator
    ln_T_lo: float
    ln_T_hi: float

    T_min_mev = 1e-3
    T_max_mev = 1e7

    @classmethod
    def from_table(cls, table: GStarTable) -> SMPlasma:
        # Use the rows up to 100 TeV: the solver never needs more.
        keep = table.T_mev <= 1e8
        lnT = np.log(table.T_mev[keep])
        return cls(
            PchipInterpolator(lnT, np.log(table.g_rho[keep])),
            PchipInterpolator(lnT, np.log(table.g_s[keep])),
            float(lnT[0]),
            float(lnT[-1]),
        )

    def _lnT(self, T_mev) -> np.ndarray:
        return np.clip(np.log(np.asarray(T_mev, dtype=float)), self.ln_T_lo, self.ln_T_hi)

    def g_rho(self, T_mev) -> np.ndarray:
        """Energy-density degrees of freedom g_*(T)."""
        return np.exp(self._ln_grho(self._lnT(T_mev)))

    def g_s(self, T_mev) -> np.ndarray:
        """Entropy degrees of freedom g_*s(T)."""
        return np.exp(self._ln_gs(self._lnT(T_mev)))

    def dln_gs_dlnT(self, T_mev) -> np.ndarray:
        """d ln g_*s / d ln T (zero outside the tabulated range)."""
        lnT = np.log(np.asarray(T_mev, dtype=float))
        inside = (lnT > self.ln_T_lo) & (lnT < self.ln_T_hi)
        return np.where(inside, self._ln_gs(self._lnT(T_mev), 1), 0.0)

    def entropy_density(self, T_mev) -> np.ndarray:
        """SM entropy density s = (2 pi^2/45) g_s T^3 [MeV^3]."""
        T = np.asarray(T_mev, dtype=float)
        return 2.0 * np.pi**2 / 45.0 * self.g_s(T) * T**3

    def energy_density(self, T_mev) -> np.ndarray:
        """SM energy density rho = (pi^2/30) g_rho T^4 [MeV^4]."""
        T = np.asarray(T_mev, dtype=float)
        return np.pi**2 / 30.0 * self.g_rho(T) * T**4

    def hubble_mev(self, T_mev) -> np.ndarray:
        """Hubble rate H = sqrt(8 pi rho / 3) / M_Pl [MeV] with the SM energy density."""
        return np.sqrt(8.0 * np.pi * self.energy_density(T_mev) / 3.0) / c.M_PL_MEV


@functools.lru_cache(maxsize=1)
def default_plasma() -> SMPlasma:
    """The SM plasma from the shipped tabulation (built once per process; immutable)."""
    return SMPlasma.from_table(load_gstar_table())


def photon_number_density(T_mev) -> np.ndarray:
    """n_gamma = 2 zeta(3) T^3 / pi^2 [MeV^3]."""
    return 2.0 * c.ZETA3 / np.pi**2 * np.asarray(T_mev, dtype=float) ** 3


# --------------------------------------------------------------------------------------------------
# fast Fermi-Dirac density of a massive species, for the abundance solver
# --------------------------------------------------------------------------------------------------
_Z_SPLINE_RANGE = (1e-5, 40.0)


@functools.lru_cache(maxsize=1)
def _fd_density_spline() -> PchipInterpolator:
    """ln(n_FD / (g T^3)) + z as a function of ln z, z = m/T in [1e-5, 40] (exact quadrature nodes)."""
    z = np.geomspace(*_Z_SPLINE_RANGE, 1200)
    n = number_density(1.0, z, 1.0, True)
    return PchipInterpolator(np.log(z), np.log(n) + z)


def ln_fermion_density(T_mev, mass_mev, g: float) -> np.ndarray:
    """ln of the Fermi-Dirac equilibrium number density [MeV^3] (zero chemical potential).

    Interpolated in z = m/T for z <= 40 (relative error < 1e-8), Maxwell-Boltzmann with its first
    Fermi-Dirac correction beyond (exp(-40) corrections are negligible); never underflows.
    """
    from scipy.special import kve

    T = np.asarray(T_mev, dtype=float)
    z = np.asarray(mass_mev, dtype=float) / T
    z, T = np.broadcast_arrays(z, T)
    lo, hi = _Z_SPLINE_RANGE
    spline = _fd_density_spline()
    inner = spline(np.log(np.clip(z, lo, hi))) - np.clip(z, lo, hi)
    zz = np.maximum(z, hi)
    outer = np.log(zz**2 * kve(2, zz) / (2.0 * np.pi**2)) - zz
    return np.log(g) + 3.0 * np.log(T) + np.where(z <= hi, inner, outer)
