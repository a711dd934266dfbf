"""The compressed Planck 2018 likelihood on (omega_b, N_eff, Y_P) (issue 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ndpcosmo.likelihoods.cmb import PLANCK2018_MEANS, CompressedPlanck

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def planck():
    if not (DATA / "planck2018_covmats").is_dir():
        pytest.skip("the Planck data directory ../shared/data is not here")
    return CompressedPlanck.from_files(DATA)


def test_covariance_block_matches_the_published_widths(planck):
    # shared/data/README.md: sigma = (2.20e-4, 0.307, 0.0179), rho = +0.40, +0.18, -0.68 (2 %)
    s = planck.sigmas
    assert s == pytest.approx([2.20e-4, 0.307, 0.0179], rel=0.02)
    rho = planck.covariance / np.outer(s, s)
    assert [rho[0, 1], rho[0, 2], rho[1, 2]] == pytest.approx([0.40, 0.18, -0.68], abs=0.01)


def test_chi2_is_a_gaussian_in_the_three_numbers(planck):
    # 0 at the means; a shift of N_eff by one sigma, the other two profiled (minimised), costs exactly 1
    # (a property of any Gaussian), and fixed at the means it costs 1 / (1 - R^2) >= 1
    assert planck.chi2(*PLANCK2018_MEANS) == 0.0
    C = planck.covariance
    shift = planck.sigmas[1]
    # profile: for d_N fixed, the minimising (d_b, d_Y) = C_{x,N} / C_{N,N} d_N
    d = C[:, 1] / C[1, 1] * shift
    profiled = planck.chi2(*(np.array(PLANCK2018_MEANS) + d))
    assert profiled == pytest.approx(1.0, rel=1e-10)
    fixed = planck.chi2(PLANCK2018_MEANS[0], PLANCK2018_MEANS[1] + shift, PLANCK2018_MEANS[2])
    assert fixed > 1.0


def test_missing_directory_error_names_the_variable(monkeypatch):
    monkeypatch.delenv("NDPCOSMO_PLANCK_DIR", raising=False)
    with pytest.raises(FileNotFoundError, match="NDPCOSMO_PLANCK_DIR"):
        CompressedPlanck.from_files()


def test_standard_model_is_a_good_fit(planck):
    # the SM through our chain: omega_b = 0.02242, N_eff = 3.044, Y_P = 0.247: chi^2 of a point ~0.8
    # sigma from the means in N_eff, well inside the 95 % region of a 3-parameter Gaussian (7.8)
    from ndpcosmo import Precision, run

    result = run(None, precision=Precision(bbn_errors="none"))
    chi2 = planck.chi2_result(result)
    assert 0.0 < chi2 < 7.8
