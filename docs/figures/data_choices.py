"""How the verdicts on the default plane move with the choice of data (issue 17).

    python docs/figures/data_choices.py [--points 60] [--processes 2]

Scans the default plane (M_N 0.01-300 MeV x mu 1e-14-1e-8 mu_B, Dirac, nu_mu, no reheating limit) on a
``--points`` x ``--points`` grid with today's defaults (``bbn,cmb,firas``: Aver 2021 Y_P, PDG 2024 D/H,
the 3He/D limit, Planck 2018, FIRAS, PDG 2024 tau_n) and with one change at a time: LBT 2026 Y_P, EMPRESS
Y_P, UCNtau's neutron lifetime. Writes docs/figures/data_choices.png (rows: BBN alone, BBN + CMB; columns:
the changes; red newly excluded, blue newly allowed, grey excluded by both) and prints the counts.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from ndpcosmo.scan import ScanConfig, read_table, run_scan

HERE = Path(__file__).resolve().parent
BASE = ("today's defaults", "bbn,cmb,firas")
CHANGES = {
    "Y_P: LBT 2026 (0.2458 ± 0.0013)": "Yp_LBT2026,cmb,firas",
    "Y_P: EMPRESS (0.2402 ± 0.0040)": "Yp_EMPRESS2025,cmb,firas",
    "τ_n: UCNτ 2021 (877.75 s)": "bbn,cmb,firas,tau_n_UCNtau2021",
}
CONFIG = """output = "{output}"
data = "{data}"
nature = "dirac"
flavour = "mu"
T_RH_mev = ["none"]
chunk = 200

[mass_mev]
min = 0.01
max = 300.0
points = {points}

[mu_muB]
min = 1e-14
max = 1e-8
points = {points}

[precision]
history_rtol = 1e-5
"""


def scan(data: str, points: int, processes: int, directory: Path) -> dict[str, np.ndarray]:
    name = data.replace(",", "_")
    path = directory / f"{name}.toml"
    path.write_text(CONFIG.format(output=name, data=data, points=points))
    run_scan(ScanConfig.from_file(path, processes=processes), progress=False)
    return read_table(directory / f"{name}.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with tempfile.TemporaryDirectory() as tmp:
        base = scan(BASE[1], args.points, args.processes, Path(tmp))
        tables = {label: scan(data, args.points, args.processes, Path(tmp)) for label, data in CHANGES.items()}
    order = np.lexsort((base["mu_muB"], base["mass_mev"]))
    m = np.log10(base["mass_mev"][order]).reshape(args.points, args.points)
    u = np.log10(base["mu_muB"][order]).reshape(args.points, args.points)
    fig, axes = plt.subplots(2, len(CHANGES), figsize=(4.2 * len(CHANGES), 7.6), sharex=True, sharey=True)
    print(f"{args.points} x {args.points} points, no reheating limit; counts of verdicts that change")
    for col, (label, table) in enumerate(tables.items()):
        assert np.allclose(table["mass_mev"], base["mass_mev"]) and np.allclose(table["mu_muB"], base["mu_muB"])
        for row, (column, probe) in enumerate((("excluded_bbn", "BBN alone"), ("excluded", "BBN + CMB"))):
            old = base[column][order].reshape(m.shape) > 0.5
            new = table[column][order].reshape(m.shape) > 0.5
            image = np.zeros(m.shape)
            image[old & new] = 1
            image[new & ~old] = 2
            image[old & ~new] = 3
            ax = axes[row, col]
            cmap = matplotlib.colors.ListedColormap(["white", "0.8", "tab:red", "tab:blue"])
            ax.pcolormesh(m, u, image, cmap=cmap, vmin=-0.5, vmax=3.5, shading="nearest")
            gained, lost = int((new & ~old).sum()), int((old & ~new).sum())
            ax.set_title(f"{probe}: {label}\n+{gained} excluded, −{lost} (of {old.size})", fontsize=9)
            print(f"  {probe:10s} {label:34s} newly excluded {gained:5d}  newly allowed {lost:5d}  of {old.size}")
            if row == 1:
                ax.set_xlabel("log10 M_N [MeV]")
            if col == 0:
                ax.set_ylabel("log10 μ_ν [μ_B]")
    fig.suptitle("Verdicts on the default plane (Dirac, ν_μ, no T_RH) against today's defaults", fontsize=10)
    fig.tight_layout()
    out = HERE / "data_choices.png"
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
