"""The sizing table of the decay-neutrino approximations (docs/physics.md, "Sizing the decay-neutrino
approximations"): Y_P^BBN, D/H x 1e5 and N_eff(BBN) of four Dirac points under the module switches of
``background.neutrinos`` (Q_LOW, NODES_PER_DECADE, TRANSITION_X) and the thermal treatment.

    python docs/figures/nu_injection_sizing.py        (about a minute; prints the markdown table)
"""

from __future__ import annotations

from ndpcosmo import DipolePortal, Precision, run
from ndpcosmo.background import neutrinos as nu
from ndpcosmo.background import solver

POINTS = (
    ("20 MeV, 3e-12 μ_B, ν_e", DipolePortal(mass_mev=20.0, mu_muB=3e-12, flavour="e")),
    ("the same, ν_μ", DipolePortal(mass_mev=20.0, mu_muB=3e-12, flavour="mu")),
    ("100 MeV, 1e-12 μ_B, ν_e", DipolePortal(mass_mev=100.0, mu_muB=1e-12, flavour="e")),
    ("5 MeV, 1e-11 μ_B, ν_e", DipolePortal(mass_mev=5.0, mu_muB=1e-11, flavour="e")),
)
VARIANTS = (
    ("default (spectral)", {}, "spectral"),
    ("Q_LOW 1.5", {"Q_LOW": 1.5}, "spectral"),
    ("Q_LOW 6", {"Q_LOW": 6.0}, "spectral"),
    ("24 nodes a decade", {"NODES_PER_DECADE": 24}, "spectral"),
    ("x = 0.25", {"TRANSITION_X": 0.25}, "spectral"),
    ("x = 4", {"TRANSITION_X": 4.0}, "spectral"),
    ("never mixed", {"TRANSITION_X": 1e-30}, "spectral"),
    ("thermal at once", {}, "thermal"),
)


def evaluate(model: DipolePortal, switches: dict[str, float], injection: str) -> tuple[float, float, float]:
    saved = {k: getattr(nu, k) for k in switches}
    try:
        for k, v in switches.items():
            setattr(nu, k, v)
        solver._grid_context.cache_clear()
        nu.deposit_kernels.cache_clear()
        r = run(model, precision=Precision(neutrino_injection=injection, pdi=False))
    finally:
        for k, v in saved.items():
            setattr(nu, k, v)
        solver._grid_context.cache_clear()
        nu.deposit_kernels.cache_clear()
    return r.bbn.Yp_bbn, r.bbn.D_H * 1e5, r.history.neff_bbn


def main() -> None:
    print("| point (Dirac) | " + " | ".join(v[0] for v in VARIANTS) + " |")
    print("|---" * (len(VARIANTS) + 1) + "|")
    for name, model in POINTS:
        cells = []
        for _, switches, injection in VARIANTS:
            yp, dh, neff = evaluate(model, switches, injection)
            cells.append(f"{yp:.5f}, {dh:.4f}, {neff:.4f}")
        label = f"{name} (τ = {model.tau_s:.2g} s)"
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
