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

Besides the BBN measurements: the compressed CMB Gaussians on (omega_b, N_eff, Y_P^BBN)
(``CMB_GAUSSIANS``, means and covariance in ``ndpcosmo/data/<file>`` with the source in each file's
header) and the neutron-lifetime priors (``TAU_N_PRIORS``). ``resolve`` turns the names a user gives
(``--data``: probes 'bbn', 'cmb', 'cmb_full', 'firas' standing for their default data sets, and/or data-set
names) into a ``DataChoice``; ``catalogue`` lists everything (``ndpcosmo data``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

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


def _by_name(*entries):
    """A registry: the entries by their ``name``."""
    return {entry.name: entry for entry in entries}


MEASUREMENTS: dict[str, Measurement] = _by_name(
    Measurement(
        "Yp_Aver2021", "Yp", 0.2453, 0.0034, "gaussian", "Aver et al., JCAP 03 (2021) 027, arXiv:2010.04180", "2021"
    ),
    Measurement("Yp_PDG2024", "Yp", 0.245, 0.003, "gaussian", PDG_BBN, "2024"),
    Measurement(
        "Yp_LBT2026",
        "Yp",
        0.2458,
        0.0013,
        "gaussian",
        "LBT Y_P project IV, Aver et al., arXiv:2601.22238 (weighted mean of 15 low-metallicity HII regions)",
        "2026",
    ),
    Measurement(
        "Yp_EMPRESS2025",
        "Yp",
        0.2402,
        0.0040,
        "gaussian",
        "EMPRESS XV, arXiv:2506.24050 v2 (2026; v1 had 0.2387 +0.0036/-0.0031): extremely metal-poor "
        "galaxies with He I 10830",
        "2025",
    ),
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


DATA_DIR = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class CmbGaussian:
    """A compressed CMB likelihood: a Gaussian on (omega_b h^2, N_eff, Y_P^BBN) whose means (first row)
    and covariance (next three rows) are in ``DATA_DIR / file`` (the source in the file's header)."""

    name: str
    file: str
    source: str
    version: str

    def means_and_covariance(self) -> tuple[np.ndarray, np.ndarray]:
        table = np.loadtxt(DATA_DIR / self.file)
        return table[0].copy(), table[1:].copy()


CMB_GAUSSIANS: dict[str, CmbGaussian] = _by_name(
    CmbGaussian(
        "cmb_Planck2018",
        "planck2018_compressed.txt",
        "Planck 2018 VI, A&A 641 (2020) A6, arXiv:1807.06209 (LCDM+N_eff+Y_He, TT,TE,EE+lowE; the chain "
        "covariance base_nnu_yhe_plikHM_TTTEEE_lowl_lowE.covmat)",
        "2018",
    ),
)
"""Every compressed CMB Gaussian, by name."""

DEFAULT_CMB_DATA = "cmb_Planck2018"
"""The compressed CMB Gaussian that 'cmb' stands for."""


@dataclass(frozen=True)
class Prior:
    """A Gaussian prior on a parameter of the cosmology (``quantity`` = value +/- sigma)."""

    name: str
    quantity: str
    value: float
    sigma: float
    source: str
    version: str


TAU_N_PRIORS: dict[str, Prior] = _by_name(
    Prior(
        "tau_n_PDG2024",
        "tau_n",
        878.4,
        0.5,
        "Particle Data Group, Phys. Rev. D 110, 030001 (2024): the neutron mean life, average",
        "2024",
    ),
    Prior(
        "tau_n_UCNtau2021",
        "tau_n",
        877.75,
        math.hypot(0.28, 0.22),
        "UCNtau, Gonzalez et al., PRL 127 (2021) 162501: 877.75 +- 0.28 (stat) +0.22/-0.16 (syst) s; "
        "errors in quadrature, the larger systematic side",
        "2021",
    ),
)
"""Every neutron-lifetime prior, by name (the single-point verdicts hold tau_n at the mean and fold the
width into the BBN theory errors; samplers vary tau_n with it)."""

DEFAULT_TAU_N = "tau_n_PDG2024"

PROBE_NAMES = ("bbn", "cmb", "cmb_full", "firas")
"""Names that stand for a probe with its default data sets."""


@dataclass(frozen=True)
class DataChoice:
    """What a list of data names selects: the BBN measurements (None: no BBN), the compressed CMB
    Gaussian (None: none), plik_lite, FIRAS, the neutron-lifetime prior."""

    names: tuple[str, ...]
    bbn: tuple[str, ...] | None = None
    cmb: str | None = None
    cmb_full: bool = False
    firas: bool = False
    tau_n: str = DEFAULT_TAU_N
    resolved: tuple[str, ...] = field(default=())
    """Every data set used, by name (the BBN measurements, the CMB data, 'firas', the tau_n prior)."""


def all_names() -> tuple[str, ...]:
    return PROBE_NAMES + tuple(MEASUREMENTS) + tuple(CMB_GAUSSIANS) + tuple(TAU_N_PRIORS)


def resolve(names: tuple[str, ...]) -> DataChoice:
    """The ``DataChoice`` of probe and data-set names. A BBN measurement replaces the default of its
    quantity (the others keep theirs) and implies BBN; a CMB Gaussian implies the compressed CMB; a
    tau_n prior only chooses the prior. Errors name the clash or the unknown names."""
    unknown = [n for n in names if n not in all_names()]
    if unknown or not names:
        raise ValueError(
            f"data = {','.join(names)!r}: unknown {unknown}; choose from the probes {PROBE_NAMES} and/or the "
            "data sets that 'ndpcosmo data' lists"
        )
    bbn_named = [n for n in names if n in MEASUREMENTS]
    cmb_named = [n for n in names if n in CMB_GAUSSIANS]
    tau_named = [n for n in names if n in TAU_N_PRIORS]
    if len(cmb_named) > 1:
        raise ValueError(f"data: {cmb_named} are the same kind of measurement: choose one CMB data set")
    if len(tau_named) > 1:
        raise ValueError(f"data: {tau_named}: choose one neutron-lifetime prior")
    full = "cmb_full" in names
    if full and ("cmb" in names or cmb_named):
        raise ValueError(
            "data: the compressed CMB ('cmb' or a cmb_ data set) and 'cmb_full' (plik_lite) measure the same "
            "thing: choose one"
        )
    bbn = None
    if "bbn" in names or bbn_named:
        chosen = measurements(tuple(bbn_named))  # one per quantity
        named = {m.quantity: m.name for m in chosen}
        bbn = tuple(named.pop(MEASUREMENTS[d].quantity, d) for d in DEFAULT_BBN_DATA) + tuple(named.values())
    cmb = cmb_named[0] if cmb_named else (DEFAULT_CMB_DATA if "cmb" in names else None)
    firas = "firas" in names
    if bbn is None and cmb is None and not full and not firas:
        raise ValueError(f"data = {','.join(names)!r}: no probe (a tau_n prior alone measures nothing)")
    tau = tau_named[0] if tau_named else DEFAULT_TAU_N
    resolved = (bbn or ()) + ((cmb,) if cmb else ()) + (("cmb_full",) if full else ()) + (("firas",) if firas else ())
    return DataChoice(tuple(names), bbn, cmb, full, firas, tau, resolved + (tau,))


def catalogue() -> list[dict[str, object]]:
    """Every data set: name, probe, quantity, value, sigma (and covariance), kind, source, year, and
    whether the probe's name stands for it by default (``ndpcosmo data``)."""
    from ..distortions import FIRAS_95

    rows: list[dict[str, object]] = []
    for m in MEASUREMENTS.values():
        rows.append(
            {
                "name": m.name,
                "probe": "bbn",
                "quantity": m.quantity,
                "value": m.value,
                "sigma": m.sigma,
                "kind": m.kind,
                "source": m.source,
                "year": m.version,
                "default": m.name in DEFAULT_BBN_DATA,
            }
        )
    for g in CMB_GAUSSIANS.values():
        means, covariance = g.means_and_covariance()
        rows.append(
            {
                "name": g.name,
                "probe": "cmb",
                "quantity": "omega_b, N_eff, Y_P",
                "value": [float(x) for x in means],
                "sigma": [float(x) for x in np.sqrt(np.diag(covariance))],
                "covariance": covariance.tolist(),
                "kind": "gaussian (3 x 3 covariance)",
                "source": g.source,
                "year": g.version,
                "default": g.name == DEFAULT_CMB_DATA,
            }
        )
    rows.append(
        {
            "name": "cmb_full",
            "probe": "cmb",
            "quantity": "C_ell TT, TE, EE (ell 30-2508), low-ell TT, tau",
            "value": None,
            "sigma": None,
            "kind": "plik_lite bandpowers from the Planck Legacy Archive files (--planck-dir); a classy run per point",
            "source": "Planck 2018 V, A&A 641 (2020) A5, arXiv:1907.12875 (plik_lite v22)",
            "year": "2018",
            "default": False,
        }
    )
    rows.append(
        {
            "name": "firas",
            "probe": "cmb",
            "quantity": "mu, y",
            "value": [0.0, 0.0],
            "sigma": [FIRAS_95["mu"] / 1.96, FIRAS_95["y"] / 1.96],
            "kind": "gaussian, zero mean (the 95 % limits |mu| < 9e-5, |y| < 1.5e-5)",
            "source": "Fixsen et al., ApJ 473 (1996) 576 (COBE/FIRAS)",
            "year": "1996",
            "default": True,
        }
    )
    for prior in TAU_N_PRIORS.values():
        rows.append(
            {
                "name": prior.name,
                "probe": "prior",
                "quantity": prior.quantity,
                "value": prior.value,
                "sigma": prior.sigma,
                "kind": "gaussian prior (held at the mean, width folded into the BBN theory errors)",
                "source": prior.source,
                "year": prior.version,
                "default": prior.name == DEFAULT_TAU_N,
            }
        )
    return rows
