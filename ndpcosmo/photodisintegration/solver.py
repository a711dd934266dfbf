"""Photodisintegration of the BBN abundances by the photons of late decays.

The non-thermal network (arXiv:2011.06518 eq. 2.8; Cyburt et al. 2003): for Y_i = n_i / n_b,

    dY_i/dt = sum_j Y_j [Gamma_{j gamma -> i}(t) + 1/tau_{j -> i}]
              - Y_i sum_j' [Gamma_{i gamma -> j'}(t) + 1/tau_{i -> j'}],

with Gamma_r(t) = int f_gamma(t, E) sigma_r(E) dE = S0(t) R_r(E0, T(t)), R_r the cascade response
per unit photon source (``cascade``), and the n and 3H decays. The rates are evaluated on a grid in
T around the decay time, ln R interpolated in ln T, and the linear system is advanced exactly over
each interval with the rates at its middle (matrix exponential). Decays at rest (one photon at M/2
per decay): S0 = n_N / tau with n_N = (n_N/n_gamma)(T0) n_gamma(T0) (a0/a)^3 exp(-t/tau), ACROPOLIS's
convention. The history (T(t), a(t), n_b) is the project's own ``ThermalHistory``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import expm

from ndpcosmo import constants as c
from ndpcosmo.model import Cosmology
from ndpcosmo.photodisintegration import cascade
from ndpcosmo.photodisintegration.reactions import NUCLIDES, TRITIUM_LIFETIME_S, reactions
from ndpcosmo.plasma import photon_number_density

KEYS: tuple[str, ...] = ("n", "p", "D", "T", "He3", "He4", "Li6", "Li7", "Be7")
"""The public names of ``NUCLIDES`` (ACROPOLIS's)."""
_OURS = dict(zip(KEYS, NUCLIDES, strict=True))


def _sbbn_abundances(history, cosmology: Cosmology) -> dict[str, float]:
    from ndpcosmo.bbn import solve as solve_bbn

    Y = solve_bbn(history, cosmology, errors="none").Y
    return {key: float(Y.get(_OURS[key], 0.0)) for key in KEYS}


def _interp_log(x: float, xs: np.ndarray, ys: np.ndarray) -> float:
    return float(np.exp(np.interp(math.log(x), np.log(xs), np.log(ys))))


def solve_decay(
    mass_mev: float,
    tau_s: float,
    n_over_n_gamma: float,
    T0_mev: float = 10.0,
    abundances: dict[str, float] | None = None,
    history=None,
    cosmology: Cosmology | None = None,
    n_temperatures: int = 96,
    points_per_decade: int = 40,
    method: str = "direct",
    n_steps: int = 160,
) -> dict[str, float]:
    """Final n_i/n_b after photodisintegration by N -> nu gamma decays at rest (one photon at M/2),
    for n_N/n_gamma = ``n_over_n_gamma`` at T0 (ACROPOLIS's ``n0a``). ``abundances``: n_i/n_b before
    (keys ``KEYS``; default the project's SBBN); ``history``: default the SM. T -> 3He and 7Be -> 7Li
    are applied at the end. ``method``: "direct" (a cascade solve at each of ``n_temperatures`` between
    T(tau) 10^(1/2) and T(tau) 10^(-3/2); 96 converge the final D to about 1 %) or "table" (the cached
    ``response_table``: milliseconds once built, but its interpolation still misses the steep T
    dependence of some rates near the pair-creation cut-off by up to tens of per cent: experimental)."""
    for name, value, lo, hi in (
        ("mass_mev", mass_mev, 1e-3, 1e5),
        ("tau_s", tau_s, 1.0, 1e14),
        ("n_over_n_gamma", n_over_n_gamma, 0.0, 1e3),
        ("T0_mev", T0_mev, 1e-3, 1e3),
    ):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{name} = {value!r} is outside the allowed range [{lo:g}, {hi:g}]")
    cosmology = cosmology or Cosmology()
    if history is None:
        from ndpcosmo.background import solve as solve_history

        history = solve_history(None, None, cosmology)
    before = dict(abundances) if abundances is not None else _sbbn_abundances(history, cosmology)
    missing = set(KEYS) - set(before)
    if missing:
        raise ValueError(f"abundances lacks {sorted(missing)}: give n_i/n_b for {KEYS}")
    Y = np.array([float(before[k]) for k in KEYS])
    E0 = 0.5 * mass_mev
    t_h = history.t_s
    T_h = history.T_gamma_mev
    a_h = history.a
    # the window: T(tau) x 10^(1/2) ... T(tau) x 10^(-3/2) (ACROPOLIS's), inside the history
    T_tau = _interp_log(tau_s, t_h, T_h) if tau_s < t_h[-1] else T_h[-1]
    T_hi = min(T_tau * 10**0.5, T0_mev, T_h[0])
    T_lo = max(T_tau * 10**-1.5, T_h[-1])
    a_today = a_h[-1] * T_h[-1] / (cosmology.T_cmb_K * c.K_B_MEV_PER_K)
    from ndpcosmo.bbn.solver import baryon_density_today_mev3

    n_b0 = baryon_density_today_mev3(cosmology)
    a0 = (
        float(np.exp(np.interp(-math.log(T0_mev), -np.log(T_h), np.log(a_h))))
        if T0_mev < T_h[0]
        else a_h[0] * T_h[0] / T0_mev
    )
    n_N0 = n_over_n_gamma * float(photon_number_density(T0_mev))
    Yp = 4.0 * before["He4"]
    rxs = reactions()
    index = {name: i for i, name in enumerate(NUCLIDES)}
    if method == "direct":
        Ts = np.geomspace(T_hi, T_lo, n_temperatures)
        R = np.zeros((len(rxs), Ts.size))
        for k, T in enumerate(Ts):
            a = float(np.exp(np.interp(-math.log(T), -np.log(T_h), np.log(a_h))))
            bath = cascade.Bath.from_baryons(T, n_b0 * (a_today / a) ** 3, Yp)
            spectrum = cascade.solve(E0, bath, points_per_decade=points_per_decade)
            for r, rx in enumerate(rxs):
                R[r, k] = spectrum.rate(rx.sigma_mev2) if E0 > rx.threshold_mev else 0.0

        def response(k: int, T_mid: float) -> np.ndarray:
            return np.sqrt(np.maximum(R[:, k], 1e-300) * np.maximum(R[:, k + 1], 1e-300)) * (R[:, k] > 0)

    elif method == "table":
        from ndpcosmo.photodisintegration.response import response_table

        eta = n_b0 / float(photon_number_density(cosmology.T_cmb_K * c.K_B_MEV_PER_K))
        table = response_table(eta, Yp)
        Ts = np.geomspace(T_hi, T_lo, n_steps + 1)

        def response(k: int, T_mid: float) -> np.ndarray:
            return table.rates(E0, T_mid)

    else:
        raise ValueError(f"method = {method!r}: allowed values are 'table' and 'direct'")
    t_nodes = np.exp(np.interp(-np.log(Ts), -np.log(T_h), np.log(t_h)))
    for k in range(Ts.size - 1):
        t_mid = math.sqrt(t_nodes[k] * t_nodes[k + 1])
        dt = t_nodes[k + 1] - t_nodes[k]
        a_mid = _interp_log(t_mid, t_h, a_h)
        S0 = n_N0 * (a0 / a_mid) ** 3 * math.exp(-t_mid / tau_s) / tau_s * c.HBAR_MEV_S  # [MeV^4]
        Rk = response(k, _interp_log(t_mid, t_h, T_h))
        A = np.zeros((len(NUCLIDES), len(NUCLIDES)))
        for r, rx in enumerate(rxs):
            if Rk[r] <= 0.0:
                continue
            rate = S0 * Rk[r] / c.HBAR_MEV_S  # [s^-1]
            i = index[rx.target]
            A[i, i] -= rate
            for p in rx.products:
                A[index[p], i] += rate
        for src, dst, lifetime in (("n", "p", cosmology.tau_n_s), ("t", "He3", TRITIUM_LIFETIME_S)):
            A[index[src], index[src]] -= 1.0 / lifetime
            A[index[dst], index[src]] += 1.0 / lifetime
        Y = expm(A * dt) @ Y
    out = dict(zip(KEYS, (float(v) for v in Y), strict=True))
    out["He3"] += out.pop("T")
    out["T"] = 0.0
    out["Li7"] += out.pop("Be7")
    out["Be7"] = 0.0
    return {k: out[k] for k in KEYS}
