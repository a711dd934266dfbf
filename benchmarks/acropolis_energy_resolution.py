"""How ACROPOLIS's photodisintegration rates depend on its energy grid (NE_pd points per decade,
default 120), side by side with ours at the same temperatures: ACROPOLIS (GPL) is called here only.

Its cascade solver converges at first order in the grid spacing (the error halves when NE_pd doubles),
ours at second order; this script prints both codes' rates per unit source for an injection at M/2,
and ACROPOLIS's Richardson extrapolation 2 R(2N) - R(N) from its two finest grids.

    python benchmarks/acropolis_energy_resolution.py [M_MEV] [T_MEV ...]
"""

from __future__ import annotations

import sys

REACTIONS = {1: "d(g,n)p", 4: "3He(g,p)d", 6: "4He(g,p)t", 15: "7Be(g,3He)4He"}


def main() -> None:
    import acropolis.cascade as acascade
    from acropolis.models import DecayModel
    from acropolis.nucl import NuclearReactor

    from ndpcosmo.photodisintegration import cascade
    from ndpcosmo.photodisintegration.reactions import reactions
    from ndpcosmo.plasma import photon_number_density

    mass = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    temperatures = [float(v) for v in sys.argv[2:]] or [1.15e-3, 3.6e-4]
    grids = (120, 240, 480)
    model = DecayModel(mass, 1e6, 10.0, 1e-9, 0.0, 0.5)
    eta, Yp = model._sII.parameter("eta"), 4.0 * model._sII.bbn_abundances()[5, 0]
    rxs = {rx.number: rx for rx in reactions()}
    for T in temperatures:
        S0 = model._sS0[0](T)
        theirs = {}
        for ne in grids:
            acascade.NE_pd = ne
            reactor = NuclearReactor(model._sS0, model._sSc, model._sTrg, model._sE0, model._sII)
            theirs[ne] = {r: v / S0 for r, v in reactor._pdi_rates(T).items()}
        bath = cascade.Bath.from_baryons(T, eta * float(photon_number_density(T)), Yp)
        spectrum = cascade.solve(0.5 * mass, bath, points_per_decade=80)
        print(f"M = {mass} MeV, T = {T:.3e} MeV: ours / ACROPOLIS(NE_pd) for NE_pd = {grids}, and / Richardson")
        for r, name in REACTIONS.items():
            ours = spectrum.rate(rxs[r].sigma_mev2)
            values = [theirs[ne][r] for ne in grids]
            if values[-1] <= 1e-250:
                continue
            richardson = 2.0 * values[-1] - values[-2]
            ratios = "  ".join(f"{ours / v:.3f}" for v in values)
            print(f"  {name:15s} {ratios}   Richardson {ours / richardson:.3f}", flush=True)


if __name__ == "__main__":
    main()
