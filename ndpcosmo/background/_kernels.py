"""Numba kernels of the thermal history: table look-ups, the temperature equations, N collisions and
the split integrator (see ``solver`` for the physics and the method)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .. import constants as c
from .._linalg import lu_factor, lu_solve
from . import _nonthermal as nt

M_PL = c.M_PL_MEV  # a module global: numba freezes it as a compile-time constant
RHO_GAMMA_PER_T4 = math.pi**2 / 15.0
RHO_NU_PER_T4 = 7.0 * math.pi**2 / 120.0


@njit(cache=True)
def hermite(table: np.ndarray, x0: float, dx: float, x: float, i: int) -> float:
    """Cubic Hermite interpolation of function ``i`` of ``table`` (shape (n_f, 2, n): values and
    derivatives on the uniform grid x0 + k dx), clamped to the end values outside the grid."""
    n = table.shape[2]
    u = (x - x0) / dx
    if u <= 0.0:
        return table[i, 0, 0]
    if u >= n - 1:
        return table[i, 0, n - 1]
    k = int(u)
    s = u - k
    y0 = table[i, 0, k]
    y1 = table[i, 0, k + 1]
    d0 = table[i, 1, k] * dx
    d1 = table[i, 1, k + 1] * dx
    s2 = s * s
    s3 = s2 * s
    return (2 * s3 - 3 * s2 + 1) * y0 + (s3 - 2 * s2 + s) * d0 + (-2 * s3 + 3 * s2) * y1 + (s3 - s2) * d1


@njit(cache=True)
def em_plasma(T: float, m_e: float, th: np.ndarray, lnz0: float, dlnz: float, lnz_max: float):
    """rho_e, P_e, drho_e/dT, P_int, dP_int/dT, d^2P_int/dT^2 at T (zero beyond the table's z_max)."""
    lnz = math.log(m_e / T)
    if lnz >= lnz_max:
        return 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    T2 = T * T
    T3 = T2 * T
    T4 = T3 * T
    return (
        hermite(th, lnz0, dlnz, lnz, 0) * T4,
        hermite(th, lnz0, dlnz, lnz, 1) * T4,
        hermite(th, lnz0, dlnz, lnz, 2) * T3,
        hermite(th, lnz0, dlnz, lnz, 3) * T4,
        hermite(th, lnz0, dlnz, lnz, 4) * T3,
        hermite(th, lnz0, dlnz, lnz, 5) * T2,
    )


@njit(cache=True)
def _mass_factor(T: float, m_e: float, mt: np.ndarray, z0: float, dz: float, z_max: float, i: int) -> float:
    lnz = math.log(m_e / T)
    if lnz <= z0:
        return 1.0 if (i == 0 or i == 2) else 0.0
    if lnz >= z_max:
        return 0.0
    return hermite(mt, z0, dz, lnz, i)


@njit(cache=True)
def energy_exchange(T_g: float, T_nu: np.ndarray, p: np.ndarray, mt: np.ndarray, out: np.ndarray) -> None:
    """drho_a/dt into each flavour (see ``equations``). p: [G_F^2/pi^5, f_a, f_s, m_e, z0, dz, zmax, X(3), Y(3)]."""
    pref, f_a, f_s, m_e, z0, dz, zmax = p[0], p[1], p[2], p[3], p[4], p[5], p[6]
    ax_g = _mass_factor(T_g, m_e, mt, z0, dz, zmax, 0)
    ay_g = _mass_factor(T_g, m_e, mt, z0, dz, zmax, 1)
    bx_g = _mass_factor(T_g, m_e, mt, z0, dz, zmax, 2)
    by_g = _mass_factor(T_g, m_e, mt, z0, dz, zmax, 3)
    for a in range(3):
        Ta = T_nu[a]
        X = p[7 + a]
        Y = p[10 + a]
        ax_a = _mass_factor(Ta, m_e, mt, z0, dz, zmax, 0)
        ay_a = _mass_factor(Ta, m_e, mt, z0, dz, zmax, 1)
        ann = 128.0 * f_a * ((X * ax_g + Y * ay_g) * T_g**9 - (X * ax_a + Y * ay_a) * Ta**9)
        scat = 224.0 * f_s * (X * bx_g + Y * by_g) * T_g**4 * Ta**4 * (T_g - Ta)
        nunu = 0.0
        for b in range(3):
            if b != a:
                Tb = T_nu[b]
                nunu += 32.0 * f_a * (Tb**9 - Ta**9) + 56.0 * f_s * Tb**4 * Ta**4 * (Tb - Ta)
        out[a] = pref * (ann + scat + nunu)


@njit(cache=True)
def rho_from_em(T_g: float, T_nu: np.ndarray, em) -> float:
    """Energy density of photons, e+-, the QED correction (rho_int = -P + T dP/dT) and the neutrinos."""
    rho = RHO_GAMMA_PER_T4 * T_g**4 + em[0] - em[3] + T_g * em[4]
    for a in range(3):
        rho += RHO_NU_PER_T4 * T_nu[a] ** 4
    return rho


@njit(cache=True)
def rho_standard(T_g: float, T_nu: np.ndarray, th: np.ndarray, tp: np.ndarray) -> float:
    """Energy density of photons, e+-, the QED correction and the neutrinos [MeV^4]."""
    return rho_from_em(T_g, T_nu, em_plasma(T_g, tp[0], th, tp[1], tp[2], tp[3]))


@njit(cache=True)
def temperature_rates(
    T_g: float,
    T_nu: np.ndarray,
    hubble: float,
    q_g: float,
    q_nu: np.ndarray,
    th: np.ndarray,
    tp: np.ndarray,
    mt: np.ndarray,
    rp: np.ndarray,
    out: np.ndarray,
) -> None:
    """out[0] = dT_g/dt, out[1:4] = dT_a/dt [MeV^2] (``equations`` docstring)."""
    em = em_plasma(T_g, tp[0], th, tp[1], tp[2], tp[3])
    temperature_rates_em(T_g, T_nu, hubble, q_g, q_nu, em, mt, rp, out)


@njit(cache=True)
def temperature_rates_em(
    T_g: float,
    T_nu: np.ndarray,
    hubble: float,
    q_g: float,
    q_nu: np.ndarray,
    em,
    mt: np.ndarray,
    rp: np.ndarray,
    out: np.ndarray,
) -> None:
    """``temperature_rates`` with the e+- and QED functions ``em`` already evaluated at T_g."""
    rho_e, p_e, drho_e, p_int, dp_int, d2p_int = em
    ex = np.empty(3)
    energy_exchange(T_g, T_nu, rp, mt, ex)
    rho_g = RHO_GAMMA_PER_T4 * T_g**4
    num = hubble * (4.0 * rho_g + 3.0 * (rho_e + p_e) + 3.0 * T_g * dp_int) + ex[0] + ex[1] + ex[2] - q_g
    den = 4.0 * rho_g / T_g + drho_e + T_g * d2p_int
    out[0] = -num / den
    for a in range(3):
        out[1 + a] = -hubble * T_nu[a] + (ex[a] + q_nu[a]) / (4.0 * RHO_NU_PER_T4 * T_nu[a] ** 3)


@njit(cache=True)
def _fermi_dirac(e_over_t: float) -> float:
    b = math.exp(-e_over_t)
    return b / (1.0 + b)


@njit(cache=True)
def rho_n_at(x: float, F: np.ndarray, q: np.ndarray, w: np.ndarray, np_: np.ndarray, slaved: np.ndarray) -> float:
    """rho_N [MeV^4] at x for occupations F, leaving out the ``slaved`` bins. np_ = [T_h, M, width, g_N,
    alpha, photon fraction f, momentum scale of the bins / T_h (1; ~0 for a relic at rest), inverse decays
    (1 or 0)]."""
    T_h, M, g_N = np_[0], np_[1], np_[3]
    scale = T_h * np_[6] * math.exp(-x)
    pref = g_N / (2.0 * math.pi**2) * scale**3
    total = 0.0
    for j in range(q.size):
        if slaved[j]:
            continue
        p = q[j] * scale
        total += w[j] * q[j] ** 2 * math.sqrt(p * p + M * M) * F[j]
    return pref * total


@njit(cache=True)
def gamma_scattering(T_g: float, gt: np.ndarray, ln_gamma: np.ndarray) -> float:
    """Gamma_prod(T_g) [MeV] from its table (ln Gamma linear on a uniform ln T grid; gt = [lnT0, dlnT, T_min])."""
    if T_g <= gt[2]:
        return 0.0
    u = (math.log(T_g) - gt[0]) / gt[1]
    k = min(max(int(u), 0), ln_gamma.size - 2)
    s_ = u - k
    return math.exp(ln_gamma[k] * (1 - s_) + ln_gamma[k + 1] * s_)


@njit(cache=True)
def n_step(
    x: float,
    h: float,
    dt: float,
    T_g: float,
    T_a: float,
    gamma_sc: float,
    F: np.ndarray,
    q: np.ndarray,
    w: np.ndarray,
    np_: np.ndarray,
    F_new: np.ndarray,
    slaved: np.ndarray,
    lost_bins: np.ndarray,
) -> tuple[float, float]:
    """Advance the N occupations over dt with the temperatures frozen (exact two-channel relaxation):
    dF/dt = -a (F - A) - b (F - B), decays/inverse decays (a = Gamma M/E, A = FD at (T_g + T_a)/2) and
    scatterings (b, B = FD at T_a), at the mid-step momenta. The change of F is shared between the
    channels as a/(a+b) and b/(a+b); the steady flux through N between the two targets is the
    conduction term of ``n_coupling``. Returns the physical energy densities [MeV^4]
    N lost through decays/inverse decays and through scatterings (positive: N lost energy); lost_bins
    gets each bin's decay/inverse-decay part."""
    T_h, M, width, g_N = np_[0], np_[1], np_[2], np_[3]
    scale = T_h * np_[6] * math.exp(-(x + 0.5 * h))
    inverse = np_[7]
    pref = g_N / (2.0 * math.pi**2) * scale**3
    T_id = 0.5 * (T_g + T_a)
    lost_decay = 0.0
    lost_scat = 0.0
    for j in range(q.size):
        p = q[j] * scale
        E = math.sqrt(p * p + M * M)
        a = width * M / E
        b = gamma_sc
        lam = a + b
        lost_bins[j] = 0.0
        if lam <= 0.0 or slaved[j]:
            F_new[j] = F[j]
            continue
        f_star = (a * inverse * _fermi_dirac(E / T_id) + b * _fermi_dirac(E / T_a)) / lam
        F_new[j] = f_star + (F[j] - f_star) * math.exp(-lam * dt)
        weight = pref * w[j] * q[j] ** 2 * E * (F_new[j] - F[j]) / lam
        lost_bins[j] = -weight * a
        lost_decay -= weight * a
        lost_scat -= weight * b
    return lost_decay, lost_scat


@njit(cache=True)
def n_coupling(
    x: float,
    T_g: float,
    T_a: float,
    hubble: float,
    q: np.ndarray,
    w: np.ndarray,
    np_: np.ndarray,
    gt: np.ndarray,
    ln_gamma: np.ndarray,
    slaved: np.ndarray,
    any_slaved: bool,
    tc: np.ndarray,
):
    """One pass over the N bins for the temperature equations (evaluated with ``hubble``).

    Conduction: while N relaxes towards two different targets (scatterings: FD at T_a; decays/inverse
    decays: FD at (T_g + T_a)/2) it carries energy from nu_a to the photons at the rate of the steady
    part of the two-channel solution, 1/2 sum_j weight_j E_j a b/(a + b) (B_j - A_j) (skipped when
    min(a, b) < 1e-6 H). Nothing is done where M > 150 T (equilibrium occupations below e^-150).
    Tight coupling: bins with a + b > 1e4 H sit on their target f*(T_g, T_a); their energy balance
    d rho_j/dt = -3 H (rho_j + P_j) - Q_j gives the energy they hand to the photons and to nu_a as linear
    functions of dT_g/dt and dT_a/dt, tc: Q_gamma = tc0 + tc1 dT_g/dt + tc2 dT_a/dt, Q_nu = tc3 + ...,
    shared between the channels as a/(2 lam) and (a/2 + b)/lam (the T_g dependence of b is neglected).
    Returns (rho of the tightly coupled bins, conduction flux)."""
    T_h, M, width, g_N = np_[0], np_[1], np_[2], np_[3]
    b = gamma_scattering(T_g, gt, ln_gamma)
    conduct = min(b, width) >= 1e-6 * hubble
    for k in range(6):
        tc[k] = 0.0
    # nothing to do either where the equilibrium N population is below e^-150 (M > 150 T)
    if (not conduct and not any_slaved) or M > 150.0 * max(T_g, T_a):
        return 0.0, 0.0
    scale = T_h * np_[6] * math.exp(-x)
    pref = g_N / (2.0 * math.pi**2) * scale**3
    T_id = 0.5 * (T_g + T_a)
    rho = 0.0
    flux = 0.0
    for j in range(q.size):
        if not (conduct or slaved[j]):
            continue
        p = q[j] * scale
        E = math.sqrt(p * p + M * M)
        a = width * M / E
        lam = a + b
        A = np_[7] * _fermi_dirac(E / T_id)
        B = _fermi_dirac(E / T_a)
        weight = pref * w[j] * q[j] ** 2
        if conduct:
            flux += 0.5 * weight * E * (a * b / lam) * (B - A)
        if not slaved[j]:
            continue
        f = (a * A + b * B) / lam
        rho_j = weight * E * f
        p_j = weight * p * p / (3.0 * E) * f
        rho += rho_j
        dA = A * (1.0 - A) * E / (T_id * T_id)
        dB = B * (1.0 - B) * E / (T_a * T_a)
        df_dg = (a / lam) * 0.5 * dA
        df_da = (a / lam) * 0.5 * dA + (b / lam) * dB
        df_dE = -(a / lam) * A * (1.0 - A) / T_id - (b / lam) * B * (1.0 - B) / T_a - a * b / (E * lam * lam) * (A - B)
        drho_dx = weight * (-p * p / E) * (f + E * df_dE)
        q0 = -hubble * drho_dx - 3.0 * hubble * p_j
        qg = -weight * E * df_dg
        qa = -weight * E * df_da
        c_g = 0.5 * a / lam
        c_n = (0.5 * a + b) / lam
        tc[0] += c_g * q0
        tc[1] += c_g * qg
        tc[2] += c_g * qa
        tc[3] += c_n * q0
        tc[4] += c_n * qg
        tc[5] += c_n * qa
    return rho, flux


@njit(cache=True)
def _derivs(
    x: float,
    y: np.ndarray,
    x0: float,
    h: float,
    rho_n0: float,
    rho_n1: float,
    s_g: float,
    s_nu: np.ndarray,
    ctx,
    out: np.ndarray,
) -> None:
    """d/dx of y = [a T_g, a T_e, a T_mu, a T_tau, ln t, E_cond] (comoving temperatures: constant under free
    redshift), with rho_N linear over the step, comoving sources s (energy per unit x) from the N step,
    and the conduction through N evaluated here, implicitly (E_cond: its comoving energy, nu -> gamma).
    ctx = (has_n, q, w, np_, gt, ln_gamma, rho_m0_over_tcmb3, th, tp, mt, rp, slaved, any_slaved): see
    ``integrate``; y[6], y[7] accumulate the comoving energy the tightly coupled bins give to gamma, nu_a."""
    has_n, q, w, np_, gt, ln_gamma, rho_m0_over_tcmb3, th, tp, mt, rp, slaved, any_slaved = ctx
    a = math.exp(x)
    T_g = y[0] / a
    T_nu = y[1:4] / a
    frac = (x - x0) / h if h > 0 else 0.0
    em = em_plasma(T_g, tp[0], th, tp[1], tp[2], tp[3])
    rho = rho_from_em(T_g, T_nu, em) + rho_n0 + frac * (rho_n1 - rho_n0) + rho_m0_over_tcmb3 * T_g**3
    alpha = int(np_[4])
    tc = np.zeros(6)
    flux = 0.0
    if has_n:
        # the N bins' conduction flux and tightly coupled bins, evaluated with the expansion rate of the
        # rest and rescaled (the H-proportional parts are linear in H; the flux is not, to first order)
        hubble0 = math.sqrt(8.0 * math.pi * rho / 3.0) / M_PL
        rho_s, flux = n_coupling(x, T_g, T_nu[alpha], hubble0, q, w, np_, gt, ln_gamma, slaved, any_slaved[0], tc)
        rho += rho_s
        hubble = math.sqrt(8.0 * math.pi * rho / 3.0) / M_PL
        tc[0] *= hubble / hubble0
        tc[3] *= hubble / hubble0
    else:
        hubble = math.sqrt(8.0 * math.pi * rho / 3.0) / M_PL
    a4 = a**4
    q_nu = np.empty(3)
    for k in range(3):
        q_nu[k] = s_nu[k] * hubble / a4
    q_g = s_g * hubble / a4 + flux
    q_nu[alpha] -= flux
    rates = np.empty(4)
    temperature_rates_em(T_g, T_nu, hubble, q_g, q_nu, em, mt, rp, rates)
    q_sg = 0.0
    q_sn = 0.0
    if has_n and any_slaved[0]:
        # dT/dt = dT0/dt + Q_s/C with Q_s linear in dT/dt: a 2 x 2 system for T_g and T_a
        c_g = 4.0 * RHO_GAMMA_PER_T4 * T_g**3 + em[2] + T_g * em[5]
        c_a = 4.0 * RHO_NU_PER_T4 * T_nu[alpha] ** 3
        m11 = 1.0 - tc[1] / c_g
        m12 = -tc[2] / c_g
        m21 = -tc[4] / c_a
        m22 = 1.0 - tc[5] / c_a
        r1 = rates[0] + tc[0] / c_g
        r2 = rates[1 + alpha] + tc[3] / c_a
        det = m11 * m22 - m12 * m21
        rates[0] = (r1 * m22 - m12 * r2) / det
        rates[1 + alpha] = (m11 * r2 - m21 * r1) / det
        q_sg = tc[0] + tc[1] * rates[0] + tc[2] * rates[1 + alpha]
        q_sn = tc[3] + tc[4] * rates[0] + tc[5] * rates[1 + alpha]
    out[0] = a * (rates[0] / hubble + T_g)
    for k in range(3):
        out[1 + k] = a * (rates[1 + k] / hubble + T_nu[k])
    out[4] = math.exp(-y[4]) / hubble  # d ln t / dx
    out[5] = a4 * flux / hubble
    out[6] = a4 * q_sg / hubble
    out[7] = a4 * q_sn / hubble


@njit(cache=True)
def _w_solve(lu: np.ndarray, piv: np.ndarray, jac: np.ndarray, hd: float, rhs: np.ndarray) -> np.ndarray:
    """Solve (I - hd J) k = rhs where only J's first m columns are nonzero (the temperatures; ``lu``
    the factorised m x m block I - hd J[:m, :m]): k[:m] from the block, then k[m:] = rhs[m:] + hd
    J[m:, :m] k[:m]."""
    m = lu.shape[0]
    k = rhs.copy()
    k[:m] = lu_solve(lu, piv, rhs[:m])
    for i in range(m, k.size):
        for j in range(m):
            k[i] += hd * jac[i, j] * k[j]
    return k


@njit(cache=True)
def _rosenbrock_step(
    x: float,
    y: np.ndarray,
    h: float,
    rho_n0: float,
    rho_n1: float,
    s_g: float,
    s_nu: np.ndarray,
    ctx,
    jac: np.ndarray,
    reuse: bool,
):
    """One step of Shampine & Reichelt's ode23s pair (SIAM J. Sci. Comput. 18 (1997) 1) over [x, x + h];
    returns y_new and the error estimate (relative for the temperatures and t). ``jac`` (n x n) is filled
    by finite differences unless ``reuse`` (a W-method: any Jacobian approximation keeps it consistent)."""
    n = y.size
    d = 1.0 / (2.0 + math.sqrt(2.0))
    e32 = 6.0 + math.sqrt(2.0)
    f0 = np.empty(n)
    f1 = np.empty(n)
    f2 = np.empty(n)
    fx = np.empty(n)
    yp = np.empty(n)
    _derivs(x, y, x, h, rho_n0, rho_n1, s_g, s_nu, ctx, f0)
    if not reuse:
        jac[:, :] = 0.0
    for col in range(4 if not reuse else 0):
        yp[:] = y
        delta = 1e-7 * y[col]
        yp[col] += delta
        _derivs(x, yp, x, h, rho_n0, rho_n1, s_g, s_nu, ctx, f1)
        for row in range(n):
            jac[row, col] = (f1[row] - f0[row]) / delta
    dxx = 1e-7 * h
    _derivs(x + dxx, y, x, h, rho_n0, rho_n1, s_g, s_nu, ctx, fx)
    tx = (fx - f0) / dxx
    hd = h * d
    lu = np.eye(4) - hd * jac[:4, :4]
    piv = np.empty(4, dtype=np.int64)
    lu_factor(lu, piv)
    k1 = _w_solve(lu, piv, jac, hd, f0 + hd * tx)
    _derivs(x + 0.5 * h, y + 0.5 * h * k1, x, h, rho_n0, rho_n1, s_g, s_nu, ctx, f1)
    k2 = _w_solve(lu, piv, jac, hd, f1 - k1) + k1
    y_new = y + h * k2
    _derivs(x + h, y_new, x, h, rho_n0, rho_n1, s_g, s_nu, ctx, f2)
    k3 = _w_solve(lu, piv, jac, hd, f2 - e32 * (k2 - f1) - 2.0 * (k1 - f0) + hd * tx)
    err = 0.0
    for k in range(4):
        err = max(err, abs(h / 6.0 * (k1[k] - 2.0 * k2[k] + k3[k])) / (abs(y_new[k]) + 1e-300))
    # ln t: its absolute error is the relative error of t, held to 100 x the temperatures' tolerance
    err = max(err, 0.01 * abs(h / 6.0 * (k1[4] - 2.0 * k2[4] + k3[4])))
    return y_new, err


@njit(cache=True)
def _decay_neutrinos(Nnt, conv, Nnt_new, inflow, lost_bins, q, x, h, dt, T_g, T_nu, np_, spectral, ntc, th, tp, out):
    """The decay neutrinos over a step at the mid-step temperatures (``_nonthermal.advance``)."""
    em = em_plasma(T_g, tp[0], th, tp[1], tp[2], tp[3])
    nt.advance(
        Nnt, conv, Nnt_new, inflow, lost_bins, q, x + 0.5 * h, dt, T_g, T_nu, em[0] + em[1], np_, spectral, ntc, out
    )


@njit(cache=True)
def integrate(
    y0: np.ndarray,
    F0: np.ndarray,
    T_end: float,
    rtol: float,
    h_max: float,
    max_frac: float,
    q: np.ndarray,
    w: np.ndarray,
    np_: np.ndarray,
    has_n: bool,
    gt: np.ndarray,
    ln_gamma: np.ndarray,
    rho_m: float,
    th: np.ndarray,
    tp: np.ndarray,
    mt: np.ndarray,
    rp: np.ndarray,
    max_steps: int,
    tight_coupling: bool,
    spectral: bool,
    ntc,
):
    """Split integrator from x = 0 until T_gamma = T_end (see ``solver``). y0 = [T_g, T_e, T_mu, T_tau, ln t]
    at x = 0 (a = 1). Returns the accepted steps: x, y = [a T_g, a T_e, a T_mu, a T_tau, ln t], F, the
    comoving accumulators [E_gamma, E_nu(3), E_N, E_onto_grid, E_grid_to_gamma, E_grid_to_thermal], the
    grid's moments per step (``_nonthermal.moments``), the count, the number of steps accepted at the
    minimum step size without reaching the tolerance, and the final grid state (N, conv).
    ``spectral``: the decay neutrinos on the grid of ``ntc`` (``_nonthermal``), else thermal at once."""
    nb = q.size
    xs = np.empty(max_steps)
    ys = np.empty((max_steps, 5))
    Fs = np.empty((max_steps, nb))
    acc = np.empty((max_steps, 8))
    mom = np.zeros((max_steps, 5))
    alpha = int(np_[4])
    qg = ntc[0]
    u2 = ntc[1]
    ct, cp, ntp = ntc[9], ntc[10], ntc[11]
    ng = qg.size
    Nnt = np.zeros((3, ng))
    Nnt_new = np.zeros((3, ng))
    conv = np.zeros(ng, dtype=np.bool_)
    inflow = np.zeros((3, ng))
    lost_bins = np.zeros(nb)
    ntout = np.zeros(7)
    e_grid = 0.0
    x = 0.0
    y = np.zeros(8)
    y[:5] = y0
    F = F0.copy()
    E = np.zeros(8)
    xs[0] = x
    ys[0] = y[:5]
    Fs[0] = F
    acc[0] = E
    count = 1
    h = 1e-3
    F_new = np.empty(nb)
    s_nu = np.zeros(3)
    corrector_fraction = 1e-5
    jac = np.zeros((8, 8))
    slaved = np.zeros(nb, dtype=np.bool_)  # tightly coupled bins: F follows its target (``n_coupling``)
    any_slaved = np.zeros(1, dtype=np.bool_)
    ctx = (has_n, q, w, np_, gt, ln_gamma, rho_m, th, tp, mt, rp, slaved, any_slaved)
    h_min = 1e-5 * h_max
    forced = 0
    no_mask = np.zeros(nb, dtype=np.bool_)
    slope = np.zeros(4)  # d ln T / dx of the last accepted step: predicts mid-step temperatures
    n_hubble = 2.0  # -d ln H / dx of the last accepted step (2 for radiation): gives the step's dt
    hubble_prev = 0.0
    h_prev = 1.0
    while count < max_steps:
        h = min(h, h_max)
        a_now = math.exp(x)
        T_g = y[0] / a_now
        T_nu = y[1:4] / a_now
        rho_sm = rho_standard(T_g, T_nu, th, tp) + rho_m * T_g**3
        rho_grid0 = e_grid / a_now**4
        rho_n0 = (rho_n_at(x, F, q, w, np_, slaved) + rho_grid0) if has_n else 0.0
        rho_all = (rho_n_at(x, F, q, w, np_, no_mask) + rho_grid0) if has_n else 0.0
        if has_n and spectral:
            # flavour transitions at the mid-step (the step's temperature extrapolated from the last)
            T_gmid = T_g * math.exp(0.5 * h * slope[0])
            em0 = em_plasma(T_gmid, tp[0], th, tp[1], tp[2], tp[3])
            nt.transitions(Nnt, conv, qg, u2, np_[0] / (a_now * math.exp(0.5 * h)), em0[0], ntp[7])
        hubble = math.sqrt(8.0 * math.pi * (rho_sm + rho_all) / 3.0) / M_PL
        lost_d = 0.0
        lost_s = 0.0
        rho_n1 = 0.0
        if has_n:
            # predictor: N sees the mid-step temperatures extrapolated from the last step
            T_gm = T_g * math.exp(0.5 * h * slope[0])
            T_am = T_nu[alpha] * math.exp(0.5 * h * slope[1 + alpha])
            dt = math.expm1(n_hubble * h) / (n_hubble * hubble)
            lost_d, lost_s = n_step(
                x, h, dt, T_gm, T_am, gamma_scattering(T_gm, gt, ln_gamma), F, q, w, np_, F_new, slaved, lost_bins
            )
            rho_n1 = rho_n_at(x + h, F_new, q, w, np_, slaved)
            # resolve the injection in time: N may give at most max_frac of the radiation energy per step
            if abs(lost_d) + abs(lost_s) > max_frac * rho_sm and h > 1e-8:
                h *= 0.5
                continue
            T_num = T_nu * np.exp(0.5 * h * slope[1:4])
            _decay_neutrinos(
                Nnt, conv, Nnt_new, inflow, lost_bins, q, x, h, dt, T_gm, T_num, np_, spectral, ntc, th, tp, ntout
            )
            rho_n1 += ntout[5] / math.exp(4.0 * (x + h))
        a4m = math.exp(4.0 * (x + 0.5 * h))
        s_g = np_[5] * lost_d * a4m / h
        for k in range(3):
            s_nu[k] = 0.0
        if has_n:
            s_g += ntout[0] / h
            for k in range(3):
                s_nu[k] = ntout[1 + k] / h
            s_nu[alpha] += lost_s * a4m / h
        y_new, err = _rosenbrock_step(x, y, h, rho_n0, rho_n1, s_g, s_nu, ctx, jac, False)
        if has_n and abs(lost_d) + abs(lost_s) > corrector_fraction * rho_sm:
            # corrector: redo N with the predictor's mid-step temperatures and step time
            a_mid = math.exp(x + 0.5 * h)
            T_gm = math.sqrt(y[0] * y_new[0]) / a_mid
            T_am = math.sqrt(y[1 + alpha] * y_new[1 + alpha]) / a_mid
            dt = math.exp(y_new[4]) - math.exp(y[4])
            lost_d, lost_s = n_step(
                x, h, dt, T_gm, T_am, gamma_scattering(T_gm, gt, ln_gamma), F, q, w, np_, F_new, slaved, lost_bins
            )
            rho_n1 = rho_n_at(x + h, F_new, q, w, np_, slaved)
            T_num = np.empty(3)
            for k in range(3):
                T_num[k] = math.sqrt(y[1 + k] * y_new[1 + k]) / a_mid
            _decay_neutrinos(
                Nnt, conv, Nnt_new, inflow, lost_bins, q, x, h, dt, T_gm, T_num, np_, spectral, ntc, th, tp, ntout
            )
            rho_n1 += ntout[5] / math.exp(4.0 * (x + h))
            s_g = (np_[5] * lost_d * a4m + ntout[0]) / h
            for k in range(3):
                s_nu[k] = ntout[1 + k] / h
            s_nu[alpha] += lost_s * a4m / h
            y_pred = y_new
            y_new, err = _rosenbrock_step(x, y, h, rho_n0, rho_n1, s_g, s_nu, ctx, jac, True)
            # the predictor-corrector difference bounds the error of splitting N from the temperatures
            # (first order in the coupling where the N rates are comparable to the step): held to rtol
            for k in range(4):
                err = max(err, abs(y_new[k] - y_pred[k]) / y_new[k])
        err /= rtol
        if err > 1.0 and h > h_min:
            h = max(h * max(0.2, 0.9 * err ** (-1.0 / 3.0)), h_min)
            continue
        if err > 1.0:
            forced += 1  # accepted at the smallest step without reaching the tolerance
        for k in range(4):
            slope[k] = (math.log(y_new[k]) - math.log(y[k])) / h - 1.0
        if hubble_prev > 0.0:
            n_hubble = min(max(math.log(hubble_prev / hubble) / h_prev, 1.0), 3.0)
        hubble_prev = hubble
        h_prev = h
        if has_n:
            F[:] = F_new
            d_cond = y_new[5] - y[5]
            d_sg = y_new[6] - y[6]
            d_sn = y_new[7] - y[7]
            E[0] += np_[5] * lost_d * a4m + ntout[0] + d_cond + d_sg
            for k in range(3):
                E[1 + k] += ntout[1 + k]
            E[alpha + 1] += lost_s * a4m - d_cond + d_sn
            E[4] += (lost_d + lost_s) * a4m + d_sg + d_sn
            E[5] += ntout[4]
            E[6] += ntout[0]
            E[7] += ntout[6]
            if spectral:
                Nnt[:, :] = Nnt_new
                e_grid = ntout[5]
        x += h
        y = y_new
        if has_n:
            # tightly coupled bins sit on their target; decide which are tightly coupled for the next step
            a_now = math.exp(x)
            T_g_end = y[0] / a_now
            T_a_end = y[1 + alpha] / a_now
            b_end = gamma_scattering(T_g_end, gt, ln_gamma)
            scale = np_[0] * np_[6] * math.exp(-x)
            any_slaved[0] = False
            for j in range(nb):
                p = q[j] * scale
                E_j = math.sqrt(p * p + np_[1] * np_[1])
                a_j = np_[2] * np_[1] / E_j
                lam = a_j + b_end
                if slaved[j]:
                    F[j] = (
                        a_j * np_[7] * _fermi_dirac(E_j / (0.5 * (T_g_end + T_a_end)))
                        + b_end * _fermi_dirac(E_j / T_a_end)
                    ) / lam
                # tight coupling when the rates exceed H by 1e4 (N then lags its target by < 1e-4)
                slaved[j] = tight_coupling and lam > 1e4 * hubble
                any_slaved[0] = any_slaved[0] or slaved[j]
        xs[count] = x
        ys[count] = y[:5]
        Fs[count] = F
        acc[count] = E
        if has_n and spectral:
            nt.moments(Nnt, conv, qg, u2, math.exp(x), np_[0], y[0] * math.exp(-x), ct, cp, ntp[4], mom[count])
        count += 1
        if y[0] * math.exp(-x) <= T_end:
            break
        h *= min(2.0, 0.9 * max(err, 1e-10) ** (-1.0 / 3.0))
    return xs, ys, Fs, acc, mom, count, forced, Nnt, conv


@njit(cache=True)
def observables(
    xs: np.ndarray,
    T_g: np.ndarray,
    T_nu: np.ndarray,
    F: np.ndarray,
    q: np.ndarray,
    w: np.ndarray,
    np_: np.ndarray,
    has_n: bool,
    gt: np.ndarray,
    ln_gamma: np.ndarray,
    rho_m0_over_tcmb3: float,
    th: np.ndarray,
    tp: np.ndarray,
):
    """N moments, H, injection rates and decay-photon rates per bin on the output nodes."""
    n = xs.size
    nb = q.size
    T_h, M, width, g_N, alpha = np_[0], np_[1], np_[2], np_[3], int(np_[4])
    n_n = np.zeros(n)
    rho_n = np.zeros(n)
    p_n = np.zeros(n)
    hub = np.empty(n)
    q_g = np.zeros(n)
    q_nu = np.zeros((3, n))
    photon = np.zeros((nb, n))
    energy = np.zeros((nb, n))
    for i in range(n):
        rho = rho_standard(T_g[i], T_nu[:, i], th, tp) + rho_m0_over_tcmb3 * T_g[i] ** 3
        if has_n:
            scale = T_h * np_[6] * math.exp(-xs[i])
            pref = g_N / (2.0 * math.pi**2) * scale**3
            T_a = T_nu[alpha, i]
            T_id = 0.5 * (T_g[i] + T_a)
            gamma_sc = gamma_scattering(T_g[i], gt, ln_gamma)
            q_decay = 0.0
            q_scat = 0.0
            for j in range(nb):
                f = max(F[j, i], 0.0)
                p = q[j] * scale
                E = math.sqrt(p * p + M * M)
                weight = pref * w[j] * q[j] ** 2
                n_n[i] += weight * f
                rho_n[i] += weight * E * f
                p_n[i] += weight * p * p / (3.0 * E) * f
                rate = width * M / E
                q_decay += weight * E * rate * (f - np_[7] * _fermi_dirac(E / T_id))
                q_scat += weight * E * gamma_sc * (f - _fermi_dirac(E / T_a))
                photon[j, i] = 2.0 * np_[5] * weight * rate * f  # 2f photons per decay
                energy[j, i] = E
            q_g[i] = np_[5] * q_decay
            q_nu[alpha, i] = (1.0 - np_[5]) * q_decay + q_scat
            rho += rho_n[i]
        hub[i] = math.sqrt(8.0 * math.pi * rho / 3.0) / M_PL
    return n_n, rho_n, p_n, hub, q_g, q_nu, photon, energy
