"""Diagnostic plots (matplotlib, no screen needed)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .background.solver import ThermalHistory


def plot_history(history: ThermalHistory, path: str) -> None:
    """T_gamma/T_nu per flavour, rho_N/rho_gamma and N_eff against time, saved to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = history.t_s
    fig, axes = plt.subplots(3, 1, figsize=(6.5, 8.0), sharex=True)
    for i, name in enumerate(("nu_e", "nu_mu", "nu_tau")):
        axes[0].plot(t, history.T_gamma_mev / history.T_nu_mev[i], label=name)
    axes[0].axhline((11 / 4) ** (1 / 3), color="0.6", lw=0.8, ls=":", label="(11/4)^(1/3)")
    axes[0].set_ylabel(r"$T_\gamma/T_\nu$")
    axes[0].legend(fontsize=8)
    rho_gamma = np.pi**2 / 15 * history.T_gamma_mev**4
    ratio = np.where(history.rho_N_mev4 > 1e-30 * rho_gamma, history.rho_N_mev4 / rho_gamma, np.nan)
    axes[1].loglog(t, ratio)
    axes[1].set_ylabel(r"$\rho_N/\rho_\gamma$")
    late = history.T_gamma_mev < 0.03  # N_eff is defined after e+e- annihilation
    axes[2].semilogx(t[late], history.neff[late])
    axes[2].set_ylabel(r"$N_{\rm eff}$ (after $e^\pm$ annihilation)")
    axes[2].set_xlabel("t [s]")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def corner_plot(
    samples: np.ndarray, labels: list[str], path: str, bins: int = 30, truths: list[float] | None = None
) -> None:
    """A triangle plot of ``samples`` (n, ndim): 1-D histograms on the diagonal, 2-D histograms with
    the 68 % and 95 % highest-density contours (of the histogram smoothed over one bin) below it;
    saved to ``path``."""
    import matplotlib
    from scipy.ndimage import gaussian_filter

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    samples = np.asarray(samples, dtype=float)
    samples = samples[np.all(np.isfinite(samples), axis=1)]
    n = samples.shape[1]
    if samples.shape[0] < 2:
        raise ValueError("corner_plot: fewer than two finite samples")
    size = 2.2 * n
    fig, axes = plt.subplots(n, n, figsize=(size, size), squeeze=False)
    ranges = []
    for k in range(n):
        lo, hi = np.percentile(samples[:, k], [0.5, 99.5])
        ranges.append((lo, hi) if hi > lo else (lo - 0.5, lo + 0.5))
    for i in range(n):
        for j in range(n):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                ax.hist(samples[:, i], bins=bins, range=ranges[i], histtype="step", color="k")
                ax.set_yticks([])
            else:
                h, xe, ye = np.histogram2d(samples[:, j], samples[:, i], bins=bins, range=[ranges[j], ranges[i]])
                smooth = gaussian_filter(h, 1.0)
                levels = _hpd_levels(smooth, (0.95, 0.68))
                ax.pcolormesh(xe, ye, h.T, cmap="Greys", shading="flat")
                if np.all(np.diff(levels) > 0):
                    centres = 0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1])
                    ax.contour(*centres, smooth.T, levels=levels, colors="C0")
                ax.set_ylim(ranges[i])
            ax.set_xlim(ranges[j])
            if truths is not None:
                ax.axvline(truths[j], color="C3", lw=0.8)
            if i == n - 1:
                ax.set_xlabel(labels[j])
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(labels[i])
            elif j > 0:
                ax.set_yticklabels([])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _hpd_levels(h: np.ndarray, fractions: tuple[float, ...]) -> list[float]:
    """Histogram heights enclosing each fraction of the counts (highest bins first)."""
    flat = np.sort(h.ravel())[::-1]
    cumulative = np.cumsum(flat) / max(flat.sum(), 1.0)
    return [float(flat[min(np.searchsorted(cumulative, f), flat.size - 1)]) for f in fractions]


def exclusion_plot(table: dict[str, np.ndarray], png_path) -> object:
    """The 95 % CL excluded regions of a bound table (its columns, as ``scan.read_table`` gives them) in
    the (M_N, mu_nu) plane, one panel per T_RH (log axes; filled: BBN and CMB alone; line: combined), in
    the style of the BGKO figure. Returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = table
    if t["mass_mev"].size == 0:
        raise ValueError("exclusion_plot: an empty table")
    masses, mus = np.unique(t["mass_mev"]), np.unique(t["mu_muB"])
    if masses.size < 2 or mus.size < 2:
        raise ValueError("exclusion_plot: the grid needs at least 2 x 2 points")
    trh = t["T_RH_mev"]
    values: list[float | None] = []
    for v in trh.tolist():  # in the table's order; NaN (no reheating limit) is one panel
        key = None if math.isnan(v) else v
        if key not in values:
            values.append(key)
    fig, axes = plt.subplots(1, len(values), figsize=(4.2 * len(values), 4.0), squeeze=False, sharey=True)
    for ax, value in zip(axes[0], values, strict=True):
        rows = np.isnan(trh) if value is None else trh == value
        grid = {}
        for key in ("excluded_bbn", "excluded_cmb", "excluded"):
            g = np.full((mus.size, masses.size), np.nan)
            im = np.searchsorted(masses, t["mass_mev"][rows])
            iu = np.searchsorted(mus, t["mu_muB"][rows])
            g[iu, im] = t[key][rows]
            grid[key] = g
        for key, color, label in (("excluded_bbn", "C1", "BBN"), ("excluded_cmb", "C0", "CMB")):
            if np.any(grid[key] == 1.0):
                ax.contourf(masses, mus, np.nan_to_num(grid[key]), levels=[0.5, 1.5], colors=[color], alpha=0.35)
                ax.plot([], [], color=color, lw=6, alpha=0.35, label=f"{label} (95 % CL)")
        if np.any(grid["excluded"] == 1.0):
            ax.contour(masses, mus, np.nan_to_num(grid["excluded"]), levels=[0.5], colors="k", linewidths=1.2)
            ax.plot([], [], color="k", lw=1.2, label="combined")
        failed = np.isnan(grid["excluded"])
        if np.any(failed):
            mm, uu = np.meshgrid(masses, mus)
            ax.plot(mm[failed], uu[failed], "x", color="C3", ms=3, label="failed")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$M_N$ [MeV]")
        ax.set_title("no reheating limit" if value is None else rf"$T_\mathrm{{RH}}$ = {value:g} MeV")
        ax.legend(loc="lower left", fontsize=8)
    axes[0][0].set_ylabel(r"$\mu_\nu$ [$\mu_B$]")
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    plt.close(fig)
    return png_path


def contour_plot(segments: list[dict[str, object]], png_path, bands: dict[str, list[dict[str, object]]] | None = None):
    """The 95 % CL contours of ``refine.read_contours`` in the (M_N, mu_nu) plane, one panel per T_RH:
    BBN (orange), CMB (blue), combined (black); ``bands``: more contour sets (e.g. the edges of the
    T_dec band) drawn thin and dashed with their names. Returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not segments:
        raise ValueError("contour_plot: no segments")
    values: list[float | None] = []
    for seg in segments:
        if seg["T_RH_mev"] not in values:
            values.append(seg["T_RH_mev"])  # type: ignore[arg-type]
    values.sort(key=lambda v: (v is not None, -(v or 0.0)))
    fig, axes = plt.subplots(1, len(values), figsize=(3.6 * len(values), 3.8), squeeze=False, sharey=True)
    styles = {"bbn": ("C1", "BBN"), "cmb": ("C0", "CMB"), "combined": ("k", "combined")}
    others = sorted({str(s["probe"]) for s in segments} - set(styles))
    styles.update({p: (f"C{2 + n}", p) for n, p in enumerate(others)})  # "column=level" lines
    dashes = ["--", ":", "-."]
    for ax, value in zip(axes[0], values, strict=True):
        for probe, (color, label) in styles.items():
            lines = [s["line"] for s in segments if s["T_RH_mev"] == value and s["probe"] == probe]
            for line in lines:
                ax.plot(line[:, 0], line[:, 1], color=color, lw=1.6 if probe == "combined" else 1.2)
            if lines:
                ax.plot([], [], color=color, lw=1.4, label=label)
        for n, (name, band) in enumerate((bands or {}).items()):
            lines = [s["line"] for s in band if s["T_RH_mev"] == value and s["probe"] == "combined"]
            for line in lines:
                ax.plot(line[:, 0], line[:, 1], color="0.35", lw=0.9, ls=dashes[n % len(dashes)])
            if lines:
                ax.plot([], [], color="0.35", lw=0.9, ls=dashes[n % len(dashes)], label=name)
        ax.set(xscale="log", yscale="log", xlabel=r"$M_N$ [MeV]")
        ax.set_title("no reheating limit" if value is None else rf"$T_\mathrm{{RH}}$ = {value:g} MeV", fontsize=10)
        ax.tick_params(direction="in", which="both", top=True, right=True)
        ax.legend(loc="lower left", fontsize=7, frameon=False)
    axes[0][0].set_ylabel(r"$\mu_\nu$ [$\mu_B$]")
    fig.tight_layout()
    fig.savefig(png_path, dpi=150)
    plt.close(fig)
    return png_path


def plot_point(result, summary: dict[str, object], path: str, bbn_data: tuple[str, ...] | None = None) -> str:
    """A point's story in one figure: T_gamma/T_nu and rho_N/rho_gamma against time, N_eff against time
    with Planck 2018's band, and each primordial abundance before and after photodisintegration as a
    pull (X - X_obs)/sigma_obs against the measurements (``likelihoods.data``); the verdict in the title.
    ``result``: the ``pipeline.Result`` at the verdict's omega_b; ``summary``: what ``assess`` returns."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .likelihoods.bbn import observed
    from .likelihoods.cmb import PLANCK2018_MEANS, CompressedPlanck
    from .likelihoods.data import DEFAULT_BBN_DATA, measurements

    h = result.history
    t = h.t_s
    fig, axes = plt.subplots(2, 2, figsize=(10.5, 7.5))
    ax = axes[0, 0]
    for i, name in enumerate((r"$\nu_e$", r"$\nu_\mu$", r"$\nu_\tau$")):
        ax.semilogx(t, h.T_gamma_mev / h.T_nu_mev[i], label=name)
    ax.axhline((11 / 4) ** (1 / 3), color="0.6", lw=0.8, ls=":", label=r"$(11/4)^{1/3}$")
    ax.set_ylabel(r"$T_\gamma/T_\nu$")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    rho_gamma = np.pi**2 / 15 * h.T_gamma_mev**4
    ratio = np.where(h.rho_N_mev4 > 1e-30 * rho_gamma, h.rho_N_mev4 / rho_gamma, np.nan)
    if np.any(np.isfinite(ratio)):
        ax.loglog(t, ratio, color="C3")
    ax.set_ylabel(r"$\rho_N/\rho_\gamma$")
    ax = axes[1, 0]
    late = h.T_gamma_mev < 0.03  # N_eff is defined after e+e- annihilation
    ax.semilogx(t[late], h.neff[late], color="C0", label="this point")
    sigma = float(CompressedPlanck.embedded().sigmas[1])
    mean = PLANCK2018_MEANS[1]
    ax.axhspan(mean - 2 * sigma, mean + 2 * sigma, color="C2", alpha=0.2, label=r"Planck 2018, 2$\sigma$")
    ax.axhline(3.044, color="0.5", lw=0.8, ls=":", label="SM 3.044")
    ax.set_ylabel(r"$N_{\rm eff}$")
    ax.set_xlabel("t [s]")
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    chosen = measurements(tuple(bbn_data or DEFAULT_BBN_DATA))
    labels = []
    for k, m in enumerate(chosen):
        before = float(observed(result.bbn, m.quantity))
        after = float(observed(result.final, m.quantity))
        pulls = [(x - m.value) / m.sigma for x in (before, after)]
        shown = [float(np.clip(p, -30, 30)) for p in pulls]
        ax.plot([shown[0]], [k], "o", mfc="none", ms=10, color="C0", label="BBN" if k == 0 else None)
        ax.plot([shown[1]], [k], "o", ms=5, color="C3", label="after photodisintegration" if k == 0 else None)
        labels.append(f"{m.name}\n{after:.3g} vs {m.value:.3g}" + (" (upper)" if m.kind == "upper" else ""))
    ax.axvspan(-2, 2, color="C2", alpha=0.2, label=r"observed $\pm 2\sigma$")
    ax.set_yticks(range(len(chosen)), labels, fontsize=8)
    ax.set_xlim(-31, 31)
    ax.set_xlabel(r"$(X - X_{\rm obs})/\sigma_{\rm obs}$ (clipped at $\pm 30$)")
    ax.legend(fontsize=8, loc="lower right")
    delta = summary.get("delta_chi2", {})
    verdict = "excluded" if summary.get("excluded") else "allowed"
    parts = ", ".join(f"{k} {v:.3g}" for k, v in delta.items() if v is not None)
    model = result.model
    name = (
        "Standard Model"
        if model is None
        else (
            f"$M_N$ = {model.mass_mev:g} MeV, $\\mu_\\nu$ = {model.mu_muB:g} $\\mu_B$, {model.nature}, "
            f"$\\nu_{{{model.flavour}}}$" + ("" if model.T_RH_mev is None else f", $T_{{RH}}$ = {model.T_RH_mev:g} MeV")
        )
    )
    fig.suptitle(f"{name}: {verdict} at 95 % CL ($\\Delta\\chi^2$: {parts})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
