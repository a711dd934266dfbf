"""The ``ndpcosmo`` command: JSON keys, human output, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ndpcosmo.cli import main

REQUIRED_KEYS = {"tau_s", "T_dec_mev", "Y_N", "n_N_over_n_gamma_10mev", "delta_neff_relativistic"}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ndpcosmo.cli", *args], capture_output=True, text=True, timeout=300)


def test_abundance_json_has_stable_keys():
    proc = _run("abundance", "--mass", "1", "--mu", "1e-11", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert REQUIRED_KEYS <= data.keys()
    assert data["tau_s"] == pytest.approx(3768.4, rel=1e-4)
    assert data["nature"] == "dirac" and data["T_RH_mev"] is None


def test_abundance_options(capsys):
    assert (
        main(
            [
                "abundance",
                "--mass",
                "2",
                "--mu",
                "1e-10",
                "--trh",
                "100",
                "--nature",
                "majorana",
                "--flavour",
                "e",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["nature"] == "majorana" and data["flavour"] == "e" and data["T_RH_mev"] == 100.0
    assert data["tau_s"] == pytest.approx(3768.4 / 100 / 8 / 2, rel=1e-4)


def test_abundance_human_output(capsys):
    assert main(["abundance", "--mass", "1", "--mu", "1e-11"]) == 0
    out = capsys.readouterr().out
    assert "T_dec_mev" in out and "delta_neff_relativistic" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--mass", "-1", "--mu", "1e-11"], "mass_mev"),
        (["--mass", "1", "--mu", "nan"], "mu_muB"),
        (["--mass", "1", "--mu", "1e-11", "--trh", "0.5"], "T_RH_mev"),
        (["--mass", "abc", "--mu", "1e-11"], "--mass"),
        (["--mass", "1", "--mu", "1e-11", "--nature", "dirak"], "--nature"),
        (["--mu", "1e-11"], "--mass"),
    ],
)
def test_bad_input_is_one_line_without_traceback(args, needle):
    proc = _run("abundance", *args)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0]


def test_above_the_electroweak_crossover_without_warnings():
    # T_dec above the crossover: the dimension-6 operators are computed (no warning); a W-operator share
    # makes more N there, so N decouples later (lower T_dec); a cancelling ratio is one line
    proc = _run("abundance", "--mass", "1", "--mu", "1e-13", "--json")
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    t_b = json.loads(proc.stdout)["T_dec_mev"]
    proc = _run("abundance", "--mass", "1", "--mu", "1e-13", "--cw-over-cb", "1", "--json")
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    assert ew_crossover_mev() < json.loads(proc.stdout)["T_dec_mev"] < t_b
    proc = _run("abundance", "--mass", "1", "--mu", "1e-13", "--cw-over-cb", "-1.9")
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "cw_over_cb" in lines[0]


def ew_crossover_mev() -> float:
    from ndpcosmo.production.electroweak import T_C_MEV

    return T_C_MEV


def test_history_sm_json_keys():
    proc = _run("history", "--sm", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"neff_bbn", "neff_cmb", "eta_ratio", "T_gamma_over_T_nu"} <= data.keys()
    assert data["neff_cmb"] == pytest.approx(3.044, abs=0.002)


def test_history_model_with_plot(tmp_path, capsys):
    out = tmp_path / "history.png"
    assert main(["history", "--mass", "10", "--mu", "1e-11", "--json", "--plot", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["neff_cmb"] > 3.0 and "tau_s" in data
    assert out.stat().st_size > 10_000


def test_history_needs_a_model():
    proc = _run("history", "--mass", "1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--mu" in proc.stderr


def test_bbn_json_keys_and_sm_default():
    proc = _run("bbn", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for key in ("Yp_bbn", "Yp", "D_H", "He3_H", "Li7_H", "neff", "errors"):
        assert key in out
    assert 0.24 < out["Yp_bbn"] < 0.25 and out["neff"] == pytest.approx(3.0436, abs=1e-3)


def test_bbn_with_extra_radiation_and_a_model(capsys):
    assert main(["bbn", "--dneff", "1", "--omega-b", "0.022", "--tau-n", "880", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["neff"] == pytest.approx(4.0436, abs=1e-3)
    assert main(["bbn", "--mass", "10", "--mu", "1e-10", "--network", "extended"]) == 0
    assert "Li7_H" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--omega-b", "1.5"], "omega_b"),
        (["--tau-n", "10"], "tau_n_s"),
        (["--dneff", "50"], "--dneff"),
        (["--mass", "1"], "--mu"),
    ],
)
def test_bbn_bad_input(args, needle):
    proc = _run("bbn", *args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and needle in proc.stderr


def test_pdi_json_and_bad_input():
    proc = _run("pdi", "--mass", "3.0", "--tau", "1e6", "--n-over-ngamma", "1e-6", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for key in ("D_H", "He3_H", "Li7_H", "Yp_bbn", "n_over_nb"):
        assert key in out
    assert 2e-5 < out["D_H"] < 3e-5  # below every threshold: the SBBN value
    bad = _run("pdi", "--mass", "10", "--tau", "-1", "--n-over-ngamma", "1e-6")
    assert bad.returncode == 2 and "tau_s" in bad.stderr and "Traceback" not in bad.stderr


def test_every_help_screen_and_the_version():
    """`ndpcosmo --help`, `--version` and every subcommand's `--help` exit 0 and print their text."""
    import ndpcosmo
    from ndpcosmo.cli import _build_parser

    top = _run("--help")
    assert top.returncode == 0 and "Traceback" not in top.stderr and "usage: ndpcosmo" in top.stdout
    version = _run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"ndpcosmo {ndpcosmo.__version__}"
    sub = next(a for a in _build_parser()._actions if a.dest == "command")
    assert {"run", "scan", "mcmc", "plot", "abundance", "history", "bbn", "pdi", "cmb"} <= set(sub.choices)
    for name in sub.choices:
        proc = _run(name, "--help")
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (name, proc.stderr)
        assert f"usage: ndpcosmo {name}" in proc.stdout, name


def test_import_and_help_are_light():
    """``import ndpcosmo`` and the CLI's help import neither scipy nor numba (the public names load on
    first use), and numba's cache directory is set before numba is imported."""
    code = (
        "import sys, os\n"
        "import ndpcosmo, ndpcosmo.cli\n"
        "heavy = sorted(m for m in ('scipy', 'numba', 'matplotlib', 'h5py') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "assert {'assess', 'run', 'DipolePortal'} <= set(dir(ndpcosmo))\n"
        "assert callable(ndpcosmo.assess) and ndpcosmo.DipolePortal(1.0, 1e-11).mass_mev == 1.0\n"
        "from numba.core import config\n"
        "from ndpcosmo.cache import cache_dir\n"
        "from ndpcosmo._numba_cache import kernel_fingerprint\n"
        "expected = str(cache_dir() / 'numba' / kernel_fingerprint())\n"
        "assert config.CACHE_DIR == expected or os.environ.get('NUMBA_CACHE_DIR'), config.CACHE_DIR\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_plot_of_a_file_that_is_not_hdf5_is_a_named_error(tmp_path):
    bogus = tmp_path / "chain.h5"
    bogus.write_text("not a chain\n")
    proc = _run("plot", str(bogus))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "not an HDF5 file" in proc.stderr and str(bogus) in proc.stderr


def test_run_plot_draws_the_point(tmp_path):
    """`ndpcosmo run ... --plot FILE`: a PNG of the point's story next to the usual verdict."""
    png = tmp_path / "point.png"
    proc = _run("run", "--mass", "10", "--mu", "1e-13", "--plot", str(png), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["excluded"] is True
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
