"""The electromagnetic cascade of injected photons (and the e+- it makes) in the thermal bath.

Quasi-static spectra f_x(E) (x = gamma, e = e+ + e-, number per volume per energy) solve
(Kawasaki & Moroi 1995; Hufnagel, Schmidt-Hoberg & Wild, arXiv:1808.09324; Depta, Hufnagel &
Schmidt-Hoberg, arXiv:2011.06518, eqs. 2.4-2.7)

    Gamma_x(E) f_x(E) = S_x(E) + sum_x' int_E^E0 dE' K_{x' -> x}(E, E') f_x'(E'),

with a monochromatic source S_gamma = S0 delta(E - E0): the line is split off, F = f - S0 delta/Gamma,
and the equations are solved from E0 down to E_min on a logarithmic grid by the trapezoidal rule,
node by node (a 2 x 2 linear system per node; arXiv:2011.06518 sec. 3.1). Processes (``qed``):
photons: pair creation on the CMB, photon-photon scattering, Bethe-Heitler pair creation on H and
4He, Compton scattering on thermal electrons; e+-: inverse Compton scattering on the CMB. The
electron energies are total energies. Units: MeV; rates in MeV (natural units); f per unit S0.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ndpcosmo.photodisintegration import _kernels, qed

E_MIN_MEV = 1.5
"""Lower end of the cascade grid: below the lowest photodisintegration threshold (7Be, 1.587 MeV)."""


@dataclass(frozen=True)
class Bath:
    """The thermal bath at one time: photon temperature [MeV], electron density and sum Z^2 n_N [MeV^3]."""

    T_mev: float
    n_e_mev3: float
    n_z2_mev3: float

    @classmethod
    def from_baryons(cls, T_mev: float, n_b_mev3: float, Yp: float) -> Bath:
        """Hydrogen and 4He only (mass fraction Yp): n_e = (1 - Yp/2) n_b, sum Z^2 n = n_b (1 - Yp/2 + Yp/2)."""
        n_h = (1.0 - Yp) * n_b_mev3
        n_he = Yp / 4.0 * n_b_mev3
        return cls(T_mev, n_h + 2.0 * n_he, n_h + 4.0 * n_he)


@dataclass(frozen=True)
class Spectrum:
    """The cascade solution for a unit source S0 = 1 of photons at E0: continuous photon and e+-
    spectra F on the grid ``E_mev`` (per unit S0 [MeV^-2]) and the line's weight 1 / Gamma_gamma(E0)."""

    E_mev: np.ndarray = field(repr=False)
    F_gamma: np.ndarray = field(repr=False)
    F_e: np.ndarray = field(repr=False)
    line: float
    E0_mev: float
    bath: Bath
    renormalisation: float = 0.0
    """Largest correction the energy-conserving renormalisation of the kernels' quadrature made."""
    _balance: tuple = field(default=(), repr=False, compare=False)

    def rate(self, sigma: Callable[[np.ndarray], np.ndarray], n_nodes: int = 8) -> float:
        """int f_gamma sigma dE per unit S0 [sigma's unit x MeV^3 / MeV^...]: the cells' photons times the
        cell average of ``sigma`` (E [MeV] -> cross section), plus the line at E0."""
        lo = self.E_mev / np.sqrt(self.E_mev[1] / self.E_mev[0]) if self.E_mev.size > 1 else self.E_mev
        hi = lo * (self.E_mev[1] / self.E_mev[0]) if self.E_mev.size > 1 else self.E_mev
        t, w = qed.gauss_legendre(n_nodes)
        E = lo[:, None] + 0.5 * (t[None, :] + 1.0) * (hi - lo)[:, None]
        mean = np.sum(0.5 * w[None, :] * sigma(E), axis=1)
        return float(np.sum(self.F_gamma * (hi - lo) * mean) + self.line * float(sigma(np.array([self.E0_mev]))[0]))


def _planck(eps: np.ndarray, T: float) -> np.ndarray:
    """f_gamma(eps) = eps^2 / (pi^2 (exp(eps/T) - 1)) [MeV^2]."""
    return eps**2 / (math.pi**2 * np.expm1(eps / T))


@functools.lru_cache(maxsize=8)
def _laguerre_unit(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.laguerre.laggauss(n)
    return x, w * np.exp(x)


def _laguerre(n: int, T: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for int_0^inf g(eps) d eps with g ~ Planck (Gauss-Laguerre in eps/T)."""
    x, w = _laguerre_unit(n)
    return x * T, w * T


def _jones_range(E_photon: np.ndarray, E_e: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Jones' kernel holds for eps <= E_photon <= 4 eps E_e^2 / (m^2 + 4 eps E_e) (upscattering)."""
    top = 4.0 * eps * E_e**2 / (qed.M_E**2 + 4.0 * eps * E_e)
    return ((E_photon >= eps) & (E_photon <= top)).astype(float)


def inverse_compton_moments(E_e: np.ndarray, T: float, n_eps: int = 48, n_q: int = 64) -> dict[str, np.ndarray]:
    """Inverse Compton scattering of electrons of total energy E_e on the CMB at T [MeV units]: the
    rate ``rate`` (upscatterings counted by Jones' kernel), the energy rate carried off by the
    scattered photons ``photon_power`` and the energy rate taken from the CMB ``target_power``
    (Jones' kernel integrated in ln q, q = E1 / (G (E_e - E1)), from E1 = eps to q = 1, and over the
    Planck spectrum)."""
    eps, w = _laguerre(n_eps, T)
    E_e = np.atleast_1d(np.asarray(E_e, dtype=float))[:, None, None]
    eps3 = eps[None, :, None]
    gamma = E_e / qed.M_E
    G = 4.0 * eps3 * gamma / qed.M_E
    t, wq = qed.gauss_legendre(n_q)
    q_low = np.maximum(1.0 / (4.0 * gamma**2), eps3 / (G * (E_e - eps3)))
    span = -np.log(q_low)
    q = np.exp(np.log(q_low) + 0.5 * (t + 1.0) * span)
    E1 = G * E_e * q / (1.0 + G * q)
    dE1_dlnq = q * G * E_e / (1.0 + G * q) ** 2
    k = qed.inverse_compton_kernel(E1 * (1.0 + 1e-12), gamma, eps3) * dE1_dlnq * 0.5 * span * wq
    weight = w * _planck(eps, T)
    number = np.sum(k, axis=-1)  # (n_E, n_eps)
    return {
        "rate": np.sum(weight * number, axis=-1),
        "photon_power": np.sum(weight * np.sum(k * E1, axis=-1), axis=-1),
        "target_power": np.sum(weight * eps * number, axis=-1),
    }


def inverse_compton_rate(E_e: np.ndarray, T: float, n_eps: int = 48, n_q: int = 64) -> np.ndarray:
    """Total inverse Compton rate [MeV] of electrons of total energy E_e (``inverse_compton_moments``)."""
    return inverse_compton_moments(E_e, T, n_eps, n_q)["rate"]


def photon_rates(E: np.ndarray, bath: Bath) -> dict[str, np.ndarray]:
    """Photon interaction rates [MeV] by process."""
    E = np.atleast_1d(np.asarray(E, dtype=float))
    return {
        "pair_creation": qed.pair_creation_rate(E, bath.T_mev),
        "photon_photon": qed.photon_photon_rate(E, bath.T_mev),
        "bethe_heitler": bath.n_z2_mev3 * qed.bethe_heitler(E, 1.0),
        "compton": bath.n_e_mev3 * qed.klein_nishina(E),
    }


def _photon_products_by_process(E_out: np.ndarray, E_in: float, bath: Bath) -> list[tuple[np.ndarray, np.ndarray]]:
    """Differential rates [per MeV] from one photon at E_in, by process, each as (photons at E_out, e+-
    together at kinetic energy E_out): pair creation on the CMB, photon-photon scattering, Compton
    scattering per unit electron density and Bethe-Heitler pair creation per unit sum Z^2 n (only T
    is taken from ``bath``)."""
    zero = np.zeros_like(E_out)
    total = E_out + qed.M_E
    _, pairs = qed.pair_creation(E_in, bath.T_mev, total / E_in, n_s=200)
    compton_g = qed.compton_differential(E_out, E_in)
    compton_e = qed.compton_differential(E_in - E_out, E_in)
    return [
        (zero, pairs / E_in),
        (qed.photon_photon_spectrum(E_out, E_in, bath.T_mev), zero),
        (compton_g, compton_e),
        (zero, 2.0 * qed.bethe_heitler_differential(total, E_in)),
    ]


def _electron_products(E_out: np.ndarray, K_in: float, bath: Bath) -> tuple[np.ndarray, np.ndarray]:
    """Differential rates [per MeV] from one e+- of kinetic energy K_in (inverse Compton): photons at
    E_out and the scattered lepton at kinetic energy E_out (numba: ``_kernels``)."""
    eps, w = _laguerre(48, bath.T_mev)
    return _kernels.inverse_compton_products(
        np.ascontiguousarray(E_out, dtype=float), float(K_in), eps, w * _planck(eps, bath.T_mev), qed.M_E, qed.R_E**2
    )


@dataclass(frozen=True)
class _Transfer:
    """Energy an interacting particle at E_j puts into each cell i <= j and below the grid, per unit
    time, by product species: Q[to][i, j] [MeV x MeV], below[to][j], and the target energy taken up."""

    Q: tuple[np.ndarray, np.ndarray]
    below: tuple[np.ndarray, np.ndarray]
    targets: np.ndarray


def _cell_nodes(lo: float, hi: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights in ln E over [lo, hi] (weights include dE = E d ln E)."""
    t, w = qed.gauss_legendre(n)
    u = 0.5 * (t + 1.0) * math.log(hi / lo) + math.log(lo)
    E = np.exp(u)
    return E, 0.5 * math.log(hi / lo) * w * E


def _edges_of(E_in: float, electron_source: bool) -> list[float]:
    """Energies where a product spectrum has a kink or a jump (panel boundaries): the Compton edges of
    the scattered photon and the recoil electron (kinetic) for a photon source."""
    if electron_source:
        return []
    x = 2.0 * E_in / qed.M_E
    return [E_in / (1.0 + x), E_in * x / (1.0 + x)]


def _transfer(
    edges: np.ndarray,
    sources: np.ndarray,
    bath: Bath,
    products,
    n_sub: int,
    n_top: int,
    electron_source: bool = False,
    n_below: int = 40,
    groups: int = 0,
) -> _Transfer | list[_Transfer]:
    """Integrate the product spectra of a particle at each source energy over every cell below it
    (energy weighted) and below the grid: Gauss-Legendre panels in ln E between the cell edges, the
    kinks of the spectra (Compton edges) and the source energy; the source's own cell is also
    sampled in ln(E_j - E), where inverse Compton scattering loses little energy per event. One
    evaluation of the product spectra per source. ``groups`` > 0: ``products`` returns that many
    (photons, leptons) pairs (processes) and a list of transfers, one per group, is returned."""
    n = edges.size - 1
    m = sources.size
    k = max(groups, 1)
    Qg = np.zeros((k, n, m))
    Qe = np.zeros((k, n, m))
    below_g = np.zeros((k, m))
    below_e = np.zeros((k, m))
    t, wl = qed.gauss_legendre(n_sub)
    grid_below = np.geomspace(1e-6, edges[0], n_below + 1)
    for j, Ej in enumerate(sources):
        top = min(max(int(np.searchsorted(edges, Ej, side="left")) - 1, 0), n - 1)
        cuts = np.concatenate([grid_below, edges[1 : top + 1], [Ej], _edges_of(Ej, electron_source)])
        cuts = np.unique(cuts[(cuts >= grid_below[0]) & (cuts <= Ej)])
        lo, hi = cuts[:-1], cuts[1:]
        u = np.log(lo)[:, None] + 0.5 * (t[None, :] + 1.0) * np.log(hi / lo)[:, None]
        E_p = np.exp(u)
        w_p = 0.5 * np.log(hi / lo)[:, None] * wl[None, :] * E_p
        # the part of the source's own cell next to Ej, in ln(Ej - E), replaces the plain panels there;
        # for leptons (small inverse Compton losses, a narrow peak just below Ej that can straddle the
        # cell's lower edge when Ej is a node low in its cell) also the cell below
        if electron_source:
            a_lo = edges[top - 1] if top >= 1 else grid_below[-2]
        else:
            a_lo = max(edges[top], lo[-1])
        d, w_d = _cell_nodes(max(1e-9 * Ej, 1e-300), Ej - a_lo, n_top)
        in_top_panel = lo >= a_lo - 1e-15 * Ej
        E_all = np.concatenate([E_p[~in_top_panel].ravel(), Ej - d])
        w_all = np.concatenate([w_p[~in_top_panel].ravel(), w_d])
        out = products(E_all, Ej, bath)
        cell = np.clip(np.searchsorted(edges, E_all, side="right") - 1, -1, n - 1)
        cell = np.where(E_all < edges[0], -1, cell)
        on = cell >= 0
        for q, (g, e) in enumerate(out if groups else [out]):
            eg = w_all * E_all * g
            ee = w_all * E_all * e
            Qg[q, :, j] = np.bincount(cell[on], weights=eg[on], minlength=n)
            Qe[q, :, j] = np.bincount(cell[on], weights=ee[on], minlength=n)
            below_g[q, j] = eg[~on].sum()
            below_e[q, j] = ee[~on].sum()
    transfers = [_Transfer((Qg[q], Qe[q]), (below_g[q], below_e[q]), np.zeros(m)) for q in range(k)]
    return transfers if groups else transfers[0]


@dataclass(frozen=True)
class _System:
    """The discretised cascade on cells ``edges`` for particles at ``nodes``: the energy transfers
    (renormalised to conserve energy exactly), the total rates and the photon rates by process."""

    tg: _Transfer
    te: _Transfer
    gamma_g: np.ndarray
    gamma_e: np.ndarray
    rates: dict
    renormalisation: float
    pairs: _Transfer | None = None
    """The part of ``tg`` made by pair creation on the CMB (not renormalised)."""


def _system(edges: np.ndarray, nodes: np.ndarray, bath: Bath, n_sub: int = 6, n_top: int = 24) -> _System:
    """Transfers and rates of photons and e+- (kinetic energy) at ``nodes`` into the cells ``edges``
    (the first len(edges) - 1 nodes are the cells' particles, any further node a point source)."""
    return _systems(edges, nodes, bath.T_mev, [(bath.n_e_mev3, bath.n_z2_mev3)], n_sub, n_top)[0]


CELL_SOURCE_NODES = 3
"""Gauss-Legendre nodes in ln E over a cell at which the products of the cell's particles are taken."""


def _cell_average(values: np.ndarray, n_cells: int, n_avg: int, weights: np.ndarray) -> np.ndarray:
    """Average the last axis over the sub-nodes of each cell (the first n_cells n_avg entries), keep the
    point sources after them."""
    cells = values[..., : n_cells * n_avg].reshape(values.shape[:-1] + (n_cells, n_avg)) @ weights
    return np.concatenate([cells, values[..., n_cells * n_avg :]], axis=-1)


def _systems(
    edges: np.ndarray,
    nodes: np.ndarray,
    T_mev: float,
    densities: list[tuple[float, float]],
    n_sub: int = 6,
    n_top: int = 24,
    n_avg: int = CELL_SOURCE_NODES,
) -> list[_System]:
    """``_system`` at one temperature for several baths (n_e, sum Z^2 n) [MeV^3]: the transfers are
    linear in the densities, so every process is integrated once (Compton and Bethe-Heitler per unit
    density) and the baths assembled from them. Each system carries its pair-creation part.

    A cell's particles are spread over the cell (its products and rates are averages over ``n_avg``
    Gauss-Legendre nodes in ln E), not put at its centre: with small losses per event (inverse Compton
    scattering in the Thomson regime) a particle at the centre would need a loss of half a cell to
    leave it and would linger; the averaged transfer gives the right residence time. The energy a
    cell's particle carries is its centre's (products are counted in numbers as energy / centre), and
    each column is renormalised to conserve that energy exactly."""
    n_cells = edges.size - 1
    t, w = qed.gauss_legendre(n_avg)
    sub = np.exp(np.log(edges[:-1])[:, None] + 0.5 * (t[None, :] + 1.0) * np.log(edges[1:] / edges[:-1])[:, None])
    sources = np.concatenate([sub.ravel(), nodes[n_cells:]])
    weights = 0.5 * w

    def averaged(transfer: _Transfer) -> _Transfer:
        return _Transfer(
            tuple(_cell_average(q, n_cells, n_avg, weights) for q in transfer.Q),
            tuple(_cell_average(b, n_cells, n_avg, weights) for b in transfer.below),
            _cell_average(transfer.targets, n_cells, n_avg, weights),
        )

    probe = Bath(T_mev, 1.0, 1.0)
    pair_t, gg_t, compton_t, bh_t = (
        averaged(x) for x in _transfer(edges, sources, probe, _photon_products_by_process, n_sub, n_top, groups=4)
    )
    ic = {
        k: _cell_average(v, n_cells, n_avg, weights)
        for k, v in inverse_compton_moments(sources + qed.M_E, T_mev).items()
    }
    gamma_e = ic["rate"]
    te = averaged(_transfer(edges, sources, probe, _electron_products, n_sub, n_top, electron_source=True))
    # leptons put their kinetic energy plus the CMB energy they take up into the scattered photon and
    # lepton; the quadratures are corrected to these exact totals (``renormalisation``: tests)
    lepton_exact = gamma_e * nodes + ic["target_power"] - ic["photon_power"]
    fix_ph = ic["photon_power"] / (te.Q[0].sum(axis=0) + te.below[0])
    fix_le = lepton_exact / (te.Q[1].sum(axis=0) + te.below[1])
    te = _Transfer(
        (te.Q[0] * fix_ph, te.Q[1] * fix_le), (te.below[0] * fix_ph, te.below[1] * fix_le), ic["target_power"]
    )
    fix_e = max(np.max(np.abs(fix_ph - 1.0)), np.max(np.abs(fix_le - 1.0)))
    out = []
    for n_e, n_z2 in densities:
        bath = Bath(T_mev, n_e, n_z2)
        rates = {k: _cell_average(v, n_cells, n_avg, weights) for k, v in photon_rates(sources, bath).items()}
        gamma_g = sum(rates.values())
        factors = (1.0, 1.0, n_e, n_z2)
        parts = (pair_t, gg_t, compton_t, bh_t)
        Q = [sum(f * p.Q[x] for f, p in zip(factors, parts, strict=True)) for x in range(2)]
        below = [sum(f * p.below[x] for f, p in zip(factors, parts, strict=True)) for x in range(2)]
        # photons put Gamma E - 2 m (the pairs' rest mass) into photons and lepton kinetic energy
        exact_g = gamma_g * nodes - 2.0 * qed.M_E * (rates["pair_creation"] + rates["bethe_heitler"])
        fix_g = exact_g / (Q[0].sum(axis=0) + Q[1].sum(axis=0) + below[0] + below[1])
        tg = _Transfer((Q[0] * fix_g, Q[1] * fix_g), (below[0] * fix_g, below[1] * fix_g), np.zeros(nodes.size))
        renormalisation = float(max(np.max(np.abs(fix_g - 1.0)), fix_e))
        out.append(_System(tg, te, gamma_g, gamma_e, rates, renormalisation, pair_t))
    return out


def solve(
    E0_mev: float,
    bath: Bath,
    points_per_decade: int = 100,
    E_min_mev: float = E_MIN_MEV,
    n_sub: int = 6,
    n_top: int = 24,
) -> Spectrum:
    """Cascade spectra for a unit monochromatic photon source at E0 (quasi-static, no expansion).

    Finite volumes: cells between E_min and E0 (log spaced), particles of a cell taken at its
    centre; what a particle at E_j produces is integrated over each cell below it, weighted by energy
    (so energy is conserved exactly by the discretisation: ``energy_balance``); the cell of the
    source itself, where inverse Compton scattering loses little energy per event, is sampled densely.
    ``F_gamma`` and ``F_e`` are the number of particles per cell divided by its width (per unit S0)."""
    if E0_mev <= E_min_mev:
        E = np.array([E_min_mev])
        return Spectrum(E, np.zeros(1), np.zeros(1), 0.0, E0_mev, bath)
    n = max(int(math.ceil(points_per_decade * math.log10(E0_mev / E_min_mev))), 4)
    edges = E_min_mev * (E0_mev / E_min_mev) ** (np.arange(n + 1) / n)
    centres = np.sqrt(edges[:-1] * edges[1:])
    nodes = np.append(centres, E0_mev)  # the last column: the injected line
    system = _system(edges, nodes, bath, n_sub, n_top)
    tg, te, gamma_g, gamma_e = system.tg, system.te, system.gamma_g, system.gamma_e
    rates, renormalisation = system.rates, system.renormalisation
    # number of particles per cell N, per unit source: Gamma_x N_x,i = sum_j [Q_x'->x(i <- j) / E_i] N_x',j
    N = np.zeros((2, n + 1))
    N[0, n] = 1.0 / gamma_g[n]  # the line
    gam = (gamma_g, gamma_e)
    Q = ((tg.Q[0], te.Q[0]), (tg.Q[1], te.Q[1]))  # Q[to][from]
    for i in range(n - 1, -1, -1):
        rhs = np.zeros(2)
        M = np.eye(2)
        for to in range(2):
            for frm in range(2):
                rhs[to] += np.dot(Q[to][frm][i, i + 1 :], N[frm, i + 1 :]) / nodes[i]
                M[to, frm] -= Q[to][frm][i, i] / nodes[i] / gam[to][i]
            rhs[to] /= gam[to][i]
        N[:, i] = np.linalg.solve(M, rhs)
    width = np.diff(edges)
    balance = (tg, te, N, nodes, rates)
    return Spectrum(
        centres, N[0, :n] / width, N[1, :n] / width, float(N[0, n]), E0_mev, bath, renormalisation, _balance=balance
    )


def energy_balance(spectrum: Spectrum) -> dict[str, float]:
    """Energy flows per unit source [MeV x rate]: ``injected`` (E0); ``targets``, the energy taken from
    the CMB by inverse Compton scattering; ``absorbed``, what the cascade hands to the bath below
    E_min (photons, and leptons by kinetic energy); ``rest_mass``, the rest energy of the pairs
    created. Conservation: injected + targets = absorbed + rest_mass (``residual``, relative)."""
    tg, te, N, nodes, rates = spectrum._balance
    absorbed = float(np.dot(tg.below[0] + tg.below[1], N[0]) + np.dot(te.below[0] + te.below[1], N[1]))
    rest = float(np.dot(2.0 * qed.M_E * (rates["pair_creation"] + rates["bethe_heitler"]), N[0]))
    targets = float(np.dot(te.targets, N[1]))
    injected = spectrum.E0_mev
    return {
        "injected": injected,
        "targets": targets,
        "absorbed": absorbed,
        "rest_mass": rest,
        "residual": (injected + targets - absorbed - rest) / injected,
    }
