"""The default bound table against BGKO's published curves (docs/validation.md, "The default table
against BGKO"): arXiv:2007.15563 Fig. 2, read from the figure's vector paths (docs/data/bgko2020/)."""

import importlib.util
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def overlay():
    spec = importlib.util.spec_from_file_location("bgko_overlay", ROOT / "docs" / "figures" / "bgko_overlay.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extracted_curve_matches_an_independent_digitisation(overlay):
    # Hostert's hand digitisation of the same BBN curve (Heavy-Neutrino-Limits) lies on the curve read
    # from the PDF's vector paths: the extraction (axis calibration, path order) is right
    hostert = np.loadtxt(overlay.DATA / "hostert_bbn.csv", delimiter=",", comments="#", skiprows=4)
    inside = overlay._inside(hostert, (0.01, 1000.0), (2e-13, 1e-7))  # drop its closing points
    d = overlay.distances(inside, [overlay.bgko_curve("bbn_he4")])
    assert len(inside) > 100
    assert np.median(d) < 0.01 and d.max() < 0.02  # decades (measured 0.003, 0.009)


def test_neff_of_coupled_light_n_matches_bgko(overlay):
    # the upper Delta N_eff = 0.3 branch (N in equilibrium through neutrino decoupling): same physics,
    # same line within 0.1 decade (measured median 0.07, largest 0.17)
    r = overlay.compare()["neff_0.3_upper"]
    assert r["points"] > 25
    assert r["median"] < 0.1 and r["max"] < 0.2


def test_refined_lines_against_bgko(overlay):
    # the same comparison on the refined lines (tables/contours/bgko_lines_mu.csv, 0.01 decade): the coupled
    # branch within 0.1 decade (measured median 0.077, largest 0.172); the BBN 90 % line and the
    # Delta N_eff = 0.05 line within 0.3 and 0.35 decade (median; measured 0.19 and 0.26: docs/validation.md
    # explains the rest)
    refined = overlay.compare_contours()
    assert refined["neff_0.3_upper"]["points"] > 25
    assert refined["neff_0.3_upper"]["median"] < 0.1 and refined["neff_0.3_upper"]["max"] < 0.2
    assert refined["bbn_he4"]["median"] < 0.3 and refined["neff_0.05"]["median"] < 0.35


def test_bbn_bound_contains_bgko_helium_bound(overlay):
    # BGKO's bound uses 4He alone at the eta the CMB measures; ours adds D/H and 3He/D, the eta shift and
    # photodisintegration. With eta fixed by the CMB (our BBN + CMB profile) it can only be stronger: every
    # grid point BGKO excludes (90 % CL) we exclude at 90 % CL too, except within 0.05 decade of their
    # line (grid resolution: 0.06 decade in mu). BBN alone is profiled in the eta BBN sees (issue 15): where
    # N dilutes eta it can trade the dilution for a higher omega_b, so it misses part of BGKO's region
    # (light N at M <~ 1.8 MeV, documented in docs/validation.md) -- every such point is excluded by the
    # combination, which carries the BBN-CMB eta mismatch.
    from matplotlib.path import Path as Polygon

    from ndpcosmo.scan import grid_of, read_table

    table = read_table(overlay.DEFAULT_TABLE)
    masses, mus, chi2_bbn = grid_of(table, "delta_chi2_bbn")
    chi2_total = grid_of(table, "delta_chi2_total")[2]
    M, U = np.meshgrid(masses, mus)
    points = np.stack([M.ravel(), U.ravel()], axis=1)
    region = Polygon(np.log10(overlay.bgko_curve("bbn_he4_excluded")))
    theirs = region.contains_points(np.log10(points)).reshape(M.shape) & (U >= 2e-13)
    ours = chi2_total > 2.71
    missed = points[(theirs & ~ours).ravel()]
    assert theirs.sum() > 3000
    if len(missed):
        assert overlay.distances(missed, [overlay.bgko_curve("bbn_he4")]).max() < 0.05
    assert len(missed) < 0.01 * theirs.sum()
    assert (ours & ~theirs & (U >= 2e-13)).sum() > 500  # and it is stronger in places (documented)
    alone = theirs & ~(chi2_bbn > 2.71)
    # measured: 1233 points, all at M <= 1.82 MeV (1224 at <= 1.34 MeV before the spectral decay neutrinos
    # and the flipped helicity pair), every one excluded by the combination
    assert np.all(M[alone] < 2.0) and np.all(chi2_total[alone] > 2.71)


def test_late_decay_neff_against_the_sudden_decay_estimate(overlay):
    # where our lower Delta N_eff = 0.3 line and BGKO's part (0.5 decade apart at M = 1 MeV), the
    # sudden-decay estimate arbitrates: N frozen out early (relic n_N/n_gamma from the abundance stage),
    # decaying at rest after e+- annihilation releases f = Gamma(3/2) M (n_N/n_gamma) / (<E_gamma> at T(tau))
    # (<E_gamma> = rho_gamma/n_gamma = 2.701 T; radiation domination: <a> over the exponential), half to
    # photons and half to nu_mu: N_eff = (a + f/2)/(1 + f/2) x NEFF_NORM with a = 3.044 / NEFF_NORM
    # (REFERENCE sec. 2). It agrees with ours to 0.1 and puts BGKO's 0.3 line at Delta N_eff ~ 0.8.
    from ndpcosmo import background, production
    from ndpcosmo.background.solver import NEFF_NORM
    from ndpcosmo.likelihoods.combined import default_cosmology
    from ndpcosmo.model import DipolePortal, Precision
    from ndpcosmo.plasma import photon_number_density

    mean_photon_energy_per_T = math.pi**2 / 15.0 / float(photon_number_density(1.0))  # 2.701

    cosmology = default_cosmology()
    sm = background.solve(None, None, cosmology)
    lower = overlay.bgko_curve("neff_0.3_lower")
    branch = lower[lower[:, 0] >= 0.3]  # the monotonic part above the turn at 0.2 MeV
    order = np.argsort(branch[:, 0])
    mu_bgko = float(np.exp(np.interp(0.0, np.log(branch[order, 0]), np.log(branch[order, 1]))))
    assert mu_bgko == pytest.approx(2.26e-12, rel=0.02, abs=0.0)
    a = 3.044 / NEFF_NORM
    for mu in (mu_bgko, 6e-12):
        model = DipolePortal(1.0, mu)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            abundance = production.solve(model, Precision())
        T_tau = float(np.exp(np.interp(math.log(model.tau_s), np.log(sm.t_s), np.log(sm.T_gamma_mev))))
        n_over_n_gamma = abundance.n_N_over_n_gamma_10mev * 4.0 / 11.0  # after e+- annihilation
        f = math.gamma(1.5) * 1.0 * n_over_n_gamma / (mean_photon_energy_per_T * T_tau)
        estimate = (a + f / 2) / (1 + f / 2) * NEFF_NORM - 3.044
        ours = background.solve(model, abundance, cosmology).neff_cmb - 3.044
        assert ours == pytest.approx(estimate, abs=0.1)
        if mu == mu_bgko:
            assert estimate > 0.6 and ours > 0.6
