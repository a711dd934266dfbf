"""A finite reheating epoch: perturbative decay of an oscillating inflaton into the SM plasma.

The instantaneous switch (``DipolePortal(reheating="instantaneous")``, the default) starts a
radiation-dominated SM plasma at T_RH with no N. With ``reheating="perturbative"`` an inflaton field
oscillating in a quadratic potential (pressureless on average) decays with a constant width Gamma_phi
(Chung, Kolb & Riotto, PRD 60 (1999) 063504, hep-ph/9809453; Giudice, Kolb & Riotto, PRD 64 (2001)
023508, hep-ph/0005123), and N is produced while the plasma heats up and cools:

    d rho_phi / d ln a = -3 rho_phi - (Gamma_phi / H) rho_phi,
    d ln S / d ln a   = Gamma_phi rho_phi / (H T s),          S = s a^3 (the SM entropy; T ds = d rho),
    H^2 = 8 pi (rho_phi + rho_SM(T)) / (3 M_Pl^2),

with s(T), rho_SM(T) of the lattice-based g_s, g_rho (``plasma``). T_RH is *defined* by
Gamma_phi = H_RD(T_RH), the radiation-era Hubble rate of the SM plasma at T_RH (other definitions differ
by O(1): rho_phi = rho_R at 0.640 T_RH for constant g; state the definition next to every comparison).
Start: a_I = 1 with H_I = ``H_I_OVER_GAMMA`` Gamma_phi and (almost) no radiation; the plasma peaks at
T_max = 0.6104 (H_I / Gamma_phi)^(1/4) T_RH (constant g; ~ 19 T_RH here), then falls as T ~ a^(-3/8)
while the inflaton dominates, and the epoch ends (``RHO_RATIO_END``) when rho_phi / rho_SM < 1e-10;
from there the standard entropy-conserving history continues. For a production rate density
gamma ~ T^n with n < 12 the yield does not depend on T_max (the production during reheating is
dominated by its end), so H_I only has to be large enough (checked: 1e6 against 1e8 changes the yield
by < 1e-3). T_max is capped at the highest temperature followed (10 TeV).

The N abundance Y = n_N / s then obeys dY/d ln a = k (Y_eq - Y) - (d ln S/d ln a) Y: the entropy
released dilutes N, which the abundance solver writes as the relaxation form with k + d and the target
k Y_eq / (k + d) (``boltzmann``).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp
from scipy.interpolate import CubicSpline

from .. import constants as c
from .. import plasma

H_I_OVER_GAMMA = 1e6
"""H at the start of the inflaton's decay over its width (T_max ~ 19 T_RH)."""
RHO_RATIO_END = 1e-10
"""The epoch ends when rho_phi / rho_SM falls below this."""
T_START_FRACTION = 1e-3
"""The radiation at the start: T = 1e-3 T_RH (its own contribution is negligible)."""


@dataclass(frozen=True)
class ReheatingHistory:
    """The reheating epoch from T_max to its end, on ln a (a = 1 at the start of the decay)."""

    ln_a: np.ndarray = field(repr=False)
    T_mev: np.ndarray = field(repr=False)
    hubble_mev: np.ndarray = field(repr=False)
    dln_entropy: np.ndarray = field(repr=False)
    """d ln S / d ln a (entropy release) at the nodes."""
    rho_ratio: np.ndarray = field(repr=False)
    """rho_phi / rho_SM at the nodes."""
    T_RH_mev: float
    gamma_phi_mev: float

    @property
    def T_max_mev(self) -> float:
        return float(self.T_mev[0])

    @property
    def T_end_mev(self) -> float:
        return float(self.T_mev[-1])


def _ln_t_of_ln_s(sm: plasma.SMPlasma) -> CubicSpline:
    T = np.geomspace(1e-4, 1e9, 3000)
    return CubicSpline(np.log(sm.entropy_density(T)), np.log(T))


def perturbative(T_RH_mev: float, sm: plasma.SMPlasma, T_cap_mev: float = 1e7, n_nodes: int = 600) -> ReheatingHistory:
    """Solve the reheating epoch for T_RH (defined by Gamma_phi = H_RD(T_RH)); T_max capped at T_cap."""
    gamma = float(sm.hubble_mev(T_RH_mev))
    ratio = H_I_OVER_GAMMA
    # T_max ~ 0.6104 ratio^(1/4) T_RH: keep it below the cap (then the yield is less converged)
    ratio = min(ratio, max((T_cap_mev / (0.62 * T_RH_mev)) ** 4, 10.0))
    h_i = ratio * gamma
    rho_i = 3.0 * c.M_PL_MEV**2 * h_i**2 / (8.0 * math.pi)
    ln_t = _ln_t_of_ln_s(sm)
    pref = 8.0 * math.pi / (3.0 * c.M_PL_MEV**2)

    def state(n: float, y: np.ndarray) -> tuple[float, float, float, float]:
        rho_phi = math.exp(y[0])
        ln_s = y[1] - 3.0 * n
        T = math.exp(float(ln_t(ln_s)))
        rho_r = float(sm.energy_density(T))
        hub = math.sqrt(pref * (rho_phi + rho_r))
        return rho_phi, T, rho_r, hub

    def rhs(n: float, y: np.ndarray) -> list[float]:
        rho_phi, T, _, hub = state(n, y)
        s = math.exp(y[1] - 3.0 * n)
        return [-3.0 - gamma / hub, gamma * rho_phi / (hub * T * s)]

    def end(n: float, y: np.ndarray) -> float:
        rho_phi, _, rho_r, _ = state(n, y)
        return math.log(rho_phi / rho_r) - math.log(RHO_RATIO_END)

    end.terminal = True
    end.direction = -1
    s0 = float(sm.entropy_density(T_START_FRACTION * T_RH_mev))
    sol = solve_ivp(
        rhs, (0.0, 200.0), [math.log(rho_i), math.log(s0)], method="LSODA", rtol=1e-10, atol=1e-12,
        events=end, dense_output=True,
    )  # fmt: skip
    if sol.status != 1:
        raise RuntimeError(f"reheating epoch did not end (T_RH = {T_RH_mev} MeV): {sol.message}")
    n_end = float(sol.t_events[0][0])
    # start at the temperature maximum
    coarse = np.linspace(0.0, min(3.0, n_end), 3001)
    T_coarse = np.array([state(n, sol.sol(n))[1] for n in coarse])
    n_max = float(coarse[np.argmax(T_coarse)])
    grid = np.linspace(n_max, n_end, n_nodes)
    vals = [state(n, sol.sol(n)) for n in grid]
    rho_phi = np.array([v[0] for v in vals])
    T = np.array([v[1] for v in vals])
    rho_r = np.array([v[2] for v in vals])
    hub = np.array([v[3] for v in vals])
    s = sm.entropy_density(T)
    return ReheatingHistory(
        ln_a=grid,
        T_mev=T,
        hubble_mev=hub,
        dln_entropy=gamma * rho_phi / (hub * T * s),
        rho_ratio=rho_phi / rho_r,
        T_RH_mev=float(T_RH_mev),
        gamma_phi_mev=gamma,
    )


@functools.lru_cache(maxsize=32)
def history(T_RH_mev: float, sm: plasma.SMPlasma, T_cap_mev: float = 1e7) -> ReheatingHistory:
    """``perturbative`` kept in memory (it depends on T_RH and the plasma only; ~0.3 s to solve)."""
    return perturbative(T_RH_mev, sm, T_cap_mev)
