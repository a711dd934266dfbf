"""Diagnostic plots (matplotlib, no screen needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .background.solver import ThermalHistory


def plot_history(history: ThermalHistory, path: str) -> None:
    """T_gamma/T_nu per flavour, rho_N/rho_gamma and N_eff against time, saved to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = history.t_s
    fig, axes = plt.subplots(3, 1, figsize=(6.5, 8.0), sharex=True)
    for i, name in enumerate(("nu_e", "nu_mu", "nu_tau")):
        axes[0].plot(t, history.T_gamma_mev / history.T_nu_mev[i], label=name)
    axes[0].axhline((11 / 4) ** (1 / 3), color="0.6", lw=0.8, ls=":", label="(11/4)^(1/3)")
    axes[0].set_ylabel(r"$T_\gamma/T_\nu$")
    axes[0].legend(fontsize=8)
    rho_gamma = np.pi**2 / 15 * history.T_gamma_mev**4
    ratio = np.where(history.rho_N_mev4 > 1e-30 * rho_gamma, history.rho_N_mev4 / rho_gamma, np.nan)
    axes[1].loglog(t, ratio)
    axes[1].set_ylabel(r"$\rho_N/\rho_\gamma$")
    late = history.T_gamma_mev < 0.03  # N_eff is defined after e+e- annihilation
    axes[2].semilogx(t[late], history.neff[late])
    axes[2].set_ylabel(r"$N_{\rm eff}$ (after $e^\pm$ annihilation)")
    axes[2].set_xlabel("t [s]")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
