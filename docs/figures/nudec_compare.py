"""ndpcosmo's decay neutrinos against Nudec_LLP_Solver (docs/validation.md, "Decay neutrinos against
Nudec_LLP_Solver"): for each stored Nudec run (docs/data/nudec/reference.json, made by
benchmarks/nudec_reference.py) the same X -> nu nubar relic through ndpcosmo's history, three ways
(spectral, the default; spectral with the neutrinos kept as flavour states, as Nudec's default; the
decay neutrinos thermalised at once), and three numbers: Delta N_eff, the photon heating
1 - (aT)^3_X/(aT)^3_SM, and the share of the comoving energy gained by the electromagnetic plasma.

    python docs/figures/nudec_compare.py               (seconds; prints the markdown table)
    python docs/figures/nudec_compare.py --history LABEL (one case along T: the energy each sector gained)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from ndpcosmo import background
from ndpcosmo.background import neutrinos as nu
from ndpcosmo.background import solver
from ndpcosmo.background.thermo import em_plasma
from ndpcosmo.model import Relic

DATA = Path(__file__).resolve().parents[1] / "data" / "nudec" / "reference.json"
T_START_MEV = 5.0


def _at_start(h, values: np.ndarray) -> float:
    """values (positive, ~ a power of T) at T_gamma = 5 MeV: linear in log-log between output nodes."""
    lnT = np.log(h.T_gamma_mev)[::-1]
    return float(np.exp(np.interp(np.log(T_START_MEV), lnT, np.log(values)[::-1])))


def energies(h) -> tuple[np.ndarray, np.ndarray]:
    """(T_gamma, [4, n]): the comoving energies of the EM plasma, nu_e, nu_mu, nu_tau (grid included)
    over a^4 rho_EM at 5 MeV, a = 1 there."""
    T = h.T_gamma_mev
    a = h.a / _at_start(h, h.a)
    rho_em = np.pi**2 / 15 * T**4 + em_plasma(T)["rho_e"]
    rho_nu = 7 * np.pi**2 / 120 * h.T_nu_mev**4
    if h.nu_grid_comoving is not None:
        rho_nu = rho_nu + h.nu_grid_comoving / h.a**4
    return T, np.vstack([a**4 * rho_em, a**4 * rho_nu]) / _at_start(h, rho_em)


def observables(model: Relic | None, injection: str = "spectral") -> tuple[float, float, np.ndarray]:
    """N_eff, (aT)^3 at 5 MeV over the end, and the comoving energies at the end (``energies``)."""
    h = background.solve(model, neutrino_injection=injection) if model is not None else background.solve(None)
    T, e = energies(h)
    a_end = h.a[-1] / _at_start(h, h.a)
    return float(h.neff[-1]), (T_START_MEV / (a_end * T[-1])) ** 3, e[:, -1]


def ours(case: dict, injection: str = "spectral", mixing: bool = True) -> tuple[float, float, float]:
    """(Delta N_eff, photon heating, plasma share) of the case's relic."""
    saved = nu.TRANSITION_X
    try:
        if not mixing:
            nu.TRANSITION_X = 1e-30
            solver._grid_context.cache_clear()
        relic = Relic(case["mass_mev"], case["tau_s"], case["n_over_ngamma_at_5mev"], 5.0, 0.0, case["flavour"])
        n_x, a_x, e_x = observables(relic, injection)
        n_0, a_0, e_0 = observables(None)
    finally:
        nu.TRANSITION_X = saved
        solver._grid_context.cache_clear()
    gain = e_x - e_0
    return n_x - n_0, 1.0 - a_x / a_0, gain[0] / gain.sum()


def history(case: dict) -> None:
    """The comoving energy each sector gained (X minus SM, units of a^4 rho_EM at 5 MeV) along T."""
    relic = Relic(case["mass_mev"], case["tau_s"], case["n_over_ngamma_at_5mev"], 5.0, 0.0, case["flavour"])
    curves = [energies(background.solve(model)) for model in (relic, None)]
    print(f"{case['label']}: T [MeV] | Nudec EM, nu_e, nu_mu | ndpcosmo EM, nu_e, nu_mu")
    (T_x, g_x), (T_0, g_0) = curves
    for T, g in zip(case["history_T_mev"], case["history_gain_em_nue_numu_nutau"], strict=True):
        o = [np.interp(-T, -T_x, g_x[k]) - np.interp(-T, -T_0, g_0[k]) for k in range(3)]
        print(f"{T:7.3f} | {g[0]:+.5f} {g[1]:+.5f} {g[2]:+.5f} | {o[0]:+.5f} {o[1]:+.5f} {o[2]:+.5f}")


def main() -> None:
    ref = json.loads(DATA.read_text())
    if len(sys.argv) > 2 and sys.argv[1] == "--history":
        history(next(c for c in ref["cases"] if c["label"] == sys.argv[2]))
        return
    print(
        "| case (X → ν ν̄, n/n_γ at 5 MeV) | ΔN_eff: Nudec · ours (flavour states · thermal at once) | "
        "photon heating: Nudec · ours | plasma share: Nudec · ours (flavour states · thermal) |"
    )
    print("|---|---|---|---|")
    for c in ref["cases"]:
        g = np.array(c["comoving_gain_em_nue_numu_nutau"])
        dn = c["neff"] - c["neff_baseline"]
        heat = 1.0 - c["aT_ratio_cubed"] / c["aT_ratio_cubed_baseline"]
        s = ours(c)
        f = ours(c, mixing=False)
        t = ours(c, injection="thermal")
        name = (
            f"{c['mass_mev']:g} MeV, τ = {c['tau_s']:g} s, ν_{c['flavour']}, {c['n_over_ngamma_at_5mev']:.3g}; "
            f"{c['nbins']} bins ({c['notes']})"
        )
        print(
            f"| {name} | {dn:+.4f} · {s[0]:+.4f} ({f[0]:+.4f} · {t[0]:+.4f}) | {heat:.4f} · {s[1]:.4f} | "
            f"{g[0] / g.sum():.3f} · {s[2]:.3f} ({f[2]:.3f} · {t[2]:.3f}) |"
        )


if __name__ == "__main__":
    main()
