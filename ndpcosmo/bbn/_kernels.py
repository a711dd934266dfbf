"""numba kernels of the BBN network: rates along the history, right-hand side, analytic Jacobian and
the stiff integrator (see ``solver`` for the equations)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit


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
    """Integrate dY/dx from x_start to x_end with Shampine & Reichelt's ode23s Rosenbrock pair
    (SIAM J. Sci. Comput. 18 (1997) 1) and the analytic Jacobian; error per nuclide relative to
    rtol |Y| + atol_i. Returns Y(x_end), the number of steps, rejected steps, and whether it finished."""
    n = Y0.size
    nr = n_in.size
    kf = np.empty(nr)
    kr = np.empty(nr)
    d = 1.0 / (2.0 + math.sqrt(2.0))
    e32 = 6.0 + math.sqrt(2.0)
    Y = Y0.copy()
    f0 = np.empty(n)
    f1 = np.empty(n)
    f2 = np.empty(n)
    fx = np.empty(n)
    jac = np.empty((n, n))
    dummy = np.empty((n, n))
    x = x_start
    h = min(1e-4, h_max)
    steps = 0
    rejected = 0
    while steps < max_steps:
        if x >= x_end:
            return Y, steps, rejected, True
        h = min(h, h_max, x_end - x)
        lnp, lpn, _ = coefficients(x, hist, x0, dx, tab_f, tab_r, u0, du, n_in, n_out, scale, kf, kr)
        rhs_jac(Y, kf, kr, lnp, lpn, rin, rout, fin, fout, f0, jac, True)
        dxx = 1e-6 * h
        lnp2, lpn2, _ = coefficients(x + dxx, hist, x0, dx, tab_f, tab_r, u0, du, n_in, n_out, scale, kf, kr)
        rhs_jac(Y, kf, kr, lnp2, lpn2, rin, rout, fin, fout, fx, dummy, False)
        tx = (fx - f0) / dxx
        wmat = np.eye(n) - h * d * jac
        k1 = np.linalg.solve(wmat, f0 + h * d * tx)
        lnp, lpn, _ = coefficients(x + 0.5 * h, hist, x0, dx, tab_f, tab_r, u0, du, n_in, n_out, scale, kf, kr)
        rhs_jac(Y + 0.5 * h * k1, kf, kr, lnp, lpn, rin, rout, fin, fout, f1, dummy, False)
        k2 = np.linalg.solve(wmat, f1 - k1) + k1
        Y_new = Y + h * k2
        lnp, lpn, _ = coefficients(x + h, hist, x0, dx, tab_f, tab_r, u0, du, n_in, n_out, scale, kf, kr)
        rhs_jac(Y_new, kf, kr, lnp, lpn, rin, rout, fin, fout, f2, dummy, False)
        k3 = np.linalg.solve(wmat, f2 - e32 * (k2 - f1) - 2.0 * (k1 - f0) + h * d * tx)
        err = 0.0
        for i in range(n):
            e = h / 6.0 * (k1[i] - 2.0 * k2[i] + k3[i])
            err = max(err, abs(e) / (rtol * max(abs(Y_new[i]), abs(Y[i])) + atol[i]))
        if err > 1.0:
            rejected += 1
            h *= max(0.2, 0.9 * err ** (-1.0 / 3.0))
            continue
        x += h
        Y = Y_new
        steps += 1
        h *= min(3.0, 0.9 * max(err, 1e-10) ** (-1.0 / 3.0))
    return Y, steps, rejected, False
