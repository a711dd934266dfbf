"""Benchmark: one abundance solve, side by side with scipy's Radau on the same equation and rates.

    python benchmarks/bench_abundance.py

Prints (1) the first-call time in a fresh process with warm caches (numba cache + rate table on
disk), (2) the median and worst time of ``production.solve`` over the grid M_N in [0.01, 1000] MeV x
mu in [1e-14, 1e-6] mu_B x T_RH in {5 MeV, 1 GeV, none} after warm-up, and (3) the same equation
integrated by scipy.integrate.solve_ivp(method="Radau", rtol=1e-6) with the rates evaluated on
demand, on a subset of the grid, with the ratio of median times.
"""

from __future__ import annotations

import math
import subprocess
import sys
import time
import warnings

import numpy as np
from scipy.integrate import solve_ivp

from ndpcosmo import DipolePortal, Precision, plasma
from ndpcosmo.production import boltzmann, rate_table, solve

GRID = [
    (float(M), float(mu), trh)
    for M in np.geomspace(0.01, 1000, 7)
    for mu in np.geomspace(1e-14, 1e-6, 9)
    for trh in (5.0, 1e3, None)
]

STARTUP = """
import time, warnings
t = time.perf_counter()
from ndpcosmo import DipolePortal
from ndpcosmo.production import solve
solve(DipolePortal(1.0, 1e-11))
print(time.perf_counter() - t)
"""


def radau_solve(model: DipolePortal) -> float:
    """The same equation with scipy's Radau, the rates evaluated wherever Radau asks."""
    sm = plasma.default_plasma()
    rate = boltzmann.production_rate(model, rate_table())
    T_start = min(model.T_RH_mev or math.inf, 1e7)
    T_h = boltzmann.handoff_temperature(T_start, Precision())

    def rhs(lnT, y):
        T = np.exp(lnT)
        k, _, ln_y_eq = boltzmann.relaxation_terms(T, model, rate, sm)
        return -(1 + sm.dln_gs_dlnT(T) / 3) * k * (np.exp(ln_y_eq) - y)

    _, _, ln_y_eq0 = boltzmann.relaxation_terms(np.array([T_start]), model, rate, sm)
    y0 = 0.0 if model.T_RH_mev else float(np.exp(ln_y_eq0[0]))
    sol = solve_ivp(rhs, (math.log(T_start), math.log(T_h)), [y0], method="Radau", rtol=1e-6, atol=1e-30)
    return float(sol.y[0, -1])


def main() -> None:
    warnings.simplefilter("ignore")
    solve(DipolePortal(1.0, 1e-11))  # builds or loads the caches
    startup = float(subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True, check=True).stdout)
    print(f"first call in a fresh process (warm caches): {startup:.2f} s")

    times = []
    for M, mu, trh in GRID:
        model = DipolePortal(M, mu, T_RH_mev=trh)
        t = time.perf_counter()
        solve(model)
        times.append(time.perf_counter() - t)
    times_ms = np.array(times) * 1e3
    worst = GRID[int(np.argmax(times_ms))]
    print(
        f"ndpcosmo solve over {len(GRID)} grid points: median {np.median(times_ms):.2f} ms, "
        f"worst {times_ms.max():.2f} ms at (M, mu, T_RH) = {worst}"
    )

    subset = GRID[::9]
    ours, theirs, diff = [], [], []
    for M, mu, trh in subset:
        model = DipolePortal(M, mu, T_RH_mev=trh)
        t = time.perf_counter()
        y_ours = solve(model).Y_N_relic
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        y_ref = radau_solve(model)
        theirs.append(time.perf_counter() - t)
        if y_ref > 1e-30:
            diff.append(abs(y_ours / y_ref - 1))
    print(
        f"side by side on {len(subset)} points: ndpcosmo median {np.median(ours) * 1e3:.2f} ms, "
        f"scipy Radau median {np.median(theirs) * 1e3:.1f} ms, ratio {np.median(theirs) / np.median(ours):.0f}x; "
        f"largest relative difference in Y_N {max(diff):.1e}"
    )


if __name__ == "__main__":
    main()
