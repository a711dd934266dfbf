"""The photodisintegration reactions of light nuclei and their cross sections.

The 17 reactions of Cyburt, Ellis, Fields & Olive (PRD 67 (2003) 103521, table I; the set ACROPOLIS
uses, arXiv:2011.06518 table 1) plus the n and 3H decays. Two cross-section sets (``CROSS_SECTIONS``):

- ``"cyburt2003"`` (default, REFERENCE.md sec. 5): the published analytic fits (``fits``), with
  Jedamzik's 2006 renormalisations of 4He(g,n)3He and 6Li(g,np)4He: the set of ACROPOLIS.
- ``"evaluated"``: tables from evaluated data (IAEA/PD-2019, Kawano et al., Nucl. Data Sheets 163
  (2020) 109) and experiments (EXFOR), one file per reaction in ``data/`` with its source in the
  header (made by tools/photonuclear/). They differ from the fits where newer data exist: the M1 rise
  of d(g,n)p at threshold, 7Be(g,3He)4He a quarter of the fit (the reciprocity spin factor 1/4 of
  the capture data, docs/photodisintegration.md), 4He breakup 10-50 % lower near the peaks.

The fits are evaluated analytically; the tables are interpolated linearly between tabulated
energies, 0 below the threshold, above the last point falling as E^-slope fitted to the last decade
of the table (the giant-resonance tail).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from ndpcosmo import constants as c
from ndpcosmo.bbn.nuclides import q_value_mev
from ndpcosmo.photodisintegration import fits

CROSS_SECTIONS: tuple[str, ...] = ("cyburt2003", "evaluated")
"""The cross-section sets; the first is the default."""

NUCLIDES: tuple[str, ...] = ("n", "p", "d", "t", "He3", "He4", "Li6", "Li7", "Be7")
"""The nuclides of the non-thermal network (n_i / n_b)."""

MB_TO_MEV2: float = 1e-27 / c.INV_MEV2_TO_CM2
"""1 mb in MeV^-2."""

TRITIUM_LIFETIME_S: float = 12.32 * 365.25 * 86400.0 / math.log(2.0)
"""3H -> 3He lifetime from the half-life 12.32 yr (Lucas & Unterweger, J. Res. NIST 105 (2000) 541)."""


@dataclass(frozen=True)
class Photodisintegration:
    """One reaction target + gamma -> products, its threshold [MeV] and tabulated cross section."""

    number: int
    target: str
    products: tuple[str, ...]
    file: str
    E_mev: np.ndarray = field(repr=False)
    sigma_mb: np.ndarray = field(repr=False)
    tail_slope: float = 2.0
    source: str = ""
    fit: bool = False
    """True: sigma is the analytic fit (``fits.sigma_mb``); the table only samples it."""

    @property
    def threshold_mev(self) -> float:
        """-Q of the breakup, from the AME2020 masses."""
        return -q_value_mev((self.target,), self.products)

    def sigma_mev2(self, E_mev: np.ndarray) -> np.ndarray:
        """sigma(E) [MeV^-2]."""
        E = np.asarray(E_mev, dtype=float)
        if self.fit:
            return fits.sigma_mb(self.number, E, self.threshold_mev) * MB_TO_MEV2
        inside = np.interp(E, self.E_mev, self.sigma_mb, left=0.0, right=0.0)
        tail = self.sigma_mb[-1] * (np.maximum(E, self.E_mev[-1]) / self.E_mev[-1]) ** (-self.tail_slope)
        sigma = np.where(E > self.E_mev[-1], tail, inside)
        return np.where(E > self.threshold_mev, sigma, 0.0) * MB_TO_MEV2


REACTIONS: tuple[tuple[int, str, tuple[str, ...], str], ...] = (
    (1, "d", ("n", "p"), "d_g__n_p"),
    (2, "t", ("d", "n"), "H3_g__n_d"),
    (3, "t", ("p", "n", "n"), "H3_g__n_p_n"),
    (4, "He3", ("d", "p"), "He3_g__p_d"),
    (5, "He3", ("n", "p", "p"), "He3_g__n_p_p"),
    (6, "He4", ("t", "p"), "He4_g__p_t"),
    (7, "He4", ("He3", "n"), "He4_g__n_He3"),
    (8, "He4", ("d", "d"), "He4_g__d_d"),
    (9, "He4", ("d", "n", "p"), "He4_g__n_p_d"),
    (10, "Li6", ("He4", "n", "p"), "Li6_g__n_p_He4"),
    (11, "Li6", ("t", "He3"), "Li6_g__t_He3"),
    (12, "Li7", ("t", "He4"), "Li7_g__t_He4"),
    (13, "Li7", ("n", "Li6"), "Li7_g__n_Li6"),
    (14, "Li7", ("n", "n", "p", "He4"), "Li7_g__n_n_p_He4"),
    (15, "Be7", ("He3", "He4"), "Be7_g__He3_He4"),
    (16, "Be7", ("p", "Li6"), "mirror:13"),
    (17, "Be7", ("p", "p", "n", "He4"), "mirror:14"),
)
"""(number, target, products, data file stem) in the numbering of Cyburt et al. 2003. No data exist for
16 and 17 (7Be(gamma,p)6Li: the 6Li(p,gamma) capture data reach only 1 MeV above threshold;
7Be(gamma,2pn)4He: none): they take the cross section of their isospin mirrors 7Li(gamma,n)6Li and
7Li(gamma,2np)4He shifted by the difference of thresholds (an approximation: the Coulomb barrier of
the outgoing proton is ignored; both matter little next to 7Be(gamma,3He)4He, threshold 1.59 MeV)."""


def _read(stem: str) -> tuple[np.ndarray, np.ndarray, str]:
    path = resources.files("ndpcosmo.photodisintegration").joinpath("data", stem + ".txt")
    text = path.read_text()
    source = " ".join(line[len("# source:") :].strip() for line in text.splitlines() if line.startswith("# source:"))
    rows = np.array([[float(v) for v in line.split()[:2]] for line in text.splitlines() if line and line[0] != "#"])
    return rows[:, 0], rows[:, 1], source


def _tail_slope(E: np.ndarray, sigma: np.ndarray) -> float:
    """Power-law fall-off beyond the table: a log-log fit to the positive points past the peak (the
    upper half of them, at least three), at least 1; 2 if there are too few."""
    past = np.arange(E.size) > int(np.argmax(sigma))
    idx = np.flatnonzero(past & (sigma > 0.0))
    idx = idx[len(idx) // 2 :] if len(idx) >= 6 else idx
    if len(idx) < 3:
        return 2.0
    return float(max(-np.polyfit(np.log(E[idx]), np.log(sigma[idx]), 1)[0], 1.0))


def _fit_table(number: int, target: str, products: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The Cyburt et al. fit sampled at E - Q log spaced 1e-4 ... 1e4 MeV (plots, tables)."""
    Q = -q_value_mev((target,), products)
    E = Q + np.concatenate([[0.0], np.geomspace(1e-4, 1e4, 401)])
    return E, fits.sigma_mb(number, E, Q)


@functools.lru_cache(maxsize=2)
def reactions(cross_sections: str = CROSS_SECTIONS[0]) -> tuple[Photodisintegration, ...]:
    """All photodisintegration reactions with the cross sections of the set ``cross_sections``
    (``CROSS_SECTIONS``; a missing table is an error)."""
    if cross_sections not in CROSS_SECTIONS:
        raise ValueError(f"cross_sections = {cross_sections!r}: allowed values are {CROSS_SECTIONS}")
    out: dict[int, Photodisintegration] = {}
    if cross_sections == "cyburt2003":
        source = "Cyburt, Ellis, Fields & Olive, PRD 67 (2003) 103521, table I"
        for number, target, products, _ in REACTIONS:
            E, sigma = _fit_table(number, target, products)
            note = " with Jedamzik, PRD 74 (2006) 103509 normalisation" if number in (7, 10) else ""
            out[number] = Photodisintegration(number, target, products, "fit", E, sigma, 2.0, source + note, True)
        return tuple(out[k] for k in sorted(out))
    for number, target, products, stem in REACTIONS:
        if stem.startswith("mirror:"):
            mirror = out[int(stem.split(":")[1])]
            shift = -q_value_mev((target,), products) - mirror.threshold_mev
            rx = Photodisintegration(
                number,
                target,
                products,
                stem,
                mirror.E_mev + shift,
                mirror.sigma_mb,
                mirror.tail_slope,
                f"isospin mirror of reaction {mirror.number}: {mirror.source}",
            )
        else:
            E, sigma, source = _read(stem)
            slope = _tail_slope(E, sigma)
            rx = Photodisintegration(number, target, products, stem, E, sigma, slope, source)
        out[number] = rx
    return tuple(out[k] for k in sorted(out))
