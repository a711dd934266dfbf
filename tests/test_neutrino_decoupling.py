"""Neutrino decoupling ingredients: nu-e amplitudes, energy-transfer rates, QED pressure, SM N_eff."""

from __future__ import annotations

import math

import numpy as np
import pytest
from dirac_algebra import METRIC, four_fermion_msq, two_body_momenta
from scipy.integrate import solve_ivp

from ndpcosmo import constants as c
from ndpcosmo.background import equations as eq
from ndpcosmo.background import neutrino_rates as nr
from ndpcosmo.background.thermo import em_plasma


def _dot(a, b):
    return a @ METRIC @ b


@pytest.mark.parametrize(("s", "cos_theta"), [(3.0, 0.3), (5.0, -0.6), (12.0, 0.95)])
def test_four_fermion_amplitudes_match_explicit_spinors(s, cos_theta):
    # the |M|^2 quoted in neutrino_rates' docstring, against explicit spinor sums
    m, g_l, g_r = 0.7, 0.3, 0.23
    k1, k2, k3, k4 = two_body_momenta(s, 0, m, 0, m, cos_theta)
    ref = 128 * (
        g_l**2 * _dot(k1, k2) * _dot(k3, k4) + g_r**2 * _dot(k1, k4) * _dot(k2, k3) - g_l * g_r * m * m * _dot(k1, k3)
    )
    assert four_fermion_msq(k1, k2, k3, k4, m, g_l, g_r) == pytest.approx(ref, rel=1e-12)
    k1, k2, k3, k4 = two_body_momenta(s, m, m, 0, 0, cos_theta)
    ref = 128 * (
        g_l**2 * _dot(k1, k4) * _dot(k2, k3) + g_r**2 * _dot(k1, k3) * _dot(k2, k4) + g_l * g_r * m * m * _dot(k3, k4)
    )
    assert four_fermion_msq(k1, k2, k3, k4, m, g_l, g_r, process="annihilate") == pytest.approx(ref, rel=1e-12)


def test_annihilation_angular_weight_against_spinors():
    # W(s) = int dPhi_2 sum|M|^2 /128 for e+e- -> nu nubar: average the spinor sum over angles
    s, m, g_l, g_r = 4.0, 0.6, 0.41, 0.23
    nodes, weights = np.polynomial.legendre.leggauss(8)
    avg = (
        sum(
            w * four_fermion_msq(*two_body_momenta(s, m, m, 0, 0, x), m, g_l, g_r, process="annihilate")
            for x, w in zip(nodes, weights, strict=True)
        )
        / 2.0
    )
    w_x, w_y = nr.annihilation_weight(s, m)
    assert avg / (8 * np.pi) / 128 == pytest.approx((g_l**2 + g_r**2) * w_x + g_l * g_r * w_y, rel=1e-12)


def test_massless_rates_reproduce_escudero_closed_forms():
    # Escudero arXiv:1812.05605 (MB, m_e = 0): annihilation 4 X 32 T^9 G_F^2/pi^5 per flavour,
    # scattering 4 X 56 T_g^4 T_nu^4 (T_g - T_nu) G_F^2/pi^5 (four channels)
    T = np.array([0.7, 2.0])
    g_x, g_y = nr.annihilation_energy_density_rate(T, 0.0)
    np.testing.assert_allclose(g_x * 128, 128 * T**9 / np.pi**5, rtol=1e-8)
    assert np.all(g_y == 0)
    T_nu, T_g = 0.9, 1.0
    total = 2 * sum(nr.scattering_energy_rate(T_nu, T_g, 0.0, swap) for swap in (False, True))
    expected = 4 * 56 / 128 * T_g**4 * T_nu**4 * (T_g - T_nu) / np.pi**5
    assert total[0] == pytest.approx(expected, rel=1e-6)


def test_scattering_detailed_balance_with_mass():
    # no net energy transfer between equal temperatures, electron mass or not
    for m in (0.3, 1.0, 3.0):
        rate = nr.scattering_energy_rate(1.0, 1.0, m)
        reference = nr.scattering_energy_rate(0.99, 1.0, m)
        assert np.all(np.abs(rate) < 1e-4 * np.abs(reference).max())  # quadrature accuracy


def test_mass_factors_limits():
    tab = nr.mass_factor_tables()
    assert tab["a_x"][0] == pytest.approx(1.0, abs=1e-5) and tab["b_x"][0] == pytest.approx(1.0, abs=1e-4)
    assert tab["a_x"][-1] < 1e-10 and abs(tab["b_x"][-1]) < 1e-6
    assert np.all(np.diff(tab["a_x"]) < 0)  # heavier electrons, fewer annihilations


def test_qed_pressure_massless_limit():
    # Heckler 1994 / Mangano et al. 2002: -5 e^2 T^4/288; Bennett et al. 2020: + e^3 T^4/(36 sqrt(3) pi)
    T = np.array([2e3])
    e2 = c.E_CHARGE**2
    ref = -5 * e2 * T**4 / 288 + e2**1.5 * T**4 / (36 * np.sqrt(3) * np.pi)
    em = em_plasma(T)
    assert em["p_int"][0] == pytest.approx(ref[0], rel=1e-5)
    assert em["dp_int"][0] == pytest.approx(4 * ref[0] / T[0], rel=1e-5)
    assert em["d2p_int"][0] == pytest.approx(12 * ref[0] / T[0] ** 2, rel=1e-3)


def test_electron_thermodynamics_limits():
    T = np.array([1e3])
    em = em_plasma(T)
    assert em["rho_e"][0] == pytest.approx(7 / 8 * 4 * np.pi**2 / 30 * T[0] ** 4, rel=1e-6)
    assert em["p_e"][0] == pytest.approx(em["rho_e"][0] / 3, rel=1e-6)
    assert em_plasma(np.array([1e-3]))["rho_e"][0] == 0.0


def standard_model_decoupling():
    """N_eff and temperature ratios of the SM from 10 MeV to 1e4 s, with scipy's LSODA."""

    def rhs(t, y):
        d = eq.energy_densities(y[0], y[1:])
        rho = d["gamma"] + d["e"] + d["int"] + d["nu"].sum()
        hubble = math.sqrt(8 * math.pi * rho / 3) / c.M_PL_MEV
        dTg, dTnu = eq.temperature_derivatives(y[0], y[1:], hubble, 0.0, np.zeros(3))
        return np.concatenate([[dTg], dTnu])

    T0 = 10.0
    d = eq.energy_densities(T0, np.full(3, T0))
    h0 = math.sqrt(8 * math.pi * (d["gamma"] + d["e"] + d["int"] + d["nu"].sum()) / 3) / c.M_PL_MEV
    sol = solve_ivp(rhs, (1 / (2 * h0), 1e4 / c.HBAR_MEV_S), [T0] * 4, method="LSODA", rtol=1e-9, atol=1e-14)
    Tg, Te, Tm, Tt = sol.y[:, -1]
    neff = 8 / 7 * (11 / 4) ** (4 / 3) * eq.RHO_NU_PER_T4 * (Te**4 + Tm**4 + Tt**4) / (eq.RHO_GAMMA_PER_T4 * Tg**4)
    t_eff = ((Te**4 + Tm**4 + Tt**4) / 3) ** 0.25
    return neff, Tg / t_eff, Tg / Te, Tg / Tm


def test_standard_model_neff():
    # Bennett et al. arXiv:2012.02726, Froustey et al. arXiv:2008.01074: N_eff = 3.0440; T_g/T_nu = 1.3958
    neff, ratio, ratio_e, ratio_mu = standard_model_decoupling()
    assert neff == pytest.approx(3.044, abs=0.002)
    assert ratio == pytest.approx(1.3958, abs=0.001)
    assert ratio_e < ratio < ratio_mu  # nu_e is heated more (charged current)
