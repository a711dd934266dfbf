"""Thermal history with N: SM limits, instantaneous injection, energy bookkeeping, the relic limit."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from ndpcosmo import DipolePortal
from ndpcosmo import constants as c
from ndpcosmo.background import equations as eq
from ndpcosmo.background.solver import NEFF_NORM, solve, solve_reference
from ndpcosmo.production import solve as solve_abundance


@pytest.fixture(scope="module")
def standard_model():
    return solve(None, None)


@pytest.fixture(scope="module")
def standard_model_reference():
    return solve_reference(None, None)


def test_standard_model_history(standard_model):
    # Bennett et al. arXiv:2012.02726: N_eff = 3.0440; late T_gamma/T_nu = 1.3958 (REFERENCE.md section 3)
    h = standard_model
    assert h.neff_cmb == pytest.approx(3.044, abs=0.002)
    assert h.neff_bbn == pytest.approx(h.neff_cmb, abs=1e-4)
    assert h.T_gamma_over_T_nu == pytest.approx(1.3958, abs=0.001)
    assert h.eta_ratio == pytest.approx(1.0, abs=1e-6)
    # recombination at z = 1100 after ~370 kyr (t = 1.2e13 s) with Planck 2018 matter densities
    assert h.t_s[-1] == pytest.approx(1.17e13, rel=0.05)
    assert np.all(np.diff(h.t_s) > 0) and np.all(np.diff(h.T_gamma_mev) < 0)


@pytest.mark.parametrize("f", [0.1, 1.0, 10.0])
def test_instantaneous_injection_limit(standard_model_reference, f):
    # REFERENCE.md section 2: release f rho_gamma, half to photons and half to neutrinos, at t >> 1 s:
    # N_eff' = (a + f/2)/(1 + f/2)/0.22711 and eta_after/eta_before = (1 + f/2)^{-3/4}
    sm = standard_model_reference
    comoving_rho_gamma = eq.RHO_GAMMA_PER_T4 * (sm.a[-1] * sm.T_gamma_mev[-1]) ** 4
    t_star, width = 1e5, 0.05

    def pulse(t_s, a):
        per_s = math.exp(-0.5 * (math.log(t_s / t_star) / width) ** 2) / (math.sqrt(2 * math.pi) * width * t_s)
        q = 0.5 * f * comoving_rho_gamma / a**4 * per_s * c.HBAR_MEV_S
        return q, np.full(3, q / 3)

    h = solve_reference(None, None, injection=pulse)
    ratio_sm = sm.neff_cmb / NEFF_NORM  # our own a = 3.044 x 0.22711
    assert h.neff_cmb == pytest.approx((ratio_sm + f / 2) / (1 + f / 2) * NEFF_NORM, abs=1e-3)
    assert h.eta_ratio == pytest.approx((1 + f / 2) ** -0.75, rel=1e-3)
    # bookkeeping: what the sectors gained is what was injected
    gained_gamma = eq.RHO_GAMMA_PER_T4 * ((h.a[-1] * h.T_gamma_mev[-1]) ** 4 - (sm.a[-1] * sm.T_gamma_mev[-1]) ** 4)
    assert gained_gamma == pytest.approx(h.injected_comoving["gamma"], rel=1e-4)


def _quiet_abundance(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return solve_abundance(model)


def test_relativistic_relic_matches_abundance_stage(standard_model):
    # decoupled long before the hand-off and never decaying (tau = 4e18 s): Delta N_eff at BBN is Step 1's
    model = DipolePortal(1e-3, 1e-14)
    abundance = _quiet_abundance(model)
    h = solve(model, abundance)
    assert h.neff_bbn - standard_model.neff_bbn == pytest.approx(abundance.delta_neff_relativistic, abs=1e-3)
    # by recombination a 1 keV N is non-relativistic: it no longer counts as radiation
    assert abs(h.neff_cmb - standard_model.neff_cmb) < 1e-3


@pytest.mark.parametrize("injection", ["thermal", "spectral"])
def test_energy_bookkeeping_of_decays(standard_model, injection):
    # N (10 MeV, tau = 1e5 s) decays after neutrino decoupling: the comoving energy N loses in collisions
    # is what the photon and neutrino sectors gain (temperatures against the SM run, plus the decay
    # neutrinos still on their grid), to 1e-4
    mu = 1e-11 * math.sqrt(3768.4298 / 1e5 / 1e3)
    model = DipolePortal(10.0, mu)
    assert model.tau_s == pytest.approx(1e5, rel=1e-3)
    h = solve(model, _quiet_abundance(model), neutrino_injection=injection)
    sm = standard_model
    gained_gamma = eq.RHO_GAMMA_PER_T4 * ((h.a[-1] * h.T_gamma_mev[-1]) ** 4 - (sm.a[-1] * sm.T_gamma_mev[-1]) ** 4)
    nu_late = eq.RHO_NU_PER_T4 * ((h.a[-1] * h.T_nu_mev[:, -1]) ** 4 - (sm.a[-1] * sm.T_nu_mev[:, -1]) ** 4)
    if injection == "spectral":
        nu_late = nu_late + h.nu_grid_comoving[:, -1]
        # below 3 keV no collisions: the decay neutrinos stay on their grid, in mixed flavours
        assert h.energy_budget()["nu_nonthermal"] > 0.45
    lost = h.injected_comoving["N"]
    assert lost > 10 * eq.RHO_GAMMA_PER_T4 * (sm.a[-1] * sm.T_gamma_mev[-1]) ** 4  # a large injection
    assert gained_gamma + nu_late.sum() == pytest.approx(lost, rel=1e-4)
    # half to photons, half to the neutrinos (in thermal injection: the muon neutrino it couples to)
    assert gained_gamma == pytest.approx(lost / 2, rel=1e-3)
    assert nu_late.sum() == pytest.approx(lost / 2, rel=1e-3)
    if injection == "thermal":
        assert nu_late[1] == pytest.approx(lost / 2, rel=1e-3)
    assert h.rho_N_mev4[-1] < 1e-6 * h.rho_N_mev4[0] * (h.a[0] / h.a[-1]) ** 3


def test_fast_solver_matches_reference_in_the_standard_model(standard_model, standard_model_reference):
    # two integrators (numba split Rosenbrock vs scipy LSODA) and two codings of the equations
    assert standard_model.neff_cmb == pytest.approx(standard_model_reference.neff_cmb, abs=1e-4)
    assert standard_model.T_gamma_over_T_nu == pytest.approx(standard_model_reference.T_gamma_over_T_nu, rel=1e-5)


@pytest.mark.parametrize(("M", "mu"), [(0.01, 1e-9), (10.0, 6.1e-14), (1.0, 1e-11)])
def test_fast_solver_matches_reference_with_n(M, mu):
    # N coupled through BBN; decays during BBN; decays near recombination
    model = DipolePortal(M, mu)
    abundance = _quiet_abundance(model)
    fast = solve(model, abundance, neutrino_injection="thermal")  # the reference's treatment
    ref = solve_reference(model, abundance)
    assert fast.neff_bbn == pytest.approx(ref.neff_bbn, abs=3e-4)
    assert fast.neff_cmb == pytest.approx(ref.neff_cmb, abs=3e-4)
    assert fast.eta_ratio == pytest.approx(ref.eta_ratio, rel=1e-3)


@pytest.mark.parametrize("T_rh", [1e4, 1e5, None])
def test_late_decays_follow_the_instantaneous_formula(standard_model, T_rh):
    # M = 1 MeV, tau = 1e7 s (after BBN and neutrino decoupling), N frozen out early: whatever the
    # released energy f (in units of the comoving photon energy), N_eff and eta follow REFERENCE's
    # instantaneous-injection formulas, half of the energy going to photons and half to nu_mu
    mu = 1e-11 * math.sqrt(3768.4298 / 1e7)
    model = DipolePortal(1.0, mu, T_RH_mev=T_rh)
    h = solve(model, _quiet_abundance(model))
    sm = standard_model
    f = h.injected_comoving["N"] / (eq.RHO_GAMMA_PER_T4 * (sm.a[-1] * sm.T_gamma_mev[-1]) ** 4)
    ratio_sm = sm.neff_cmb / NEFF_NORM
    assert 0.05 < f
    assert h.neff_cmb == pytest.approx((ratio_sm + f / 2) / (1 + f / 2) * NEFF_NORM, abs=1e-3)
    assert h.eta_ratio == pytest.approx((1 + f / 2) ** -0.75, rel=1e-3)


def test_nonrelativistic_decays_match_the_fluid_treatment():
    # Once N is non-relativistic (here M/T_kin > 60, inside the M/T > 20), its number follows
    # dn a^3/dt = -<Gamma> n a^3 with
    # <Gamma> = Gamma K1(M/T)/K2(M/T) at its kinetic temperature T = <p^2>/(3M): within 1 %
    from scipy.integrate import solve_ivp
    from scipy.special import k1e, kve

    model = DipolePortal(3.0, 1e-11 * math.sqrt(3768.4298 / 1e4 / 27.0))  # tau = 1e4 s
    abundance = _quiet_abundance(model)
    h = solve(model, abundance)
    # <p^2> of the frozen spectrum scales as a^-2: measure it at the hand-off from the bins' shape
    from ndpcosmo.background.solver import _momentum_grid

    q, W = _momentum_grid(24)
    T_h, T_kin0 = abundance.handoff.T_mev, abundance.handoff.T_kin_mev
    shape = 1 / (np.exp(q * T_h / T_kin0) + 1)
    p2_0 = np.sum(W * q**4 * shape) / np.sum(W * q**2 * shape) * T_h**2  # <p^2> at a = 1 [MeV^2]
    comoving = h.n_N_mev3 * h.a**3
    start = np.argmax(model.mass_mev / (p2_0 / h.a**2 / (3 * model.mass_mev)) > 20 * 3)
    t = h.t_s

    def rhs(time, y):
        a = np.interp(time, t, h.a)
        z = 3 * model.mass_mev**2 / (p2_0 / a**2)
        return -model.width_mev / c.HBAR_MEV_S * k1e(z) / kve(2, z) * y

    stop = np.argmax(comoving < 1e-2 * comoving[start])
    sol = solve_ivp(rhs, (t[start], t[stop]), [comoving[start]], t_eval=t[start:stop], rtol=1e-8)
    np.testing.assert_allclose(comoving[start:stop], sol.y[0], rtol=1e-2)


def test_robustness_on_the_abundance_grid():
    # Step 1's grid: M in [0.01, 1000] MeV x mu in [1e-14, 1e-6] mu_B x T_RH in {5 MeV, 1 GeV, none}:
    # no failure, no NaN, no step accepted below tolerance
    for M in np.geomspace(0.01, 1000.0, 7):
        for mu in np.geomspace(1e-14, 1e-6, 9):
            for trh in (5.0, 1e3, None):
                model = DipolePortal(float(M), float(mu), T_RH_mev=trh)
                h = solve(model, _quiet_abundance(model))
                for value in (h.neff_bbn, h.neff_cmb, h.eta_ratio, h.T_gamma_over_T_nu):
                    assert math.isfinite(value) and value > 0
                assert np.all(np.isfinite(h.rho_N_mev4)) and h.steps_below_tolerance == 0


def test_convergence_on_grid():
    # tolerance halving changes N_eff (BBN, CMB) and eta by < 1e-4 (relative) across Step 1's grid,
    # including the light N coupled through neutrino decoupling (M <= 0.07 MeV, mu = 1e-8-1e-6 mu_B)
    for M in (0.01, 0.0681, 1.0, 30.0, 1000.0):
        for mu in (1e-14, 1e-12, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6):
            for trh in (5.0, None):
                model = DipolePortal(M, mu, T_RH_mev=trh)
                abundance = _quiet_abundance(model)
                # the temperature equations; the spectral decay neutrinos: tests/test_nonthermal.py
                a = solve(model, abundance, neutrino_injection="thermal")
                b = solve(
                    model,
                    abundance,
                    rtol=5e-8,
                    h_max=0.025,
                    max_injection_fraction=0.0025,
                    neutrino_injection="thermal",
                )
                assert abs(a.neff_bbn / b.neff_bbn - 1) < 1e-4, (M, mu, trh)
                assert abs(a.neff_cmb / b.neff_cmb - 1) < 1e-4, (M, mu, trh)
                assert abs(a.eta_ratio / b.eta_ratio - 1) < 1e-4, (M, mu, trh)
