"""Where the spectral decay neutrinos (issue 18) change the verdict on the default plane, and how much
Y_P, D/H and N_eff move along the BBN boundary.

    ndpcosmo scan docs/data/nu_injection/{e,mu}_{spectral,thermal}.toml   (four 60 x 60 tables, T_RH none)
    python docs/figures/neutrino_injection_map.py                          (this figure and its numbers)

Top: the plane M_N x mu (Dirac, no reheating limit, BBN + compressed Planck 2018 + FIRAS, history_rtol
1e-5 as the default tables) for nu_e and nu_mu, each point coloured by the combined verdict under the two
treatments; the lines are the BBN-only 95 % boundaries (spectral solid, thermal dashed). Bottom: at the
points on the allowed side of the thermal treatment's BBN boundary (every change of verdict along mu),
the spectral minus thermal Y_P, relative D/H and N_eff(BBN) (symmetric-log axes).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402

from ndpcosmo.scan import read_table  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "nu_injection"


def grid(table: dict[str, np.ndarray], key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(masses, mus, values[mu, mass]) of one column."""
    masses, mus = np.unique(table["mass_mev"]), np.unique(table["mu_muB"])
    values = np.full((mus.size, masses.size), np.nan)
    i = np.searchsorted(mus, table["mu_muB"])
    j = np.searchsorted(masses, table["mass_mev"])
    values[i, j] = table[key]
    return masses, mus, values


def boundary(excluded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points on the allowed side of every change of verdict along mu, per mass column: (i, j)."""
    ex = excluded > 0.5
    rows, cols = [], []
    for j in range(ex.shape[1]):
        for i in np.flatnonzero(ex[:-1, j] != ex[1:, j]):
            rows.append(i if not ex[i, j] else i + 1)
            cols.append(j)
    return np.array(rows, dtype=int), np.array(cols, dtype=int)


def main() -> None:
    fig = plt.figure(figsize=(12, 8.5))
    gs = fig.add_gridspec(2, 6, height_ratios=[1.3, 1.0], hspace=0.35, wspace=1.2)
    colours = ListedColormap(["#f2f2f2", "#9e9e9e", "#d62728", "#1f77b4"])
    lower = [fig.add_subplot(gs[1, 2 * k : 2 * k + 2]) for k in range(3)]
    for col, flavour in enumerate(("e", "mu")):
        spec = read_table(DATA / f"{flavour}_spectral.csv")
        therm = read_table(DATA / f"{flavour}_thermal.csv")
        masses, mus, ex_s = grid(spec, "excluded")
        _, _, ex_t = grid(therm, "excluded")
        category = np.where(ex_s == ex_t, ex_s, 2 + ex_t)  # 0 allowed, 1 excluded, 2 only spectral, 3 only thermal
        ax = fig.add_subplot(gs[0, 3 * col : 3 * col + 3])
        ax.pcolormesh(masses, mus, category, cmap=colours, vmin=-0.5, vmax=3.5, shading="nearest")
        _, _, bbn_s = grid(spec, "excluded_bbn")
        _, _, bbn_t = grid(therm, "excluded_bbn")
        ax.contour(masses, mus, bbn_s, levels=[0.5], colors="k", linewidths=1.2)
        ax.contour(masses, mus, bbn_t, levels=[0.5], colors="k", linewidths=1.2, linestyles="--")
        ax.set(xscale="log", yscale="log", xlabel="M_N [MeV]", ylabel="mu [mu_B]", title=f"nu_{flavour}")
        n_s, n_t = int(np.sum(category == 2)), int(np.sum(category == 3))
        print(
            f"nu_{flavour}: {n_s} points excluded only with spectral neutrinos, {n_t} only with thermal, "
            f"of {category.size}; BBN-only: {int(np.sum((bbn_s > 0.5) & (bbn_t < 0.5)))} newly excluded, "
            f"{int(np.sum((bbn_s < 0.5) & (bbn_t > 0.5)))} newly allowed"
        )
        # along the thermal treatment's BBN boundary (its allowed side)
        idx = boundary(bbn_t)
        d = {}
        for key in ("Yp", "D_H", "neff_bbn"):
            vs, vt = grid(spec, key)[2][idx], grid(therm, key)[2][idx]
            d[key] = vs / vt - 1.0 if key == "D_H" else vs - vt
        m = masses[idx[1]]
        for ax2, key, label in zip(
            lower, ("Yp", "D_H", "neff_bbn"), ("Delta Y_P", "Delta(D/H)/(D/H)", "Delta N_eff(BBN)"), strict=True
        ):
            ax2.plot(m, d[key], "o", ms=3, label=f"nu_{flavour}")
            ax2.set(xscale="log", yscale="symlog", xlabel="M_N [MeV]", ylabel=label)
            ax2.set_yscale("symlog", linthresh={"Yp": 1e-3, "D_H": 1e-2, "neff_bbn": 1e-2}[key])
            print(
                f"  along the BBN boundary ({idx[0].size} points), {label}: {np.nanmin(d[key]):+.3g} ... "
                f"{np.nanmax(d[key]):+.3g}, median |.| {np.nanmedian(np.abs(d[key])):.3g}"
            )
    for ax2 in lower:
        ax2.axhline(0.0, color="0.5", lw=0.8)
        ax2.legend(fontsize=8)
    fig.suptitle(
        "Decay neutrinos spectral vs thermal at once (no T_RH; grey: excluded both, light: allowed both,\n"
        "red: excluded only spectral, blue: only thermal; BBN boundary solid spectral, dashed thermal)",
        fontsize=10,
    )
    out = HERE / "neutrino_injection_map.png"
    fig.savefig(out, dpi=110, bbox_inches="tight")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
