"""Sizing the production around and above the electroweak crossover (issue 19 item 3; docs/physics.md).

    python docs/figures/electroweak_sizing.py

Prints, for a 1 MeV Dirac N (the production above 5 GeV does not depend on M_N <= 10 GeV):
1. the rate with the crossover treatment over the broken-phase dimension-5 rate continued upward;
2. T_dec and the relic Delta N_eff (no T_RH) with the default treatment, its band, the continued
   broken-phase rate, and the variants of each choice the module makes: a hard switch v = v_0 up to T_c,
   a massless Higgs doublet, the gauge boson's asymptotic thermal mass, other operator ratios;
3. the freeze-in yield Y_N for T_RH above the crossover, against the continued broken-phase rate, and
   its growth with T_RH (Y ~ T_RH^3 for gamma ~ T^8).
The variants replace ``boltzmann.production_rate`` here only (a sizing device, not an option).
"""

from __future__ import annotations

import math

import numpy as np

from ndpcosmo import DipolePortal, Precision, plasma
from ndpcosmo.production import boltzmann, rate_table, solve
from ndpcosmo.production import electroweak as ew

DEFAULT_RATE = boltzmann.production_rate
SM = plasma.default_plasma()


def variant_rate(vev: str = "mean-field", doublet: str = "thermal", m_x: str = "massless"):
    """A production_rate with one choice of the electroweak treatment changed."""

    def rate(model, table, precision=None):
        T = table.T_mev
        ln5 = table.ln_gamma_prod_reduced(model.mass_mev)
        ratio = ew.higgs_vev_ratio(T) if vev == "mean-field" else (T < ew.T_C_MEV).astype(float)
        masses = ew.doublet_masses(T) if doublet == "thermal" else np.zeros((T.size, 4))
        k = ew._couplings()
        g = k["gp"] if model.cw_over_cb == 0.0 else k["g"]
        mx = math.sqrt(11.0 / 12.0) * g * T if m_x == "asymptotic" else np.zeros(T.size)
        mx = np.where(T > ew.T_C_MEV, mx, 0.0)
        hot = T >= ew.CONTACT_T_MIN_MEV
        contact = np.zeros(T.size)
        contact[hot] = 0.25 * sum(ew.contact_density(T[hot], masses[hot, j], mx[hot]) for j in range(4))
        contact *= 2.0 * ew.symmetric_normalisation(model.cw_over_cb) / ew.V0_MEV**2
        with np.errstate(divide="ignore"):
            ln = np.logaddexp(ln5 + 2 * np.log(ratio), np.log(contact) + model.mass_mev / T)
        return boltzmann.ProductionRate(T, ln, model.mass_mev, model.mu_per_mev, model.g_N)

    return rate


def with_rate(rate, function):
    boltzmann.production_rate = rate
    try:
        return function()
    finally:
        boltzmann.production_rate = DEFAULT_RATE


def main() -> None:
    table = rate_table()
    model = DipolePortal(1.0, 1e-13)
    T = np.array([30e3, 50e3, 100e3, 140e3, 159.5e3, 300e3, 1e6, 3e6, 1e7])
    ratio = DEFAULT_RATE(model, table)(T) / DEFAULT_RATE(model, table, Precision(electroweak="broken"))(T)
    print("1. Gamma(crossover) / Gamma(broken continued):")
    print("   " + ", ".join(f"{t / 1e3:g} GeV: {r:.3g}" for t, r in zip(T, ratio, strict=True)))

    print("2. T_dec [GeV] (band) and relic Delta N_eff, no T_RH, M = 1 MeV:")
    variants = {
        "default": (None, 0.0),
        "broken continued": ("broken", 0.0),
        "hard switch v = v_0 to T_c": (variant_rate(vev="switch"), 0.0),
        "massless doublet": (variant_rate(doublet="massless"), 0.0),
        "X asymptotic mass": (variant_rate(m_x="asymptotic"), 0.0),
        "r = tan theta_W (mu_Z = 0)": (None, ew.SIN_W / ew.COS_W),
        "r = 1e3 (SU(2) alone)": (None, 1e3),
    }
    for mu in (3e-12, 1e-12, 3e-13, 1e-13, 1e-14):
        line = []
        for name, (how, r) in variants.items():
            m = DipolePortal(1.0, mu, cw_over_cb=r)
            if how == "broken":
                res = solve(m, Precision(electroweak="broken"))
            elif how is None:
                res = solve(m)
            else:
                res = with_rate(how, lambda m=m: solve(m))
            band = (
                "" if name != "default" else f" [{res.T_dec_band_mev[0] / 1e3:.4g}, {res.T_dec_band_mev[1] / 1e3:.4g}]"
            )
            line.append(f"{name}: {res.T_dec_mev / 1e3:.4g}{band} ({res.delta_neff_relativistic:.4f})")
        print(f"   mu = {mu:g}: " + "; ".join(line))

    print("3. Freeze-in Y_N (M = 1 MeV, mu = 1e-14 mu_B) for T_RH above the crossover:")
    prev = None
    for trh in (1e5, 2e5, 1e6, 1e7):
        m = DipolePortal(1.0, 1e-14, T_RH_mev=trh)
        y = solve(m).Y_N_relic
        yb = solve(m, Precision(electroweak="broken")).Y_N_relic
        ym = with_rate(variant_rate(doublet="massless"), lambda m=m: solve(m)).Y_N_relic
        yx = with_rate(variant_rate(m_x="asymptotic"), lambda m=m: solve(m)).Y_N_relic
        lo = solve(m, Precision(screening_scale=2.0)).Y_N_relic
        hi = solve(m, Precision(screening_scale=0.5)).Y_N_relic
        slope = "" if prev is None else f", d ln Y / d ln T_RH = {math.log(y / prev[1]) / math.log(trh / prev[0]):.2f}"
        print(
            f"   T_RH = {trh / 1e3:g} GeV: Y = {y:.4g} (band {lo:.4g}-{hi:.4g}), broken continued {yb:.4g} "
            f"(x{y / yb:.3g}), massless doublet x{ym / y:.3f}, X asymptotic mass x{yx / y:.3f}{slope}"
        )
        prev = (trh, y)


if __name__ == "__main__":
    main()
