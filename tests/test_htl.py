"""The t-channel with quantum statistics and HTL screening (production.t_channel, production.htl).

References: scipy quadrature (occupation integrals), closed forms (complete Fermi-Dirac / Bose-Einstein
integrals; the Maxwell-Boltzmann leading-order constant ln 2 + 3/4 - gamma_E; the soft HTL constant
ln 2 - 5/6), the independent Maxwell-Boltzmann thermal average of ``rates`` (Gondolo-Gelmini, s
integral with the analytic t integral), and the explicit Braaten-Yuan split of ``htl`` (a different
integration: HTL spectral functions below q*, the bare rate in (q, omega) above).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from ndpcosmo import constants as c
from ndpcosmo import plasma
from ndpcosmo.production import _scattering, htl, rates
from ndpcosmo.production import cross_sections as xs
from ndpcosmo.production import t_channel as tch

EULER_GAMMA = 0.5772156649015329


def _fd(e, sign):
    return 1.0 / (np.exp(e) + sign)


GX, GW = np.polynomial.legendre.leggauss(16)


def _tails(x: float, stat: int) -> np.ndarray:
    out = np.empty(3)
    _scattering.tails(x, stat, GX, GW, out)
    return out


def _blocked(x: float, w: float, stat: int) -> np.ndarray:
    out, tmp = np.empty(3), np.empty(3)
    _scattering.blocked(x, w, stat, GX, GW, out, tmp)
    return out


@pytest.mark.parametrize("stat", [0, 1])
def test_occupation_integrals_against_quadrature(stat):
    sign = 1.0 if stat == 0 else -1.0
    for x in (1e-6, 0.3, 0.999, 1.0, 1.7, 5.3, 30.0):
        ref = [
            quad(lambda e, n=n: e**n * _fd(e, sign), x, 200.0, epsabs=0, epsrel=1e-13, limit=200)[0] for n in range(3)
        ]
        assert _tails(x, stat) == pytest.approx(ref, rel=1e-12)
    # complete integrals: pi^2/12, 3 zeta(3)/2 (Fermi-Dirac); pi^2/6, 2 zeta(3) (Bose-Einstein)
    expected = (np.pi**2 / 12, 1.5 * c.ZETA3) if stat == 0 else (np.pi**2 / 6, 2 * c.ZETA3)
    assert _tails(0.0, stat)[1:] == pytest.approx(expected, rel=1e-14)
    mb = [quad(lambda e, n=n: e**n * np.exp(-e), 2.5, 200.0, epsrel=1e-13)[0] for n in range(3)]
    assert _tails(2.5, 2) == pytest.approx(mb, rel=1e-12)


@pytest.mark.parametrize("stat", [0, 1])
def test_pauli_blocking_and_bose_enhancement_moments(stat):
    sign = 1.0 if stat == 0 else -1.0
    for x, w in ((0.2, 1.3), (0.5, -0.4), (0.01, 3.0), (2.0, 1e-7), (1.0, 1e-4)):

        def integrand(e, n, w=w):
            return e**n * _fd(e, sign) * (1 - sign * _fd(e + w, sign))

        ref = [quad(integrand, x, 200.0, args=(n,), epsrel=1e-13, limit=200)[0] for n in range(3)]
        assert _blocked(x, w, stat) == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize("scalar", [False, True])
def test_matrix_element_is_quadratic_in_s(scalar):
    a, M, m = 0.7, 1.3, 0.4
    coef = tch.p_coefficients(np.array([a]), M, m, scalar)[0]
    for s in (2.0, 5.5, 40.0):
        poly = xs.t_channel_polynomial(s, M, m, scalar)
        t = -a
        direct = poly[0] + t * (poly[1] + t * (poly[2] + t * poly[3]))
        assert coef[0] + coef[1] * s + coef[2] * s * s == pytest.approx(direct, rel=1e-10)


@pytest.mark.parametrize(("T", "M"), [(1.0, 1e-3), (1.0, 0.5), (0.2, 3.0), (2.0, 0.01)])
def test_maxwell_boltzmann_limit_equals_the_gondolo_gelmini_average(T, M):
    # the (|t|, r) integral with MB statistics and no final-state factors = the s-integral average
    electron = plasma.CHARGED_SPECIES[0]
    md2 = float(plasma.debye_mass_squared(T))
    ln_mb = rates.ln_t_channel_density_boltzmann(np.array([T]), np.array([M]), electron, np.array([md2]), 128)[0, 0]
    qs = rates.qs_factor(np.array([electron.mass_mev / T]), True)[0]
    reference = math.exp(ln_mb - M / T) / (rates._QS_NU * qs)
    k = tch.k_integral(math.log(md2 / T**2), M / T, electron.mass_mev / T, "fermion", "boltzmann")
    ours = 4 * electron.g * c.E_CHARGE**2 / 4 / (256 * np.pi**5) * T**6 * k
    assert ours == pytest.approx(reference, rel=1e-6)


def _lo_constant(t_cut: float, statistics: str) -> float:
    """gamma(nu -> N on f and fbar) / [n_nu m_D^2 T / 2 pi] - ln(T / sqrt(t_cut)), e = Q = T = 1."""
    k = tch.k_integral(math.log(t_cut), 1e-6, 0.0, "fermion", statistics)
    gamma = 2 * 2 / (256 * np.pi**5) / 4 * k
    if statistics == "boltzmann":
        n_nu, md2 = 1 / np.pi**2, 4 / np.pi**2  # with the Maxwell-Boltzmann Debye mass
    else:
        n_nu, md2 = 3 * c.ZETA3 / (4 * np.pi**2), 1 / 3
    return gamma / (n_nu * md2 / (2 * np.pi)) - 0.5 * math.log(1 / t_cut)


def test_leading_order_constant_maxwell_boltzmann_closed_form():
    # massless MB kinematics cut at |t| = t*: ln(T/sqrt t*) + ln 2 + 3/4 - gamma_E (+ O(t*/T^2))
    assert _lo_constant(1e-5, "boltzmann") == pytest.approx(math.log(2) + 0.75 - EULER_GAMMA, abs=2e-4)


def test_soft_htl_constant():
    # Gamma_soft = (mu^2 m_D^2 T / 2 pi)[ln(q*/m_D) + ln 2 - 5/6] for q* >> m_D
    md2 = 1e-4
    for ratio in (1000.0, 3000.0):
        soft = htl.soft_rate(ratio * math.sqrt(md2), md2)
        assert soft / (md2 / (2 * np.pi)) - math.log(ratio) == pytest.approx(math.log(2) - 5 / 6, abs=2e-6)


def test_split_is_independent_of_q_star_and_equals_the_cut():
    # small coupling (m_D = 1e-3 T): hard(q > q*) + soft(q < q*) with HTL below, for q* from 10 to 300 m_D
    md2 = 1e-6
    constants = [htl.split_constant(q, md2) for q in (0.01, 0.03, 0.1, 0.3)]
    bracket = 0.5 * math.log(1 / md2)
    rates_ = [bracket + cst for cst in constants]
    assert max(rates_) / min(rates_) - 1 < 0.01  # the 1 %
    # the constant itself: O(m_D/q*) and O(q*/T) corrections, smallest for q* in 30-300 m_D
    assert max(constants[1:]) - min(constants[1:]) < 3e-3
    # the invariant cut at |t| = m_D^2 (the production code) gives the same constant
    cut = _lo_constant(md2, "quantum")
    assert cut == pytest.approx(constants[2], abs=1e-3)
    assert cut == pytest.approx(0.9588, abs=2e-4)


def test_master_table_interpolation():
    rng = np.random.default_rng(7)
    for kind in ("fermion", "scalar"):
        for _ in range(8):
            z_M = math.exp(rng.uniform(math.log(1e-3), math.log(100.0)))
            z_f = math.exp(rng.uniform(math.log(0.02), math.log(50.0)))
            lam = rng.uniform(-34.0, 1.0)
            direct = tch.k_integral(lam, z_M, z_f, kind)
            table = math.exp(tch.ln_k_table(lam, np.array([z_M]), z_f, kind)[0] - z_M - z_f)
            assert table == pytest.approx(direct, rel=2e-3)
