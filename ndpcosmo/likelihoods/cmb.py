"""CMB likelihoods: the compressed Planck 2018 Gaussian on (omega_b, N_eff, Y_P), the plik_lite
bandpower likelihood on classy spectra, and the COBE/FIRAS limits on mu and y (``Firas``).

Planck 2018 VI (arXiv:1807.06209) constrains the three numbers the dipole portal changes at
recombination. Their joint posterior in LCDM + N_eff + Y_He (TT,TE,EE+lowE) is close to Gaussian; its
covariance is the (omegabh2, nnu, yhe) block of the official chain covariance matrix
``base_nnu_yhe_plikHM_TTTEEE_lowl_lowE.covmat`` (Planck Legacy Archive; sigma = 2.23e-4, 0.307, 0.0179,
rho(omega_b, N_eff) = +0.40, rho(omega_b, Y) = +0.18, rho(N_eff, Y) = -0.68) and its means are those
of Planck 2018 VI table 5 and sec. 7.6.2 as quoted in shared/data/README.md: omega_b = 0.02224,
N_eff = 2.89, Y_P^BBN = 0.247. Y_P here is the BBN nucleon fraction 4 n_He / n_b (``Yp_bbn``), the
quantity those means quote; the chain's yhe is the mass fraction, about 0.0013 lower, whose width
differs from Y_P^BBN's by < 1 %.

chi^2 = d^T C^-1 d with d = (omega_b, N_eff(CMB), Y_P^BBN) - means. The three means and the 3 x 3
block ship inside the package (``ndpcosmo/data/planck2018_compressed.txt``, its source in the header):
``CompressedPlanck.load()`` needs nothing downloaded; given a Planck data directory (an argument, or
``$NDPCOSMO_PLANCK_DIR`` holding ``planck2018_covmats/``) it reads the block from the chain file itself.
plik_lite's bandpowers are read from that directory only (never shipped).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .data import CMB_GAUSSIANS, DATA_DIR

COVMAT = "planck2018_covmats/base_nnu_yhe_plikHM_TTTEEE_lowl_lowE.covmat"
"""The chain covariance file, relative to the Planck data directory."""
EMBEDDED = DATA_DIR / CMB_GAUSSIANS["cmb_Planck2018"].file
"""The shipped means and covariance block (the same numbers as COVMAT's block)."""

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

    @classmethod
    def embedded(cls) -> CompressedPlanck:
        """The Planck 2018 means and covariance block shipped with the package (``EMBEDDED``)."""
        return cls.named("cmb_Planck2018")

    @classmethod
    def named(cls, name: str) -> CompressedPlanck:
        """A compressed CMB Gaussian of ``data.CMB_GAUSSIANS`` by name (the shipped file)."""
        if name not in CMB_GAUSSIANS:
            raise ValueError(f"unknown CMB data set {name!r}; known: {sorted(CMB_GAUSSIANS)}")
        gaussian = CMB_GAUSSIANS[name]
        means, covariance = gaussian.means_and_covariance()
        return cls(means, covariance, str(DATA_DIR / gaussian.file))

    @classmethod
    def load(cls, directory: str | os.PathLike | None = None) -> CompressedPlanck:
        """From the chain covariance file where a Planck directory is given (``directory`` or
        $NDPCOSMO_PLANCK_DIR), else the shipped copy."""
        if directory is None and not os.environ.get("NDPCOSMO_PLANCK_DIR"):
            return cls.embedded()
        return cls.from_files(directory)

    @property
    def sigmas(self) -> np.ndarray:
        return np.sqrt(np.diag(self.covariance))

    def chi2(self, omega_b, neff, Yp_bbn):
        """chi^2 of one point (floats give a float), or of many (arrays, broadcast together)."""
        d = np.stack(np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (omega_b, neff, Yp_bbn))))
        d = d - self.means.reshape((3,) + (1,) * (d.ndim - 1))
        chi2 = np.einsum("i...,i...->...", d, np.linalg.solve(self.covariance, d.reshape(3, -1)).reshape(d.shape))
        return float(chi2) if chi2.ndim == 0 else chi2

    def chi2_result(self, result) -> float:
        """chi^2 of a ``pipeline.Result``: today's omega_b, N_eff at recombination, the final Y_P^BBN."""
        return self.chi2(result.cosmology.omega_b, result.history.neff_cmb, result.final.Yp_bbn)


PLIK_LITE = "planck2018_plik_lite/planck2018_plik_lite"
"""The plik_lite v22 files, relative to the Planck data directory."""

PLIK_BINS: tuple[int, int, int] = (215, 199, 199)
"""Bandpowers of TT (ell 30-2508), TE and EE (ell 30-1996)."""

PLIK_LMIN = 30
PLIK_LMAX = 2508
LOW_ELL = "planck2018_plik_lite/planck2018_low_ell"
"""The two low-ell TT bins (2-15, 16-29; Commander, Gaussian as in Prince & Dunkley 2019)."""
LOW_ELL_LMIN = 2
A_PLANCK_PRIOR: tuple[float, float] = (1.0, 0.0025)
"""The Planck calibration A_planck: Gaussian prior (mean, sigma), Planck 2018 V."""
TAU_PRIOR: tuple[float, float] = (0.0506, 0.0086)
"""The optical depth to reionisation: Gaussian prior (mean, sigma) standing in for Planck's low-ell EE
likelihood (shared/data/README.md; Planck 2018 V, SimAll EE)."""


def _bin(spectrum_cl: np.ndarray, weights: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """sum_{ell = lo .. hi} w_ell C_ell for each bin (indices relative to the first ell of ``spectrum_cl``)."""
    cumulative = np.concatenate([[0.0], np.cumsum(weights * spectrum_cl)])
    return cumulative[hi + 1] - cumulative[lo]


@dataclass(frozen=True)
class PlikLite:
    """The Planck 2018 plik_lite v22 likelihood (Planck 2018 V, arXiv:1907.12875; the binned,
    foreground-marginalised TT, TE, EE bandpowers, ell 30-2508, as in Prince & Dunkley
    arXiv:1909.05869), optionally with their two Gaussian low-ell TT bins (ell 2-29) and the tau prior:
    chi^2 = (C_b - C_b^th / A^2)^T Sigma^-1 (C_b - C_b^th / A^2) + ((A - 1) / 0.0025)^2
    [+ ((tau - 0.0506) / 0.0086)^2], where C_b^th = sum_ell w_ell C_ell over each bin (C_ell in muK^2)
    and A = A_planck. The low-ell bins enter the data vector with their variances on the diagonal
    (uncorrelated with the high-ell bins)."""

    data: np.ndarray = field(repr=False)
    inverse_covariance: np.ndarray = field(repr=False)
    bin_lo: np.ndarray = field(repr=False)
    bin_hi: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    low_ell_lo: np.ndarray | None = field(default=None, repr=False)
    low_ell_hi: np.ndarray | None = field(default=None, repr=False)
    low_ell_weights: np.ndarray | None = field(default=None, repr=False)
    source: str = ""

    @classmethod
    def from_files(cls, directory: str | os.PathLike | None = None, low_ell: bool = False) -> PlikLite:
        """Read the bandpowers, the covariance (one Fortran record; one triangle filled, symmetrised
        here) and the bins from ``planck_dir(directory)``; ``low_ell`` adds the two TT bins below
        ell = 30 (then the spectra must start at ell = 2)."""
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
        if not low_ell:
            return cls(data, np.linalg.inv(cov), lo, hi, weights, source=str(path))
        low = planck_dir(directory) / LOW_ELL
        table = np.atleast_2d(np.loadtxt(low / "CTT_bin_low_ell_2018.dat"))
        low_lo = np.atleast_1d(np.loadtxt(low / "blmin_low_ell.dat")).astype(int)
        low_hi = np.atleast_1d(np.loadtxt(low / "blmax_low_ell.dat")).astype(int)
        low_w = np.loadtxt(low / "bweight_low_ell.dat")
        if int(np.loadtxt(low / "plmin_low_ell.dat")) != LOW_ELL_LMIN or low_w.size != PLIK_LMIN - LOW_ELL_LMIN:
            raise ValueError(f"{low}: expected weights for ell {LOW_ELL_LMIN}-{PLIK_LMIN - 1}")
        m = table.shape[0]
        full = np.zeros((m + n, m + n))
        full[:m, :m] = np.diag(table[:, 2] ** 2)
        full[m:, m:] = cov
        return cls(
            np.concatenate([table[:, 1], data]),
            np.linalg.inv(full),
            lo,
            hi,
            weights,
            low_lo,
            low_hi,
            low_w,
            source=f"{path} + {low}",
        )

    @property
    def lmin(self) -> int:
        """The lowest ell the spectra must provide."""
        return LOW_ELL_LMIN if self.low_ell_weights is not None else PLIK_LMIN

    def binned(self, ell: np.ndarray, tt: np.ndarray, te: np.ndarray, ee: np.ndarray) -> np.ndarray:
        """The theory bandpowers (the low-ell TT bins first, when loaded, then the 613 of plik_lite) from
        D_ell = l(l+1) C_l / 2 pi [muK^2] given at integer ``ell`` (covering lmin ... 2508)."""
        ell = np.asarray(ell, dtype=int)
        wanted = np.arange(self.lmin, PLIK_LMAX + 1)
        at = np.searchsorted(ell, wanted)
        if ell[0] > self.lmin or ell[-1] < PLIK_LMAX or np.any(ell[np.minimum(at, ell.size - 1)] != wanted):
            raise ValueError(f"the spectra must cover every ell from {self.lmin} to {PLIK_LMAX}")
        to_cl = 2.0 * np.pi / (wanted * (wanted + 1.0))
        cls_ = [np.asarray(x, dtype=float)[at] * to_cl for x in (tt, te, ee)]
        blocks = []
        if self.low_ell_weights is not None:
            low_tt = cls_[0][: PLIK_LMIN - LOW_ELL_LMIN]
            blocks.append(_bin(low_tt, self.low_ell_weights, self.low_ell_lo, self.low_ell_hi))
        skip = PLIK_LMIN - self.lmin
        span = PLIK_LMAX - PLIK_LMIN + 1
        for s, (cl, nbins) in enumerate(zip(cls_, PLIK_BINS, strict=True)):
            first = PLIK_BINS[0] * s  # the edge files hold 215 bins per spectrum; TE and EE use 199
            lo = self.bin_lo[first : first + nbins] - s * span
            hi = self.bin_hi[first : first + nbins] - s * span
            blocks.append(_bin(cl[skip:], self.weights[s * span : (s + 1) * span], lo, hi))
        return np.concatenate(blocks)

    @staticmethod
    def _priors(A_planck: float, tau_reio: float | None) -> float:
        mean, sigma = A_PLANCK_PRIOR
        chi2 = ((A_planck - mean) / sigma) ** 2
        if tau_reio is not None:
            tau_mean, tau_sigma = TAU_PRIOR
            chi2 += ((tau_reio - tau_mean) / tau_sigma) ** 2
        return chi2

    def chi2(self, ell, tt, te, ee, A_planck: float = 1.0, tau_reio: float | None = None) -> float:
        """chi^2 at a given calibration, its prior included, and the tau prior when ``tau_reio`` is given."""
        d = self.data - self.binned(ell, tt, te, ee) / A_planck**2
        return float(d @ self.inverse_covariance @ d + self._priors(A_planck, tau_reio))

    def chi2_profiled(self, ell, tt, te, ee, tau_reio: float | None = None) -> tuple[float, float]:
        """chi^2 minimised over A_planck (with its prior; the tau prior when ``tau_reio`` is given),
        and that A_planck."""
        from scipy.optimize import minimize_scalar

        theory = self.binned(ell, tt, te, ee)
        mean, sigma = A_PLANCK_PRIOR

        def f(A: float) -> float:
            d = self.data - theory / A**2
            return float(d @ self.inverse_covariance @ d + self._priors(A, tau_reio))

        best = minimize_scalar(f, bounds=(mean - 10 * sigma, mean + 10 * sigma), method="bounded")
        return float(best.fun), float(best.x)

    def chi2_class_run(self, run, profile_A_planck: bool = True) -> float:
        """chi^2 of a ``cmb.ClassRun`` (A_planck profiled, or 1), with the tau prior on the run's
        optical depth (CLASS's derived ``tau_reio``)."""
        tau = run.derived["tau_reio"]
        if profile_A_planck:
            return self.chi2_profiled(run.ell, run.tt, run.te, run.ee, tau_reio=tau)[0]
        return self.chi2(run.ell, run.tt, run.te, run.ee, tau_reio=tau)


@dataclass(frozen=True)
class Firas:
    """The COBE/FIRAS spectral-distortion limits |mu| < 9e-5, |y| < 1.5e-5 (95 %, Fixsen et al. 1996) as a
    Gaussian chi^2 of zero mean with sigma = limit / 1.96, on mu and y from ``ndpcosmo.distortions``
    (the Green's-function approximation on the history's own energy release)."""

    def chi2(self, mu: float, y: float) -> float:
        from ..distortions import firas_chi2

        return firas_chi2(mu, y)

    def chi2_result(self, result) -> float:
        """chi^2 of a ``pipeline.Result``."""
        return result.distortions.chi2_firas
