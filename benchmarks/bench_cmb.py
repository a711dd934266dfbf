"""Benchmark: the CMB stage's own cost against a classy run, in one run.

    python benchmarks/bench_cmb.py [PLANCK_DIR]

Times, after warm-up, on the grid M_N in [0.01, 1000] MeV x mu in [1e-14, 1e-6] mu_B x T_RH in
{5 MeV, 1 GeV, none} (the points CLASS can describe):
(1) ``cmb.class_inputs`` per point (target < 1 ms), median and worst case;
(2) the compressed Planck likelihood per call (target < 0.1 ms), and plik_lite's chi^2 on given spectra;
(3) classy (lensed TT, TE, EE to ell = 2508, CLASS's default precision) for the SM and an N model,
and prints the ratio of a classy run to our inputs. PLANCK_DIR defaults to $NDPCOSMO_PLANCK_DIR or
../shared/data.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from ndpcosmo import DipolePortal, Precision, run
from ndpcosmo.cli import PLANCK2018_LCDM as PLANCK2018
from ndpcosmo.cmb import class_inputs, run_class
from ndpcosmo.errors import SolverError
from ndpcosmo.likelihoods.cmb import CompressedPlanck, PlikLite


def _best(fn, repeat: int = 20) -> float:
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    warnings.simplefilter("ignore")
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NDPCOSMO_PLANCK_DIR", "../shared/data"))
    precision = Precision(bbn_errors="none", pdi=False)
    results = []
    for M in np.geomspace(0.01, 1000, 7):
        for mu in np.geomspace(1e-14, 1e-6, 9):
            for trh in (5.0, 1e3, None):
                results.append(run(DipolePortal(float(M), float(mu), T_RH_mev=trh), precision=precision))
    times, late, failed = [], 0, 0
    for result in results:
        try:
            inputs = class_inputs(result)
        except SolverError:
            failed += 1
            continue
        late += inputs.omega_ini_dcdm > 0.0
        times.append((_best(lambda r=result: class_inputs(r)), result.model))
    us = np.array([t for t, _ in times]) * 1e6
    worst = times[int(np.argmax(us))][1]
    print(
        f"class_inputs over {len(us)} points ({late} with a late N as dcdm; {failed} beyond CLASS's dcdm): "
        f"median {np.median(us):.1f} us, worst {us.max():.1f} us at M = {worst.mass_mev:.3g} MeV, "
        f"mu = {worst.mu_muB:.3g}, T_RH = {worst.T_RH_mev}"
    )

    sm = run(None, precision=precision)
    compressed = CompressedPlanck.from_files(directory)
    t = _best(lambda: compressed.chi2_result(sm), 200)
    print(f"compressed Planck chi^2: {t * 1e6:.1f} us per call")

    try:
        import classy  # noqa: F401
    except ImportError:
        print("classy not installed (pip install classy): no side-by-side timing")
        return
    plik = PlikLite.from_files(directory, low_ell=True)
    model = run(DipolePortal(0.1, 1e-9), precision=precision)
    for name, result in (("SM", sm), ("N (0.1 MeV, 1e-9 muB)", model)):
        walls = []
        for _ in range(3):
            start = time.perf_counter()
            out = run_class(result, PLANCK2018, l_max=2508)
            walls.append(time.perf_counter() - start)
        ours = _best(lambda r=result: class_inputs(r))
        t_plik = _best(lambda o=out: plik.chi2_class_run(o, profile_A_planck=False), 20)
        print(
            f"{name}: classy {min(walls):.2f} s (best of 3; compute {out.seconds:.2f} s), class_inputs "
            f"{ours * 1e6:.1f} us: ratio {min(walls) / ours:.2g}; plik_lite chi^2 {t_plik * 1e3:.2f} ms"
        )


if __name__ == "__main__":
    main()
