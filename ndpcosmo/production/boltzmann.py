"""The stiff Boltzmann equation for the N abundance in an equilibrium SM bath.

With Y = n_N / s and the SM entropy conserved (REFERENCE.md section 2):
    dY/dx = k(x) [Y_eq(x) - Y],   x = ln a = -ln T - (1/3) ln g_s(T) + const,
    k = (Gamma_prod + <Gamma_dec>) / H,
    Gamma_prod = gamma_prod(T) / n_N^eq(T),   <Gamma_dec> = Gamma K_1(M/T) / K_2(M/T),
with gamma_prod the reaction density of all production processes (``rates``; around and above the
electroweak crossover the condensate-scaled dimension-5 rate plus the dimension-6 contact processes,
``electroweak``, or with ``Precision.electroweak = "broken"`` the dimension-5 rate continued), n_N^eq the Fermi-Dirac
density of g_N = 2 states and H the SM Hubble rate (N's own energy density is left out of H here; the
thermal-history stage includes it). The collision term (n_eq - n) Gamma follows from detailed balance.
Integrating in ln a rather than ln T is the same equation as REFERENCE's dY/dT form, whose factor
(1 + (1/3) d ln g_s/d ln T) is dx/d(-ln T); it avoids differentiating the tabulated g_s, whose
lattice-based rows have small steps.
The equation is linear in Y and is integrated with the exponential integrator of ``_kernels.relax``
(exact in both the frozen and the equilibrium limits), on ceil(0.5/sqrt(rtol)) steps per decade of T,
each cut further so that neither ln k nor ln Y_eq changes by more than the step in ln T.

Start: T_start = min(T_RH, T_max). With a reheating temperature N starts empty, Y(T_RH) = 0; with no
reheating limit it starts in equilibrium (Gamma/H grows with T at all higher temperatures: ~ T with
the dimension-5 rate, ~ T^3 in the symmetric phase). End: the hand-off temperature
T_h = min(T_handoff, T_start/2), 10 MeV by default, where the SM neutrinos are still coupled and the
thermal-history stage takes over.

Energy weight: to hand on the momentum scale of the N population the solver follows, with the same
rates, Z with dZ/dx = k (Y_eq g_s^{-1/3} - Z): N produced at temperature T' carry mean momentum
~ 3.15 T' and redshift with a ~ g_s^{-1/3}/T, so the population's effective temperature is
T_N = T g_s(T)^{1/3} Z / Y (T_N = T while coupled). From it:
    Delta N_eff (relativistic, never decaying) = rho_N / rho_nu(one flavour) after nu decoupling
        = 10.75^{4/3} (4 pi^4 / (135 zeta(3))) Z   (-> (g_N/2)(10.75/g_s(T_dec))^{4/3} for a relic).

Decoupling temperature: the lowest T at which Gamma_prod / H falls through 1 (decays and inverse
decays excluded), with Gamma_prod = gamma_prod / n_N^eq per N state. If Gamma_prod < H over the whole
table, it is extrapolated above 10 TeV as the power law of the last tabulated interval and flagged
"above"; if Gamma_prod > H down to 10 keV, it is flagged "below".
Its theory band, T_dec_band_mev = [low, high]: T_dec with the t-channel cut at xi^2 m_D^2 for
xi = 1/2 and 2 (``BAND_SCREENING_SCALES``), i.e. the bracket [ln(T/m_D) + C] of the leading-order
rate moved by -+ ln 2: the size assigned to the uncomputed O(e) corrections (docs/physics.md,
"Screening and the T_dec band").
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.special import k1e, kve

from .. import constants as c
from .. import plasma
from ..errors import SolverError
from ..model import DipolePortal, Precision
from . import electroweak as ew
from . import helicity, reheating
from ._kernels import relax
from .rates import RateTable, rate_table

BAND_SCREENING_SCALES = (0.5, 2.0)
"""xi of the cut |t| >= xi^2 m_D^2 at the two edges of the T_dec band (1 is leading-order HTL)."""
G_S_NU_DECOUPLING = 10.75
_DNEFF_PER_Z = G_S_NU_DECOUPLING ** (4.0 / 3.0) * 4.0 * np.pi**4 / (135.0 * c.ZETA3)


@dataclass(frozen=True)
class NState:
    """The N population handed to the thermal-history stage at temperature ``T_mev``.

    Its momentum distribution is a Fermi-Dirac shape at temperature ``T_kin_mev`` scaled to the
    number density ``n_N_mev3`` (kinetic equilibrium at production).
    """

    T_mev: float
    Y_N: float
    Y_eq: float
    """Y_eq of the ``g_N`` states."""
    n_N_mev3: float
    T_kin_mev: float
    rate_over_hubble: float
    """(Gamma_prod + <Gamma_dec>) / H at hand-off."""
    g_N: float = 2.0
    """States populated: 2 (one helicity pair) up to 4 (a Dirac N with its flipped pair in equilibrium),
    2 (1 + Y_flipped / Y_pair); the thermal history's equilibrium targets use it."""

    @property
    def coupled(self) -> bool:
        """Whether N is still in contact with the plasma (rate above H) at hand-off."""
        return self.rate_over_hubble > 1.0


@dataclass(frozen=True)
class Abundance:
    """Result of the abundance stage. Arrays run from T_start down to the hand-off temperature."""

    model: DipolePortal
    T_mev: np.ndarray = field(repr=False)
    Y_N: np.ndarray = field(repr=False)
    Y_eq: np.ndarray = field(repr=False)
    gamma_prod_over_H: np.ndarray = field(repr=False)
    T_start_mev: float
    T_dec_mev: float
    T_dec_bound: str
    """'' if T_dec was found in the table, 'above' (extrapolated beyond 10 TeV) or 'below' (< 10 keV)."""
    T_dec_band_mev: tuple[float, float]
    """[low, high]: T_dec with the screening scale xi = 1/2 and 2 (module docstring)."""
    handoff: NState
    n_N_over_n_gamma_10mev: float
    """Y_N at hand-off expressed as n_N/n_gamma at T = 10 MeV (comoving; ACROPOLIS's n0a)."""
    delta_neff_relativistic: float
    production_rate: ProductionRate = field(repr=False)
    """Gamma_prod(T) used here (the thermal-history stage continues with it)."""

    @property
    def Y_N_relic(self) -> float:
        """Y_N = n_N/s at the hand-off temperature."""
        return self.handoff.Y_N

    @property
    def tau_s(self) -> float:
        return self.model.tau_s

    def summary(self) -> dict[str, object]:
        """A JSON-ready summary; its keys are stable (other tools read them)."""
        m = self.model
        return {
            "mass_mev": m.mass_mev,
            "mu_muB": m.mu_muB,
            "nature": m.nature,
            "flavour": m.flavour,
            "T_RH_mev": m.T_RH_mev,
            "reheating": m.reheating,
            "g_N": m.g_N,
            "tau_s": m.tau_s,
            "width_mev": m.width_mev,
            "T_dec_mev": self.T_dec_mev,
            "T_dec_bound": self.T_dec_bound,
            "T_dec_band_mev": list(self.T_dec_band_mev),
            "T_start_mev": self.T_start_mev,
            "T_handoff_mev": self.handoff.T_mev,
            "Y_N": self.handoff.Y_N,
            "Y_N_over_Y_eq": self.handoff.Y_N / self.handoff.Y_eq if self.handoff.Y_eq > 0 else None,
            "coupled_at_handoff": self.handoff.coupled,
            "T_kin_over_T_handoff": self.handoff.T_kin_mev / self.handoff.T_mev,
            "n_N_over_n_gamma_10mev": self.n_N_over_n_gamma_10mev,
            "delta_neff_relativistic": self.delta_neff_relativistic,
        }


def handoff_temperature(T_start_mev: float, precision: Precision) -> float:
    """T_h = min(T_handoff, T_start / 2)."""
    return min(precision.T_handoff_mev, 0.5 * T_start_mev)


def _ln_neq(T: np.ndarray, model: DipolePortal) -> np.ndarray:
    return plasma.ln_fermion_density(T, model.mass_mev, model.g_N)


def _mean_decay_rate(T: np.ndarray, model: DipolePortal) -> np.ndarray:
    """<Gamma> = Gamma K1(z)/K2(z), the time-dilated width averaged over a thermal distribution."""
    z = model.mass_mev / T
    return model.width_mev * k1e(z) / kve(2, z)


@dataclass(frozen=True)
class ProductionRate:
    """Gamma_prod(T) = gamma_prod / n_N^eq [MeV] of one model, as arrays on the rate table's T nodes.

    Call it with T [MeV] (any T in the table). The abundance stage hands it on (``Abundance``), so the
    thermal-history stage uses the rate the run's ``Precision`` made and never rebuilds a table.
    """

    T_mev: np.ndarray = field(repr=False)
    ln_gamma_reduced: np.ndarray = field(repr=False)
    """ln(gamma_prod / mu^2) + M/T at ``T_mev``."""
    mass_mev: float
    mu_per_mev: float
    g_N: int

    @functools.cached_property
    def _spline(self) -> CubicSpline:
        return CubicSpline(np.log(self.T_mev), self.ln_gamma_reduced)

    def __call__(self, T_mev: np.ndarray) -> np.ndarray:
        T = np.asarray(T_mev, dtype=float)
        ln_neq = plasma.ln_fermion_density(T, self.mass_mev, self.g_N)
        return np.exp(self._spline(np.log(T)) - self.mass_mev / T + 2.0 * math.log(self.mu_per_mev) - ln_neq)


def production_rate(model: DipolePortal, table: RateTable, precision: Precision | None = None) -> ProductionRate:
    """Gamma_prod(T) = gamma_prod / n_N^eq [MeV] for this model, as a function of T [MeV] (any T in the table).

    ``precision.electroweak`` = "crossover" (default): the tabulated (dimension-5) density times
    (v(T)/v_0)^2 plus the dimension-6 contact processes (``electroweak``, with the Higgs-doublet
    thermal masses scaled by ``precision.screening_scale``); "broken": the tabulated density at all T.
    ``table`` must be made with the same precision (``rate_table(precision)``).
    """
    precision = precision or Precision()
    ln_reduced = table.ln_gamma_prod_reduced(model.mass_mev)
    if precision.electroweak == "crossover":
        T = table.T_mev
        contact = ew.contact_density_over_mu2(T, model.cw_over_cb, precision.screening_scale)
        with np.errstate(divide="ignore"):
            ln_vev2 = 2.0 * np.log(ew.higgs_vev_ratio(T))
            ln_contact = np.log(contact) + model.mass_mev / T
        ln_reduced = np.logaddexp(ln_reduced + ln_vev2, ln_contact)
    return ProductionRate(table.T_mev, ln_reduced, model.mass_mev, model.mu_per_mev, model.g_N)


def relaxation_terms(
    T_mev: np.ndarray, model: DipolePortal, rate: ProductionRate, sm: plasma.SMPlasma
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(k, Gamma_prod/H, ln Y_eq) of dY/d ln a = k (Y_eq - Y) at temperatures ``T_mev``."""
    T = np.asarray(T_mev, dtype=float)
    hubble = sm.hubble_mev(T)
    gamma_prod_over_h = rate(T) / hubble
    k = gamma_prod_over_h + _mean_decay_rate(T, model) / hubble
    ln_y_eq = _ln_neq(T, model) - np.log(sm.entropy_density(T))
    return k, gamma_prod_over_h, ln_y_eq


def decoupling_temperature(
    model: DipolePortal, table: RateTable, sm: plasma.SMPlasma, precision: Precision | None = None
) -> tuple[float, str]:
    """T_dec where Gamma_prod = H (lowest crossing), and a bound flag; see the module docstring."""
    T = table.T_mev
    r = np.log(production_rate(model, table, precision)(T)) - np.log(sm.hubble_mev(T))
    up = np.nonzero((r[:-1] < 0.0) & (r[1:] >= 0.0))[0]
    if r[0] >= 0.0:
        # still coupled at the lowest tabulated T; a crossing above that is not the last one
        return float(T[0]), "below"
    if up.size == 0:
        # never coupled inside the table: extrapolate Gamma/H as the power law of its last interval
        slope = (r[-1] - r[-2]) / math.log(T[-1] / T[-2])
        return float(T[-1] * math.exp(-r[-1] / max(slope, 0.5))), "above"
    i = up[0]
    frac = -r[i] / (r[i + 1] - r[i])
    return float(math.exp(math.log(T[i]) + frac * math.log(T[i + 1] / T[i]))), ""


def decoupling_band(model: DipolePortal, precision: Precision, sm: plasma.SMPlasma) -> tuple[float, float]:
    """[low, high] of T_dec across ``BAND_SCREENING_SCALES`` (rate tables with those cuts; cached)."""
    values = []
    for xi in BAND_SCREENING_SCALES:
        p = dataclasses.replace(precision, screening_scale=xi)
        values.append(decoupling_temperature(model, rate_table(p), sm, p)[0])
    return (min(values), max(values))


def integrate(
    T_mev: np.ndarray,
    g_s: np.ndarray,
    rate_over_hubble: np.ndarray,
    ln_y_eq: np.ndarray,
    mass_mev: float,
    y0: float,
    precision: Precision,
    ln_a: np.ndarray | None = None,
    dilution: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Integrate dY/d ln a = k (Y_eq - Y) - d Y and the energy weight Z on the nodes ``T_mev``.

    ``g_s`` is the entropy degrees of freedom at the nodes; ``ln_a`` the scale factor (default, entropy
    conserved: ln a = -ln T - ln g_s / 3), ``rate_over_hubble`` is k = Gamma / H, ``ln_y_eq`` is
    ln Y_eq, ``dilution`` d = d ln(s a^3)/d ln a (entropy release; default 0), written as the
    relaxation form with k + d and the target k Y_eq / (k + d). Z weights each N made by a T (the
    momentum scale ~ a T at production, normalised so that a T = g_s^{-1/3} where entropy is
    conserved). Y(T_0) = y0 and Z(T_0) = y0 (a T)_0. Returns (Y, Z) at the nodes.
    """
    lnT = np.log(T_mev)
    # x = ln a + const: entropy conservation gives a ~ g_s^{-1/3} / T, and dx/dt = H exactly
    x = -lnT - np.log(g_s) / 3.0 if ln_a is None else ln_a
    ln_weight = x + lnT
    k = np.asarray(rate_over_hubble, dtype=float)
    if dilution is not None:
        k_eff = k + dilution
        ln_y_eq = ln_y_eq + np.log(np.maximum(k, 1e-300)) - np.log(np.maximum(k_eff, 1e-300))
        k = k_eff
    ln_k = np.log(np.maximum(k, 1e-300))
    max_dln = math.log(10.0) / precision.abundance_steps_per_decade
    reduced = ln_y_eq + mass_mev / T_mev
    y = relax(x, lnT, ln_k, reduced, mass_mev, y0, max_dln)
    z = relax(x, lnT, ln_k, reduced + ln_weight, mass_mev, y0 * math.exp(ln_weight[0]), max_dln)
    return y, z


def solve(
    model: DipolePortal,
    precision: Precision | None = None,
    sm: plasma.SMPlasma | None = None,
    table: RateTable | None = None,
) -> Abundance:
    """Solve for Y_N from T_start down to the hand-off temperature; see the module docstring."""
    precision = precision or Precision()
    sm = sm or plasma.default_plasma()
    table = table or rate_table(precision)
    rate = production_rate(model, table, precision)
    perturbative = model.reheating == "perturbative"
    if perturbative:
        epoch = reheating.history(model.T_RH_mev, sm, precision.T_max_mev)
        T_start = epoch.T_max_mev
        T_h = min(handoff_temperature(T_start, precision), epoch.T_end_mev)
        T_std_top = epoch.T_end_mev
    else:
        T_start = min(model.T_RH_mev or math.inf, precision.T_max_mev)
        T_h = handoff_temperature(T_start, precision)
        T_std_top = T_start

    n_steps = max(4, math.ceil(math.log10(T_std_top / T_h) * precision.abundance_steps_per_decade))
    T = np.exp(np.linspace(math.log(T_std_top), math.log(T_h), n_steps + 1))
    k, gamma_prod_over_h, ln_yeq = relaxation_terms(T, model, rate, sm)
    decays_over_h = _mean_decay_rate(T, model) / sm.hubble_mev(T)
    ln_a = dilution = None
    if perturbative:
        # the reheating epoch before the entropy-conserving nodes, joined continuously in ln a
        T_r = epoch.T_mev[:-1]
        ln_a_join = -math.log(T_std_top) - math.log(float(sm.g_s(T_std_top))) / 3.0
        ln_a_r = epoch.ln_a[:-1] - epoch.ln_a[-1] + ln_a_join
        gamma_r = rate(T_r)
        decays_r = _mean_decay_rate(T_r, model) / epoch.hubble_mev[:-1]
        k_r = gamma_r / epoch.hubble_mev[:-1] + decays_r
        ln_yeq_r = _ln_neq(T_r, model) - np.log(sm.entropy_density(T_r))
        ln_a = np.concatenate([ln_a_r, -np.log(T) - np.log(sm.g_s(T)) / 3.0])
        dilution = np.concatenate([epoch.dln_entropy[:-1], np.zeros(T.size)])
        gamma_prod_over_h = np.concatenate([gamma_r / epoch.hubble_mev[:-1], gamma_prod_over_h])
        k = np.concatenate([k_r, k])
        decays_over_h = np.concatenate([decays_r, decays_over_h])
        ln_yeq = np.concatenate([ln_yeq_r, ln_yeq])
        T = np.concatenate([T_r, T])
    g_s = sm.g_s(T)
    s = sm.entropy_density(T)
    y_eq = np.exp(ln_yeq)
    start_in_equilibrium = not perturbative and (model.T_RH_mev is None or model.T_RH_mev > precision.T_max_mev)
    y0 = y_eq[0] if start_in_equilibrium else 0.0
    flipped = model.nature == "dirac" and precision.dirac_flipped_pair
    if flipped:
        # the helicity pair (share 1 - R of the production) and the flipped pair (share R); decays
        # and inverse decays couple both alike (module docstring)
        share = helicity.flipped_fraction(model.mass_mev / T)
        k_a = (1.0 - share) * gamma_prod_over_h + decays_over_h
        k_b = share * gamma_prod_over_h + decays_over_h
        y_a, z_a = integrate(T, g_s, k_a, ln_yeq, model.mass_mev, y0, precision, ln_a, dilution)
        y0_b = y0 if k_b[0] > 1.0 else 0.0
        y_b, z_b = integrate(T, g_s, k_b, ln_yeq, model.mass_mev, y0_b, precision, ln_a, dilution)
        # one population handed on: g_eff states with the helicity pair's momentum shape (the thermal
        # history relaxes all N with the total rate; an unequal shape would be a spurious transient)
        y, z = y_a + y_b, z_a * (1.0 + y_b / np.where(y_a > 0, y_a, 1.0))
        g_eff = 2.0 * (1.0 + float(y_b[-1]) / float(y_a[-1])) if y_a[-1] > 0 else 2.0
    else:
        y, z = integrate(T, g_s, k, ln_yeq, model.mass_mev, y0, precision, ln_a, dilution)
        g_eff = 2.0
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(z))):
        raise SolverError("production", model, "non-finite abundance")

    T_dec, bound = decoupling_temperature(model, table, sm, precision)
    band = decoupling_band(model, precision, sm)
    y_h, z_h = float(y[-1]), float(z[-1])
    T_kin = T_h * float(g_s[-1]) ** (1.0 / 3.0) * z_h / y_h if y_h > 0 else T_h
    handoff = NState(
        T_mev=float(T_h),
        Y_N=y_h,
        Y_eq=float(y_eq[-1]) * g_eff / 2.0,
        n_N_mev3=y_h * float(s[-1]),
        T_kin_mev=T_kin,
        rate_over_hubble=float(k[-1]),
        g_N=g_eff,
    )
    s_over_ngamma_10 = float(sm.entropy_density(10.0) / plasma.photon_number_density(10.0))
    return Abundance(
        model=model,
        T_mev=T,
        Y_N=y,
        Y_eq=y_eq,
        gamma_prod_over_H=gamma_prod_over_h,
        T_start_mev=float(T_start),
        T_dec_mev=T_dec,
        T_dec_bound=bound,
        T_dec_band_mev=band,
        handoff=handoff,
        n_N_over_n_gamma_10mev=y_h * s_over_ngamma_10,
        delta_neff_relativistic=_DNEFF_PER_Z * z_h,
        production_rate=rate,
    )
