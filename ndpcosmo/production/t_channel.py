"""The t-channel rate nu f -> N f with full quantum statistics, exact kinematics and HTL screening.

Reaction density of one channel (a neutrino of one helicity on a target species of g internal
states, charge Q, mass m; M = M_N), in the plasma frame, with the photon momentum Q = P_nu - P_N =
K' - K, a = -t = q^2 - omega^2 (always spacelike) and the light-cone variables u = q + omega,
v = q - omega (derivation in docs/physics.md, "Production with quantum statistics"):

    gamma = g / (256 pi^5) int dq domega int_{p_min} dp f_nu(p) int_{E_min} dE f(E) (1 -+ f(E + omega))
            x <|M|^2>_phi,
    p_min = (M^2 + a) / (2 v),   E_min = [-omega + q sqrt(1 + 4 m^2 / a)] / 2,

where <|M|^2>_phi is the spin-averaged squared amplitude (``cross_sections.t_channel_polynomial``:
e^2 Q^2 d^2 P(s, t) / t^2, P quadratic in s) averaged over the azimuth between the neutrino and the
target about q. With s = A + B cos(phi), <s> = A and <s^2> = A^2 + B^2 / 2, where A is bilinear in
(p, E) and B^2 = g(p) h(E) / (4 q^4) factorises; so the p and E integrals reduce to the incomplete
Fermi-Dirac / Bose-Einstein integrals F_n(x) = int_x^inf E^n f(E) dE, n <= 2 (``_scattering.tails``:
series in e^-kx above x = 1, F_n(0) minus a Gauss-Legendre integral below), with the final target's
Pauli blocking or Bose enhancement exact through
    f(E) (1 -+ f(E + w)) = [f(E) - f(E + w)] / (1 - e^-w)   (both statistics).
N carries no final-state factor: with f_N proportional to
its equilibrium shape, detailed balance gives C = gamma (1 - n_N / n_N^eq) with this gamma exactly.
With dq domega = a d(ln a) dr / 2 (u = sqrt(a) e^r, v = sqrt(a) e^-r):

    gamma = T^6 g e^2 Q^2 (mu^2 / 4) / (256 pi^5) K(ln(a_cut / T^2); M/T, m/T),
    K(lambda) = int_lambda^inf Phi d(ln a),   Phi = (1 / 2a) int dr sum_ij C_ij(a, r) F_i^nu G_j^f.

Screening. The forward singularity (P ~ a s^2 as a -> 0, a logarithm) is cut at |t| >= a_cut =
m_D^2 (the Debye mass of all charged species, same statistics). At leading order in e this *is* the
hard-thermal-loop result: the Braaten-Yuan split (bare above a photon momentum q*, HTL-resummed
below) gives ln(T/m_D) + C with the same C as the invariant cut at m_D^2, because the soft HTL
integral equals the bare one cut at q^2(1 - x^2) = m_D^2 (``htl``: checked to < 1e-4 in the
constant, and the split-independence). For M_N >> m_D the kinematic minimum |t| ~ M^4/s takes over
and screening drops out; between, the prescription is part of the theory band (``screening_scale``).

K is precomputed once on a grid of (M/T, m/T) for Dirac-fermion and scalar (eikonal, Bose-Einstein)
targets and ln(a/T^2) in [-30, ~10] (cached, fingerprinted), with K' = -Phi stored for a cubic
Hermite interpolation in ln a; below ln a = -30, Phi is constant (the exact small-a limit).
Beyond M/T = 150 (rates below e^-150) ``rates`` scales Maxwell-Boltzmann kinematics to the table at
M/T = 150 (the final target is soft there, so its Pauli blocking stays an O(10 %) factor: MB is not
exact for a heavy N); targets heavier than 60 T (no species is the only one there above 8.5 keV)
use the Maxwell-Boltzmann kinematics of ``rates``.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline

from ..cache import cached_arrays, fingerprint
from . import _scattering
from . import cross_sections as xs

Z_MAX = 150.0
"""Largest M/T of the table (beyond: Maxwell-Boltzmann kinematics scaled to the table at Z_MAX)."""
Z_F_MAX = 60.0
"""Largest m/T of a target in the table (electrons down to 8.5 keV; heavier targets: MB kinematics)."""
LAM_MIN = -30.0
_DLAM = 0.5
_U_MAX = 130.0
Z_M_GRID = np.geomspace(1e-3, Z_MAX, 43)
"""M/T nodes (8 per decade); below 1e-3 the N mass is negligible against the screening scale."""
Z_F_GRID = np.concatenate([[0.0], np.geomspace(1e-2, Z_F_MAX, 31)])
"""m/T nodes of the target (0 = massless)."""
_Z_F_OFFSET = 5e-3
_Z_SCALAR_MIN = 1e-3
KINDS = ("fermion", "scalar")
_R_NODES = 64
_LAM_NODES = 4


def _v_max(z_M: float, z_f: float) -> float:
    return max(z_M + _U_MAX, 2.0 * z_f + _U_MAX)


def _lam_edges() -> np.ndarray:
    lam_top = math.log(_U_MAX * _v_max(Z_M_GRID[-1], Z_F_GRID[-1]))
    n = int(math.ceil((lam_top - LAM_MIN) / _DLAM))
    return LAM_MIN + _DLAM * np.arange(n + 1)


def p_coefficients(a: np.ndarray, z_M: float, z_f: float, scalar: bool) -> np.ndarray:
    """(c0, c1, c2) of P(s) = c0 + c1 s + c2 s^2 at t = -a (last axis); units of T.

    P is quadratic in s (checked in tests), so three evaluations of ``t_channel_polynomial`` fix it.
    """
    s_ref = a + z_M**2 + z_f**2 + 1.0
    values = []
    for s in (0.0 * s_ref, s_ref, -s_ref):
        poly = xs.t_channel_polynomial(s, z_M, z_f, scalar)
        t = -a
        values.append(poly[..., 0] + t * (poly[..., 1] + t * (poly[..., 2] + t * poly[..., 3])))
    p0, pp, pm = values
    return np.stack([p0, (pp - pm) / (2.0 * s_ref), (0.5 * (pp + pm) - p0) / s_ref**2], axis=-1)


def _stats(kind: str, statistics: str) -> tuple[int, int]:
    """(target, neutrino) statistics codes of ``_scattering``: 0 FD, 1 BE, 2 MB."""
    if statistics == "boltzmann":
        return 2, 2
    return (0 if kind == "fermion" else 1), 0


def phi(lams: np.ndarray, z_M: float, z_f: float, kind: str, statistics: str = "quantum") -> np.ndarray:
    """Phi(ln a) at the nodes ``lams`` (see the module docstring)."""
    rx, rw = np.polynomial.legendre.leggauss(_R_NODES)
    gx, gw = np.polynomial.legendre.leggauss(16)
    t_stat, n_stat = _stats(kind, statistics)
    coefs = p_coefficients(np.exp(lams), z_M, z_f, kind == "scalar")
    return _scattering.phi_grid(
        np.asarray(lams, float), coefs, z_M * z_M, z_f * z_f, t_stat, n_stat, _U_MAX, _v_max(z_M, z_f), rx, rw, gx, gw
    )


def k_integral(lam_cut: float, z_M: float, z_f: float, kind: str, statistics: str = "quantum") -> float:
    """K(lam_cut) by direct quadrature (no table): 4-point Gauss-Legendre on steps of 0.5 in ln a."""
    lam_top = math.log(_U_MAX * _v_max(z_M, z_f))
    if lam_cut >= lam_top:
        return 0.0
    n = int(math.ceil((lam_top - lam_cut) / _DLAM))
    edges = np.linspace(lam_cut, lam_top, n + 1)
    x, w = np.polynomial.legendre.leggauss(_LAM_NODES)
    half = 0.5 * np.diff(edges)[:, None]
    lams = (half * (x + 1.0) + edges[:-1, None]).ravel()
    return float(np.sum((half * w).ravel() * phi(lams, z_M, z_f, kind, statistics)))


def _master(kind: str) -> dict[str, np.ndarray]:
    edges = _lam_edges()
    x, w = np.polynomial.legendre.leggauss(_LAM_NODES)
    lams = (0.5 * _DLAM * (x + 1.0) + edges[:-1, None]).ravel()
    weights = np.tile(0.5 * _DLAM * w, edges.size - 1)
    n_seg = edges.size - 1
    ln_k = np.empty((Z_M_GRID.size, Z_F_GRID.size, edges.size))
    phi_edge = np.empty_like(ln_k)
    for i, z_M in enumerate(Z_M_GRID):
        for j, z_f in enumerate(Z_F_GRID):
            if kind == "scalar":
                z_f = max(z_f, _Z_SCALAR_MIN)  # no massless charged scalar: the W at 80 TeV
            vals = phi(np.concatenate([lams, edges]), z_M, z_f, kind)
            seg = (weights * vals[: lams.size]).reshape(n_seg, _LAM_NODES).sum(axis=1)
            tail = np.concatenate([np.cumsum(seg[::-1])[::-1], [0.0]])
            with np.errstate(divide="ignore"):
                ln_k[i, j] = np.log(tail) + z_M + z_f
            phi_edge[i, j] = vals[lams.size :] / np.where(tail > 0, tail, 1.0)  # -d ln K / d lam
    return {"lam": edges, "ln_k_reduced": ln_k, "dlnk": phi_edge}


def _fingerprint() -> str:
    here = Path(__file__).resolve().parent
    sources = (here / "t_channel.py", here / "_scattering.py", here / "cross_sections.py")
    settings = (Z_MAX, Z_F_MAX, LAM_MIN, _DLAM, _U_MAX, Z_M_GRID.size, Z_F_GRID.size, _R_NODES, _LAM_NODES)
    return fingerprint(sources, settings)


@functools.lru_cache(maxsize=2)
def master_table(kind: str) -> dict[str, np.ndarray]:
    """ln K + M/T + m/T and -d ln K/d ln a on (M/T, m/T, ln a) for ``kind`` (cached on disk)."""
    return cached_arrays(f"t-channel-{kind}", _fingerprint(), lambda: _master(kind), "the t-channel table (~20 s)")


def _xi(z_f: np.ndarray) -> np.ndarray:
    return np.log(np.asarray(z_f, float) + _Z_F_OFFSET)


def ln_k_table(lam_cut: float, z_M: np.ndarray, z_f: float, kind: str) -> np.ndarray:
    """ln K(lam_cut; z_M, z_f) + z_M + z_f from the master table, for z_M <= Z_MAX, z_f <= Z_F_MAX."""
    tab = master_table(kind)
    lam = tab["lam"]
    lnk = tab["ln_k_reduced"]
    dl = tab["dlnk"]
    if lam_cut <= lam[0]:
        # Phi constant below the grid: K(lam) = K(lam0) + Phi0 (lam0 - lam)
        k0 = np.exp(lnk[..., 0])
        at = np.log(k0 * (1.0 + dl[..., 0] * (lam[0] - lam_cut)))
    else:
        i = min(int((lam_cut - lam[0]) / _DLAM), lam.size - 2)
        h = lam[i + 1] - lam[i]
        s = (lam_cut - lam[i]) / h
        y0, y1 = lnk[..., i], lnk[..., i + 1]
        d0, d1 = -dl[..., i] * h, -dl[..., i + 1] * h
        h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
        at = h00 * y0 + h10 * d0 + h01 * y1 + h11 * d1
    along_f = CubicSpline(_xi(Z_F_GRID), at, axis=1)(_xi(z_f))
    return CubicSpline(np.log(Z_M_GRID), along_f)(np.log(np.clip(z_M, Z_M_GRID[0], None)))
