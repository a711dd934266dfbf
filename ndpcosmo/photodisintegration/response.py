"""The cascade's photodisintegration response, tabulated once: what a source of photons at E0 does.

For a unit monochromatic source (one photon per volume per time at E0) in the bath at T, each
reaction r runs at R_r(E0, T) = int F_gamma sigma_r dE + sigma_r(E0) / Gamma_gamma(E0, T): the
continuous cascade spectrum plus the injected line before its first interaction. The continuous part
per interaction of the injected photon, R_cont Gamma_gamma(E0), is smooth in (ln E0, ln T) and is
tabulated (cached on disk: ``ndpcosmo.cache``); Gamma_gamma(E0, T), which pair creation on the CMB
makes change by orders of magnitude within a factor 2 in T, and the line are evaluated exactly. The
bath is hydrogen and helium at a fixed baryon-to-photon ratio eta (n_b = eta n_gamma(T)) and helium
mass fraction, the table's settings.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ndpcosmo.cache import cached_arrays, fingerprint
from ndpcosmo.photodisintegration import cascade
from ndpcosmo.photodisintegration.reactions import reactions
from ndpcosmo.plasma import photon_number_density


@dataclass(frozen=True)
class ResponseGrid:
    """Settings of the response table: E0 and T ranges [MeV] and densities, cascade resolution."""

    E0_min_mev: float = 1.55
    E0_max_mev: float = 160.0
    E0_per_decade: int = 20
    T_min_mev: float = 2e-7
    T_max_mev: float = 1.5e-2
    T_per_decade: int = 24
    cascade_points_per_decade: int = 30


def _photon_density(T: float) -> float:
    return float(photon_number_density(T))


@dataclass(frozen=True)
class ResponseTable:
    """R_cont[r, i, k] (per unit source [MeV^-3]) and Gamma_gamma[i, k] [MeV] on ln E0_i x ln T_k."""

    lnE0: np.ndarray = field(repr=False)
    lnT: np.ndarray = field(repr=False)
    R_cont: np.ndarray = field(repr=False)
    gamma: np.ndarray = field(repr=False)
    eta: float
    Yp: float

    def rates(self, E0_mev: float, T_mev: float) -> np.ndarray:
        """R_r(E0, T) for every reaction [MeV^-3 per unit source]: the line sigma_r(E0) / Gamma_gamma(E0, T)
        exact, the continuum from ln(R_cont Gamma_gamma) bilinear in (ln E0, ln T) divided by the exact
        Gamma_gamma."""
        rxs = reactions()
        out = np.zeros(len(rxs))
        if E0_mev <= cascade.E_MIN_MEV:
            return out
        x = float(np.clip(math.log(E0_mev), self.lnE0[0], self.lnE0[-1]))
        y = float(np.clip(math.log(T_mev), self.lnT[0], self.lnT[-1]))
        i = int(np.clip(np.searchsorted(self.lnE0, x) - 1, 0, self.lnE0.size - 2))
        k = int(np.clip(np.searchsorted(self.lnT, y) - 1, 0, self.lnT.size - 2))
        u = (x - self.lnE0[i]) / (self.lnE0[i + 1] - self.lnE0[i])
        v = (y - self.lnT[k]) / (self.lnT[k + 1] - self.lnT[k])
        w = np.array([(1 - u) * (1 - v), u * (1 - v), (1 - u) * v, u * v])

        def blend(table: np.ndarray) -> np.ndarray:
            corners = np.stack([table[..., i, k], table[..., i + 1, k], table[..., i, k + 1], table[..., i + 1, k + 1]])
            return np.tensordot(w, corners, axes=1)

        # Gamma_gamma(E0) exact in the bath at T (pair creation on the CMB turns on steeply with T); the
        # continuum is tabulated per interaction of the injected photon, R_cont Gamma_gamma, which is smooth
        bath = cascade.Bath.from_baryons(T_mev, self.eta * _photon_density(T_mev), self.Yp)
        gamma = float(sum(cascade.photon_rates(np.array([E0_mev]), bath).values())[0])
        cont = np.exp(blend(np.log(np.maximum(self.R_cont * self.gamma, 1e-300)))) / gamma
        for r, rx in enumerate(rxs):
            out[r] = (cont[r] if cont[r] > 1e-299 else 0.0) + float(rx.sigma_mev2(np.array([E0_mev]))[0]) / gamma
        return out


def _compute(grid: ResponseGrid, eta: float, Yp: float) -> dict[str, np.ndarray]:
    E0 = np.geomspace(
        grid.E0_min_mev,
        grid.E0_max_mev,
        int(math.ceil(grid.E0_per_decade * math.log10(grid.E0_max_mev / grid.E0_min_mev))) + 1,
    )
    T = np.geomspace(
        grid.T_min_mev,
        grid.T_max_mev,
        int(math.ceil(grid.T_per_decade * math.log10(grid.T_max_mev / grid.T_min_mev))) + 1,
    )
    rxs = reactions()
    R = np.zeros((len(rxs), E0.size, T.size))
    gamma = np.zeros((E0.size, T.size))
    for k, t in enumerate(T):
        bath = cascade.Bath.from_baryons(float(t), eta * _photon_density(float(t)), Yp)
        for i, e in enumerate(E0):
            gamma[i, k] = sum(cascade.photon_rates(np.array([e]), bath).values())[0]
            if e <= cascade.E_MIN_MEV:
                continue
            spectrum = cascade.solve(float(e), bath, points_per_decade=grid.cascade_points_per_decade)
            line = spectrum.line
            for r, rx in enumerate(rxs):
                # the continuum only: the line is added exactly in ``rates``
                R[r, i, k] = spectrum.rate(rx.sigma_mev2) - line * float(rx.sigma_mev2(np.array([e]))[0])
    return {"lnE0": np.log(E0), "lnT": np.log(T), "R_cont": np.maximum(R, 0.0), "gamma": gamma}


@functools.lru_cache(maxsize=4)
def response_table(eta: float, Yp: float, grid: ResponseGrid = ResponseGrid()) -> ResponseTable:
    """The response table at baryon-to-photon ratio ``eta`` and helium mass fraction ``Yp`` (rounded to
    4 and 3 significant digits for the cache), computed once (about a minute) and cached on disk."""
    eta = float(f"{eta:.4g}")
    Yp = float(f"{Yp:.3g}")
    here = Path(__file__).parent
    sources = [here / "cascade.py", here / "qed.py", here / "reactions.py", here / "response.py"]
    sources += sorted((here / "data").glob("*.txt"))
    fp = fingerprint(sources, (grid, eta, Yp))
    data = cached_arrays("pdi-response", fp, lambda: _compute(grid, eta, Yp))
    return ResponseTable(data["lnE0"], data["lnT"], data["R_cont"], data["gamma"], eta, Yp)
