"""Run ACROPOLIS (GPL; called here, never imported by the package) on the comparison points of
docs/photodisintegration.md and store its final abundances in a JSON file, at its default temperature
grid (NT_pd = 20 per decade) and at a finer one: ACROPOLIS integrates its rates in T from a log-log
interpolation of that grid, which misses the steep rise of the rates where E_C(T) crosses the
injection energy by several per cent at the default.

    python benchmarks/acropolis_reference.py OUT.json [NT_pd ...] [--points I,J,...]

With ``--points`` only those (0-based) entries of ``POINTS`` are run and added to OUT.json if it exists.
"""

from __future__ import annotations

import json
import sys
import time

POINTS: tuple[tuple[float, float, float], ...] = (
    # REFERENCE.md sec. 5
    (10.0, 1e5, 1e-10),
    (10.0, 1e5, 1e-8),
    (10.0, 1e5, 1e-6),
    (60.0, 1e6, 1e-10),
    (60.0, 1e6, 1e-9),
    (60.0, 1e6, 1e-8),
    # six more across M in [5, 300] MeV, tau in [1e4, 1e10] s
    (5.0, 1e7, 1e-6),
    (20.0, 1e4, 1e-6),
    (30.0, 1e8, 1e-9),
    (100.0, 1e7, 1e-10),
    (300.0, 1e9, 1e-11),
    (200.0, 1e10, 1e-11),
    # stronger injection at the heavy end (4He breakup matters)
    (100.0, 1e7, 1e-9),
    (300.0, 1e9, 1e-10),
)
"""(M [MeV], tau [s], n_N/n_gamma at T0 = 10 MeV)."""

KEYS = ("n", "p", "D", "T", "He3", "He4", "Li6", "Li7", "Be7")


def run(mass: float, tau: float, n0a: float, nt_pd: int) -> dict[str, object]:
    import acropolis.nucl
    from acropolis.models import DecayModel

    acropolis.nucl.NT_pd = nt_pd
    start = time.perf_counter()
    Yf = DecayModel(mass, tau, 10.0, n0a, 0.0, 0.5).run_disintegration()
    elapsed = time.perf_counter() - start
    return {"final": dict(zip(KEYS, (float(v) for v in Yf[:, 0]), strict=True)), "seconds": elapsed}


def input_abundances() -> dict[str, float]:
    from acropolis.input import InputInterface, locate_sm_file

    Y0 = InputInterface(locate_sm_file()).bbn_abundances()[:, 0]
    return dict(zip(KEYS, (float(v) for v in Y0), strict=True))


def main() -> None:
    args = sys.argv[1:]
    chosen = list(range(len(POINTS)))
    if "--points" in args:
        at = args.index("--points")
        chosen = [int(v) for v in args[at + 1].split(",")]
        del args[at : at + 2]
    out_path = args[0]
    grids = [int(v) for v in args[1:]] or [20]
    import os

    import acropolis

    data: dict[str, object] = {"acropolis": getattr(acropolis, "__version__", "?"), "input": input_abundances()}
    points = []
    if os.path.exists(out_path):
        with open(out_path) as f:
            data = json.load(f)
        points = data["points"]
    for mass, tau, n0a in (POINTS[i] for i in chosen):
        entry: dict[str, object] = {"mass_mev": mass, "tau_s": tau, "n_over_n_gamma": n0a}
        for nt in grids:
            entry[f"NT_pd={nt}"] = run(mass, tau, n0a, nt)
            print(mass, tau, n0a, nt, entry[f"NT_pd={nt}"], flush=True)
        points.append(entry)
        data["points"] = points
        with open(out_path, "w") as f:
            json.dump(data, f, indent=1)


if __name__ == "__main__":
    main()
