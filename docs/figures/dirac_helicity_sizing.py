"""The flipped helicity pair of a Dirac N: R(M/T) and where on the default plane the pair matters.

    python docs/figures/dirac_helicity_sizing.py

Prints the flipped pair's share of the production R(M/T) (``production.helicity``, Monte Carlo) and, on
the default plane (nu_mu, no T_RH, the 60 x 60 grid of docs/data/production), the points where
(Gamma_prod + <Gamma_dec>) / H > 1 at T = M/3 (N coupled while non-relativistic: there the second pair
fills) with their verdicts with one pair (mu_lo.csv) and with both (mu_flip.csv, if computed).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ndpcosmo import DipolePortal, plasma
from ndpcosmo.production import boltzmann, helicity, rate_table
from ndpcosmo.scan import read_table

DATA = Path(__file__).resolve().parent.parent / "data" / "production"


def main() -> None:
    warnings.simplefilter("ignore")
    print("M/T   R (flipped pair's share)   R / (M/T)^2")
    for z in (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 40.0):
        r = float(helicity.flipped_fraction(z))
        print(f"{z:5.2f}  {r:.4g}  {r / z**2:.3g}")
    one = read_table(DATA / "mu_lo.csv")
    rows = np.isnan(one["T_RH_mev"])
    sm, rates = plasma.default_plasma(), rate_table()
    coupled = np.zeros(rows.sum(), dtype=bool)
    for i, (mass, mu) in enumerate(zip(one["mass_mev"][rows], one["mu_muB"][rows], strict=True)):
        model = DipolePortal(float(mass), float(mu))
        k, _, _ = boltzmann.relaxation_terms(np.array([mass / 3.0]), model, boltzmann.production_rate(model, rates), sm)
        coupled[i] = k[0] > 1.0
    excluded_one = one["excluded"][rows] > 0.5
    print(
        f"default plane (nu_mu, no T_RH, {rows.sum()} points): N coupled at T = M/3 at {coupled.sum()}, "
        f"{(coupled & excluded_one).sum()} of them excluded with one pair"
    )
    if (DATA / "mu_flip.csv").exists():
        both = read_table(DATA / "mu_flip.csv")
        rb = np.isnan(both["T_RH_mev"])
        excluded_both = both["excluded"][rb] > 0.5
        print(
            f"with both pairs: {(excluded_both & ~excluded_one).sum()} newly excluded, "
            f"{(excluded_one & ~excluded_both).sum()} newly allowed"
        )


if __name__ == "__main__":
    main()
