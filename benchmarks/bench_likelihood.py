"""Benchmark: one full point for a sampler (Steps 1-5 without classy, plus the likelihood), issue 7.

    python benchmarks/bench_likelihood.py [PLANCK_DIR]

``Loglike(('bbn', 'cmb', 'firas'))`` (the production, the thermal history, BBN, photodisintegration,
the CLASS inputs' N_eff and Y_P, the compressed Planck, BBN and FIRAS chi^2) on the grid M_N in
[0.01, 1000] MeV x mu in [1e-14, 1e-6] mu_B x T_RH in {5 MeV, 1 GeV, none}, on one core after warm-up:
the median and the worst case (target: median <= 50 ms), and the share of each stage; beside it the
same with the decay neutrinos thermal at once (``Precision(neutrino_injection="thermal")``). The single-point
verdict (``Assessor.assess``: three omega_b profiles) is timed on a few points for reference.
"""

from __future__ import annotations

import os
import sys
import time
import warnings

import numpy as np

from ndpcosmo import DipolePortal, Precision, run
from ndpcosmo.interfaces.plain import Loglike
from ndpcosmo.likelihoods.combined import Assessor, CombinedLikelihood, default_cosmology


def main() -> None:
    warnings.simplefilter("ignore")
    planck = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NDPCOSMO_PLANCK_DIR", "../shared/data")
    like = Loglike(("bbn", "cmb", "firas"), planck_dir=planck)
    thermal = Loglike(
        ("bbn", "cmb", "firas"), planck_dir=planck, precision=Precision(bbn_errors="none", neutrino_injection="thermal")
    )
    grid = [
        {"mass_mev": float(M), "mu_muB": float(mu), "T_RH_mev": trh}
        for M in np.geomspace(0.01, 1000, 7)
        for mu in np.geomspace(1e-14, 1e-6, 9)
        for trh in (5.0, 1e3, None)
    ]
    for params in grid[:5]:  # warm-up: JIT, caches, data files
        like(params)
        thermal(params)
    times, times_thermal, stages = [], [], {}
    for params in grid:
        start = time.perf_counter()
        like(params)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        thermal(params)
        times_thermal.append(time.perf_counter() - start)
    ms = np.array(times) * 1e3
    ms_thermal = np.array(times_thermal) * 1e3
    print(
        f"decay neutrinos thermal at once (before 2026-12): median {np.median(ms_thermal):.1f} ms; spectral/thermal "
        f"per point: median {np.median(ms / ms_thermal):.2f}, 90th percentile {np.percentile(ms / ms_thermal, 90):.2f}"
    )
    worst = grid[int(np.argmax(ms))]
    print(
        f"Loglike over {len(grid)} points: median {np.median(ms):.1f} ms, 90th percentile "
        f"{np.percentile(ms, 90):.1f} ms, worst {ms.max():.0f} ms at {worst}; {like.failures} failed"
    )
    precision = Precision(bbn_errors="none")
    for params in grid[::17]:
        model = DipolePortal(params["mass_mev"], params["mu_muB"], T_RH_mev=params["T_RH_mev"])
        result = run(model, default_cosmology(), precision)
        for key, value in result.timings_s.items():
            stages.setdefault(key, []).append(value * 1e3)
    print("stage medians on every 17th point: " + ", ".join(f"{k} {np.median(v):.1f} ms" for k, v in stages.items()))
    assessor = Assessor.create(CombinedLikelihood.create(planck_dir=planck))
    verdicts = []
    for params in grid[::37]:
        model = DipolePortal(params["mass_mev"], params["mu_muB"], T_RH_mev=params["T_RH_mev"])
        start = time.perf_counter()
        assessor.assess(run(model, default_cosmology(), precision))
        verdicts.append(time.perf_counter() - start)
    print(f"single-point verdict (three omega_b profiles): median {np.median(verdicts):.2f} s over {len(verdicts)}")


if __name__ == "__main__":
    main()
