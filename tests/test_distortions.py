"""CMB spectral distortions from the decays' energy release (issue 6)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from ndpcosmo import Cosmology, DipolePortal, Precision, distortions, run
from ndpcosmo import constants as c
from ndpcosmo.background.equations import RHO_GAMMA_PER_T4


def test_green_function_limits():
    # REFERENCE.md sec. 6 (Hu & Silk 1993; Chluba & Sunyaev 2012): a release at z = 5e5 gives
    # mu ~ 1.4 drho/rho (10 %); deep in the y era (z = 5e3) y = drho / (4 rho) (Zeldovich-Sunyaev; 1 %)
    # and only the tail of the mu-era branching (J_mu(5e3) = 1 %); at z = 1e7 it is thermalised
    mid = distortions.instantaneous(1e-5, 5e5)
    assert mid.mu == pytest.approx(1.4e-5, rel=0.10)
    late = distortions.instantaneous(1e-5, 5e3)
    assert late.y == pytest.approx(0.25e-5, rel=0.01) and abs(late.mu) < 0.02 * mid.mu
    early = distortions.instantaneous(1e-5, 1e7)
    assert abs(early.mu) < 1e-3 * mid.mu and abs(early.y) < 1e-3 * late.y
    with pytest.raises(ValueError, match="z ="):
        distortions.instantaneous(1e-5, -1.0)


def test_firas_limits():
    assert not distortions.Distortions(8e-5, 1e-5, 0.0).excluded_firas
    assert distortions.Distortions(1e-4, 0.0, 0.0).excluded_firas
    assert distortions.Distortions(0.0, 2e-5, 0.0).excluded_firas
    # at the 95 % limit of either alone, chi^2 = 1.96^2
    assert distortions.Distortions(9e-5, 0.0, 0.0).chi2_firas == pytest.approx(1.96**2)


def test_release_from_a_history_matches_its_energy_bookkeeping():
    # N -> nu gamma at tau = 3.8e7 s (after e+- annihilation, where a T is constant): the heat integrated
    # here equals the history's own comoving injection into the photons over a^4 rho_gamma (1 %), and
    # the release at z ~ 1e5-1e6 gives a mu of order the heat; the SM has none
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run(DipolePortal(1.0, 1e-13, T_RH_mev=5.0), precision=Precision(bbn_errors="none", pdi=False))
    h = result.history
    T0 = Cosmology().T_cmb_K * c.K_B_MEV_PER_K
    out = distortions.from_history(h, T0)
    comoving_rho_gamma = RHO_GAMMA_PER_T4 * (h.a[-1] * h.T_gamma_mev[-1]) ** 4
    assert out.heat == pytest.approx(h.injected_comoving["gamma"] / comoving_rho_gamma, rel=0.01)
    assert 0.5 * out.heat < out.mu < 1.401 * out.heat and 0.0 < out.y < 0.01 * out.heat
    assert math.isfinite(out.chi2_firas)
    sm = distortions.from_history(run(None, precision=Precision(bbn_errors="none")).history, T0)
    assert sm.mu == 0.0 and sm.y == 0.0
    assert np.isfinite(distortions.j_bb_star(np.array([1e9]))).all()


def test_mu_of_tightly_coupled_light_n_converges_with_the_history_tolerance():
    """A 10 keV N at 1e-8 mu_B (T_RH = 5 MeV) stays tightly coupled: the heat its slaved bins give the
    photons is taken from the integrator's ledger, not from the rate Gamma (f - f_eq) E (a small difference
    of large numbers, which gave mu = 2.1e-4, 9.7e-5, 4.3e-5, 2.0e-5 at rtol 1e-5, 1e-7, 1e-8, 1e-9 against
    the FIRAS limit 9e-5). Now mu converges (successive differences shrinking) and stays far below FIRAS
    at the scans' rtol 1e-5; where the rate is well resolved (1 MeV, 1e-13 mu_B, T_RH 5 MeV; 0.1 MeV,
    1e-11 mu_B) the ledger and the rate give the same mu and y to 1 %."""
    import dataclasses

    from ndpcosmo import background, production

    T_cmb = Cosmology().T_cmb_K * c.K_B_MEV_PER_K
    model = DipolePortal(0.01, 1e-8, T_RH_mev=5.0)
    abundance = production.solve(model, Precision())
    mus = [distortions.from_history(background.solve(model, abundance, rtol=r), T_cmb).mu for r in (1e-5, 1e-7, 1e-9)]
    assert mus[0] < 0.2 * distortions.FIRAS_95["mu"]
    assert abs(mus[1] - mus[2]) < abs(mus[0] - mus[1]) and mus[0] / mus[2] < 1.5
    for mass, mu, trh in ((1.0, 1e-13, 5.0), (0.1, 1e-11, None)):
        point = DipolePortal(mass, mu, T_RH_mev=trh)
        history = background.solve(point, production.solve(point, Precision()))
        ledger = distortions.from_history(history, T_cmb)
        rate = distortions.from_history(dataclasses.replace(history, heat_gamma_comoving=None), T_cmb)
        assert ledger.mu == pytest.approx(rate.mu, rel=0.01) and ledger.y == pytest.approx(rate.y, rel=0.01)
