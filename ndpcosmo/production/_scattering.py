"""Numba kernels of the exact t-channel rate (``t_channel``): occupation integrals and the integrand."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..constants import ZETA3 as _ZETA3

_ZETA2 = math.pi**2 / 6.0


@njit(cache=True)
def _occ(e: float, stat: int) -> float:
    """Occupation at E/T = e: 0 Fermi-Dirac, 1 Bose-Einstein, 2 Maxwell-Boltzmann."""
    b = math.exp(-e)
    if stat == 0:
        return b / (1.0 + b)
    if stat == 1:
        return b / -math.expm1(-e)
    return b


@njit(cache=True)
def _complete(n: int, stat: int) -> float:
    """F_n(0) (n = 0 for bosons is infinite and never asked for)."""
    fact = 1.0 if n < 2 else 2.0
    if stat == 2:
        return fact
    if n == 0:
        return math.log(2.0)
    zeta = _ZETA2 if n == 1 else _ZETA3
    value = fact * zeta
    return (1.0 - 2.0 ** (-n)) * value if stat == 0 else value


@njit(cache=True)
def tails(x: float, stat: int, gx: np.ndarray, gw: np.ndarray, out: np.ndarray) -> None:
    """out[n] = F_n(x) = int_x^inf E^n f(E) dE, n = 0, 1, 2 (x >= 0, units of T).

    x >= 1 (or Maxwell-Boltzmann): the series sum_k (+-)^(k+1) e^(-kx) sum_j n!/j! x^j / k^(n-j+1);
    x < 1: F_n(0) minus int_0^x by Gauss-Legendre (the integrand is analytic there), and for
    bosons F_0 = -ln(1 - e^-x) in closed form.
    """
    x = max(x, 0.0)
    if stat == 2:
        b = math.exp(-x)
        out[0] = b
        out[1] = b * (x + 1.0)
        out[2] = b * (x * x + 2.0 * x + 2.0)
        return
    if x >= 1.0:
        out[0] = 0.0
        out[1] = 0.0
        out[2] = 0.0
        sign = 1.0
        kmax = int(40.0 / x) + 2
        for k in range(1, kmax + 1):
            b = math.exp(-k * x) * sign
            rk = 1.0 / k
            out[0] += b * rk
            out[1] += b * (x * rk + rk * rk)
            out[2] += b * (x * x * rk + 2.0 * x * rk * rk + 2.0 * rk * rk * rk)
            if stat == 0:
                sign = -sign
        return
    h = 0.5 * x
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    for i in range(gx.size):
        e = h * (gx[i] + 1.0)
        if stat == 0:
            f = 1.0 / (math.exp(e) + 1.0)
            s0 += gw[i] * f
            s1 += gw[i] * e * f
        else:
            ef = e / math.expm1(e) if e > 0.0 else 1.0  # E f(E), regular at 0
            s1 += gw[i] * ef
            f = 0.0
        s2 += gw[i] * e * (e * f if stat == 0 else ef)
    if stat == 0:
        out[0] = _complete(0, 0) - h * s0
    else:
        out[0] = -math.log(-math.expm1(-x)) if x > 0.0 else 1e300
    out[1] = _complete(1, stat) - h * s1
    out[2] = _complete(2, stat) - h * s2


@njit(cache=True)
def blocked(x: float, w: float, stat: int, gx: np.ndarray, gw: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
    """out[n] = int_x^inf E^n f(E) (1 -+ f(E + w)) dE, n = 0, 1, 2 (Maxwell-Boltzmann: no final factor)."""
    tails(x, stat, gx, gw, out)
    if stat == 2:
        return
    if abs(w) < 1e-6:
        f = _occ(x, stat)
        out[2] = x * x * f + 2.0 * out[1]
        out[1] = x * f + out[0]
        out[0] = f
        return
    tails(x + w, stat, gx, gw, tmp)
    d = -math.expm1(-w)
    s0 = tmp[0]
    s1 = tmp[1] - w * tmp[0]
    s2 = tmp[2] - 2.0 * w * tmp[1] + w * w * tmp[0]
    out[0] = (out[0] - s0) / d
    out[1] = (out[1] - s1) / d
    out[2] = (out[2] - s2) / d


@njit(cache=True)
def density(
    a: float,
    r: float,
    coef: np.ndarray,
    M2: float,
    m2: float,
    target_stat: int,
    nu_stat: int,
    gx: np.ndarray,
    gw: np.ndarray,
) -> float:
    """sum_ij C_ij F_i^nu G_j^target at (a, r): the p and E integrals of P f_nu f (1 -+ f') (units of T).

    u = sqrt(a) e^r = q + omega, v = sqrt(a) e^-r = q - omega; P = c0 + c1 s + c2 s^2 with ``coef``
    at t = -a, averaged over the azimuth (<s> = A, <s^2> = A^2 + B^2/2; ``t_channel``).
    """
    c0, c1, c2 = coef[0], coef[1], coef[2]
    fn = np.empty(3)
    gt = np.empty(3)
    tmp = np.empty(3)
    am = np.zeros((2, 2))
    big_u = M2 + a
    sa = math.sqrt(a)
    u = sa * math.exp(r)
    v = sa * math.exp(-r)
    q = 0.5 * (u + v)
    w = 0.5 * (u - v)
    q2 = q * q
    p_min = big_u / (2.0 * v)
    e_min = 0.5 * (-w + q * math.sqrt(1.0 + 4.0 * m2 / a))
    tails(p_min, nu_stat, gx, gw, fn)
    blocked(e_min, w, target_stat, gx, gw, gt, tmp)
    # A = <s> as a bilinear polynomial in p (row) and E (column)
    am[0, 0] = m2 + big_u * a / (2.0 * q2)
    am[0, 1] = -big_u * w / q2
    am[1, 0] = a * w / q2
    am[1, 1] = 2.0 - 2.0 * w * w / q2
    g0, g1, g2 = -big_u * big_u, -4.0 * big_u * w, 4.0 * a
    h0, h1, h2 = -4.0 * q2 * m2 - a * a, 4.0 * a * w, 4.0 * a
    inv = 1.0 / (8.0 * q2 * q2)  # B^2 / 2 = g h / (8 q^4)
    acc = 0.0
    for ip in range(3):
        gp = g0 if ip == 0 else (g1 if ip == 1 else g2)
        for je in range(3):
            he = h0 if je == 0 else (h1 if je == 1 else h2)
            sq = gp * he * inv
            a2 = 0.0  # the p^ip E^je coefficient of A^2
            for i1 in range(2):
                i2 = ip - i1
                if i2 < 0 or i2 > 1:
                    continue
                for j1 in range(2):
                    j2 = je - j1
                    if j2 < 0 or j2 > 1:
                        continue
                    a2 += am[i1, j1] * am[i2, j2]
            cij = c2 * (a2 + sq)
            if ip < 2 and je < 2:
                cij += c1 * am[ip, je]
            if ip == 0 and je == 0:
                cij += c0
            acc += cij * fn[ip] * gt[je]
    return acc


@njit(cache=True)
def density_grid(
    a: np.ndarray,
    r: np.ndarray,
    coefs: np.ndarray,
    M2: float,
    m2: float,
    target_stat: int,
    nu_stat: int,
    gx: np.ndarray,
    gw: np.ndarray,
) -> np.ndarray:
    """``density`` at each (a[k], r[k]) with ``coefs[k]``."""
    out = np.empty(a.size)
    for k in range(a.size):
        out[k] = density(a[k], r[k], coefs[k], M2, m2, target_stat, nu_stat, gx, gw)
    return out


@njit(cache=True)
def phi_grid(
    lams: np.ndarray,
    coefs: np.ndarray,
    M2: float,
    m2: float,
    target_stat: int,
    nu_stat: int,
    u_max: float,
    v_max: float,
    rx: np.ndarray,
    rw: np.ndarray,
    gx: np.ndarray,
    gw: np.ndarray,
) -> np.ndarray:
    """Phi(ln a) = (1/2a) int dr sum_ij C_ij F_i^nu G_j^target at each a = |t| = e^lam of ``lams`` (units of T).

    ``coefs[k]`` = (c0, c1, c2) of the spin-averaged P(s) = c0 + c1 s + c2 s^2 at t = -a_k (<|M|^2> =
    e^2 Q^2 d^2 P / t^2); u = q + omega = sqrt(a) e^r, v = q - omega = sqrt(a) e^-r, r over
    [-ln(v_max/sqrt a), ln(u_max/sqrt a)] with the Gauss-Legendre nodes ``rx``, ``rw`` on [-1, 1].
    """
    out = np.zeros(lams.size)
    for k in range(lams.size):
        a = math.exp(lams[k])
        sa = math.sqrt(a)
        r_hi = math.log(u_max / sa)
        r_lo = -math.log(v_max / sa)
        if r_hi <= r_lo:
            continue
        half = 0.5 * (r_hi - r_lo)
        mid = 0.5 * (r_hi + r_lo)
        total = 0.0
        for i in range(rx.size):
            total += rw[i] * density(a, mid + half * rx[i], coefs[k], M2, m2, target_stat, nu_stat, gx, gw)
        out[k] = half * total / (2.0 * a)
    return out
