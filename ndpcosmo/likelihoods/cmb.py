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


PLIK_LITE = "planck2018_plik_lite/planck2018_plik_lite"
"""The plik_lite v22 files, relative to the Planck data directory."""

PLIK_BINS: tuple[int, int, int] = (215, 199, 199)
"""Bandpowers of TT (ell 30-2508), TE and EE (ell 30-1996)."""

PLIK_LMIN = 30
PLIK_LMAX = 2508
A_PLANCK_PRIOR: tuple[float, float] = (1.0, 0.0025)
"""The Planck calibration A_planck: Gaussian prior (mean, sigma), Planck 2018 V."""


@dataclass(frozen=True)
class PlikLite:
    """The Planck 2018 high-ell plik_lite v22 likelihood (Planck 2018 V, arXiv:1907.12875; the binned,
    foreground-marginalised TT, TE, EE bandpowers of Prince & Dunkley arXiv:1909.05869's python port):
    chi^2 = (C_b - C_b^th / A^2)^T Sigma^-1 (C_b - C_b^th / A^2) + ((A - 1) / 0.0025)^2, where C_b^th =
    sum_ell w_ell C_ell over each bin (C_ell in muK^2, ell from 30) and A = A_planck."""

    data: np.ndarray = field(repr=False)
    inverse_covariance: np.ndarray = field(repr=False)
    bin_lo: np.ndarray = field(repr=False)
    bin_hi: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    source: str = ""

    @classmethod
    def from_files(cls, directory: str | os.PathLike | None = None) -> PlikLite:
        """Read the bandpowers, the covariance (one Fortran record; one triangle filled, symmetrised
        here) and the bins from ``planck_dir(directory)``."""
        path = planck_dir(directory) / PLIK_LITE
        n = sum(PLIK_BINS)
        data = np.loadtxt(path / "cl_cmb_plik_v22.dat")[:, 1]
        raw = np.fromfile(path / "c_matrix_plik_v22.dat", dtype=np.float64, offset=4, count=n * n)
        if raw.size != n * n or data.size != n:
            raise ValueError(f"{path}: expected {n} bandpowers and a {n} x {n} covariance")
        cov = raw.reshape(n, n)
        cov = cov + cov.T - np.diag(np.diag(cov))
        lo = np.loadtxt(path / "blmin.dat").astype(int)
        hi = np.loadtxt(path / "blmax.dat").astype(int)
        weights = np.loadtxt(path / "bweight.dat")
        return cls(data, np.linalg.inv(cov), lo, hi, weights, str(path))

    def binned(self, ell: np.ndarray, tt: np.ndarray, te: np.ndarray, ee: np.ndarray) -> np.ndarray:
        """The 613 theory bandpowers from D_ell = l(l+1) C_l / 2 pi [muK^2] given at integer ``ell``
        (covering 30 ... 2508)."""
        ell = np.asarray(ell, dtype=int)
        wanted = np.arange(PLIK_LMIN, PLIK_LMAX + 1)
        at = np.searchsorted(ell, wanted)
        if ell[0] > PLIK_LMIN or ell[-1] < PLIK_LMAX or np.any(ell[np.minimum(at, ell.size - 1)] != wanted):
            raise ValueError(f"the spectra must cover every ell from {PLIK_LMIN} to {PLIK_LMAX}")
        to_cl = 2.0 * np.pi / (wanted * (wanted + 1.0))
        blocks = []
        span = PLIK_LMAX - PLIK_LMIN + 1
        for s, (spectrum, nbins) in enumerate(zip((tt, te, ee), PLIK_BINS, strict=True)):
            cl = np.asarray(spectrum, dtype=float)[at] * to_cl
            w = self.weights[s * span : (s + 1) * span] * cl
            cumulative = np.concatenate([[0.0], np.cumsum(w)])
            first = PLIK_BINS[0] * s
            lo = self.bin_lo[first : first + nbins] - s * span
            hi = self.bin_hi[first : first + nbins] - s * span
            blocks.append(cumulative[hi + 1] - cumulative[lo])
        return np.concatenate(blocks)

    def chi2(self, ell, tt, te, ee, A_planck: float = 1.0) -> float:
        """chi^2 at a given calibration, its prior included."""
        d = self.data - self.binned(ell, tt, te, ee) / A_planck**2
        mean, sigma = A_PLANCK_PRIOR
        return float(d @ self.inverse_covariance @ d + ((A_planck - mean) / sigma) ** 2)

    def chi2_profiled(self, ell, tt, te, ee) -> tuple[float, float]:
        """chi^2 minimised over A_planck (with its prior), and that A_planck."""
        from scipy.optimize import minimize_scalar

        theory = self.binned(ell, tt, te, ee)
        mean, sigma = A_PLANCK_PRIOR

        def f(A: float) -> float:
            d = self.data - theory / A**2
            return float(d @ self.inverse_covariance @ d + ((A - mean) / sigma) ** 2)

        best = minimize_scalar(f, bounds=(mean - 10 * sigma, mean + 10 * sigma), method="bounded")
        return float(best.fun), float(best.x)
