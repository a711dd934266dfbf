"""The default bound table (no reheating limit) against BGKO's BBN and Delta N_eff curves (docs/validation.md).

    python docs/figures/bgko_overlay.py [tables/default.csv]

writes docs/figures/bgko_overlay.png and prints, for each of BGKO's curves, how far (in decades of the
(M_N, mu_nu) plane) its points lie from our corresponding line: the grid table's contours and the refined
lines of tables/contours/bgko_lines_mu.csv (``ndpcosmo contours``; drawn in the figure when present).
BGKO: Brdar, Greljo, Kopp, Opferkuch, arXiv:2007.15563, Fig. 2 (nu_mu only, 90 % CL); the curves are in
docs/data/bgko2020/ with their provenance. Ours: the table's N_eff at recombination (neff_cmb - 3.044 =
0.3, 0.05) and its BBN Delta chi^2 (Y_P, D/H, 3He/D, omega_b profiled) at 2.71 (90 % CL, 1 dof, as BGKO)
and 3.84 (95 %).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ndpcosmo.scan import contours, read_table

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "bgko2020"
DEFAULT_TABLE = HERE.parents[1] / "tables" / "default.csv"
NEFF_SM = 3.044
"""The Standard Model's N_eff (REFERENCE sec. 3), the zero of Delta N_eff."""

# BGKO's curve (file in DATA) -> our line: (column, level)
PAIRS: dict[str, tuple[str, float]] = {
    "neff_0.3_lower": ("neff_cmb", NEFF_SM + 0.3),
    "neff_0.3_upper": ("neff_cmb", NEFF_SM + 0.3),
    "neff_0.05": ("neff_cmb", NEFF_SM + 0.05),
    "bbn_he4": ("delta_chi2_bbn", 2.71),
}


def bgko_curve(name: str) -> np.ndarray:
    """One of BGKO's curves: (n, 2) of (M_N [MeV], mu [mu_B])."""
    lines = [line for line in (DATA / f"{name}.csv").read_text().splitlines() if not line.startswith("#")]
    return np.loadtxt(lines[1:], delimiter=",", ndmin=2)  # after the column names


def _inside(points: np.ndarray, masses: tuple[float, float], mus: tuple[float, float]) -> np.ndarray:
    m, u = points[:, 0], points[:, 1]
    return points[(m >= masses[0]) & (m <= masses[1]) & (u >= mus[0]) & (u <= mus[1])]


def distances(points: np.ndarray, lines: list[np.ndarray]) -> np.ndarray:
    """For each point, the distance [decades] in (log10 M, log10 mu) to the nearest segment of ``lines``."""
    p = np.log10(points)
    best = np.full(len(p), np.inf)
    for line in lines:
        q = np.log10(line)
        a, b = q[:-1], q[1:]
        ab = b - a
        length2 = np.maximum(np.sum(ab * ab, axis=1), 1e-300)
        t = np.clip(np.einsum("pk,sk->ps", p, ab) - np.sum(a * ab, axis=1)[None, :], 0.0, None) / length2
        t = np.minimum(t, 1.0)
        nearest = a[None, :, :] + t[:, :, None] * ab[None, :, :]
        best = np.minimum(best, np.sqrt(np.sum((p[:, None, :] - nearest) ** 2, axis=2)).min(axis=1))
    return best


def compare(table_path: str | Path = DEFAULT_TABLE) -> dict[str, dict[str, float]]:
    """Per BGKO curve: its points inside our grid, and their median, 90th-percentile and largest
    distance [decades] from our line."""
    table = read_table(table_path)
    grid_m = (float(table["mass_mev"].min()), float(table["mass_mev"].max()))
    grid_u = (float(table["mu_muB"].min()), float(table["mu_muB"].max()))
    out = {}
    for name, (column, level) in PAIRS.items():
        points = _inside(bgko_curve(name), grid_m, grid_u)
        out[name] = _summary(points, contours(table, column, level))
    return out


def _summary(points: np.ndarray, lines: list[np.ndarray]) -> dict[str, float]:
    """The points' count and their median, 90th-percentile and largest distance [decades] from the lines."""
    d = distances(points, lines)
    return {
        "points": len(points),
        "median": float(np.median(d)),
        "p90": float(np.percentile(d, 90)),
        "max": float(d.max()),
    }


CONTOUR_TABLE = HERE.parents[1] / "tables" / "contours" / "bgko_lines_mu.csv"
CONTOUR_PAIRS = {
    "neff_0.3_lower": "neff_cmb=3.344",
    "neff_0.3_upper": "neff_cmb=3.344",
    "neff_0.05": "neff_cmb=3.094",
    "bbn_he4": "delta_chi2_bbn=2.71",
}
"""BGKO's curve -> our refined line (``ndpcosmo contours tables/contours/bgko_lines_mu.toml``; no T_RH)."""


def compare_contours(path: str | Path = CONTOUR_TABLE) -> dict[str, dict[str, float]]:
    """As ``compare`` against the refined lines (0.01 decade) instead of the grid's contours."""
    from ndpcosmo.refine import read_contours

    segments = [s for s in read_contours(path) if s["T_RH_mev"] is None]
    out = {}
    for name, probe in CONTOUR_PAIRS.items():
        points = _inside(bgko_curve(name), (0.01, 300.0), (1e-14, 1e-8))
        out[name] = _summary(points, [s["line"] for s in segments if s["probe"] == probe])
    return out


def _refined_lines() -> dict[str, list[np.ndarray]]:
    """The refined lines by probe (no T_RH) if tables/contours/bgko_lines_mu.csv exists, else {}."""
    if not CONTOUR_TABLE.exists():
        return {}
    from ndpcosmo.refine import read_contours

    out: dict[str, list[np.ndarray]] = {}
    for seg in read_contours(CONTOUR_TABLE):
        if seg["T_RH_mev"] is None:
            out.setdefault(str(seg["probe"]), []).append(seg["line"])  # type: ignore[arg-type]
    return out


def plot(table_path: str | Path = DEFAULT_TABLE, png: str | Path = HERE / "bgko_overlay.png") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ndpcosmo.scan import grid_of

    table = read_table(table_path)
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.4), sharey=True)
    masses, mus, excluded = grid_of(table, "excluded_bbn")
    ax = axes[0]
    ax.contourf(masses, mus, np.nan_to_num(excluded), levels=[0.5, 1.5], colors=["C3"], alpha=0.25)
    ax.plot([], [], color="C3", lw=6, alpha=0.25, label=r"ndpcosmo BBN, 95 % CL ($\Delta\chi^2 > 3.84$)")
    refined = _refined_lines()
    bbn_lines = refined.get("delta_chi2_bbn=2.71") or contours(table, "delta_chi2_bbn", 2.71)
    for k, line in enumerate(bbn_lines):
        ax.plot(*line.T, color="C3", lw=1.2, label=r"ndpcosmo BBN, 90 % CL ($\Delta\chi^2 = 2.71$)" if k == 0 else None)
    ax.plot(*bgko_curve("bbn_he4").T, "k--", lw=1.3, label=r"BGKO: BBN high $^4$He (90 % CL)")
    ax.set_title(r"BBN ($Y_P$, D/H, $^3$He/D; $\omega_b$ profiled)")
    ax = axes[1]
    for level, color in ((0.3, "C0"), (0.05, "C9")):
        lines = refined.get(f"neff_cmb={NEFF_SM + level:.4g}") or contours(table, "neff_cmb", NEFF_SM + level)
        for k, line in enumerate(lines):
            label = rf"ndpcosmo $\Delta N_\mathrm{{eff}} = {level}$" if k == 0 else None
            ax.plot(*line.T, color=color, lw=1.4, label=label)
    for name, style, label in (
        ("neff_0.3_lower", "k--", r"BGKO $\Delta N_\mathrm{eff} = 0.3$"),
        ("neff_0.3_upper", "k--", None),
        ("neff_0.05", "k:", r"BGKO $\Delta N_\mathrm{eff} = 0.05$"),
    ):
        ax.plot(*bgko_curve(name).T, style, lw=1.3, label=label)
    ax.set_title(r"CMB: $N_\mathrm{eff}$ at recombination")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(masses[0], masses[-1])
        ax.set_ylim(mus[0], mus[-1])
        ax.set_xlabel(r"$M_N$ [MeV]")
        ax.legend(loc="lower left", fontsize=7.5)
    axes[0].set_ylabel(r"$\mu_\nu$ [$\mu_B$]  ($\nu_\mu$, Dirac, no $T_\mathrm{RH}$ limit)")
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return Path(png)


def main(argv: list[str]) -> None:
    table = argv[1] if len(argv) > 1 else DEFAULT_TABLE
    print(f"figure: {plot(table)}")
    print(f"{'BGKO curve':16s} {'points':>6s} {'median':>7s} {'p90':>6s} {'max':>6s}  (decades from our line)")
    for name, r in compare(table).items():
        print(f"{name:16s} {r['points']:6d} {r['median']:7.3f} {r['p90']:6.3f} {r['max']:6.3f}")
    if CONTOUR_TABLE.exists():
        print(f"against the refined lines ({CONTOUR_TABLE.name}):")
        for name, r in compare_contours().items():
            print(f"{name:16s} {r['points']:6d} {r['median']:7.3f} {r['p90']:6.3f} {r['max']:6.3f}")


if __name__ == "__main__":
    main(sys.argv)
