"""CMB stage, first part: the CLASS inputs from a Result and real classy runs (issue 6)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ndpcosmo import DipolePortal, Precision, run
from ndpcosmo.cmb import TAU_RECOMBINATION_S, class_inputs, run_class

PRECISION = Precision(bbn_errors="none")


def test_standard_model_inputs():
    # SM: N_ur = N_eff = 3.044 +- 0.002 (REFERENCE.md sec. 3), YHe the mass fraction ~0.0013 below
    # Y_P^BBN = 4 n_He / n_b (shared/data/README.md), omega_b today as given
    result = run(None, precision=PRECISION)
    inputs = class_inputs(result)
    assert inputs.N_ur == pytest.approx(3.044, abs=0.002)
    assert result.bbn.Yp_bbn - inputs.YHe == pytest.approx(0.0013, abs=3e-4)
    assert inputs.omega_b == result.cosmology.omega_b
    assert inputs.as_dict() == {"omega_b": inputs.omega_b, "N_ur": inputs.N_ur, "YHe": inputs.YHe, "N_ncdm": 0}


@pytest.mark.filterwarnings("ignore::ndpcosmo.errors.ElectroweakWarning")
def test_model_inputs_follow_the_stages():
    # N decaying to nu gamma at ~4e5 s after staying relativistic (M = 10 keV): the neutrinos it makes
    # raise N_ur above the SM; YHe is the photodisintegrated BBN mass fraction
    result = run(DipolePortal(0.01, 1e-9), precision=PRECISION)
    inputs = class_inputs(result)
    assert inputs.N_ur == result.history.neff_cmb and inputs.N_ur > 3.06
    assert inputs.YHe == result.final.Yp
    late = run(DipolePortal(1.0, 1e-14, T_RH_mev=5.0), precision=PRECISION)  # tau = 3.8e9 s
    assert late.model.tau_s < TAU_RECOMBINATION_S
    class_inputs(late)
    too_late = run(DipolePortal(0.03, 1e-13, T_RH_mev=5.0), precision=PRECISION)  # tau = 1.4e12 s
    assert too_late.model.tau_s >= TAU_RECOMBINATION_S
    with pytest.raises(NotImplementedError, match="tau_N"):
        class_inputs(too_late)


@pytest.mark.filterwarnings("ignore::ndpcosmo.errors.ElectroweakWarning")
def test_classy_runs_with_our_inputs_read_back():
    # classy for the SM and two N models: CLASS reports back the YHe and N_eff it was given (it would
    # report its own BBN fit for YHe = 'BBN'), and the spectra are finite and positive; more radiation
    # at fixed omega_b and the other parameters damps the TT tail relative to the first peak
    pytest.importorskip("classy")
    settings = {"h": 0.6736, "omega_cdm": 0.1200, "A_s": 2.100e-9, "n_s": 0.9649, "tau_reio": 0.0544}
    runs = {}
    for name, model in (("sm", None), ("light", DipolePortal(0.01, 1e-9)), ("mev", DipolePortal(1.0, 1e-11))):
        result = run(model, precision=PRECISION)
        out = run_class(result, settings, l_max=2500)
        inputs = class_inputs(result)
        assert out.derived["YHe"] == pytest.approx(inputs.YHe, rel=1e-10), name
        assert out.derived["Neff"] == pytest.approx(inputs.N_ur, rel=1e-6), name
        assert out.ell[0] == 2 and out.ell[-1] == 2500
        assert np.all(np.isfinite(out.tt)) and np.all(out.tt > 0) and np.all(out.ee > 0)
        assert math.isfinite(out.derived["100*theta_s"])
        runs[name] = out
    tail = {k: v.tt[1998] / v.tt[218] for k, v in runs.items()}  # ell = 2000 over ell = 220
    assert runs["light"].derived["Neff"] > runs["sm"].derived["Neff"]
    assert tail["light"] < tail["sm"]
    with pytest.raises(ValueError, match="may not set"):
        run_class(run(None, precision=PRECISION), {"YHe": 0.25})


def test_cli_prints_the_class_inputs(capsys):
    import json

    from ndpcosmo.cli import main

    assert main(["cmb", "--sm", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["class_inputs"]) == {"omega_b", "N_ur", "YHe", "N_ncdm"}
    assert out["neff_cmb"] == pytest.approx(3.044, abs=0.002)
    assert main(["cmb"]) == 2  # neither --sm nor a model: a one-line error
