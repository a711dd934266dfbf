"""Build the photodisintegration cross-section tables of ndpcosmo from primary data.

Sources (nothing is taken from other BBN codes):
  * IAEA/PD-2019 evaluated photonuclear library (Kawano et al., Nucl. Data Sheets 163 (2020) 109),
    ENDF-6 files g_1-H-2_0128.dat and g_2-He-3_0225.dat (copied verbatim into ./raw from the
    GitHub repository shinokumura/IAEA-PD2019, data/g-iaea-pd-2019/), read with ./endf.py;
  * the EXFOR library (NRDC master files, IAEA-NDS/exfor_master snapshot), read with ./exfor.py.

Run:  python tools/photonuclear/make_tables.py [--check]
Writes ndpcosmo/photodisintegration/data/*.txt and prints the sanity checks (thresholds, peaks,
integrated cross sections vs the TRK sum rule, spread between EXFOR data sets).
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

import endf  # noqa: E402
import exfor  # noqa: E402

from ndpcosmo import constants as const  # noqa: E402
from ndpcosmo.bbn.nuclides import NUCLIDES, q_value_mev  # noqa: E402

OUT = os.path.join(ROOT, "ndpcosmo", "photodisintegration", "data")
RAW = os.path.join(HERE, "raw")
IAEA_REF = "IAEA/PD-2019 (Kawano et al., NDS 163 (2020) 109)"
EXFOR_REF = "EXFOR (NRDC master files, github IAEA-NDS/exfor_master snapshot 211d7b519, 2026-07-01)"

REPORT: list = []  # lines of the sanity report


def log(s=""):
    print(s)
    REPORT.append(s)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def threshold(target, products):
    """Photodisintegration threshold -Q [MeV] from the AME2020 masses of ndpcosmo.bbn.nuclides."""
    return -q_value_mev((target,), tuple(products))


def merge_duplicates(E, S, dS):
    """Average points at identical energies (weights 1/dS^2 when all dS > 0, else plain mean)."""
    E, S, dS = map(np.asarray, (E, S, dS))
    out = []
    for e in np.unique(E):
        m = E == e
        s, d = S[m], dS[m]
        if m.sum() == 1:
            out.append((e, s[0], d[0]))
        elif np.all(d > 0):
            w = 1 / d**2
            out.append((e, np.sum(w * s) / w.sum(), 1 / math.sqrt(w.sum())))
        else:
            out.append((e, s.mean(), math.sqrt(np.sum(d**2)) / len(d)))
    a = np.array(out)
    return a[:, 0], a[:, 1], a[:, 2]


def load_x4(sub, emin=-np.inf, emax=np.inf):
    E, S, dS, note, s = exfor.load(sub)
    m = (E >= emin) & (E <= emax)
    return E[m], S[m], dS[m], note


def with_threshold(E, S, dS, eth):
    """Drop points below threshold and start the table with (E_th, 0, 0)."""
    m = E > eth + 1e-9
    E, S, dS = E[m], S[m], dS[m]
    return np.r_[eth, E], np.r_[0.0, S], np.r_[0.0, dS]


def interp(E0, S0, E):
    return np.interp(E, E0, S0, left=np.nan, right=np.nan)


def compare(name, E0, S0, sub, emin=None, emax=None, label=None):
    """Ratio of an EXFOR data set to the adopted table, at the data energies inside the table range."""
    try:
        E, S, dS, _ = load_x4(sub)
    except Exception as ex:  # pragma: no cover - diagnostic only
        log(f"    {sub}: could not be read ({ex})")
        return None
    lo = E0[1] if emin is None else emin
    hi = E0[-1] if emax is None else emax
    m = (E >= lo) & (E <= hi) & (S > 0)
    if m.sum() == 0:
        log(f"    vs {sub} ({label or exfor.reference(sub)}): no overlap with [{lo:.2f},{hi:.2f}] MeV")
        return None
    r = S[m] / interp(E0, S0, E[m])
    r = r[np.isfinite(r)]
    med = np.median(r)
    rms = math.sqrt(np.mean((r - 1) ** 2)) * 100
    log(
        f"    vs {sub} ({label or exfor.reference(sub)}): {m.sum()} pts in {E[m].min():.1f}-{E[m].max():.1f} MeV, "
        f"median ratio data/table = {med:.2f}, rms deviation = {rms:.0f}%"
    )
    return med, rms


def trk(A, Z):
    N = A - Z
    return 60.0 * N * Z / A


def checks(name, E, S, eth, A, Z, note=""):
    i = int(np.argmax(S))
    integ = np.trapezoid(S, E)
    log(
        f"  {name}: E = {E[0]:.3f}-{E[-1]:.1f} MeV ({len(E)} pts); threshold {eth:.3f} MeV, "
        f"sigma(E_first>Eth) = {S[1] if len(S) > 1 else S[0]:.3g} mb at {E[1] if len(E) > 1 else E[0]:.3f} MeV"
    )
    log(
        f"    peak {S[i]:.3g} mb at {E[i]:.2f} MeV; integral over table = {integ:.1f} mb MeV "
        f"= {integ / trk(A, Z):.2f} x TRK(60NZ/A = {trk(A, Z):.1f} mb MeV) {note}"
    )


def write_table(fname, reaction, eth, sources, notes, E, S, dS):
    E, S, dS = map(np.asarray, (E, S, dS))
    assert np.all(np.diff(E) > 0), fname
    path = os.path.join(OUT, fname)
    with open(path, "w") as f:
        f.write(f"# reaction: {reaction}\n")
        f.write(f"# threshold_mev: {eth:.6f}\n")
        for s in sources:
            f.write(f"# source: {s}\n")
        for n in notes:
            f.write(f"# note: {n}\n")
        f.write(
            "# units: E_gamma in MeV (photon energy in the rest frame of the target nucleus); "
            "sigma in mb; dsigma = 1-sigma uncertainty in mb where the source gives one (else 0)\n"
        )
        f.write("# generated by tools/photonuclear/make_tables.py\n")
        f.write("# columns: E_mev sigma_mb dsigma_mb\n")
        for e, s, d in zip(E, S, dS, strict=False):
            f.write(f"{e:.6g} {s:.6g} {d:.4g}\n")
    return path


# ---------------------------------------------------------------------------------------------
# IAEA/PD-2019 tables (reactions 1, 4, 5)
# ---------------------------------------------------------------------------------------------
def iaea_tables():
    log("=" * 100)
    log("IAEA/PD-2019 (ENDF-6) tables")
    # --- 1: d(g,n)p ---------------------------------------------------------------------------
    secs = endf.read_sections(os.path.join(RAW, "g_1-H-2_0128.dat"))
    mf3 = endf.read_mf3(secs, 28)
    mt3 = endf.read_mf3(secs, 3)
    assert np.allclose(mf3["xs"].y, mt3["xs"].y)
    t = mf3["xs"]
    E, S = t.x * 1e-6, t.y * 1e3
    eth = threshold("d", ("n", "p"))
    log(f"d(g,n)p: ENDF QM = {mf3['QM'] * 1e-6:.6f} MeV, AME2020 threshold = {eth:.6f} MeV")
    E[0] = max(E[0], eth)  # 2.224000 in the file (QM rounded); first point has sigma = 0
    write_table(
        "d_g__n_p.txt",
        "d(g,n)p",
        eth,
        [
            f"{IAEA_REF}, evaluation T. Murata 1995 (JAERI-M 94-019 p.330; NFD), MAT 128, MF3 MT28 "
            "(identical to MT3 = total photoabsorption), file g_1-H-2_0128.dat, via tools/photonuclear/make_tables.py"
        ],
        [
            "evaluation = simplified Marshall & Guth model fitted to experiment below 10 MeV, fit to Partovi "
            "(Ann. Phys. 27 (1964) 79) theory above 10 MeV",
            "ENDF interpolation law INT=3 (sigma linear in ln E) between the tabulated points; only the 28 "
            "evaluated points are listed (first point moved from 2.224000 to the AME2020 threshold)",
            "no uncertainties in the file (dsigma = 0)",
        ],
        E,
        S,
        np.zeros_like(S),
    )
    checks("d(g,n)p", E, S, eth, 2, 1)
    # finer evaluation with the ENDF law for the comparisons
    Ef = np.linspace(E[0], E[-1], 20000)
    Sf = t(Ef * 1e6) * 1e3
    for sub in ("M0488002", "M0453002", "M0668002", "K2499002", "M0405002", "M0465002"):
        compare("d(g,n)p", Ef, Sf, sub)

    # --- 4, 5: 3He --------------------------------------------------------------------------------
    secs = endf.read_sections(os.path.join(RAW, "g_2-He-3_0225.dat"))
    mf3 = endf.read_mf3(secs, 5)
    sab = mf3["xs"]
    yn = endf.product_yield(secs, 5, 1)
    yd = endf.product_yield(secs, 5, 1002)
    yp = endf.product_yield(secs, 5, 1001)
    grid = np.union1d(np.union1d(sab.x, yn.x), yd.x)
    ssum = yn(grid) + yd(grid)
    log(
        f"3He: max |y_n + y_d - 1| above 6 MeV = {np.max(np.abs(ssum[grid > 5.9e6] - 1)):.2e}; "
        f"max |y_p - (2 y_n + y_d)| = {np.max(np.abs(yp(grid) - 2 * yn(grid) - yd(grid))):.2e}"
    )
    Eg = grid * 1e-6
    sig_abs = sab(grid) * 1e3
    common_notes = [
        "3He photoabsorption (MF3 MT5) = (g,n)2p + (g,p)d; partial cross sections are sigma_abs times "
        "the LAW-independent product yields of MF6 MT5 (MT451: 'Neutron production = He-3(g,n)', "
        "'Deuteron production = He-3(g,p)D'); check: y_n + y_d = 1 and y_p = 2 y_n + y_d",
        "evaluation T. Murata 2003 (moving-deuteron model fitted to Faul et al. PRC 24 (1981) 849, "
        "Berman et al. PRC 10 (1974) 2221, Fetisov et al. NP 71 (1965) 305); "
        "branching from a modified EXIFON calculation",
        "MF3 and yields: lin-lin (INT=2) for sigma_abs; yields INT=3 below 9 MeV and INT=5 above; "
        "points = union of the MF3 and MF6 grids",
        "no uncertainties in the file (dsigma = 0)",
    ]
    # 4: 3He(g,p)d
    eth4 = threshold("He3", ("p", "d"))
    S4 = sig_abs * yd(grid)
    E4 = Eg.copy()
    E4[0] = eth4
    write_table(
        "He3_g__p_d.txt",
        "3He(g,p)d",
        eth4,
        [
            f"{IAEA_REF}, evaluation T. Murata 2003 (JENDL/PD-2016), MAT 225, MF3 MT5 x MF6 MT5 deuteron "
            "yield, file g_2-He-3_0225.dat, via tools/photonuclear/make_tables.py"
        ],
        common_notes,
        E4,
        S4,
        np.zeros_like(S4),
    )
    checks("3He(g,p)d", E4, S4, eth4, 3, 2)
    for sub in ("L0168002", "L0116002", "M0688002", "M0479002", "L0210003", "M0477003"):
        compare("3He(g,p)d", E4, S4, sub)
    # 5: 3He(g,np)p
    eth5 = threshold("He3", ("n", "p", "p"))
    m = Eg >= 7.718 - 1e-6
    E5 = np.r_[eth5, Eg[m][1:]] if abs(Eg[m][0] - 7.718) < 1e-3 else np.r_[eth5, Eg[m]]
    S5 = np.array([float(sab(e * 1e6)[0] * 1e3 * yn(e * 1e6)[0]) for e in E5])
    S5[0] = 0.0
    write_table(
        "He3_g__n_p_p.txt",
        "3He(g,np)p",
        eth5,
        [
            f"{IAEA_REF}, evaluation T. Murata 2003 (JENDL/PD-2016), MAT 225, MF3 MT5 x MF6 MT5 neutron "
            "yield, file g_2-He-3_0225.dat, via tools/photonuclear/make_tables.py"
        ],
        common_notes
        + [
            "DOUBTFUL near threshold: the evaluated neutron yield is exactly 0 from 7.718 to "
            "9.0 MeV (then 0.12 at 9.5 MeV), whereas Faul et al. (EXFOR L0052005) measure "
            "0.1-0.4 mb at 7.5-9 MeV"
        ],
        E5,
        S5,
        np.zeros_like(S5),
    )
    checks("3He(g,np)p", E5, S5, eth5, 3, 2)
    for sub in ("L0052005", "M0479005", "M0688003", "M0471002", "L0181005"):
        compare("3He(g,np)p", E5, S5, sub)
    # absorption check vs Berman (n yield sum (g,n)+(g,np) -> only (g,np) produces n for 3He)
    return


# ---------------------------------------------------------------------------------------------
# EXFOR tables
# ---------------------------------------------------------------------------------------------
def composite(pieces, eth):
    """pieces: list of (subentry, emin, emax); returns merged arrays with threshold point."""
    Es, Ss, Ds, used = [], [], [], []
    for sub, lo, hi in pieces:
        E, S, dS, note = load_x4(sub, lo, hi)
        Es.append(E)
        Ss.append(S)
        Ds.append(dS)
        used.append((sub, E.min(), E.max(), len(E), note))
    E, S, dS = np.concatenate(Es), np.concatenate(Ss), np.concatenate(Ds)
    o = np.argsort(E, kind="stable")
    E, S, dS = merge_duplicates(E[o], S[o], dS[o])
    E, S, dS = with_threshold(E, S, dS, eth)
    return E, S, dS, used


def src_lines(used, extra=""):
    out = []
    for sub, lo, hi, n, note in used:
        out.append(f"EXFOR entry {sub}, {exfor.reference(sub)}; points {lo:.3g}-{hi:.3g} MeV (n={n}); {note}{extra}")
    return out


def exfor_tables():
    log("=" * 100)
    log("EXFOR tables")
    # --- 2: t(g,n)d --------------------------------------------------------------------------------
    eth = threshold("t", ("n", "d"))
    E, S, dS, used = composite([("L0052002", 0, 15.45), ("M0472002", 15.45, 99)], eth)
    write_table(
        "H3_g__n_d.txt",
        "t(g,n)d",
        eth,
        src_lines(used),
        [
            "composite: Faul et al. 1981 (monoenergetic annihilation photons, neutron multiplicity) below "
            "15.5 MeV, Skopik et al. 1981 above (their 15.5 MeV point 0.78 mb joins Faul's 0.73 mb at 15.4); "
            "in 15.5-23.4 MeV Faul/Skopik median 1.16 (0.79-1.93, Faul's errors 15-30%); Kosiek 1966 and "
            "Pfeiffer 1968 (18-31 MeV) are 23% and 35% below Skopik",
            "table starts with (threshold, 0, 0) added here; data start at 6.56 MeV",
            "DATA STOP AT 35.5 MeV (< 50 MeV): the code must extrapolate above",
            "Faul's dsigma is statistical only (ERR-S); their BIB quotes 8% (12 MeV) to 15% systematic",
            f"{EXFOR_REF}",
        ],
        E,
        S,
        dS,
    )
    checks("t(g,n)d", E, S, eth, 3, 1)
    for sub in ("L0052002", "M0472002", "M0461002", "L0119002", "M0464002"):
        compare("t(g,n)d", E, S, sub)

    # --- 3: t(g,np)n -------------------------------------------------------------------------------
    eth = threshold("t", ("n", "n", "p"))
    E, S, dS, used = composite([("L0052003", 0, 99)], eth)
    write_table(
        "H3_g__n_p_n.txt",
        "t(g,np)n",
        eth,
        src_lines(used),
        [
            "EXFOR REACTION (1-H-3(G,2N)1-H-1,,SIG); the only measurement of this channel",
            "points below the 8.482 MeV threshold (zero within errors) dropped; (threshold, 0, 0) added",
            "DATA STOP AT 27.4 MeV (< 50 MeV): the code must extrapolate above",
            "dsigma statistical only (ERR-S); BIB quotes 8% (12 MeV) to 15% systematic",
            f"{EXFOR_REF}",
        ],
        E,
        S,
        dS,
    )
    checks("t(g,np)n", E, S, eth, 3, 1)
    E2 = np.loadtxt(os.path.join(OUT, "H3_g__n_d.txt"))
    s_tot = np.interp(20.0, E2[:, 0], E2[:, 1]) + np.interp(20.0, E, S)
    log(f"    t: sigma(g,n)d + sigma(g,np)n at 20 MeV = {s_tot:.2f} mb")

    # --- 6: 4He(g,p)t ------------------------------------------------------------------------------
    eth = threshold("He4", ("p", "t"))
    E, S, dS, used = composite([("L0167002", 0, 29.6), ("M0012002", 29.6, 200)], eth)
    write_table(
        "He4_g__p_t.txt",
        "4He(g,p)t",
        eth,
        src_lines(used),
        [
            "composite: Raut et al. 2012 (HIgS, monoenergetic Compton photons, 22-29.5 MeV) for E <= 29.5 MeV; "
            "Arkatov et al. 1978 (bremsstrahlung, 20.5-115 MeV) above, which agrees with Raut in the overlap "
            "(Arkatov/Raut median 0.96, 0.89-1.40 at 22-29.5 MeV)",
            "the 4He(g,p)t data split into two groups near the peak: Raut 2012, Murata 2023, Arkatov 1978, "
            "Gorbunov 1968, Balestra 1977 (~1.5-1.9 mb at 25-28 MeV) versus Shima 2005 (~0.9 mb at 26.5 MeV); "
            "the first group is adopted. At 28-58 MeV Bernabei 1988 (tagged photons) is a median 12% below Arkatov "
            "(ratios 0.74-1.64)",
            "table starts with (threshold, 0, 0) added here; first datum 0.85 mb at 22.0 MeV",
            f"{EXFOR_REF}",
        ],
        E,
        S,
        dS,
    )
    checks("4He(g,p)t", E, S, eth, 4, 2, "(channel)")
    for sub in (
        "L0167002",
        "K2755003",
        "M0680002",
        "M0626002",
        "M0012002",
        "G4076002",
        "M0489003",
        "M0404002",
        "L0118002",
        "K2198017",
        "M0997002",
    ):
        compare("4He(g,p)t", E, S, sub)
    Ep, Sp = E, S

    # --- 7: 4He(g,n)3He ----------------------------------------------------------------------------
    eth = threshold("He4", ("n", "He3"))
    E, S, dS, used = composite([("M0327018", 0, 24.5), ("M0708016", 24.5, 68.6), ("M0010002", 68.6, 200)], eth)
    write_table(
        "He4_g__n_He3.txt",
        "4He(g,n)3He",
        eth,
        src_lines(used),
        [
            "composite: Irish et al. 1975 (bremsstrahlung, rise from threshold) below 24.5 MeV; "
            "Nilsson et al. 2007 (MAX-lab tagged photons; supersedes Nilsson 2005, PLB 626, 65) 24.6-68.5 MeV; "
            "Arkatov et al. 1978 above 68.5 MeV (Arkatov is ~30-40% above Nilsson at 50-69 MeV, "
            "so the junction at 68.5 MeV has a step); Irish/Nilsson median 1.13 at 24-31 MeV",
            "near the peak the data split like 4He(g,p)t: Nilsson 2007, Tornow 2012, Murata 2023, Irish 1975, "
            "Gorbunov 1968 (~1.4-2.3 mb at 26-28 MeV) versus Shima 2005 (0.8 mb at 26.5 MeV); the first group "
            "is adopted",
            "table starts with (threshold, 0, 0) added here",
            f"{EXFOR_REF}",
        ],
        E,
        S,
        dS,
    )
    checks("4He(g,n)3He", E, S, eth, 4, 2, "(channel)")
    for sub in (
        "M0708016",
        "M0669003",
        "L0175002",
        "K2755002",
        "M0680003",
        "M0626003",
        "M0327018",
        "M0489002",
        "M0010002",
        "G4076003",
        "L0118003",
        "M0485002",
        "M0998002",
    ):
        compare("4He(g,n)3He", E, S, sub)
    En, Sn = E, S
    for e in (25, 27, 30, 40, 60):
        log(
            f"    ratio sigma(g,p)t / sigma(g,n)3He at {e} MeV (adopted tables) = "
            f"{np.interp(e, Ep, Sp) / np.interp(e, En, Sn):.2f}"
        )

    # --- 8: 4He(g,d)d ------------------------------------------------------------------------------
    eth = threshold("He4", ("d", "d"))
    E, S, dS, used = composite([("M0034005", 0, 200)], eth)
    write_table(
        "He4_g__d_d.txt",
        "4He(g,d)d",
        eth,
        src_lines(used),
        [
            "Arkatov et al. 1980 (SNP 31, 157; same group and data as Arkatov 1978, UFZ 23, 918 = EXFOR M0011002, "
            "which agrees to <5%); cross section is only a few microbarn (E1 forbidden for two identical bosons)",
            "table starts with (threshold, 0, 0) added here",
            "DATA STOP AT 65 MeV (< 100 MeV): the code must extrapolate above",
            f"{EXFOR_REF}",
        ],
        E,
        S,
        dS,
    )
    checks("4He(g,d)d", E, S, eth, 4, 2, "(channel)")
    for sub in ("M0011002", "M0826002"):
        compare("4He(g,d)d", E, S, sub)

    # --- 9: 4He(g,np)d -----------------------------------------------------------------------------
    eth = threshold("He4", ("n", "p", "d"))
    E, S, dS, used = composite([("M0823002", 0, 200)], eth)
    write_table(
        "He4_g__n_p_d.txt",
        "4He(g,np)d",
        eth,
        src_lines(used),
        [
            "Arkatov et al. 1969 (bremsstrahlung, diffusion chamber; energy bins, E = bin centre); "
            "the only data set from threshold to >100 MeV",
            "Shima 2005 gives 0.04+-0.01 mb at 29.8 MeV; Gorbunov 1957 and Doran 1993 (80-123 MeV) agree "
            "within ~30-50%",
            "table starts with (threshold, 0, 0) added here; data to 112.5 MeV",
            f"{EXFOR_REF}",
        ],
        E,
        S,
        dS,
    )
    checks("4He(g,np)d", E, S, eth, 4, 2, "(channel)")
    for sub in ("M0999002", "M0680004", "M0626004", "M0556002"):
        compare("4He(g,np)d", E, S, sub)

    # --- 10-14: Varlamov et al. CDFE evaluation (EXFOR M0140) ----------------------------------------
    var_note = (
        "Varlamov, Surgutanov, Chernyaev, Efimkin, 'Photonuclear data. Photodisintegration of lithium. "
        "Evaluated cross sections of channels and reactions', CDFE report LI2 (Moscow, 1986); "
        "a published statistical evaluation of the experimental data (EXFOR SF9 = EVAL)"
    )
    li = [
        (
            10,
            "Li6_g__n_p_He4.txt",
            "6Li(g,np)4He",
            "Li6",
            ("n", "p", "He4"),
            "M0140008",
            6,
            3,
            [
                "data from 4.0 MeV; (threshold, 0, 0) added",
                "DATA STOP AT 35 MeV (< 50 MeV): the code must extrapolate",
                "ERR given as DATA-ERR (rms); partly blank (-> 0)",
            ],
            ["L0008003"],
        ),
        (
            11,
            "Li6_g__t_He3.txt",
            "6Li(g,t)3He  [= reaction 11, 6Li(g,X)3A, taken as the t+3He two-body channel]",
            "Li6",
            ("t", "He3"),
            "M0140013",
            6,
            3,
            [
                "data from 16.5 MeV; (threshold, 0, 0) added; data to 50 MeV",
                "other A=3-producing 6Li channels in the same evaluation, NOT included here: (g,pd)t M0140009, "
                "(g,2np)3He M0140010, (g,n2p)t M0140012",
            ],
            ["M0262002", "M0255002", "M0261003", "M0250005", "M0103004"],
        ),
        (
            12,
            "Li7_g__t_He4.txt",
            "7Li(g,t)4He",
            "Li7",
            ("t", "He4"),
            "M0140023",
            7,
            3,
            [
                "2.5-6 MeV from Bishop et al. (inverse reaction, 1 MeV resolution) per the evaluation; "
                "gap between 3.12 and 4.61 MeV in the evaluation",
                "data to 50 MeV",
            ],
            ["L0260002", "M0209002", "M0097003", "M0112005", "M0107008"],
        ),
        (
            13,
            "Li7_g__n_Li6.txt",
            "7Li(g,n)6Li",
            "Li7",
            ("n", "Li6"),
            "M0140018",
            7,
            3,
            [
                "partial cross section to the 6Li GROUND STATE (EXFOR E-LVL = 0). The (g,n) branch to the 2.186 MeV "
                "6Li level (EXFOR M0140019, up to 0.39 mb) is NOT included because that level breaks up into "
                "alpha + d, i.e. it does not produce 6Li",
                "evaluated from Kinsey (ENDF/B-V) and Ferdinande et al. CJP 55 (1977) 428; large errors (~50%)",
                "DATA STOP AT 30.5 MeV (< 50 MeV): the code must extrapolate",
            ],
            ["G0011002", "L0163002", "L0209002"],
        ),
        (
            14,
            "Li7_g__n_n_p_He4.txt",
            "7Li(g,2np)4He",
            "Li7",
            ("n", "n", "p", "He4"),
            "M0140022",
            7,
            3,
            [
                "data from 11.0 MeV (0.00); (threshold, 0, 0) added; data to 50 MeV",
                "7Li(g,nd)4He (EXFOR M0140020; threshold 8.72 MeV) is a separate channel not in the 17-reaction list",
            ],
            ["L0030004"],
        ),
    ]
    for num, fname, rname, tgt, prods, sub, A, Z, notes, comps in li:
        eth = threshold(tgt, prods)
        E, S, dS, used = composite([(sub, 0, 200)], eth)
        write_table(fname, rname, eth, src_lines(used, "; " + var_note), notes + [EXFOR_REF], E, S, dS)
        checks(f"[{num}] {rname.split()[0]}", E, S, eth, A, Z, "(channel)")
        for c in comps:
            compare(rname, E, S, c)
    log(
        "    note: L0008003 (Berman 1965) is (g,n)+(g,np) and L0030004 (Bramblett 1973) is (g,2n)+(g,2np): "
        "these are upper bounds for reactions 10 and 14 respectively"
    )


# ---------------------------------------------------------------------------------------------
# 7Be: detailed balance
# ---------------------------------------------------------------------------------------------
def sommerfeld_2pi_eta(z1, z2, mu, E):
    return 2 * math.pi * z1 * z2 * const.ALPHA_EM * np.sqrt(mu / (2 * E))


def detailed_balance(Ecm, sig_cap, ma, mb, mC, ja, jb, jC):
    """sigma(g + C -> a + b) from sigma(a + b -> C + g) at the same invariant mass.

    sigma_gamma = [(2ja+1)(2jb+1) / (2 (2jC+1))] * (p_ab / p_g)^2 * sigma_cap,
    p_ab, p_g = CM momenta of a+b and of the photon (s = (ma + mb + Ecm)^2);
    the photon energy returned is that in the rest frame of C: E_g = (s - mC^2) / (2 mC).
    """
    sqs = ma + mb + Ecm
    s = sqs**2
    p_ab2 = (s - (ma + mb) ** 2) * (s - (ma - mb) ** 2) / (4 * s)
    p_g = (s - mC**2) / (2 * sqs)
    g = (2 * ja + 1) * (2 * jb + 1) / (2.0 * (2 * jC + 1))
    Eg = (s - mC**2) / (2 * mC)
    return Eg, g * p_ab2 / p_g**2 * sig_cap


def be7_tables():
    log("=" * 100)
    log("7Be by detailed balance")
    he3, he4, be7, p, li6 = (NUCLIDES[k] for k in ("He3", "He4", "Be7", "p", "Li6"))
    # ground-state fraction of 3He(a,g)7Be from Kontos et al. 2013 (EXFOR C2032003: sigma(429 keV)/sigma_tot)
    tr = exfor.parse_entry(exfor.entry_text("C2032"))["C2032003"].data
    assert tr.units[tr.heads.index("DATA")] == "NO-DIM"
    Er = np.array(tr.col("EN-CM")) * 1e-3
    R, dR = np.array(tr.col("DATA")), np.array(tr.col("ERR-T"))
    w = 1 / dR**2
    R1 = np.sum(w * R) / w.sum()
    dR1 = max(1 / math.sqrt(w.sum()), np.std(R))
    f0, df0 = 1 - R1, dR1
    log(
        f"  branching to the 429 keV level (Kontos 2013, E_cm {Er.min():.2f}-{Er.max():.2f} MeV): "
        f"R1 = {R1:.3f} +- {dR1:.3f}  ->  ground-state fraction f0 = {f0:.3f}"
    )
    # total capture cross sections (activation / recoil), E = E_cm
    mu = he3.mass_mev * he4.mass_mev / (he3.mass_mev + he4.mass_mev)
    pieces = []
    # Kontos 2013: astrophysical S factor (B*KEV) -> sigma = S/E exp(-2 pi eta)
    sub = exfor.parse_entry(exfor.entry_text("C2032"))["C2032002"]
    tab = sub.data
    Ecm_k = np.array(tab.col("EN-CM")) * 1e-3
    S_bkev = np.array(tab.col("DATA"))
    dS_bkev = np.sqrt(np.array(tab.col("ERR-S")) ** 2 + np.array(tab.col("ERR-SYS")) ** 2)
    conv = np.exp(-sommerfeld_2pi_eta(2, 2, mu, Ecm_k)) / (Ecm_k * 1e3) * 1e3  # b*keV / keV -> b -> mb
    sk, dsk = S_bkev * conv, dS_bkev * conv
    m = Ecm_k < 0.70
    pieces.append(("C2032002", Ecm_k[m], sk[m], dsk[m], "S-factor converted with sigma = S/E exp(-2 pi eta)"))
    for subn, lo, hi in (("C1729002", 0.69, 3.2), ("D4400003", 3.2, 4.43), ("D4430002", 4.43, 9.0)):
        E, S, dS, note = load_x4(subn, lo, hi)
        pieces.append((subn, E, S, dS, note))
    Ecm = np.concatenate([p_[1] for p_ in pieces])
    Sc = np.concatenate([p_[2] for p_ in pieces])
    dSc = np.concatenate([p_[3] for p_ in pieces])
    o = np.argsort(Ecm)
    Ecm, Sc, dSc = merge_duplicates(Ecm[o], Sc[o], dSc[o])
    # overlaps between the capture data sets
    Ed, Sd, _, _ = load_x4("C1729002")
    mk = (Ecm_k >= 0.69) & (Ecm_k <= 1.46)
    r = sk[mk] / np.interp(Ecm_k[mk], *merge_duplicates(Ed, Sd, np.ones_like(Sd))[:2])
    log(
        f"  overlap Kontos 2013 / Di Leva 2009 (0.7-1.45 MeV): median ratio {np.median(r):.2f}, "
        f"rms {math.sqrt(np.mean((r - 1) ** 2)) * 100:.0f}%"
    )
    Es_, Ss_, _, _ = load_x4("D4400003")
    log(
        f"  overlap Szucs 2019(rev.2022) / Di Leva 2009 at 2.48 MeV: "
        f"{Ss_[0] / np.interp(Es_[0], *merge_duplicates(Ed, Sd, np.ones_like(Sd))[:2]):.2f}"
    )
    Et_, St_, _, _ = load_x4("D4430002")
    log(f"  overlap Toth 2023 / Szucs 2019 at 4.28 MeV: {St_[0] / np.interp(Et_[0], Es_, Ss_):.2f}")
    Eg, sg = detailed_balance(Ecm, Sc * f0, he3.mass_mev, he4.mass_mev, be7.mass_mev, 0.5, 0.0, 1.5)
    _, dsg = detailed_balance(
        Ecm, np.sqrt((dSc * f0) ** 2 + (Sc * df0) ** 2), he3.mass_mev, he4.mass_mev, be7.mass_mev, 0.5, 0.0, 1.5
    )
    eth = threshold("Be7", ("He3", "He4"))
    E, S, dS = np.r_[eth, Eg], np.r_[0.0, sg], np.r_[0.0, dsg]
    srcs = [
        "detailed balance from 3He(a,g)7Be capture data in EXFOR: "
        "C2032002 Kontos et al. PRC 87 (2013) 065804 (S factor, E_cm 0.30-0.67 MeV used); "
        "C1729002 Di Leva et al. PRL 102 (2009) 232502 + erratum PRL 103 (2009) 159903 (ERNA recoils, "
        "E_cm 0.70-3.13 MeV); D4400003 Szucs et al. PRC 99 (2019) 055804, revised PRC 105 (2022) 069901 "
        "(activation, E_cm 3.99-4.42 MeV); D4430002 Toth et al. PRC 108 (2023) 025802 (activation, "
        "E_cm 4.52-8.31 MeV)",
        f"ground-state branch: C2032003 Kontos et al. 2013, sigma(429 keV level)/sigma_total, weighted mean "
        f"R1 = {R1:.3f} +- {dR1:.3f}; sigma_capture(g.s.) = (1 - R1) * sigma_total at ALL energies",
    ]
    notes = [
        "formula (reciprocity, same invariant mass s): sigma(g + 7Be -> 3He + a) = "
        "[(2j_3He+1)(2j_a+1) / (2 (2j_7Be+1))] * (p_ab^2 / p_g^2) * sigma(3He + a -> 7Be_gs + g), "
        "j_3He = 1/2, j_a = 0, j_7Be(g.s.) = 3/2, factor 2 = photon polarisations, p_ab and p_g the CM momenta "
        "(relativistic, s = (m_3He + m_a + E_cm)^2), E_gamma = (s - m_7Be^2)/(2 m_7Be) = photon energy in "
        "the 7Be rest frame; nuclear masses from AME2020 (ndpcosmo.bbn.nuclides)",
        "7Be in the plasma is in its ground state, so only capture to the 7Be ground state enters; "
        "the total (activation/recoil) capture data are multiplied by f0 = 1 - R1 "
        f"= {f0:.3f}; R1 is measured only for E_cm <= 1.45 MeV and is ASSUMED constant above "
        "(uncertainty of f0 propagated, but a possible energy dependence is not)",
        "dsigma = statistical+systematic capture uncertainty (quadrature) plus the f0 uncertainty",
        f"DATA STOP AT E_gamma = {E[-1]:.2f} MeV (E_cm = 8.31 MeV): the code must extrapolate above",
        f"{EXFOR_REF}",
    ]
    write_table("Be7_g__He3_He4.txt", "7Be(g,3He)4He", eth, srcs, notes, E, S, dS)
    checks("7Be(g,3He)4He", E, S, eth, 7, 4, "(channel)")
    # 6Li(p,g)7Be coverage
    Ep_, Sp_, _, _ = load_x4("F0032002")
    p.mass_mev * li6.mass_mev / (p.mass_mev + li6.mass_mev)
    Ecm_max = Ep_.max() * li6.mass_mev / (p.mass_mev + li6.mass_mev)
    eth16 = threshold("Be7", ("p", "Li6"))
    log(
        f"  6Li(p,g)7Be: largest-energy SIG data = Switkowski et al. 1979 (F0032002) up to E_p(lab) = "
        f"{Ep_.max():.3f} MeV (E_cm = {Ecm_max:.3f} MeV) -> E_gamma <= {eth16 + Ecm_max:.2f} MeV, only "
        f"{Ecm_max:.2f} MeV above the {eth16:.3f} MeV threshold; other entries (Bashkin 1955, Bruss 1992, "
        f"Piatti 2020 [S factor, E_cm < 0.4 MeV], He 2013, Cecil 1992, Prior 2004, Laymon 1996, Ostojic 1983, "
        f"Tingwell 1987, Warren 1956) are lower-energy, relative or angular data"
    )
    log("  -> reaction 16 (7Be(g,p)6Li) NOT written: the capture data do not cover a few MeV above threshold.")
    log("  -> reaction 17 (7Be(g,2pn)4He): no data of any kind; NOT written.")


def main():
    os.makedirs(OUT, exist_ok=True)
    log("Thresholds from AME2020 masses (ndpcosmo.bbn.nuclides):")
    for name, t, pr in (
        ("d(g,n)p", "d", ("n", "p")),
        ("t(g,n)d", "t", ("n", "d")),
        ("t(g,np)n", "t", ("n", "p", "n")),
        ("3He(g,p)d", "He3", ("p", "d")),
        ("3He(g,np)p", "He3", ("n", "p", "p")),
        ("4He(g,p)t", "He4", ("p", "t")),
        ("4He(g,n)3He", "He4", ("n", "He3")),
        ("4He(g,d)d", "He4", ("d", "d")),
        ("4He(g,np)d", "He4", ("n", "p", "d")),
        ("6Li(g,np)4He", "Li6", ("n", "p", "He4")),
        ("6Li(g,t)3He", "Li6", ("t", "He3")),
        ("7Li(g,t)4He", "Li7", ("t", "He4")),
        ("7Li(g,n)6Li", "Li7", ("n", "Li6")),
        ("7Li(g,2np)4He", "Li7", ("n", "n", "p", "He4")),
        ("7Be(g,3He)4He", "Be7", ("He3", "He4")),
        ("7Be(g,p)6Li", "Be7", ("p", "Li6")),
        ("7Be(g,2pn)4He", "Be7", ("p", "p", "n", "He4")),
    ):
        log(f"  {name:16s} {threshold(t, pr):.4f} MeV")
    iaea_tables()
    exfor_tables()
    be7_tables()
    with open(os.path.join(HERE, "sanity_report.txt"), "w") as f:
        f.write("\n".join(REPORT) + "\n")


if __name__ == "__main__":
    main()
