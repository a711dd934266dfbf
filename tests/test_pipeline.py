"""``ndpcosmo.run`` chains the stages and records provenance."""

from __future__ import annotations

import pytest

import ndpcosmo
from ndpcosmo import Cosmology, DipolePortal, Precision, run
from ndpcosmo.background import solve as solve_history
from ndpcosmo.bbn import solve as solve_bbn
from ndpcosmo.production import solve as solve_abundance


def test_run_chains_the_stages():
    model = DipolePortal(5.0, 1e-10, T_RH_mev=500.0)
    result = run(model, Cosmology(), Precision())
    # the chain gives what the stages give when called alone
    abundance = solve_abundance(model)
    assert result.abundance.Y_N_relic == pytest.approx(abundance.Y_N_relic, rel=1e-12)
    history = solve_history(model, abundance)
    assert result.history.neff_cmb == pytest.approx(history.neff_cmb, rel=1e-12)
    abundances = solve_bbn(history, Cosmology())
    assert result.bbn.D_H == pytest.approx(abundances.D_H, rel=1e-12)
    assert result.bbn.errors == pytest.approx(abundances.errors, rel=1e-12)
    stages = {"production", "background", "bbn", "photodisintegration", "distortions", "cmb_inputs"}
    assert set(result.timings_s) == stages
    # the CMB inputs and mu/y are the stages' own, computed alone
    from ndpcosmo import cmb, constants, distortions

    sd = distortions.from_history(history, Cosmology().T_cmb_K * constants.K_B_MEV_PER_K)
    assert result.distortions.mu == pytest.approx(sd.mu, rel=1e-12, abs=1e-300)
    assert result.distortions.y == pytest.approx(sd.y, rel=1e-12, abs=0.0)
    assert result.cmb_inputs == cmb.class_inputs(result) and result.cmb_inputs_error is None
    assert result.cmb_inputs.YHe == result.final.Yp and result.cmb_inputs.omega_b == Cosmology().omega_b
    # tau_N ~ 1e-2 s: the decays are over long before 30 keV, so photodisintegration has nothing to act on
    assert result.photodisintegration is not None and not result.photodisintegration.active
    assert result.final.D_H == pytest.approx(result.bbn.D_H, rel=1e-12)
    assert result.version == ndpcosmo.__version__
    assert result.model is model
