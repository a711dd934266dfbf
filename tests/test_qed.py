"""QED cross sections of the electromagnetic cascade: limits, normalisations and rederivations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import dblquad, quad

from ndpcosmo import constants as c
from ndpcosmo.photodisintegration import qed


def test_thomson_and_klein_nishina_values():
    assert qed.SIGMA_T * c.INV_MEV2_TO_CM2 == pytest.approx(6.6524587e-25, rel=1e-7, abs=0.0)  # CODATA 2018
    assert qed.klein_nishina(np.array([1e-6]))[0] / qed.SIGMA_T == pytest.approx(1.0, abs=1e-5)
    # x = E/m = 1: sigma = 0.4307 sigma_T (Klein-Nishina, e.g. Rybicki & Lightman fig. 7.2)
    assert qed.klein_nishina(np.array([qed.M_E]))[0] / qed.SIGMA_T == pytest.approx(0.43073, abs=1e-4)
    # the series and the closed form join continuously at x = 1e-3
    x = np.array([0.999e-3, 1.001e-3]) * qed.M_E
    a, b = qed.klein_nishina(x)
    assert a / b == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("E", [0.05, 1.0, 30.0])
def test_compton_differential_integrates_to_the_total(E):
    lo = E / (1.0 + 2.0 * E / qed.M_E)
    total = quad(lambda e: qed.compton_differential(np.array([e]), E)[0], lo, E, limit=200)[0]
    assert total / qed.klein_nishina(np.array([E]))[0] == pytest.approx(1.0, abs=1e-8)


def test_breit_wheeler_peak():
    # maximum 0.2556 sigma_T at sqrt(s) = 1.40 x 2 m (e.g. Gould & Schreder 1967)
    s = np.linspace(4.0001, 40.0, 200001) * qed.M_E**2
    sigma = qed.breit_wheeler(s)
    i = int(np.argmax(sigma))
    assert sigma[i] / qed.SIGMA_T == pytest.approx(0.2556, abs=5e-4)
    assert math.sqrt(s[i]) / (2 * qed.M_E) == pytest.approx(1.40, abs=0.01)
    assert qed.breit_wheeler(np.array([3.9 * qed.M_E**2]))[0] == 0.0


def test_photon_photon_rate_rederived_from_euler_heisenberg():
    # integrate the Euler-Heisenberg total cross section over a Planck gas and over angles
    E, T = 1.0, 1e-3
    sigma0 = 973.0 / (10125.0 * math.pi) * qed.ALPHA**2 * qed.R_E**2

    def integrand(cos, eps):
        w = math.sqrt(2.0 * E * eps * (1.0 - cos)) / 2.0
        return eps**2 / math.expm1(eps / T) / math.pi**2 * 0.5 * (1.0 - cos) * sigma0 * (w / qed.M_E) ** 6

    rate = dblquad(integrand, 1e-8 * T, 60.0 * T, -1.0, 1.0, epsrel=1e-8)[0]
    assert rate / qed.photon_photon_rate(np.array([E]), T)[0] == pytest.approx(1.0, abs=1e-4)
    # two photons out, sharing the energy (Svensson & Zdziarski 1990)
    Ep = np.linspace(0.0, E, 200001)
    spec = qed.photon_photon_spectrum(Ep, E, T)
    assert np.trapezoid(spec, Ep) / (2 * rate) == pytest.approx(1.0, abs=1e-4)
    assert np.trapezoid(Ep * spec, Ep) / (E * rate) == pytest.approx(1.0, abs=1e-4)


def test_bethe_heitler_limits():
    unit = qed.ALPHA * qed.R_E**2
    # high energy: 28/9 ln 2k - 218/27 (Bethe & Heitler 1934)
    k = 1e5
    assert qed.bethe_heitler(np.array([k * qed.M_E]), 1.0)[0] / unit == pytest.approx(
        28.0 / 9.0 * math.log(2 * k) - 218.0 / 27.0, rel=1e-6
    )
    # threshold and Z^2 scaling
    assert qed.bethe_heitler(np.array([1.9 * qed.M_E]), 1.0)[0] == 0.0
    assert qed.bethe_heitler(np.array([10.0]), 2.0)[0] == pytest.approx(4 * qed.bethe_heitler(np.array([10.0]), 1.0)[0])
    # Maximon's low- and high-energy expansions meet at k = 4 (their truncations differ by 1.7 %)
    lo, hi = qed.bethe_heitler(np.array([3.999, 4.001]) * qed.M_E, 1.0)
    assert lo / hi == pytest.approx(1.0, abs=0.02)


def test_inverse_compton_thomson_limit():
    # gamma = 10 on photons of 1 eV: rate -> sigma_T, energy gain -> (4/3) sigma_T gamma^2 beta^2 eps
    g, eps = 10.0, 1e-6
    E1 = np.linspace(0.0, 4 * g * g * eps * 1.01, 400001)
    k = qed.inverse_compton_kernel(E1, g, eps)
    assert np.trapezoid(k, E1) / qed.SIGMA_T == pytest.approx(1.0, abs=1e-2)
    gain = np.trapezoid(E1 * k, E1) - qed.SIGMA_T * eps
    assert gain / (4.0 / 3.0 * qed.SIGMA_T * (g * g - 1.0) * eps) == pytest.approx(1.0, abs=5e-3)


def test_pair_creation_rate_scaling():
    # Gamma = (T m^4 / E^2) H(E T / m^2): the tabulated H reproduces the quadrature at any (E, T)
    for T in (1e-5, 3e-4, 2e-3, 1e-2):
        for E in np.geomspace(1.5, 200.0, 12):
            direct, _ = qed.pair_creation(E, T, np.array([0.5]), n_s=400)
            if direct > 1e-250:
                assert qed.pair_creation_rate(np.array([E]), T)[0] / direct == pytest.approx(1.0, abs=1e-6)
