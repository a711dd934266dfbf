"""Model inputs: derived width and lifetime, degrees of freedom, and validation of bad input."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ndpcosmo import Cosmology, DipolePortal, Precision
from ndpcosmo import constants as c


def test_bohr_magneton():
    # REFERENCE.md section 1: mu_B = e/(2 m_e) = 0.296304 MeV^-1 (CODATA alpha, m_e)
    assert c.MU_B_PER_MEV == pytest.approx(0.296304, rel=2e-6)


def test_lifetime_dirac_reference():
    # REFERENCE.md section 1: tau_N = 3768.4 s at M = 1 MeV, mu = 1e-11 mu_B (Dirac), to 1e-4
    model = DipolePortal(1.0, 1e-11, nature="dirac")
    assert model.tau_s == pytest.approx(3768.4, rel=1e-4)


def test_lifetime_scaling_and_majorana_half():
    dirac = DipolePortal(3.0, 2e-10, nature="dirac")
    majorana = DipolePortal(3.0, 2e-10, nature="majorana")
    assert majorana.tau_s == dirac.tau_s / 2.0  # exactly half: two open channels (nu gamma, nubar gamma)
    # tau ~ mu^-2 M^-3 (analytic)
    assert dirac.tau_s == pytest.approx(3768.4 * (1e-11 / 2e-10) ** 2 / 27.0, rel=1e-4)


def test_width_matches_spin_sum():
    # Independent route: |M|^2 summed over spins with explicit spinors, two-body phase space.
    import numpy as np
    from dirac_algebra import decay_msq

    M = 7.0
    mu = 1e-9 * c.MU_B_PER_MEV
    p_n = np.array([M, 0, 0, 0.0])
    k = np.array([M / 2, 0, 0, M / 2])
    k_gamma = np.array([M / 2, 0, 0, -M / 2])
    msq = decay_msq(p_n, k, k_gamma, M, d=mu / 2)
    width = 0.5 * msq / (2 * M) / (8 * np.pi)  # average over the N spin
    assert DipolePortal(M, 1e-9).width_mev == pytest.approx(width, rel=1e-12, abs=0.0)


def test_degrees_of_freedom():
    assert DipolePortal(1.0, 1e-11, nature="dirac").g_N == 2
    assert DipolePortal(1.0, 1e-11, nature="majorana").g_N == 2


BAD_INPUTS = [
    (dict(mass_mev=-1.0, mu_muB=1e-11), "mass_mev"),
    (dict(mass_mev=0.0, mu_muB=1e-11), "mass_mev"),
    (dict(mass_mev=math.nan, mu_muB=1e-11), "mass_mev"),
    (dict(mass_mev=math.inf, mu_muB=1e-11), "mass_mev"),
    (dict(mass_mev=1e5, mu_muB=1e-11), "mass_mev"),
    (dict(mass_mev="1", mu_muB=1e-11), "mass_mev"),
    (dict(mass_mev=True, mu_muB=1e-11), "mass_mev"),
    (dict(mass_mev=1.0, mu_muB=0.0), "mu_muB"),
    (dict(mass_mev=1.0, mu_muB=-1e-11), "mu_muB"),
    (dict(mass_mev=1.0, mu_muB=math.nan), "mu_muB"),
    (dict(mass_mev=1.0, mu_muB=1.0), "mu_muB"),
    (dict(mass_mev=1.0, mu_muB=1e-11, nature="dirak"), "nature"),
    (dict(mass_mev=1.0, mu_muB=1e-11, nature=None), "nature"),
    (dict(mass_mev=1.0, mu_muB=1e-11, flavour="nu_e"), "flavour"),
    (dict(mass_mev=1.0, mu_muB=1e-11, T_RH_mev=1.0), "T_RH_mev"),
    (dict(mass_mev=1.0, mu_muB=1e-11, T_RH_mev=-5.0), "T_RH_mev"),
    (dict(mass_mev=1.0, mu_muB=1e-11, T_RH_mev=1e9), "T_RH_mev"),
    (dict(mass_mev=1.0, mu_muB=1e-11, T_RH_mev=math.nan), "T_RH_mev"),
]


@pytest.mark.parametrize(("kwargs", "name"), BAD_INPUTS)
def test_bad_model_inputs_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name) as info:
        DipolePortal(**kwargs)
    assert "range" in str(info.value) or "one of" in str(info.value)


@pytest.mark.parametrize(
    ("cls", "kwargs", "name"),
    [
        (Cosmology, dict(omega_b=-0.02), "omega_b"),
        (Cosmology, dict(tau_n_s=math.nan), "tau_n_s"),
        (Cosmology, dict(T_cmb_K=0.0), "T_cmb_K"),
        (Precision, dict(abundance_rtol=0.0), "abundance_rtol"),
        (Precision, dict(rate_T_per_decade=2.5), "rate_T_per_decade"),
        (Precision, dict(rate_M_per_decade=1), "rate_M_per_decade"),
        (Precision, dict(T_handoff_mev=0.1), "T_handoff_mev"),
        (Precision, dict(T_max_mev=1e9), "T_max_mev"),
        (Precision, dict(bbn_network="large"), "bbn_network"),
        (Precision, dict(bbn_rtol=0.1), "bbn_rtol"),
        (Precision, dict(bbn_errors="yes"), "bbn_errors"),
        (Precision, dict(bbn_library="nacre"), "bbn_library"),
    ],
)
def test_bad_cosmology_and_precision(cls, kwargs, name):
    with pytest.raises(ValueError, match=name):
        cls(**kwargs)


def test_refined_precision_halves_tolerance():
    p = Precision()
    assert p.refined().abundance_rtol == p.abundance_rtol / 2
    assert p.refined().abundance_steps_per_decade > p.abundance_steps_per_decade


def test_numba_caches_go_to_the_user_cache_directory():
    """No compiled kernel is written beside the sources (a read-only install must work)."""
    from ndpcosmo import _linalg, cache

    locator = _linalg.lu_factor._cache._cache_path
    assert Path(locator).resolve().is_relative_to(cache.cache_dir().resolve()), locator
    assert not Path(locator).resolve().is_relative_to(Path(_linalg.__file__).resolve().parent)
