"""SM plasma: equilibrium integrals against closed forms, g*(T) against the tabulation and an ideal gas."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import kn

from ndpcosmo import constants as c
from ndpcosmo import plasma


def test_massless_fermion_and_boson_closed_forms():
    # n = (3/4) zeta(3) g T^3/pi^2 (FD), zeta(3) g T^3/pi^2 (BE); rho = (7/8) g pi^2 T^4/30 and g pi^2 T^4/30
    T = np.array([0.1, 3.0, 2e3])
    fd = plasma.equilibrium(T, 0.0, 2.0, True)
    be = plasma.equilibrium(T, 0.0, 1.0, False)
    np.testing.assert_allclose(fd["n"], 0.75 * c.ZETA3 * 2 * T**3 / np.pi**2, rtol=1e-8)
    np.testing.assert_allclose(be["n"], c.ZETA3 * T**3 / np.pi**2, rtol=1e-8)
    np.testing.assert_allclose(fd["rho"], 7 / 8 * 2 * np.pi**2 / 30 * T**4, rtol=1e-8)
    np.testing.assert_allclose(be["rho"], np.pi**2 / 30 * T**4, rtol=1e-8)
    np.testing.assert_allclose(fd["p"], fd["rho"] / 3, rtol=1e-8)
    np.testing.assert_allclose(fd["s"], 4 / 3 * fd["rho"] / T, rtol=1e-8)


def test_nonrelativistic_limit_is_maxwell_boltzmann():
    # z >> 1: n -> g m^2 T K2(m/T)/(2 pi^2), rho -> n (m K1/K2 + 3T) (exact for MB)
    T, m, g = 1.0, 25.0, 2.0
    eq = plasma.equilibrium(T, m, g, True)
    n_mb = g * m**2 * T * kn(2, m / T) / (2 * np.pi**2)
    assert eq["n"] == pytest.approx(n_mb, rel=1e-9, abs=0.0)
    assert eq["rho"] == pytest.approx(n_mb * (m * kn(1, m / T) / kn(2, m / T) + 3 * T), rel=1e-9)
    assert plasma.maxwell_boltzmann_density(T, m, g) == pytest.approx(n_mb, rel=1e-12, abs=0.0)


def test_fast_fermion_density_matches_quadrature():
    T = np.geomspace(1e-2, 1e4, 40)
    for m in (1e-3, 0.5, 30.0, 1e3):
        exact = plasma.number_density(T, m, 2.0, True)
        fast = np.exp(plasma.ln_fermion_density(T, m, 2.0))
        mask = exact > 1e-300
        np.testing.assert_allclose(fast[mask], exact[mask], rtol=1e-7)


def test_susceptibility_and_debye_mass_massless_limits():
    # Kapusta & Gale: chi = T^2/3 for a massless Dirac fermion and for a massless complex scalar
    assert plasma.charge_susceptibility(2.0, 0.0, 2, True) == pytest.approx(4.0 / 3.0, rel=1e-9)
    assert plasma.charge_susceptibility(2.0, 0.0, 1, False) == pytest.approx(4.0 / 3.0, rel=1e-9)
    # at 3 TeV everything but the top is massless: sum Q^2 over e,mu,tau (3), quarks (N_c Q^2 = 5), W (3 states)
    T = 3e6
    md2 = plasma.debye_mass_squared(T) / (c.E_CHARGE**2 * T**2 / 3)
    assert md2 == pytest.approx(11.0, rel=5e-3)


def test_gstar_interpolation_reproduces_every_row():
    # The named tabulation (Saikawa & Shirai 2018) over 1 keV - 10 TeV: interpolation error << 2 %
    table = plasma.load_gstar_table()
    sm = plasma.default_plasma()
    rows = (table.T_mev >= 1e-3) & (table.T_mev <= 1e7)
    np.testing.assert_allclose(sm.g_s(table.T_mev[rows]), table.g_s[rows], rtol=1e-6)
    np.testing.assert_allclose(sm.g_rho(table.T_mev[rows]), table.g_rho[rows], rtol=1e-6)
    # between rows: the interpolant stays between neighbouring rows (monotone) within 2 %
    mid = np.sqrt(table.T_mev[rows][:-1] * table.T_mev[rows][1:])
    g_lo = np.minimum(table.g_s[rows][:-1], table.g_s[rows][1:])
    g_hi = np.maximum(table.g_s[rows][:-1], table.g_s[rows][1:])
    g_mid = sm.g_s(mid)
    assert np.all(g_mid >= 0.98 * g_lo) and np.all(g_mid <= 1.02 * g_hi)
    # 1-2 keV lies below the first row: held at the post-annihilation constant
    assert sm.g_s(1e-3) == pytest.approx(table.g_s[0], rel=1e-12)


def _ideal_gas_g_s(T, T_nu_over_T=1.0):
    """g_s of a free gas of photons, e, mu, charged and neutral pions and three neutrino flavours."""
    s = 2 * np.pi**2 / 45 * 2 * T**3  # photons
    s = s + plasma.equilibrium(T, c.M_E_MEV, 4, True)["s"] + plasma.equilibrium(T, c.M_MU_MEV, 4, True)["s"]
    s = s + plasma.equilibrium(T, c.M_PI_CHARGED_MEV, 2, False)["s"] + plasma.equilibrium(T, 134.9768, 1, False)["s"]
    s = s + 7 / 8 * 6 * 2 * np.pi**2 / 45 * (T * T_nu_over_T) ** 3
    return s / (2 * np.pi**2 / 45 * T**3)


@pytest.mark.parametrize("T", [3.0, 10.0, 30.0, 60.0])
def test_gstar_against_ideal_gas_where_it_is_computable(T):
    # Independent: between neutrino decoupling and the hadron gas the SM is a nearly free gas (2 %)
    assert plasma.default_plasma().g_s(T) == pytest.approx(_ideal_gas_g_s(T), rel=0.02)


def test_gstar_late_universe():
    # After e+e- annihilation: g_s = 2 + (7/8) 6 (4/11) = 3.909 (instantaneous decoupling), within 2 %
    assert plasma.default_plasma().g_s(2e-3) == pytest.approx(2 + 7 / 8 * 6 * 4 / 11, rel=0.02)


def test_hubble_rate_radiation_era():
    # H = 1.66 sqrt(g*) T^2 / M_Pl (standard radiation-era expression)
    sm = plasma.default_plasma()
    T = 5.0
    assert sm.hubble_mev(T) == pytest.approx(
        np.sqrt(8 * np.pi**3 / 90 * sm.g_rho(T)) * T**2 / c.M_PL_MEV, rel=1e-12, abs=0.0
    )
    assert sm.hubble_mev(T) == pytest.approx(1.66 * np.sqrt(sm.g_rho(T)) * T**2 / c.M_PL_MEV, rel=2e-3, abs=0.0)


def test_quark_hadron_switch():
    assert plasma.quark_weight(1e3) == pytest.approx(1.0, abs=1e-12)
    assert plasma.quark_weight(c.T_QCD_MEV) == pytest.approx(0.5)
    assert plasma.quark_weight(50.0) < 1e-4
