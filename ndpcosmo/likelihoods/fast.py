"""The omega_b profile for scans: one BBN run per point, the omega_b dependence taken from the SM.

``Assessor`` (combined.py) profiles omega_b exactly, rerunning BBN and photodisintegration ~15 times per
probe (0.3 s a point). A bound table of 5 x 10^4 points cannot afford that. Here the model is run once,
at omega_b0 (the Cosmology's), and its abundances at any other omega_b follow the Standard Model's
dependence, tabulated once (41 BBN runs over [0.010, 0.040], cached on disk), shifted by the model's
effect at omega_b0:

    Y_P(omega_b)  = Y_P^SM(omega_b) + [Y_P(omega_b0) - Y_P^SM(omega_b0)]          (additive: Delta N_eff)
    X(omega_b)    = X^SM(omega_b) * X(omega_b0) / X^SM(omega_b0),   X = D/H, 3He/H, 7Li/H, YHe/Y_P
                                                                   (multiplicative: eta shift, destruction)

with the SM curves cubic splines in ln omega_b. N_eff at recombination and the distortions do not depend
on omega_b. Each probe's chi^2 is then minimised over a dense omega_b grid with a parabolic refinement;
where a minimum lies more than 3 % from the anchor the model's BBN is rerun there and the probe
profiled again around it (BBN alone can pull omega_b far from the CMB's value).
The approximation holds where N's effect on BBN is a shift of the SM's omega_b dependence (an extra
expansion rate, an eta ratio, a fractional destruction); it is checked against ``Assessor``'s exact
profile in tests/test_scan.py and docs/scans.md.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline

from .bbn import nucleosynthesis_sources
from .combined import DELTA_CHI2_95, OMEGA_B_RANGE, CombinedLikelihood

SM_NODES = 41
"""SM BBN runs over OMEGA_B_RANGE (log-spaced)."""
FINE_NODES = 601
"""The omega_b grid each profile is minimised on (then refined by a parabola)."""
KEYS = ("Yp_bbn", "Yp", "D_H", "He3_H", "Li7_H")


@dataclass(frozen=True)
class Shifted:
    """Abundances of a model at many omega_b (arrays over ``omega_b``), duck-typed like a BBN result."""

    Yp_bbn: np.ndarray
    Yp: np.ndarray
    D_H: np.ndarray
    He3_H: np.ndarray
    Li7_H: np.ndarray
    errors: dict = dataclasses.field(default_factory=dict)


def sm_curves(tau_n_s: float) -> dict[str, np.ndarray]:
    """The SM's abundances on SM_NODES omega_b values (cached on disk)."""
    from .. import cache
    from ..model import Cosmology, Precision
    from ..pipeline import run, with_cosmology

    def compute() -> dict[str, np.ndarray]:
        grid = np.geomspace(*OMEGA_B_RANGE, SM_NODES)
        sm = run(None, Cosmology(tau_n_s=tau_n_s), Precision(bbn_errors="none"))
        out = {k: np.empty(SM_NODES) for k in KEYS}
        for i, omega_b in enumerate(grid):
            final = with_cosmology(sm, Cosmology(omega_b=float(omega_b), tau_n_s=tau_n_s)).final
            for k in KEYS:
                out[k][i] = getattr(final, k)
        return {"omega_b": grid, **out}

    sources = nucleosynthesis_sources(Path(__file__))
    return cache.cached_arrays("bbn-sm-omega-b", cache.fingerprint(sources, ("v1", tau_n_s, SM_NODES)), compute)


@dataclass(frozen=True)
class FastProfiler:
    """Profiles of each probe over omega_b from one model run (see the module docstring)."""

    likelihood: CombinedLikelihood
    omega_b: np.ndarray
    sm: dict[str, np.ndarray]
    """SM abundances on ``omega_b`` (the fine grid)."""
    reference: dict[str, float]
    """The SM's profiled chi^2 per probe and 'total'."""

    @classmethod
    def create(cls, likelihood: CombinedLikelihood, cosmology=None) -> FastProfiler:
        """Tabulate the SM's omega_b dependence and profile the SM itself (the reference); ``cosmology``
        as the scan's points use (default: ``combined.default_cosmology()``)."""
        from ..model import Precision
        from ..pipeline import run
        from .combined import default_cosmology

        if likelihood.plik is not None:
            raise ValueError("the fast profile covers 'bbn', 'cmb' and 'firas'; 'cmb_full' needs classy per point")
        cosmology = cosmology or default_cosmology()
        curves = sm_curves(cosmology.tau_n_s)
        fine = np.geomspace(*OMEGA_B_RANGE, FINE_NODES)
        x = np.log(curves["omega_b"])
        sm = {k: CubicSpline(x, curves[k])(np.log(fine)) for k in KEYS}
        draft = cls(likelihood, fine, sm, {})
        reference = draft.assess(run(None, cosmology, Precision(bbn_errors="none")))["chi2"]
        return dataclasses.replace(draft, reference=reference)

    def _shifted(self, point: dict[str, float], omega_b0: float) -> Shifted:
        i = np.searchsorted(self.omega_b, omega_b0)
        i = min(max(i, 1), self.omega_b.size - 1)
        w = (math.log(omega_b0) - math.log(self.omega_b[i - 1])) / (
            math.log(self.omega_b[i]) - math.log(self.omega_b[i - 1])
        )
        sm0 = {k: (1 - w) * v[i - 1] + w * v[i] for k, v in self.sm.items()}
        out = {"Yp_bbn": self.sm["Yp_bbn"] + (point["Yp_bbn"] - sm0["Yp_bbn"])}
        out["Yp"] = out["Yp_bbn"] * (point["Yp"] / point["Yp_bbn"])
        for k in ("D_H", "He3_H", "Li7_H"):
            out[k] = self.sm[k] * (point[k] / sm0[k])
        return Shifted(**out)

    def _profiles(
        self, point: dict[str, float], omega_b0: float, neff_cmb: float, firas: float
    ) -> dict[str, tuple[float, float]]:
        like = self.likelihood
        shifted = self._shifted(point, omega_b0)
        per_probe: dict[str, np.ndarray] = {p: np.zeros_like(self.omega_b) for p in like.probes()}
        if like.bbn is not None:
            for chi2 in like.bbn.chi2_terms(shifted).values():
                per_probe["bbn"] = per_probe["bbn"] + chi2
        if like.planck is not None:
            theory = np.stack([self.omega_b, np.full_like(self.omega_b, neff_cmb), shifted.Yp_bbn])
            d = theory - like.planck.means[:, None]
            per_probe["cmb"] = per_probe["cmb"] + np.einsum("in,ij,jn->n", d, np.linalg.inv(like.planck.covariance), d)
        if like.firas is not None:
            per_probe["cmb"] = per_probe["cmb"] + firas
        out = {p: _minimum(self.omega_b, chi2) for p, chi2 in per_probe.items()}
        out["total"] = (
            _minimum(self.omega_b, sum(per_probe.values())) if len(per_probe) > 1 else next(iter(out.values()))
        )
        return out

    def assess(self, result, anchor_tolerance: float = 0.03, max_anchors: int = 3) -> dict[str, object]:
        """Delta chi^2 per probe and total against the SM, the omega_b of each minimum and the verdicts,
        for a ``pipeline.Result`` run at its Cosmology's omega_b (``bbn_errors='none'``).

        The shift is exact at the anchor (the omega_b the model was run at) and degrades away from it;
        when a probe's minimum lies more than ``anchor_tolerance`` (relative) from its anchor, BBN is rerun
        there and that probe is profiled again around the new anchor, up to ``max_anchors`` times (BBN
        alone can pull omega_b far off); a probe whose minimum lies within the tolerance of another
        probe's anchor takes that one (no rerun). Photodisintegration is not rerun: its effect is
        carried over as the anchor's ratio of final to BBN abundances (additive for Y_P)."""
        from .. import bbn
        from .. import constants as c
        from ..distortions import from_history

        firas = 0.0
        if self.likelihood.firas is not None:
            firas = from_history(result.history, result.cosmology.T_cmb_K * c.K_B_MEV_PER_K).chi2_firas
        neff = float(result.history.neff_cmb)

        final0, bbn0 = result.final, result.bbn
        omega_b0, precision = float(result.cosmology.omega_b), result.precision
        # every probe's profile around each anchor (the first: omega_b0); the probes share the reruns
        anchors = {omega_b0: self._profiles({k: float(getattr(final0, k)) for k in KEYS}, omega_b0, neff, firas)}

        def near(omega_b: float, anchor: float) -> bool:
            return abs(omega_b / anchor - 1.0) <= anchor_tolerance

        profiles = {}
        for probe in anchors[omega_b0]:
            anchor = omega_b0
            best = anchors[anchor][probe]
            for _ in range(max_anchors):
                if near(best[1], anchor) or not math.isfinite(best[0]):
                    break
                anchor = min(anchors, key=lambda a, b=best[1]: abs(math.log(b / a)))
                if not near(best[1], anchor):
                    anchor = best[1]
                    rerun = bbn.solve(
                        result.history,
                        dataclasses.replace(result.cosmology, omega_b=anchor),
                        network=precision.bbn_network,
                        library=precision.bbn_library,
                        rtol=precision.bbn_rtol,
                        errors="none",
                    )
                    point = {k: _carry(getattr(rerun, k), getattr(final0, k), getattr(bbn0, k), k) for k in KEYS}
                    anchors[anchor] = self._profiles(point, anchor, neff, firas)
                best = anchors[anchor][probe]
            profiles[probe] = best
        delta = {k: v[0] - self.reference.get(k, v[0]) for k, v in profiles.items()}
        return {
            "chi2": {k: v[0] for k, v in profiles.items()},
            "delta_chi2": delta,
            "omega_b_best": {k: v[1] for k, v in profiles.items()},
            "excluded": {k: bool(v > DELTA_CHI2_95) for k, v in delta.items()},
        }


def _carry(new_bbn: float, final: float, old_bbn: float, key: str) -> float:
    """The anchor's photodisintegration effect carried to a new BBN run: additive for Y_P, else a ratio."""
    if key in ("Yp_bbn", "Yp"):
        return float(new_bbn + (final - old_bbn))
    return float(new_bbn * (final / old_bbn)) if old_bbn > 0.0 else 0.0


def _minimum(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The minimum of y(x) on the grid, refined by the parabola through the three nearest nodes (in ln x)."""
    i = int(np.argmin(y))
    if not np.isfinite(y[i]):
        return math.inf, float(x[i])
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
                return float(c0 - b * b / (4 * a)), float(x[i] * math.exp(shift))
    return float(y[i]), float(x[i])
