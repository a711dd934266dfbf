"""Reactions of the BBN network and their reverse rates by detailed balance.

Convention (Wagoner 1969; the REACLIB convention): for a reaction with reactants nu_i X_i and products
nu'_j X_j, the abundances Y = n / n_b change as dY_k/dt = sum_r (nu'_k - nu_k) r_r with the reaction
velocity r = rho^(n_R - 1) lambda prod_i Y_i^nu_i / nu_i!, where rho = n_b / N_A [mol cm^-3] and lambda
the tabulated N_A^(n_R - 1) <sigma v> (s^-1, cm^3 mol^-1 s^-1, cm^6 mol^-2 s^-1).

Reverse rates follow from equilibrium (Y_i proportional to Q_i exp((mu_i - m_i)/T), Q_i = G_i(T)
(m_i T / 2 pi)^(3/2), chemical potentials balanced):

    lambda_rev / lambda_fwd = N_A^(n_P - n_R) [prod_R Q_i^nu_i / nu_i!] / [prod_P Q_j^nu'_j / nu'_j!] exp(-Q/T),

the familiar alpha T9^beta exp(gamma / T9) with beta = 3/2 (n_R - n_P) and gamma = -11.605 Q[MeV]
(Fowler, Caughlan & Zimmerman 1967; Pitrou et al., Phys. Rep. 754 (2018) 1, sec. 4). Photons carry
no chemical potential and do not count.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ndpcosmo import constants as c
from ndpcosmo.bbn.nuclides import NUCLIDES, ln_quantum_concentration, q_value_mev

KEY_NUCLIDES: tuple[str, ...] = ("n", "p", "d", "t", "He3", "He4", "Li6", "Li7", "Be7")
"""Nuclides of the key network."""
EXTENDED_NUCLIDES: tuple[str, ...] = KEY_NUCLIDES + ("He6", "Li8", "B8")
"""Nuclides of the extended network (A <= 8)."""

KEY_REACTIONS: tuple[str, ...] = (
    "n + p > d",
    "p + d > He3",
    "d + d > n + He3",
    "d + d > p + t",
    "p + t > He4",
    "d + t > n + He4",
    "He4 + t > Li7",
    "n + He3 > p + t",
    "d + He3 > p + He4",
    "He4 + He3 > Be7",
    "n + Be7 > p + Li7",
    "p + Li7 > He4 + He4",
    # 6Li: its production and its two destruction channels (Li6 is reported, not fed back)
    "He4 + d > Li6",
    "p + Li6 > He4 + He3",
    "p + Li6 > Be7",
)
"""The 12 key reactions (Pitrou et al. 2018, table 2; REFERENCE.md sec. 4) plus the three 6Li reactions."""

EXCLUDED_FROM_EXTENDED: tuple[str, ...] = (
    "n > p",  # the weak n <-> p rates are computed in ndpcosmo.bbn.weak
    "n + p + p > p + d",  # deuteron breakup by protons, negligible (and a reverse-type REACLIB set)
)


@dataclass(frozen=True)
class Reaction:
    """One reaction: reactants > products, its REACLIB fit sets (rows a0..a6), labels and Q [MeV]."""

    name: str
    reactants: tuple[str, ...]
    products: tuple[str, ...]
    fit: np.ndarray
    labels: tuple[str, ...]
    q_mev: float

    def forward_rate(self, T9: np.ndarray) -> np.ndarray:
        """lambda_fwd(T9) = sum over sets of exp(a0 + a1/T9 + a2 T9^-1/3 + a3 T9^1/3 + a4 T9 + a5 T9^5/3 + a6 ln T9)."""
        T9 = np.asarray(T9, dtype=float)
        t13 = np.cbrt(T9)
        basis = np.stack([np.ones_like(T9), 1.0 / T9, 1.0 / t13, t13, T9, T9 * t13**2, np.log(T9)])
        return np.exp(self.fit @ basis).sum(axis=0)

    def ln_reverse_ratio(self, T_mev: np.ndarray) -> np.ndarray:
        """ln(lambda_rev / lambda_fwd) by detailed balance (module docstring)."""
        T = np.atleast_1d(np.asarray(T_mev, dtype=float))
        out = np.full(T.shape, (len(self.products) - len(self.reactants)) * math.log(c.AVOGADRO_PER_MOL))
        out -= self.q_mev / T
        for side, sign in ((Counter(self.reactants), 1.0), (Counter(self.products), -1.0)):
            for name, nu in side.items():
                out += sign * (nu * ln_quantum_concentration(name, T) - math.lgamma(nu + 1))
        return out

    @property
    def is_decay(self) -> bool:
        """A one-body reaction (beta decay): no reverse rate."""
        return len(self.reactants) == 1


def _load_reaclib() -> dict[str, Reaction]:
    text = resources.files("ndpcosmo.bbn").joinpath("data/reaclib_bbn.txt").read_text()
    sets: dict[str, list[tuple[str, np.ndarray]]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, label, _kind, _q, coeffs = (f.strip() for f in line.split("|"))
        sets.setdefault(name, []).append((label, np.array([float(v) for v in coeffs.split()])))
    out = {}
    for name, entries in sets.items():
        lhs, rhs = name.split(">")
        reactants = tuple(s.strip() for s in lhs.split("+"))
        products = tuple(s.strip() for s in rhs.split("+"))
        out[name] = Reaction(
            name,
            reactants,
            products,
            np.array([a for _, a in entries]),
            tuple(sorted({lab for lab, _ in entries})),
            q_value_mev(reactants, products),
        )
    return out


def reactions(network: str = "key") -> tuple[tuple[str, ...], tuple[Reaction, ...]]:
    """The nuclides and reactions of the ``network``: "key" (9 nuclides, 15 reactions) or "extended"
    (12 nuclides, every REACLIB reaction among them: about 50)."""
    table = _load_reaclib()
    if network == "key":
        return KEY_NUCLIDES, tuple(table[name] for name in KEY_REACTIONS)
    if network == "extended":
        keep = tuple(
            r
            for name, r in table.items()
            if name not in EXCLUDED_FROM_EXTENDED and set(r.reactants + r.products) <= set(EXTENDED_NUCLIDES)
        )
        return EXTENDED_NUCLIDES, keep
    raise ValueError(f"network = {network!r}: allowed values are 'key' and 'extended'")


def check_nuclides(names: tuple[str, ...]) -> None:
    """Raise if a name is not a known nuclide."""
    for name in names:
        if name not in NUCLIDES:
            raise ValueError(f"nuclide {name!r} is not in the network: allowed {sorted(NUCLIDES)}")
