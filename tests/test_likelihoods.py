"""Data sets, the BBN likelihood, the combined likelihood, verdicts, ``ndpcosmo run`` and ``loglike`` (issue 7)."""

from __future__ import annotations

import json
import math

import pytest
from planck_data import DATA

from ndpcosmo import Precision, run
from ndpcosmo.likelihoods.bbn import (
    ABUNDANCE_FLOOR,
    REFERENCE_THEORY_ERRORS,
    TAU_N_PRIOR_S,
    BBNLikelihood,
    observed,
)
from ndpcosmo.likelihoods.combined import (
    DELTA_CHI2_95,
    Assessor,
    CombinedLikelihood,
    default_cosmology,
    parse_data,
)
from ndpcosmo.likelihoods.data import MEASUREMENTS, Measurement, measurements

PRECISION = Precision(bbn_errors="none")


@pytest.fixture(scope="module")
def assessor():
    if not (DATA / "planck2018_covmats").is_dir():
        pytest.skip(f"no Planck data directory at {DATA}")
    return Assessor.create(CombinedLikelihood.create(planck_dir=DATA))


def test_data_sets_are_the_published_numbers():
    # REFERENCE.md sec. 7, each with its source and version
    assert (MEASUREMENTS["Yp_Aver2021"].value, MEASUREMENTS["Yp_Aver2021"].sigma) == (0.2453, 0.0034)
    assert (MEASUREMENTS["DH_Cooke2018"].value, MEASUREMENTS["DH_Cooke2018"].sigma) == (2.527e-5, 0.030e-5)
    assert (MEASUREMENTS["DH_PDG2024"].value, MEASUREMENTS["DH_PDG2024"].sigma) == (2.547e-5, 0.029e-5)
    assert MEASUREMENTS["He3D_GG2003"].kind == "upper"
    assert all(m.source and m.version for m in MEASUREMENTS.values())
    upper = MEASUREMENTS["He3D_GG2003"]
    assert upper.chi2(0.5) == 0.0 and upper.chi2(0.98) == pytest.approx(1.0)
    assert upper.chi2(math.inf) == math.inf and MEASUREMENTS["DH_PDG2024"].chi2(2.547e-5 + 0.029e-5) == pytest.approx(
        1.0
    )
    with pytest.raises(ValueError, match="unknown data sets"):
        measurements(["Yp_Aver2021", "DH_nowhere"])
    with pytest.raises(ValueError, match="more than once"):
        measurements(["Yp_Aver2021", "Yp_PDG2024"])
    with pytest.raises(ValueError, match="kind"):
        Measurement("x", "Yp", 0.24, 0.01, "lower", "s", "1")


def test_bbn_likelihood_terms_by_hand():
    # without theory errors each term is ((X - X_obs)/sigma_obs)^2 of the final abundances
    result = run(None, default_cosmology(), PRECISION)
    bare = BBNLikelihood.create(theory_errors="none", fold_tau_n=False)
    terms = bare.chi2_terms(result.final)
    assert terms["Yp_Aver2021"] == pytest.approx(((result.final.Yp_bbn - 0.2453) / 0.0034) ** 2, rel=1e-12)
    assert terms["DH_PDG2024"] == pytest.approx(((result.final.D_H - 2.547e-5) / 0.029e-5) ** 2, rel=1e-12)
    assert terms["He3D_GG2003"] == 0.0  # 3He/D = 0.43 < 0.83
    # Step 3's theory errors: the SM's linear propagation (D/H ~1.1 %); they shrink every term
    step3 = BBNLikelihood.create(fold_tau_n=False)
    sm_errors = run(None, default_cosmology(), Precision(bbn_errors="linear")).final.errors
    assert step3.relative_errors["D_H"] == pytest.approx(sm_errors["D_H"], rel=1e-6)
    assert 0.005 < step3.relative_errors["D_H"] < 0.02
    assert step3.chi2(result.final) < bare.chi2(result.final)


def test_neutron_lifetime_slope_and_folding():
    # d ln Y_P / d ln tau_n ~ 0.72-0.73 (Serpico et al. 2004, Phys. Rep. 398, 1; Fields et al. 2020, JCAP 03,
    # 010; the classic ~2e-4 per second), 10 %; folded, the prior width adds |dY/dtau| 0.5 s to Y_P's error
    folded = BBNLikelihood.create(theory_errors="none", fold_tau_n=True)
    assert folded.tau_n_slopes["Yp"] * TAU_N_PRIOR_S[0] == pytest.approx(0.73, rel=0.1)
    result = run(None, default_cosmology(), PRECISION)
    sigma = folded.theory_sigma(result.final, "Yp")
    assert sigma == pytest.approx(result.final.Yp_bbn * folded.tau_n_slopes["Yp"] * 0.5, rel=1e-12)
    with pytest.raises(ValueError, match="theory_errors"):
        BBNLikelihood.create(theory_errors="huge")


@pytest.mark.parametrize("D_H", [0.0, 1e-200, 7.5e-188])
def test_destroyed_deuterium_gives_a_finite_chi2(D_H):
    """Photodisintegration can leave D/H ~ 1e-188 or 0: the chi^2 is finite, and its limits analytic:
    D/H far below the measurement gives (value/sigma)^2; 3He/D -> infinity with a relative theory error r
    gives 1/r^2, without theory errors (x/sigma)^2 at the floored x = (3He/H)/ABUNDANCE_FLOOR."""

    class Gone:
        Yp_bbn, He3_H, Li7_H, errors = 0.25, 1e-5, 1e-10, {}

    Gone.D_H = D_H
    assert observed(Gone, "He3_D") == pytest.approx(1e-5 / max(D_H, ABUNDANCE_FLOOR), rel=1e-12)
    bare = BBNLikelihood.create(theory_errors="none", fold_tau_n=False).chi2_terms(Gone)
    dh = MEASUREMENTS["DH_PDG2024"]
    assert bare["DH_PDG2024"] == pytest.approx((dh.value / dh.sigma) ** 2, rel=1e-12)
    he3d = MEASUREMENTS["He3D_GG2003"]
    x = observed(Gone, "He3_D")
    assert bare["He3D_GG2003"] == pytest.approx(((x - he3d.value) / he3d.sigma) ** 2, rel=1e-12)
    assert math.isfinite(bare["He3D_GG2003"])
    ref = BBNLikelihood.create(theory_errors="reference", fold_tau_n=False).chi2_terms(Gone)
    if x > 1e20:  # the 1/r^2 limit holds to (sigma/(r x))^2
        assert ref["He3D_GG2003"] == pytest.approx(1.0 / REFERENCE_THEORY_ERRORS["He3_D"] ** 2, rel=1e-10)
    assert all(math.isfinite(v) for v in ref.values())


def test_data_names():
    assert parse_data("bbn, cmb") == ("bbn", "cmb")
    with pytest.raises(ValueError, match="unknown"):
        parse_data("bbn,planck")
    with pytest.raises(ValueError, match="choose one"):
        parse_data(["cmb", "cmb_full"])
    assert CombinedLikelihood.create("bbn,firas").probes() == ("bbn", "cmb")
    assert CombinedLikelihood.create("bbn").probes() == ("bbn",)


@pytest.mark.parametrize(
    ("point", "excluded", "why"),
    [
        # BGKO (REFERENCE sec. 8): "BBN high 4He" excludes large mu at M_N <~ 1-2 MeV (N in equilibrium
        # through BBN: Delta N_eff = 2.5 here)
        ((0.5, 1e-7, None), {"bbn": True, "cmb": True, "total": True}, "BGKO 4He"),
        # Magill et al. 2018: a thermally populated N with tau_N >~ 1 s is excluded (tau = 471 s here)
        ((2.0, 1e-11, None), {"bbn": True, "cmb": True, "total": True}, "Magill tau > 1 s"),
        # BGKO: the CMB Delta N_eff contours cover 0.05-2 MeV (N_eff = 3.30 at recombination here)
        ((0.1, 1e-9, None), {"cmb": True, "total": True}, "BGKO Delta N_eff"),
        # clearly allowed: N decays at 4e-9 s, long before anything is measured
        ((100.0, 1e-8, None), {"bbn": False, "cmb": False, "total": False}, "decays at 4e-9 s"),
        # a low reheating temperature reopens the space (Shoemaker, Tsai & Wyenberg, arXiv:2007.05513):
        # the same (M, mu) as thermal is excluded, from T_RH = 5 MeV allowed
        ((1.0, 1e-11, None), {"cmb": True, "total": True}, "thermal"),
        ((1.0, 1e-11, 5.0), {"bbn": False, "cmb": False, "total": False}, "T_RH = 5 MeV"),
    ],
)
def test_verdicts_on_points_the_literature_classifies(capsys, point, excluded, why):
    # through the command line, as a user runs it
    from ndpcosmo.cli import main

    if not (DATA / "planck2018_covmats").is_dir():
        pytest.skip(f"no Planck data directory at {DATA}")
    mass, mu, trh = point
    argv = ["run", "--mass", str(mass), "--mu", str(mu), "--planck-dir", str(DATA), "--json"]
    assert main(argv + (["--trh", str(trh)] if trh is not None else [])) == 0
    verdict = json.loads(capsys.readouterr().out)
    names = {"bbn": "excluded_bbn", "cmb": "excluded_cmb", "total": "excluded"}
    for probe, expected in excluded.items():
        assert verdict[names[probe]] == expected, (why, probe, verdict["delta_chi2"])
        delta = verdict["delta_chi2"][probe]
        assert (delta is None or delta > DELTA_CHI2_95) == expected  # None: infinite


def test_standard_model_reference_profile(assessor):
    # the SM against itself: Delta chi^2 = 0; BBN alone prefers a lower omega_b than the CMB (the D/H
    # tension of PRIMAT-grade rates: D/H 2.44e-5 vs 2.547e-5 observed), the joint fit sits between
    sm = assessor.assess(run(None, default_cosmology(), PRECISION))
    assert all(abs(v) < 1e-6 for v in sm.delta_chi2.values())
    best = sm.omega_b_best
    assert best["bbn"] < best["total"] < best["cmb"]
    assert best["cmb"] == pytest.approx(0.0224, abs=3e-4)


def test_run_command_json(capsys):
    from ndpcosmo.cli import main

    if not (DATA / "planck2018_covmats").is_dir():
        pytest.skip(f"no Planck data directory at {DATA}")
    assert main(["run", "--mass", "100", "--mu", "1e-8", "--planck-dir", str(DATA), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("excluded", "excluded_bbn", "excluded_cmb", "chi2", "neff_cmb", "Yp", "D_H", "tau_s", "T_dec_mev"):
        assert key in out
    assert out["excluded"] is False and set(out["chi2"]) >= {"Yp_Aver2021", "DH_PDG2024", "planck_compressed", "firas"}
    assert main(["run", "--mass", "-1", "--mu", "1e-8", "--data", "bbn"]) == 2
    assert "mass_mev" in capsys.readouterr().err
    assert main(["run", "--mass", "1", "--mu", "1e-8", "--data", "bbn,planck"]) == 2


def test_loglike_interface():
    import warnings

    import ndpcosmo
    from ndpcosmo.interfaces.plain import Loglike

    params = {"mass_mev": 100.0, "mu_muB": 1e-8}
    like = Loglike(("bbn", "firas"))
    value = like(params)
    terms = like.chi2_terms(params)
    assert value == pytest.approx(-0.5 * sum(terms.values()), rel=1e-12)
    assert ndpcosmo.loglike(params, data="bbn,firas") == pytest.approx(value, rel=1e-12)
    # tau_n as a parameter: its prior joins, the folding leaves
    with_tau = like.chi2_terms({**params, "tau_n_s": 879.4})
    assert with_tau["tau_n_prior"] == pytest.approx((1.0 / 0.5) ** 2)
    with pytest.raises(ValueError, match="unknown"):
        like({**params, "omega_c": 0.12})
    with pytest.raises(ValueError, match="omega_b"):
        like({**params, "omega_b": 1.5})
    # all deuterium destroyed: a large finite chi^2 (an excluded point, not a failure); D/H's term is
    # its saturated (value/sigma)^2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gone = {"mass_mev": 1.0, "mu_muB": 1e-14}
        dh = MEASUREMENTS["DH_PDG2024"]
        assert like.chi2_terms(gone)["DH_PDG2024"] == pytest.approx((dh.value / dh.sigma) ** 2, rel=1e-6)
        assert -math.inf < like(gone) < -0.5 * (dh.value / dh.sigma) ** 2
    assert like.failures == 0 and like.calls == 3 + 1
