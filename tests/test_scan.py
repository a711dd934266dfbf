"""Bound-table scans: configs, the fast omega_b profile against the exact one, a real kill and resume, dask
(issue 8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from planck_data import DATA
from scan_configs import kill_after, small_config

from ndpcosmo import DipolePortal, Precision, run
from ndpcosmo.likelihoods.combined import Assessor, CombinedLikelihood, default_cosmology
from ndpcosmo.likelihoods.fast import FastProfiler
from ndpcosmo.scan import COLUMNS, ScanConfig, read_table, run_scan

SMALL = small_config("{output}", T_RH='["none", 5.0]', mu_min=1e-12).replace("processes = 1", "processes = {processes}")
"""32 points of heavier N (0.1-1 s of history at most), BBN and FIRAS (no Planck files needed)."""


def _config(tmp_path: Path, output: str, processes: int = 1) -> Path:
    path = tmp_path / f"{output}.toml"
    path.write_text(SMALL.format(output=output, processes=processes))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('T_RH_mev = ["none", 1.0]', "T_RH_mev: 1.0"),
        ("chunk = 0", "chunk = 0"),
        ('data = "bbn,cmb_full"', "cmb_full"),
        ('output = "missing/x"', "does not exist"),
        ("extra = 1", "unknown keys \\['extra'\\]"),
    ],
)
def test_bad_scan_config(tmp_path, change, message):
    text = SMALL.format(output="t", processes=1)
    key = change.split("=")[0].strip()
    lines = [line for line in text.splitlines() if not line.startswith(key + " ")]
    path = tmp_path / "bad.toml"
    path.write_text(change + "\n" + "\n".join(lines))
    with pytest.raises(ValueError, match=message):
        ScanConfig.from_file(path)


def test_fast_profile_agrees_with_the_exact_one():
    # likelihoods.fast (one BBN run, the SM's omega_b dependence shifted) against Assessor (BBN rerun at
    # every omega_b): Delta chi^2 within 0.15 + 2 % on points across the plane (measured: <= 0.12 + 0.3 %
    # away from a BBN-alone profile pushed to omega_b ~ 0.018, where it is 0.33 of 4.0)
    if not (DATA / "planck2018_covmats").is_dir():
        pytest.skip(f"no Planck data directory at {DATA}")
    likelihood = CombinedLikelihood.create(planck_dir=DATA)
    fast, exact = FastProfiler.create(likelihood), Assessor.create(likelihood)
    assert fast.reference["total"] == pytest.approx(exact.reference["total"].chi2, abs=1e-3)
    precision = Precision(bbn_errors="none")
    for mass, mu, trh in (
        (2.0, 1e-11, None),
        (0.1, 1e-9, None),
        (20.0, 3e-12, None),
        (1.0, 3e-12, 5.0),
        (3.0, 1e-8, None),
    ):
        result = run(DipolePortal(mass, mu, T_RH_mev=trh), default_cosmology(), precision)
        a, b = fast.assess(result), exact.assess(result)
        for probe in ("bbn", "cmb", "total"):
            expected = b.delta_chi2[probe]
            assert a["delta_chi2"][probe] == pytest.approx(expected, abs=0.15 + 0.02 * abs(expected)), (mass, mu, probe)


def test_scan_resumes_after_a_kill_with_the_same_table(tmp_path):
    # the reference: uninterrupted, in this process
    reference = run_scan(ScanConfig.from_file(_config(tmp_path, "reference")), progress=False)
    assert reference.points == 32 and reference.failed == 0
    table = read_table(reference.table)
    assert set(COLUMNS) <= set(table) and table["mass_mev"].size == 32
    assert np.all(np.isnan(table["T_RH_mev"][:16])) and np.all(table["T_RH_mev"][16:] == 5.0)
    header = reference.table.read_text().splitlines()[:8]
    assert any("ndpcosmo" in h for h in header) and any("data: bbn,firas" in h for h in header)
    assert any("date:" in h for h in header) and any("precision" in h for h in header)
    assert reference.plot is not None and Path(reference.plot).stat().st_size > 10_000
    # another process, killed (SIGKILL) after some chunks are checkpointed, then resumed
    config = _config(tmp_path, "killed")
    command = [sys.executable, "-m", "ndpcosmo.cli", "scan", str(config), "--no-progress"]
    done, env = kill_after(command, tmp_path / "killed.checkpoint", "chunk-*.csv", 2)
    assert 2 <= done < 6
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{6 - done} chunks computed" in resumed.stdout
    strip = [line for line in (tmp_path / "killed.csv").read_text().splitlines() if not line.startswith("# date")]
    expect = [line for line in reference.table.read_text().splitlines() if not line.startswith("# date")]
    assert strip == expect
    # a different scan into the same checkpoints is refused
    other = tmp_path / "other.toml"
    other.write_text(SMALL.format(output="killed", processes=1).replace("points = 4\n[mu_muB]", "points = 3\n[mu_muB]"))
    with pytest.raises(ValueError, match="another scan"):
        run_scan(ScanConfig.from_file(other), progress=False)


def test_dask_local_cluster_gives_the_same_table(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    local = run_scan(ScanConfig.from_file(_config(tmp_path, "local", processes=2)), progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            on_dask = run_scan(ScanConfig.from_file(_config(tmp_path, "dask")), progress=False, client=client)
    lines = [ln for ln in local.table.read_text().splitlines() if not ln.startswith("# date")]
    assert [ln for ln in on_dask.table.read_text().splitlines() if not ln.startswith("# date")] == lines


def test_contours_of_a_table_follow_a_known_line():
    # a column linear in (log M, log mu) has the straight line log mu = level - 0.5 log M as its level
    # set, which marching squares with linear interpolation finds exactly; a missing T_RH is an error
    from ndpcosmo.scan import contours, grid_of

    masses, mus = np.geomspace(0.01, 300.0, 12), np.geomspace(1e-14, 1e-8, 9)
    M, U = np.meshgrid(masses, mus, indexing="ij")
    table = {
        "mass_mev": np.tile(M.ravel(), 2),
        "mu_muB": np.tile(U.ravel(), 2),
        "T_RH_mev": np.concatenate([np.full(M.size, np.nan), np.full(M.size, 5.0)]),
        "f": np.tile(np.log10(U.ravel()) + 0.5 * np.log10(M.ravel()), 2),
    }
    table["f"][M.size :] += 1.0  # the T_RH = 5 MeV slice: the line one decade lower in mu
    for trh, level in ((None, -11.0), (5.0, -10.0)):
        lines = contours(table, "f", level, T_RH_mev=trh)
        assert len(lines) == 1
        m, u = lines[0].T
        assert np.allclose(np.log10(u), -11.0 - 0.5 * np.log10(m), atol=1e-9)
        assert m.min() == pytest.approx(0.01) and m.max() == pytest.approx(300.0)
    _, _, grid = grid_of(table, "f", 5.0)
    assert grid.shape == (9, 12) and np.all(np.isfinite(grid))
    with pytest.raises(ValueError, match="T_RH_mev = 10.0: not in the table"):
        grid_of(table, "f", 10.0)
    with pytest.raises(ValueError, match="column = 'g'"):
        contours(table, "g", 0.0)
