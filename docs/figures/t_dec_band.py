"""T_dec, its theory band, and how the freeze-in yield moves across the band (docs/physics.md).

    python docs/figures/t_dec_band.py

Prints T_dec (Gamma_prod = H) with the leading-order HTL screening (cut at |t| = m_D^2) and with the
cut at (xi m_D)^2, xi = 1/2 and 2 (the band), with the Maxwell-Boltzmann treatment used before
2026-12 for comparison; the coefficient T_dec mu^2 where the plasma content is constant; and the
freeze-in yield Y_N at T_RH << T_dec across the band (Y ~ T_RH / T_dec, so a T_RH bound at fixed Y
moves by the inverse ratio).
"""

from __future__ import annotations

import warnings

from ndpcosmo import DipolePortal, Precision, plasma
from ndpcosmo.production import boltzmann, rate_table, solve

warnings.simplefilter("ignore")
SM = plasma.default_plasma()
SETTINGS = {
    "LO HTL (xi = 1)": Precision(),
    "xi = 1/2": Precision(screening_scale=0.5),
    "xi = 2": Precision(screening_scale=2.0),
    "MB kinematics (before)": Precision(production_statistics="boltzmann"),
}


def t_dec(mu: float, precision: Precision, mass: float = 1.0) -> float:
    return boltzmann.decoupling_temperature(DipolePortal(mass, mu), rate_table(precision), SM)[0]


def main() -> None:
    print("| mu [mu_B] | " + " | ".join(f"T_dec {k} [GeV]" for k in SETTINGS) + " |")
    print("|---" * (len(SETTINGS) + 1) + "|")
    for mu in (3e-13, 1e-12, 3e-12, 1e-11, 3e-11, 1e-10, 1e-9):
        row = [t_dec(mu, p) / 1e3 for p in SETTINGS.values()]
        print(f"| {mu:.0e} | " + " | ".join(f"{v:.4g}" for v in row) + " |")
    for name, p in SETTINGS.items():
        a, b = t_dec(2e-13, p), t_dec(4e-13, p)
        print(
            f"{name}: T_dec mu^2 at 1-10 TeV = {a * (2e-13 / 1e-11) ** 2 / 1e3:.4g} GeV (1e-11 mu_B)^2, "
            f"T_dec(2e-13)/T_dec(4e-13) = {a / b:.4f}"
        )
    print("\nfreeze-in yield across the band (M = 1 MeV, mu = 1e-11 mu_B, T_RH = 100 MeV):")
    base = None
    for name, p in SETTINGS.items():
        y = solve(DipolePortal(1.0, 1e-11, T_RH_mev=100.0), precision=p).Y_N_relic
        base = base or y
        print(f"  {name}: Y_N = {y:.5e}  (ratio to LO {y / base:.4f})")


if __name__ == "__main__":
    main()
