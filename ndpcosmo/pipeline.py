"""``run``: the chain of physical stages (N production, the thermal history, BBN, photodisintegration), with provenance.

Each stage takes the previous stage's frozen result and returns its own; ``run`` chains them and
records what was run (package version, precision, per-stage timings).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from . import background, bbn, photodisintegration, production
from .model import Cosmology, DipolePortal, Precision


@dataclass(frozen=True)
class Result:
    """Everything computed for one model point."""

    model: DipolePortal | None
    """None: the Standard Model (no N)."""
    cosmology: Cosmology
    precision: Precision
    abundance: production.Abundance | None
    history: background.ThermalHistory
    bbn: bbn.BBNResult
    photodisintegration: photodisintegration.PhotodisintegrationResult | None = None
    """The abundances after photodisintegration by the decay photons (None if ``Precision.pdi`` is off);
    ``final`` picks it when present."""
    timings_s: dict[str, float] = field(default_factory=dict)
    version: str = ""

    @property
    def final(self) -> bbn.BBNResult | photodisintegration.PhotodisintegrationResult:
        """The primordial abundances as observed: after photodisintegration if it ran, else BBN's."""
        return self.photodisintegration if self.photodisintegration is not None else self.bbn


def run(model: DipolePortal | None, cosmology: Cosmology | None = None, precision: Precision | None = None) -> Result:
    """Run the chain of stages for one model point (``model=None``: the Standard Model, no N)."""
    from . import __version__

    cosmology = cosmology or Cosmology()
    precision = precision or Precision()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    abundance = production.solve(model, precision) if model is not None else None
    timings["production"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    history = background.solve(model, abundance, cosmology, rtol=precision.history_rtol)
    timings["background"] = time.perf_counter() - t0
    abundances, pdi = _nucleosynthesis(model, history, cosmology, precision, timings)
    return Result(model, cosmology, precision, abundance, history, abundances, pdi, timings, __version__)


def _nucleosynthesis(model, history, cosmology: Cosmology, precision: Precision, timings: dict[str, float]):
    """BBN on the history, then photodisintegration by N's decay photons (if on and there is an N)."""
    t0 = time.perf_counter()
    abundances = bbn.solve(
        history,
        cosmology,
        network=precision.bbn_network,
        library=precision.bbn_library,
        rtol=precision.bbn_rtol,
        errors=precision.bbn_errors,
    )
    timings["bbn"] = time.perf_counter() - t0
    pdi = None
    if precision.pdi and model is not None:
        t0 = time.perf_counter()
        pdi = photodisintegration.solve(
            history,
            abundances,
            cosmology,
            model.mass_mev,
            cross_sections=precision.pdi_cross_sections,
            steps_per_decade=precision.pdi_steps_per_decade,
        )
        timings["photodisintegration"] = time.perf_counter() - t0
    return abundances, pdi


def with_cosmology(result: Result, cosmology: Cosmology) -> Result:
    """``result`` with BBN and photodisintegration rerun for another omega_b or tau_n, the abundance and
    the thermal history kept. The history depends on omega_b only through the matter term of H, which is
    below 1e-3 of the radiation at BBN (T > 10 keV) and moves H by ~0.5 % per 5 % of omega_b at z = 1100;
    samplers and profiles over the nuisance parameters use this instead of a full ``run``."""
    timings: dict[str, float] = {}
    abundances, pdi = _nucleosynthesis(result.model, result.history, cosmology, result.precision, timings)
    return dataclasses.replace(
        result, cosmology=cosmology, bbn=abundances, photodisintegration=pdi, timings_s=result.timings_s | timings
    )
