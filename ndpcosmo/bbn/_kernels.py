"""numba kernels of the BBN network: rates along the history, right-hand side, analytic Jacobian and
the stiff integrator (see ``solver`` for the equations)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ndpcosmo._linalg import lu_factor, lu_solve


@njit(cache=True)
def lagrange4(table: np.ndarray, row: int, u0: float, du: float, u: float) -> float:
    """Four-point Lagrange interpolation of table[row, :] on the uniform grid u0 + k du (clamped ends)."""
    n = table.shape[1]
    s = (u - u0) / du
    if s <= 0.0:
        return table[row, 0]
    if s >= n - 1:
        return table[row, n - 1]
    i = min(max(int(s) - 1, 0), n - 4)
    p = s - i
    y0, y1, y2, y3 = table[row, i], table[row, i + 1], table[row, i + 2], table[row, i + 3]
    return (
        -y0 * (p - 1.0) * (p - 2.0) * (p - 3.0) / 6.0
        + y1 * p * (p - 2.0) * (p - 3.0) / 2.0
        - y2 * p * (p - 1.0) * (p - 3.0) / 2.0
        + y3 * p * (p - 1.0) * (p - 2.0) / 6.0
    )


@njit(cache=True)
def coefficients(
    x: float,
    hist: np.ndarray,
    x0: float,
    dx: float,
    tab_f: np.ndarray,
    tab_r: np.ndarray,
    u0: float,
    du: float,
    n_in: np.ndarray,
    n_out: np.ndarray,
    scale: np.ndarray,
    kf: np.ndarray,
    kr: np.ndarray,
) -> tuple[float, float, float]:
    """Rate coefficients at x = ln a: kf = rho^(n_R - 1) lambda_f / H and kr likewise (per unit x), and
    the weak rates / H. hist rows: ln T9, ln rho [mol cm^-3], ln(1/H [s]), lambda_np, lambda_pn [s^-1].
    ``scale`` multiplies each forward and reverse rate (uncertainty studies; 1 normally)."""
    lnT9 = lagrange4(hist, 0, x0, dx, x)
    lnrho = lagrange4(hist, 1, x0, dx, x)
    inv_h = math.exp(lagrange4(hist, 2, x0, dx, x))
    lam_np = lagrange4(hist, 3, x0, dx, x) * inv_h
    lam_pn = lagrange4(hist, 4, x0, dx, x) * inv_h
    for r in range(kf.size):
        kf[r] = scale[r] * inv_h * math.exp(lagrange4(tab_f, r, u0, du, lnT9) + (n_in[r] - 1) * lnrho)
        if n_out[r] > 0:
            kr[r] = scale[r] * inv_h * math.exp(lagrange4(tab_r, r, u0, du, lnT9) + (n_out[r] - 1) * lnrho)
        else:
            kr[r] = 0.0
    return lam_np, lam_pn, lnT9


@njit(cache=True)
def rhs_jac(
    Y: np.ndarray,
    kf: np.ndarray,
    kr: np.ndarray,
    lam_np: float,
    lam_pn: float,
    rin: np.ndarray,
    rout: np.ndarray,
    fin: np.ndarray,
    fout: np.ndarray,
    dY: np.ndarray,
    jac: np.ndarray,
    want_jac: bool,
) -> None:
    """dY/dx and its Jacobian. rin/rout: (n_reactions, 4) nuclide indices of reactants/products (-1
    padded, repeated for identical particles); fin/fout: 1/prod nu! for each side. Nuclide 0 = n, 1 = p."""
    dY[:] = 0.0
    if want_jac:
        jac[:, :] = 0.0
    w = lam_pn * Y[1] - lam_np * Y[0]
    dY[0] += w
    dY[1] -= w
    if want_jac:
        jac[0, 0] -= lam_np
        jac[0, 1] += lam_pn
        jac[1, 0] += lam_np
        jac[1, 1] -= lam_pn
    for r in range(kf.size):
        vf = kf[r] * fin[r]
        for k in range(4):
            if rin[r, k] >= 0:
                vf *= Y[rin[r, k]]
        vr = kr[r] * fout[r]
        if kr[r] != 0.0:
            for k in range(4):
                if rout[r, k] >= 0:
                    vr *= Y[rout[r, k]]
        v = vf - vr
        for k in range(4):
            if rin[r, k] >= 0:
                dY[rin[r, k]] -= v
            if rout[r, k] >= 0:
                dY[rout[r, k]] += v
        if not want_jac:
            continue
        # d v / d Y_j for every reactant slot (product over the other slots), then spread over the rows
        for side in range(2):
            idx = rin if side == 0 else rout
            if side == 1 and kr[r] == 0.0:
                continue
            base = kf[r] * fin[r] if side == 0 else -kr[r] * fout[r]
            for k in range(4):
                j = idx[r, k]
                if j < 0:
                    continue
                dv = base
                for m in range(4):
                    if m != k and idx[r, m] >= 0:
                        dv *= Y[idx[r, m]]
                for m in range(4):
                    if rin[r, m] >= 0:
                        jac[rin[r, m], j] -= dv
                    if rout[r, m] >= 0:
                        jac[rout[r, m], j] += dv


# Kaps & Rentrop's fourth-order Rosenbrock method with Shampine's parameters (ACM TOMS 8 (1982) 93;
# Numer. Math. 33 (1979) 55), the embedded third-order solution giving the error estimate
GAM = 0.5
A21, A31, A32 = 2.0, 48.0 / 25.0, 6.0 / 25.0
C21, C31, C32 = -8.0, 372.0 / 25.0, 12.0 / 5.0
C41, C42, C43 = -112.0 / 125.0, -54.0 / 125.0, -2.0 / 5.0
B1, B2, B3, B4 = 19.0 / 9.0, 0.5, 25.0 / 108.0, 125.0 / 108.0
E1, E2, E3, E4 = 17.0 / 54.0, 7.0 / 36.0, 0.0, 125.0 / 108.0
C1X, C2X, C3X, C4X = 0.5, -1.5, 121.0 / 50.0, 29.0 / 250.0
A2X, A3X = 1.0, 3.0 / 5.0


@njit(cache=True)
def integrate(
    Y0: np.ndarray,
    x_start: float,
    x_end: float,
    rtol: float,
    atol: np.ndarray,
    h_max: float,
    hist: np.ndarray,
    x0: float,
    dx: float,
    tab_f: np.ndarray,
    tab_r: np.ndarray,
    u0: float,
    du: float,
    n_in: np.ndarray,
    n_out: np.ndarray,
    rin: np.ndarray,
    rout: np.ndarray,
    fin: np.ndarray,
    fout: np.ndarray,
    scale: np.ndarray,
    max_steps: int,
):
    """Integrate dY/dx from x_start to x_end with the fourth-order Kaps-Rentrop Rosenbrock method
    (constants above) and the analytic Jacobian; the error of each nuclide, from the embedded
    third-order solution, is held to rtol |Y| + atol_i. Returns Y(x_end), the number of accepted and
    rejected steps, and whether it finished."""
    n = Y0.size
    nr = n_in.size
    kf = np.empty(nr)
    kr = np.empty(nr)
    Y = Y0.copy()
    f0 = np.empty(n)
    f2 = np.empty(n)
    f3 = np.empty(n)
    fx = np.empty(n)
    jac = np.empty((n, n))
    dummy = np.empty((n, n))
    m = np.empty((n, n))
    piv = np.zeros(n, dtype=np.int64)
    x = x_start
    h = min(1e-4, h_max)
    steps = 0
    rejected = 0
    fresh = False
    while steps < max_steps:
        if x >= x_end:
            return Y, steps, rejected, True
        h = min(h, h_max, x_end - x)
        if not fresh:
            lnp, lpn, _ = coefficients(x, hist, x0, dx, tab_f, tab_r, u0, du, n_in, n_out, scale, kf, kr)
            rhs_jac(Y, kf, kr, lnp, lpn, rin, rout, fin, fout, f0, jac, True)
            dxx = 1e-6 * max(h, 1e-3)
            lnp, lpn, _ = coefficients(x + dxx, hist, x0, dx, tab_f, tab_r, u0, du, n_in, n_out, scale, kf, kr)
            rhs_jac(Y, kf, kr, lnp, lpn, rin, rout, fin, fout, fx, dummy, False)
            tx = (fx - f0) / dxx
            fresh = True
        for i in range(n):
            for j in range(n):
                m[i, j] = -jac[i, j]
            m[i, i] += 1.0 / (GAM * h)
        lu_factor(m, piv)
        g1 = lu_solve(m, piv, f0 + h * C1X * tx)
        lnp, lpn, _ = coefficients(x + A2X * h, hist, x0, dx, tab_f, tab_r, u0, du, n_in, n_out, scale, kf, kr)
        rhs_jac(Y + A21 * g1, kf, kr, lnp, lpn, rin, rout, fin, fout, f2, dummy, False)
        g2 = lu_solve(m, piv, f2 + h * C2X * tx + C21 * g1 / h)
        lnp, lpn, _ = coefficients(x + A3X * h, hist, x0, dx, tab_f, tab_r, u0, du, n_in, n_out, scale, kf, kr)
        rhs_jac(Y + A31 * g1 + A32 * g2, kf, kr, lnp, lpn, rin, rout, fin, fout, f3, dummy, False)
        g3 = lu_solve(m, piv, f3 + h * C3X * tx + (C31 * g1 + C32 * g2) / h)
        g4 = lu_solve(m, piv, f3 + h * C4X * tx + (C41 * g1 + C42 * g2 + C43 * g3) / h)
        Y_new = Y + B1 * g1 + B2 * g2 + B3 * g3 + B4 * g4
        err = 0.0
        for i in range(n):
            e = E1 * g1[i] + E2 * g2[i] + E3 * g3[i] + E4 * g4[i]
            err = max(err, abs(e) / (rtol * max(abs(Y_new[i]), abs(Y[i])) + atol[i]))
        if not err <= 1.0:  # also catches NaN
            rejected += 1
            h *= max(0.2, 0.9 * err ** (-1.0 / 3.0)) if err == err else 0.2
            continue
        x += h
        Y = Y_new
        steps += 1
        fresh = False
        h *= min(3.0, 0.9 * max(err, 1e-12) ** (-0.25))
    return Y, steps, rejected, False
