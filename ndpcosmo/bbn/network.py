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
    "n + p + p > p + d",  # deuteron breakup by protons: negligible, and a reverse-type fit
    "p + p > d",  # the weak pp fusion: negligible in BBN
    "Be7 > Li7",  # laboratory electron capture: 7Be is fully ionised during BBN (converted at the end)
)


@dataclass(frozen=True)
class Reaction:
    """One reaction: reactants > products and its Q-value [MeV] from the AME2020 masses."""

    name: str
    reactants: tuple[str, ...]
    products: tuple[str, ...]
    q_mev: float

    @classmethod
    def parse(cls, name: str) -> Reaction:
        """From "d + d > n + He3"."""
        lhs, rhs = name.split(">")
        reactants = tuple(s.strip() for s in lhs.split("+"))
        products = tuple(s.strip() for s in rhs.split("+"))
        check_nuclides(reactants + products)
        return cls(name, reactants, products, q_value_mev(reactants, products))

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


def _data(name: str) -> str:
    return resources.files("ndpcosmo.bbn").joinpath("data", name).read_text()


def reaclib_fits() -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
    """REACLIB fit sets by reaction: (labels, rows a0..a6) from ``data/reaclib_bbn.txt``; the rate is
    sum over sets of exp(a0 + a1/T9 + a2 T9^-1/3 + a3 T9^1/3 + a4 T9 + a5 T9^5/3 + a6 ln T9)."""
    sets: dict[str, list[tuple[str, np.ndarray]]] = {}
    for line in _data("reaclib_bbn.txt").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, label, _kind, _q, coeffs = (f.strip() for f in line.split("|"))
        sets.setdefault(name, []).append((label, np.array([float(v) for v in coeffs.split()])))
    return {name: (tuple(sorted({lab for lab, _ in e})), np.array([a for _, a in e])) for name, e in sets.items()}


def reaclib_rate(fit: np.ndarray, T9: np.ndarray) -> np.ndarray:
    """Evaluate REACLIB fit sets (rows a0..a6) at T9."""
    T9 = np.asarray(T9, dtype=float)
    t13 = np.cbrt(T9)
    basis = np.stack([np.ones_like(T9), 1.0 / T9, 1.0 / t13, t13, T9, T9 * t13**2, np.log(T9)])
    return np.exp(fit @ basis).sum(axis=0)


def starlib_tables() -> dict[str, tuple[str, np.ndarray]]:
    """STARLIB tables by reaction: (label, rows T9, median rate, f.u.) from ``data/starlib_bbn.txt``."""
    out: dict[str, tuple[str, list[list[float]]]] = {}
    current = ""
    for line in _data("starlib_bbn.txt").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith(">"):
            name, label, _q = (f.strip() for f in line[1:].split("|"))
            current = name
            out[name] = (label, [])
        else:
            out[current][1].append([float(v) for v in line.split()])
    return {name: (label, np.array(rows)) for name, (label, rows) in out.items()}


def reactions(network: str = "key") -> tuple[tuple[str, ...], tuple[Reaction, ...]]:
    """The nuclides and reactions of the ``network``: "key" (9 nuclides, the 12 key reactions and
    three for 6Li) or "extended" (12 nuclides: every reaction among them that STARLIB or REACLIB
    tabulates, but those in ``EXCLUDED_FROM_EXTENDED``)."""
    if network == "key":
        return KEY_NUCLIDES, tuple(Reaction.parse(name) for name in KEY_REACTIONS)
    if network == "extended":
        names = sorted(set(starlib_tables()) | set(reaclib_fits()))
        keep = []
        for name in names:
            rx = Reaction.parse(name)
            if name not in EXCLUDED_FROM_EXTENDED and set(rx.reactants + rx.products) <= set(EXTENDED_NUCLIDES):
                keep.append(rx)
        ordered = [Reaction.parse(n) for n in KEY_REACTIONS] + [r for r in keep if r.name not in KEY_REACTIONS]
        return EXTENDED_NUCLIDES, tuple(ordered)
    raise ValueError(f"network = {network!r}: allowed values are 'key' and 'extended'")


def check_nuclides(names: tuple[str, ...]) -> None:
    """Raise if a name is not a known nuclide."""
    for name in names:
        if name not in NUCLIDES:
            raise ValueError(f"nuclide {name!r} is not in the network: allowed {sorted(NUCLIDES)}")
