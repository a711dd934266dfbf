"""Thermal history with N: SM limits, instantaneous injection, energy bookkeeping, the relic limit."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from ndpcosmo import DipolePortal
from ndpcosmo import constants as c
from ndpcosmo.background import equations as eq
from ndpcosmo.background.solver import NEFF_NORM, solve
from ndpcosmo.production import solve as solve_abundance


@pytest.fixture(scope="module")
def standard_model():
    return solve(None, None)


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
def test_instantaneous_injection_limit(standard_model, f):
    # REFERENCE.md section 2: release f rho_gamma, half to photons and half to neutrinos, at t >> 1 s:
    # N_eff' = (a + f/2)/(1 + f/2)/0.22711 and eta_after/eta_before = (1 + f/2)^{-3/4}
    sm = standard_model
    comoving_rho_gamma = eq.RHO_GAMMA_PER_T4 * (sm.a[-1] * sm.T_gamma_mev[-1]) ** 4
    t_star, width = 1e5, 0.05

    def pulse(t_s, a):
        per_s = math.exp(-0.5 * (math.log(t_s / t_star) / width) ** 2) / (math.sqrt(2 * math.pi) * width * t_s)
        q = 0.5 * f * comoving_rho_gamma / a**4 * per_s * c.HBAR_MEV_S
        return q, np.full(3, q / 3)

    h = solve(None, None, injection=pulse)
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


def test_energy_bookkeeping_of_decays(standard_model):
    # N (10 MeV, tau = 1e5 s) decays after neutrino decoupling: the comoving energy N loses in collisions
    # is what the photon and neutrino sectors gain (temperatures against the SM run), to 1e-4
    mu = 1e-11 * math.sqrt(3768.4298 / 1e5 / 1e3)
    model = DipolePortal(10.0, mu)
    assert model.tau_s == pytest.approx(1e5, rel=1e-3)
    h = solve(model, _quiet_abundance(model))
    sm = standard_model
    gained_gamma = eq.RHO_GAMMA_PER_T4 * ((h.a[-1] * h.T_gamma_mev[-1]) ** 4 - (sm.a[-1] * sm.T_gamma_mev[-1]) ** 4)
    nu_late = eq.RHO_NU_PER_T4 * ((h.a[-1] * h.T_nu_mev[:, -1]) ** 4 - (sm.a[-1] * sm.T_nu_mev[:, -1]) ** 4)
    lost = h.injected_comoving["N"]
    assert lost > 10 * eq.RHO_GAMMA_PER_T4 * (sm.a[-1] * sm.T_gamma_mev[-1]) ** 4  # a large injection
    assert gained_gamma + nu_late.sum() == pytest.approx(lost, rel=1e-4)
    # half to photons, half to the muon neutrino it couples to
    assert gained_gamma == pytest.approx(lost / 2, rel=1e-3)
    assert nu_late[1] == pytest.approx(lost / 2, rel=1e-3)
    assert h.rho_N_mev4[-1] < 1e-6 * h.rho_N_mev4[0] * (h.a[0] / h.a[-1]) ** 3
