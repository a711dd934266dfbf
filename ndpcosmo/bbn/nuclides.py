"""The nuclides of the BBN network: charge, mass number, mass, spin and partition function.

Masses are atomic mass excesses from AME2020 (M. Wang et al., Chinese Phys. C 45 (2021) 030003), so
that Q-values follow from differences with the electrons balanced. Ground-state spins and the first
excited levels that matter below T9 = 10 (7Li 477.6 keV J = 1/2, 7Be 429.1 keV J = 1/2: Tilley et al.,
Nucl. Phys. A 708 (2002) 3; 8Li 980.8 keV J = 1, 8B 769 keV J = 1: Tilley et al., Nucl. Phys. A 745
(2004) 155) give the partition functions G(T) = sum_levels (2J + 1) exp(-E/T) used in detailed balance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ndpcosmo import constants as c


@dataclass(frozen=True)
class Nuclide:
    """One nuclide: ``name``, charge ``Z``, mass number ``A``, AME2020 atomic mass excess [keV], ground
    state spin J, and its excited levels (energy [keV], J) kept in the partition function."""

    name: str
    Z: int
    A: int
    mass_excess_kev: float
    spin: float
    levels: tuple[tuple[float, float], ...] = ()

    @property
    def mass_mev(self) -> float:
        """Nuclear mass [MeV]: atomic mass minus Z electron masses (electron binding neglected)."""
        return self.A * c.AMU_MEV + 1e-3 * self.mass_excess_kev - self.Z * c.M_E_MEV

    @property
    def atomic_mass_mev(self) -> float:
        """Atomic (neutral-atom) mass [MeV]: A u + mass excess."""
        return self.A * c.AMU_MEV + 1e-3 * self.mass_excess_kev

    def partition(self, T_mev: np.ndarray | float) -> np.ndarray:
        """Partition function G(T) = sum over levels of (2J + 1) exp(-E/T)."""
        T = np.asarray(T_mev, dtype=float)
        g = np.full_like(T, 2.0 * self.spin + 1.0)
        for e_kev, j in self.levels:
            g = g + (2.0 * j + 1.0) * np.exp(-1e-3 * e_kev / T)
        return g


NUCLIDES: dict[str, Nuclide] = {
    n.name: n
    for n in (
        Nuclide("n", 0, 1, 8071.31806, 0.5),
        Nuclide("p", 1, 1, 7288.971064, 0.5),
        Nuclide("d", 1, 2, 13135.722895, 1.0),
        Nuclide("t", 1, 3, 14949.81090, 0.5),
        Nuclide("He3", 2, 3, 14931.21888, 0.5),
        Nuclide("He4", 2, 4, 2424.91587, 0.0),
        Nuclide("He6", 2, 6, 17592.10, 0.0),
        Nuclide("Li6", 3, 6, 14086.88, 1.0),
        Nuclide("Li7", 3, 7, 14907.105, 1.5, ((477.6, 0.5),)),
        Nuclide("Li8", 3, 8, 20945.80, 2.0, ((980.8, 1.0),)),
        Nuclide("Be7", 4, 7, 15768.99, 1.5, ((429.1, 0.5),)),
        Nuclide("B8", 5, 8, 22921.6, 2.0, ((769.0, 1.0),)),
    )
}
"""The nuclides, by name."""


def q_value_mev(reactants: tuple[str, ...], products: tuple[str, ...]) -> float:
    """Q-value [MeV] of reactants -> products (atomic mass excesses; charge is conserved)."""
    excess = sum(NUCLIDES[x].mass_excess_kev for x in reactants) - sum(NUCLIDES[x].mass_excess_kev for x in products)
    return 1e-3 * excess


def ln_quantum_concentration(name: str, T_mev: np.ndarray) -> np.ndarray:
    """ln of G(T) (m T / 2 pi)^(3/2) [cm^-3]: the partition function times the thermal density of
    states, used by Saha and detailed balance (the exp(-m/T) factors are kept apart as Q-values)."""
    nuc = NUCLIDES[name]
    T = np.asarray(T_mev, dtype=float)
    return np.log(nuc.partition(T)) + 1.5 * np.log(nuc.mass_mev * T / (2.0 * math.pi)) - 3.0 * math.log(c.HBARC_MEV_CM)
