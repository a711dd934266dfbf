"""The thermal history with N: temperatures, expansion, the N population, decays and injection.

From the hand-off of the abundance stage (T_h, 10 MeV by default) to recombination (z = 1100) this
stage integrates, in x = ln(a/a_h):
    T_gamma, T_nu_e, T_nu_mu, T_nu_tau      (``equations``: Escudero's equations with QED corrections,
                                              nu-e exchange with the electron mass, injection terms),
    t                                       (dt/dx = 1/H),
    F_j, j = 1..n                           (N occupation on a grid of comoving momenta q_j),
and accumulators of the comoving energy (a^4 rho, per unit a_h^4) injected into photons and into each
neutrino flavour, and lost by N through collisions.

N: physical momentum p_j = q_j T_h e^{-x}, E_j = sqrt(p_j^2 + M^2), occupation F_j; with g_N states (2, up to
4 for a Dirac N whose flipped helicity pair is populated: ``NState.g_N``),
    n_N = g_N/(2 pi^2) sum_j w_j p_j^2 F_j,   rho_N = ... E_j ...,   P_N = ... p_j^2/(3 E_j) ...
(generalised Gauss-Laguerre nodes in q). Collisions, per momentum:
    dF_j/dt = -Gamma (M/E_j) (F_j - F_ID(E_j)) - Gamma_sc (F_j - F_sc(E_j)),
decays and inverse decays with the time-dilated width, and the production/annihilation scatterings of
the abundance stage with the momentum-averaged rate Gamma_sc = Gamma_prod(T_gamma) (relaxation-time
approximation). Equilibrium targets: F_sc = Fermi-Dirac at T_nu_a (the t-channel nu f -> N f trades an
active neutrino for N), F_ID = Fermi-Dirac at (T_gamma + T_nu_a)/2 (nu gamma -> N takes half its
energy from each sector). Energy: a decay in flight gives each daughter E_N/2 on average, so the
decay/inverse-decay term injects half of its energy into the photon plasma and half into nu_a; the
scattering term exchanges energy with nu_a.

H = sqrt(8 pi rho / 3)/M_Pl with rho = photons + e+- + QED + neutrinos + N + matter, matter being
(omega_b + omega_cdm) rho_crit/h^2 (T_gamma/T_cmb)^3.

Initial state at T_h: T_gamma = T_nu = T_h (neutrinos coupled), F_j from the hand-off NState (a
Fermi-Dirac shape at T_kin scaled to n_N).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import roots_genlaguerre

from .. import constants as c
from .. import plasma
from ..errors import SolverError
from ..model import Cosmology, DipolePortal, Relic
from ..production import Abundance
from ..production.rates import TABLE_T_RANGE_MEV
from . import _kernels
from . import equations as eq
from . import neutrino_rates as nr
from . import neutrinos as nu
from .thermo import Z_RANGE, em_splines

FLAVOUR_INDEX = {"e": 0, "mu": 1, "tau": 2}
NEFF_NORM = 8.0 / 7.0 * (11.0 / 4.0) ** (4.0 / 3.0)
T_BBN_MEV = 10e-3
Z_RECOMBINATION = 1100.0

INJECTIONS: tuple[str, ...] = ("spectral", "thermal")

Injection = Callable[[float, float], tuple[float, np.ndarray]]
"""An external source: (t [s], a/a_h) -> (Q_gamma, Q_nu[3]), energy per volume per natural time unit
[MeV^5] (a rate per second times hbar) into the photon plasma and each flavour (tests and studies)."""


@dataclass(frozen=True)
class NeutrinoSpectrum:
    """The decay neutrinos on their grid at recombination (``neutrinos``): the energy p_k [MeV] of each
    node, the comoving number density N[r, k] (a_h = 1; nu and nubar together) per row, a flavour or,
    where ``mass_basis[k]``, a mass state."""

    p_mev: np.ndarray = field(repr=False)
    """Comoving momentum of each node in MeV (the physical momentum at a = a_h = 1)."""
    number: np.ndarray = field(repr=False)
    mass_basis: np.ndarray = field(repr=False)
    u2: np.ndarray = field(repr=False)

    def flavours(self) -> np.ndarray:
        """(3, n): the comoving number density of nu_e, nu_mu, nu_tau at each node."""
        out = self.number.copy()
        conv = self.mass_basis
        out[:, conv] = self.u2 @ self.number[:, conv]
        return out


@dataclass(frozen=True)
class ThermalHistory:
    """The thermal history on output nodes (increasing time). Units: MeV, s; a normalised to a_h = 1."""

    t_s: np.ndarray = field(repr=False)
    a: np.ndarray = field(repr=False)
    T_gamma_mev: np.ndarray = field(repr=False)
    T_nu_mev: np.ndarray = field(repr=False)
    """(3, n): T of nu_e, nu_mu, nu_tau."""
    hubble_per_s: np.ndarray = field(repr=False)
    rho_N_mev4: np.ndarray = field(repr=False)
    n_N_mev3: np.ndarray = field(repr=False)
    P_N_mev4: np.ndarray = field(repr=False)
    q_gamma_mev5: np.ndarray = field(repr=False)
    """Energy injected per volume and time into the photon plasma [MeV^5] (net of inverse decays)."""
    q_nu_mev5: np.ndarray = field(repr=False)
    """(3, n): the same into each neutrino flavour."""
    photon_rate_mev4: np.ndarray = field(repr=False)
    """(n_bins, n): decay photons emitted per volume per time [MeV^4] from each N momentum bin."""
    N_energy_mev: np.ndarray = field(repr=False)
    """(n_bins, n): N energy of each bin: its photons are a box between E(1-v)/2 and E(1+v)/2."""
    neff: np.ndarray = field(repr=False)
    """N_eff(t) = (8/7)(11/4)^{4/3} (rho_nu + 3 P_N) / rho_gamma."""
    neff_bbn: float
    neff_cmb: float
    eta_ratio: float
    """eta_CMB / eta_BBN = (a T_gamma)^3 at BBN / (a T_gamma)^3 at recombination."""
    T_gamma_over_T_nu: float
    """Late T_gamma / T_nu, with T_nu the temperature of the mean neutrino energy density."""
    injected_comoving: dict[str, float] = field(default_factory=dict)
    """Comoving energies (a^4 rho, a_h = 1) injected into 'gamma', 'nu' and lost by N ('N')."""
    heat_gamma_comoving: np.ndarray | None = field(default=None, repr=False)
    """The comoving energy (a^4 rho, a_h = 1) N has given the photon plasma up to each node: the
    integrator's own ledger (decays, conduction, tightly coupled bins). The distortions take the heat
    from it: the rate ``q_gamma_mev5`` of a tightly coupled bin is a small difference of large numbers."""
    steps_below_tolerance: int = 0
    """Steps the integrator accepted at its smallest step without meeting the tolerance (0 normally)."""
    nu_grid_comoving: np.ndarray | None = field(default=None, repr=False)
    """(3, n): comoving energy (a^4 rho, a_h = 1) of the non-thermal decay neutrinos of each flavour
    (None: none followed; their energy went to the thermal neutrinos)."""
    capture_tau: np.ndarray | None = field(default=None, repr=False)
    """(2, n): lambda tau_n of nu_e n -> p e- and nubar_e p -> n e+ by the non-thermal neutrinos
    (BBN divides by its tau_n and adds them to the thermal rates)."""
    neutrino_injection: str = "none"
    """How the decay neutrinos were followed: "spectral", "thermal", or "none" (no N)."""
    nu_spectrum: NeutrinoSpectrum | None = field(default=None, repr=False)

    def energy_budget(self) -> dict[str, float]:
        """Where the energy N gave up ended, as fractions of it: 'gamma' (the photon plasma, directly
        and through the decay neutrinos' collisions), 'nu_thermal', 'nu_nonthermal' (still on the grid
        at recombination), and 'imbalance' (1 - their sum: numerical, < 1e-4)."""
        inj = self.injected_comoving
        total = inj.get("N", 0.0)
        if total == 0.0:
            return {"gamma": 0.0, "nu_thermal": 0.0, "nu_nonthermal": 0.0, "imbalance": 0.0}
        g, t, n = inj["gamma"] / total, inj["nu"] / total, inj.get("nu_nonthermal", 0.0) / total
        return {"gamma": g, "nu_thermal": t, "nu_nonthermal": n, "imbalance": 1.0 - g - t - n}

    def summary(self) -> dict[str, object]:
        """A JSON-ready summary; its keys are stable (other tools read them)."""
        return {
            "neff_bbn": self.neff_bbn,
            "neff_cmb": self.neff_cmb,
            "eta_ratio": self.eta_ratio,
            "T_gamma_over_T_nu": self.T_gamma_over_T_nu,
            "T_gamma_over_T_nu_flavours": [float(self.T_gamma_mev[-1] / t) for t in self.T_nu_mev[:, -1]],
            "t_recombination_s": float(self.t_s[-1]),
            "neutrino_injection": self.neutrino_injection,
            "injected_energy_fractions": self.energy_budget(),
        }


@functools.lru_cache(maxsize=4)
def _momentum_grid(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes q_j and weights W_j with int q^2 F(q) dq ~ sum W_j q_j^2 F(q_j)."""
    q, w = roots_genlaguerre(n, 2.0)
    return q, w * np.exp(q) / q**2


def _initial_occupation(abundance: Abundance, q: np.ndarray, W: np.ndarray, g_N: float) -> np.ndarray:
    """F_j at the hand-off: a Fermi-Dirac shape at T_kin scaled to n_N."""
    hs = abundance.handoff
    M = abundance.model.mass_mev
    e0 = np.sqrt((q * hs.T_mev) ** 2 + M * M)
    # for M >> T_kin the occupations themselves underflow (e^-729): there the shape is Maxwell-Boltzmann
    # (to e^-30) and taken relative to its largest value
    # an abundance that underflowed (M >> T with N in equilibrium: Y ~ 1e-323) leaves no kinetic
    # temperature: N is then coupled (kinetic equilibrium with the plasma)
    T_kin = hs.T_kin_mev if math.isfinite(hs.T_kin_mev) and hs.T_kin_mev > 0.0 else hs.T_mev
    x = e0 / T_kin
    shape = np.exp(x.min() - x) if x.min() > 30.0 else _fd(x)
    n_shape = g_N / (2 * np.pi**2) * hs.T_mev**3 * np.sum(W * q**2 * shape)
    return shape * (hs.n_N_mev3 / n_shape if n_shape > 0 else 0.0)


def _fd(e_over_t: np.ndarray) -> np.ndarray:
    """Fermi-Dirac occupation at E/T."""
    return plasma.occupation(e_over_t, True)


def _kinematics(x: float, q: np.ndarray, T_h: float, M: float, g_N: float):
    """Physical momenta, energies and the phase-space prefactor g/(2 pi^2) (T_h e^{-x})^3 at x = ln(a/a_h)."""
    p = q * T_h * math.exp(-x)
    return p, np.sqrt(p * p + M * M), g_N / (2 * np.pi**2) * T_h**3 * math.exp(-3 * x)


def solve_reference(
    model: DipolePortal | None,
    abundance: Abundance | None,
    cosmology: Cosmology | None = None,
    n_bins: int = 40,
    rtol: float = 1e-8,
    injection: Injection | None = None,
    T_start_mev: float = 10.0,
    n_out: int = 2000,
) -> ThermalHistory:
    """The same history with scipy's LSODA on the whole system, written with the plain (numpy/scipy)
    equations of ``equations``: slow (seconds); it checks ``solve`` and takes external sources."""
    cosmology = cosmology or Cosmology()
    if model is not None and abundance is not None:
        T_h = abundance.handoff.T_mev
    else:
        T_h = T_start_mev
    q, W = _momentum_grid(n_bins)
    g_N = abundance.handoff.g_N if abundance is not None else 2.0
    alpha = FLAVOUR_INDEX[model.flavour] if model is not None else 0
    if model is not None:
        M = model.mass_mev
        width = model.width_mev
        rate = abundance.production_rate
        F0 = _initial_occupation(abundance, q, W, g_N)
    else:
        M, width, rate = 1.0, 0.0, None
        F0 = np.zeros(n_bins)
    T_table_min = TABLE_T_RANGE_MEV[0]
    rho_m0 = (cosmology.omega_b + cosmology.omega_cdm) * c.RHO_CRIT_OVER_H2_MEV4
    T_cmb = cosmology.T_cmb_K * c.K_B_MEV_PER_K
    n_head = 10  # T(4), t, E_gamma, E_nu(3), E_N

    def state_rates(x: float, y: np.ndarray):
        T_g = y[0]
        T_nu = y[1:4]
        F = y[n_head:]
        d = eq.energy_densities(T_g, T_nu)
        rho = d["gamma"] + d["e"] + d["int"] + d["nu"].sum() + rho_m0 * (T_g / T_cmb) ** 3
        q_g, q_nu = 0.0, np.zeros(3)
        dF = np.zeros(n_bins)
        e_coll = 0.0
        if model is not None:
            p, E, pref = _kinematics(x, q, T_h, M, g_N)
            rho += pref * np.sum(W * q**2 * E * F)
            T_a = T_nu[alpha]
            f_id = _fd(E / (0.5 * (T_g + T_a)))
            decay = width * M / E * (F - f_id)
            gamma_sc = float(rate(np.array(T_g))) if T_g > T_table_min else 0.0
            scat = gamma_sc * (F - _fd(E / T_a))
            dF = -(decay + scat)
            q_decay = pref * np.sum(W * q**2 * E * decay)
            q_scat = pref * np.sum(W * q**2 * E * scat)
            q_g = 0.5 * q_decay
            q_nu[alpha] = 0.5 * q_decay + q_scat
            e_coll = q_decay + q_scat
        if injection is not None:
            t_s = y[4] * c.HBAR_MEV_S
            extra_g, extra_nu = injection(t_s, math.exp(x))
            q_g += extra_g
            q_nu = q_nu + np.asarray(extra_nu)
        hubble = math.sqrt(8 * math.pi * rho / 3) / c.M_PL_MEV
        return T_g, T_nu, hubble, q_g, q_nu, dF, e_coll, rho

    def rhs(x: float, y: np.ndarray) -> np.ndarray:
        T_g, T_nu, hubble, q_g, q_nu, dF, e_coll, _ = state_rates(x, y)
        dTg, dTnu = eq.temperature_derivatives(T_g, T_nu, hubble, q_g, q_nu)
        a4 = math.exp(4 * x)
        out = np.empty_like(y)
        out[0] = dTg / hubble
        out[1:4] = dTnu / hubble
        out[4] = 1.0 / hubble
        out[5] = a4 * q_g / hubble
        out[6:9] = a4 * q_nu / hubble
        out[9] = a4 * e_coll / hubble
        out[n_head:] = dF / hubble
        return out

    T_rec = T_cmb * (1 + Z_RECOMBINATION)

    def reached_recombination(x, y):
        return y[0] - T_rec

    reached_recombination.terminal = True
    y0 = np.concatenate([[T_h] * 4, [0.0], np.zeros(5), F0])
    d0 = eq.energy_densities(T_h, np.full(3, T_h))
    h0 = math.sqrt(8 * math.pi * (d0["gamma"] + d0["e"] + d0["int"] + d0["nu"].sum()) / 3) / c.M_PL_MEV
    y0[4] = 1.0 / (2.0 * h0)
    x_max = math.log(T_h / T_rec) + 2.0
    sol = solve_ivp(
        rhs, (0.0, x_max), y0, method="LSODA", rtol=rtol, atol=1e-30, events=reached_recombination, dense_output=True
    )
    if not sol.success:
        raise RuntimeError(sol.message)
    x_end = sol.t[-1]
    xs = np.linspace(0.0, x_end, n_out)
    ys = sol.sol(xs)
    return _assemble(xs, ys, state_rates, q, W, M, width, g_N, T_h, n_head, model is not None)


def _assemble(xs, ys, state_rates, q, W, M, width, g_N, T_h, n_head, has_n) -> ThermalHistory:
    n = xs.size
    hub = np.empty(n)
    rho_n = np.zeros(n)
    n_n = np.zeros(n)
    p_n = np.zeros(n)
    q_g = np.zeros(n)
    q_nu = np.zeros((3, n))
    photon = np.zeros((q.size, n))
    energy = np.zeros((q.size, n))
    for i in range(n):
        T_g, T_nu, h, qg, qn, _, _, _ = state_rates(xs[i], ys[:, i])
        hub[i], q_g[i], q_nu[:, i] = h, qg, qn
        if has_n:
            F = np.maximum(ys[n_head:, i], 0.0)  # solver noise below atol can be slightly negative
            p, E, pref = _kinematics(xs[i], q, T_h, M, g_N)
            n_n[i] = pref * np.sum(W * q**2 * F)
            rho_n[i] = pref * np.sum(W * q**2 * E * F)
            p_n[i] = pref * np.sum(W * q**2 * p * p / (3 * E) * F)
            photon[:, i] = pref * W * q**2 * width * M / E * F
            energy[:, i] = E
    return _history(
        xs,
        ys[4] * c.HBAR_MEV_S,
        ys[0],
        ys[1:4],
        hub,
        rho_n,
        n_n,
        p_n,
        q_g,
        q_nu,
        photon,
        energy,
        {"gamma": float(ys[5, -1]), "nu": float(ys[6:9, -1].sum()), "N": float(ys[9, -1])},
        t_in_seconds=True,
        heat_gamma=np.asarray(ys[5], dtype=float),
    )


def _history(
    xs,
    t,
    T_g,
    T_nu,
    hub,
    rho_n,
    n_n,
    p_n,
    q_g,
    q_nu,
    photon,
    energy,
    injected,
    t_in_seconds=False,
    heat_gamma=None,
    nu_grid_comoving=None,
    capture_tau=None,
) -> ThermalHistory:
    """Derived quantities (N_eff, eta ratio, ...) and the ThermalHistory record."""
    n = xs.size
    a = np.exp(xs)
    rho_g = eq.RHO_GAMMA_PER_T4 * T_g**4
    rho_nu = eq.RHO_NU_PER_T4 * (T_nu**4).sum(axis=0)
    if nu_grid_comoving is not None:
        rho_nu = rho_nu + nu_grid_comoving.sum(axis=0) / a**4
    neff = NEFF_NORM * (rho_nu + 3 * p_n) / rho_g
    aT = a * T_g
    t_nu_eff = ((T_nu[:, -1] ** 4).sum() / 3) ** 0.25
    ln_T_rev = np.log(T_g[::-1])
    return ThermalHistory(
        t_s=t if t_in_seconds else t * c.HBAR_MEV_S,
        a=a,
        T_gamma_mev=T_g,
        T_nu_mev=T_nu,
        hubble_per_s=hub / c.HBAR_MEV_S,
        rho_N_mev4=rho_n,
        n_N_mev3=n_n,
        P_N_mev4=p_n,
        q_gamma_mev5=q_g,
        q_nu_mev5=q_nu,
        photon_rate_mev4=photon,
        N_energy_mev=energy,
        neff=neff,
        neff_bbn=float(np.interp(math.log(T_BBN_MEV), ln_T_rev, neff[::-1])),
        neff_cmb=float(neff[n - 1]),
        eta_ratio=float((np.interp(math.log(T_BBN_MEV), ln_T_rev, aT[::-1]) / aT[-1]) ** 3),
        T_gamma_over_T_nu=float(T_g[-1] / t_nu_eff),
        injected_comoving=injected,
        heat_gamma_comoving=heat_gamma,
        nu_grid_comoving=nu_grid_comoving,
        capture_tau=capture_tau,
    )


@functools.lru_cache(maxsize=1)
def _kernel_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tables for the kernels: e+- and QED functions (th, tp), mass factors (mt) and rate parameters (rp)."""
    sp = em_splines()
    lnz = np.linspace(math.log(Z_RANGE[0]), math.log(Z_RANGE[1]), 1500)
    keys = ("rho_e", "p_e", "drho_e", "p_int", "dp_int", "d2p_int")
    th = np.array([[sp[k](lnz), sp[k](lnz, 1)] for k in keys])
    tp = np.array([c.M_E_MEV, lnz[0], lnz[1] - lnz[0], lnz[-1]])
    msp = eq._mass_factor_splines()
    grid = nr.Z_GRID
    lnm = np.linspace(math.log(grid[0]), math.log(grid[-1]), 400)
    mt = np.array([[msp[k](lnm), msp[k](lnm, 1)] for k in ("a_x", "a_y", "b_x", "b_y")])
    rp = np.concatenate(
        [
            [c.G_F_MEV2**2 / np.pi**5, nr.F_ANNIHILATION, nr.F_SCATTERING, c.M_E_MEV, lnm[0], lnm[1] - lnm[0], lnm[-1]],
            eq.X_COUPLING,
            eq.Y_COUPLING,
        ]
    )
    return th, tp, mt, rp


def solve(
    model: DipolePortal | Relic | None,
    abundance: Abundance | None = None,
    cosmology: Cosmology | None = None,
    n_bins: int = 24,
    rtol: float = 1e-7,
    h_max: float = 0.05,
    max_injection_fraction: float = 0.005,
    tight_coupling: bool = True,
    neutrino_injection: str = "spectral",
) -> ThermalHistory:
    """Integrate the thermal history from the hand-off to recombination; ``model=None`` is the SM, a
    ``Relic`` starts at its T0 with its abundance (no ``abundance`` stage).

    Method: Lie splitting per step in x = ln a. (1) The N occupations relax exactly over the step with
    the temperatures frozen (two-channel exponential solution), giving the energy N loses to decays and
    to scatterings; a step is halved if that exceeds ``max_injection_fraction`` of the SM energy
    density (0.5 % by default), so that injections are resolved in time. (2) The temperatures and t advance with an
    adaptive Rosenbrock method (Shampine & Reichelt's ode23s pair, relative tolerance ``rtol``) with
    that energy injected at a constant comoving rate over the step (half to photons and half to nu_a for
    decays; scatterings to nu_a): the comoving energy balance is exact by construction.

    ``neutrino_injection``: "spectral" puts the neutrinos of the decays on a momentum grid and follows
    their collisions, flavour and n <-> p conversions (``neutrinos``); "thermal" hands their energy to
    the nu_a temperature at once.
    """
    if neutrino_injection not in INJECTIONS:
        raise ValueError(f"neutrino_injection = {neutrino_injection!r}: allowed values are {INJECTIONS}")
    cosmology = cosmology or Cosmology()
    th, tp, mt, rp = _kernel_tables()
    q, W = _momentum_grid(n_bins)
    g_N = abundance.handoff.g_N if isinstance(model, DipolePortal) and abundance is not None else 2.0
    T_cmb = cosmology.T_cmb_K * c.K_B_MEV_PER_K
    T_rec = T_cmb * (1 + Z_RECOMBINATION)
    rho_m0 = (cosmology.omega_b + cosmology.omega_cdm) * c.RHO_CRIT_OVER_H2_MEV4 / T_cmb**3
    if isinstance(model, Relic):
        # a relic at rest from T0: its bins' momenta ~0 (scale 1e-9 T0), no inverse decays, no production
        T_h = model.T0_mev
        np_ = np.array([T_h, model.mass_mev, model.width_mev, g_N, FLAVOUR_INDEX[model.flavour]])
        np_ = np.concatenate([np_, [model.photon_fraction, RELIC_MOMENTUM_SCALE, 0.0]])
        F0 = _relic_occupation(model, q, W, g_N)
        lnT = np.array([0.0, 1.0])
        ln_gamma = np.array([-700.0, -700.0])
        T_lo = np.inf
        tight_coupling = False
    elif model is not None:
        if abundance is None:
            raise ValueError("background.solve: a DipolePortal needs its abundance (production.solve)")
        T_h = abundance.handoff.T_mev
        F0 = _initial_occupation(abundance, q, W, g_N)
        np_ = np.array(
            [T_h, model.mass_mev, model.width_mev, g_N, FLAVOUR_INDEX[model.flavour], model.photon_fraction, 1.0, 1.0]
        )
        T_lo = TABLE_T_RANGE_MEV[0]
        lnT = np.linspace(math.log(T_lo), math.log(max(T_h * 1.01, T_lo * 2)), 400)
        ln_gamma = np.log(abundance.production_rate(np.exp(lnT)))
    else:
        T_h = 10.0
        F0 = np.zeros(n_bins)
        np_ = np.array([T_h, 1.0, 0.0, g_N, 0.0, 0.5, 1.0, 1.0])
        lnT = np.array([0.0, 1.0])
        ln_gamma = np.array([-700.0, -700.0])
        T_lo = np.inf
    rho0 = _kernels.rho_standard(T_h, np.full(3, T_h), th, tp) + rho_m0 * T_h**3
    rho0 += _kernels.rho_n_at(0.0, F0, q, W, np_, np.zeros(n_bins, dtype=bool)) if model is not None else 0.0
    h0 = math.sqrt(8 * math.pi * rho0 / 3) / c.M_PL_MEV
    y0 = np.array([T_h, T_h, T_h, T_h, math.log(1.0 / (2.0 * h0))])
    gt = np.array([lnT[0], lnT[1] - lnT[0], T_lo])
    spectral = neutrino_injection == "spectral" and model is not None
    ntc = _grid_context(_grid_q_max(q, np_, T_h) if spectral else nu.Q_LOW * 2.0)
    xs, ys, Fs, acc, mom, count, forced, n_grid, conv = _kernels.integrate(
        y0,
        F0,
        T_rec,
        rtol,
        h_max,
        max_injection_fraction,
        q,
        W,
        np_,
        model is not None,
        gt,
        ln_gamma,
        rho_m0,
        th,
        tp,
        mt,
        rp,
        200_000,
        tight_coupling,
        spectral,
        ntc,
    )
    if count >= 200_000 or not np.all(np.isfinite(ys[:count])):
        raise SolverError("background", model, "the integrator did not reach recombination")
    xs, ys, Fs, acc, mom = xs[:count], ys[:count], Fs[:count], acc[:count], mom[:count]
    # end exactly at recombination: interpolate the last step
    ln_tg = np.log(ys[-2:, 0]) - xs[-2:]  # ln T_gamma of the last two steps (ys holds a T)
    frac = (ln_tg[0] - math.log(T_rec)) / (ln_tg[0] - ln_tg[1])
    x_end = xs[-2] + frac * (xs[-1] - xs[-2])
    # the output nodes are the accepted steps (no interpolation), the last one moved to recombination
    grid = xs.copy()
    grid[-1] = x_end
    y_out = ys.T.copy()
    F_out = Fs.T.copy()
    for k in range(5):
        y_out[k, -1] = ys[-2, k] + frac * (ys[-1, k] - ys[-2, k])
    F_out[:, -1] = Fs[-2] + frac * (Fs[-1] - Fs[-2])
    y_out[:4] *= np.exp(-grid)  # comoving a T -> T
    y_out[4] = np.exp(y_out[4])  # ln t -> t
    acc = acc.copy()
    acc[-1] = acc[-2] + frac * (acc[-1] - acc[-2])
    if spectral:
        mom = mom.T.copy()
        mom[:, -1] = mom[:, -2] + frac * (mom[:, -1] - mom[:, -2])
    else:
        mom = None
    history = _assemble_fast(grid, y_out, F_out, acc, q, W, np_, model is not None, rho_m0, th, tp, gt, ln_gamma, mom)
    spectrum = NeutrinoSpectrum(ntc[0] * T_h, n_grid, conv, nu.pmns_squared()) if spectral else None
    return dataclasses.replace(
        history,
        steps_below_tolerance=int(forced),
        neutrino_injection=neutrino_injection if model is not None else "none",
        nu_spectrum=spectrum,
    )


def _grid_q_max(q: np.ndarray, np_: np.ndarray, T_h: float) -> float:
    """The largest comoving momentum a decay neutrino can have before T_FREE: from the fastest N bin
    at the hand-off, or from N at rest when a has grown to (T_h / T_FREE) x 2 (e+- annihilation and
    some heating)."""
    M = np_[1]
    a_free = 2.0 * T_h / nu.T_FREE_MEV
    return max(math.sqrt((q[-1] * np_[6]) ** 2 + (M / T_h) ** 2), M * a_free / T_h)


RELIC_MOMENTUM_SCALE = 1e-9
"""The momentum of a relic's bins in units of T0 (at rest: p / M < 1e-4 for the lightest relic)."""


def _relic_occupation(model: Relic, q: np.ndarray, W: np.ndarray, g_N: float) -> np.ndarray:
    """F_j (the same in every bin) with n = n_over_ngamma n_gamma(T0) for bins at momentum scale
    RELIC_MOMENTUM_SCALE T0."""
    n = model.n_over_ngamma * 2.0 * c.ZETA3 / math.pi**2 * model.T0_mev**3
    pref = g_N / (2 * np.pi**2) * (model.T0_mev * RELIC_MOMENTUM_SCALE) ** 3
    return np.full(q.size, n / (pref * np.sum(W * q**2)))


@functools.lru_cache(maxsize=8)
def _grid_context(q_max: float) -> tuple:
    """The tables of the decay-neutrino kernels for a grid up to q_max (``_nonthermal``)."""
    n = nu.grid_size(q_max) if q_max > nu.Q_LOW * 2.0 else 2
    D, B, EB = nu.deposit_kernels(n_max := max(n, 2))
    jt, lw0, dlw = nu.annihilation_table()
    ct, le0, dle = nu.capture_table()
    pi_, pf = nu.process_table()
    c_tr = nu.potential_ratio(1.0, 1.0) / nu.TRANSITION_X  # transition where c_tr E^2 rho_e+- < 1
    ntp = np.array(
        [
            math.log(nu.Q_LOW),
            math.log(10.0) / nu.NODES_PER_DECADE,
            c.G_F_MEV2**2 / math.pi,
            c.M_E_MEV,
            c.Q_NP_MEV,
            nu.T_FREE_MEV,
            nu.T_COLLISIONS_OFF_MEV,
            c_tr,
        ]
    )
    return (
        nu.grid_nodes(n_max),
        nu.pmns_squared(),
        pi_,
        pf,
        np.ascontiguousarray(D),
        np.ascontiguousarray(B),
        np.ascontiguousarray(EB),
        jt,
        np.array([lw0, dlw]),
        np.ascontiguousarray(ct),
        np.array([le0, dle]),
        ntp,
    )


def _assemble_fast(xs, y, F, acc, q, W, np_, has_n, rho_m0, th, tp, gt, ln_gamma, mom) -> ThermalHistory:
    T_g, T_nu, t = y[0], np.ascontiguousarray(y[1:4]), y[4]
    n_n, rho_n, p_n, hub, q_g, q_nu, photon, energy = _kernels.observables(
        xs,
        T_g,
        T_nu,
        np.ascontiguousarray(F),
        q,
        W,
        np_,
        has_n,
        gt,
        ln_gamma,
        rho_m0,
        th,
        tp,
    )
    return _history(
        xs,
        t,
        T_g,
        T_nu,
        hub,
        rho_n,
        n_n,
        p_n,
        q_g,
        q_nu,
        photon,
        energy,
        {
            "gamma": float(acc[-1, 0]),
            "nu": float(acc[-1, 1:4].sum()),
            "N": float(acc[-1, 4]),
            "nu_onto_grid": float(acc[-1, 5]),
            "nu_grid_to_gamma": float(acc[-1, 6]),
            "nu_grid_to_thermal": float(acc[-1, 7]),
            "nu_nonthermal": float(mom[0:3, -1].sum()) if mom is not None else 0.0,
        },
        heat_gamma=np.ascontiguousarray(acc[:, 0]),
        nu_grid_comoving=mom[0:3] if mom is not None else None,
        capture_tau=mom[3:5] if mom is not None else None,
    )
