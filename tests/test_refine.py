"""Exclusion contours by adaptive refinement (ndpcosmo.refine, ``ndpcosmo contours``; issue 20)."""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scan_configs import kill_after, small_config

from ndpcosmo import assess
from ndpcosmo.refine import LEVEL, ContourConfig, Lattice, probe_line, read_contours, run_contours
from ndpcosmo.scan import ScanConfig, compute_chunk, read_table

ROOT = Path(__file__).resolve().parents[1]
SMALL = small_config(
    "{output}", T_RH='["none", 100.0]', chunk=8, extra="[contours]\ntolerance = 0.1\ncell = 0.3\n"
).replace("processes = 1", "processes = {processes}")
"""A coarse 4 x 4 grid of heavier N (fast points), BBN and FIRAS (no Planck files), two T_RH."""


def _config(tmp_path: Path, output: str, processes: int = 1) -> Path:
    path = tmp_path / f"{output}.toml"
    path.write_text(SMALL.format(output=output, processes=processes))
    return path


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if "date:" not in line]


def _crossings(segments, probe: str, mass: float, trh=None) -> list[float]:
    """log10 mu where the probe's contour lines cross log10 M = log10(mass)."""
    x = math.log10(mass)
    out = []
    for seg in segments:
        if seg["probe"] != probe or seg["T_RH_mev"] != trh:
            continue
        line = np.log10(seg["line"])
        for a, b in zip(line[:-1], line[1:], strict=True):
            if (a[0] - x) * (b[0] - x) < 0:
                out.append(a[1] + (x - a[0]) / (b[0] - a[0]) * (b[1] - a[1]))
    return out


def _bisect(f, lo: float, hi: float, width: float) -> float:
    flo = f(lo)
    assert (flo > 0) != (f(hi) > 0), "no sign change in the bracket"
    while hi - lo > width:
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return 0.5 * (lo + hi)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("contours")
    return tmp, run_contours(ContourConfig.from_file(_config(tmp, "reference")), progress=False)


def test_contours_table_and_points(reference):
    tmp, result = reference
    assert result.failed == 0 and result.segments >= 2 and result.plot is not None
    header = result.table.read_text().splitlines()
    assert next(h for h in header if not h.startswith("#")) == "probe,T_RH_mev,segment,mass_mev,mu_muB"
    assert any("data: bbn,firas" in h for h in header) and any("tolerance 0.1" in h for h in header)
    segments = read_contours(result.table)
    assert {s["probe"] for s in segments} == {"bbn", "combined"}
    assert {s["T_RH_mev"] for s in segments} == {None, 100.0}
    points = read_table(result.points_table)
    assert points["mass_mev"].size == result.points
    # cheaper than a uniform grid with the same resolution (the final brackets' spacing), even on this small
    # plane where the lines cross most coarse cells
    lattice = Lattice.create(ContourConfig.from_file(_config(tmp, "reference")))
    assert max(lattice.dx, lattice.dy) <= 0.1
    per_axis = [(n - 1) * lattice.coarse + 1 for n in (lattice.nx, lattice.ny)]
    assert result.points < 0.25 * 2 * per_axis[0] * per_axis[1]


def test_contour_point_against_a_bisection(reference):
    # the contour at M = 2 MeV against a bisection in mu of the same verdict (the scan's fast profile)
    tmp, result = reference
    config = ScanConfig.from_file(_config(tmp, "reference"))
    crossings = _crossings(read_contours(result.table), "combined", 2.0)
    assert crossings

    def excess(log_mu: float) -> float:
        rows = compute_chunk(config.task(0, [(2.0, 10.0**log_mu, None)]))[1]
        return rows[0]["delta_chi2_total"] - LEVEL

    for y in crossings:
        assert y == pytest.approx(_bisect(excess, y - 0.12, y + 0.12, 0.005), abs=0.05)  # tolerance 0.1


def test_contours_resume_after_a_kill_with_the_same_lines(reference, tmp_path):
    _, ref = reference
    config = _config(tmp_path, "killed")
    command = [sys.executable, "-m", "ndpcosmo.cli", "contours", str(config), "--no-progress"]
    done, env = kill_after(command, tmp_path / "killed.contours-checkpoint", "batch-*.csv", 3)
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{ref.points} points" in resumed.stdout and f"{ref.points} computed" not in resumed.stdout, done
    assert _lines(tmp_path / "killed.csv") == _lines(ref.table)
    assert _lines(tmp_path / "killed.points.csv")[1:] == _lines(ref.points_table)[1:]
    # another run into the same checkpoint is refused
    other = tmp_path / "other.toml"
    other.write_text(SMALL.format(output="killed", processes=1).replace("tolerance = 0.1", "tolerance = 0.05"))
    with pytest.raises(ValueError, match="another contour run"):
        run_contours(ContourConfig.from_file(other), progress=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_contours_through_a_separate_dask_scheduler(reference, tmp_path):
    pytest.importorskip("dask.distributed")
    _, ref = reference
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-dashboard",
        ],
        **quiet,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_worker",
            address,
            "--nworkers",
            "2",
            "--nthreads",
            "1",
            "--no-dashboard",
        ],
        **quiet,
    )
    try:
        config = _config(tmp_path, "dask")
        command = [
            sys.executable,
            "-m",
            "ndpcosmo.cli",
            "contours",
            str(config),
            "--scheduler",
            address,
            "--no-progress",
        ]
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
    finally:
        for p in (worker, scheduler):
            p.terminate()
            p.wait(timeout=60)
    assert _lines(tmp_path / "dask.csv") == _lines(ref.table)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("tolerance = 0.1", "tolerance = 0.7"),
        ("cell = 0.3", "cell = 0.05"),
        ("tolerance = 0.1", 'probes = ["cmb"]'),
        ("cell = 0.3", "grain = 1"),
        ("cell = 0.3", 'probes = ["neff=3.3"]'),
        ("cell = 0.3", 'probes = ["neff_cmb=0"]'),
    ],
)
def test_bad_contour_settings(tmp_path, change, message):
    path = tmp_path / "bad.toml"
    path.write_text(SMALL.format(output="bad", processes=1).replace(change, message))
    with pytest.raises(ValueError, match=r"\[contours\]"):
        ContourConfig.from_file(path)


def test_level_line_probes():
    assert probe_line("combined") == ("delta_chi2_total", pytest.approx(3.8415, abs=1e-4))
    assert probe_line("neff_cmb=3.344") == ("neff_cmb", 3.344)
    assert probe_line(" delta_chi2_bbn = 2.71") == ("delta_chi2_bbn", 2.71)


def test_default_plane_against_a_bisection_with_ndpcosmo_run():
    # issue 20's acceptance: the shipped combined contour with no T_RH at M = 10 MeV lies within 0.02 decade
    # of a bisection in mu with the full verdict (``assess``, what ``ndpcosmo run`` prints)
    table = ROOT / "tables" / "contours" / "default_mu.csv"
    crossings = _crossings(read_contours(table), "combined", 10.0)
    assert crossings

    def excess(log_mu: float) -> float:
        verdict = assess({"mass_mev": 10.0, "mu_muB": 10.0**log_mu})
        return verdict["delta_chi2"]["total"] - LEVEL

    for y in crossings:
        assert y == pytest.approx(_bisect(excess, y - 0.05, y + 0.05, 0.002), abs=0.02)
