"""Interfaces for other codes: Cobaya (with classy in the loop) and the plain-Python worked example (issue 8)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _info(**extra_args) -> dict:
    return {
        "theory": {
            "ndpcosmo.interfaces.cobaya.ClassyN": {"extra_args": {"output": "tCl", "l_max_scalars": 30, **extra_args}}
        },
        "likelihood": {"ndpcosmo.interfaces.cobaya.BBN": None},
        "params": {
            "log10_mass_mev": {"prior": {"min": 1.5, "max": 2.0}, "ref": 1.7, "proposal": 0.02},
            "log10_mu_muB": {"prior": {"min": -10.0, "max": -9.0}, "ref": -9.5, "proposal": 0.05},
            "omega_b": {"prior": {"min": 0.020, "max": 0.025}, "ref": 0.0224, "proposal": 0.0002},
            "omega_cdm": 0.12,
            "H0": 67.4,
            "YHe": {"derived": True},
            "Neff": {"derived": True},
        },
    }


@pytest.fixture(scope="module")
def cobaya():
    pytest.importorskip("classy")
    return pytest.importorskip("cobaya")


@pytest.mark.filterwarnings("ignore")
def test_cobaya_evaluate_feeds_class_our_inputs(cobaya):
    # CLASS reports back the YHe and N_eff ndpcosmo computed for the point (not its BBN fit nor 3.044), and
    # the BBN likelihood is -chi^2/2 of likelihoods.bbn on the same result
    from ndpcosmo.cmb import class_inputs
    from ndpcosmo.likelihoods.bbn import BBNLikelihood

    model = cobaya.model.get_model(_info())
    point = {"log10_mass_mev": 1.7, "log10_mu_muB": -9.5, "omega_b": 0.0224}
    logpost = model.logposterior(point)
    theory = next(iter(model.theory.values()))
    result = theory.get_ndpcosmo_result()
    inputs = class_inputs(result)
    derived = dict(zip(model.parameterization.derived_params(), logpost.derived, strict=True))
    assert derived["YHe"] == pytest.approx(inputs.YHe, rel=1e-10)
    assert derived["Neff"] == pytest.approx(inputs.N_ur, rel=1e-6)
    assert result.cosmology.omega_b == 0.0224 and result.model.mass_mev == pytest.approx(10**1.7)
    chi2 = BBNLikelihood.create().chi2(result.final)
    assert logpost.loglikes[0] == pytest.approx(-0.5 * chi2, rel=1e-10)


@pytest.mark.filterwarnings("ignore")
def test_cobaya_refuses_to_let_class_choose_yhe_or_n_ur(cobaya):
    with pytest.raises(cobaya.log.LoggedError, match="extra_args may not set"):
        cobaya.model.get_model(_info(YHe="BBN"))
    info = _info()
    info["params"]["N_ur"] = 3.044
    model = cobaya.model.get_model(info)
    with pytest.raises(cobaya.log.LoggedError, match="computed by ndpcosmo"):
        model.logposterior({"log10_mass_mev": 1.7, "log10_mu_muB": -9.5, "omega_b": 0.0224})


@pytest.mark.filterwarnings("ignore")
def test_cobaya_mcmc_steps(cobaya, tmp_path):
    info = _info()
    info["sampler"] = {"mcmc": {"max_samples": 4, "burn_in": 0, "learn_proposal": False, "seed": 1}}
    info["output"] = str(tmp_path / "cobaya")
    _, sampler = cobaya.run(info)
    samples = sampler.products()["sample"]
    assert len(samples) >= 1 and all(math.isfinite(v) for v in samples["minuslogpost"])
    assert set(samples.columns) >= {"log10_mass_mev", "log10_mu_muB", "omega_b", "YHe", "Neff"}


def test_plain_python_worked_example():
    spec = importlib.util.spec_from_file_location("plain_python", ROOT / "docs" / "examples" / "plain_python.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.main(steps=5)
    assert set(out["inputs"]) == {"omega_b", "N_ur", "YHe", "N_ncdm"}
    assert math.isfinite(out["loglike"]) and out["chain"].shape == (6, 3)
