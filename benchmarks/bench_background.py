"""Benchmark: one thermal history, side by side with PRIMAT's background solver.

    python benchmarks/bench_background.py

Times (1) ``background.solve`` for the Standard Model and its median and worst case over the grid
M_N in [0.01, 1000] MeV x mu in [1e-14, 1e-6] mu_B x T_RH in {5 MeV, 1 GeV, none} after warm-up, and
(2) PRIMAT's ``StandardBackground`` (pip ``primat``; the SM only: it has no decaying N) in the same
run, warm, and prints the ratio of the SM timings.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from ndpcosmo import DipolePortal
from ndpcosmo.background import solve
from ndpcosmo.production import solve as solve_abundance


def _timed(fn, repeat: int = 5) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    warnings.simplefilter("ignore")
    solve(None, None)  # JIT / cache warm-up
    t_sm, sm = _timed(lambda: solve(None, None))
    print(f"ndpcosmo SM history: {t_sm * 1e3:.1f} ms, N_eff = {sm.neff_cmb:.5f}")

    times = []
    for M in np.geomspace(0.01, 1000, 7):
        for mu in np.geomspace(1e-14, 1e-6, 9):
            for trh in (5.0, 1e3, None):
                model = DipolePortal(float(M), float(mu), T_RH_mev=trh)
                abundance = solve_abundance(model)
                t = time.perf_counter()
                solve(model, abundance)
                times.append((time.perf_counter() - t, (float(M), float(mu), trh)))
    ms = np.array([t for t, _ in times]) * 1e3
    worst = times[int(np.argmax(ms))][1]
    print(
        f"ndpcosmo with N over {len(ms)} grid points: median {np.median(ms):.1f} ms, worst {ms.max():.1f} ms at {worst}"
    )

    try:
        import primat
        from primat import config, plasma
    except ImportError:
        print("PRIMAT not installed (pip install primat): no side-by-side timing")
        return
    cfg = config.PRIMATConfig()
    pl = plasma.Plasma(cfg)
    primat.StandardBackground(cfg, pl)  # warm-up
    t_primat, _ = _timed(lambda: primat.StandardBackground(cfg, pl))
    print(f"PRIMAT StandardBackground (SM, its NEVO neutrino tables): {t_primat * 1e3:.1f} ms")
    print(f"ratio PRIMAT / ndpcosmo (SM history): {t_primat / t_sm:.0f}x")


if __name__ == "__main__":
    main()
