"""BBN network: nuclear data, detailed balance, NSE, conservation, convergence and PRIMAT side by side."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from ndpcosmo import constants as c
from ndpcosmo.background import solve as solve_history
from ndpcosmo.bbn import solver as bbn
from ndpcosmo.bbn._kernels import lagrange4
from ndpcosmo.bbn.network import reactions
from ndpcosmo.bbn.rates import rate_tables
from ndpcosmo.model import Cosmology

# PRIMAT's names of the 12 key reactions, and ours
PRIMAT_NAMES = {
    "n_p__d_g": "n + p > d",
    "d_p__He3_g": "p + d > He3",
    "d_d__He3_n": "d + d > n + He3",
    "d_d__t_p": "d + d > p + t",
    "t_p__a_g": "p + t > He4",
    "t_d__a_n": "d + t > n + He4",
    "t_a__Li7_g": "He4 + t > Li7",
    "He3_n__t_p": "n + He3 > p + t",
    "He3_d__a_p": "d + He3 > p + He4",
    "He3_a__Be7_g": "He4 + He3 > Be7",
    "Be7_n__Li7_p": "n + Be7 > p + Li7",
    "Li7_p__a_a": "p + Li7 > He4 + He4",
}


@pytest.fixture(scope="module")
def sm_history():
    return solve_history(None, None)


@pytest.fixture(scope="module")
def sbbn(sm_history):
    return bbn.solve(sm_history, Cosmology(omega_b=0.02242, tau_n_s=879.4), errors="none")


def _primat_tables() -> Path:
    primat = pytest.importorskip("primat")
    return Path(primat.__file__).parent / "data" / "nuclear" / "tables"


def test_q_values_match_the_rate_libraries():
    # Q from the AME2020 masses vs the Q-values STARLIB and REACLIB publish with each rate: < 2 keV
    # from at least one of them (they differ from each other by up to 3 keV, e.g. 6He beta decay)
    published: dict[str, list[float]] = {}
    data = Path(bbn.__file__).parent / "data"
    for line in (data / "reaclib_bbn.txt").read_text().splitlines():
        if not line.startswith("#"):
            fields = [f.strip() for f in line.split("|")]
            published.setdefault(fields[0], []).append(float(fields[3]))
    for line in (data / "starlib_bbn.txt").read_text().splitlines():
        if line.startswith(">"):
            fields = [f.strip() for f in line[1:].split("|")]
            published.setdefault(fields[0], []).append(float(fields[2]))
    for network in ("key", "extended"):
        for rx in reactions(network)[1]:
            assert min(abs(rx.q_mev - q) for q in published[rx.name]) < 2e-3, rx.name
    assert abs(reactions("key")[1][0].q_mev - 2.224566) < 1e-6  # deuteron binding energy (CODATA 2018)


def test_reverse_coefficients_match_primat_headers():
    # detailed balance: lambda_rev / lambda_fwd = alpha T9^beta exp(gamma / T9); PRIMAT's table headers
    # quote alpha, beta, gamma for each key reaction (its own masses): alpha within 0.5 %, gamma 1e-3
    tables = _primat_tables()
    by_name = {rx.name: rx for rx in reactions("key")[1]}
    for primat_name, ours in PRIMAT_NAMES.items():
        header = (tables / primat_name / f"{primat_name}_primat.txt").read_text().splitlines()[1]
        alpha, beta, gamma = (float(v) for v in re.findall(r"alpha=(\S+) beta=(\S+) gamma=(\S+)", header)[0])
        rx = by_name[ours]
        T9 = 0.2  # the excited levels of 7Li / 7Be are not populated yet
        our_gamma = -rx.q_mev / (1e9 * c.K_B_MEV_PER_K)
        assert our_gamma == pytest.approx(gamma, rel=2e-3), ours
        ln_ratio = rx.ln_reverse_ratio(np.array([T9 * 1e9 * c.K_B_MEV_PER_K]))[0]
        assert math.exp(ln_ratio - beta * math.log(T9) - our_gamma / T9) == pytest.approx(alpha, rel=5e-3), ours


def test_nse_is_a_fixed_point():
    # with the Saha abundances every reaction runs as fast backwards as forwards (detailed balance)
    tables = rate_tables("key")
    st = tables.stoichiometry()
    T9, ln_rho = 5.0, math.log(1e-3)
    T = T9 * 1e9 * c.K_B_MEV_PER_K
    Y = bbn.nse_abundances(tables.nuclides, 0.2, 0.8, T, ln_rho)
    u = math.log(T9)
    for r in range(len(tables.reactions)):
        lnf = lagrange4(tables.ln_forward, r, tables.u0, tables.du, u)
        lnr = lagrange4(tables.ln_reverse, r, tables.u0, tables.du, u)
        vf = lnf + (st["n_in"][r] - 1) * ln_rho + math.log(st["fin"][r])
        vf += sum(math.log(Y[j]) for j in st["rin"][r] if j >= 0)
        vr = lnr + (st["n_out"][r] - 1) * ln_rho + math.log(st["fout"][r])
        vr += sum(math.log(Y[j]) for j in st["rout"][r] if j >= 0)
        assert vf == pytest.approx(vr, abs=1e-6), tables.reactions[r].name


def test_baryon_number_and_sanity(sbbn):
    assert abs(sbbn.baryon_number - 1.0) < 1e-8
    assert 6.0 < sbbn.eta10 < 6.3  # eta_10 = 273.3 omega_b (Steigman 2006) = 6.127
    assert 0.24 < sbbn.Yp_bbn < 0.25 and 2e-5 < sbbn.D_H < 3e-5


def test_tolerance_halving_converges(sm_history, sbbn):
    # halving the tolerance (and doubling the history grid) changes every abundance by < 1e-4; a
    # 100x tighter run agrees to 1e-4 as well
    cosmology = Cosmology(omega_b=0.02242, tau_n_s=879.4)
    finer = bbn.solve(sm_history, cosmology, rtol=5e-5, points_per_efold=200, errors="none")
    tight = bbn.solve(sm_history, cosmology, rtol=1e-6, points_per_efold=400, errors="none")
    for key in ("Yp_bbn", "D_H", "He3_H", "Li7_H", "Li6_H"):
        assert getattr(finer, key) / getattr(sbbn, key) == pytest.approx(1.0, abs=1e-4), key
        assert getattr(tight, key) / getattr(sbbn, key) == pytest.approx(1.0, abs=1e-4), key


def test_runs_on_histories_with_n_across_the_grid():
    # Step 1's grid (M 0.01-1000 MeV x mu 1e-14-1e-6 mu_B, T_RH 5 MeV and none): no failure, sane output
    from ndpcosmo.model import DipolePortal
    from ndpcosmo.production import solve as solve_abundance

    for M in np.geomspace(0.01, 1000.0, 5):
        for mu in np.geomspace(1e-14, 1e-6, 5):
            for trh in (5.0, None):
                model = DipolePortal(float(M), float(mu), T_RH_mev=trh)
                history = solve_history(model, solve_abundance(model))
                out = bbn.solve(history, errors="none")
                assert abs(out.baryon_number - 1.0) < 1e-8, (M, mu, trh)
                # up to 0.67: a 1 GeV N at 1e-14 mu_B (tau = 3.8 s) sends ~500 MeV nubar_e (after
                # oscillations) that keep n/p near 1/2 through BBN (tests/test_nonthermal.py)
                assert 0.2 < out.Yp_bbn < 1.0, (M, mu, trh)
                for key in ("Yp_bbn", "D_H", "He3_H", "Li7_H", "Li6_H"):
                    value = getattr(out, key)
                    assert math.isfinite(value) and value >= 0, (M, mu, trh, key)


def test_deuterium_response_to_eta(sm_history):
    # d ln(D/H) / d ln eta = -1.64 +- 0.08 (REFERENCE.md sec. 4, PRIMAT)
    lo = bbn.solve(sm_history, Cosmology(omega_b=0.02242 / 1.05), errors="none")
    hi = bbn.solve(sm_history, Cosmology(omega_b=0.02242 * 1.05), errors="none")
    slope = math.log(hi.D_H / lo.D_H) / math.log(1.05**2)
    assert slope == pytest.approx(-1.64, abs=0.08)


def test_response_to_extra_radiation(sm_history, sbbn):
    # Delta N_eff = +1: Delta Y_P^BBN = 0.0125 +- 0.0008 and D/H +13.4 +- 1.5 % (REFERENCE.md sec. 4, PRIMAT)
    more = bbn.solve(sm_history, Cosmology(omega_b=0.02242, tau_n_s=879.4), errors="none", delta_neff=1.0)
    assert more.Yp_bbn - sbbn.Yp_bbn == pytest.approx(0.0125, abs=8e-4)
    assert more.D_H / sbbn.D_H - 1.0 == pytest.approx(0.134, abs=0.015)
    assert more.neff - sbbn.neff == pytest.approx(1.0)


def _run_primat(omega_b: float, tau_n: float, delta_neff: float = 0.0) -> dict[str, float]:
    primat = pytest.importorskip("primat")
    params = {"Omegabh2": omega_b, "tau_n": tau_n, "network": "small", "DeltaNeff": delta_neff}
    out = primat.PRIMAT(params).solve(progress=False)
    return {"Yp_bbn": out["YPBBN"], "Yp": out["YPCMB"], "D_H": out["DoH"], "He3_H": out["He3oH"], "Li7_H": out["Li7oH"]}


def _with_primat_rates():
    tables = rate_tables("key")
    for primat_name, ours in PRIMAT_NAMES.items():
        data = np.loadtxt(_primat_tables() / primat_name / f"{primat_name}_primat.txt")
        tables = tables.with_forward(ours, data[:, 0], data[:, 1])
    return tables


@pytest.mark.parametrize(("omega_b", "delta_neff"), [(0.02242, 0.0), (0.0200, 0.0), (0.0250, 1.0)])
def test_sbbn_side_by_side_with_primat(sm_history, omega_b, delta_neff):
    # our network with its default rates (STARLIB: the evaluations PRIMAT 2023 uses) against PRIMAT's
    # key network run here: REFERENCE.md sec. 4 tolerances
    ref = _run_primat(omega_b, 879.4, delta_neff)
    cosmology = Cosmology(omega_b=omega_b, tau_n_s=879.4)
    ours = bbn.solve(sm_history, cosmology, errors="none", delta_neff=delta_neff)
    assert abs(ours.Yp_bbn - ref["Yp_bbn"]) < 3e-4
    assert ours.D_H / ref["D_H"] == pytest.approx(1.0, abs=5e-3)
    assert ours.He3_H / ref["He3_H"] == pytest.approx(1.0, abs=2e-2)
    assert ours.Li7_H / ref["Li7_H"] == pytest.approx(1.0, abs=5e-2)


def test_network_and_solver_match_primat_with_its_own_rate_tables(sm_history):
    # PRIMAT's own key-network tables loaded into our network (in this test only): what remains is the
    # network, weak rates and integrator, which agree more tightly than the tolerances above
    ref = _run_primat(0.02242, 879.4)
    ours = bbn.solve(sm_history, Cosmology(omega_b=0.02242, tau_n_s=879.4), tables=_with_primat_rates(), errors="none")
    assert abs(ours.Yp_bbn - ref["Yp_bbn"]) < 2.5e-4
    assert ours.D_H / ref["D_H"] == pytest.approx(1.0, abs=1e-3)
    assert ours.He3_H / ref["He3_H"] == pytest.approx(1.0, abs=3e-3)
    assert ours.Li7_H / ref["Li7_H"] == pytest.approx(1.0, abs=5e-3)


def test_theory_errors_linear_and_monte_carlo_agree(sm_history):
    # the rates are log-normal (STARLIB f.u.); linear propagation and a 200-sample Monte Carlo agree to
    # 25 % on every error (Monte Carlo noise ~5 %, plus the non-linearity of the response)
    cosmology = Cosmology(omega_b=0.02242, tau_n_s=879.4)
    lin = bbn.solve(sm_history, cosmology, errors="linear").errors
    mc = bbn.solve(sm_history, cosmology, errors="montecarlo", n_samples=200, seed=3).errors
    for key in ("Yp_bbn", "D_H", "He3_H", "Li7_H"):
        assert mc[key] == pytest.approx(lin[key], rel=0.25), key
    # sizes: D/H ~1 %, 7Li ~3 % (the d(p,g) and 3He(a,g) evaluations quote 2.2 % and ~3 % rate errors)
    assert 0.005 < lin["D_H"] < 0.02 and 0.02 < lin["Li7_H"] < 0.06 and lin["Yp_bbn"] < 3e-4


def test_rate_library_choice_is_the_known_theory_spread(sm_history, sbbn):
    # REACLIB's older key-reaction evaluations move D/H by ~+3 % and 7Li by ~-13 % (REFERENCE.md sec. 4:
    # "the choice of rate set moves D/H by ~3 % and 7Li by ~13 %")
    old = bbn.solve(sm_history, Cosmology(omega_b=0.02242, tau_n_s=879.4), library="reaclib", errors="none")
    assert 0.015 < old.D_H / sbbn.D_H - 1.0 < 0.045
    assert 0.08 < 1.0 - old.Li7_H / sbbn.Li7_H < 0.18
    assert abs(old.Yp_bbn - sbbn.Yp_bbn) < 3e-4


def test_extended_network_side_by_side_with_primat_large(sm_history):
    # our extended network (A <= 8) against PRIMAT's large network (C backend, up to CNO) run here:
    # the same tolerances; 7Li drops by ~1 % from the key network in both (mostly 7Be(d,p)2a)
    primat_backend = pytest.importorskip("primat.backend")
    if not primat_backend.HAS_C_BACKEND:
        pytest.skip("PRIMAT's C backend is not built")
    ref = primat_backend.run_bbn({"Omegabh2": 0.02242, "tau_n": 879.4, "network": "large"}, force_backend="c")
    ours = bbn.solve(sm_history, Cosmology(omega_b=0.02242, tau_n_s=879.4), network="extended", errors="none")
    assert abs(ours.Yp_bbn - ref["YPBBN"]) < 3e-4
    assert ours.D_H / ref["DoH"] == pytest.approx(1.0, abs=5e-3)
    assert ours.He3_H / ref["He3oH"] == pytest.approx(1.0, abs=2e-2)
    assert ours.Li7_H / ref["Li7oH"] == pytest.approx(1.0, abs=5e-2)
