"""The verdict's polished omega_b profiles (started at the fast profile's minima) against bounded Brent
over the whole range, on the same results.

    python benchmarks/profile_polish_vs_brent.py [N] [PLANCK_DIR]

Points: the six literature/issue points (0.977 MeV at 1.52e-12 and 1.75e-12, 10 MeV at 1e-13, 1 MeV at
1e-11, 0.5 MeV at 1e-7, 100 MeV at 1e-8) and N random points of the declared domain (domain_sweep,
seed 3). Prints, per probe, the largest |Delta chi^2| difference where Delta chi^2 < 30 and the largest
relative difference above, the verdicts that differ, and the time per verdict of each (one core).
"""

from __future__ import annotations

import os
import sys
import time
import warnings

import numpy as np
from domain_sweep import sweep_points

from ndpcosmo import DipolePortal, Precision, run
from ndpcosmo.likelihoods.combined import Assessor, CombinedLikelihood, default_cosmology


def main() -> None:
    warnings.simplefilter("ignore")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    planck = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("NDPCOSMO_PLANCK_DIR", "../shared/data")
    likelihood = CombinedLikelihood.create("bbn,cmb,firas", planck_dir=planck)
    polished, brent = Assessor.create(likelihood), Assessor.create(likelihood, fast=False)
    fixed = [(0.977, 1.52e-12), (0.977, 1.75e-12), (10.0, 1e-13), (1.0, 1e-11), (0.5, 1e-7), (100.0, 1e-8)]
    points = [{"mass_mev": m, "mu_muB": u} for m, u in fixed] + sweep_points(n, 3)
    small: dict[str, float] = {}
    large: dict[str, float] = {}
    flips, t_polished, t_brent = [], [], []
    for p in points:
        model = DipolePortal(
            p["mass_mev"],
            p["mu_muB"],
            nature=p.get("nature", "dirac"),
            flavour=p.get("flavour", "mu"),
            T_RH_mev=p.get("T_RH_mev"),
        )
        result = run(model, default_cosmology(), Precision(bbn_errors="none"))
        start = time.perf_counter()
        a = polished.assess(result)
        t_polished.append(time.perf_counter() - start)
        start = time.perf_counter()
        b = brent.assess(result)
        t_brent.append(time.perf_counter() - start)
        for probe, y in b.delta_chi2.items():
            x = a.delta_chi2[probe]
            if abs(y) < 30:
                small[probe] = max(small.get(probe, 0.0), abs(x - y))
            else:
                large[probe] = max(large.get(probe, 0.0), abs(x - y) / abs(y))
            if a.excluded[probe] != b.excluded[probe]:
                flips.append((p, probe, x, y))
    print(f"{len(points)} points")
    for probe in small.keys() | large.keys():
        print(
            f"{probe:6s}: max |difference| {small.get(probe, 0):.2e} where Delta chi^2 < 30; "
            f"max relative {large.get(probe, 0):.2e} above"
        )
    print(f"verdicts that differ: {len(flips)} {flips[:5]}")
    print(
        f"per verdict: polished median {np.median(t_polished):.3f} s (p90 {np.percentile(t_polished, 90):.3f}), "
        f"Brent median {np.median(t_brent):.3f} s (p90 {np.percentile(t_brent, 90):.3f})"
    )


if __name__ == "__main__":
    main()
