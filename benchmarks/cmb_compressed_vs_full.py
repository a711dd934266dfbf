"""The compressed Planck Gaussian against the full plik_lite likelihood on Delta chi^2 (issue 6).

The compressed likelihood (``CompressedPlanck``) is the Planck 2018 TT,TE,EE+lowE posterior of
(omega_b, N_eff, Y_P) with the other LCDM parameters marginalised. The full likelihood here is plik_lite
(TT, TE, EE, ell >= 30) with its two low-ell TT bins and the tau prior standing in for lowE, on classy
spectra. For a fair comparison the full chi^2 at fixed (omega_b, N_eff, YHe) is *profiled* over the other
parameters (omega_cdm, 100 theta_s, ln 10^10 A_s, n_s, tau_reio) and A_planck: for a Gaussian posterior
the profile and the marginal give the same Delta chi^2.

Points: the Standard Model through our chain (the reference), N_eff shifted by -0.3 and +0.3 at the
same omega_b and YHe, and one N model (M_N = 0.1 MeV, mu = 1e-9 mu_B: N_eff = 3.30 at recombination and
Y_P up by 0.015). One massive neutrino of 0.06 eV as in Planck's chains. The profile is a
Levenberg-Marquardt fit on the bandpower residuals with a forward-difference Jacobian (classy runs in
two processes); each point costs some 20-40 classy runs (~3-6 s each).

    python benchmarks/cmb_compressed_vs_full.py [PLANCK_DIR]

PLANCK_DIR defaults to $NDPCOSMO_PLANCK_DIR or ../shared/data.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from ndpcosmo import DipolePortal, Precision, run
from ndpcosmo.cmb import class_inputs
from ndpcosmo.likelihoods.cmb import A_PLANCK_PRIOR, TAU_PRIOR, CompressedPlanck, PlikLite

FREE = ("omega_cdm", "100*theta_s", "ln10^{10}A_s", "n_s", "tau_reio")
START = (0.12011, 1.041085, 3.0448, 0.96605, 0.0543)
"""Planck 2018 VI table 2 best fit (TT,TE,EE+lowE+lensing)."""
STEP = (0.0008, 0.0004, 0.008, 0.004, 0.004)
L_MAX = 2508


def spectra(params: dict[str, object]) -> np.ndarray:
    """(ell, TT, TE, EE) lensed D_ell [muK^2] for ell = 2 ... L_MAX."""
    import classy

    cosmo = classy.Class()
    cosmo.set({"output": "tCl,pCl,lCl", "lensing": "yes", "l_max_scalars": L_MAX, **params})
    try:
        cosmo.compute()
        cl = cosmo.lensed_cl(L_MAX)
        ell = cl["ell"][2:]
        f = ell * (ell + 1) / (2 * np.pi) * (cosmo.T_cmb() * 1e6) ** 2
        return np.array([ell, f * cl["tt"][2:], f * cl["te"][2:], f * cl["ee"][2:]])
    finally:
        cosmo.struct_cleanup()
        cosmo.empty()


class Profile:
    """The full chi^2 at fixed (omega_b, N_ur, YHe, neutrino mass) profiled over FREE and A_planck."""

    def __init__(self, plik: PlikLite, pool: ProcessPoolExecutor) -> None:
        self.plik = plik
        self.pool = pool
        self.L = np.linalg.cholesky(plik.inverse_covariance)  # inverse covariance = L L^T
        self.runs = 0

    def _residuals(self, theory: np.ndarray, A: float, tau: float) -> np.ndarray:
        d = self.plik.data - theory / A**2
        return np.concatenate(
            [self.L.T @ d, [(A - A_PLANCK_PRIOR[0]) / A_PLANCK_PRIOR[1], (tau - TAU_PRIOR[0]) / TAU_PRIOR[1]]]
        )

    def _theories(self, fixed: dict[str, object], points: list[np.ndarray]) -> list[np.ndarray]:
        dicts = [{**fixed, **dict(zip(FREE, p, strict=True))} for p in points]
        self.runs += len(dicts)
        return [self.plik.binned(s[0], s[1], s[2], s[3]) for s in self.pool.map(spectra, dicts)]

    def fit(self, fixed: dict[str, object], start: np.ndarray, tol: float = 0.02) -> tuple[float, np.ndarray, float]:
        p = np.array(start, dtype=float)
        A = 1.0
        (theory,) = self._theories(fixed, [p])
        r = self._residuals(theory, A, p[4])
        chi2 = float(r @ r)
        lam = 1e-3
        for _ in range(12):
            shifted = self._theories(fixed, [p + np.eye(5)[k] * STEP[k] for k in range(5)])
            J = np.empty((r.size, 6))
            for k in range(5):
                J[:, k] = (self._residuals(shifted[k], A, p[4] + (STEP[k] if k == 4 else 0.0)) - r) / STEP[k]
            J[:, 5] = np.concatenate([self.L.T @ (2.0 * theory / A**3), [1.0 / A_PLANCK_PRIOR[1], 0.0]])
            JTJ, g = J.T @ J, J.T @ r
            while True:
                delta = np.linalg.solve(JTJ + lam * np.diag(np.diag(JTJ)), -g)
                trial_p, trial_A = p + delta[:5], A + delta[5]
                (trial_theory,) = self._theories(fixed, [trial_p])
                trial_r = self._residuals(trial_theory, trial_A, trial_p[4])
                trial_chi2 = float(trial_r @ trial_r)
                if trial_chi2 < chi2:
                    lam = max(lam / 5.0, 1e-6)
                    break
                lam *= 5.0
                if lam > 1e3:
                    return chi2, p, A
            improvement = chi2 - trial_chi2
            p, A, theory, r, chi2 = trial_p, trial_A, trial_theory, trial_r, trial_chi2
            print(f"    chi2 = {chi2:.3f} (-{improvement:.3f}), p = {np.round(p, 5)}, A = {A:.5f}", flush=True)
            if improvement < tol:
                break
        return chi2, p, A


def main() -> None:
    warnings.simplefilter("ignore")
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NDPCOSMO_PLANCK_DIR", "../shared/data"))
    compressed = CompressedPlanck.from_files(directory)
    plik = PlikLite.from_files(directory, low_ell=True)
    precision = Precision(bbn_errors="none")
    sm = run(None, precision=precision)
    model = run(DipolePortal(0.1, 1e-9), precision=precision)
    sm_inputs = class_inputs(sm, massive_nu_ev=(0.06,))
    points = {
        "SM": (sm_inputs, sm.final.Yp_bbn, sm.history.neff_cmb),
        "N_eff - 0.3": (
            dataclasses.replace(sm_inputs, N_ur=sm_inputs.N_ur - 0.3),
            sm.final.Yp_bbn,
            sm.history.neff_cmb - 0.3,
        ),
        "N_eff + 0.3": (
            dataclasses.replace(sm_inputs, N_ur=sm_inputs.N_ur + 0.3),
            sm.final.Yp_bbn,
            sm.history.neff_cmb + 0.3,
        ),
        "N (0.1 MeV, 1e-9 muB)": (
            class_inputs(model, massive_nu_ev=(0.06,)),
            model.final.Yp_bbn,
            model.history.neff_cmb,
        ),
    }
    results = {}
    with ProcessPoolExecutor(max_workers=2) as pool:
        profile = Profile(plik, pool)
        for name, (inputs, yp_bbn, neff) in points.items():
            start = time.perf_counter()
            runs = profile.runs
            fixed = inputs.as_dict()  # omega_cdm is among the free parameters
            # start on the z_eq degeneracy: omega_m scales with the radiation
            scale = (1 + 0.2271 * neff) / (1 + 0.2271 * sm.history.neff_cmb)
            x0 = np.array(START)
            x0[0] = (inputs.omega_b + START[0]) * scale - inputs.omega_b
            print(f"{name}: omega_b = {inputs.omega_b}, N_eff = {neff:.4f}, YHe = {inputs.YHe:.5f}", flush=True)
            chi2_full, best, A = profile.fit(fixed, x0)
            chi2_compressed = compressed.chi2(inputs.omega_b, neff, yp_bbn)
            results[name] = {
                "N_eff": neff,
                "YHe": inputs.YHe,
                "Yp_bbn": yp_bbn,
                "chi2_full": chi2_full,
                "chi2_compressed": chi2_compressed,
                "best": dict(zip(FREE, best.tolist(), strict=True)) | {"A_planck": A},
                "classy_runs": profile.runs - runs,
                "seconds": time.perf_counter() - start,
            }
    ref = results["SM"]
    print(f"\n{'point':24s} {'N_eff':>7s} {'YHe':>8s} {'dchi2 full':>11s} {'dchi2 compr.':>13s} {'ratio':>6s}")
    for name, row in results.items():
        full = row["chi2_full"] - ref["chi2_full"]
        comp = row["chi2_compressed"] - ref["chi2_compressed"]
        ratio = comp / full if name != "SM" and full != 0 else float("nan")
        print(f"{name:24s} {row['N_eff']:7.4f} {row['YHe']:8.5f} {full:11.3f} {comp:13.3f} {ratio:6.3f}")
        row["dchi2_full"], row["dchi2_compressed"] = full, comp
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
