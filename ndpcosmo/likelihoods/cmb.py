"""CMB likelihoods. So far: the compressed Planck 2018 Gaussian on (omega_b, N_eff, Y_P).

Planck 2018 VI (arXiv:1807.06209) constrains the three numbers the dipole portal changes at
recombination. Their joint posterior in LCDM + N_eff + Y_He (TT,TE,EE+lowE) is close to Gaussian; its
covariance is the (omegabh2, nnu, yhe) block of the official chain covariance matrix
``base_nnu_yhe_plikHM_TTTEEE_lowl_lowE.covmat`` (Planck Legacy Archive; sigma = 2.23e-4, 0.307, 0.0179,
rho(omega_b, N_eff) = +0.40, rho(omega_b, Y) = +0.18, rho(N_eff, Y) = -0.68) and its means are those
of Planck 2018 VI table 5 and sec. 7.6.2 as quoted in shared/data/README.md: omega_b = 0.02224,
N_eff = 2.89, Y_P^BBN = 0.247. Y_P here is the BBN nucleon fraction 4 n_He / n_b (``Yp_bbn``), the
quantity those means quote; the chain's yhe is the mass fraction, about 0.0013 lower, whose width
differs from Y_P^BBN's by < 1 %.

chi^2 = d^T C^-1 d with d = (omega_b, N_eff(CMB), Y_P^BBN) - means; the files are read from a path
(argument, or the directory ``$NDPCOSMO_PLANCK_DIR`` holding ``planck2018_covmats/``), never shipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

COVMAT = "planck2018_covmats/base_nnu_yhe_plikHM_TTTEEE_lowl_lowE.covmat"
"""The chain covariance file, relative to the Planck data directory."""

PLANCK2018_MEANS: tuple[float, float, float] = (0.02224, 2.89, 0.247)
"""omega_b, N_eff, Y_P^BBN: Planck 2018 VI (arXiv:1807.06209) table 5, sec. 7.6.2, TT,TE,EE+lowE."""

PARAMETERS: tuple[str, str, str] = ("omegabh2", "nnu", "yhe")
"""The names of the three parameters in the chain files."""


def planck_dir(path: str | os.PathLike | None = None) -> Path:
    """The directory of the Planck files: ``path``, else ``$NDPCOSMO_PLANCK_DIR`` (an error naming
    both if neither is given)."""
    chosen = path if path is not None else os.environ.get("NDPCOSMO_PLANCK_DIR")
    if chosen is None:
        raise FileNotFoundError(
            "no Planck data directory: pass it as an argument or set NDPCOSMO_PLANCK_DIR to the directory "
            "that holds planck2018_covmats/ and planck2018_plik_lite/ (Planck Legacy Archive files)"
        )
    return Path(chosen)


@dataclass(frozen=True)
class CompressedPlanck:
    """The Gaussian on (omega_b, N_eff, Y_P^BBN): means and covariance (``from_files``)."""

    means: np.ndarray = field(repr=False)
    covariance: np.ndarray = field(repr=False)
    source: str = ""

    @classmethod
    def from_files(cls, directory: str | os.PathLike | None = None) -> CompressedPlanck:
        """Read the covariance block from the chain covariance file under ``planck_dir(directory)``."""
        path = planck_dir(directory) / COVMAT
        with open(path) as f:
            names = f.readline().lstrip("#").split()
        missing = [p for p in PARAMETERS if p not in names]
        if missing:
            raise ValueError(f"{path} lacks the parameters {missing}")
        matrix = np.loadtxt(path)
        idx = [names.index(p) for p in PARAMETERS]
        return cls(np.array(PLANCK2018_MEANS), matrix[np.ix_(idx, idx)], str(path))

    @property
    def sigmas(self) -> np.ndarray:
        return np.sqrt(np.diag(self.covariance))

    def chi2(self, omega_b: float, neff: float, Yp_bbn: float) -> float:
        """chi^2 of one point."""
        d = np.array([omega_b, neff, Yp_bbn]) - self.means
        return float(d @ np.linalg.solve(self.covariance, d))

    def chi2_result(self, result) -> float:
        """chi^2 of a ``pipeline.Result``: today's omega_b, N_eff at recombination, the final Y_P^BBN."""
        return self.chi2(result.cosmology.omega_b, result.history.neff_cmb, result.final.Yp_bbn)
