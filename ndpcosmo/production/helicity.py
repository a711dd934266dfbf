"""The flipped helicity pair of a Dirac N: its share of the production, R(M/T).

The operator nubar sigma P_R N F makes N through its right-chiral component. The spin-summed squared
amplitude is a trace linear in P_N, so a final N of helicity h (spin vector s_N in the plasma frame) gets

    |M|^2_h = 1/2 L(P_N + h M s_N),     sum_h |M|^2_h = L(P_N),

with L the t-channel trace of ``cross_sections.t_channel_polynomial`` (its dot products with P_N
replaced by those with the vector). At M << E, P_N + M s_N -> 2 P_N: the h = +1 pair takes everything;
the flipped pair (h = -1 for N, +1 for Nbar) gets R ~ (M/T)^2 of it, and R -> 1/2 for M >> T. Decays
and inverse decays couple both pairs alike (the rest-frame width does not depend on the spin).

R(z = M/T) is the flipped share of nu e -> N e (massless Fermi-Dirac nu and e, the final e Pauli
blocked, |t| >= m_D^2 with the Debye mass of that electron, e^2 T^2/3), by Monte Carlo in the plasma
frame: energies from Gamma(3, theta) reweighted to Fermi-Dirac (theta grows with z so the threshold
s > M^2 is sampled), |t| log-uniform, the same random numbers for every z (R is smooth in z),
2 x 10^5 events per node. It is applied to the whole production (t- and s-channel, plasmons: the
t-channel is 97 % of it). R = 0.066 (M/T)^2 at small M/T (the table's lowest node sets the coefficient
below it); above the table R holds its last value (production there is below e^-40).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline

from ..cache import cached_arrays, fingerprint

Z_GRID = np.geomspace(0.01, 40.0, 37)
N_EVENTS = 200_000
_SEED = 20261203
_M_D2_OVER_T2 = 4.0 * np.pi / 137.035999 / 3.0


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[:, 0] * b[:, 0] - np.sum(a[:, 1:] * b[:, 1:], axis=1)


def _boost(p4: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Four-vectors ``p4`` (n, 4) seen from a frame moving with velocity ``beta`` (n, 3)."""
    b2 = np.sum(beta * beta, axis=1)
    gamma = 1.0 / np.sqrt(1.0 - b2)
    bp = np.sum(beta * p4[:, 1:], axis=1)
    k = np.where(b2 > 0, (gamma - 1.0) / np.where(b2 > 0, b2, 1.0), 0.0)
    space = p4[:, 1:] + (k * bp)[:, None] * beta - (gamma * p4[:, 0])[:, None] * beta
    return np.concatenate([(gamma * (p4[:, 0] - bp))[:, None], space], axis=1)


def trace(v: np.ndarray, p_nu: np.ndarray, p_t: np.ndarray, q: np.ndarray, t: np.ndarray) -> np.ndarray:
    """L with P_N -> v for a massless Dirac target: 16 (2 T_pp + t T_tr / 2) (``t_channel_polynomial``)."""
    qk, pq, pk = _dot(q, p_nu), _dot(p_t, q), _dot(p_t, p_nu)
    vq, vk, vp = _dot(v, q), _dot(v, p_nu), _dot(v, p_t)
    t_pp = 4.0 * qk * pq * vp - 2.0 * t * pk * vp - 2.0 * pq * (vp * qk - vq * pk + vk * pq) + pq * pq * vk
    return 16.0 * (2.0 * t_pp + 0.5 * t * (-4.0 * qk * vq + t * vk))


def _events(n: int) -> dict[str, np.ndarray]:
    """The uniform random numbers every z reuses."""
    rng = np.random.default_rng(_SEED)
    return {
        "g1": rng.random((n, 3)),
        "g2": rng.random((n, 3)),
        "d1": rng.random((n, 2)),
        "d2": rng.random((n, 2)),
        "t": rng.random(n),
        "phi": rng.random(n),
    }


def _gamma3(u: np.ndarray, theta: float) -> np.ndarray:
    """E ~ Gamma(3, theta) from three uniforms (sum of exponentials)."""
    return -theta * np.sum(np.log(u), axis=1)


def _direction(u: np.ndarray) -> np.ndarray:
    c = 2.0 * u[:, 0] - 1.0
    phi = 2.0 * np.pi * u[:, 1]
    s = np.sqrt(1.0 - c * c)
    return np.stack([s * np.cos(phi), s * np.sin(phi), c], axis=1)


def flipped_share(z: float, events: dict[str, np.ndarray] | None = None) -> float:
    """R(M/T = z) by the Monte Carlo of the module docstring (T = 1)."""
    ev = events or _events(N_EVENTS)
    theta = max(1.0, z / 3.0)
    e1, e2 = _gamma3(ev["g1"], theta), _gamma3(ev["g2"], theta)
    # reweight Gamma(3, theta) to E^2 f_FD(E): E^2 e^-E/(e^-E + 1) / (E^2 e^-E/theta / (2 theta^2))
    log_w = sum(-e + e / theta - np.log1p(np.exp(-e)) for e in (e1, e2))
    k4 = np.concatenate([e1[:, None], e1[:, None] * _direction(ev["d1"])], axis=1)
    p4 = np.concatenate([e2[:, None], e2[:, None] * _direction(ev["d2"])], axis=1)
    total = k4 + p4
    s = _dot(total, total)
    open_ = s > z * z * (1.0 + 1e-9)
    rs = np.sqrt(np.maximum(s, z * z * (1.0 + 1e-9)))
    ss = rs * rs
    beta = total[:, 1:] / total[:, :1]
    axis = _boost(k4, beta)[:, 1:]
    axis /= np.linalg.norm(axis, axis=1)[:, None]
    p_in, p_out, e_n = rs / 2.0, (ss - z * z) / (2.0 * rs), (ss + z * z) / (2.0 * rs)
    a_lo = np.maximum(2.0 * p_in * (e_n - p_out) - z * z, _M_D2_OVER_T2)
    a_hi = 2.0 * p_in * (e_n + p_out) - z * z
    good = open_ & (a_hi > a_lo)
    ratio = np.where(good, a_hi / a_lo, 1.0)
    a = a_lo * ratio ** ev["t"]
    jacobian = np.where(good, a * np.log(ratio), 0.0)
    cos = np.clip((e_n - (z * z + a) / (2.0 * p_in)) / p_out, -1.0, 1.0)
    sin, phi = np.sqrt(1.0 - cos * cos), 2.0 * np.pi * ev["phi"]
    helper = np.where(np.abs(axis[:, :1]) < 0.9, np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]]))
    u1 = np.cross(axis, helper)
    u1 /= np.linalg.norm(u1, axis=1)[:, None]
    u2 = np.cross(axis, u1)
    d = cos[:, None] * axis + (sin * np.cos(phi))[:, None] * u1 + (sin * np.sin(phi))[:, None] * u2
    p_n = _boost(np.concatenate([e_n[:, None], p_out[:, None] * d], axis=1), -beta)
    p_abs = np.maximum(np.linalg.norm(p_n[:, 1:], axis=1), 1e-300)
    spin = np.concatenate([(p_abs / z)[:, None], (p_n[:, :1] / z) * p_n[:, 1:] / p_abs[:, None]], axis=1)
    q = k4 - p_n
    l_p, l_s = trace(p_n, k4, p4, q, -a), trace(spin, k4, p4, q, -a)
    final_e = (total - p_n)[:, 0]
    weight = jacobian / (2.0 * e1 * e2 * ss) / (a * a) / (1.0 + np.exp(-np.maximum(final_e, 0.0)))
    weight = np.where(good, weight * np.exp(log_w - np.max(np.where(good, log_w, -np.inf))), 0.0)
    return float(np.sum(weight * 0.5 * (l_p - z * l_s)) / np.sum(weight * l_p))


def _fingerprint() -> str:
    return fingerprint((Path(__file__).resolve(),), (Z_GRID.tolist(), N_EVENTS, _SEED))


@functools.lru_cache(maxsize=1)
def _spline() -> CubicSpline:
    def compute() -> dict[str, np.ndarray]:
        ev = _events(N_EVENTS)
        return {"z": Z_GRID, "R": np.array([flipped_share(float(z), ev) for z in Z_GRID])}

    data = cached_arrays("helicity-flip", _fingerprint(), compute, "the Dirac N helicity-flip share (~30 s)")
    return CubicSpline(np.log(data["z"]), np.log(data["R"]))


def flipped_fraction(z) -> np.ndarray:
    """R(M/T) at ``z`` (array): the share of the production that makes the flipped helicity pair."""
    z = np.asarray(z, dtype=float)
    spline = _spline()
    lo, hi = Z_GRID[0], Z_GRID[-1]
    inside = np.exp(spline(np.log(np.clip(z, lo, hi))))
    below = np.exp(spline(np.log(lo))) * (z / lo) ** 2
    return np.where(z < lo, below, inside)
