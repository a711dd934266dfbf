"""The non-thermal decay neutrinos (``background.neutrinos``, ``background._nonthermal``): their rates
against published energy-transfer rates and textbook cross sections, the grid's conservation, their
n <-> p conversions against an analytic integral, and the limits where they must agree with the thermal
treatment."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate
from scipy.special import zeta

from ndpcosmo import constants as c
from ndpcosmo.background import _nonthermal as nt
from ndpcosmo.background import neutrinos as nu
from ndpcosmo.background import solve
from ndpcosmo.background.solver import _grid_context
from ndpcosmo.background.thermo import em_plasma
from ndpcosmo.bbn import solve as solve_bbn
from ndpcosmo.model import DipolePortal
from ndpcosmo.production import solve as solve_abundance

SIN2W = 1.0 - (c.M_W_MEV / c.M_Z_MEV) ** 2


def _abundance(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return solve_abundance(model)


def test_annihilation_rates_reproduce_escudero_in_the_maxwell_boltzmann_limit():
    # Escudero (arXiv:1812.05605, eq. 2.14, Maxwell-Boltzmann, massless e): nu_a nubar_a -> e+e- takes
    # 128 X_a G_F^2 T^9 / pi^5 of energy from the nu_a + nubar_a of temperature T, and nu_a nubar_a ->
    # nu_b nubar_b 32 G_F^2 T^9 / pi^5 per other flavour b. Our coefficients with Gamma = 2 K E (rho + P)
    # for MB projectiles and targets (rho = 3 T^4/pi^2 per state): the energy lost by nu and nubar is
    # 2 int d^3p/(2pi)^3 e^{-p/T} Gamma(p) p
    idx, coef = nu.process_table()
    rho_mb = 3.0 / math.pi**2
    moment = 24.0 / (2 * math.pi**2)  # int d^3p/(2 pi)^3 p^2 e^{-p}
    for a in range(3):
        x = (-0.5 + SIN2W if a else 0.5 + SIN2W) ** 2 + SIN2W**2
        ann = [k for (aa, kind, *_), k in zip(idx, coef, strict=True) if aa == a and kind == 1]
        assert len(ann) == 1
        rate = 2 * 2 * ann[0] / math.pi * (4 / 3) * rho_mb * moment
        assert rate == pytest.approx(128 * x / math.pi**5, rel=1e-12)
        to_nu = [
            k
            for (aa, kind, tgt, _s, r1, r2), k in zip(idx, coef, strict=True)
            if aa == a and r1 >= 0 and r1 != a and r1 == r2
        ]
        assert len(to_nu) == 2
        for k in to_nu:
            assert 2 * 2 * k / math.pi * (4 / 3) * rho_mb * moment == pytest.approx(32 / math.pi**5, rel=1e-12)


def test_annihilation_threshold_integral():
    # J(w) -> 2 (4/3)(7 pi^2/240) for massless electrons, ~ e^{-2/w} far below threshold (only targets
    # with x u > 2/w = 40 annihilate at w = 0.05), and at w = 0.5 and 5
    # against a direct two-dimensional integration (scipy) of the module doc's formula
    assert nu.annihilation_J(np.array([1e5]))[0] == pytest.approx(2 * 4 / 3 * 7 * math.pi**2 / 240, rel=2e-4)
    assert 0.0 < nu.annihilation_J(np.array([0.05]))[0] < 1e-6
    for w in (0.5, 5.0):

        def inner(x, w=w):
            u0 = min(2.0 / (w * x), 2.0)
            val, _ = integrate.quad(lambda u: 2 * u * u * math.sqrt(max(1 - 4 / (2 * w * x * u), 0.0)), u0, 2.0)
            return x**3 / (math.exp(x) + 1) * val

        ref = integrate.quad(inner, 0.0, 60.0, limit=200)[0] / (4 * math.pi**2)
        assert nu.annihilation_J(np.array([w]))[0] == pytest.approx(ref, rel=3e-3)
        # the partner's mean energy: the same integral with one more power of x, over J
        ref_e = integrate.quad(lambda x: x * inner(x), 0.0, 60.0, limit=200)[0] / (4 * math.pi**2) / ref
        assert nu.annihilation_target_energy(np.array([w]))[0] == pytest.approx(ref_e, rel=3e-3)


def test_annihilation_partner_energy_massless_limit():
    # sigma ~ s weighs each Fermi-Dirac partner by its energy: <E_t>/T = 4 eta(5)/eta(4) (Riemann zeta)
    eta = lambda s: (1 - 2 ** (1 - s)) * zeta(s)  # noqa: E731
    assert nu.annihilation_target_energy(np.array([1e5]))[0] == pytest.approx(4 * eta(5) / eta(4), rel=2e-4)
    assert nt.TARGET_ENERGY_PER_T == pytest.approx(4 * eta(5) / eta(4), rel=1e-12)
    # and sigma ~ s on a massless target hands it <y>(E - E_t) on average (<k> = <y>(p - p_t)), so a
    # thermal projectile population exchanges no energy with its own temperature: int x^3 f (x - <x_t>) = 0
    x, w = np.polynomial.laguerre.laggauss(80)
    f = w * np.exp(x) / (np.exp(x) + 1)
    assert np.sum(f * x**3 * (x - nt.TARGET_ENERGY_PER_T)) == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize("shape", [nu.SHAPE_E, nu.SHAPE_FLAT, nu.SHAPE_SQ])
def test_deposit_kernels_conserve_number_and_energy(shape):
    # a collision's products: all of them somewhere (on the grid or below it), with the mean energy
    # fractions of the y-distribution: remnant 9/16, 1/2, 3/4 and second product the rest
    n = 40
    D, B, EB = nu.deposit_kernels(n)
    q = nu.grid_nodes(n)
    remnant = {nu.SHAPE_E: 0.5625, nu.SHAPE_FLAT: 0.5, nu.SHAPE_SQ: 0.75}[shape]
    for k in (0, 5, 39):
        for role, mean in ((0, remnant), (1, 1 - remnant)):
            assert D[shape, role, k, : k + 1].sum() + B[shape, role, k] == pytest.approx(1.0, abs=1e-13)
            energy = (D[shape, role, k, : k + 1] * q[: k + 1]).sum() / q[k] + EB[shape, role, k]
            assert energy == pytest.approx(mean, abs=1e-13)
            assert np.all(D[shape, role, k, k + 1 :] == 0.0)


@pytest.mark.parametrize("E_over_T", [2.0, 6.0, 60.0])
def test_a_collision_step_conserves_energy_with_the_targets(E_over_T):
    # nu_e and nu_mu at one node, a step long enough for several collisions: the grid's energy before
    # = after + to the plasma + to the thermal neutrinos (which pay the annihilated and struck targets'
    # energy and receive their mean share: negative entries possible), to 1e-12, also at E ~ 2 T where
    # the targets are harder than the projectile
    ctx = _grid_context(1e4)
    q = ctx[0]
    k = 20
    T = 2.0
    scale = E_over_T * T / q[k]
    em = em_plasma(np.array(T))
    N = np.zeros((3, q.size))
    N[0, k], N[1, k] = 1.0, 0.5
    new = np.zeros_like(N)
    out = np.zeros(4)
    gf2 = c.G_F_MEV2**2 / math.pi
    dt = 3.0 / (gf2 * E_over_T * T * T**4)
    nt.step(
        N, np.zeros(q.size, dtype=bool), np.zeros((3, q.size)), dt, scale, T, np.full(3, 0.9 * T),
        float(em["rho_e"] + em["p_e"]), True, q, *ctx[1:9], gf2, c.M_E_MEV, new, out,
    )  # fmt: skip
    before = (N * q).sum()
    after = (new * q).sum()
    assert after < 0.9 * before  # collisions happened
    assert before == pytest.approx(after + out.sum(), rel=1e-12, abs=0.0)


def test_energy_a_neutrino_hands_to_the_plasma_per_collision_time():
    # a nu_mu (and nubar_mu) population at one node, E = 100 MeV, T = 3 MeV, over a short dt: the energy
    # the photon plasma receives is N E dt [sum over e-, e+ of Gamma <y> + Gamma(nu nubar -> e+e-)],
    # from the textbook cross sections (massless e, e.g. Giunti & Kim ch. 5): nu e- : G_F^2 s/pi (gL^2 +
    # gR^2/3), <y> = (gL^2/2 + gR^2/12)/(gL^2 + gR^2/3); nu e+ : gL <-> gR; nu nubar -> e+e- (massless):
    # (2/3) G_F^2 s/pi (gL^2 + gR^2), all the energy; Gamma = 2 K E (rho + P)_target
    gL, gR = -0.5 + SIN2W, SIN2W
    T = 3.0
    E = 100.0
    em = em_plasma(np.array(T))
    rho_p_e = float(em["rho_e"] + em["p_e"])  # e- and e+ together
    gf2 = c.G_F_MEV2**2 / math.pi
    g_em = 2 * gf2 * (gL**2 + gR**2 / 3) * E * rho_p_e / 2
    y_em = (gL**2 / 2 + gR**2 / 12) / (gL**2 + gR**2 / 3)
    g_ep = 2 * gf2 * (gL**2 / 3 + gR**2) * E * rho_p_e / 2
    y_ep = (gR**2 / 2 + gL**2 / 12) / (gR**2 + gL**2 / 3)
    rho1 = 7 * math.pi**2 / 240 * T**4
    g_ann = 2 * gf2 * (2 / 3) * (gL**2 + gR**2) * E * (4 / 3) * rho1
    # the struck target's energy, weighted by the rate (sigma ~ s): <E_t> = 4 eta(5)/eta(4) T; a scattering
    # hands the target <y>(E - E_t) (massless 2 -> 2: <k> = <y>(p - p_t)), an annihilation takes E + E_t
    eta = lambda s: (1 - 2 ** (1 - s)) * zeta(s)  # noqa: E731
    e_t = 4 * eta(5) / eta(4) * T
    expected = ((g_em * y_em + g_ep * y_ep) * (E - e_t) + g_ann * (E + e_t)) / E  # per unit N E
    ctx = _grid_context(1e4)
    q = ctx[0]
    k = 30
    scale = E / q[k]
    N = np.zeros((3, q.size))
    N[1, k] = 1.0
    out = np.zeros(4)
    dt = 1e-6 / expected
    nt.step(
        N,
        np.zeros(q.size, dtype=bool),
        np.zeros((3, q.size)),
        dt,
        scale,
        T,
        np.full(3, T),
        rho_p_e,
        True,
        q,
        *ctx[1:9],
        gf2,
        c.M_E_MEV,
        np.zeros((3, q.size)),
        out,
    )
    # J(w = 1150) is 1e-3 below massless; abs=0: the rates are ~1e-19 MeV
    assert out[0] * scale / (E * dt) == pytest.approx(expected, rel=3e-3, abs=0.0)


def test_capture_of_decay_neutrinos_against_the_analytic_integral():
    # N -> nu_e gamma at rest (20 MeV, tau = 400 s, after the flavour transition: a nu_e is nu_e with
    # probability P_ee = sum_i |U_ei|^4), collisions negligible (< 1e-3 H at T < 60 keV): at each time
    # lambda tau_n = P_ee / 2 int dt' Gamma n_N(t') (a'/a)^3 sigma tau_n(E = M/2 a'/a) (1 - f_e), with the
    # module's cross sections; against the kernel's grid (12 nodes a decade, linear sharing: sigma ~ E^2
    # is overestimated by up to 1 % between nodes)
    model = DipolePortal(20.0, 1e-11 * math.sqrt(3768.4298 / 400.0 / 8000.0), flavour="e")
    assert model.tau_s == pytest.approx(400.0, rel=1e-3)
    h = solve(model, _abundance(model))
    ct, le0, dle = nu.capture_table()
    lnE = le0 + dle * np.arange(ct.shape[1])
    p_ee = float(np.sum(nu.pmns_squared()[0] ** 2))
    t, a, T = h.t_s, h.a, h.T_gamma_mev
    decays = model.width_mev / c.HBAR_MEV_S * h.n_N_mev3 * a**3  # comoving decays per second
    for i in np.searchsorted(t, [400.0, 1200.0, 3000.0]):
        E = 0.5 * model.mass_mev * a[: i + 1] / a[i]
        xe, xp = (E + c.Q_NP_MEV) / T[i], (E - c.Q_NP_MEV) / T[i]
        sig_np = np.interp(np.log(E), lnE, ct[0]) * (1 - 1 / (np.exp(np.minimum(xe, 700)) + 1))
        sig_pn = np.interp(np.log(E), lnE, ct[1]) * (1 - 1 / (np.exp(np.minimum(xp, 700)) + 1))
        for row, sig in ((0, sig_np), (1, sig_pn)):
            ref = p_ee / 2 * integrate.trapezoid(decays[: i + 1] * sig, t[: i + 1]) / a[i] ** 3
            assert h.capture_tau[row, i] == pytest.approx(ref, rel=0.02, abs=0.0)


def test_without_decays_before_recombination_nothing_changes():
    # a 1 MeV N decaying long after recombination (tau = 4e9 s): nothing on the grid, the spectral and
    # thermal treatments identical to 1e-6
    model = DipolePortal(1.0, 1e-14)
    ab = _abundance(model)
    a = solve(model, ab, neutrino_injection="spectral")
    b = solve(model, ab, neutrino_injection="thermal")
    for key in ("neff_bbn", "neff_cmb", "eta_ratio"):
        assert getattr(a, key) == pytest.approx(getattr(b, key), rel=1e-6), key
    assert a.energy_budget()["nu_nonthermal"] < 1e-6


def test_neutrinos_near_the_temperature_where_they_thermalise():
    # 20 MeV N gone by T ~ 3 MeV (tau = 5e-5 s): its 10 MeV neutrinos meet a coupled plasma and
    # thermalise; the spectral and thermal treatments differ only by where the collisions put the
    # energy while the neutrinos decouple (Delta N_eff 1.7e-3, Y_P 7e-5 here)
    model = DipolePortal(20.0, 1e-9)
    ab = _abundance(model)
    a = solve(model, ab, neutrino_injection="spectral")
    b = solve(model, ab, neutrino_injection="thermal")
    assert a.neff_cmb == pytest.approx(b.neff_cmb, abs=6e-3)
    assert solve_bbn(a, errors="none").Yp == pytest.approx(solve_bbn(b, errors="none").Yp, abs=2e-4)
    assert a.energy_budget()["nu_nonthermal"] < 3e-3


def test_energy_budget_closes_and_nonthermal_nu_e_raise_helium():
    # 20 MeV N -> nu_e gamma at tau = 5 s: the injected energy ends in photons, thermal and non-thermal
    # neutrinos with nothing lost (1e-10); the energetic nubar_e p -> n e+ raise Y_P well above the
    # thermal treatment's (Dolgov et al. 2000: non-thermal nu_e drive n/p up)
    model = DipolePortal(20.0, 3e-12, flavour="e")
    ab = _abundance(model)
    a = solve(model, ab)
    b = solve(model, ab, neutrino_injection="thermal")
    budget = a.energy_budget()
    assert abs(budget["imbalance"]) < 1e-10
    assert budget["nu_nonthermal"] > 0.3 and budget["gamma"] > 0.5
    assert solve_bbn(a, errors="none").Yp - solve_bbn(b, errors="none").Yp > 0.01


def test_spectral_history_converges():
    # halving the tolerances moves N_eff and eta by < 1.5e-4 (relative) on Step 1's grid with the spectral
    # decay neutrinos too: largest 1.01e-4, eta at 68 keV, 1e-8 mu_B (a Dirac N coupled through BBN, its
    # flipped helicity pair at 0.8 %; 6.9e-5 with one pair), converging at first order there (halving once
    # more moves it 6.7e-5); and Y_P by < 2e-4 at the 1 GeV, 1e-14 mu_B point (N_eff 1.75), where the decays
    # feed neutrinos right through the flavour transition (a step per grid node)
    worst = 0.0
    for M in (0.0681, 1.0, 30.0, 1000.0):
        for mu in (1e-14, 1e-12, 1e-10, 1e-8):
            model = DipolePortal(M, mu)
            ab = _abundance(model)
            a = solve(model, ab)
            b = solve(model, ab, rtol=5e-8, h_max=0.025, max_injection_fraction=0.0025)
            for key in ("neff_bbn", "neff_cmb", "eta_ratio"):
                worst = max(worst, abs(getattr(a, key) / getattr(b, key) - 1))
            if M == 1000.0 and mu == 1e-14:
                yp = solve_bbn(a, errors="none").Yp - solve_bbn(b, errors="none").Yp
                assert abs(yp) < 2e-4
    assert worst < 1.5e-4


def test_cli_reports_where_the_injected_energy_ended(capsys):
    # `history --json`: the treatment and the fractions of N's energy in photons, thermal and non-thermal
    # neutrinos (summing to 1); --neutrino-injection thermal leaves nothing non-thermal
    import json

    from ndpcosmo.cli import main

    args = ["history", "--mass", "20", "--mu", "3e-12", "--flavour", "e", "--json"]
    out = {}
    for injection in ("spectral", "thermal"):
        assert main([*args, "--neutrino-injection", injection]) == 0
        out[injection] = json.loads(capsys.readouterr().out)
        assert out[injection]["neutrino_injection"] == injection
        f = out[injection]["injected_energy_fractions"]
        assert f["gamma"] + f["nu_thermal"] + f["nu_nonthermal"] == pytest.approx(1.0, abs=1e-10)
    assert out["spectral"]["injected_energy_fractions"]["nu_nonthermal"] > 0.3
    assert out["thermal"]["injected_energy_fractions"]["nu_nonthermal"] == 0.0


def test_energy_a_neutrino_pulse_hands_to_the_plasma_against_the_rate_integral():
    # a pulse of nu_mu (and nubar_mu) of 20 MeV put on the grid at T = 0.5 MeV, followed by the kernels
    # step by step along the Standard Model's history (redshifting on the comoving grid, flavour states):
    # the comoving energy it hands the plasma, to first order in its optical depth (< 0.03 here),
    #     int_t0^inf dt a(t) E(t) [(Gamma_e- <y>_e- + Gamma_e+ <y>_e+)(1 - E_t/E) + Gamma_ann (1 + E_t'/E)],
    # E(t) = E0 a0/a(t), with the textbook cross sections of the test above and the threshold J
    gL, gR = -0.5 + SIN2W, SIN2W
    sm = solve(None)
    t, a, Tg, Tnu = sm.t_s, sm.a, sm.T_gamma_mev, sm.T_nu_mev[1]
    i0 = int(np.searchsorted(-Tg, -0.5))
    ctx = _grid_context(1e4)
    q, T_h = ctx[0], 10.0
    k = int(np.argmin(np.abs(q * T_h / a[i0] - 20.0)))
    E0 = q[k] * T_h / a[i0]
    assert 15.0 < E0 < 40.0
    gf2 = c.G_F_MEV2**2 / math.pi
    N = np.zeros((3, q.size))
    N[1, k] = 1.0
    new = np.zeros_like(N)
    to_plasma = 0.0
    for i in range(i0, t.size - 1):
        T_mid = math.sqrt(Tg[i] * Tg[i + 1])
        em = em_plasma(np.array(T_mid))
        out = np.zeros(4)
        nt.step(
            N,
            np.zeros(q.size, dtype=bool),
            np.zeros((3, q.size)),
            (t[i + 1] - t[i]) / c.HBAR_MEV_S,
            T_h / math.sqrt(a[i] * a[i + 1]),
            T_mid,
            np.full(3, math.sqrt(Tnu[i] * Tnu[i + 1])),
            float(em["rho_e"] + em["p_e"]),
            True,
            q,
            *ctx[1:9],
            gf2,
            c.M_E_MEV,
            new,
            out,
        )
        N[:, :] = new
        to_plasma += out[0] * T_h
    em = em_plasma(Tg[i0:])
    rho_p_e = em["rho_e"] + em["p_e"]
    E = E0 * a[i0] / a[i0:]
    k_em, y_em = gL**2 + gR**2 / 3, (gL**2 / 2 + gR**2 / 12) / (gL**2 + gR**2 / 3)
    k_ep, y_ep = gL**2 / 3 + gR**2, (gR**2 / 2 + gL**2 / 12) / (gR**2 + gL**2 / 3)
    # per unit of E: a scattering hands <y>(E - E_t) (E_t = 4 eta(5)/eta(4) T, the tests above), an
    # annihilation E + <E_t>(w) (its partner's mean energy, checked against quadrature above)
    eta = lambda s: (1 - 2 ** (1 - s)) * zeta(s)  # noqa: E731
    e_t = 4 * eta(5) / eta(4) * Tg[i0:]
    heat = 2 * gf2 * E * rho_p_e / 2 * (k_em * y_em + k_ep * y_ep) * (E - e_t) / E
    w = E * Tnu[i0:] / c.M_E_MEV**2
    e_ann = nu.annihilation_target_energy(w) * Tnu[i0:]
    heat = heat + gf2 * (2 / 3) * (gL**2 + gR**2) * E * Tnu[i0:] ** 4 * nu.annihilation_J(w) * (E + e_ann) / E
    heat = heat / c.HBAR_MEV_S  # energy fraction per second
    depth = integrate.trapezoid(heat, t[i0:])
    assert 1e-3 < depth < 0.03
    ref = integrate.trapezoid(a[i0:] * E * heat, t[i0:])
    assert to_plasma == pytest.approx(ref, rel=depth + 0.01, abs=0.0)  # second order: ~ the optical depth
