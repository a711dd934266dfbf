"""Named, versioned observational data sets for the likelihoods (REFERENCE.md sec. 7).

Each ``Measurement`` names the observed quantity, its value and 1-sigma error, whether it is a two-sided
Gaussian or an upper limit (a one-sided Gaussian: only theory above the value is penalised), and its
source. Quantities and the theory they are compared with:

    Yp     Y_P = 4 n_He / n_b (observers derive the mass fraction assuming m_He = 4 m_H: ``Yp_bbn``)
    D_H    D/H (number ratio, after the late decays and photodisintegration)
    He3_D  3He/D (3He/H over D/H; 3H counted as 3He)
    Li7_H  7Li/H (7Be counted as 7Li)

The version of a data set is the year of its source; a name never changes meaning: a new measurement
gets a new name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

QUANTITIES = ("Yp", "D_H", "He3_D", "Li7_H")
"""The observed quantities the BBN likelihood can compare with."""

PDG_BBN = "Fields, Molaro & Sarkar, Big-Bang nucleosynthesis, in PDG 2024 (Phys. Rev. D 110, 030001)"


@dataclass(frozen=True)
class Measurement:
    """One observation: ``quantity`` = ``value`` +/- ``sigma`` (1 sigma), ``kind`` 'gaussian' or 'upper'."""

    name: str
    quantity: str
    value: float
    sigma: float
    kind: str
    source: str
    version: str

    def __post_init__(self) -> None:
        if self.quantity not in QUANTITIES:
            raise ValueError(f"{self.name}: quantity = {self.quantity!r}: allowed {QUANTITIES}")
        if self.kind not in ("gaussian", "upper"):
            raise ValueError(f"{self.name}: kind = {self.kind!r}: allowed 'gaussian', 'upper'")
        if not (math.isfinite(self.value) and math.isfinite(self.sigma) and self.sigma > 0.0):
            raise ValueError(f"{self.name}: value and sigma must be finite, sigma > 0")

    def chi2(self, theory, theory_sigma=0.0):
        """((theory - value) / sqrt(sigma^2 + theory_sigma^2))^2; 0 below an upper limit. Floats or arrays.

        Evaluated as the square of a ratio with ``hypot`` so that it stays finite for any finite theory
        value (a photodisintegrated D/H of 1e-200 makes 3He/D ~ 1e194); an infinite theory value gives
        an infinite chi^2 (``BBNLikelihood`` never passes one: it floors abundances at ABUNDANCE_FLOOR)."""
        d = np.asarray(theory, dtype=float) - self.value
        finite = np.isfinite(d)
        with np.errstate(invalid="ignore", over="ignore"):
            pull = np.where(finite, d, 0.0) / np.hypot(self.sigma, np.asarray(theory_sigma, dtype=float))
            chi2 = np.where(finite, pull * pull, np.inf)
        if self.kind == "upper":
            chi2 = np.where(d <= 0.0, 0.0, chi2)
        return float(chi2) if chi2.ndim == 0 else chi2


MEASUREMENTS: dict[str, Measurement] = {
    m.name: m
    for m in (
        Measurement(
            "Yp_Aver2021", "Yp", 0.2453, 0.0034, "gaussian", "Aver et al., JCAP 03 (2021) 027, arXiv:2010.04180", "2021"
        ),
        Measurement("Yp_PDG2024", "Yp", 0.245, 0.003, "gaussian", PDG_BBN, "2024"),
        Measurement("Yp_LBT2026", "Yp", 0.2458, 0.0013, "gaussian", "LBT Y_P project IV, arXiv:2601.22238", "2026"),
        Measurement(
            "DH_Cooke2018",
            "D_H",
            2.527e-5,
            0.030e-5,
            "gaussian",
            "Cooke, Pettini & Steidel, ApJ 855 (2018) 102",
            "2018",
        ),
        Measurement("DH_PDG2024", "D_H", 2.547e-5, 0.029e-5, "gaussian", PDG_BBN, "2024"),
        Measurement(
            "He3D_GG2003",
            "He3_D",
            0.83,
            0.15,
            "upper",
            "Geiss & Gloeckler, Space Sci. Rev. 106 (2003) 3 (as used by ACROPOLIS)",
            "2003",
        ),
        Measurement("Li7H_PDG2024", "Li7_H", 1.6e-10, 0.3e-10, "gaussian", PDG_BBN, "2024"),
    )
}
"""Every data set, by name."""

DEFAULT_BBN_DATA: tuple[str, ...] = ("Yp_Aver2021", "DH_PDG2024", "He3D_GG2003")
"""The BBN data used unless chosen otherwise: Aver et al. 2021 Y_P (the standard compilation of metal-poor
HII regions), the PDG 2024 D/H average, 3He/D as an upper limit. 7Li is reported, not fitted (the
lithium problem)."""


def measurements(names: tuple[str, ...] | list[str]) -> tuple[Measurement, ...]:
    """The measurements of those names (an error names the unknown ones and the known ones); at most
    one per quantity."""
    unknown = [n for n in names if n not in MEASUREMENTS]
    if unknown:
        raise ValueError(f"unknown data sets {unknown}; known: {sorted(MEASUREMENTS)}")
    chosen = tuple(MEASUREMENTS[n] for n in names)
    quantities = [m.quantity for m in chosen]
    repeated = sorted({q for q in quantities if quantities.count(q) > 1})
    if repeated:
        raise ValueError(f"data sets {list(names)} measure {repeated} more than once: choose one per quantity")
    return chosen
