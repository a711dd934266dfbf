"""The omega_b profile for scans: one BBN run per point, the omega_b dependence taken from the SM.

``Assessor`` (combined.py) profiles omega_b exactly, rerunning BBN and photodisintegration ~15 times per
probe (0.3 s a point). A bound table of 5 x 10^4 points cannot afford that. Here the model is run once,
at omega_b0 (the Cosmology's), and its abundances at any other baryon density follow the Standard
Model's dependence, tabulated once (SM_NODES BBN runs over SM_RANGE, cached on disk), shifted by the
model's effect at the anchor. BBN sees w = omega_b / eta_ratio (the SM omega_b with the same eta at
BBN), so the shift is taken at equal w:

    Y_P(w)  = Y_P^SM(w) + [Y_P(w0) - Y_P^SM(w0)]              (additive: Delta N_eff)
    X(w)    = X^SM(w) * X(w0) / X^SM(w0),   X = D/H, 3He/H, 7Li/H, YHe/Y_P
                                           (multiplicative: destruction, the rest of the eta history)

with the SM curves cubic splines in ln w (of ln X for the number ratios). N_eff at recombination and
the distortions do not depend on omega_b. As in ``combined.profile_range``, a profile that contains the
CMB's omega_b runs over omega_b in OMEGA_B_RANGE, BBN alone (or with FIRAS) over w in OMEGA_B_RANGE.
Each profile is minimised on a dense grid with a parabolic refinement; where a minimum lies more than
3 % (in w) from the anchor the model's BBN is rerun there and the probe profiled again around it.
The approximation holds where N's effect on BBN is a shift of the SM's dependence (an extra expansion
rate, a fractional destruction); it is checked against ``Assessor``'s exact profile in
tests/test_scan.py and docs/scans.md.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline

from .bbn import nucleosynthesis_sources
from .combined import DELTA_CHI2_95, OMEGA_B_RANGE, CombinedLikelihood, measures_omega_b

SM_RANGE: tuple[float, float] = (1e-3, 1.0)
"""The baryon densities BBN sees (w = omega_b / eta_ratio) of the SM table: eta_ratio down to 0.022 keeps
a CMB omega_b of 0.0224 inside; beyond it the SM curves are held at the end (flagged ``at_bound``)."""
SM_NODES = 181
"""SM BBN runs over SM_RANGE (log-spaced, 60 a decade)."""
FINE_NODES = 601
"""The grid each profile is minimised on (over OMEGA_B_RANGE, then refined by a parabola)."""
KEYS = ("Yp_bbn", "Yp", "D_H", "He3_H", "Li7_H")
CARRY_RANGE = math.log(2.0)
"""A re-anchoring within this of the run's ln w carries photodisintegration over as a ratio; farther (a
diluted history whose BBN profile lies far from the run's eta, where the run's D/H may have underflowed)
photodisintegration is rerun too."""
CARRY_EFFECT = 0.05
"""Photodisintegration is carried over as a ratio only where it changed no abundance by more than this
(relative; 1e-4 absolute for Y_P): a strong destruction depends on eta (the decay photons per nucleus
scale as 1/eta), so there it is rerun at the new anchor too."""
RATIO_KEYS = ("D_H", "He3_H", "Li7_H")


@dataclass(frozen=True)
class Shifted:
    """Abundances of a model at many omega_b (arrays), duck-typed like a BBN result."""

    Yp_bbn: np.ndarray
    Yp: np.ndarray
    D_H: np.ndarray
    He3_H: np.ndarray
    Li7_H: np.ndarray
    errors: dict = dataclasses.field(default_factory=dict)


def sm_curves(tau_n_s: float) -> dict[str, np.ndarray]:
    """The SM's abundances on SM_NODES omega_b values over SM_RANGE (cached on disk)."""
    from .. import cache
    from ..model import Cosmology, Precision
    from ..pipeline import run, with_cosmology

    def compute() -> dict[str, np.ndarray]:
        grid = np.geomspace(*SM_RANGE, SM_NODES)
        sm = run(None, Cosmology(tau_n_s=tau_n_s), Precision(bbn_errors="none"))
        out = {k: np.empty(SM_NODES) for k in KEYS}
        for i, omega_b in enumerate(grid):
            final = with_cosmology(sm, Cosmology(omega_b=float(omega_b), tau_n_s=tau_n_s)).final
            for k in KEYS:
                out[k][i] = getattr(final, k)
        return {"omega_b": grid, **out}

    sources = nucleosynthesis_sources(Path(__file__))
    key = cache.fingerprint(sources, ("v2", tau_n_s, SM_RANGE, SM_NODES))
    return cache.cached_arrays("bbn-sm-omega-b", key, compute, "the SM abundances against omega_b (a few seconds)")


@dataclass(frozen=True)
class FastProfiler:
    """Profiles of each probe over omega_b from one model run (see the module docstring)."""

    likelihood: CombinedLikelihood
    splines: dict[str, CubicSpline]
    """The SM's Y_P, YHe and ln(number ratios) against ln w."""
    reference: dict[str, float]
    """The SM's profiled chi^2 per probe and 'total'."""
    fine: np.ndarray = dataclasses.field(default_factory=lambda: np.geomspace(*OMEGA_B_RANGE, FINE_NODES))

    @classmethod
    def create(cls, likelihood: CombinedLikelihood, cosmology=None, sm=None) -> FastProfiler:
        """Tabulate the SM's omega_b dependence and profile the SM itself (the reference); ``cosmology``
        as the scan's points use (default: ``combined.default_cosmology(likelihood)``); ``sm``: the SM's
        ``pipeline.Result`` for it with ``bbn_errors='none'``, if already run."""
        from ..model import Precision
        from ..pipeline import run
        from .combined import default_cosmology

        if likelihood.plik is not None:
            raise ValueError("the fast profile covers 'bbn', 'cmb' and 'firas'; 'cmb_full' needs classy per point")
        cosmology = cosmology or default_cosmology(likelihood)
        curves = sm_curves(cosmology.tau_n_s)
        x = np.log(curves["omega_b"])
        splines = {k: CubicSpline(x, np.log(curves[k]) if k in RATIO_KEYS else curves[k]) for k in KEYS}
        draft = cls(likelihood, splines, {})
        reference = draft.assess(sm or run(None, cosmology, Precision(bbn_errors="none")))["chi2"]
        return dataclasses.replace(draft, reference=reference)

    def _sm(self, w: np.ndarray | float) -> dict[str, np.ndarray]:
        u = np.log(np.clip(w, *SM_RANGE))
        return {k: np.exp(s(u)) if k in RATIO_KEYS else s(u) for k, s in self.splines.items()}

    def _shifted(self, point: dict[str, float], w0: float, w: np.ndarray) -> Shifted:
        sm, sm0 = self._sm(w), self._sm(w0)
        out = {"Yp_bbn": sm["Yp_bbn"] + (point["Yp_bbn"] - sm0["Yp_bbn"])}
        # YHe/Y_P (the mass fraction over 4 n_He/n_b) as the point's; the SM's if its 4He is all destroyed
        mass_over_number = point["Yp"] / point["Yp_bbn"] if point["Yp_bbn"] > 0.0 else sm0["Yp"] / sm0["Yp_bbn"]
        out["Yp"] = out["Yp_bbn"] * mass_over_number
        for k in RATIO_KEYS:
            out[k] = sm[k] * (point[k] / sm0[k])
        return Shifted(**out)

    def _profile_kinds(self) -> dict[str, tuple[str, ...]]:
        """Each profile ('bbn', 'cmb', 'total') and the probes it sums."""
        probes = self.likelihood.probes()
        kinds = {p: (p,) for p in probes}
        kinds["total"] = probes
        return kinds

    def _profiles(
        self, point: dict[str, float], w0: float, ratio: float, neff_cmb: float, firas: float
    ) -> dict[str, tuple[float, float, bool]]:
        """(chi^2, omega_b, at_bound) of each profile, the model shifted from its value at w0."""
        like = self.likelihood
        out = {}
        for name, probes in self._profile_kinds().items():
            cmb_grid = measures_omega_b(like, probes)
            omega_b = self.fine if cmb_grid else self.fine * ratio
            w = omega_b / ratio
            shifted = self._shifted(point, w0, w)
            chi2 = np.zeros_like(omega_b)
            if like.bbn is not None and "bbn" in probes:
                for term in like.bbn.chi2_terms(shifted).values():
                    chi2 = chi2 + term
            if like.planck is not None and "cmb" in probes:
                chi2 = chi2 + like.planck.chi2(omega_b, neff_cmb, shifted.Yp_bbn)
            if like.firas is not None and "cmb" in probes:
                chi2 = chi2 + firas
            value, best, edge = _minimum(omega_b, chi2)
            outside = not (SM_RANGE[0] <= best / ratio <= SM_RANGE[1])
            out[name] = (value, best, edge or outside)
        return out

    def assess(self, result, anchor_tolerance: float = 0.03, max_anchors: int = 3) -> dict[str, object]:
        """Delta chi^2 per probe and total against the SM, the omega_b of each minimum, whether it sits on
        an end of its range, and the verdicts, for a ``pipeline.Result`` run at its Cosmology's omega_b
        (``bbn_errors='none'``).

        The shift is exact at the anchor (the baryon density BBN saw in the run) and degrades away from
        it; when a profile's minimum lies more than ``anchor_tolerance`` (relative, in w) from its
        anchor, BBN is rerun there and that profile is redone around the new anchor, up to
        ``max_anchors`` times; a profile whose minimum lies within the tolerance of another anchor
        takes that one (no rerun). Where photodisintegration changed the abundances by < 5 % (CARRY_EFFECT)
        and within a factor 2 of the run's w it is not rerun: its effect is carried over as the run's ratio
        of final to BBN abundances (additive for Y_P)."""
        from .. import bbn
        from ..pipeline import with_cosmology

        firas = result.distortions.chi2_firas if self.likelihood.firas is not None else 0.0
        neff = float(result.history.neff_cmb)
        ratio = float(result.history.eta_ratio)

        final0, bbn0 = result.final, result.bbn
        strong = abs(final0.Yp_bbn - bbn0.Yp_bbn) > 1e-4 or any(
            not (abs(getattr(final0, k) - getattr(bbn0, k)) <= CARRY_EFFECT * getattr(bbn0, k)) for k in RATIO_KEYS
        )
        precision = result.precision
        w0 = float(result.cosmology.omega_b) / ratio
        # every profile around each anchor (the first: the run's own); the profiles share the reruns
        anchors = {w0: self._profiles({k: float(getattr(final0, k)) for k in KEYS}, w0, ratio, neff, firas)}

        def near(w: float, anchor: float) -> bool:
            return abs(w / anchor - 1.0) <= anchor_tolerance

        profiles = {}
        for name in anchors[w0]:
            anchor = w0
            best = anchors[anchor][name]
            for _ in range(max_anchors):
                w_best = best[1] / ratio
                if near(w_best, anchor) or not math.isfinite(best[0]):
                    break
                anchor = min(anchors, key=lambda a, b=w_best: abs(math.log(b / a)))
                if not near(w_best, anchor):
                    anchor = w_best
                    cosmology = dataclasses.replace(result.cosmology, omega_b=anchor * ratio)
                    if strong or abs(math.log(anchor / w0)) > CARRY_RANGE:  # BBN and photodisintegration rerun
                        final = with_cosmology(result, cosmology).final
                        point = {k: float(getattr(final, k)) for k in KEYS}
                    else:  # BBN rerun, photodisintegration carried
                        rerun = bbn.solve(
                            result.history,
                            cosmology,
                            network=precision.bbn_network,
                            library=precision.bbn_library,
                            rtol=precision.bbn_rtol,
                            errors="none",
                        )
                        point = {k: _carry(getattr(rerun, k), getattr(final0, k), getattr(bbn0, k), k) for k in KEYS}
                    anchors[anchor] = self._profiles(point, anchor, ratio, neff, firas)
                best = anchors[anchor][name]
            profiles[name] = best
        delta = {k: v[0] - self.reference.get(k, v[0]) for k, v in profiles.items()}
        return {
            "chi2": {k: v[0] for k, v in profiles.items()},
            "delta_chi2": delta,
            "omega_b_best": {k: v[1] for k, v in profiles.items()},
            "at_bound": {k: v[2] for k, v in profiles.items()},
            "excluded": {k: bool(v > DELTA_CHI2_95) for k, v in delta.items()},
        }


def _carry(new_bbn: float, final: float, old_bbn: float, key: str) -> float:
    """The anchor's photodisintegration effect carried to a new BBN run: additive for Y_P, else a ratio."""
    if key in ("Yp_bbn", "Yp"):
        return float(new_bbn + (final - old_bbn))
    return float(new_bbn * (final / old_bbn)) if old_bbn > 0.0 else 0.0


def _minimum(x: np.ndarray, y: np.ndarray) -> tuple[float, float, bool]:
    """The minimum of y(x) on the grid, refined by the parabola through the three nearest nodes (in ln x),
    and whether it sits on an end of the grid. NaN counts as +inf."""
    y = np.where(np.isnan(y), np.inf, y)
    i = int(np.argmin(y))
    edge = i in (0, x.size - 1)
    if not np.isfinite(y[i]):
        return math.inf, float(x[i]), edge
    if 0 < i < x.size - 1 and np.all(np.isfinite(y[i - 1 : i + 2])):
        # the parabola a u^2 + b u + c0 through the three nodes, u = ln x - ln x_i
        u0, u2 = math.log(x[i - 1] / x[i]), math.log(x[i + 1] / x[i])
        y0, c0, y2 = float(y[i - 1]), float(y[i]), float(y[i + 1])
        s0, s2 = (y0 - c0) / u0, (y2 - c0) / u2
        a = (s2 - s0) / (u2 - u0)
        b = s0 - a * u0
        if a > 0:
            shift = -b / (2 * a)
            if abs(shift) <= u2:
                return float(c0 - b * b / (4 * a)), float(x[i] * math.exp(shift)), edge
    return float(y[i]), float(x[i]), edge
