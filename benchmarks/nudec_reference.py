"""Collect Nudec_LLP_Solver runs into docs/data/nudec/reference.json (the other-code reference for the
non-thermal decay neutrinos; docs/validation.md, "Decay neutrinos against Nudec_LLP_Solver").

Nudec_LLP_Solver (Akita, Baur, Ovchynnikov, arXiv:2411.00892; github.com/baugid/Nudec_LLP_Solver, GPL-3:
run as a separate program, never imported) solves the neutrino Boltzmann equations with the full
collision integrals on a linear momentum grid, with an X -> nu nubar source. Version: commit
02888cf8f337c6acfb39cec3cd1cfbc0a71fa0d5 (the README's basicRunner_cli.py), with two local switches
read from the environment (no physics change): NUDEC_YMAX forces the grid's y_max (so a Standard
Model baseline runs on the very grid of its X run) and NUDEC_OSC=1 turns on its averaged oscillations
(Constants.DEFAULT_IFOSC, False upstream). Runs (cwd: the Nudec checkout; ~2 min at 101 bins, 14 min at 201):

    python basicRunner_cli.py --llp-mass M --llp-lifetime TAU --llp-abundance N_MEV3 \\
        --llp-two-nu-decay-e 1 --llp-two-nu-decay-mu 0 --llp-two-nu-decay-tau 0 --llp-pion-branching 0 \\
        --llp-muon-branching 0 --nbins NB --Tstart 5.0 --ifDebugging False --no-decay-probabilities \\
        --output-folder FOLDER
    NUDEC_YMAX=<the X run's y_max> python basicRunner_cli.py ... --llp-abundance 0 ... (the baseline)

Its abundance is the physical n_X [MeV^3] at T_start = 5 MeV (n / n_gamma = N_MEV3 / (2 zeta(3) 5^3 / pi^2)),
decaying from then on; X -> nu_a nubar_a, two neutrinos of M/2 per decay = ndpcosmo's
Relic(M, TAU, n / n_gamma, T0_mev=5, photon_fraction=0, flavour=a).

    python benchmarks/nudec_reference.py RESULTS_DIR     (RESULTS_DIR: Nudec's output root)
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

ZETA3 = 1.2020569031595942854
OUT = Path(__file__).resolve().parents[1] / "docs" / "data" / "nudec" / "reference.json"

# (label, X folder, X run id, baseline folder, its run id, notes)
CASES = (
    ("M40_tau0.1_e_n101", "m40", "436742", "SMy75_n101", None, "y_max 75.1, dy 0.75"),
    ("M40_tau0.1_e_n201", "m40", "433413", "SMy75_n201", None, "y_max 75.1, dy 0.37: grid convergence"),
    ("M40_tau0.1_e_osc_n101", "m40_osc", None, "SMosc_y75_n101", None, "Nudec's averaged oscillations on"),
    ("M10_tau0.1_e_n101", "m10", None, "SMy40_n101", None, "y_max 40, dy 0.4: injection at E ~ 2 T"),
    ("M40_tau0.03_e_n151", "y100_m40_tau0.03", None, "y100_SM", None, "y_max 100, dy 0.67"),
    ("M40_tau0.1_e_n151", "y100_m40_tau0.1", None, "y100_SM", None, "y_max 100, dy 0.67"),
    ("M40_tau0.3_e_n151", "y100_m40_tau0.3", None, "y100_SM", None, "y_max 100, dy 0.67"),
    ("M40_tau0.1_mu_n151", "y100_m40mu_tau0.1", None, "y100_SM", None, "y_max 100, dy 0.67"),
    ("M200_tau0.1_e_n101", "m200lin", None, "SMy376_n101", None, "y_max 376, dy 3.8: not converged"),
)


def run_row(folder: Path, run_id: str | None) -> tuple[list[str], np.ndarray]:
    rows = [line.split() for line in open(folder / "output.txt") if line.strip() and not line.startswith("#")]
    row = rows[0] if run_id is None else next(r for r in rows if r[0] == run_id)
    thermo = np.loadtxt(folder / f"{row[0]}_thermodynamics.txt")
    return row, thermo


def comoving(thermo: np.ndarray) -> np.ndarray:
    """(a^4 rho) at the end over a^4 rho_EM at T_start, for EM, nu_e, nu_mu, nu_tau."""
    a = thermo[:, -1] / thermo[0, -1]
    return a[-1] ** 4 * thermo[-1, 2:6] / thermo[0, 2]


def main(root: str) -> None:
    base = Path(root)
    cases = []
    for label, folder, rid, sm_folder, sm_rid, notes in CASES:
        try:
            row, th = run_row(base / folder, rid)
            sm_row, sm_th = run_row(base / sm_folder, sm_rid)
        except (OSError, IndexError, StopIteration):
            print(f"skipped {label}: run or baseline missing")
            continue
        mass, tau, nbins, n_mev3 = float(row[1]), float(row[2]), int(row[3]), float(row[4])
        flavour = "e" if float(row[7]) == 1.0 else ("mu" if float(row[8]) == 1.0 else "tau")
        gains = comoving(th) - comoving(sm_th)
        # along T (the snapshots of both runs are at the same temperatures): the X run's comoving energies
        # minus the baseline's, over a^4 rho_EM at T_start, per sector
        a, a_sm = th[:, -1] / th[0, -1], sm_th[:, -1] / sm_th[0, -1]
        hist = (a[:, None] ** 4 * th[:, 2:6] - a_sm[:, None] ** 4 * sm_th[:, 2:6]) / th[0, 2]
        cases.append(
            {
                "label": label,
                "mass_mev": mass,
                "tau_s": tau,
                "flavour": flavour,
                "n_mev3_at_5mev": n_mev3,
                "n_over_ngamma_at_5mev": n_mev3 / (2 * ZETA3 / math.pi**2 * 5.0**3),
                "nbins": nbins,
                "run_id": row[0],
                "baseline_run_id": sm_row[0],
                "neff": float(row[14]),
                "neff_baseline": float(sm_row[14]),
                "aT_ratio_cubed": float(row[13]),
                "aT_ratio_cubed_baseline": float(sm_row[13]),
                "comoving_gain_em_nue_numu_nutau": [float(g) for g in gains],
                "history_T_mev": [round(float(t), 6) for t in th[:, 0]],
                "history_gain_em_nue_numu_nutau": [[round(float(v), 8) for v in row] for row in hist],
                "notes": notes,
            }
        )
    header = {
        "source": "Nudec_LLP_Solver (baugid/Nudec_LLP_Solver, commit 02888cf8f337c6acfb39cec3cd1cfbc0a71fa0d5; "
        "Akita, Baur, Ovchynnikov arXiv:2411.00892), runs of 2026-12-03 (benchmarks/nudec_reference.py)",
        "units": "comoving gains: (a^4 rho)_end of the X run minus the baseline's, over a^4 rho_EM at T = 5 MeV "
        "(a = 1 there; history_*: the same at each snapshot temperature); aT_ratio_cubed: ((aT)_5MeV/(aT)_end)^3",
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(header, indent=1) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/nudec_results")
