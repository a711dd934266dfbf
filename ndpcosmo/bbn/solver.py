"""BBN on a thermal history: the nuclear network from 10 MeV to 1 keV and the primordial abundances.

Equations (Wagoner 1969; Pitrou et al., Phys. Rep. 754 (2018) 1): for the abundances Y_i = n_i / n_b,

    dY_i/dx = (1/H) [ sum_r (nu'_i - nu_i) (rho^(n_R-1) lambda_r prod Y^nu/nu! - reverse) + weak n <-> p ],

in x = ln a along the history (T_gamma, T_nu_e, H from ``ThermalHistory``), with rho = n_b / N_A and
n_b a^3 fixed by omega_b today: n_b0 = omega_b rho_crit/h^2 / m_b, m_b the mean mass per baryon of a
Y = 0.247 hydrogen-helium mixture (the usual eta-omega_b conversion, eta_10 = 273.3 omega_b), and
a_today = a_end T_gamma,end / T_cmb. The weak rates use T_gamma for the electrons and T_nu_e for the
neutrinos (``ndpcosmo.bbn.weak``). Above T9 = 10 only n <-> p is followed (every nucleus is in nuclear
statistical equilibrium); at T9 = 10 the nuclei start from their Saha abundances. The stiff system is
integrated by a Rosenbrock method with the analytic Jacobian (``_kernels``). At the end, tritium is
counted as 3He and 7Be as 7Li (their later decays).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.interpolate import CubicSpline

from ndpcosmo import constants as c
from ndpcosmo.background.solver import ThermalHistory
from ndpcosmo.bbn import _kernels
from ndpcosmo.bbn.nuclides import NUCLIDES, ln_quantum_concentration
from ndpcosmo.bbn.rates import RateTables, rate_tables
from ndpcosmo.errors import SolverError
from ndpcosmo.model import Cosmology
from ndpcosmo.plasma import photon_number_density

WeakRateFunction = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
"""(T_gamma [MeV], T_nu_e [MeV]) -> (lambda_n->p, lambda_p->n) [s^-1]."""

T9_NUCLEAR_START = 10.0
"""Below this temperature [1e9 K] the nuclei are followed; above it they sit in NSE."""
Y_HE_FOR_MEAN_BARYON_MASS = 0.247
"""The helium fraction in the mean baryon mass of the eta-omega_b conversion (a convention)."""
ABUNDANCE_FLOOR: dict[str, float] = {
    "n": 1e-8,
    "p": 1e-8,
    "d": 1e-9,
    "t": 1e-9,
    "He3": 1e-9,
    "He4": 1e-8,
    "He6": 1e-20,
    "Li6": 1e-17,
    "Li7": 1e-13,
    "Li8": 1e-20,
    "Be7": 1e-13,
    "B8": 1e-20,
}
"""Scale below which an abundance is controlled absolutely (atol = rtol x floor): well below each
nuclide's primordial value, so the final abundances are controlled relatively."""


ABUNDANCE_KEYS: tuple[str, ...] = ("Yp_bbn", "Yp", "D_H", "He3_H", "Li7_H", "Li6_H")
"""The observable abundances every result reports (in this order in its summary)."""


@dataclass(frozen=True)
class BBNResult:
    """Primordial abundances (after 3H -> 3He and 7Be -> 7Li decays) and their theory errors."""

    Y: dict[str, float]
    """n_i / n_b of every nuclide at the end of the network, before the late decays."""
    Yp_bbn: float
    """4 n_He4 / n_b."""
    Yp: float
    """Helium-4 mass fraction (what CLASS calls YHe)."""
    D_H: float
    He3_H: float
    Li7_H: float
    Li6_H: float
    neff: float
    """N_eff of the history at BBN (T_gamma = 10 keV)."""
    eta10: float
    """1e10 n_b / n_gamma at the end of the network."""
    errors: dict[str, float] = field(default_factory=dict)
    """1-sigma relative theory errors from the nuclear rates (linear propagation), by output key."""
    baryon_number: float = 1.0
    """sum_i A_i Y_i at the end (1 up to the integration error)."""
    steps: int = 0

    def summary(self) -> dict[str, object]:
        """A JSON-ready summary; its keys are stable."""
        return {
            **{key: getattr(self, key) for key in ABUNDANCE_KEYS},
            "neff": self.neff,
            "eta10": self.eta10,
            "errors": dict(self.errors),
        }


def baryon_density_today_mev3(cosmology: Cosmology) -> float:
    """n_b today [MeV^3] from omega_b."""
    m_H, m_He = NUCLIDES["p"].atomic_mass_mev, NUCLIDES["He4"].atomic_mass_mev
    m_b = (1.0 - Y_HE_FOR_MEAN_BARYON_MASS) * m_H + Y_HE_FOR_MEAN_BARYON_MASS * m_He / 4.0
    return cosmology.omega_b * c.RHO_CRIT_OVER_H2_MEV4 / m_b


@dataclass(frozen=True)
class _Grid:
    x0: float
    dx: float
    table: np.ndarray  # rows: ln T9, ln rho, ln(1/H), lambda_np, lambda_pn
    x_start_nuclear: float
    x_end: float
    eta10: float


def _history_grid(
    history: ThermalHistory,
    cosmology: Cosmology,
    weak: WeakRateFunction,
    T_end_mev: float,
    points_per_efold: int,
    delta_neff: float = 0.0,
    tau_n_s: float = 879.4,
) -> _Grid:
    x = np.log(history.a)
    T_g = history.T_gamma_mev
    if T_g[-1] > T_end_mev:
        raise ValueError(f"the history ends at T_gamma = {T_g[-1]:.3g} MeV, above T_end_mev = {T_end_mev}")
    keep = np.concatenate(([True], np.diff(x) > 0))
    x, T_g, T_nu, H = x[keep], T_g[keep], history.T_nu_mev[0][keep], history.hubble_per_s[keep]
    x_end = float(np.interp(-math.log(T_end_mev), -np.log(T_g), x))
    n = max(int((x_end - x[0]) * points_per_efold), 16) + 4
    xs = np.linspace(x[0], x_end + 3 * (x_end - x[0]) / (n - 4), n)
    # ln T_gamma, ln T_nu, ln H: cubic splines in ln a (one spline object, a column each)
    T_grid, Tnu_grid, H_grid = np.exp(CubicSpline(x, np.log(np.stack([T_g, T_nu, H], axis=1)))(xs)).T
    a_today = history.a[-1] * history.T_gamma_mev[-1] / (cosmology.T_cmb_K * c.K_B_MEV_PER_K)
    n_b = baryon_density_today_mev3(cosmology) * (a_today / np.exp(xs)) ** 3
    lam_np, lam_pn = weak(T_grid, Tnu_grid)
    if history.capture_tau is not None:
        # the non-thermal decay neutrinos' nu_e n -> p e- and nubar_e p -> n e+ (lambda tau_n)
        ct = history.capture_tau[:, keep]
        lam_np = lam_np + np.interp(xs, x, ct[0], right=0.0) / tau_n_s
        lam_pn = lam_pn + np.interp(xs, x, ct[1], right=0.0) / tau_n_s
    # extra free-streaming radiation: Delta N_eff x (7/8)(4/11)^(4/3) rho_gamma late, redshifting as a^-4
    rho_gamma_end = math.pi**2 / 15.0 * history.T_gamma_mev[-1] ** 4
    rho_x = delta_neff * 7.0 / 8.0 * (4.0 / 11.0) ** (4.0 / 3.0) * rho_gamma_end * (history.a[-1] / np.exp(xs)) ** 4
    table = np.stack(
        [
            np.log(T_grid * c.MEV_TO_KELVIN * 1e-9),
            np.log(n_b / c.HBARC_MEV_CM**3 / c.AVOGADRO_PER_MOL),
            -0.5 * np.log(H_grid**2 + 8.0 * math.pi / 3.0 * rho_x / c.M_PL_MEV**2 / c.HBAR_MEV_S**2),
            lam_np,
            lam_pn,
        ]
    )
    T9 = np.exp(table[0])
    x_nuc = float(np.interp(-math.log(T9_NUCLEAR_START), -np.log(T9), xs)) if T9[0] > T9_NUCLEAR_START else float(xs[0])
    n_gamma_end = float(photon_number_density(T_end_mev))
    eta10 = 1e10 * baryon_density_today_mev3(cosmology) * (a_today / math.exp(x_end)) ** 3 / n_gamma_end
    return _Grid(float(xs[0]), float(xs[1] - xs[0]), np.ascontiguousarray(table), x_nuc, x_end, eta10)


@functools.lru_cache(maxsize=1)
def _weak_table() -> WeakRateFunction:
    from ndpcosmo.bbn.weak import weak_rates

    return weak_rates(TAU_N_TABLE_S)


T_WEAK_LATE_MEV = 0.03
"""Below this photon temperature the weak rates are taken at T_nu/T_gamma clipped to the table."""
TAU_N_TABLE_S = 879.4
"""The neutron lifetime of the cached weak-rate table; the rates scale exactly as 1 / tau_n."""


def _default_weak(tau_n_s: float) -> WeakRateFunction:
    """The fully corrected weak rates (``ndpcosmo.bbn.weak``) for ``tau_n_s``."""
    table = _weak_table()
    factor = TAU_N_TABLE_S / tau_n_s

    def rates(T_gamma_mev: np.ndarray, T_nu_mev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # below 30 keV n -> p is the free decay and p -> n is exp(-Q/T)-suppressed: T_nu no longer
        # matters, and it is held inside the table there (late decays can heat the photons further);
        # at any T, below the table's r_min (0.025) the nu-driven rates are negligible (< 3e-7): clipped
        ratio = T_nu_mev / T_gamma_mev
        ratio = np.where(
            T_gamma_mev < T_WEAK_LATE_MEV, np.clip(ratio, table.r[0], table.r[-1]), np.maximum(ratio, table.r[0])
        )
        lam_np, lam_pn = table(T_gamma_mev, ratio * T_gamma_mev)
        return factor * lam_np, factor * lam_pn

    return rates


def nse_abundances(nuclides: tuple[str, ...], Y_n: float, Y_p: float, T_mev: float, ln_rho: float) -> np.ndarray:
    """Saha (NSE) abundances of the nuclei given the free nucleons:
    Y_A = (Q_A / rho N_A) prod (Y_n rho N_A / Q_n)^N (Y_p rho N_A / Q_p)^Z exp(B_A / T)."""
    ln_nb = ln_rho + math.log(c.AVOGADRO_PER_MOL)
    T = np.array([T_mev])
    lq_n = float(ln_quantum_concentration("n", T)[0])
    lq_p = float(ln_quantum_concentration("p", T)[0])
    out = np.zeros(len(nuclides))
    for i, name in enumerate(nuclides):
        nuc = NUCLIDES[name]
        if name == "n":
            out[i] = Y_n
        elif name == "p":
            out[i] = Y_p
        else:
            N = nuc.A - nuc.Z
            B = 1e-3 * (nuc.Z * NUCLIDES["p"].mass_excess_kev + N * NUCLIDES["n"].mass_excess_kev - nuc.mass_excess_kev)
            lnY = (
                float(ln_quantum_concentration(name, T)[0])
                - ln_nb
                + N * (math.log(Y_n) + ln_nb - lq_n)
                + nuc.Z * (math.log(Y_p) + ln_nb - lq_p)
                + B / T_mev
            )
            out[i] = math.exp(lnY) if lnY > -700 else 0.0
    return out


def _run(grid: _Grid, tables: RateTables, scale: np.ndarray, rtol: float) -> tuple[np.ndarray, int]:
    st = tables.stoichiometry()
    nuclides = tables.nuclides
    atol = rtol * np.array([ABUNDANCE_FLOOR[n] for n in nuclides])
    args = (
        grid.table,
        grid.x0,
        grid.dx,
        tables.ln_forward,
        tables.ln_reverse,
        tables.u0,
        tables.du,
        st["n_in"],
        st["n_out"],
        st["rin"],
        st["rout"],
        st["fin"],
        st["fout"],
    )
    # n <-> p alone down to T9 = 10, from weak equilibrium at the start
    lam_np, lam_pn = grid.table[3, 0], grid.table[4, 0]
    Y = np.zeros(len(nuclides))
    Y[0] = lam_pn / (lam_np + lam_pn)
    Y[1] = 1.0 - Y[0]
    steps = 0
    if grid.x_start_nuclear > grid.x0:
        Y, k, _, ok = _kernels.integrate(
            Y, grid.x0, grid.x_start_nuclear, rtol, atol, 0.1, *args, np.zeros_like(scale), 100000
        )
        steps += k
        if not ok:
            raise SolverError("bbn", None, "the n <-> p integration did not finish")
    ln_rho = _kernels.lagrange4(grid.table, 1, grid.x0, grid.dx, grid.x_start_nuclear)
    T9 = math.exp(_kernels.lagrange4(grid.table, 0, grid.x0, grid.dx, grid.x_start_nuclear))
    Y = nse_abundances(nuclides, Y[0], Y[1], T9 * 1e9 * c.K_B_MEV_PER_K, ln_rho)
    A = np.array([NUCLIDES[n].A for n in nuclides])
    excess = float(A[2:] @ Y[2:])
    Y[0] *= 1.0 - excess  # keep sum A Y = 1 (the NSE nuclei are ~1e-11 here)
    Y[1] *= 1.0 - excess
    Y, k, _, ok = _kernels.integrate(Y, grid.x_start_nuclear, grid.x_end, rtol, atol, 0.1, *args, scale, 200000)
    steps += k
    if not ok:
        raise SolverError("bbn", None, "the nuclear network did not reach the end of BBN")
    return Y, steps


ERROR_METHODS: tuple[str, ...] = ("none", "linear", "montecarlo")


def _theory_errors(
    method: str, grid: _Grid, tables: RateTables, obs: dict[str, float], rtol: float, n_samples: int, seed: int
) -> dict[str, float]:
    """1-sigma relative errors of the observables from the rate uncertainties (see ``solve``)."""
    if method not in ERROR_METHODS:
        raise ValueError(f"errors = {method!r}: allowed values are {ERROR_METHODS}")
    uncertain = [r for r in range(len(tables.reactions)) if np.any(tables.ln_sigma[r] > 0.0)]
    if method == "none" or not uncertain:
        return {}
    ones = np.ones(len(tables.reactions))

    def observe(t: RateTables) -> dict[str, float]:
        return _observables(tables.nuclides, np.maximum(_run(grid, t, ones, rtol)[0], 0.0))

    def ln_ratio(shifted: dict[str, float], key: str) -> float:
        return math.log(shifted[key] / obs[key]) if obs[key] > 0.0 and shifted[key] > 0.0 else 0.0

    if method == "linear":
        var = dict.fromkeys(obs, 0.0)
        for r in uncertain:
            shifted = observe(tables.shifted(tables.reactions[r].name))
            for key in obs:
                var[key] += ln_ratio(shifted, key) ** 2
        return {key: math.sqrt(v) for key, v in var.items()}
    if not (isinstance(n_samples, int) and n_samples >= 10):
        raise ValueError(f"n_samples = {n_samples!r}: need an integer >= 10")
    rng = np.random.default_rng(seed)
    samples = {key: [] for key in obs}
    for _ in range(n_samples):
        z = rng.standard_normal(len(tables.reactions))
        fwd = tables.ln_forward + z[:, None] * tables.ln_sigma
        rev = tables.ln_reverse + z[:, None] * tables.ln_sigma
        shifted = observe(replace(tables, ln_forward=fwd, ln_reverse=rev))
        for key in obs:
            samples[key].append(ln_ratio(shifted, key))
    return {key: float(np.std(v, ddof=1)) for key, v in samples.items()}


def _observables(nuclides: tuple[str, ...], Y: np.ndarray) -> dict[str, float]:
    y = dict(zip(nuclides, (float(v) for v in Y), strict=True))
    H = y["p"]
    mass = sum(y[n] * NUCLIDES[n].atomic_mass_mev for n in nuclides)
    return {
        "Yp_bbn": 4.0 * y["He4"],
        "Yp": y["He4"] * NUCLIDES["He4"].atomic_mass_mev / mass,
        "D_H": y["d"] / H,
        "He3_H": (y["He3"] + y["t"]) / H,
        "Li7_H": (y["Li7"] + y["Be7"]) / H,
        "Li6_H": y["Li6"] / H,
    }


def solve(
    history: ThermalHistory,
    cosmology: Cosmology | None = None,
    *,
    network: str = "key",
    library: str = "starlib",
    rtol: float = 1e-4,
    T_end_mev: float = 1e-3,
    points_per_efold: int = 100,
    weak: WeakRateFunction | None = None,
    tables: RateTables | None = None,
    errors: str = "linear",
    delta_neff: float = 0.0,
    n_samples: int = 200,
    seed: int = 1,
) -> BBNResult:
    """Run the network on ``history``; ``tables`` replaces the default rates (e.g. ``with_forward``),
    ``weak`` the weak rates. ``errors``: the theory errors from the nuclear-rate uncertainties,
    "linear" (one run per uncertain reaction, each rate moved by its 1-sigma factor, added in
    quadrature), "montecarlo" (``n_samples`` runs with every rate drawn from its log-normal, one
    normal deviate per reaction at all temperatures as STARLIB prescribes; the standard deviation of
    ln(abundance)) or "none". ``delta_neff``: extra free-streaming
    radiation, Delta N_eff (7/8)(4/11)^(4/3) rho_gamma after e+- annihilation, scaling as a^-4, added to
    the expansion rate (exact for radiation that exchanges no energy)."""
    cosmology = cosmology or Cosmology()
    if weak is None:
        weak = _default_weak(cosmology.tau_n_s)
    tables = tables or rate_tables(network, library)
    grid = _history_grid(history, cosmology, weak, T_end_mev, points_per_efold, delta_neff, cosmology.tau_n_s)
    ones = np.ones(len(tables.reactions))
    Y, steps = _run(grid, tables, ones, rtol)
    Y = np.maximum(Y, 0.0)  # a nuclide burnt to nothing ends within atol of 0, possibly just below
    obs = _observables(tables.nuclides, Y)
    errs = _theory_errors(errors, grid, tables, obs, rtol, n_samples, seed)
    A = np.array([NUCLIDES[n].A for n in tables.nuclides])
    neff = float(np.interp(-math.log(0.01), -np.log(history.T_gamma_mev), history.neff)) + delta_neff
    return BBNResult(
        Y=dict(zip(tables.nuclides, (float(v) for v in Y), strict=True)),
        neff=neff,
        eta10=grid.eta10,
        errors=errs,
        baryon_number=float(A @ Y),
        steps=steps,
        **obs,
    )


__all__ = ["BBNResult", "solve", "nse_abundances", "baryon_density_today_mev3"]
