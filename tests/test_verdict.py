"""Verdicts everywhere (issue 15): ``ndpcosmo.assess`` against ``ndpcosmo run --json``, the points that
used to raise, the BBN profile in the baryon density BBN sees, and a seeded sweep of the whole domain."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from planck_data import DATA

import ndpcosmo
from ndpcosmo.likelihoods.combined import DELTA_CHI2_95

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from domain_sweep import has_nan, sweep  # noqa: E402

PLANCK = str(DATA) if (DATA / "planck2018_covmats").is_dir() else None
"""The Planck files where they are at hand (the compressed Gaussian is then read from the chain file);
else None: the copy shipped inside the package, so these tests need no download."""

FORMER_ERRORS = [
    # (M_N, mu, nature, flavour): the points (D/H -> 1e-188 and 3He/D overflowing; T_nu/T_gamma below
    # the weak-rate table), and the sweep's (an underflowing hand-off occupation, omega_b of the BBN profile)
    (10.0, 1e-13, "dirac", "mu"),
    (9.426, 1.49e-18, "majorana", "tau"),
    (6.025, 2.30e-13, "majorana", "mu"),
    (2374.0, 1.06e-16, "dirac", "tau"),
    (1129.0, 9.4e-16, "majorana", "mu"),
    (3419.2885, 1.1816915e-18, "majorana", "tau"),
    (20.64, 2.81e-18, "majorana", "tau"),
    (25.08702126789695, 3.0520760556809754e-18, "dirac", "mu"),  # photodisintegration at eta_today ~ 4e-15
]


@pytest.mark.filterwarnings("ignore")
def test_a_heavy_n_in_equilibrium_at_hand_off_is_the_standard_model():
    """M = 7.5 GeV, 1.2e-10 mu_B (tau = 6e-11 s): at the 10 MeV hand-off its abundance has underflowed
    (Y ~ 1e-323, no kinetic temperature) and it used to stop the history; it is the SM (Delta chi^2 0)."""
    out = ndpcosmo.assess({"mass_mev": 7513.6, "mu_muB": 1.2218e-10, "flavour": "tau"}, data="bbn,cmb,firas")
    assert out["eta_ratio"] == pytest.approx(1.0, abs=1e-9) and out["neff_cmb"] == pytest.approx(3.0436, abs=1e-3)
    assert all(abs(v) < 1e-6 for v in out["delta_chi2"].values()) and out["excluded"] is False


def _cli_run(*args: str) -> subprocess.CompletedProcess:
    planck = ["--planck-dir", PLANCK] if PLANCK is not None else []
    command = [sys.executable, "-m", "ndpcosmo.cli", "run", *args, *planck, "--json"]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("mass, mu, nature, flavour", FORMER_ERRORS[:5])
def test_run_gives_a_verdict_where_it_used_to_raise(mass, mu, nature, flavour):
    """Exit 0, valid JSON without NaN or null Delta chi^2, and excluded (each is excluded by a mile)."""
    proc = _cli_run("--mass", str(mass), "--mu", str(mu), "--nature", nature, "--flavour", flavour)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert not has_nan(out)  # no NaN anywhere, no null chi^2 or Delta chi^2
    assert out["delta_chi2"]["total"] > 100.0 and out["excluded"] is True


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("mass, mu, nature, flavour", FORMER_ERRORS[5:])
def test_assess_gives_a_verdict_for_extreme_relics(mass, mu, nature, flavour):
    out = ndpcosmo.assess(
        {"mass_mev": mass, "mu_muB": mu, "nature": nature, "flavour": flavour}, data="bbn,cmb,firas", planck_dir=PLANCK
    )
    assert not has_nan(out) and out["excluded"] is True and out["eta_ratio"] < 1e-3


POINTS = [
    {"mass_mev": 1.0, "mu_muB": 1e-11},
    {"mass_mev": 100.0, "mu_muB": 1e-8},
    {"mass_mev": 0.977, "mu_muB": 1.52e-12},
    {"mass_mev": 1.0, "mu_muB": 1e-11, "T_RH_mev": 5.0},
    {"mass_mev": 0.1, "mu_muB": 1e-9, "nature": "majorana", "flavour": "e"},
]


@pytest.mark.parametrize("params", POINTS)
def test_assess_is_what_run_prints(params):
    """``ndpcosmo.assess`` returns the object ``ndpcosmo run --json`` prints: same keys, same verdicts,
    Delta chi^2 to 1e-6."""
    args = ["--mass", str(params["mass_mev"]), "--mu", str(params["mu_muB"])]
    if "T_RH_mev" in params:
        args += ["--trh", str(params["T_RH_mev"])]
    for key in ("nature", "flavour"):
        if key in params:
            args += [f"--{key}", params[key]]
    proc = _cli_run(*args)
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = ndpcosmo.assess(params, data="bbn,cmb,firas", planck_dir=PLANCK)
    assert ours.keys() == printed.keys()
    for key in ("excluded", "excluded_bbn", "excluded_cmb", "profile_at_bound", "data"):
        assert ours[key] == printed[key], key
    for probe, value in printed["delta_chi2"].items():
        assert ours["delta_chi2"][probe] == pytest.approx(value, rel=1e-6, abs=1e-6), probe


def test_assess_input_errors_name_the_parameter():
    with pytest.raises(ValueError, match="unknown"):
        ndpcosmo.assess({"mass_mev": 1.0, "mu_muB": 1e-11, "omega_c": 0.1})
    with pytest.raises(ValueError, match="mass_mev"):
        ndpcosmo.assess({"mass_mev": 1e6, "mu_muB": 1e-11})
    with pytest.raises(ValueError, match="data"):
        ndpcosmo.assess({"mass_mev": 1.0, "mu_muB": 1e-11}, data="bbn,planck")


def test_bbn_alone_is_profiled_in_the_baryon_density_it_sees():
    """M = 0.977 MeV: the eta shift (eta_CMB/eta_BBN ~ 0.41-0.44) used to push BBN alone onto the omega_b
    range's lower end, where Delta chi^2_BBN jumped from 2 to 49 between mu = 1.75e-12 and 1.52e-12. In
    eta at BBN it changes smoothly, no profile sits on an end, and the BBN minimum's eta at BBN is the
    SM's own (omega_b / eta_ratio within 15 % of the SM's best fit)."""
    values = []
    for mu in (1.52e-12, 1.6e-12, 1.75e-12):
        proc = _cli_run("--mass", "0.977", "--mu", str(mu), "--data", "bbn")
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert not any(out["profile_at_bound"].values())
        assert out["omega_b_best"]["bbn"] / out["eta_ratio"] == pytest.approx(0.0219, rel=0.15)
        values.append(out["delta_chi2"]["bbn"])
    assert all(0.0 < v < DELTA_CHI2_95 for v in values)
    assert max(values) - min(values) < 0.5  # smooth: no jump of ~50 across the three


@pytest.mark.filterwarnings("ignore")
def test_seeded_domain_sweep_has_no_errors_and_no_nan():
    """200 points log-uniform over the declared domain (benchmarks/domain_sweep.py, seed 15): every one
    gets a verdict without NaN."""
    rows = sweep(200, 15, processes=1, planck_dir=PLANCK)
    bad = [row for row in rows if row["status"] != "ok"]
    assert not bad, bad[:3]
