"""The default plane's 95 % CL exclusion contours in publication style (issue 20; docs/scans.md).

    ndpcosmo contours tables/contours/default_mu.toml      (and default_e.toml, band_xi05_mu.toml, band_xi2_mu.toml)
    python docs/figures/exclusion_contours.py

One row per flavour (nu_mu, nu_e; Dirac N), one panel per reheating temperature: the excluded region of the
combination shaded (from the points the refinement computed), the BBN, CMB and combined contours as
lines, and on the nu_mu panels with a reheating temperature the combined contour at the two edges of the
T_dec theory band (the t-channel cut and the Higgs-doublet thermal masses scaled by xi = 1/2 and 2,
docs/physics.md), dashed. Prints each run's point count against the 100 x 100 grid's 10 000 per T_RH.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.tri import Triangulation  # noqa: E402

from ndpcosmo.refine import read_contours  # noqa: E402
from ndpcosmo.scan import read_table  # noqa: E402

HERE = Path(__file__).resolve().parent
TABLES = HERE.parents[1] / "tables" / "contours"
PANELS = (None, 1000.0, 100.0, 10.0, 5.0)
STYLE = {"bbn": ("C1", 1.2, "BBN"), "cmb": ("C0", 1.2, "CMB"), "combined": ("k", 1.7, "BBN + CMB + FIRAS")}


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b))


def _shade(ax, points: dict[str, np.ndarray], trh: float | None) -> None:
    rows = np.isnan(points["T_RH_mev"]) if trh is None else np.isclose(points["T_RH_mev"], trh)
    rows &= np.isfinite(points["excluded"])
    x, y = np.log10(points["mass_mev"][rows]), np.log10(points["mu_muB"][rows])
    tri = Triangulation(x, y)
    ax.tricontourf(
        10.0**tri.x, 10.0**tri.y, tri.triangles, points["excluded"][rows], levels=[0.5, 1.5], colors=["0.85"]
    )


def main() -> None:
    rows = [("mu", r"$\nu_\mu$"), ("e", r"$\nu_e$")]
    bands = {
        r"band edge $\xi = 1/2$": TABLES / "band_xi05_mu.csv",
        r"band edge $\xi = 2$": TABLES / "band_xi2_mu.csv",
    }
    band_segments = {name: read_contours(path) for name, path in bands.items() if path.exists()}
    fig, axes = plt.subplots(
        len(rows), len(PANELS), figsize=(3.1 * len(PANELS), 3.0 * len(rows)), sharex=True, sharey=True
    )
    for r, (flavour, label) in enumerate(rows):
        table = TABLES / f"default_{flavour}.csv"
        segments = read_contours(table)
        points = read_table(TABLES / f"default_{flavour}.points.csv")
        per_trh = {
            t: int(np.sum(np.isnan(points["T_RH_mev"]) if t is None else np.isclose(points["T_RH_mev"], t)))
            for t in PANELS
        }
        print(
            f"{table.name}: {points['mass_mev'].size} points for {len(PANELS)} T_RH "
            + str(per_trh)
            + " (grid: 10 000 each)"
        )
        for c, trh in enumerate(PANELS):
            ax = axes[r][c]
            _shade(ax, points, trh)
            for probe, (color, lw, text) in STYLE.items():
                lines = [s["line"] for s in segments if s["probe"] == probe and _same(s["T_RH_mev"], trh)]
                for line in lines:
                    ax.plot(line[:, 0], line[:, 1], color=color, lw=lw)
                ax.plot([], [], color=color, lw=lw, label=text)
            if flavour == "mu" and trh is not None:
                for n, (name, band) in enumerate(band_segments.items()):
                    for s in band:
                        if s["probe"] == "combined" and _same(s["T_RH_mev"], trh):
                            ax.plot(s["line"][:, 0], s["line"][:, 1], color="0.3", lw=0.8, ls=("--", ":")[n])
                    ax.plot([], [], color="0.3", lw=0.8, ls=("--", ":")[n], label=name)
            ax.set(xscale="log", yscale="log", xlim=(0.01, 300.0), ylim=(1e-14, 1e-8))
            ax.tick_params(direction="in", which="both", top=True, right=True, labelsize=8)
            title = "no reheating limit" if trh is None else rf"$T_\mathrm{{RH}}$ = {trh:g} MeV"
            ax.set_title(f"{label}, {title}", fontsize=9)
            if r == len(rows) - 1:
                ax.set_xlabel(r"$M_N$ [MeV]")
        axes[r][0].set_ylabel(r"$\mu_\nu$ [$\mu_B$]")
    axes[0][1].legend(loc="lower left", fontsize=6.5, frameon=False)
    fig.suptitle("Dirac N, 95 % CL (shaded: excluded by the combination)", fontsize=10)
    fig.tight_layout()
    fig.savefig(HERE / "exclusion_contours.png", dpi=150)


if __name__ == "__main__":
    main()
