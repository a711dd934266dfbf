"""Numba kernels of the abundance solver."""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _phi1(z: float) -> float:
    """(e^z - 1)/z, accurate near z = 0."""
    if abs(z) < 1e-8:
        return 1.0 + 0.5 * z
    return math.expm1(z) / z


@njit(cache=True)
def _step(y: float, h: float, ln_ka: float, ln_kb: float, ln_ta: float, ln_tb: float) -> float:
    """One exponential-integrator step with k and the target exponential in x over the step."""
    d = ln_kb - ln_ka
    k_a = math.exp(ln_ka)
    big_k = h * k_a * _phi1(d)  # h times the logarithmic mean of k
    c = big_k + ln_tb - ln_ta
    if c > 1.0:
        # e^{-K} K t_a (e^c - 1)/c, written without overflow (for c <= 1 the phi1 form below is used:
        # here t_b - t_a e^{-K} would cancel when K and ln(t_b/t_a) are both tiny)
        t_lo = math.exp(ln_ta - big_k) if big_k < 745.0 else 0.0
        return y * math.exp(-big_k) + big_k * (math.exp(ln_tb) - t_lo) / c
    return math.exp(-big_k) * (y + big_k * math.exp(ln_ta) * _phi1(c))


@njit(cache=True)
def relax(
    x: np.ndarray,
    ln_T: np.ndarray,
    ln_k: np.ndarray,
    ln_target_reduced: np.ndarray,
    mass: float,
    y0: float,
    max_dln: float,
) -> np.ndarray:
    """Integrate dy/dx = k(x) (target(x) - y) on the nodes ``x`` from y(x[0]) = y0.

    Takes ln T, ln k and ln target + mass/T at the nodes (the Boltzmann factor of a heavy particle is
    put back exactly inside each interval). Between nodes ln T, ln k and the reduced ln target are
    linear in x (exact for the power laws in T of the rates), and each interval is cut into sub-steps
    over which neither ln k nor ln target changes by more than ``max_dln``. On a sub-step of length
    h the linear ODE with constant k (its logarithmic mean) and an exponential target is solved
    exactly:
        y_b = e^{-K} [y_a + K t_a phi1(K + ln(t_b/t_a))],   K = h (k_b - k_a)/ln(k_b/k_a),
    phi1(z) = (e^z - 1)/z. Second order, unconditionally stable and exact in both limits
    (K -> 0: y frozen; K -> infinity: y = target), so it spans k from 1e-10 to 1e14 alike.
    Returns y at the nodes.
    """
    n = x.size
    y = np.empty(n)
    y[0] = y0
    for i in range(n - 1):
        dk = ln_k[i + 1] - ln_k[i]
        dlt = ln_T[i + 1] - ln_T[i]
        dr = ln_target_reduced[i + 1] - ln_target_reduced[i]
        lt_a = ln_target_reduced[i] - mass * math.exp(-ln_T[i])
        lt_b = ln_target_reduced[i + 1] - mass * math.exp(-ln_T[i + 1])
        m = max(1, int(math.ceil(max(abs(dk), abs(lt_b - lt_a)) / max_dln)))
        h = (x[i + 1] - x[i]) / m
        yi = y[i]
        ln_t_prev = lt_a
        for j in range(m):
            fa = j / m
            fb = (j + 1) / m
            if j + 1 == m:
                ln_t_next = lt_b
            else:
                ln_t_next = ln_target_reduced[i] + fb * dr - mass * math.exp(-(ln_T[i] + fb * dlt))
            yi = _step(yi, h, ln_k[i] + fa * dk, ln_k[i] + fb * dk, ln_t_prev, ln_t_next)
            ln_t_prev = ln_t_next
        y[i + 1] = yi
    return y
