"""Production around and above the electroweak crossover (ndpcosmo.production.electroweak)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from dirac_algebra import METRIC, P_L, bar, dipole_vertex, two_body_momenta, u_spinors, v_spinors
from scipy.integrate import quad
from scipy.special import k1

from ndpcosmo import DipolePortal, Precision
from ndpcosmo import constants as c
from ndpcosmo.production import boltzmann, rate_table
from ndpcosmo.production import electroweak as ew


def _dot(a, b):
    return a @ METRIC @ b


def _spin_sum(spinors_l, p_l, p_n, k):
    """sum over spins and X polarisations (-g) of |ubar_N 2 sigma^{mu nu} k_mu eps_nu P_L w_L|^2."""
    V = dipole_vertex(k, 1.0)
    total = 0.0
    for u_n, w_l in itertools.product(u_spinors(p_n, 0.0), spinors_l(p_l, 0.0)):
        amp = [bar(u_n) @ V[n] @ P_L @ w_l for n in range(4)]
        total += -sum(METRIC[n, n] * abs(amp[n]) ** 2 for n in range(4))
    return total


@pytest.mark.parametrize("cos_theta", [-0.7, 0.1, 0.9])
def test_contact_squared_amplitude_against_explicit_spinors(cos_theta):
    # the polynomial 32 (p_L.k)(p_N.k) of the module, in the three channels with a massive Phi
    s, m = 7.0, 1.3
    # L(p1) Phi(p2) -> N(p3) X(p4)
    p1, _, p3, p4 = two_body_momenta(s, 0.0, m, 0.0, 0.0, cos_theta)
    assert _spin_sum(u_spinors, p1, p3, p4) == pytest.approx(32 * _dot(p1, p4) * _dot(p3, p4), rel=1e-10)
    # L(p1) X(p2) -> N(p3) Phi(p4)
    p1, p2, p3, _ = two_body_momenta(s, 0.0, 0.0, 0.0, m, cos_theta)
    assert _spin_sum(u_spinors, p1, p3, p2) == pytest.approx(32 * _dot(p1, p2) * _dot(p3, p2), rel=1e-10)
    # Phi(p1) X(p2) -> Lbar(p3) N(p4): the antilepton by a v spinor
    _, p2, p3, p4 = two_body_momenta(s, m, 0.0, 0.0, 0.0, cos_theta)
    assert _spin_sum(v_spinors, p3, p4, p2) == pytest.approx(32 * _dot(p3, p2) * _dot(p4, p2), rel=1e-10)


def test_contact_squared_amplitude_with_a_massive_gauge_boson():
    # with k^2 = m_X^2 the sum over polarisations with -g is exact (sigma^{mu nu} k_mu k_nu = 0) and the
    # polynomial gains -8 (p_L.p_N) k^2
    p1, p2, p3, p4 = two_body_momenta(9.0, 0.0, 1.1, 0.0, 0.8, 0.3)  # L Phi -> N X
    expected = 32 * _dot(p1, p4) * _dot(p3, p4) - 8 * _dot(p1, p3) * _dot(p4, p4)
    assert _spin_sum(u_spinors, p1, p3, p4) == pytest.approx(expected, rel=1e-10)


def test_cm_dot_products_against_four_vectors():
    s, masses, cos = 20.0, (0.7, 1.9, 0.4, 1.3), 0.37
    momenta = two_body_momenta(s, *masses, cos)
    lam = [ew._kallen(s, masses[0] ** 2, masses[1] ** 2), ew._kallen(s, masses[2] ** 2, masses[3] ** 2)]
    dots = ew._dot_products(np.array(s), tuple(np.array(m) for m in masses), *lam, np.array([cos]))
    for (a, b), value in dots.items():
        assert value[0] == pytest.approx(_dot(momenta[a], momenta[b]), rel=1e-12)


def test_contact_density_massless_closed_form():
    # sigma_hat = s/(4 pi), s/(4 pi), s/(12 pi) and gamma = T/(32 pi^4) int sigma_hat s^(3/2) K1 ds
    # = 24 a T^8 / pi^4 for sigma_hat = a s: 6 + 6 + 2 = 14 T^8/pi^5 (Maxwell-Boltzmann), times the
    # initial states' n/n_MB: zeta(3) (boson), 3 zeta(3)/4 (fermion)
    r_f, r_b = 0.75 * c.ZETA3, c.ZETA3
    T = np.array([1e5, 3e6])
    expected = (6 * r_f * r_b + 6 * r_f * r_b + 2 * r_b * r_b) * T**8 / math.pi**5
    assert ew.contact_density(T, np.zeros(2)) == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("z", [0.3, 1.0, 4.0])
def test_contact_density_with_a_massive_doublet_state(z):
    # independent route: the angle-integrated cross sections in closed form (Phi of mass m):
    # sigma_hat(L Phi -> N X) = s/(4 pi), sigma_hat(L X -> N Phi) = (s - m^2)^2 / (4 pi s),
    # sigma_hat(Phi X -> Lbar N) = (s - m^2)/(12 pi); Gondolo-Gelmini with lambda(s, m_1^2, m_2^2)
    T, m = 1.0, z
    r_f, r_b = 0.75 * c.ZETA3, c.ZETA3
    n_be = quad(lambda p: p * p / (math.exp(math.sqrt(p * p + m * m)) - 1.0), 0, 60)[0]
    n_mb = quad(lambda p: p * p * math.exp(-math.sqrt(p * p + m * m)), 0, 60)[0]
    r_phi = n_be / n_mb

    def integrand(s):
        massive, massless = (s - m * m) ** 2, s * s
        lphi = r_f * r_phi * s / (4 * math.pi) * massive
        lx = r_f * r_b * (s - m * m) ** 2 / (4 * math.pi * s) * massless
        phix = r_phi * r_b * (s - m * m) / (12 * math.pi) * massive
        return (lphi + lx + phix) / math.sqrt(s) * k1(math.sqrt(s) / T)

    reference = T / (32 * math.pi**4) * quad(integrand, m * m, (m + 70 * T) ** 2, limit=200)[0]
    assert ew.contact_density(np.array([T]), np.array([m]))[0] == pytest.approx(reference, rel=1e-6)


def test_operator_normalisation():
    # mu = sqrt(2) v (c_W C_NB + s_W C_NW)/Lambda^2: sum over channels |C|^2 per mu^2/v^2 is 1/c_W^2 for the
    # hypercharge operator alone and 3/s_W^2 for the SU(2) one alone (r -> infinity)
    assert ew.symmetric_normalisation(0.0) == pytest.approx(1.0 / ew.COS_W**2, rel=1e-12)
    assert ew.symmetric_normalisation(1e8) == pytest.approx(3.0 / ew.SIN_W**2, rel=1e-6)
    assert ew.V0_MEV == pytest.approx(246.22e3, rel=1e-4)
    # c_H = (3 g^2 + g'^2 + 4 y_t^2 + 8 lambda)/16 with tree-level couplings: 0.398
    assert ew.thermal_mass_coefficient() == pytest.approx(0.398, abs=1e-3)


def test_higgs_vev_across_the_crossover():
    T = np.array([1e3, 100e3, 150e3, 159.0e3, 159.5e3, 200e3])
    ratio = ew.higgs_vev_ratio(T)
    assert ratio[0] == pytest.approx(1.0, abs=1e-4) and ratio[-2:].tolist() == [0.0, 0.0]
    # close to T_c, v^2 is linear in T (D'Onofrio, Rummukainen, Tranberg 2014): 2 (T_c - T)/T_c
    assert ratio[3] ** 2 == pytest.approx(2 * 0.5 / 159.5, rel=2e-3)
    masses = ew.doublet_masses(np.array([50e3, 1e6]))
    assert masses[0] == pytest.approx(np.array([125.2e3, c.M_W_MEV, c.M_W_MEV, c.M_Z_MEV]) * ratio_at(50e3), rel=1e-9)
    assert masses[1] == pytest.approx(np.full(4, math.sqrt(ew.thermal_mass_coefficient() * (1e12 - 159.5e3**2))))


def ratio_at(T):
    return math.sqrt(1 - (T / 159.5e3) ** 2)


def test_production_rate_across_the_crossover():
    # below ~5 GeV: the dimension-5 rate (times v^2(T)/v_0^2 = 1 - T^2/T_c^2); above T_c: the contact
    # processes alone (independent of the tabulated rate); continuous in between
    model = DipolePortal(1.0, 1e-12)
    table = rate_table()
    crossover = boltzmann.production_rate(model, table)
    broken = boltzmann.production_rate(model, table, Precision(electroweak="broken"))
    T = np.array([10.0, 1e3, 4e3])
    assert crossover(T) == pytest.approx(broken(T) * (1 - (T / ew.T_C_MEV) ** 2), rel=1e-6)
    hot = np.array([2e5, 1e6])
    n_eq = 2 * 3 * c.ZETA3 / (4 * math.pi**2) * hot**3
    contact = ew.contact_density_over_mu2(hot, 0.0) * model.mu_per_mev**2
    assert crossover(hot) == pytest.approx(contact / n_eq, rel=2e-3)
    fine = np.geomspace(150e3, 170e3, 41)
    jumps = np.abs(np.diff(np.log(crossover(fine))))
    assert jumps.max() < 0.05


def test_symmetric_rate_exceeds_the_continued_broken_rate():
    # above the crossover the dimension-6 processes make more N than the dimension-5 formula continued:
    # Gamma_6/Gamma_5 ~ T^2/(alpha v^2): > 1 at 300 GeV, > 10 at 3 TeV (the helper estimate: 13x at
    # 300 GeV and 150x at 1 TeV for massless Phi; thermal masses lower it)
    model = DipolePortal(1.0, 1e-13)
    table = rate_table()
    crossover = boltzmann.production_rate(model, table)
    broken = boltzmann.production_rate(model, table, Precision(electroweak="broken"))
    ratio = crossover(np.array([3e5, 3e6])) / broken(np.array([3e5, 3e6]))
    assert 1.0 < ratio[0] < ratio[1] and ratio[1] > 10.0


def test_cw_over_cb_domain():
    assert DipolePortal(1.0, 1e-12, cw_over_cb=5.0).cw_over_cb == 5.0
    with pytest.raises(ValueError, match="cw_over_cb"):
        DipolePortal(1.0, 1e-12, cw_over_cb=-1.9)
    with pytest.raises(ValueError, match="cw_over_cb"):
        DipolePortal(1.0, 1e-12, cw_over_cb=2e3)
    with pytest.raises(ValueError, match="electroweak"):
        Precision(electroweak="symmetric")
