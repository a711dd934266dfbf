"""Finite reheating (production.reheating, DipolePortal(reheating="perturbative")).

Independent references: the analytic early-time solution of inflaton decay (Chung, Kolb & Riotto,
hep-ph/9809453: rho_R = (2/5)(Gamma rho_I/H_I)(a^-3/2 - a^-4), maximum at a = (8/3)^(2/5)); the late
reheating law T ~ a^(-3/8); and a separate integration written here (rho_phi a^3, rho_R a^4 and
n_N a^3 in ln a, constant g, no entropy variable, no relaxation kernel) of freeze-in with a rate
density gamma = A T^n. Its yield over the instantaneous one (production from T_RH in radiation
domination) is 0.746 (n = 6) and 0.531 (n = 8) with T_RH defined by Gamma_phi = H_RD(T_RH); a third
integration (reduced-Planck units, an analytic radiation tail) gave 0.75 and 0.53. Garcia, Mambrini,
Olive & Peloso (arXiv:1709.01549, abstract) state the qualitative result: for n < 6 (their sigma v ~ T^n;
our gamma ~ T^(n+6)) what is made near T_max is diluted and the yield is set near T_RH.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from ndpcosmo import DipolePortal, Precision, plasma
from ndpcosmo import constants as c
from ndpcosmo.production import rates, reheating, solve

G = 100.0


def constant_plasma() -> plasma.SMPlasma:
    T = np.geomspace(1e-4, 1e9, 2000)
    g = np.full_like(T, G)
    return plasma.SMPlasma.from_table(plasma.GStarTable(T, g, g, source="constant g"))


def power_law_table(n: int, ln_amplitude: float) -> rates.RateTable:
    """A rate table with gamma/mu^2 = e^ln_amplitude T^n (massless N)."""
    T = np.geomspace(1e-2, 1e7, 226)
    M = np.geomspace(1e-3, 1e4, 85)
    ln = np.full((3, T.size, M.size), -700.0)
    ln[0] = ln_amplitude + n * np.log(T)[:, None] + M[None, :] / T[:, None]
    return rates.RateTable(T, M, ln, f"power law {n}")


def test_maximum_temperature_against_the_early_time_solution():
    sm = constant_plasma()
    T_RH = 1e3
    epoch = reheating.perturbative(T_RH, sm)
    gamma = float(sm.hubble_mev(T_RH))
    h_i = reheating.H_I_OVER_GAMMA * gamma
    rho_i = 3 * c.M_PL_MEV**2 * h_i**2 / (8 * math.pi)
    a_max = (8 / 3) ** 0.4
    rho_max = 0.4 * gamma * rho_i / h_i * (a_max**-1.5 - a_max**-4)
    T_max = (rho_max / (math.pi**2 * G / 30)) ** 0.25
    assert epoch.T_max_mev == pytest.approx(T_max, rel=1e-3)
    assert epoch.T_max_mev / T_RH == pytest.approx(0.6104 * reheating.H_I_OVER_GAMMA**0.25, rel=1e-3)
    # T ~ a^(-3/8) while the inflaton dominates (30 T_RH > T > 3 T_RH, within 1 %)
    slope = np.gradient(np.log(epoch.T_mev), epoch.ln_a)
    mid = (epoch.T_mev < 10 * T_RH) & (epoch.T_mev > 5 * T_RH)
    assert np.all(np.abs(slope[mid] / -0.375 - 1) < 0.01)
    assert epoch.rho_ratio[-1] == pytest.approx(reheating.RHO_RATIO_END, rel=1e-3)


def independent_yield_ratio(n: int, T_RH: float, T_end_of_integration: float) -> float:
    """Y(perturbative)/Y(instantaneous) for gamma = T^n, both followed down to T_end_of_integration."""
    alpha = math.pi**2 * G / 30
    s0 = 2 * math.pi**2 * G / 45
    hubble = math.sqrt(8 * math.pi / 3) / c.M_PL_MEV  # H = hubble sqrt(rho)
    gamma = hubble * math.sqrt(alpha) * T_RH**2
    h_i = reheating.H_I_OVER_GAMMA * gamma
    rho_i = (h_i / hubble) ** 2
    T0 = reheating.T_START_FRACTION * T_RH

    def temperature(y, a):
        return (y[1] / a**4 / alpha) ** 0.25

    def rhs(N, y):
        a = math.exp(N)
        rho_phi, rho_r = y[0] / a**3, y[1] / a**4
        h = hubble * math.sqrt(rho_phi + rho_r)
        T = temperature(y, a)
        return [-gamma / h * y[0], gamma / h * rho_phi * a**4, T**n * a**3 / h]

    def end(N, y):
        a = math.exp(N)
        return y[0] / a**3 / (y[1] / a**4) - reheating.RHO_RATIO_END

    end.terminal = True
    sol = solve_ivp(rhs, (0, 200), [rho_i, alpha * T0**4, 0.0], method="LSODA", rtol=1e-10, atol=1e-30, events=end)
    N, y = sol.t[-1], sol.y[:, -1]
    a = math.exp(N)
    T_end = temperature(y, a)
    Y = y[2] / (s0 * T_end**3 * a**3)
    # radiation era from T_end down: dY = gamma / (H s T) dT with H = hubble sqrt(alpha) T^2
    k = 1 / (s0 * hubble * math.sqrt(alpha) * (n - 5))
    Y += k * (T_end ** (n - 5) - T_end_of_integration ** (n - 5))
    Y_inst = k * (T_RH ** (n - 5) - T_end_of_integration ** (n - 5))
    return Y / Y_inst


@pytest.mark.parametrize(("n", "reference"), [(6, 0.746), (8, 0.531)])
def test_freeze_in_yield_against_an_independent_integration(n, reference):
    sm = constant_plasma()
    table = power_law_table(n, -30.0 if n == 6 else -60.0)  # production, not (inverse) decays, makes N
    T_RH = 1e4
    ours = []
    pure = Precision(electroweak="broken")  # the power law alone (no contact processes above the crossover)
    for mode in ("instantaneous", "perturbative"):
        ours.append(solve(DipolePortal(1e-3, 1e-12, T_RH_mev=T_RH, reheating=mode), pure, sm=sm, table=table))
    assert ours[1].Y_N_relic / ours[1].handoff.Y_eq < 1e-3  # deep freeze-in
    ratio = ours[1].Y_N_relic / ours[0].Y_N_relic
    assert ratio == pytest.approx(independent_yield_ratio(n, T_RH, ours[1].handoff.T_mev), rel=5e-3)
    assert ratio == pytest.approx(reference, rel=5e-3)
    # T_max-independent for n < 12: 100x larger H_I moves the yield by < 1e-3
    assert ours[1].T_start_mev == pytest.approx(0.6104 * reheating.H_I_OVER_GAMMA**0.25 * T_RH, rel=2e-3)


def test_thermalised_n_forgets_how_reheating_went():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inst = solve(DipolePortal(1.0, 1e-9, T_RH_mev=1e3))
        pert = solve(DipolePortal(1.0, 1e-9, T_RH_mev=1e3, reheating="perturbative"))
    assert pert.Y_N_relic == pytest.approx(inst.Y_N_relic, rel=1e-4)
    assert pert.handoff.Y_N == pytest.approx(pert.handoff.Y_eq, rel=1e-3)  # a coupled N lags Y_eq by ~2e-4


@pytest.mark.parametrize("T_RH", [None, 10.0])
def test_perturbative_needs_a_reheating_temperature_above_20_mev(T_RH):
    with pytest.raises(ValueError, match="perturbative"):
        DipolePortal(1.0, 1e-11, T_RH_mev=T_RH, reheating="perturbative")
    with pytest.raises(ValueError, match="reheating"):
        DipolePortal(1.0, 1e-11, T_RH_mev=100.0, reheating="slow")
