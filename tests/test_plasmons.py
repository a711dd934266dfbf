"""Plasmon decay into nu N (production.plasmons) against the HTL propagator and closed-form limits.

References: the residues against the numerical derivative of the dispersion relations (Le Bellac,
"Thermal Field Theory", ch. 6; Braaten & Segel, PRD 48 (1993) 1478); the known limits (omega = w_p at
k = 0; the transverse mass -> m_inf^2 = 3 w_p^2/2 with Z_T -> 1; the longitudinal residue ->
exponentially small); and the hard-plasmon closed form for w_p << T:
gamma = 2 (CP) x 2 (modes) int d^3k/(2pi)^3 f_B(k) mu^2 m_inf^4/(48 pi k) = mu^2 m_inf^4 T^2 / (144 pi).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ndpcosmo.production import plasmons


def _at(k: float) -> tuple[float, dict[str, float]]:
    d = plasmons.dispersion()
    i = int(np.argmin(np.abs(d["k"] - k)))
    return float(d["k"][i]), {name: float(v[i]) for name, v in d.items()}


@pytest.mark.parametrize("k", [0.3, 1.0, 5.0])
def test_residues_against_the_derivative_of_the_dispersion_relation(k):
    k, d = _at(k)
    h = 1e-7
    gap_t = plasmons._transverse_gap
    derivative = (gap_t(np.array(d["K2_t"] + h), np.array(k)) - gap_t(np.array(d["K2_t"] - h), np.array(k))) / (2 * h)
    assert d["z_t"] == pytest.approx(1 / derivative, rel=1e-6)
    # longitudinal: Coulomb propagator -1/gap_L, residue in omega^2, covariantly normalised Z_00 k^2/K^2
    dl = d["K2_l"]
    gap_l = plasmons._longitudinal_gap
    derivative = (gap_l(np.array(dl * (1 + 1e-6)), np.array(k)) - gap_l(np.array(dl * (1 - 1e-6)), np.array(k))) / (
        2e-6 * dl
    )
    assert d["z_l"] == pytest.approx(abs(1 / derivative) * k * k / dl, rel=1e-6)


def test_limits_of_the_dispersion_relations():
    _, d0 = _at(0.0)
    assert (d0["K2_t"], d0["K2_l"], d0["z_t"], d0["z_l"]) == pytest.approx((1.0, 1.0, 1.0, 1.0), rel=1e-12)
    _, small = _at(1e-3)
    assert small["K2_t"] == pytest.approx(1.0, abs=1e-5) and small["K2_l"] == pytest.approx(1.0, abs=1e-5)
    _, hard = _at(1e3)
    assert hard["K2_t"] == pytest.approx(1.5, rel=1e-4) and hard["z_t"] == pytest.approx(1.0, abs=1e-4)
    _, ten = _at(10.0)
    assert ten["K2_l"] < 1e-20


def test_hard_plasmon_limit():
    # w_p = 1e-3 T: the rate is the hard-plasmon closed form to O(w_p / T)
    T, wp2 = 1.0, 1e-6
    gamma = plasmons.decay_density(T, np.array([1e-9]), wp2)[0]
    m_inf2 = 1.5 * wp2
    assert gamma == pytest.approx(m_inf2**2 * T**2 / (144 * math.pi), rel=1e-2)


def test_decay_closes_above_the_plasmon_mass():
    T, wp2 = 1.0, 0.05
    masses = np.array([0.5 * math.sqrt(wp2), 1.3 * math.sqrt(wp2)])  # m_inf = 1.22 w_p
    gamma = plasmons.decay_density(T, masses, wp2)
    assert gamma[0] > 0 and gamma[1] == 0.0
