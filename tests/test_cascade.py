"""Electromagnetic cascade: kernels against independent forms, energy bookkeeping, spectrum limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from ndpcosmo.photodisintegration import cascade, qed


def _bath(T: float) -> cascade.Bath:
    n_b = 6.1e-10 * 2.0 * 1.2020569 / math.pi**2 * T**3
    return cascade.Bath.from_baryons(T, n_b, 0.247)


@pytest.mark.parametrize("k", [2.5, 3.99, 4.01, 10.0, 200.0])
def test_bethe_heitler_spectrum_integrates_to_maximon_total(k):
    # two independent forms: the Berestetskii-Lifshitz-Pitaevskii energy spectrum and Maximon's totals
    E = k * qed.M_E
    total = quad(
        lambda e: qed.bethe_heitler_differential(np.array([e]), E)[0], qed.M_E, E - qed.M_E, limit=400, points=[E / 2]
    )[0]
    assert total / qed.bethe_heitler(np.array([E]), 1.0)[0] == pytest.approx(1.0, abs=3e-4)


def test_pair_spectrum_matches_aharonian_kernel():
    # our boosted Breit-Wheeler spectrum vs Aharonian, Atoyan & Nagapetyan's closed form, on a Planck gas
    E, T = 30.0, 2e-3
    x = np.linspace(0.0, 1.0, 801)
    rate, spectrum = qed.pair_creation(E, T, x, n_s=800)
    eps = np.geomspace(qed.M_E**2 / E * (1 + 1e-7), qed.M_E**2 / E + 80 * T, 6000)
    f = eps**2 / (math.pi**2 * np.expm1(eps / T))
    for xi in (0.25, 0.5, 0.75):
        K = np.trapezoid(f / eps**2 * qed.pair_creation_kernel(np.full_like(eps, xi * E), E, eps), eps)
        assert 2.0 * K * E / np.interp(xi, x, spectrum) == pytest.approx(1.0, abs=0.01)
    assert np.trapezoid(spectrum, x) / (2.0 * rate) == pytest.approx(1.0, abs=1e-4)


def test_inverse_compton_thomson_rate_and_conservation():
    T = 1e-4
    n_gamma = 2.0 * 1.2020569 / math.pi**2 * T**3
    m = cascade.inverse_compton_moments(np.array([2.0]), T)
    # gamma = 4, gamma eps << m: the Thomson rate (Jones' kernel leaves out the few down-scatterings)
    assert m["rate"][0] / (n_gamma * qed.SIGMA_T) == pytest.approx(1.0, abs=0.1)
    # energy loss rate (4/3) sigma_T c gamma^2 beta^2 U_gamma (Blumenthal & Gould 1970, eq. 2.17)
    gamma = 2.0 / qed.M_E
    u_gamma = math.pi**2 / 15.0 * T**4
    loss = m["photon_power"][0] - m["target_power"][0]
    assert loss / (4.0 / 3.0 * qed.SIGMA_T * (gamma**2 - 1.0) * u_gamma) == pytest.approx(1.0, abs=0.03)


@pytest.mark.parametrize(("T", "E0"), [(1e-2, 10.0), (1e-3, 60.0), (1e-4, 60.0)])
def test_cascade_energy_bookkeeping(T, E0):
    # injected + taken from the CMB = handed to the bath below E_min + rest mass of the pairs, and the
    # kernels' quadrature needed corrections of at most 2 % to conserve energy column by column
    spectrum = cascade.solve(E0, _bath(T), points_per_decade=60)
    balance = cascade.energy_balance(spectrum)
    assert abs(balance["residual"]) < 1e-3
    assert spectrum.renormalisation < 0.02
    assert np.all(spectrum.F_gamma >= 0.0) and np.all(spectrum.F_e >= 0.0)


def test_cascade_follows_the_universal_spectrum_above_pair_threshold():
    # E0 >> E_C = m^2/(22 T): below E_C the steady photon flux Gamma f follows the universal shape
    # (E/E_X)^-1.5, ^-2 (Cyburt et al. 2003, as normalised in arXiv:2011.06518) within a factor 2.5
    # (the universal form is an approximation), and above E_C pair creation cuts it off
    T, E0 = 2e-3, 100.0
    bath = _bath(T)
    s = cascade.solve(E0, bath, points_per_decade=60)
    E = s.E_mev
    gamma = sum(cascade.photon_rates(E, bath).values())
    E_C, E_X = qed.M_E**2 / (22 * T), qed.M_E**2 / (80 * T)
    K0 = E0 / E_X**2 / (2.0 + math.log(E_C / E_X))
    below = E < 0.7 * E_C
    universal = np.where(E < E_X, K0 * (E / E_X) ** -1.5, K0 * (E / E_X) ** -2)
    ratio = s.F_gamma[below] * gamma[below] / universal[below]
    assert 1.0 < ratio.min() and ratio.max() < 2.5 and ratio.max() / ratio.min() < 1.3
    at = lambda e: s.F_gamma[np.argmin(np.abs(E - e))]  # noqa: E731
    assert at(2.0 * E_C) < 1e-3 * at(0.5 * E_C)
