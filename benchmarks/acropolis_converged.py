"""ACROPOLIS (GPL; called here only) extrapolated to a fine energy grid: its cascade solver converges at
first order in the energy spacing (benchmarks/acropolis_energy_resolution.py), so its transfer matrix
is computed at NE_pd = N and 2N (with NT_pd temperatures per decade) and Richardson-extrapolated,
M = 2 M(2N) - M(N); the final abundances follow as in ACROPOLIS (pre-decays, exp(M), post-decays).
The integrated photodisintegration matrix is linear in n_N/n_gamma, so one run serves every n.

    python benchmarks/acropolis_converged.py OUT.json M_MEV TAU_S N0A [N0A ...] [--ne N] [--nt NT]
    python benchmarks/acropolis_converged.py --merge OUT.json REFERENCE.json

``--merge`` copies the extrapolated finals of OUT.json into the matching points of REFERENCE.json
(``benchmarks/acropolis_reference.py``'s output; tests/data/acropolis_pdi_reference.json) as
"converged", with the grids used.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

KEYS = ("n", "p", "D", "T", "He3", "He4", "Li6", "Li7", "Be7")


def matrices(mass: float, tau: float, n0a: float, ne: int, nt: int) -> tuple[np.ndarray, np.ndarray, float]:
    import acropolis.cascade
    import acropolis.nucl
    from acropolis.models import DecayModel
    from acropolis.nucl import MatrixGenerator, NuclearReactor

    acropolis.cascade.NE_pd = ne
    acropolis.nucl.NT_pd = nt
    model = DecayModel(mass, tau, 10.0, n0a, 0.0, 0.5)
    start = time.perf_counter()
    reactor = NuclearReactor(model._sS0, model._sSc, model._sTrg, model._sE0, model._sII)
    temperatures, grids = reactor.get_pdi_grids()
    generator = MatrixGenerator(temperatures, grids, model._sII)
    mpdi, mdcy = generator.get_final_matp()
    return mpdi, mdcy, time.perf_counter() - start


def final(mass: float, tau: float, n0a: float, mpdi: np.ndarray, mdcy: np.ndarray) -> dict[str, float]:
    from acropolis.models import DecayModel
    from scipy.linalg import expm

    model = DecayModel(mass, tau, 10.0, n0a, 0.0, 0.5)
    transfer = model._postd_matrix() @ expm(mpdi + mdcy) @ model._pred_matrix()
    Y0 = model._sII.bbn_abundances()[:, 0]
    return dict(zip(KEYS, (float(v) for v in transfer @ Y0), strict=True))


def merge(out_path: str, reference_path: str) -> None:
    with open(out_path) as f:
        run = json.load(f)
    with open(reference_path) as f:
        reference = json.load(f)
    for entry in run["points"]:
        for point in reference["points"]:
            same = (point["mass_mev"], point["tau_s"], point["n_over_n_gamma"]) == (
                run["mass_mev"],
                run["tau_s"],
                entry["n_over_n_gamma"],
            )
            if same:
                point["converged"] = entry["richardson"]
                point["converged_grids"] = {"NE_pd": run["NE_pd"], "NT_pd": run["NT_pd"], "seconds": run["seconds"]}
                point["converged_steps"] = {"coarse": entry["coarse"], "fine": entry["fine"]}
    with open(reference_path, "w") as f:
        json.dump(reference, f, indent=1)


def main() -> None:
    if sys.argv[1] == "--merge":
        merge(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("mass", type=float)
    parser.add_argument("tau", type=float)
    parser.add_argument("n0a", type=float, nargs="+")
    parser.add_argument("--ne", type=int, default=240)
    parser.add_argument("--nt", type=int, default=40)
    args = parser.parse_args()
    reference = args.n0a[0]
    coarse = matrices(args.mass, args.tau, reference, args.ne, args.nt)
    fine = matrices(args.mass, args.tau, reference, 2 * args.ne, args.nt)
    entry = {
        "mass_mev": args.mass,
        "tau_s": args.tau,
        "NE_pd": [args.ne, 2 * args.ne],
        "NT_pd": args.nt,
        "seconds": [coarse[2], fine[2]],
        "points": [],
    }
    for n0a in args.n0a:
        scale = n0a / reference
        results = {}
        for label, (mpdi, mdcy, _) in (("coarse", coarse), ("fine", fine)):
            results[label] = final(args.mass, args.tau, n0a, mpdi * scale, mdcy)
        extrapolated = 2.0 * fine[0] - coarse[0]
        results["richardson"] = final(args.mass, args.tau, n0a, extrapolated * scale, fine[1])
        entry["points"].append({"n_over_n_gamma": n0a, **results})
        print(n0a, results, flush=True)
    with open(args.out, "w") as f:
        json.dump(entry, f, indent=1)


if __name__ == "__main__":
    main()
