"""Figure: momentum-resolved N against the <Gamma> = Gamma K1/K2 fluid on the same thermal history.

    python docs/figures/relativistic_decays.py   (writes relativistic_decays.png beside this file)

The fluid treatment follows the comoving number N = n a^3 with
    dN/dt = -(Gamma K1(M/T)/K2(M/T) + Gamma_prod(T)) (N - N_eq(T)),   T = T_gamma,
i.e. N in kinetic equilibrium with the plasma, decays time-dilated by the thermal average, inverse
decays and scatterings by detailed balance. ndpcosmo instead follows N's momentum spectrum (decays at
Gamma M/E per momentum, targets at T_nu and (T_gamma + T_nu)/2). Both run on ndpcosmo's own history.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import k1e, kve

from ndpcosmo import DipolePortal, plasma
from ndpcosmo import constants as c
from ndpcosmo.background import solve
from ndpcosmo.production import rate_table
from ndpcosmo.production import solve as solve_abundance
from ndpcosmo.production.boltzmann import production_rate

CASES = [
    (0.1, 10.0, "M = 0.1 MeV, tau = 10 s"),
    (1.0, 1.0, "M = 1 MeV, tau = 1 s"),
    (1.0, 1e3, "M = 1 MeV, tau = 1e3 s"),
    (30.0, 1e3, "M = 30 MeV, tau = 1e3 s"),
]


def fluid(history, model):
    t = history.t_s
    T = history.T_gamma_mev
    rate = production_rate(model, rate_table())
    t_min = 1e-2  # the rate table's lowest temperature [MeV]

    def n_eq(time):
        Tg = np.interp(time, t, T)
        a = np.interp(time, t, history.a)
        return float(np.exp(plasma.ln_fermion_density(Tg, model.mass_mev, model.g_N))) * a**3, Tg

    def rhs(time, y):
        neq, Tg = n_eq(time)
        z = model.mass_mev / Tg
        gamma = model.width_mev * k1e(z) / kve(2, z) + (float(rate(np.array(Tg))) if Tg > t_min else 0.0)
        return -gamma / c.HBAR_MEV_S * (y - neq)

    y0 = history.n_N_mev3[0] * history.a[0] ** 3
    sol = solve_ivp(rhs, (t[0], t[-1]), [y0], t_eval=t, method="LSODA", rtol=1e-8, atol=1e-40)
    return sol.y[0]


def main() -> None:
    warnings.simplefilter("ignore")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 7.5), sharex=True)
    for M, tau, label in CASES:
        mu = 1e-11 * math.sqrt(3768.4298 / tau / M**3)
        model = DipolePortal(M, mu)
        h = solve(model, solve_abundance(model))
        ours = h.n_N_mev3 * h.a**3
        ref = fluid(h, model)
        line = top.loglog(h.t_s, ours / ours[0], label=label)[0]
        top.loglog(h.t_s, ref / ours[0], ls="--", color=line.get_color())
        keep = ours / ours[0] > 1e-4
        bottom.semilogx(h.t_s[keep], ours[keep] / ref[keep] - 1, color=line.get_color(), label=label)
        j = np.argmin(abs(h.t_s - tau))
        print(
            f"{label}: M/T_gamma at t = tau: {M / h.T_gamma_mev[j]:.2f}; "
            f"N(momentum)/N(fluid) - 1 at t = tau: {ours[j] / ref[j] - 1:+.3f}, at 3 tau: "
            f"{ours[np.argmin(abs(h.t_s - 3 * tau))] / ref[np.argmin(abs(h.t_s - 3 * tau))] - 1:+.3f}"
        )
    top.set_ylim(1e-5, 3)
    top.set_ylabel("n_N a^3 / initial (solid: momentum-resolved, dashed: fluid)")
    top.legend(fontsize=8)
    bottom.set_ylabel("momentum-resolved / fluid - 1")
    bottom.set_xlabel("t [s]")
    bottom.set_xlim(1e-3, 1e5)
    fig.tight_layout()
    out = Path(__file__).with_suffix(".png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
