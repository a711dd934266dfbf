"""The scans' fast omega_b profile (likelihoods.fast) against the exact one (combined.Assessor).

    python benchmarks/fast_profile_vs_exact.py [PLANCK_DIR] [N]

On N random points of the default table's plane (M_N 0.01-300 MeV, mu 1e-14-1e-8 mu_B, T_RH in {none,
1 GeV, 100, 10, 5 MeV}; seed 1), prints for each probe the largest |Delta chi^2 (fast) - Delta chi^2
(exact)| where Delta chi^2 < 30 (and the point), the largest relative difference above, the verdicts that
differ (with both values), and the time per point of each.
"""

from __future__ import annotations

import os
import sys
import time
import warnings

import numpy as np

from ndpcosmo import DipolePortal, Precision, run
from ndpcosmo.likelihoods.combined import Assessor, CombinedLikelihood, default_cosmology
from ndpcosmo.likelihoods.fast import FastProfiler


def main() -> None:
    warnings.simplefilter("ignore")
    planck = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NDPCOSMO_PLANCK_DIR", "../shared/data")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    likelihood = CombinedLikelihood.create(planck_dir=planck)
    fast, exact = FastProfiler.create(likelihood), Assessor.create(likelihood)
    rng = np.random.default_rng(1)
    trh_choices = (None, 1000.0, 100.0, 10.0, 5.0)
    precision, cosmology = Precision(bbn_errors="none"), default_cosmology()
    small = {p: 0.0 for p in ("bbn", "cmb", "total")}
    worst: dict[str, tuple] = {}
    large = {p: 0.0 for p in small}
    flips, t_fast, t_exact = [], [], []
    for _ in range(n):
        mass = float(10 ** rng.uniform(-2, np.log10(300)))
        mu = float(10 ** rng.uniform(-14, -8))
        trh = trh_choices[rng.integers(len(trh_choices))]
        result = run(DipolePortal(mass, mu, T_RH_mev=trh), cosmology, precision)
        start = time.perf_counter()
        a = fast.assess(result)
        t_fast.append(time.perf_counter() - start)
        start = time.perf_counter()
        b = exact.assess(result)
        t_exact.append(time.perf_counter() - start)
        for p in small:
            x, y = a["delta_chi2"][p], b.delta_chi2[p]
            if not (np.isfinite(x) and np.isfinite(y)):
                continue
            if abs(y) < 30:
                if abs(x - y) > small[p]:
                    worst[p] = (mass, mu, trh, round(x, 3), round(y, 3))
                small[p] = max(small[p], abs(x - y))
            else:
                large[p] = max(large[p], abs(x - y) / abs(y))
            if a["excluded"][p] != b.excluded[p]:
                flips.append((mass, mu, trh, p, round(x, 3), round(y, 3)))
    print(f"{n} points; fast {np.median(t_fast) * 1e3:.1f} ms, exact {np.median(t_exact) * 1e3:.0f} ms per point")
    for p in small:
        print(f"{p:6s}: max |difference| {small[p]:.3f} where Delta chi^2 < 30; max relative {large[p]:.3%} above")
        if p in worst:
            m, u, t, x, y = worst[p]
            print(f"        at M = {m:.4g} MeV, mu = {u:.3g} mu_B, T_RH = {t}: fast {x}, exact {y}")
    print(f"verdicts that differ: {len(flips)}", *flips, sep="\n  ")


if __name__ == "__main__":
    main()
