"""Nuclear rate tables of the BBN network on a grid in ln T9, forward and reverse.

Forward rates: the JINA REACLIB fits (``data/reaclib_bbn.txt``; Cyburt et al., ApJS 189 (2010) 240;
each set's label names the publication it fits, ``data/reaclib_labels.txt``), held constant above
T9 = 10 where the fits end (nuclear statistical equilibrium holds there whatever the rate, since the
reverse rates follow by detailed balance). Reverse rates: ``Reaction.ln_reverse_ratio``. Rate
uncertainties: log-normal, one factor per reaction (``data/rate_uncertainties.txt``).
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib import resources

import numpy as np

from ndpcosmo import constants as c
from ndpcosmo.bbn.network import Reaction, reactions

T9_FIT_MAX = 10.0
"""Upper end of the REACLIB fits' validity [1e9 K]."""


@dataclass(frozen=True)
class RateTables:
    """ln lambda_fwd and ln lambda_rev of every reaction on a uniform grid ln T9 = u0 + k du, with the
    network's stoichiometry in the index form the kernels use."""

    network: str
    nuclides: tuple[str, ...]
    reactions: tuple[Reaction, ...] = field(repr=False)
    u0: float
    du: float
    ln_forward: np.ndarray = field(repr=False)
    ln_reverse: np.ndarray = field(repr=False)
    ln_sigma: np.ndarray = field(repr=False)
    """1-sigma uncertainty of ln lambda for each reaction (log-normal)."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.reactions)

    def index(self, name: str) -> int:
        """The position of reaction ``name`` ("d + d > n + He3")."""
        try:
            return self.names.index(name)
        except ValueError:
            raise ValueError(f"reaction {name!r} is not in the {self.network} network: {self.names}") from None

    def stoichiometry(self) -> dict[str, np.ndarray]:
        """Index arrays for the kernels: n_in, n_out (nuclides on each side), rin, rout ((n, 4), -1
        padded), fin, fout (1 / prod nu!)."""
        pos = {name: i for i, name in enumerate(self.nuclides)}
        n = len(self.reactions)
        out = {
            "n_in": np.zeros(n, dtype=np.int64),
            "n_out": np.zeros(n, dtype=np.int64),
            "rin": -np.ones((n, 4), dtype=np.int64),
            "rout": -np.ones((n, 4), dtype=np.int64),
            "fin": np.ones(n),
            "fout": np.ones(n),
        }
        for r, rx in enumerate(self.reactions):
            for side, names, f in (("in", rx.reactants, "fin"), ("out", rx.products, "fout")):
                out["n_" + side][r] = len(names)
                for k, name in enumerate(names):
                    out["r" + side][r, k] = pos[name]
                for nu in Counter(names).values():
                    out[f][r] /= float(np.prod(np.arange(1, nu + 1)))
            if rx.is_decay:
                out["n_out"][r] = 0  # no reverse for decays
        return out

    def with_forward(self, name: str, T9: np.ndarray, rate: np.ndarray) -> RateTables:
        """A copy with reaction ``name``'s forward rate replaced by a tabulated one (interpolated in
        ln T9 - ln rate, held constant outside the table); its reverse follows by detailed balance."""
        r = self.index(name)
        u = self.u0 + self.du * np.arange(self.ln_forward.shape[1])
        lnf = np.interp(u, np.log(np.asarray(T9, dtype=float)), np.log(np.asarray(rate, dtype=float)))
        fwd = self.ln_forward.copy()
        rev = self.ln_reverse.copy()
        rev[r] += lnf - fwd[r]
        fwd[r] = lnf
        return replace(self, ln_forward=fwd, ln_reverse=rev)


def _uncertainties() -> dict[str, float]:
    text = resources.files("ndpcosmo.bbn").joinpath("data/rate_uncertainties.txt").read_text()
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, sigma = (f.strip() for f in line.split("|")[:2])
            out[name] = float(sigma)
    return out


@functools.lru_cache(maxsize=4)
def rate_tables(network: str = "key", points_per_decade: int = 200) -> RateTables:
    """The forward and reverse rate tables of ``network`` ("key" or "extended") for T9 in [1e-3, 1e2]."""
    nuclides, rxs = reactions(network)
    u = np.linspace(np.log(1e-3), np.log(1e2), 5 * points_per_decade + 1)
    T9 = np.exp(u)
    T_mev = T9 * 1e9 * c.K_B_MEV_PER_K
    fwd = np.empty((len(rxs), u.size))
    rev = np.full((len(rxs), u.size), -np.inf)
    for r, rx in enumerate(rxs):
        fwd[r] = np.log(np.maximum(rx.forward_rate(np.minimum(T9, T9_FIT_MAX)), 1e-300))
        if not rx.is_decay:
            rev[r] = fwd[r] + rx.ln_reverse_ratio(T_mev)
    rev = np.maximum(rev, -700.0)  # exp underflows to 0 anyway
    sig = _uncertainties()
    ln_sigma = np.array([sig.get(rx.name, 0.0) for rx in rxs])
    return RateTables(network, nuclides, rxs, float(u[0]), float(u[1] - u[0]), fwd, rev, ln_sigma)
