"""CMB stage, first part: the CLASS inputs from a Result and real classy runs (issue 6)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ndpcosmo import DipolePortal, Precision, constants, run
from ndpcosmo.cmb import TAU_RECOMBINATION_S, class_inputs, dark_radiation_neff, run_class
from ndpcosmo.errors import SolverError

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
    assert class_inputs(late).omega_ini_dcdm == 0.0 and "DM_decay_fraction" not in class_inputs(late).as_dict()


def test_late_n_becomes_decaying_dark_matter():
    # tau = 1.4e12 s: N is handed to CLASS as dcdm plus electromagnetic injection.
    # omega_ini against the abundance stage's relic yield: M Y_N s_0 / (rho_crit / h^2), s_0 from T_cmb and
    # the history's late T_nu / T_gamma (entropy conserved after the hand-off): 2 % (freeze-in from
    # T_RH = 1 GeV, so that the production after the hand-off at 10 MeV is ~1 %; measured 0.7 %)
    result = run(DipolePortal(0.03, 1e-13, T_RH_mev=1000.0), precision=PRECISION)
    tau = result.model.tau_s
    assert tau >= TAU_RECOMBINATION_S
    inputs = class_inputs(result)
    T0 = result.cosmology.T_cmb_K * constants.K_B_MEV_PER_K
    g_s = 2.0 + 7.0 / 8.0 * 6.0 / result.history.T_gamma_over_T_nu**3
    s0 = 2.0 * math.pi**2 / 45.0 * g_s * T0**3
    expected = 0.03 * result.abundance.Y_N_relic * s0 / constants.RHO_CRIT_OVER_H2_MEV4
    assert inputs.omega_ini_dcdm == pytest.approx(expected, rel=0.02)
    assert inputs.Gamma_dcdm_km_s_mpc == pytest.approx(constants.MPC_KM / tau, rel=1e-12)
    d = inputs.as_dict()
    assert d["DM_decay_Gamma"] == pytest.approx(1.0 / tau, rel=1e-12, abs=0.0)
    assert d["DM_decay_fraction"] == pytest.approx(0.5 * inputs.omega_ini_dcdm / result.cosmology.omega_cdm, rel=1e-12)
    assert inputs.as_dict(omega_cdm=0.2)["DM_decay_fraction"] == pytest.approx(0.5 * inputs.omega_ini_dcdm / 0.2)
    # the dark radiation CLASS makes by z = 1100 is taken off N_ur (most of N decays before recombination)
    shift = dark_radiation_neff(result.history, result.cosmology, inputs.omega_ini_dcdm, tau)
    assert inputs.N_ur == pytest.approx(result.history.neff_cmb - shift, rel=1e-12) and 0.05 < shift < 0.5
    # in the SM a massive neutrino at our T_nu / T_gamma carries 1/3 of N_eff while relativistic (0.1 %)
    sm = run(None, precision=PRECISION)
    massive = class_inputs(sm, massive_nu_ev=(0.06,))
    assert massive.as_dict()["N_ncdm"] == 1 and massive.as_dict()["m_ncdm"] == "0.06"
    assert sm.history.neff_cmb - massive.N_ur == pytest.approx(sm.history.neff_cmb / 3.0, rel=1e-3)
    for bad in ((0.0,), (0.06, 0.06, 0.06, 0.06), (math.nan,)):
        with pytest.raises(ValueError, match="massive_nu_ev"):
            class_inputs(result, massive_nu_ev=bad)
    with pytest.raises(ValueError, match="Standard Model"):
        class_inputs(run(None, precision=PRECISION), energy_injection=True)
    # a large abundance that decays mostly before recombination heats the photons far more than CLASS's
    # decaying dark matter (all into dark radiation) can describe: a clear error, not a negative N_ur
    heavy = run(DipolePortal(0.03, 1e-13), precision=PRECISION)
    with pytest.raises(SolverError, match="N_ur"):
        class_inputs(heavy)


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
    assert main(["cmb", "--sm", "--m-nu", "0.06", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["class_inputs"]["N_ncdm"] == 1 and out["class_inputs"]["N_ur"] == pytest.approx(2.03, abs=0.01)


def test_late_n_background_in_class():
    # CLASS's own background with our dcdm inputs (tau = 1.4e12 s, no injection): at z = 1100 its
    # decaying-matter density matches the history's N (3 %) and its dark radiation matches the shift we
    # take off N_ur (1 %), so the free-streaming radiation at recombination is the history's N_eff
    classy = pytest.importorskip("classy")
    from ndpcosmo.background.equations import RHO_GAMMA_PER_T4
    from ndpcosmo.background.solver import NEFF_NORM

    result = run(DipolePortal(0.03, 1e-13, T_RH_mev=1000.0), precision=PRECISION)
    inputs = class_inputs(result, energy_injection=False)
    cosmo = classy.Class()
    cosmo.set({"h": 0.6736, "omega_cdm": result.cosmology.omega_cdm, **inputs.as_dict()})
    cosmo.compute()
    bg = cosmo.get_background()
    z = bg["z"][::-1]

    def at_recombination(key: str) -> float:
        return float(np.interp(1100.0, z, bg[key][::-1]))

    rho_g = at_recombination("(.)rho_g")
    cosmo.struct_cleanup()
    history = result.history
    rho_gamma = RHO_GAMMA_PER_T4 * history.T_gamma_mev[-1] ** 4
    shift = dark_radiation_neff(history, result.cosmology, inputs.omega_ini_dcdm, result.model.tau_s)
    assert at_recombination("(.)rho_dr") / rho_g == pytest.approx(shift / NEFF_NORM, rel=0.01)
    assert at_recombination("(.)rho_dcdm") / rho_g == pytest.approx(history.rho_N_mev4[-1] / rho_gamma, rel=0.03)
    ur = at_recombination("(.)rho_ur") / rho_g * NEFF_NORM
    assert ur + shift == pytest.approx(history.neff_cmb, rel=1e-4)
    # with its electromagnetic injection deposited on the spot, this much N (4 % of the dark matter's
    # energy decaying at 1.4e12 s) stops recombination: CLASS fails, and run_class says so for the model
    with pytest.raises(SolverError, match="CLASS failed for DipolePortal"):
        run_class(result, {"h": 0.6736})


def test_distortions_against_class_sd():
    # CLASS's Sd output fed with N's electromagnetic injection (DM_decay from our omega_ini, heat only
    # from N: sd_only_exotic). Two points: a mu-era decay (tau = 3.8e7 s) and a y-era decay (3.8e10 s).
    # With CLASS's exact (Chluba & Jeong 2014 PCA) branching ratios, the dominant distortion of each
    # within 20 % (measured 3 % and 6 %); with CLASS's soft_soft (the Chluba 2013 visibilities we use) the
    # energy bookkeeping, y to 1 % and mu to 3 % (our J_bb* carries Chluba 2015's 0.983; measured 0.1 %, 2 %)
    pytest.importorskip("classy")
    from ndpcosmo import distortions

    settings = {"h": 0.6736, "A_s": 2.100e-9, "n_s": 0.9649, "tau_reio": 0.0544, "sd_only_exotic": "yes"}
    points = ((DipolePortal(1.0, 1e-13, T_RH_mev=5.0), "mu"), (DipolePortal(0.1, 1e-13, T_RH_mev=5.0), "y"))
    for model, dominant in points:
        result = run(model, precision=PRECISION)
        ours = distortions.from_history(result.history, result.cosmology.T_cmb_K * constants.K_B_MEV_PER_K)
        theirs = {}
        for approx in ("exact", "soft_soft"):
            out = run_class(
                result,
                {**settings, "sd_branching_approx": approx},
                l_max=100,
                energy_injection=True,
                spectral_distortions=True,
            )
            theirs[approx] = out.derived
        value = getattr(ours, dominant)
        assert value > 1e-6
        assert value == pytest.approx(theirs["exact"][f"{dominant}_sd"], rel=0.2), model
        assert ours.y == pytest.approx(theirs["soft_soft"]["y_sd"], rel=0.01), model
        assert ours.mu == pytest.approx(theirs["soft_soft"]["mu_sd"], rel=0.03), model
