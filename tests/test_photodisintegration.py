"""Photodisintegration: cross-section tables, thresholds, and ACROPOLIS side by side (D and 3He)."""

from __future__ import annotations

import numpy as np
import pytest

from ndpcosmo.photodisintegration.reactions import MB_TO_MEV2, reactions
from ndpcosmo.photodisintegration.solver import KEYS, solve_decay

# ACROPOLIS 1.3.1's own input abundances (its AlterBBN table, n_i/n_b), read from it in
# test_side_by_side_with_acropolis and fixed here for the threshold tests
ACROPOLIS_INPUT = {
    "n": 0.0,
    "p": 7.525079e-01,
    "D": 1.837924e-05,
    "T": 5.812933e-08,
    "He3": 7.697251e-06,
    "He4": 6.185801e-02,
    "Li6": 8.104749e-15,
    "Li7": 2.157596e-11,
    "Be7": 3.871693e-10,
}


def test_cross_section_tables():
    for rx in reactions():
        # the tables start at the AME2020 threshold with sigma = 0, sigma >= 0, a source is named
        assert rx.E_mev[0] == pytest.approx(rx.threshold_mev, abs=2e-3), rx.file
        assert rx.sigma_mb[0] == 0.0 and np.all(rx.sigma_mb >= 0.0) and rx.source, rx.file
        assert rx.sigma_mev2(np.array([0.99 * rx.threshold_mev]))[0] == 0.0
    d = reactions()[0]
    # d(gamma,n)p: peak 2.4-2.5 mb near 4.4 MeV (Birenbaum 1985; Moreh 1989; Hara 2003)
    E = np.linspace(2.3, 10.0, 2000)
    sigma = d.sigma_mev2(E) / MB_TO_MEV2
    assert 2.3 < sigma.max() < 2.6 and 3.8 < E[np.argmax(sigma)] < 5.0


def _ratios(out: dict[str, float]) -> tuple[float, float, float]:
    H = out["p"]
    return out["D"] / H, (out["He3"] + out["T"]) / H, (out["Li7"] + out["Be7"]) / H


@pytest.mark.parametrize("mass", [3.1, 4.4, 39.0])
def test_thresholds(mass):
    # REFERENCE.md sec. 5: nothing below M = 3.17 MeV (7Be threshold 1.587 MeV = M/2); D untouched
    # below 4.45 MeV; 4He destroyed only above 39.6 MeV (it only gains alphas from Li and Be below)
    before = dict(ACROPOLIS_INPUT)
    before["He3"] += before["T"]  # compare after the late decays
    before["T"] = 0.0
    before["Li7"] += before["Be7"]
    before["Be7"] = 0.0
    out = solve_decay(mass, 1e8, 1e-6, abundances=ACROPOLIS_INPUT, n_temperatures=10, points_per_decade=30)
    if mass < 3.17:
        for key in KEYS:
            assert out[key] == pytest.approx(before[key], rel=1e-9, abs=1e-30), key
        return
    assert out["Li7"] < before["Li7"] * (1 - 1e-3)  # 7Be is broken
    if mass < 4.45:
        assert out["D"] == pytest.approx(before["D"], rel=1e-9)
    assert out["He4"] >= before["He4"] * (1 - 1e-12)


def test_side_by_side_with_acropolis():
    # M = 10 MeV, tau = 1e5 s, the tolerances where they hold today (docs/photodisintegration.md
    # lists the rest, all traced to cross sections): weak injection (n/n_gamma = 1e-8): final D within
    # 3 %; strong injection (1e-6): the change of D within 10 %; 3He untouched (E0 = 5 MeV < 5.49 MeV)
    models = pytest.importorskip("acropolis.models")
    for n_over_n_gamma in (1e-8, 1e-6):
        model = models.DecayModel(10.0, 1e5, 10.0, n_over_n_gamma, 0.0, 0.5)
        start = {k: float(v) for k, v in zip(KEYS, model._sII.bbn_abundances()[:, 0], strict=True)}
        assert start == pytest.approx(ACROPOLIS_INPUT, rel=1e-6)
        ref = {k: float(v) for k, v in zip(KEYS, model.run_disintegration()[:, 0], strict=True)}
        ours = solve_decay(10.0, 1e5, n_over_n_gamma, abundances=start)
        D0, He0, _ = _ratios(start)
        D_ref, He_ref, _ = _ratios(ref)
        D, He, _ = _ratios(ours)
        if n_over_n_gamma < 1e-7:
            assert D / D_ref == pytest.approx(1.0, abs=0.03)
        else:
            assert (D - D0) / (D_ref - D0) == pytest.approx(1.0, abs=0.10)
        assert He == pytest.approx(He0, rel=1e-4) and He_ref == pytest.approx(He0, rel=1e-4)


def test_response_table_matches_direct_cascade(tmp_path, monkeypatch):
    # the tabulated response (a small grid here) against direct cascade solves where the rates are
    # smooth in T (below the pair-creation cut-off of E0 = 5 MeV): 3 %
    import math

    from ndpcosmo.photodisintegration import cascade
    from ndpcosmo.photodisintegration.response import ResponseGrid, _photon_density, response_table

    monkeypatch.setenv("NDPCOSMO_CACHE_DIR", str(tmp_path))
    grid = ResponseGrid(
        E0_min_mev=3.0,
        E0_max_mev=8.0,
        E0_per_decade=12,
        T_min_mev=1e-4,
        T_max_mev=1.5e-3,
        T_per_decade=8,
        cascade_points_per_decade=30,
    )
    table = response_table(6.1e-10, 0.247, grid)
    d = reactions()[0]
    for T in (1.2e-3, 5e-4, 2e-4):
        bath = cascade.Bath.from_baryons(T, 6.1e-10 * _photon_density(T), 0.247)
        direct = cascade.solve(5.0, bath, points_per_decade=30).rate(d.sigma_mev2)
        assert table.rates(5.0, T)[0] / direct == pytest.approx(1.0, abs=0.03), T
    assert math.isfinite(table.rates(5.0, 1e-3).sum())
