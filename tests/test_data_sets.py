"""Named data sets (likelihoods.data): the catalogue, the choice from --data names, and their use."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from ndpcosmo.likelihoods import data
from ndpcosmo.likelihoods.combined import CombinedLikelihood, parse_data


def test_catalogue_lists_every_data_set_with_its_source_and_one_default_per_kind():
    rows = data.catalogue()
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    assert set(data.MEASUREMENTS) | set(data.CMB_GAUSSIANS) | set(data.TAU_N_PRIORS) | {"firas", "cmb_full"} == set(
        names
    )
    for row in rows:
        assert row["source"] and row["year"] and row["kind"] and row["quantity"], row
    defaults = [r for r in rows if r["default"]]
    by_kind = [(r["probe"], r["quantity"]) for r in defaults]
    assert len(by_kind) == len(set(by_kind))  # one default per quantity
    assert {r["name"] for r in defaults} >= {data.DEFAULT_CMB_DATA, data.DEFAULT_TAU_N, *data.DEFAULT_BBN_DATA}


@pytest.mark.parametrize("name", sorted(data.CMB_GAUSSIANS))
def test_cmb_gaussians_are_valid_covariances(name):
    means, cov = data.CMB_GAUSSIANS[name].means_and_covariance()
    assert means.shape == (3,) and cov.shape == (3, 3)
    np.testing.assert_allclose(cov, cov.T, rtol=1e-12, atol=0.0)
    assert np.all(np.linalg.eigvalsh(cov) > 0.0)
    assert 0.020 < means[0] < 0.025 and 2.0 < means[1] < 4.0 and 0.2 < means[2] < 0.3


def test_resolve_replaces_the_default_of_a_named_quantity_and_names_clashes():
    choice = data.resolve(("Yp_LBT2026", "cmb", "firas", "tau_n_UCNtau2021"))
    assert choice.bbn == ("Yp_LBT2026", "DH_PDG2024", "He3D_GG2003")
    assert choice.cmb == data.DEFAULT_CMB_DATA and choice.firas and choice.tau_n == "tau_n_UCNtau2021"
    assert data.resolve(("bbn",)).bbn == data.DEFAULT_BBN_DATA
    assert data.resolve(("bbn", "Li7H_PDG2024")).bbn == (*data.DEFAULT_BBN_DATA, "Li7H_PDG2024")
    for bad, words in [
        (("cmb", "cmb_full"), "choose one"),
        (("Yp_LBT2026", "Yp_PDG2024"), "more than once"),
        (("tau_n_PDG2024", "tau_n_UCNtau2021", "bbn"), "neutron-lifetime"),
        (("tau_n_PDG2024",), "no probe"),
        (("planck",), "unknown"),
    ]:
        with pytest.raises(ValueError, match=words):
            parse_data(bad)


def test_likelihood_takes_the_chosen_sets_and_prior():
    likelihood = CombinedLikelihood.create("Yp_LBT2026,DH_Cooke2018,cmb,tau_n_UCNtau2021")
    assert [m.name for m in likelihood.bbn.data] == ["Yp_LBT2026", "DH_Cooke2018", "He3D_GG2003"]
    assert likelihood.bbn.tau_n_prior_s == (877.75, pytest.approx(0.3561, abs=1e-4))
    assert likelihood.tau_n_prior_s()[0] == 877.75
    assert likelihood.data_sets() == ("Yp_LBT2026", "DH_Cooke2018", "He3D_GG2003", "cmb_Planck2018", "tau_n_UCNtau2021")
    assert likelihood.probes() == ("bbn", "cmb")


def test_cli_data_lists_and_run_uses_named_sets():
    listed = subprocess.run([sys.executable, "-m", "ndpcosmo.cli", "data", "--json"], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["Yp_LBT2026"]["value"] == 0.2458 and "2601.22238" in rows["Yp_LBT2026"]["source"]
    assert rows["cmb_Planck2018"]["default"] and len(rows["cmb_Planck2018"]["covariance"]) == 3
    assert {"DH_PDG2024", "DH_Cooke2018"} <= set(rows)
    table = subprocess.run([sys.executable, "-m", "ndpcosmo.cli", "data"], capture_output=True, text=True)
    assert table.returncode == 0 and "Yp_LBT2026" in table.stdout
    run = subprocess.run(
        [sys.executable, "-m", "ndpcosmo.cli", "run", "--mass", "1", "--mu", "1e-11", "--json"]
        + ["--data", "Yp_LBT2026,cmb,firas,tau_n_UCNtau2021"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["data_sets"][0] == "Yp_LBT2026" and out["data_sets"][-1] == "tau_n_UCNtau2021"
    assert "Yp_LBT2026" in out["chi2"] and "Yp_Aver2021" not in out["chi2"]
    bad = subprocess.run(
        [sys.executable, "-m", "ndpcosmo.cli", "run", "--mass", "1", "--mu", "1e-11", "--data", "bbn,nonsense"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "nonsense" in bad.stderr and "Traceback" not in bad.stderr


def test_sbbn_at_the_planck_baryon_density_agrees_with_the_literature():
    """Our SBBN at Planck 2018's LCDM omega_b (0.02237, TT,TE,EE+lowE+lensing), tau_n = 878.4 s, against
    what 2026 papers quote there: LBT Y_P IV (arXiv:2601.22238) BBN Y_P = 0.2467 +- 0.0002 (tolerance
    0.0005: the spread of codes and rate sets, REFERENCE's theory error 0.0003); Launders, Giovanetti &
    Liu (arXiv:2604.16600) D/H = (2.442 +- 0.040) e-5, 1.70 sigma below Cooke et al. 2018 (tolerance: their
    0.040, and 0.3 in the pull)."""
    import math

    from ndpcosmo.model import Cosmology, Precision
    from ndpcosmo.pipeline import run

    final = run(None, Cosmology(omega_b=0.02237, tau_n_s=878.4), Precision(bbn_errors="none")).final
    assert abs(final.Yp_bbn - 0.2467) < 0.0005, final.Yp_bbn
    dh = final.D_H * 1e5
    assert abs(dh - 2.442) < 0.040, dh
    cooke = data.MEASUREMENTS["DH_Cooke2018"]
    pull = (cooke.value * 1e5 - dh) / math.hypot(cooke.sigma * 1e5, 0.040)
    assert abs(pull - 1.70) < 0.3, pull
    lbt = data.MEASUREMENTS["Yp_LBT2026"]
    assert abs((lbt.value - final.Yp_bbn) / math.hypot(lbt.sigma, 0.0002)) < 2.0  # "good agreement"


@pytest.mark.parametrize("tau_n", sorted(data.TAU_N_PRIORS))
@pytest.mark.parametrize("dh", ["DH_Cooke2018", "DH_PDG2024"])
@pytest.mark.parametrize("yp", ["Yp_Aver2021", "Yp_PDG2024", "Yp_LBT2026", "Yp_EMPRESS2025"])
def test_the_standard_model_fits_every_combination_of_data(yp, dh, tau_n):
    """The SM's profiled chi^2 (omega_b free) with each Y_P x D/H x tau_n choice, the 3He/D limit, Planck
    2018 and FIRAS has a p-value above 1 % (dof: the Gaussian terms minus omega_b); the limits add 0."""
    from scipy.stats import chi2 as chi2_distribution

    from ndpcosmo.verdict import assessor

    names = ",".join([yp, dh, "He3D_GG2003", "cmb", "firas", tau_n])
    reference = assessor(names, None, "step3").reference["total"]
    dof = 2 + 3 + 2 - 1  # Y_P, D/H; omega_b, N_eff, Y_P of the CMB; mu, y; minus omega_b
    assert reference.terms["He3D_GG2003"] == 0.0
    assert chi2_distribution.sf(reference.chi2, dof) > 0.01, (names, reference.chi2, reference.terms)


def test_samplers_take_the_chosen_neutron_lifetime_prior(tmp_path):
    """MCMC configs and ``loglike`` use the data's tau_n prior (UCNtau here), not the default's."""
    import yaml

    from ndpcosmo.interfaces.plain import Loglike
    from ndpcosmo.sampling import MCMCConfig

    raw = {
        "output": "chain",
        "data": ["bbn", "firas", "tau_n_UCNtau2021"],
        "parameters": {"log10_mass_mev": 1.8, "log10_mu_muB": -9.5},
    }
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(raw))
    tau = next(f for f in MCMCConfig.from_file(path).free if f.name == "tau_n_s")
    prior = data.TAU_N_PRIORS["tau_n_UCNtau2021"]
    assert (tau.mean, tau.sigma, tau.start) == (prior.value, prior.sigma, prior.value)
    raw["parameters"]["tau_n_s"] = {"min": 870.0, "max": 890.0, "mean": 880.0, "sigma": 1.0}
    path.write_text(yaml.safe_dump(raw))
    own = next(f for f in MCMCConfig.from_file(path).free if f.name == "tau_n_s")
    assert (own.mean, own.sigma) == (880.0, 1.0)  # the config's own prior wins
    loglike = Loglike(parse_data("bbn,firas,tau_n_UCNtau2021"), None)
    point = {"mass_mev": 60.0, "mu_muB": 3e-10}
    assert loglike.chi2_terms({**point, "tau_n_s": prior.value})["tau_n_prior"] == 0.0
    shifted = loglike.chi2_terms({**point, "tau_n_s": prior.value + prior.sigma})["tau_n_prior"]
    assert shifted == pytest.approx(1.0, rel=1e-12)
