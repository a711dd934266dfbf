"""Where the production rate of issue 19 moves the verdict on the default plane, and across its band.

    ndpcosmo scan docs/data/production/mu_{lo,mb,xi05,xi2,flip}.toml   (five 60 x 60 x 2 tables, nu_mu)
    ndpcosmo scan docs/data/production/mu_ew.toml   (mu <= 5.6e-12, no T_RH, with the electroweak crossover)
    python docs/figures/production_map.py                           (this figure and its counts)

The plane M_N x mu (Dirac, nu_mu, BBN + compressed Planck 2018 + FIRAS, history_rtol 1e-5 as the default
tables) with no reheating limit and with T_RH = 100 MeV. Shading: the combined verdict with the
leading-order rate (quantum statistics, HTL screening); lines: the combined 95 % boundary with it
(black), with the Maxwell-Boltzmann t-channel used before (dashed) and at the edges of the T_dec band
(screening scale 1/2 blue, 2 red), and with the flipped helicity pair of the Dirac N followed (purple;
the four others follow one pair). Printed: how many of the 3600 points change verdict, and how many of
the 1680 points with mu <= 5.6e-12 and no T_RH change when the electroweak crossover is computed
(mu_ew; the five others continue the broken-phase rate above it).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ndpcosmo.scan import read_table  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "production"
VARIANTS = {
    "lo": ("LO HTL, quantum statistics", "k", "-"),
    "mb": ("MB t-channel (before)", "k", "--"),
    "xi05": ("screening scale 1/2", "tab:blue", "-"),
    "xi2": ("screening scale 2", "tab:red", "-"),
    "flip": ("+ flipped helicity pair (default)", "tab:purple", "-"),
}


def excluded_grid(table: dict[str, np.ndarray], trh: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(masses, mus, excluded[mu, mass]) of the rows with this T_RH (None: no reheating limit)."""
    rows = np.isnan(table["T_RH_mev"]) if trh is None else np.isclose(table["T_RH_mev"], trh)
    masses, mus = np.unique(table["mass_mev"][rows]), np.unique(table["mu_muB"][rows])
    values = np.full((mus.size, masses.size), np.nan)
    i = np.searchsorted(mus, table["mu_muB"][rows])
    j = np.searchsorted(masses, table["mass_mev"][rows])
    values[i, j] = table["excluded"][rows]
    return masses, mus, values


def main() -> None:
    tables = {name: read_table(DATA / f"mu_{name}.csv") for name in VARIANTS}
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2), sharey=True)
    for ax, trh in zip(axes, (None, 100.0), strict=True):
        masses, mus, lo = excluded_grid(tables["lo"], trh)
        ax.pcolormesh(masses, mus, lo, cmap="Greys", vmin=0, vmax=3, shading="nearest")
        label = "no T_RH" if trh is None else f"T_RH = {trh:g} MeV"
        for name, (text, colour, style) in VARIANTS.items():
            _, _, ex = excluded_grid(tables[name], trh)
            ax.contour(masses, mus, ex, levels=[0.5], colors=colour, linestyles=style)
            ax.plot([], [], color=colour, linestyle=style, label=text)
            if name != "lo":
                changed = np.nansum(ex != lo)
                newly = int(np.nansum((ex > 0.5) & (lo < 0.5)))
                print(
                    f"{label}: {text}: {int(changed)} of {lo.size} verdicts differ from LO "
                    f"({newly} excluded only there, {int(changed) - newly} only with LO)"
                )
        ax.set(xscale="log", yscale="log", xlabel="M_N [MeV]", title=f"nu_mu, Dirac, {label}")
    axes[0].set_ylabel("mu_nu [mu_B]")
    axes[1].legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "production_map.png", dpi=130)
    compare_electroweak(tables["flip"])


def compare_electroweak(before: dict[str, np.ndarray]) -> None:
    """mu_ew.csv (electroweak crossover computed) against mu_flip.csv (broken phase continued), no T_RH."""
    after = read_table(DATA / "mu_ew.csv")
    rows = np.nonzero(np.isnan(before["T_RH_mev"]))[0]
    index = {(round(math.log10(before["mass_mev"][i]), 6), round(math.log10(before["mu_muB"][i]), 6)): i for i in rows}
    pairs = [
        (i, index[(round(math.log10(m), 6), round(math.log10(u), 6))])
        for i, (m, u) in enumerate(zip(after["mass_mev"], after["mu_muB"], strict=True))
    ]
    a, b = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    counts = {col: int(np.sum(after[col][a] != before[col][b])) for col in ("excluded", "excluded_bbn", "excluded_cmb")}
    rel = np.abs(after["delta_chi2_total"][a] / before["delta_chi2_total"][b] - 1.0)
    print(
        f"no T_RH, mu <= 5.6e-12 ({a.size} points): electroweak crossover against the broken phase continued: "
        f"{counts['excluded']} combined, {counts['excluded_bbn']} BBN-only, {counts['excluded_cmb']} CMB-only "
        f"verdicts differ; Delta chi^2 moves by {np.nanmedian(rel):.2g} (median), {np.nanmax(rel):.2g} (max)"
    )


if __name__ == "__main__":
    main()
