"""Nuclear rate tables of the BBN network on a grid in ln T9, forward and reverse, with uncertainties.

Two rate libraries, each a published compilation whose entries name the evaluation they tabulate:

* ``"starlib"`` (default): STARLIB (Sallaska et al., ApJS 207 (2013) 18; ``data/starlib_bbn.txt``),
  the median rate and its factor uncertainty f.u. on 60 temperatures, from the Monte Carlo
  evaluations (for the key reactions the same evaluations as PRIMAT 2023: Ando 2006, Moscoso 2021,
  Gomez Inesta 2017, Serpico 2004, de Souza 2019 (x2) and 2020, Descouvemont 2004, Iliadis 2016).
  ln(rate) is interpolated by a cubic spline in ln T9; the rate is log-normal with width ln f.u.(T).
* ``"reaclib"``: the JINA REACLIB fits (Cyburt et al., ApJS 189 (2010) 240; ``data/reaclib_bbn.txt``),
  whose key-reaction sources are partly older (Descouvemont 2004 for d(p,g), Cyburt & Davids 2008
  for 3He(a,g), Damone 2018 for 7Be(n,p)); uncertainties from ``data/rate_uncertainties.txt``.

A reaction missing from the chosen library takes the other one's rate (recorded in ``sources``).
Rates are held constant above T9 = 10 (where the tables and fits end: every nucleus is then in
nuclear statistical equilibrium whatever the rate, as the reverse rates follow by detailed balance)
and below the first tabulated temperature. Reverse rates: ``Reaction.ln_reverse_ratio``.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib import resources

import numpy as np
from scipy.interpolate import CubicSpline

from ndpcosmo import constants as c
from ndpcosmo.bbn.network import Reaction, reaclib_fits, reaclib_rate, reactions, starlib_tables

T9_TABLE_MAX = 10.0
"""Upper end of the tables and fits [1e9 K]."""
LIBRARIES: tuple[str, ...] = ("starlib", "reaclib")


@dataclass(frozen=True)
class RateTables:
    """ln lambda_fwd and ln lambda_rev of every reaction on a uniform grid ln T9 = u0 + k du, their
    1-sigma log-normal widths, and the network's stoichiometry in the index form the kernels use."""

    network: str
    library: str
    nuclides: tuple[str, ...]
    reactions: tuple[Reaction, ...] = field(repr=False)
    sources: tuple[str, ...] = field(repr=False)
    """"library:label" of each reaction's forward rate."""
    u0: float
    du: float
    ln_forward: np.ndarray = field(repr=False)
    ln_reverse: np.ndarray = field(repr=False)
    ln_sigma: np.ndarray = field(repr=False)
    """(n_reactions, n_T): 1-sigma width of ln lambda (0 where no uncertainty is available)."""

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
        """Index arrays for the kernels: n_in, n_out (nuclides on each side; n_out = 0 for decays, which
        have no reverse), rin, rout ((n, 4), -1 padded), fin, fout (1 / prod nu!); made once per table
        (read-only arrays)."""
        return self._stoichiometry

    @functools.cached_property
    def _stoichiometry(self) -> dict[str, np.ndarray]:
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
                out["n_out"][r] = 0
        for array in out.values():
            array.flags.writeable = False
        return out

    def shifted(self, name: str, n_sigma: float = 1.0) -> RateTables:
        """A copy with reaction ``name`` (forward and reverse) moved by ``n_sigma`` of its uncertainty."""
        r = self.index(name)
        fwd = self.ln_forward.copy()
        rev = self.ln_reverse.copy()
        fwd[r] += n_sigma * self.ln_sigma[r]
        rev[r] += n_sigma * self.ln_sigma[r]
        return replace(self, ln_forward=fwd, ln_reverse=rev)

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
        return replace(self, ln_forward=fwd, ln_reverse=rev, sources=self._source(r, "user"))

    def _source(self, r: int, text: str) -> tuple[str, ...]:
        return self.sources[:r] + (text,) + self.sources[r + 1 :]


def _reaclib_uncertainties() -> dict[str, float]:
    text = resources.files("ndpcosmo.bbn").joinpath("data/rate_uncertainties.txt").read_text()
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, sigma = (f.strip() for f in line.split("|")[:2])
            out[name] = float(sigma)
    return out


def _starlib_on_grid(rows: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ln rate and ln f.u. of a STARLIB table on the grid u = ln T9 (spline in ln T9 over the positive
    entries; held constant beyond them)."""
    positive = rows[:, 1] > 0.0
    x = np.log(rows[positive, 0])
    lnf = CubicSpline(x, np.log(rows[positive, 1]))(np.clip(u, x[0], x[-1]))
    lns = np.interp(u, np.log(rows[:, 0]), np.log(rows[:, 2]))
    return lnf, lns


@functools.lru_cache(maxsize=8)
def rate_tables(network: str = "key", library: str = "starlib", points_per_decade: int = 200) -> RateTables:
    """The forward and reverse rate tables of ``network`` ("key" or "extended") from ``library``
    ("starlib" or "reaclib"), for T9 in [1e-3, 1e2]."""
    if library not in LIBRARIES:
        raise ValueError(f"library = {library!r}: allowed values are {LIBRARIES}")
    nuclides, rxs = reactions(network)
    u = np.linspace(np.log(1e-3), np.log(1e2), 5 * points_per_decade + 1)
    T9 = np.exp(u)
    T_mev = T9 * 1e9 * c.K_B_MEV_PER_K
    starlib, reaclib = starlib_tables(), reaclib_fits()
    sigma_reaclib = _reaclib_uncertainties()
    fwd = np.empty((len(rxs), u.size))
    rev = np.full((len(rxs), u.size), -700.0)
    sig = np.zeros((len(rxs), u.size))
    sources = []
    u_clip = np.minimum(u, np.log(T9_TABLE_MAX))
    for r, rx in enumerate(rxs):
        use_starlib = rx.name in starlib and (library == "starlib" or rx.name not in reaclib)
        if use_starlib:
            label, rows = starlib[rx.name]
            fwd[r], sig[r] = _starlib_on_grid(rows, u_clip)
            sources.append(f"starlib:{label}")
        else:
            labels, fit = reaclib[rx.name]
            fwd[r] = np.log(np.maximum(reaclib_rate(fit, np.exp(u_clip)), 1e-300))
            sig[r] = sigma_reaclib.get(rx.name, 0.0)
            sources.append("reaclib:" + "+".join(labels))
        if not rx.is_decay:
            rev[r] = np.maximum(fwd[r] + rx.ln_reverse_ratio(T_mev), -700.0)  # exp underflows to 0 anyway
    return RateTables(network, library, nuclides, rxs, tuple(sources), float(u[0]), float(u[1] - u[0]), fwd, rev, sig)
