"""Photodisintegration of the BBN abundances by the photons of late decays.

The non-thermal network (arXiv:2011.06518 eq. 2.8; Cyburt et al. 2003): for Y_i = n_i / n_b,

    dY_i/dt = sum_j Y_j [Gamma_{j gamma -> i}(t) + 1/tau_{j -> i}]
              - Y_i sum_j' [Gamma_{i gamma -> j'}(t) + 1/tau_{i -> j'}],

with Gamma_r(t) = int f_gamma(t, E) sigma_r(E) dE = sum_E0 S(t, E0) R_r(E0, T(t)), R_r the cascade
response per unit photon source (``response``), and the n and 3H decays. The linear system is
advanced over steps in T (``steps_per_decade``) by the matrix exponential of its generator integrated
over the step, each rate integrated with Gauss-Legendre nodes in ln t (``evolve``).

``solve`` is the pipeline stage: the photon source is the ``ThermalHistory``'s own, every N momentum
bin with the box spectrum of decays in flight. ``solve_decay`` is the comparison setup of ACROPOLIS:
decays at rest, one photon at M/2, S = n_N / tau with n_N = (n_N/n_gamma)(T0) n_gamma(T0) (a0/a)^3
exp(-t/tau).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from ndpcosmo import constants as c
from ndpcosmo.bbn.solver import ABUNDANCE_KEYS, baryon_density_today_mev3
from ndpcosmo.model import Cosmology
from ndpcosmo.photodisintegration import _kernels, cascade, qed
from ndpcosmo.photodisintegration.reactions import CROSS_SECTIONS, NUCLIDES, TRITIUM_LIFETIME_S, reactions
from ndpcosmo.photodisintegration.response import ResponseGrid, response_table
from ndpcosmo.plasma import photon_number_density

KEYS: tuple[str, ...] = ("n", "p", "D", "T", "He3", "He4", "Li6", "Li7", "Be7")
"""The public names of ``NUCLIDES`` (ACROPOLIS's)."""
_OURS = dict(zip(KEYS, NUCLIDES, strict=True))


@functools.lru_cache(maxsize=4)
def _sm_history(cosmology: Cosmology):
    """The Standard-Model thermal history for ``cosmology`` (computed once per cosmology)."""
    from ndpcosmo.background import solve as solve_history

    return solve_history(None, None, cosmology)


def _sbbn_abundances(history, cosmology: Cosmology) -> dict[str, float]:
    from ndpcosmo.bbn import solve as solve_bbn

    Y = solve_bbn(history, cosmology, errors="none").Y
    return {key: float(Y.get(_OURS[key], 0.0)) for key in KEYS}


def _interp_log(x: float, xs: np.ndarray, ys: np.ndarray) -> float:
    return float(np.exp(np.interp(math.log(x), np.log(xs), np.log(ys))))


@dataclass(frozen=True)
class NonThermal:
    """The non-thermal network's outcome: final n_i/n_b (``KEYS``; T -> 3He and 7Be -> 7Li applied)
    and, per reaction (number of Cyburt et al. 2003), the target nuclei it destroyed per baryon."""

    final: dict[str, float]
    destroyed: dict[int, float]
    T_window_mev: tuple[float, float]


def evolve(
    before: dict[str, float],
    t_s: np.ndarray,
    mean_rates_per_s: np.ndarray,
    cross_sections: str = CROSS_SECTIONS[0],
    tau_n_s: float = 879.4,
    T_window_mev: tuple[float, float] = (0.0, 0.0),
) -> NonThermal:
    """Advance n_i/n_b from ``before`` over the nodes ``t_s`` [s] with the photodisintegration rates of
    each reaction averaged over each interval, ``mean_rates_per_s`` (n_reactions, n_nodes - 1) [s^-1],
    and the n and 3H decays: the linear system over each interval by its matrix exponential (the
    generator's integral over the interval; the commutator corrections are second order in the
    interval's change of rates)."""
    rxs = reactions(cross_sections)
    index = {name: i for i, name in enumerate(NUCLIDES)}
    Y = np.array([float(before[k]) for k in KEYS])
    decays = np.zeros((len(NUCLIDES), len(NUCLIDES)))
    for src, dst, lifetime in (("n", "p", tau_n_s), ("t", "He3", TRITIUM_LIFETIME_S)):
        decays[index[src], index[src]] -= 1.0 / lifetime
        decays[index[dst], index[src]] += 1.0 / lifetime
    targets = np.array([index[rx.target] for rx in rxs])
    change = np.zeros((len(rxs), len(NUCLIDES), len(NUCLIDES)))
    for r, rx in enumerate(rxs):
        change[r, targets[r], targets[r]] -= 1.0
        for p in rx.products:
            change[r, index[p], targets[r]] += 1.0
    Y, destroyed = _kernels.evolve_network(
        Y, np.diff(t_s), np.ascontiguousarray(mean_rates_per_s, dtype=float), change, decays, targets
    )
    out = dict(zip(KEYS, (float(v) for v in Y), strict=True))
    out["He3"] += out.pop("T")
    out["T"] = 0.0
    out["Li7"] += out.pop("Be7")
    out["Be7"] = 0.0
    final = {k: out[k] for k in KEYS}
    return NonThermal(final, {rx.number: float(d) for rx, d in zip(rxs, destroyed, strict=True)}, T_window_mev)


def _mean_rate(lo: np.ndarray, hi: np.ndarray, ratio: float) -> np.ndarray:
    """Mean over [t, ratio t] of a rate that is a power of t, from its values at the ends."""
    live = (lo > 0) & (hi > 0)
    p1 = np.log(np.where(live, hi, 1.0) / np.where(live, lo, 1.0)) / math.log(ratio) + 1.0  # power + 1
    small = np.abs(p1) < 1e-6
    factor = np.where(small, math.log(ratio), (ratio ** np.where(small, 1.0, p1) - 1.0) / np.where(small, 1.0, p1))
    return np.where(live, lo * factor / (ratio - 1.0), 0.0)


def _validate(mass_mev: float, tau_s: float, n_over_n_gamma: float, T0_mev: float) -> None:
    for name, value, lo, hi in (
        ("mass_mev", mass_mev, 1e-3, 1e5),
        ("tau_s", tau_s, 1.0, 1e14),
        ("n_over_n_gamma", n_over_n_gamma, 0.0, 1e3),
        ("T0_mev", T0_mev, 1e-3, 1e3),
    ):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"{name} = {value!r} is outside the allowed range [{lo:g}, {hi:g}]")


def solve_decay(
    mass_mev: float,
    tau_s: float,
    n_over_n_gamma: float,
    T0_mev: float = 10.0,
    abundances: dict[str, float] | None = None,
    history=None,
    cosmology: Cosmology | None = None,
    method: str = "table",
    n_temperatures: int = 96,
    points_per_decade: int = 40,
    cross_sections: str = CROSS_SECTIONS[0],
    grid: ResponseGrid | None = None,
    steps_per_decade: int = 40,
    quadrature_nodes: int = 4,
    details: bool = False,
) -> dict[str, float] | NonThermal:
    """Final n_i/n_b after photodisintegration by N -> nu gamma decays at rest (one photon at M/2),
    for n_N/n_gamma = ``n_over_n_gamma`` at T0 (ACROPOLIS's ``n0a``). ``abundances``: n_i/n_b before
    (keys ``KEYS``; default the project's SBBN); ``history``: default the SM. T -> 3He and 7Be -> 7Li
    are applied at the end. The decays are followed between T(tau) 10^(1/2) and T(tau) 10^(-3/2)
    (ACROPOLIS's window). ``method``: "table" (default; the cached ``response_table``: milliseconds
    once built; ``steps_per_decade`` network steps per decade of T, each rate integrated over a step
    with ``quadrature_nodes`` Gauss-Legendre nodes in ln t) or "direct" (a cascade solve with
    ``points_per_decade`` cells per decade at each of ``n_temperatures`` nodes, the rates taken as
    powers of t between them: seconds; the reference the table is tested against). ``details``:
    return the ``NonThermal`` record (with the nuclei each reaction destroyed) instead of the dict."""
    _validate(mass_mev, tau_s, n_over_n_gamma, T0_mev)
    if method not in ("table", "direct"):
        raise ValueError(f"method = {method!r}: allowed values are 'table' and 'direct'")
    cosmology = cosmology or Cosmology()
    history = history if history is not None else _sm_history(cosmology)
    before = dict(abundances) if abundances is not None else _sbbn_abundances(history, cosmology)
    missing = set(KEYS) - set(before)
    if missing:
        raise ValueError(f"abundances lacks {sorted(missing)}: give n_i/n_b for {KEYS}")
    E0 = 0.5 * mass_mev
    t_h, T_h, a_h = history.t_s, history.T_gamma_mev, history.a
    T_tau = _interp_log(tau_s, t_h, T_h) if tau_s < t_h[-1] else T_h[-1]
    T_hi = min(T_tau * 10**0.5, T0_mev, T_h[0])
    T_lo = max(T_tau * 10**-1.5, T_h[-1])
    n_b0 = baryon_density_today_mev3(cosmology)
    eta = n_b0 / float(photon_number_density(cosmology.T_cmb_K * c.K_B_MEV_PER_K))
    Yp = 4.0 * before["He4"]
    if method == "table":
        table = response_table(grid or ResponseGrid(cross_sections=cross_sections))
        Ts = np.geomspace(T_hi, T_lo, max(int(math.ceil(steps_per_decade * math.log10(T_hi / T_lo))), 1) + 1)
    else:
        Ts = np.geomspace(T_hi, T_lo, n_temperatures)
    a0 = (
        float(np.exp(np.interp(-math.log(T0_mev), -np.log(T_h), np.log(a_h))))
        if T0_mev < T_h[0]
        else a_h[0] * T_h[0] / T0_mev
    )
    n_N0 = n_over_n_gamma * float(photon_number_density(T0_mev))

    def source(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """T [MeV] and the photon source S0 [MeV^4] at times t [s]."""
        T = np.exp(np.interp(np.log(t), np.log(t_h), np.log(T_h)))
        a = np.exp(np.interp(np.log(t), np.log(t_h), np.log(a_h)))
        return T, n_N0 * (a0 / a) ** 3 * np.exp(-t / tau_s) / tau_s * c.HBAR_MEV_S

    t_nodes = np.exp(np.interp(-np.log(Ts), -np.log(T_h), np.log(t_h)))
    if method == "table":
        # each interval's mean rate: Gauss-Legendre in ln t, the rates from the table at the nodes' T
        x, w = qed.gauss_legendre(quadrature_nodes)
        ln_t = np.log(t_nodes)
        sub = ln_t[:-1, None] + 0.5 * (x[None, :] + 1.0) * np.diff(ln_t)[:, None]  # (intervals, q)
        t_sub = np.exp(sub.ravel())
        T_sub, S_sub = source(t_sub)
        R = table.rates(np.array([E0]), eta, Yp, T_sub)[:, :, 0]  # (intervals*q, r)
        integrand = (S_sub[:, None] * R / c.HBAR_MEV_S * t_sub[:, None]).reshape(sub.shape + (R.shape[1],))
        integral = np.einsum("q,kqr->rk", 0.5 * w, integrand) * np.diff(ln_t)[None, :]
        mean = integral / np.diff(t_nodes)[None, :]
    else:
        rxs = reactions(cross_sections)
        a_today = a_h[-1] * T_h[-1] / (cosmology.T_cmb_K * c.K_B_MEV_PER_K)
        R = np.zeros((len(rxs), Ts.size))
        for k, T in enumerate(Ts):
            a = float(np.exp(np.interp(-math.log(T), -np.log(T_h), np.log(a_h))))
            bath = cascade.Bath.from_baryons(T, n_b0 * (a_today / a) ** 3, Yp)
            spectrum = cascade.solve(E0, bath, points_per_decade=points_per_decade)
            for r, rx in enumerate(rxs):
                R[r, k] = spectrum.rate(rx.sigma_mev2) if E0 > rx.threshold_mev else 0.0
        rates = source(t_nodes)[1][None, :] * R / c.HBAR_MEV_S  # [s^-1]
        mean = np.array(
            [_mean_rate(rates[:, k], rates[:, k + 1], t_nodes[k + 1] / t_nodes[k]) for k in range(Ts.size - 1)]
        ).T
    result = evolve(before, t_nodes, mean, cross_sections, cosmology.tau_n_s, (float(T_hi), float(T_lo)))
    return result if details else result.final


@dataclass(frozen=True)
class PhotodisintegrationResult:
    """The light-element abundances after photodisintegration by the N -> nu gamma photons of the
    thermal history (``solve``), in the conventions of ``bbn.BBNResult`` (after the late decays), and
    the diagnostics: the nuclei each reaction destroyed per baryon and the temperature window."""

    Y: dict[str, float]
    """n_i / n_b (``KEYS``) after photodisintegration, with T -> 3He and 7Be -> 7Li."""
    Yp_bbn: float
    Yp: float
    D_H: float
    He3_H: float
    Li7_H: float
    Li6_H: float
    destroyed: dict[int, float]
    """By reaction number (Cyburt et al. 2003): target nuclei destroyed per baryon."""
    T_window_mev: tuple[float, float]
    active: bool
    """False when no photon above the lowest threshold was emitted after BBN (nothing to do)."""

    def summary(self) -> dict[str, object]:
        """A JSON-ready summary; its keys are stable."""
        return {
            **{key: getattr(self, key) for key in ABUNDANCE_KEYS},
            "destroyed": {str(k): v for k, v in self.destroyed.items()},
            "T_window_mev": list(self.T_window_mev),
            "active": self.active,
        }


def _speed(energy_mev: np.ndarray, mass_mev: float) -> np.ndarray:
    """v = p / E of an N of energy E (E below M, from interpolation, taken as at rest)."""
    return np.sqrt(np.maximum(1.0 - (mass_mev / np.maximum(energy_mev, mass_mev)) ** 2, 0.0))


def _box_nodes(energy_mev: np.ndarray, mass_mev: float, n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Photon energies and weights of the box spectra of N -> nu gamma in flight: for an N of energy E,
    the photon is uniform between E(1 - v)/2 and E(1 + v)/2 (v = p/E); Gauss-Legendre nodes over the
    box (weights sum to 1), a single node at E/2 when v < 1e-2 (the box is then narrower than the
    scale on which the response changes, but near a threshold)."""
    E = np.maximum(energy_mev, mass_mev)
    v = _speed(E, mass_mev)
    x, w = qed.gauss_legendre(n_nodes)
    nodes = 0.5 * E[..., None] * (1.0 + v[..., None] * x)
    weights = np.broadcast_to(0.5 * w, nodes.shape).copy()
    at_rest = v < 1e-2
    nodes[at_rest] = 0.5 * E[at_rest][..., None]
    weights[at_rest] = 0.0
    weights[at_rest, 0] = 1.0
    return nodes, weights


def solve(
    history,
    bbn_result,
    cosmology: Cosmology,
    mass_mev: float,
    cross_sections: str = CROSS_SECTIONS[0],
    steps_per_decade: int = 40,
    quadrature_nodes: int = 4,
    box_nodes: int = 6,
    grid: ResponseGrid | None = None,
) -> PhotodisintegrationResult:
    """Photodisintegration of the BBN abundances by the photons of N -> nu gamma, the pipeline stage.

    The source is the thermal history's own: each N momentum bin emits ``photon_rate_mev4`` photons per
    volume and time, with the box spectrum of its energy ``N_energy_mev`` (decays in flight; at rest a
    line at M/2). The rate of reaction r is sum_bins <R_r>_box(T) q_bin(t) (``response_table``), the
    network (``evolve``) runs from the table's T_max (30 keV; above it E_C(T) < 0.2 MeV and no
    cascade photon reaches a threshold) or the start of the emission, whichever is later, to the end
    of the history, on ``steps_per_decade`` steps per decade of T, each rate integrated with
    ``quadrature_nodes`` Gauss-Legendre nodes in ln t. It starts from the BBN network's final
    abundances (the nuclear reactions have frozen out by 30 keV: the standard decoupling, as in
    ACROPOLIS)."""
    before = {key: float(bbn_result.Y.get(_OURS[key], 0.0)) for key in KEYS}
    t_h, T_h, a_h = history.t_s, history.T_gamma_mev, history.a
    q = np.maximum(np.asarray(history.photon_rate_mev4, dtype=float).reshape(-1, t_h.size), 0.0)
    energies = np.asarray(history.N_energy_mev, dtype=float).reshape(-1, t_h.size)
    table = response_table(grid or ResponseGrid(cross_sections=cross_sections))
    rxs = reactions(cross_sections)
    lowest = min(rx.threshold_mev for rx in rxs)
    T_top = min(float(table.T_mev[0]), float(T_h[0]))
    late = T_h <= T_top
    # the photons that can reach a threshold: each bin's box [E(1-v)/2, E(1+v)/2] above the lowest one
    v_all = _speed(energies, mass_mev)
    E_lo, E_hi = 0.5 * energies * (1.0 - v_all), 0.5 * energies * (1.0 + v_all)
    above = np.where(
        E_hi - E_lo > 1e-12 * E_hi, np.clip((E_hi - lowest) / np.maximum(E_hi - E_lo, 1e-300), 0.0, 1.0), E_lo > lowest
    )
    emitted = (q * above).sum(axis=0)
    E_top = float(np.max(np.where(late[None, :], E_hi, 0.0)))
    # such photons emitted per baryon and ln t (n_b from today's by (a_today / a)^3)
    n_b0 = baryon_density_today_mev3(cosmology)
    a_today = a_h[-1] * T_h[-1] / (cosmology.T_cmb_K * c.K_B_MEV_PER_K)
    per_baryon = emitted / (n_b0 * (a_today / a_h) ** 3) / c.HBAR_MEV_S * t_h  # per ln t
    late_photons = float(np.trapezoid(per_baryon[late], np.log(t_h[late]))) if np.count_nonzero(late) > 1 else 0.0
    if late_photons < 1e-25 or E_top <= lowest:
        # fewer than 1e-25 photons per baryon above the lowest threshold after T_top: nothing to do
        return _unchanged(before, bbn_result, (T_top, float(T_h[-1])))
    significant = np.flatnonzero(late & (per_baryon > 1e-12 * per_baryon[late].max()))
    T_hi = min(T_top, float(T_h[significant[0]]) * 1.05)
    T_lo = max(float(T_h[significant[-1]]) / 1.05, float(T_h[-1]))
    if T_lo >= T_hi:
        return _unchanged(before, bbn_result, (T_hi, T_lo))
    Ts = np.geomspace(T_hi, T_lo, max(int(math.ceil(steps_per_decade * math.log10(T_hi / T_lo))), 1) + 1)
    t_nodes = np.exp(np.interp(-np.log(Ts), -np.log(T_h), np.log(t_h)))
    x, w = qed.gauss_legendre(quadrature_nodes)
    ln_t = np.log(t_nodes)
    sub = ln_t[:-1, None] + 0.5 * (x[None, :] + 1.0) * np.diff(ln_t)[:, None]
    t_sub = np.exp(sub.ravel())
    T_sub = np.exp(np.interp(np.log(t_sub), np.log(t_h), np.log(T_h)))
    # each bin's photon rate and energy at the sub-nodes (rates log-interpolated where positive)
    lq = np.log(np.maximum(q, 1e-300))
    q_sub = np.array([np.exp(np.interp(np.log(t_sub), np.log(t_h), row)) for row in lq])
    q_sub[q_sub < 1e-290] = 0.0
    E_sub = np.array([np.interp(np.log(t_sub), np.log(t_h), row) for row in energies])
    photon_E, photon_w = _box_nodes(E_sub, mass_mev, box_nodes)  # (bins, m, nodes)
    eta = n_b0 / float(photon_number_density(cosmology.T_cmb_K * c.K_B_MEV_PER_K))
    Yp = 4.0 * before["He4"]
    rates = np.zeros((len(rxs), t_sub.size))  # [MeV]: S0 R summed over the photon energies
    # the emission by photon energy: the lines of decays (nearly) at rest merged to 1e-4 in ln E (E/2
    # within 5e-5 of M/2), the nodes of the boxes of decays in flight on a grid of 0.5 % (a box averages
    # R over >= 2 %)
    in_flight = np.broadcast_to((photon_w[..., 1:] > 0).any(axis=-1)[..., None], photon_E.shape)
    keys = np.where(in_flight, np.round(np.log(photon_E) / 5e-3) * 5e-3, np.round(np.log(photon_E), 4))
    amount = q_sub[..., None] * photon_w  # (bins, m, nodes): photons per volume per time at each node
    unique, inverse = np.unique(keys, return_inverse=True)
    m_index = np.broadcast_to(np.arange(t_sub.size)[None, :, None], keys.shape)
    per_energy = np.bincount(
        (inverse.reshape(keys.shape) * t_sub.size + m_index).ravel(),
        weights=amount.ravel(),
        minlength=unique.size * t_sub.size,
    ).reshape(unique.size, t_sub.size)
    live = np.flatnonzero((np.exp(unique) > lowest) & (per_energy.max(axis=1) > 0))
    for e0 in range(0, live.size, 16):
        chosen = live[e0 : e0 + 16]
        for start in range(0, t_sub.size, 512):
            part = slice(start, min(start + 512, t_sub.size))
            R = table.rates(np.exp(unique[chosen]), eta, Yp, T_sub[part])  # (m, r, nE)
            rates[:, part] += np.einsum("mre,em->rm", R, per_energy[chosen][:, part])
    integrand = (rates / c.HBAR_MEV_S * t_sub[None, :]).reshape(len(rxs), *sub.shape)
    mean = np.einsum("q,rkq->rk", 0.5 * w, integrand) * np.diff(ln_t)[None, :] / np.diff(t_nodes)[None, :]
    result = evolve(before, t_nodes, mean, cross_sections, cosmology.tau_n_s, (float(T_hi), float(T_lo)))
    return _result(result.final, bbn_result, before, result.destroyed, result.T_window_mev, True)


def _unchanged(before: dict[str, float], bbn_result, window: tuple[float, float]) -> PhotodisintegrationResult:
    after = dict(before)
    after["He3"] += after.pop("T")
    after["T"] = 0.0
    after["Li7"] += after.pop("Be7")
    after["Be7"] = 0.0
    return _result({k: after[k] for k in KEYS}, bbn_result, before, {}, window, False)


def _result(final, bbn_result, before, destroyed, window, active) -> PhotodisintegrationResult:
    H = final["p"]
    helium = final["He4"] / before["He4"] if before["He4"] > 0 else 1.0
    return PhotodisintegrationResult(
        final,
        bbn_result.Yp_bbn * helium,
        bbn_result.Yp * helium,
        final["D"] / H,
        final["He3"] / H,
        final["Li7"] / H,
        final["Li6"] / H,
        destroyed,
        window,
        active,
    )
