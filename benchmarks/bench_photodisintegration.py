"""Side-by-side timing of photodisintegration: ndpcosmo vs ACROPOLIS, per point, in one run.

For each point (M, tau, n_N/n_gamma at 10 MeV; decays at rest, one photon at M/2), times
``solve_decay`` with ACROPOLIS's input abundances (the cached response table, warm; the SM history is
computed inside each call) and ACROPOLIS's ``DecayModel(M, tau, 10, n, 0, 0.5).run_disintegration()``
at its defaults, then prints both times, the ratio, and the final D/H, (3He+T)/H and (7Li+7Be)/H of
both codes. ACROPOLIS is GPL: used here only. The one-off cost of building the response table (about
2 minutes on two cores, then cached on disk) is printed separately.

    python benchmarks/bench_photodisintegration.py [--quick]
"""

from __future__ import annotations

import sys
import time
import warnings

from ndpcosmo.photodisintegration import solve_decay
from ndpcosmo.photodisintegration.response import response_table

KEYS = ("n", "p", "D", "T", "He3", "He4", "Li6", "Li7", "Be7")
POINTS = ((10.0, 1e5, 1e-6), (60.0, 1e6, 1e-8), (5.0, 1e7, 1e-6), (30.0, 1e8, 1e-9), (100.0, 1e7, 1e-10))


def _ratios(Y: dict[str, float]) -> tuple[float, float, float]:
    H = Y["p"]
    return Y["D"] / H, (Y["He3"] + Y["T"]) / H, (Y["Li7"] + Y["Be7"]) / H


def main() -> None:
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    response_table()
    print(f"response table: {time.perf_counter() - start:.1f} s (0 if it was cached)")
    try:
        from acropolis.input import InputInterface, locate_sm_file
        from acropolis.models import DecayModel
    except ImportError:
        print("ACROPOLIS not installed (pip install acropolis): no side-by-side timing")
        return
    Y0 = dict(zip(KEYS, (float(v) for v in InputInterface(locate_sm_file()).bbn_abundances()[:, 0]), strict=True))
    points = POINTS[:2] if "--quick" in sys.argv else POINTS
    solve_decay(*points[0], abundances=Y0)  # warm-up
    ratios = []
    print("   M [MeV]   tau [s]   n/n_g    ours [ms]  ACROPOLIS [s]  ratio   D/H ours, ACROPOLIS   3He/H   7Li/H")
    for mass, tau, n in points:
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            ours = solve_decay(mass, tau, n, abundances=Y0)
            best = min(best, time.perf_counter() - t0)
        t0 = time.perf_counter()
        Yf = DecayModel(mass, tau, 10.0, n, 0.0, 0.5).run_disintegration()[:, 0]
        theirs_s = time.perf_counter() - t0
        theirs = dict(zip(KEYS, (float(v) for v in Yf), strict=True))
        ratio = theirs_s / best
        ratios.append(ratio)
        (d, h, li), (d2, h2, li2) = _ratios(ours), _ratios(theirs)
        print(
            f"{mass:9.0f} {tau:9.0e} {n:8.0e} {best * 1e3:10.1f} {theirs_s:13.1f} {ratio:7.0f}   "
            f"{d:.4e}, {d2:.4e}   {h / h2 - 1:+.3f}   {li / li2 - 1:+.3f}"
        )
    print(f"ratio ACROPOLIS / ndpcosmo: min {min(ratios):.0f}, max {max(ratios):.0f}")


if __name__ == "__main__":
    main()
