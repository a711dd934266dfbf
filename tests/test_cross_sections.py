"""Cross sections of the dipole portal against REFERENCE.md section 2 and explicit-spinor sums."""

from __future__ import annotations

import numpy as np
import pytest
from dirac_algebra import METRIC, two_body_momenta
from dirac_algebra import t_channel_msq as brute_t_channel
from scipy.integrate import quad

from ndpcosmo import constants as c
from ndpcosmo.production import cross_sections as xs


def test_s_channel_reference_value():
    # REFERENCE.md section 2: 2.079e-48 cm^2 at mu = 1e-11 mu_B, M -> 0, per CP channel
    mu = 1e-11 * c.MU_B_PER_MEV
    sigma = xs.sigma_s_channel(100.0, 1e-6, 0.0, mu) * c.INV_MEV2_TO_CM2
    assert sigma == pytest.approx(2.079e-48, rel=5e-4, abs=0.0)


def test_t_channel_reference_check_value():
    # REFERENCE.md section 2: <|M|^2>/(e^2 d^2) = 19.333 at s = 1, M = 0.5, t = -0.375
    assert xs.t_channel_msq(1.0, -0.375, 0.5, 0.0) == pytest.approx(19.333, abs=1e-3)


def test_t_channel_massless_target_formula():
    # REFERENCE.md: 16 [s u / t + M^2/2 - M^4/(2t)], u = M^2 - s - t
    s, M = 7.3, 1.4
    for t in (-0.01, -1.0, -3.0, -(s - M**2) + 1e-3):
        u = M**2 - s - t
        ref = 16.0 * (s * u / t + M**2 / 2 - M**4 / (2 * t))
        assert xs.t_channel_msq(s, t, M, 0.0) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize(
    ("s", "M", "m", "scalar"),
    [
        (1.0, 0.5, 0.0, False),
        (3.0, 0.7, 0.4, False),
        (20.0, 2.0, 1.5, False),
        (3.0, 0.7, 0.4, True),
        (5.0, 0.0, 1.0, True),
    ],
)
def test_t_channel_matches_explicit_spinors(s, M, m, scalar):
    # Independent: amplitudes from explicit Dirac spinors, summed numerically (tests/dirac_algebra.py)
    for cos_theta in (-0.9, -0.2, 0.3, 0.95):
        k, p, p_n, p_f = two_body_momenta(s, 0.0, m, M, m, cos_theta)
        q = p_n - k
        t = q @ METRIC @ q
        ref = brute_t_channel(k, p, p_n, p_f, M, m, scalar=scalar)
        assert xs.t_channel_msq(s, t, M, m, scalar) == pytest.approx(ref, rel=1e-10)


def test_t_channel_total_cross_section_by_quadrature():
    # sigma = int dt |M|^2 / (16 pi lambda) with a numerical t integral and the screening cut
    s, M, m, mu, cut = 20.0, 2.0, 1.5, 0.3, 0.5
    lo, hi = xs.t_channel_limits(s, M, m)
    lo = max(lo, cut)
    d2 = (mu / 2) ** 2
    val = quad(lambda a: xs.t_channel_msq(s, -a, M, m), lo, hi, limit=200)[0]
    ref = c.E_CHARGE**2 * d2 * val / (16 * np.pi * (s - m * m) ** 2)
    assert xs.sigma_t_channel(s, M, m, cut, mu) == pytest.approx(ref, rel=1e-10)


def test_t_channel_leading_log_limit():
    # REFERENCE.md: for M -> 0 and |t|_min = m_D^2 << s: sigma = alpha mu^2 [ln(s/m_D^2) - 1]
    s, mu, cut = 1e4, 1.0, 1e-2
    ref = c.ALPHA_EM * mu**2 * (np.log(s / cut) - 1.0 + cut / s)
    assert xs.sigma_t_channel(s, 1e-9, 0.0, cut, mu) == pytest.approx(ref, rel=1e-8)


def _s_channel_by_crossing(s, M, m, scalar):
    """sigma(f fbar -> N nubar) from the t-channel |M|^2 by crossing (independent of the closed form).

    Crossing nu(k) f(p) -> N(pN) f(p') into f(p1) fbar(p2) -> N(pN) nubar(k'): k -> -k', p' -> -p2,
    p -> p1. The t-channel invariants become s_t = (p1 - k')^2 and t_t = (k' + pN)^2 = s, and |M|^2
    picks up (-1) per crossed fermion: +1 for a fermion target (nu and f'), -1 for a scalar (nu only).
    Spin average: 1/4 for two initial fermions (the t-channel value averages over one f spin: x 1/2).
    """
    rs = np.sqrt(s)
    p_in = np.sqrt(s / 4 - m * m)
    p_out = (s - M * M) / (2 * rs)

    def integrand(cos_theta):
        e1 = rs / 2
        e_nu = p_out
        # (p1 - k')^2 = m^2 - 2 (E1 E_nu - p_in p_out cos)
        s_t = m * m - 2 * (e1 * e_nu - p_in * p_out * cos_theta)
        t_t = s
        return xs.t_channel_msq(s_t, t_t, M, m, scalar)

    avg = -1.0 if scalar else 0.5
    integral = quad(integrand, -1, 1)[0] * avg
    d2 = 0.25
    return c.E_CHARGE**2 * d2 * integral * p_out / (32 * np.pi * s * p_in)


@pytest.mark.parametrize(
    ("s", "M", "m", "scalar"), [(4.0, 0.3, 0.0, False), (9.0, 1.2, 0.8, False), (9.0, 1.2, 0.8, True)]
)
def test_s_channel_closed_form_matches_crossed_t_channel(s, M, m, scalar):
    ref = _s_channel_by_crossing(s, M, m, scalar)
    assert xs.sigma_s_channel(s, M, m, 1.0, 1.0, scalar) == pytest.approx(ref, rel=1e-8)


def test_s_channel_thresholds():
    assert xs.sigma_s_channel(0.99, 1.0, 0.0) == 0.0  # s < M^2
    assert xs.sigma_s_channel(3.9, 0.0, 1.0) == 0.0  # s < 4 m^2


def test_plasmon_width_crossing_relation():
    # crossing the spin sum of N -> nu gamma (2 mu^2 M^4 over 2 N spins) to gamma* -> nu Nbar (mu^2 K^4 over
    # 3 polarisations): per CP channel 1/3 of the Dirac width at M = K; the two CP channels together are
    # REFERENCE.md's mu^2 K^3/(24 pi) = 2/3 of it
    K, mu = 2.0, 0.1
    per_channel = xs.plasmon_width_rest_mev(K, 1e-9, mu)
    assert per_channel == pytest.approx(xs.decay_width_mev(K, mu, False) / 3, rel=1e-9)
    assert 2 * per_channel == pytest.approx(mu**2 * K**3 / (24 * np.pi), rel=1e-9)
    assert xs.plasmon_width_rest_mev(1.0, 1.1, mu) == 0.0
