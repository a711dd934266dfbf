"""Side-by-side timing of the BBN network: ndpcosmo vs PRIMAT's C backend (key/"small" network).

Times (1) ``ndpcosmo.bbn.solve`` on the Standard Model history (warm; the history is computed once and
not timed, as PRIMAT's C backend reuses its tabulated background), with and without the rate-error
propagation, and (2) ``primat.backend.run_bbn(..., force_backend="c")`` for the same omega_b and tau_n
in the same run, then prints the ratio and both sets of abundances. PRIMAT is GPL: used here only.
"""

from __future__ import annotations

import warnings

from bench_background import _timed as _best  # the same best-of-n timer (run from benchmarks/)

from ndpcosmo.background import solve as solve_history
from ndpcosmo.bbn import solve
from ndpcosmo.model import Cosmology


def main() -> None:
    warnings.simplefilter("ignore")
    cosmology = Cosmology(omega_b=0.02242, tau_n_s=879.4)
    history = solve_history(None, None, cosmology)
    solve(history, cosmology, errors="none")  # warm-up: JIT caches, weak-rate table
    t_key, ours = _best(lambda: solve(history, cosmology, errors="none"))
    t_err, _ = _best(lambda: solve(history, cosmology), repeat=3)
    t_ext, ext = _best(lambda: solve(history, cosmology, network="extended", errors="none"))
    t_hist, _ = _best(lambda: solve_history(None, None, cosmology))
    print(
        f"ndpcosmo key network: {t_key * 1e3:.1f} ms  (with rate errors {t_err * 1e3:.0f} ms; extended "
        f"{t_ext * 1e3:.1f} ms; the SM history itself {t_hist * 1e3:.1f} ms)"
    )
    print("  " + "  ".join(f"{k} {v:.5g}" for k, v in ours.summary().items() if k != "errors"))
    try:
        from primat.backend import HAS_C_BACKEND, run_bbn
    except ImportError:
        print("PRIMAT not installed (pip install primat): no side-by-side timing")
        return
    if not HAS_C_BACKEND:
        print("PRIMAT's C backend is not built: no side-by-side timing")
        return
    params = {"Omegabh2": 0.02242, "tau_n": 879.4, "network": "small"}
    run_bbn(params, force_backend="c")
    t_primat, ref = _best(lambda: run_bbn(params, force_backend="c"))
    print(f"PRIMAT C backend, small network: {t_primat * 1e3:.1f} ms")
    print(
        f"  Yp_bbn {ref['YPBBN']:.5g}  Yp {ref['YPCMB']:.5g}  D_H {ref['DoH']:.5g}  He3_H {ref['He3oH']:.5g}  "
        f"Li7_H {ref['Li7oH']:.5g}"
    )
    print(f"ratio PRIMAT / ndpcosmo (key network, no errors): {t_primat / t_key:.1f}x")


if __name__ == "__main__":
    main()
