"""N production and the abundance solver against analytic limits, REFERENCE.md section 2, and scipy."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp
from scipy.special import k1

from ndpcosmo import DipolePortal, Precision, plasma
from ndpcosmo import constants as c
from ndpcosmo.production import boltzmann, helicity, rate_table, rates, solve

MB_TO_FD_NU = 0.75 * c.ZETA3


def constant_plasma(g: float, step_T_mev: float | None = None, g_low: float | None = None) -> plasma.SMPlasma:
    """A plasma with constant g (or a sharp step from g to g_low at step_T_mev)."""
    T = np.geomspace(1e-4, 1e9, 2000)
    gs = np.full_like(T, g)
    if step_T_mev is not None:
        gs = np.where(T < step_T_mev, g_low, g)
    return plasma.SMPlasma.from_table(plasma.GStarTable(T, gs, gs, source="test"))


# --- thermal averages --------------------------------------------------------------------------------
def test_s_channel_rate_closed_form_massless():
    # constant sigma: gamma = n1 n2 sigma (REFERENCE: <sigma v> = sigma), n_MB = g T^3/pi^2, x FD factors
    T = np.array([1e5])
    M = np.array([1e-3])
    electron = plasma.CHARGED_SPECIES[0]
    ln_g = rates.ln_s_channel_density(T, M, electron, 64)[0, 0] - M[0] / T[0]
    sigma0 = c.ALPHA_EM / 12.0
    expected = 2 * (2 * T[0] ** 3 / np.pi**2) ** 2 * sigma0 * MB_TO_FD_NU**2
    assert math.exp(ln_g) == pytest.approx(expected, rel=1e-5)


def test_t_channel_boltzmann_rate_against_direct_quadrature():
    # Maxwell-Boltzmann kinematics (production_statistics="boltzmann"); massless electron target, M -> 0:
    # sigma = alpha mu^2 [ln(s/mD2) - 1 + mD2/s] above s = mD2
    T = 1e5
    md2 = float(plasma.debye_mass_squared(T))
    electron = plasma.CHARGED_SPECIES[0]
    ln_g = rates.ln_t_channel_density_boltzmann(np.array([T]), np.array([1e-3]), electron, np.array([md2]), 64)[0, 0]

    def integrand(rs):
        s = rs * rs
        sig = c.ALPHA_EM * (np.log(s / md2) - 1 + md2 / s)
        return 2 * rs * sig * s**1.5 * k1(rs / T)

    integral = quad(integrand, math.sqrt(md2), 80 * T, limit=400, points=[T, 10 * T])[0]
    expected = 4 * 2 * MB_TO_FD_NU**2 * T / (32 * np.pi**4) * integral
    assert math.exp(ln_g - 1e-3 / T) == pytest.approx(expected, rel=1e-4)


def test_t_channel_dominates_s_channel():
    # REFERENCE.md section 2: the t-channel dominates production (about x40) for a light N
    table = rate_table()
    i = np.searchsorted(table.T_mev, 1e3)
    t_channel = table.ln_gamma_process_reduced("t_channel", 0.01)[i]
    ratio = math.exp(t_channel - table.ln_gamma_process_reduced("s_channel", 0.01)[i])
    assert 25 < ratio < 60


# --- analytic limits of the solver ---------------------------------------------------------------------
@pytest.mark.parametrize("ratio", [0.01, 0.1, 1.0, 10.0])
def test_freeze_in_analytic(ratio):
    # REFERENCE.md: Gamma/H = T/T_dec, constant g_s, Y(T_RH) = 0 -> Y/Y_eq = 1 - exp(-T_RH/T_dec)
    T_rh, precision = 100.0, Precision()
    T_dec = T_rh / ratio
    T = np.geomspace(T_rh, T_rh * 1e-6, 6 * precision.abundance_steps_per_decade + 1)
    g_s = np.full_like(T, 106.75)
    y_eq = 0.02
    y, _ = boltzmann.integrate(T, g_s, T / T_dec, np.full_like(T, math.log(y_eq)), 1e-6, 0.0, precision)
    assert y[-1] / y_eq == pytest.approx(1 - math.exp(-ratio), rel=1e-2)


def test_freeze_in_reference_numbers():
    precision = Precision()
    T = np.geomspace(1.0, 1e-7, 7 * precision.abundance_steps_per_decade + 1)
    out = []
    for T_dec in (10.0, 1.0):
        y, _ = boltzmann.integrate(T, np.full_like(T, 10.0), T / T_dec, np.zeros_like(T), 1e-9, 0.0, precision)
        out.append(y[-1])
    assert out == pytest.approx([0.0952, 0.632], abs=5e-4)


def test_freeze_in_through_real_rates_scales_as_mu_squared():
    # deep freeze-in (T_RH << T_dec): Y ~ mu^2 T_RH (REFERENCE.md, analytic checks)
    y1 = solve(DipolePortal(0.01, 1e-14, T_RH_mev=1e3)).Y_N_relic
    y2 = solve(DipolePortal(0.01, 2e-14, T_RH_mev=1e3)).Y_N_relic
    assert y2 / y1 == pytest.approx(4.0, rel=1e-4)


@pytest.mark.parametrize(("g", "reference"), [(106.75, 0.0469), (61.75, 0.0972), (10.75, 1.000)])
def test_relativistic_relic_delta_neff(g, reference):
    # REFERENCE.md: Delta N_eff = (10.75/g_s(T_dec))^{4/3} for g_N = 2 (0.0469, 0.0972, 1.000)
    sm = constant_plasma(g)
    result = solve(DipolePortal(0.01, 1e-11), sm=sm)
    assert result.delta_neff_relativistic == pytest.approx((10.75 / g) ** (4 / 3), rel=1e-3)
    assert result.delta_neff_relativistic == pytest.approx(reference, abs=6e-4)


def test_relic_keeps_entropy_released_after_decoupling_out():
    # g_s drops from 106.75 to 10.75 at 100 MeV, long after decoupling (T_dec ~ 2 GeV x 10^4):
    # N does not share the released entropy: Delta N_eff = (10.75/106.75)^{4/3}, n/n_gamma = 0.0755
    sm = constant_plasma(106.75, step_T_mev=100.0, g_low=10.75)
    result = solve(DipolePortal(0.01, 1e-13, T_RH_mev=None), sm=sm)
    assert result.delta_neff_relativistic == pytest.approx((10.75 / 106.75) ** (4 / 3), rel=1e-3)
    assert result.n_N_over_n_gamma_10mev == pytest.approx(0.0755, rel=1e-3)
    assert result.handoff.T_kin_mev / result.handoff.T_mev == pytest.approx((10.75 / 106.75) ** (1 / 3), rel=1e-3)


def test_relic_frozen_above_the_table_with_lattice_gstar():
    # tiny mu: N frozen from T_max = 10 TeV on; (10.75/g_s(10 TeV))^{4/3} and n/n_gamma with g_s(10 MeV)
    sm = plasma.default_plasma()
    result = solve(DipolePortal(0.01, 1e-16))
    g_dec = float(sm.g_s(1e7))
    assert result.delta_neff_relativistic == pytest.approx((10.75 / g_dec) ** (4 / 3), rel=1e-3)
    assert result.n_N_over_n_gamma_10mev == pytest.approx(0.75 * float(sm.g_s(10.0)) / g_dec, rel=1e-3)


def test_coupled_at_handoff_is_in_equilibrium():
    result = solve(DipolePortal(0.01, 1e-8))
    assert result.handoff.coupled
    assert result.handoff.Y_N == pytest.approx(result.handoff.Y_eq, rel=1e-4)
    g10 = float(plasma.default_plasma().g_s(10.0))
    assert result.delta_neff_relativistic == pytest.approx((10.75 / g10) ** (4 / 3), rel=1e-3)
    assert result.handoff.T_kin_mev == pytest.approx(result.handoff.T_mev, rel=1e-4)


def test_reheating_switch_initial_conditions():
    with_trh = solve(DipolePortal(1.0, 1e-11, T_RH_mev=500.0))
    assert with_trh.Y_N[0] == 0.0 and with_trh.T_start_mev == 500.0
    without = solve(DipolePortal(1.0, 1e-11))
    assert without.Y_N[0] == pytest.approx(without.Y_eq[0], rel=1e-12)
    # reheating below T_dec reduces the abundance; far above T_dec it does not matter
    assert with_trh.Y_N_relic < 0.5 * without.Y_N_relic
    high = solve(DipolePortal(1.0, 1e-11, T_RH_mev=5e5))
    assert high.Y_N_relic == pytest.approx(without.Y_N_relic, rel=2e-3)


def test_low_reheating_hands_off_below_trh():
    # T_RH = 5 MeV < T_dec ~ 30 MeV: partial freeze-in between 5 and 2.5 MeV
    result = solve(DipolePortal(0.1, 1e-10, T_RH_mev=5.0))
    assert result.handoff.T_mev == pytest.approx(2.5)
    assert 0.05 * result.handoff.Y_eq < result.handoff.Y_N < result.handoff.Y_eq


def test_majorana_and_dirac_share_production():
    # production rates are the same; only the decay width differs (x2) and the Dirac N's flipped pair
    # (share (M/T)^2 ~ 1e-4 at the hand-off, out of equilibrium: a 2e-8 effect here)
    one_pair = Precision(dirac_flipped_pair=False)
    d = solve(DipolePortal(0.1, 1e-11, nature="dirac"), precision=one_pair).Y_N_relic
    m = solve(DipolePortal(0.1, 1e-11, nature="majorana")).Y_N_relic
    assert m == pytest.approx(d, rel=1e-9)
    assert solve(DipolePortal(0.1, 1e-11, nature="dirac")).Y_N_relic == pytest.approx(d, rel=1e-6)
    d = solve(DipolePortal(300.0, 1e-10, nature="dirac")).Y_N_relic
    m = solve(DipolePortal(300.0, 1e-10, nature="majorana")).Y_N_relic
    assert m < d


# --- decoupling temperature -----------------------------------------------------------------------------
def test_decoupling_temperature_design_brief():
    # design brief: T_dec ~ 1.28 GeV at 1e-11 mu_B; REFERENCE's t-channel estimate 2.1-2.7 GeV: factor 2
    t_dec = solve(DipolePortal(0.01, 1e-11)).T_dec_mev
    assert 1280.0 / 2 < t_dec < 1280.0 * 2


def test_decoupling_temperature_scales_as_inverse_mu_squared():
    # the dimension-5 rate: Gamma ~ mu^2 T^3, H ~ T^2, T_dec ~ mu^-2 at fixed plasma content (the
    # broken-phase rate continued to 1-10 TeV, where all SM states are light)
    broken = Precision(electroweak="broken")
    t1 = solve(DipolePortal(0.01, 2e-13), broken).T_dec_mev
    t2 = solve(DipolePortal(0.01, 4e-13), broken).T_dec_mev
    assert 1e6 < t2 < t1 < 1e7
    assert t1 / t2 == pytest.approx(4.0, rel=0.02)


def test_decoupling_temperature_in_the_symmetric_phase():
    # the dimension-6 contact rate: Gamma ~ mu^2 T^5 / v^2, H ~ T^2, so T_dec ~ mu^(-2/3) where the Higgs
    # doublet's thermal mass is a fixed fraction of T (T >> T_c, 1-10 TeV: m_Phi/T within 1 %)
    t1 = solve(DipolePortal(0.01, 1.5e-15)).T_dec_mev
    t2 = solve(DipolePortal(0.01, 1.2e-14)).T_dec_mev
    assert 1e6 < t2 < t1 < 1e7
    assert t1 / t2 == pytest.approx(4.0, rel=0.02)


# --- robustness, convergence and a cross-check with scipy -----------------------------------------------
GRID_M = np.geomspace(0.01, 1000.0, 7)
GRID_MU = np.geomspace(1e-14, 1e-6, 9)
GRID_TRH = (5.0, 1e3, None)


def _solve_quietly(model, precision=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = solve(model, precision)
    assert not caught, [str(w.message) for w in caught]
    return result


def test_convergence_and_robustness_on_grid():
    # halving the tolerance changes the relic Y_N by < 1e-4 (relative); no NaN; no other warning
    coarse, fine = Precision(), Precision().refined()
    max_ratio, min_ratio = 0.0, math.inf
    for M in GRID_M:
        for mu in GRID_MU:
            for trh in GRID_TRH:
                model = DipolePortal(float(M), float(mu), T_RH_mev=trh)
                a = _solve_quietly(model, coarse)
                b = _solve_quietly(model, fine)
                for value in a.summary().values():
                    assert not (isinstance(value, float) and math.isnan(value))
                assert np.all(np.isfinite(a.Y_N)) and np.all(a.Y_N >= 0)
                if a.Y_N_relic > 0:
                    assert abs(b.Y_N_relic / a.Y_N_relic - 1) < 1e-4, (M, mu, trh)
                max_ratio = max(max_ratio, float(a.gamma_prod_over_H.max()))
                min_ratio = min(min_ratio, float(a.gamma_prod_over_H.min()))
    # the grid spans Gamma/H from below 1e-9 to above 1e13
    assert max_ratio > 1e13 and min_ratio < 1e-9


def test_extremely_weak_coupling():
    # Gamma/H ~ 1e-11: deep freeze-in stays exact (Y ~ mu^2) with no loss of precision
    a = _solve_quietly(DipolePortal(0.01, 2e-16, T_RH_mev=5.0))
    b = _solve_quietly(DipolePortal(0.01, 4e-16, T_RH_mev=5.0))
    assert a.gamma_prod_over_H.max() < 1e-10
    assert b.Y_N_relic / a.Y_N_relic == pytest.approx(4.0, rel=1e-9)


def test_rate_table_density_converged():
    # a denser rate table (more T and M nodes and quadrature points) changes the relic by < 1e-4
    dense = Precision(rate_T_per_decade=35, rate_M_per_decade=17, rate_quadrature_nodes=96)
    points = [(0.01, 1e-11, None), (3.0, 1e-12, 1e3), (20.0, 1e-10, 5.0), (150.0, 1e-11, None), (1e3, 1e-13, 1e3)]
    for M, mu, trh in points:
        model = DipolePortal(M, mu, T_RH_mev=trh)
        a = _solve_quietly(model).Y_N_relic
        b = _solve_quietly(model, dense).Y_N_relic
        assert abs(b / a - 1) < 1e-4, (M, mu, trh)


@pytest.mark.parametrize(
    ("M", "mu", "trh"), [(0.01, 1e-11, None), (1.0, 1e-12, 1e3), (50.0, 1e-10, 200.0), (300.0, 1e-11, None)]
)
def test_integrator_against_scipy_radau(M, mu, trh):
    # Independent integrator: scipy's Radau on dY/dlnT = -(dx/dlnT) k (Y_eq - Y), with the same rates
    # evaluated at every point it asks for (not on our nodes).
    model = DipolePortal(M, mu, T_RH_mev=trh)
    sm = plasma.default_plasma()
    ours = solve(model)
    rate = boltzmann.production_rate(model, rate_table())

    def rhs(lnT, y):
        # the helicity pair and the flipped pair (share R of the production; decays couple both)
        T = np.exp(lnT)
        _, g, ln_y_eq = boltzmann.relaxation_terms(T, model, rate, sm)
        d = boltzmann._mean_decay_rate(T, model) / sm.hubble_mev(T)
        r = helicity.flipped_fraction(M / T)
        dx_dlnT = -(1 + sm.dln_gs_dlnT(T) / 3)
        y_eq = np.exp(ln_y_eq)
        return [dx_dlnT * ((1 - r) * g + d) * (y_eq - y[0]), dx_dlnT * (r * g + d) * (y_eq - y[1])]

    lnT0, lnT1 = math.log(ours.T_start_mev), math.log(ours.handoff.T_mev)
    y0 = [ours.Y_N[0], 0.0]
    sol = solve_ivp(rhs, (lnT0, lnT1), y0, method="Radau", rtol=1e-9, atol=1e-30, max_step=0.02)
    assert sol.success
    # the tabulated g_s has small steps, so dlng_s/dlnT differs slightly between the two routes
    assert ours.Y_N_relic == pytest.approx(sol.y[0, -1] + sol.y[1, -1], rel=3e-4, abs=0.0)


def test_table_is_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("NDPCOSMO_CACHE_DIR", str(tmp_path))
    precision = Precision(rate_T_per_decade=6, rate_M_per_decade=6, rate_quadrature_nodes=16)
    first = rates._rate_table_cached.__wrapped__(rates._key(precision))
    files = list(tmp_path.glob("rates-*.npz"))
    assert len(files) == 1
    second = rates._rate_table_cached.__wrapped__(rates._key(precision))
    np.testing.assert_array_equal(first.ln_gamma_reduced, second.ln_gamma_reduced)
    assert first.fingerprint == rates._fingerprint(precision)
