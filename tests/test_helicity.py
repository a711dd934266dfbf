"""The flipped helicity pair of a Dirac N (production.helicity, Precision.dirac_flipped_pair).

References: the t-channel spin sums of ``cross_sections.t_channel_polynomial`` (the trace with P_N must be
them: checks the substitution P_N -> P_N + h M s_N is applied to the right expression); the limits of the
helicity split (R ~ (M/T)^2 for M << T, R -> 1/2 for M >> T where helicity no longer selects the chiral
component); detailed balance (decays and inverse decays couple both pairs alike, so a coupled Dirac N
holds 4 states and inverse decays alone make twice as many N: exact ratios); the Monte Carlo's own
statistical error (two seeds).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from ndpcosmo import DipolePortal, Precision, plasma
from ndpcosmo.production import cross_sections, helicity, rates, solve


def test_trace_is_the_t_channel_spin_sum():
    for s, a, z in ((4.0, 0.9, 0.7), (10.0, 3.0, 0.2), (30.0, 0.05, 2.0)):
        rs = math.sqrt(s)
        p_out, e_n = (s - z * z) / (2 * rs), (s + z * z) / (2 * rs)
        cos = (e_n - (z * z + a) / rs) / p_out
        p_n = np.array([[e_n, p_out * math.sqrt(1 - cos * cos), 0.0, p_out * cos]])
        k4, p4 = np.array([[rs / 2, 0, 0, rs / 2]]), np.array([[rs / 2, 0, 0, -rs / 2]])
        poly = cross_sections.t_channel_polynomial(s, z, 0.0)
        t = -a
        reference = poly[0] + t * (poly[1] + t * (poly[2] + t * poly[3]))
        assert helicity.trace(p_n, k4, p4, k4 - p_n, np.array([t]))[0] == pytest.approx(reference, rel=1e-12)


def test_limits_of_the_flipped_share():
    r = helicity.flipped_fraction(np.array([0.003, 0.01, 0.03, 1.0, 10.0, 40.0]))
    assert r[0] / 0.003**2 == pytest.approx(r[2] / 0.03**2, rel=0.03)  # R ~ (M/T)^2
    assert np.all(np.diff(r) > 0)
    assert 0.45 < r[-1] < 0.5  # -> 1/2


def test_monte_carlo_error():
    other = helicity._events(helicity.N_EVENTS)
    rng = np.random.default_rng(7)
    other = {k: rng.random(v.shape) for k, v in other.items()}
    for z in (0.3, 3.0):
        assert helicity.flipped_share(z, other) == pytest.approx(float(helicity.flipped_fraction(z)), rel=0.02)


def test_a_coupled_dirac_n_holds_four_states():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = DipolePortal(30.0, 1e-8)
        both = solve(model)
        one = solve(model, precision=Precision(dirac_flipped_pair=False))
        majorana = solve(DipolePortal(30.0, 1e-8, nature="majorana"))
    assert both.handoff.g_N == pytest.approx(4.0, rel=1e-6)
    assert both.Y_N_relic == pytest.approx(2 * one.Y_N_relic, rel=1e-6)
    assert both.handoff.Y_N == pytest.approx(both.handoff.Y_eq, rel=1e-4)
    assert majorana.handoff.g_N == 2.0


def test_a_light_relic_is_unchanged():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both = solve(DipolePortal(0.01, 1e-11))
        one = solve(DipolePortal(0.01, 1e-11), precision=Precision(dirac_flipped_pair=False))
    assert both.delta_neff_relativistic == pytest.approx(one.delta_neff_relativistic, rel=1e-6)
    assert both.handoff.g_N == pytest.approx(2.0, rel=1e-6)


@pytest.mark.filterwarnings("ignore:divide by zero")  # T_dec of a rate table without scattering
def test_inverse_decays_fill_both_pairs():
    # no scattering (a negligible rate table): inverse decays alone, far from equilibrium, make twice the N
    T = np.geomspace(1e-2, 1e7, 226)
    M = np.geomspace(1e-3, 1e4, 85)
    table = rates.RateTable(T, M, np.full((3, T.size, M.size), -700.0), "no scattering")
    model = DipolePortal(50.0, 1e-13, T_RH_mev=500.0)
    sm = plasma.default_plasma()
    both = solve(model, sm=sm, table=table)
    one = solve(model, sm=sm, table=table, precision=Precision(dirac_flipped_pair=False))
    assert both.handoff.Y_N / both.handoff.Y_eq < 1e-2
    assert both.Y_N_relic == pytest.approx(2 * one.Y_N_relic, rel=1e-3)
