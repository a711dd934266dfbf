"""The cascade's photodisintegration response, computed once: what one photon injected at E0 does.

The discretised cascade (``cascade``) is linear: with N the particles per cell, A N = b for a source
b, and reaction r runs at s_r . N (s_r the cell-averaged cross sections on the photon cells). The
adjoint w_r = A^-T s_r, one solve per temperature for all reactions, gives the response to ANY source
at once: a photon injected at E0 makes

    R_r(E0, T) = [sigma_r(E0) + C_r(E0, T)] / Gamma_gamma(E0, T)

reactions r per unit source rate (MeV^-3 x [source]), where sigma_r(E0) / Gamma_gamma is the line
before its first interaction and C_r = sum_cells w_r . Q(. <- E0) / E the reactions made by the
products of that first interaction (``Q`` the transfer of ``cascade``). C_r is tabulated on the cell
centres (ln E0) for each temperature node and baryon-to-photon ratio; Gamma_gamma (which pair creation
on the CMB makes change by orders of magnitude within a factor 2 in T) and sigma_r(E0) are evaluated
exactly. Decays are integrated on the table's temperature nodes (``solver``), so the only
interpolation is in E0 (linear in C between cell centres) and in ln eta (linear in ln C between the
two eta nodes, which bracket the Planck range). The bath is hydrogen and 4He with the table's mass
fraction Yp (a change of Yp by 0.01 moves the electron density by 0.5 %). Cached on disk
(``ndpcosmo.cache``): about 2 minutes to build, then milliseconds per model point.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ndpcosmo.cache import cached_arrays, fingerprint
from ndpcosmo.photodisintegration import _kernels, cascade, qed
from ndpcosmo.photodisintegration.reactions import CROSS_SECTIONS, reactions
from ndpcosmo.plasma import photon_number_density

TABLE_FORMAT = 4
"""Version of what ``_compute`` stores (part of the cache key with the physics sources)."""


ETA_EXTRAPOLATION = 4.0
"""How far (in spacings of the two eta nodes, 5.5e-10 and 6.7e-10) the per-event responses are extrapolated
in ln eta: eta in [2.5e-10, 1.2e-9], which covers omega_b in [0.010, 0.040]. Beyond (the eta today of a
history diluted by decades, as BBN-only profiles of such histories ask for) they are held at the end:
linear extrapolation over decades turned them negative (a network blown up to NaN). The photons'
own rates stay exact at any eta (``photon_rates``); below the pair cut-off what a photon does is a ratio
of rates on the baryons (photodisintegration against Compton and Bethe-Heitler), nearly independent
of eta."""


@dataclass(frozen=True)
class ResponseGrid:
    """Settings of the response table: cascade cells (E_min ... E_max [MeV], per decade), temperature
    nodes [MeV] (per decade), baryon-to-photon ratios, helium mass fraction, cross-section set."""

    E_max_mev: float = 6e3
    points_per_decade: int = 40
    T_min_mev: float = 2e-7
    T_max_mev: float = 3e-2
    T_per_decade: int = 40
    eta: tuple[float, ...] = (5.5e-10, 6.7e-10)
    Yp: float = 0.247
    cross_sections: str = CROSS_SECTIONS[0]

    def temperatures(self) -> np.ndarray:
        """The temperature nodes, decreasing [MeV]."""
        n = int(math.ceil(self.T_per_decade * math.log10(self.T_max_mev / self.T_min_mev)))
        return np.geomspace(self.T_max_mev, self.T_min_mev, n + 1)

    def edges(self) -> np.ndarray:
        """The cascade cell edges [MeV]."""
        n = int(math.ceil(self.points_per_decade * math.log10(self.E_max_mev / cascade.E_MIN_MEV)))
        return cascade.E_MIN_MEV * (self.E_max_mev / cascade.E_MIN_MEV) ** (np.arange(n + 1) / n)


@dataclass(frozen=True)
class Adjoint:
    """At one temperature: the cell centres [MeV] and c[p, r, j], the reactions r made by the products
    of one interaction of a photon at centre j by pair creation on the CMB (p = 0) and by the other
    processes together (p = 1; photon-photon, Bethe-Heitler and Compton scattering)."""

    E_mev: np.ndarray = field(repr=False)
    c: np.ndarray = field(repr=False)
    renormalisation: float = 0.0


def cell_averages(sigma, edges: np.ndarray, n_nodes: int = 8) -> np.ndarray:
    """Mean of ``sigma`` (E [MeV] -> cross section) over each cell (Gauss-Legendre in E)."""
    lo, hi = edges[:-1], edges[1:]
    t, w = qed.gauss_legendre(n_nodes)
    E = lo[:, None] + 0.5 * (t[None, :] + 1.0) * (hi - lo)[:, None]
    return np.sum(0.5 * w[None, :] * sigma(E), axis=1)


def adjoint(bath: cascade.Bath, sigmas, edges: np.ndarray, system=None) -> Adjoint:
    """Solve the adjoint cascade on the cells ``edges`` for the cross sections ``sigmas`` (callables,
    E [MeV] -> MeV^-2): A^T w_r = s_r, then C_r(j) = sum_i w_r(i) Q(i <- j) / E_i for a photon at
    centre j (``Adjoint``). ``system``: the discretised cascade of ``bath`` for the nodes (cells, then
    point sources at the centres), if already made. The cells' particles are spread over their cells
    (``cascade._systems``); the injected photon is a point at the centre, so its first interaction
    takes the point-source columns."""
    centres = np.sqrt(edges[:-1] * edges[1:])
    n = centres.size
    if system is None:
        nodes = np.concatenate([centres, centres])
        system = cascade._systems(edges, nodes, bath.T_mev, [(bath.n_e_mev3, bath.n_z2_mev3)])[0]
    Q = ((system.tg.Q[0], system.te.Q[0]), (system.tg.Q[1], system.te.Q[1]))  # Q[to][from][i, j]
    # A N = b with A block upper triangular in the cells (particles only lose energy), 2 x 2 blocks
    # (photon, e+-) on the diagonal: A_x,i;x',j = Gamma_x(i) delta - Q[x][x'](i, j) / E_i. The adjoint
    # A^T w = s is solved cell by cell from the bottom (no pivoting across cells, so a reaction's
    # weight stays exactly 0 below its threshold)
    s = np.zeros((2, n, len(sigmas)))
    for r, sigma in enumerate(sigmas):
        s[0, :, r] = cell_averages(sigma, edges)
    gam = (system.gamma_g[:n], system.gamma_e[:n])
    w = np.zeros((2, n, len(sigmas)))
    for i in range(n):
        rhs = s[:, i, :].copy()
        block = np.zeros((2, 2))
        for frm in range(2):  # row of A^T = column of A: the particle x' = frm at cell i
            for to in range(2):
                rhs[frm] += (Q[to][frm][:i, i] / centres[:i]) @ w[to, :i]
                block[frm, to] = -Q[to][frm][i, i] / centres[i]
            block[frm, frm] += gam[frm][i]
        w[:, i, :] = np.linalg.solve(block, rhs)
    w = np.concatenate([w[0], w[1]])  # (2n, n_r)
    # products of a photon's first interaction: Q[to][photon][:, j] / E_i per unit time, split into pair
    # creation and the rest; per interaction of each kind, c_p = sum_to sum_i w(to, i) Q_p[to](i, j) / E_i / Gamma_p(j)
    point = slice(n, 2 * n)  # the point-source columns
    Qp = system.pairs.Q[1][:, point]
    total_g = w[:n].T @ (Q[0][0][:, point] / centres[:, None]) + w[n:].T @ (Q[1][0][:, point] / centres[:, None])
    by_pairs = w[n:].T @ (Qp / centres[:, None])
    gamma_pair = system.rates["pair_creation"][point]
    gamma_g = system.gamma_g[point]
    c = np.zeros((2, len(sigmas), n))
    # pairs: the renormalised total minus the pair part scaled to the exact pair energy Gamma_pc (E - 2m)
    pair_energy = Qp.sum(axis=0) + system.pairs.below[1][point]
    live = pair_energy > 1e-30 * gamma_g * centres
    per_event = np.zeros((len(sigmas), n))
    per_event[:, live] = by_pairs[:, live] * (centres[live] - 2.0 * qed.M_E) / pair_energy[live]
    c[1] = np.maximum(total_g - per_event * gamma_pair, 0.0) / (gamma_g - gamma_pair)
    c[0] = np.maximum(per_event, 0.0)
    # where pair creation is negligible (< 1e-30 of the energy flow) its products carry the value of the
    # lowest centre where it is not (they enter multiplied by the tiny rate)
    if live.any() and not live.all():
        first = int(np.argmax(live))
        c[0][:, :first] = c[0][:, first : first + 1]
    # nothing happens below a reaction's threshold cell (its products are lower still)
    below = np.arange(n)[None, :] < np.argmax(s[0].T > 0, axis=1)[:, None]
    c[:, below] = 0.0
    return Adjoint(centres, c, system.renormalisation)


@dataclass(frozen=True)
class ResponseTable:
    """c[h, k, p, r, j] on eta_h x T_k x process x reactions x cell centres (``Adjoint``), and the grid."""

    grid: ResponseGrid
    T_mev: np.ndarray = field(repr=False)
    E_mev: np.ndarray = field(repr=False)
    c: np.ndarray = field(repr=False)
    renormalisation: float = 0.0

    @functools.cached_property
    def _ln_nodes(self) -> np.ndarray:
        """ln E of E_min and the cell centres (the energy nodes of ``per_event``)."""
        return np.concatenate([[math.log(cascade.E_MIN_MEV)], np.log(self.E_mev)])

    @functools.cached_property
    def _padded(self) -> tuple[np.ndarray, np.ndarray]:
        """c reordered to (T, E, eta, p, r) with a row of zeros at E_min prepended on the energy axis,
        and its logarithm (0 where c = 0): lookups gather contiguous (eta, p, r) blocks."""
        c = np.concatenate([np.zeros(self.c.shape[:-1] + (1,)), self.c], axis=-1)
        c = np.ascontiguousarray(np.moveaxis(c, (1, 4), (0, 1)))
        return c, np.log(np.where(c > 0, c, 1.0))

    def per_event(self, E0_mev: np.ndarray, eta: float, T_mev: np.ndarray) -> np.ndarray:
        """c[m, p, r, E0] at the temperatures ``T_mev`` (m of them): ln c bilinear in (ln E0, ln T)
        between the table's nodes (c itself where a corner is 0; c = 0 at E_min, below every
        threshold; T clipped to the table), ln c linear in ln eta between the two eta nodes,
        extrapolated up to ETA_EXTRAPOLATION node spacings beyond (the profiles' omega_b range, 0.010 -
        0.040) and held there; never negative. The reactions made by the products of pair creation
        rise steeply with E0 just above the pair threshold: hence the logarithms."""
        E0 = np.atleast_1d(np.asarray(E0_mev, dtype=float))
        T = np.atleast_1d(np.asarray(T_mev, dtype=float))
        x = self._ln_nodes
        u = np.log(np.clip(E0, cascade.E_MIN_MEV, self.E_mev[-1]))
        j = np.clip(np.searchsorted(x, u) - 1, 0, x.size - 2)
        f = (u - x[j]) / (x[j + 1] - x[j])
        y = -np.log(self.T_mev)  # increasing
        v = np.clip(-np.log(T), y[0], y[-1])
        k = np.clip(np.searchsorted(y, v) - 1, 0, y.size - 2)
        g = (v - y[k]) / (y[k + 1] - y[k])
        c, log_c = self._padded  # (T, 1 + E, h, p, r)
        eta_nodes = self.grid.eta
        h = 0.0 if len(eta_nodes) == 1 else math.log(eta / eta_nodes[0]) / math.log(eta_nodes[1] / eta_nodes[0])
        h = min(max(h, -ETA_EXTRAPOLATION), 1.0 + ETA_EXTRAPOLATION)
        return np.maximum(_kernels.response_per_event(c, log_c, j, f, k, g, h), 0.0)  # (m, p, r, nE)

    def rates(self, E0_mev: np.ndarray, eta: float, Yp: float, T_mev: np.ndarray) -> np.ndarray:
        """R_r(E0, T) [MeV^-3 per unit source rate], shape (len(T), r, len(E0)):
        [sigma_r(E0) + Gamma_pc c_0 + (Gamma_gamma - Gamma_pc) c_1] / Gamma_gamma with the rates exact at
        (E0, T) (``photon_rates``) and c from ``per_event``."""
        E0 = np.atleast_1d(np.asarray(E0_mev, dtype=float))
        T = np.atleast_1d(np.asarray(T_mev, dtype=float))
        pair, gamma = photon_rates(E0, T, eta, Yp)
        rxs = reactions(self.grid.cross_sections)
        sigma = np.array([rx.sigma_mev2(E0) for rx in rxs])  # (r, nE)
        c = self.per_event(E0, eta, T)  # (m, p, r, nE)
        # the products of a photon are below it: nothing for a reaction whose threshold is above E0
        # (the cell that holds a threshold would otherwise leak a little below it)
        possible = E0[None, :] > np.array([rx.threshold_mev for rx in rxs])[:, None]
        cont = (pair[:, None, :] * c[:, 0] + (gamma - pair)[:, None, :] * c[:, 1]) * possible[None]
        return (sigma[None] + cont) / gamma[:, None, :]


def photon_rates(E_mev: np.ndarray, T_mev: np.ndarray, eta: float, Yp: float) -> tuple[np.ndarray, np.ndarray]:
    """Pair-creation and total interaction rates [MeV] of photons E (n_E) in baths at T (n_T) with
    n_b = eta n_gamma(T): ``cascade.photon_rates`` on an (n_T, n_E) grid, two (n_T, n_E) arrays."""
    E = np.atleast_1d(np.asarray(E_mev, dtype=float))
    T = np.atleast_1d(np.asarray(T_mev, dtype=float))[:, None]
    bath = cascade.Bath.from_baryons(T, eta * photon_number_density(T), Yp)
    rates = cascade.photon_rates(np.broadcast_to(E, (T.size, E.size)), bath)
    return rates["pair_creation"], sum(rates.values())


def _adjoint_rows(grid: ResponseGrid, T_mev: np.ndarray) -> tuple[np.ndarray, float]:
    """c at the temperatures ``T_mev`` for every eta, (n_T, n_eta, ...) (one worker's share of
    ``_compute``): the cascade is discretised once per temperature for all the baths."""
    sigmas = [rx.sigma_mev2 for rx in reactions(grid.cross_sections)]
    edges = grid.edges()
    centres = np.sqrt(edges[:-1] * edges[1:])
    nodes = np.concatenate([centres, centres])  # the cells, then point sources at their centres
    rows, worst = [], 0.0
    for t in T_mev:
        baths = [
            cascade.Bath.from_baryons(float(t), eta * float(photon_number_density(float(t))), grid.Yp)
            for eta in grid.eta
        ]
        systems = cascade._systems(edges, nodes, float(t), [(b.n_e_mev3, b.n_z2_mev3) for b in baths])
        adjs = [adjoint(b, sigmas, edges, system) for b, system in zip(baths, systems, strict=True)]
        rows.append([adj.c for adj in adjs])
        worst = max([worst] + [adj.renormalisation for adj in adjs])
    return np.array(rows), worst


def _compute(grid: ResponseGrid, workers: int | None = None) -> dict[str, np.ndarray]:
    """All temperature nodes for every eta, in ``workers`` processes (default: the CPUs)."""
    import concurrent.futures
    import os

    T = grid.temperatures()
    workers = max(1, min(workers or os.cpu_count() or 1, 8))
    c = np.zeros((len(grid.eta), T.size, 2, len(reactions(grid.cross_sections)), grid.edges().size - 1))
    worst = 0.0
    # interleaved shares (the cost varies with T), finer than the workers for balance
    shares = 4 * workers
    chunks = [T[i::shares] for i in range(shares)]
    jobs = [i for i in range(shares) if chunks[i].size]
    if workers == 1:
        results = [_adjoint_rows(grid, chunks[i]) for i in jobs]
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_adjoint_rows, grid, chunks[i]) for i in jobs]
            results = [f.result() for f in futures]
    for i, (rows, bad) in zip(jobs, results, strict=True):
        c[:, i::shares] = np.moveaxis(rows, 1, 0)
        worst = max(worst, bad)
    return {"T": T, "E": np.sqrt(grid.edges()[:-1] * grid.edges()[1:]), "c": c, "renormalisation": np.array(worst)}


@functools.lru_cache(maxsize=4)
def response_table(grid: ResponseGrid = ResponseGrid()) -> ResponseTable:
    """The response table for ``grid``, computed once (about 2 minutes at the default) and cached on
    disk, keyed by the grid and the source files of the cascade and cross sections."""
    here = Path(__file__).parent
    sources = [here / name for name in ("cascade.py", "qed.py", "_kernels.py", "reactions.py", "fits.py")]
    sources += sorted((here / "data").glob("*.txt"))
    fp = fingerprint(sources, (grid, TABLE_FORMAT))
    data = cached_arrays(
        "pdi-response", fp, lambda: _compute(grid), "the photodisintegration response table (2-4 min on 2 cores)"
    )
    return ResponseTable(grid, data["T"], data["E"], data["c"], float(data["renormalisation"]))
