"""The compressed Planck 2018 likelihood on (omega_b, N_eff, Y_P) (issue 6)."""

from __future__ import annotations

import numpy as np
import pytest
from planck_data import DATA

from ndpcosmo.likelihoods.cmb import PLANCK2018_MEANS, CompressedPlanck, PlikLite


@pytest.fixture(scope="module")
def planck():
    if not (DATA / "planck2018_covmats").is_dir():
        pytest.skip(f"no Planck data directory at {DATA}")
    return CompressedPlanck.from_files(DATA)


@pytest.fixture(scope="module")
def plik():
    if not (DATA / "planck2018_plik_lite").is_dir():
        pytest.skip(f"no Planck data directory at {DATA}")
    return PlikLite.from_files(DATA)


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


def test_the_shipped_block_is_the_chain_files(planck, monkeypatch):
    """The compressed Gaussian inside the package is the official covmat's block (digit for digit) and
    the paper's means; without a Planck directory it is the default (nothing to download)."""
    shipped = CompressedPlanck.embedded()
    np.testing.assert_array_equal(shipped.means, np.array(PLANCK2018_MEANS))
    np.testing.assert_allclose(shipped.covariance, planck.covariance, rtol=1e-12, atol=0.0)
    monkeypatch.delenv("NDPCOSMO_PLANCK_DIR", raising=False)
    assert CompressedPlanck.load().source == shipped.source
    assert CompressedPlanck.load(DATA).source.endswith("lowl_lowE.covmat")


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


def test_plik_lite_files_and_binning(plik):
    # 613 bandpowers with a symmetric positive-definite covariance; the weights of every bin sum to 1,
    # so a constant C_ell bins to itself (D_ell = l(l+1) C / 2 pi in)
    assert plik.data.size == 613 and plik.inverse_covariance.shape == (613, 613)
    assert np.allclose(plik.inverse_covariance, plik.inverse_covariance.T)
    assert np.all(np.linalg.eigvalsh(plik.inverse_covariance) > 0)
    ell = np.arange(2, 2600)
    D = ell * (ell + 1.0) / (2 * np.pi) * 3.0
    assert plik.binned(ell, D, -D, 2 * D) == pytest.approx(np.concatenate([[3.0] * 215, [-3.0] * 199, [6.0] * 199]))
    with pytest.raises(ValueError, match="every ell"):
        plik.binned(ell[:2000], D[:2000], D[:2000], D[:2000])
    # with the low-ell TT bins: 615 bandpowers from ell = 2
    low = PlikLite.from_files(DATA, low_ell=True)
    assert low.data.size == 615 and low.lmin == 2
    assert low.binned(ell, D, -D, 2 * D)[:3] == pytest.approx([3.0, 3.0, 3.0])
    with pytest.raises(ValueError, match="from 2 to"):
        low.binned(ell[30:], D[30:], D[30:], D[30:])


def test_plik_lite_at_the_planck_best_fit(plik):
    # shared/data/README.md: the Planck 2018 TT,TE,EE best fit gives chi^2 close to 600 over the 613
    # bins (about 618 was seen with CLASS spectra): within 20 of 600. Best fit: Planck 2018 VI table 2
    # (TT,TE,EE+lowE+lensing), one massive neutrino of 0.06 eV
    classy = pytest.importorskip("classy")
    cosmo = classy.Class()
    cosmo.set(
        {
            "output": "tCl,pCl,lCl",
            "lensing": "yes",
            "l_max_scalars": 2600,
            "omega_b": 0.022383,
            "omega_cdm": 0.12011,
            "100*theta_s": 1.041085,
            "tau_reio": 0.0543,
            "ln10^{10}A_s": 3.0448,
            "n_s": 0.96605,
            "N_ur": 2.0328,
            "N_ncdm": 1,
            "m_ncdm": 0.06,
        }
    )
    cosmo.compute()
    cl = cosmo.lensed_cl(2508)
    ell = cl["ell"][2:]
    f = ell * (ell + 1) / (2 * np.pi) * (cosmo.T_cmb() * 1e6) ** 2
    tt, te, ee = f * cl["tt"][2:], f * cl["te"][2:], f * cl["ee"][2:]
    cosmo.struct_cleanup()
    chi2 = plik.chi2(ell, tt, te, ee)
    assert chi2 == pytest.approx(600.0, abs=20.0)
    profiled, A = plik.chi2_profiled(ell, tt, te, ee)
    assert profiled <= chi2 and abs(A - 1.0) < 0.01
    # a 5 % lower amplitude is strongly disfavoured
    assert plik.chi2(ell, 0.95 * tt, 0.95 * te, 0.95 * ee) > chi2 + 100
    # the two low-ell TT bins (ell 2-15, 16-29): Gaussian, uncorrelated with the rest, weights
    # proportional to l(l+1) (Prince & Dunkley 2019), checked against a direct sum over the file
    # columns; the tau prior (0.0506 +/- 0.0086) adds its own term
    low = PlikLite.from_files(DATA, low_ell=True)
    table = np.loadtxt(DATA / "planck2018_plik_lite/planck2018_low_ell/CTT_bin_low_ell_2018.dat")
    expected = 0.0
    for (lo, hi), (_, value, sigma) in zip(((2, 15), (16, 29)), table, strict=True):
        band = np.arange(lo, hi + 1)
        mean_cl = np.sum(2 * np.pi * tt[band - 2]) / np.sum(band * (band + 1.0))
        expected += ((value - mean_cl) / sigma) ** 2
    assert low.chi2(ell, tt, te, ee) - chi2 == pytest.approx(expected, rel=1e-6)
    assert 0.5 < expected < 10.0  # the low-ell deficit: ~4 here
    assert low.chi2(ell, tt, te, ee, tau_reio=0.0543) - low.chi2(ell, tt, te, ee) == pytest.approx(
        ((0.0543 - 0.0506) / 0.0086) ** 2, rel=1e-9
    )


def test_firas_likelihood():
    # zero for no distortion; a distortion at either 95 % limit costs 1.96^2 (a Gaussian's 95 % point);
    # the SM through our chain has no N heat: chi^2 = 0; an N with a mu-era decay gives the history's mu
    from ndpcosmo import DipolePortal, Precision, constants, distortions, run
    from ndpcosmo.likelihoods.cmb import Firas

    firas = Firas()
    assert firas.chi2(0.0, 0.0) == 0.0
    assert firas.chi2(9e-5, 0.0) == pytest.approx(1.96**2) and firas.chi2(0.0, -1.5e-5) == pytest.approx(1.96**2)
    precision = Precision(bbn_errors="none")
    assert firas.chi2_result(run(None, precision=precision)) == 0.0
    result = run(DipolePortal(1.0, 1e-13, T_RH_mev=5.0), precision=precision)
    sd = distortions.from_history(result.history, result.cosmology.T_cmb_K * constants.K_B_MEV_PER_K)
    assert firas.chi2_result(result) == pytest.approx((sd.mu / (9e-5 / 1.96)) ** 2 + (sd.y / (1.5e-5 / 1.96)) ** 2)
    assert 1.0 < firas.chi2_result(result) < 1.96**2  # mu = 6.8e-5: inside the limit but not by much
