"""The verdict at N random points of the whole declared domain: errors by type, NaN count, cost.

    python benchmarks/domain_sweep.py N SEED [--processes P] [--planck-dir DIR] [--output CSV]

Points (``sweep_points``): M_N log-uniform over MASS_RANGE_MEV (1 keV - 10 GeV), mu log-uniform over
MU_RANGE_MUB (1e-18 - 1e-4 mu_B), T_RH none (half of the points) or log-uniform over T_RH_RANGE_MEV
(3 MeV - 1e7 MeV), nature and flavour uniform. Each point is judged by ``ndpcosmo.assess`` with the CLI's
settings (Planck data: --planck-dir, else $NDPCOSMO_PLANCK_DIR, else ../shared/data), timed from the
model to the verdict (the Standard Model's profiles built once per worker, outside the timing).
Prints the errors by type (with the points), the NaN count (any number in the verdict that is NaN or a
Delta chi^2 that is null), the verdicts' counts and the cost distribution (median, 90th percentile,
max, the worst points); ``--output`` writes a row per point.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ndpcosmo.model import FLAVOURS, MASS_RANGE_MEV, MU_RANGE_MUB, NATURES, T_RH_RANGE_MEV


def sweep_points(n: int, seed: int) -> list[dict[str, object]]:
    """N random points of the declared domain (module docstring), reproducible from the seed."""
    rng = np.random.default_rng(seed)

    def log_uniform(lo: float, hi: float) -> float:
        return float(10 ** rng.uniform(math.log10(lo), math.log10(hi)))

    points = []
    for _ in range(n):
        mass, mu = log_uniform(*MASS_RANGE_MEV), log_uniform(*MU_RANGE_MUB)
        trh = log_uniform(*T_RH_RANGE_MEV) if rng.random() < 0.5 else None
        nature = NATURES[int(rng.integers(len(NATURES)))]
        flavour = FLAVOURS[int(rng.integers(len(FLAVOURS)))]
        points.append({"mass_mev": mass, "mu_muB": mu, "T_RH_mev": trh, "nature": nature, "flavour": flavour})
    return points


def has_nan(verdict: dict[str, object]) -> bool:
    """A NaN anywhere in the verdict, or a Delta chi^2 or chi^2 that is not a finite number."""

    def walk(value: object) -> bool:
        if isinstance(value, float):
            return math.isnan(value)
        if isinstance(value, dict):
            return any(walk(v) for v in value.values())
        if isinstance(value, list):
            return any(walk(v) for v in value)
        return False

    chi2 = [*verdict["delta_chi2"].values(), *verdict["chi2"].values()]
    return walk(verdict) or any(v is None for v in chi2)


def judge(points: list[dict[str, object]], planck_dir: str | None) -> list[dict[str, object]]:
    """Assess each point (in a worker); a row per point: the point, status, verdict summary, cost."""
    from ndpcosmo import assess
    from ndpcosmo.verdict import DEFAULT_DATA

    warnings.simplefilter("ignore")
    data = DEFAULT_DATA
    assess({"mass_mev": 1.0, "mu_muB": 1e-8}, data=data, planck_dir=planck_dir)  # SM profiles, JIT, caches
    rows = []
    for point in points:
        row = dict(point)
        start = time.perf_counter()
        try:
            verdict = assess(point, data=data, planck_dir=planck_dir)
            row["cost_s"] = time.perf_counter() - start
            row["status"] = "nan" if has_nan(verdict) else "ok"
            row["excluded"] = verdict["excluded"]
            row["excluded_bbn"] = verdict["excluded_bbn"]
            row["excluded_cmb"] = verdict["excluded_cmb"]
            row["delta_chi2_total"] = verdict["delta_chi2"]["total"]
            row["at_bound"] = ";".join(k for k, v in verdict["profile_at_bound"].items() if v)
        except Exception as err:  # noqa: BLE001 - the sweep counts failures by type
            row["cost_s"] = time.perf_counter() - start
            row["status"] = f"error: {type(err).__name__}: {err}".replace("\n", " ")
        rows.append(row)
    return rows


def sweep(n: int, seed: int, processes: int = 1, planck_dir: str | None = None) -> list[dict[str, object]]:
    """Rows in the seeded points' order (the points dealt round-robin to the workers)."""
    points = sweep_points(n, seed)
    if processes <= 1:
        return judge(points, planck_dir)
    with ProcessPoolExecutor(processes) as pool:
        parts = list(pool.map(judge, [points[i::processes] for i in range(processes)], [planck_dir] * processes))
    rows: list[dict[str, object]] = [{} for _ in points]
    for i, part in enumerate(parts):
        rows[i::processes] = part
    return rows


def report(rows: list[dict[str, object]]) -> str:
    errors: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        if str(row["status"]).startswith("error"):
            kind = str(row["status"]).split(":")[1].strip()
            errors.setdefault(kind, []).append(row)
    nan = sum(row["status"] == "nan" for row in rows)
    ok = [row for row in rows if row["status"] == "ok"]
    cost = np.array([row["cost_s"] for row in rows])
    lines = [f"{len(rows)} points: {len(ok)} verdicts, {sum(len(v) for v in errors.values())} errors, {nan} NaN"]
    for kind, bad in sorted(errors.items()):
        lines.append(f"  {kind}: {len(bad)}")
        for row in bad[:5]:
            lines.append(f"    {_point(row)}: {row['status']}")
    if ok:
        for key in ("excluded", "excluded_bbn", "excluded_cmb"):
            lines.append(f"{key}: {sum(bool(row[key]) for row in ok)} of {len(ok)}")
        bound = [row for row in ok if row["at_bound"]]
        lines.append(
            f"a profile on an end of its range: {len(bound)} (of which allowed: "
            f"{sum(not row['excluded'] for row in bound)})"
        )
    lines.append(
        f"cost per verdict: median {np.median(cost):.3f} s, p90 {np.percentile(cost, 90):.3f} s, "
        f"max {cost.max():.2f} s, mean {cost.mean():.3f} s"
    )
    lines.append("worst points:")
    for row in sorted(rows, key=lambda r: -r["cost_s"])[:5]:
        lines.append(f"  {row['cost_s']:.2f} s  {_point(row)}")
    return "\n".join(lines)


def _point(row: dict[str, object]) -> str:
    trh = "none" if row["T_RH_mev"] is None else f"{row['T_RH_mev']:.3g}"
    return f"M {row['mass_mev']:.4g} MeV, mu {row['mu_muB']:.3g}, T_RH {trh}, {row['nature']}, {row['flavour']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("seed", type=int)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--planck-dir", default=None)
    parser.add_argument("--output", default=None, help="CSV with a row per point")
    args = parser.parse_args()
    planck = args.planck_dir or os.environ.get("NDPCOSMO_PLANCK_DIR") or "../shared/data"
    start = time.perf_counter()
    rows = sweep(args.n, args.seed, args.processes, planck)
    print(report(rows))
    print(f"wall {time.perf_counter() - start:.0f} s on {args.processes} processes")
    if args.output:
        with open(args.output, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
