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
    return bbn.solve(sm_history, Cosmology(omega_b=0.02242, tau_n_s=879.4), errors=False)


def _primat_tables() -> Path:
    primat = pytest.importorskip("primat")
    return Path(primat.__file__).parent / "data" / "nuclear" / "tables"


def test_q_values_match_reaclib():
    # Q from the AME2020 masses vs the Q-values REACLIB publishes with each fit (independent): < 2 keV
    text = (Path(bbn.__file__).parent / "data" / "reaclib_bbn.txt").read_text()
    published = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            fields = [f.strip() for f in line.split("|")]
            published[fields[0]] = float(fields[3])
    for network in ("key", "extended"):
        for rx in reactions(network)[1]:
            assert abs(rx.q_mev - published[rx.name]) < 2e-3, rx.name
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
    finer = bbn.solve(sm_history, cosmology, rtol=5e-5, points_per_efold=200, errors=False)
    tight = bbn.solve(sm_history, cosmology, rtol=1e-6, points_per_efold=400, errors=False)
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
                out = bbn.solve(history, errors=False)
                assert abs(out.baryon_number - 1.0) < 1e-8, (M, mu, trh)
                assert 0.2 < out.Yp_bbn < 0.5, (M, mu, trh)
                for key in ("Yp_bbn", "D_H", "He3_H", "Li7_H", "Li6_H"):
                    value = getattr(out, key)
                    assert math.isfinite(value) and value >= 0, (M, mu, trh, key)


def test_deuterium_response_to_eta(sm_history):
    # d ln(D/H) / d ln eta = -1.64 +- 0.08 (REFERENCE.md sec. 4, PRIMAT)
    lo = bbn.solve(sm_history, Cosmology(omega_b=0.02242 / 1.05), errors=False)
    hi = bbn.solve(sm_history, Cosmology(omega_b=0.02242 * 1.05), errors=False)
    slope = math.log(hi.D_H / lo.D_H) / math.log(1.05**2)
    assert slope == pytest.approx(-1.64, abs=0.08)


def test_response_to_extra_radiation(sm_history, sbbn):
    # Delta N_eff = +1: Delta Y_P^BBN = 0.0125 +- 0.0008 and D/H +13.4 +- 1.5 % (REFERENCE.md sec. 4, PRIMAT)
    more = bbn.solve(sm_history, Cosmology(omega_b=0.02242, tau_n_s=879.4), errors=False, delta_neff=1.0)
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
    # the same nuclear rates (PRIMAT's key-network tables loaded into our network, in this test only):
    # the network, the weak rates and the integrator against PRIMAT's (REFERENCE.md sec. 4 tolerances)
    ref = _run_primat(omega_b, 879.4, delta_neff)
    cosmology = Cosmology(omega_b=omega_b, tau_n_s=879.4)
    ours = bbn.solve(sm_history, cosmology, tables=_with_primat_rates(), errors=False, delta_neff=delta_neff)
    assert abs(ours.Yp_bbn - ref["Yp_bbn"]) < 3e-4
    assert ours.D_H / ref["D_H"] == pytest.approx(1.0, abs=5e-3)
    assert ours.He3_H / ref["He3_H"] == pytest.approx(1.0, abs=2e-2)
    assert ours.Li7_H / ref["Li7_H"] == pytest.approx(1.0, abs=5e-2)
