"""Analytic photodisintegration cross-section fits of Cyburt, Ellis, Fields & Olive (2003).

Cyburt, Ellis, Fields & Olive, PRD 67 (2003) 103521 [astro-ph/0211258], table I, fitted the data of
the 17 reactions with (E the photon energy in the target's rest frame, Q the threshold, sigma in mb)

    generic:  sigma(E) = N Q^p1 (E - Q)^p2 / E^p3                                   (N in mb MeV^(p3-p1-p2))

    d(g,n)p:  sigma = 18.75 [ (sqrt(Q (E-Q)) / E)^3 + 0.007947 (sqrt(Q (E-Q)) / E)^2
                              (sqrt(Q) - sqrt(0.037))^2 / (E - Q + 0.037) ]   (E1 + M1; Evans & Bethe)

    7Li(g,t)4He, 7Be(g,3He)4He (from the capture S factors by detailed balance):
              sigma = A (2371 / E^2) exp(-B / sqrt(E_cm)) exp(-C E_cm) (1 + a2 E_cm^2 + a3 E_cm^3 + a4 E_cm^4),
              E_cm = E - Q, set to 0 where the polynomial is negative

    6Li(g,X)3-body: generic x [3.7 g(19, 3.5) + 2.75 g(30, 3) + 2.2 g(43, 5)],
              g(E_b, E_d) = exp(-(E - E_b)^2 / (2 E_d^2))

    7Li(g,n)6Li: two generic terms + a Lorentzian 0.06 / (1 + ((E - Q - 7.46)/0.188)^2);
    7Be(g,p)6Li: two generic terms.

Two normalisations were raised to the EXFOR data by Jedamzik, PRD 74 (2006) 103509 [hep-ph/0604251]
(his refs. 38, 39): 4He(g,n)3He 17.1 -> 20.7 mb and 6Li(g,np)4He 104 -> 143 mb. This set, with those two
updates, is the one ACROPOLIS uses (Depta, Hufnagel & Schmidt-Hoberg, arXiv:2011.06518, table 1).
Provenance: the text of astro-ph/0211258 could not be read from this workplace; the coefficients
below were transcribed from ACROPOLIS 1.3.1's implementation of these published fits (its
``nucl.py``; numbers only, no code), and ``tests/test_photodisintegration.py`` compares the
functions with ACROPOLIS's at run time. The thresholds Q are ours (AME2020), within 1e-5 MeV of
the paper's.
"""

from __future__ import annotations

import numpy as np

GENERIC: dict[int, tuple[tuple[float, float, float, float], ...]] = {
    2: ((9.8, 1.95, 1.65, 3.6),),  # t(g,n)d
    3: ((26.0, 2.6, 2.3, 4.9),),  # t(g,2n)p
    4: ((8.88, 1.75, 1.65, 3.4),),  # 3He(g,p)d
    5: ((16.7, 1.95, 2.3, 4.25),),  # 3He(g,n2p)
    6: ((19.5, 3.5, 1.0, 4.5),),  # 4He(g,p)t
    7: ((20.7, 3.5, 1.0, 4.5),),  # 4He(g,n)3He (Jedamzik 2006 normalisation)
    8: ((10.7, 10.2, 3.4, 13.6),),  # 4He(g,d)d
    9: ((21.7, 4.0, 3.0, 7.0),),  # 4He(g,np)d
    10: ((143.0, 2.3, 4.7, 7.0),),  # 6Li(g,np)4He (Jedamzik 2006 normalisation)
    11: ((38.1, 3.0, 2.0, 5.0),),  # 6Li(g,X): times the three Gaussians below
    13: ((0.176, 1.51, 0.49, 2.0), (1205.0, 5.5, 5.0, 10.5)),  # 7Li(g,n)6Li (+ Lorentzian)
    14: ((122.0, 4.0, 3.0, 7.0),),  # 7Li(g,2np)4He
    16: ((32.6, 10.0, 2.0, 12.0), (2.27e6, 8.8335, 13.0, 21.8335)),  # 7Be(g,p)6Li
    17: ((133.0, 4.0, 3.0, 7.0),),  # 7Be(g,2pn)4He
}
"""(N [mb MeV^(p3-p1-p2)], p1, p2, p3) of each generic term, by reaction number."""

SOMMERFELD: dict[int, tuple[float, float, float, tuple[float, float, float]]] = {
    12: (0.105, 2.5954, 2.056, (2.2875, -1.1798, 2.5279)),  # 7Li(g,t)4He
    15: (0.504, 5.1909, 0.548, (-0.428, 0.534, -0.115)),  # 7Be(g,3He)4He
}
"""(A [mb], B [MeV^1/2], C [MeV^-1], (a2, a3, a4)) of the two capture-derived fits."""

LI6_GAUSSIANS: tuple[tuple[float, float, float], ...] = ((3.7, 19.0, 3.5), (2.75, 30.0, 3.0), (2.2, 43.0, 5.0))
"""(weight, centre [MeV], width [MeV]) of the three Gaussians of 6Li(g,X)."""

DEUTERON: tuple[float, float, float] = (18.75, 0.007947, 0.037)
"""d(g,n)p: (normalisation [mb], M1 weight, singlet energy [MeV])."""

LI7_LORENTZIAN: tuple[float, float, float] = (0.06, 7.46, 0.188)
"""7Li(g,n)6Li resonance: (height [mb], position above threshold [MeV], half width [MeV])."""


def _generic(E: np.ndarray, Q: float, N: float, p1: float, p2: float, p3: float) -> np.ndarray:
    x = np.maximum(E - Q, 0.0)
    return N * Q**p1 * x**p2 / E**p3


def sigma_mb(number: int, E_mev: np.ndarray, Q_mev: float) -> np.ndarray:
    """The fit of reaction ``number`` (Cyburt et al. 2003 numbering) at photon energies E [MeV], in
    mb, for the threshold Q [MeV]; 0 at and below threshold."""
    E = np.maximum(np.asarray(E_mev, dtype=float), 1e-300)
    above = E > Q_mev
    if number == 1:
        norm, m1, eps = DEUTERON
        r = np.sqrt(Q_mev * np.maximum(E - Q_mev, 0.0)) / E
        out = norm * (r**3 + m1 * r**2 * (np.sqrt(Q_mev) - np.sqrt(eps)) ** 2 / (E - Q_mev + eps))
    elif number in SOMMERFELD:
        A, B, C, (a2, a3, a4) = SOMMERFELD[number]
        e = np.maximum(E - Q_mev, 1e-300)
        poly = 1.0 + a2 * e**2 + a3 * e**3 + a4 * e**4
        out = A * (2371.0 / E**2) * np.exp(-B / np.sqrt(e) - C * e) * np.maximum(poly, 0.0)
    else:
        out = sum(_generic(E, Q_mev, *term) for term in GENERIC[number])
        if number == 11:
            out = out * sum(w * np.exp(-0.5 * ((E - c) / d) ** 2) for w, c, d in LI6_GAUSSIANS)
        elif number == 13:
            h, pos, width = LI7_LORENTZIAN
            out = out + h / (1.0 + ((E - Q_mev - pos) / width) ** 2)
    return np.where(above, out, 0.0)
