"""emcee MCMC: configs checked before any work, a CI-sized run, a real kill and resume, failures, exports,
the corner plot and an MPI pool (issue 7)."""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import yaml

from ndpcosmo.sampling import BLOBS, MCMCConfig, Posterior, read_chain, run_mcmc

SMALL = {
    "output": "chain",
    "data": ["bbn", "firas"],
    "parameters": {"log10_mass_mev": {"min": 1.5, "max": 2.0}, "log10_mu_muB": {"min": -10.0, "max": -9.0}},
    "sampler": {"walkers": 8, "steps": 10, "seed": 3, "pool": "serial", "progress": False},
}
"""A short-lived N (30-100 MeV): about 40 ms per point, BBN and FIRAS only (no Planck files needed)."""


def _write(tmp_path: Path, raw: dict, name: str = "run.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sampler": {"walkers": 7}}, "sampler.walkers = 7"),
        ({"sampler": {"walkers": 2}}, "sampler.walkers = 2"),
        ({"sampler": {"pool": "threads"}}, "sampler.pool = 'threads'"),
        ({"parameters": {"log10_mass_mev": {"min": 2.0, "max": 1.0}, "log10_mu_muB": -10}}, "min = 2.0, max = 1.0"),
        ({"parameters": {"log10_mass_mev": {"min": 1.0, "max": 9.0}, "log10_mu_muB": -10}}, "max <= 4"),
        ({"parameters": {"log10_mass_mev": 1.0, "log10_mu_muB": "big"}}, "log10_mu_muB = 'big'"),
        ({"parameters": {"log10_mass_mev": 1.0}}, "log10_mu_muB: required"),
        ({"parameters": {"log10_mass_mev": 1.0, "log10_mu_muB": -10, "omega_c": 0.1}}, "unknown \\['omega_c'\\]"),
        ({"parameters": {**SMALL["parameters"], "T_RH_mev": 1.0}}, "T_RH_mev = 1.0"),
        ({"data": ["bbn", "lithium"]}, "choose from"),
        ({"nature": "scalar"}, "nature = 'scalar'"),
        ({"output": "nowhere/chain"}, "does not exist"),
        ({"chains": 3}, "unknown keys \\['chains'\\]"),
    ],
)
def test_bad_config_fails_before_any_work(tmp_path, change, message):
    raw = {**SMALL, **change}
    if "sampler" in change:
        raw["sampler"] = {**SMALL["sampler"], **change["sampler"]}
    with pytest.raises(ValueError, match=message):
        MCMCConfig.from_file(_write(tmp_path, raw))
    assert not list(tmp_path.glob("*.h5"))


def test_config_defaults_and_parameter_mapping(tmp_path):
    config = MCMCConfig.from_file(_write(tmp_path, SMALL))
    # omega_b and tau_n are sampled by default, tau_n with the PDG 2024 prior
    assert config.names == ("log10_mass_mev", "log10_mu_muB", "omega_b", "tau_n_s")
    tau = config.free[3]
    assert (tau.mean, tau.sigma) == (878.4, 0.5) and tau.log_prior(879.4) == pytest.approx(-2.0)
    assert config.free[0].log_prior(2.5) == -math.inf
    params = config.model_params(np.array([1.0, -10.0, 0.0224, 878.0]))
    assert params["mass_mev"] == pytest.approx(10.0) and params["mu_muB"] == pytest.approx(1e-10, rel=1e-9, abs=0.0)
    assert params["T_RH_mev"] is None and params["nature"] == "dirac"


def _iteration(path: Path) -> int:
    try:
        with h5py.File(path, "r") as f:
            return int(f["mcmc"].attrs["iteration"])
    except (OSError, KeyError):
        return 0


def test_mcmc_runs_and_resumes_after_a_kill(tmp_path):
    # the reference: an uninterrupted run in this process
    reference = MCMCConfig.from_file(_write(tmp_path, {**SMALL, "output": "reference"}))
    result = run_mcmc(reference)
    assert result.iterations == 10 and result.failures == 0
    names, chain, log_prob, blobs = read_chain(tmp_path / "reference.h5")
    assert chain.shape == (10, 8, 4) and np.all(np.isfinite(log_prob))
    assert set(blobs.dtype.names) == set(BLOBS) and np.all(blobs["neff_cmb"] > 3.0)
    # the same config in another process, killed (SIGKILL) once some steps are on disk, then resumed
    config = _write(tmp_path, {**SMALL, "output": "killed"})
    command = [sys.executable, "-m", "ndpcosmo.cli", "mcmc", str(config)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    backup = tmp_path / "killed.h5.bak"
    while time.monotonic() < deadline and process.poll() is None:
        if backup.exists() and _iteration(backup) >= 3:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = _iteration(tmp_path / "killed.h5") or _iteration(backup)
    assert 3 <= killed_at < 10
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert "10 steps" in resumed.stdout
    _, chain2, log_prob2, blobs2 = read_chain(tmp_path / "killed.h5")
    # no lost and no repeated step: step for step the uninterrupted chain
    np.testing.assert_array_equal(chain2, chain)
    np.testing.assert_array_equal(log_prob2, log_prob)
    np.testing.assert_array_equal(blobs2["D_H"], blobs["D_H"])
    # a resumed run with a different config is refused, naming the file
    changed = _write(tmp_path, {**SMALL, "output": "killed", "data": ["bbn"]}, "changed.yaml")
    with pytest.raises(ValueError, match="another config"):
        run_mcmc(MCMCConfig.from_file(changed))


def test_getdist_export_and_corner_plot(tmp_path):
    from ndpcosmo.cli import main

    run_mcmc(MCMCConfig.from_file(_write(tmp_path, {**SMALL, "sampler": {**SMALL["sampler"], "steps": 4}})))
    names = (tmp_path / "chain.paramnames").read_text().split("\n")
    assert names[0].startswith("log10_mass_mev\t") and any(n.startswith("neff_cmb*") for n in names)
    table = np.loadtxt(tmp_path / "chain.txt")
    assert table.shape == (32, 2 + 4 + len(BLOBS) - 1)
    assert np.all(table[:, 0] == 1.0) and np.all(table[:, 1] > 0)  # weight, -log posterior
    try:  # getdist itself, where installed (not a dependency)
        from getdist import loadMCSamples
    except ImportError:
        pass
    else:
        samples = loadMCSamples(str(tmp_path / "chain"), settings={"ignore_rows": 0})
        assert samples.numrows == 32 and "neff_cmb" in samples.getParamNames().list()
    assert main(["plot", str(tmp_path / "chain.h5"), "--burn-in", "0"]) == 0
    assert (tmp_path / "chain.png").stat().st_size > 10_000
    assert main(["plot", str(tmp_path / "none.h5")]) == 2


def test_a_failing_point_is_minus_infinity_counted_and_logged(tmp_path):
    class Broken:
        def chi2_terms(self, result):
            raise RuntimeError("stage exploded")

    config = MCMCConfig.from_file(_write(tmp_path, SMALL))
    log = tmp_path / "failures.log"
    posterior = Posterior(config, likelihood=Broken(), log_path=str(log))
    out = posterior(np.array([1.7, -9.5, 0.0224, 878.4]))
    assert out[0] == -math.inf and out[-1] == 1.0 and all(math.isnan(v) for v in out[1:-1])
    assert "stage exploded" in log.read_text()
    # outside the prior: -inf without computing anything, not a failure
    assert posterior(np.array([3.0, -9.5, 0.0224, 878.4]))[-1] == 0.0


def _mpirun() -> str | None:
    """The mpirun of this environment (the pip wheel's, beside the interpreter), else one on PATH."""
    beside = Path(sys.executable).parent / "mpirun"
    return str(beside) if beside.exists() else shutil.which("mpirun")


@pytest.mark.skipif(_mpirun() is None, reason="no mpirun: pip install '.[mpi]' brings MPICH's")
def test_mpi_pool(tmp_path):
    pytest.importorskip("mpi4py")
    pytest.importorskip("schwimmbad")
    config = _write(tmp_path, {**SMALL, "sampler": {**SMALL["sampler"], "steps": 3, "pool": "mpi"}})
    mpirun = _mpirun()
    version = subprocess.run([mpirun, "--version"], capture_output=True, text=True).stdout
    command = [mpirun, "-n", "2"]
    if "Open MPI" in version or "OpenRTE" in version:  # Open MPI's flags (MPICH's Hydra needs none)
        command.append("--oversubscribe")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-run-as-root")
    command += [sys.executable, "-m", "ndpcosmo.cli", "mcmc", str(config)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "OMPI_MCA_rmaps_base_oversubscribe": "1"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 steps" in done.stdout
    _, chain, log_prob, _ = read_chain(tmp_path / "chain.h5")
    assert chain.shape == (3, 8, 4) and np.all(np.isfinite(log_prob))


def test_example_configs_are_valid():
    examples = sorted((Path(__file__).resolve().parents[1] / "chains").glob("*.yaml"))
    assert len(examples) >= 3
    for path in examples:
        config = MCMCConfig.from_file(path)
        assert config.walkers >= 2 * len(config.free) and config.output.parent == path.parent


def test_multiprocessing_pool_gives_the_serial_chain(tmp_path):
    # the default pool: two spawned processes; the chain is the serial one (the log-probabilities are
    # deterministic and emcee draws its proposals in the parent)
    steps = {**SMALL["sampler"], "steps": 2}
    serial = run_mcmc(MCMCConfig.from_file(_write(tmp_path, {**SMALL, "output": "serial", "sampler": steps})))
    pooled = {**SMALL, "output": "pooled", "sampler": {**steps, "pool": "multiprocessing", "processes": 2}}
    result = run_mcmc(MCMCConfig.from_file(_write(tmp_path, pooled, "pooled.yaml")))
    assert result.iterations == serial.iterations == 2
    np.testing.assert_array_equal(read_chain(tmp_path / "pooled.h5")[1], read_chain(tmp_path / "serial.h5")[1])
