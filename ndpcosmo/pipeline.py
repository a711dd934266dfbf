"""``run``: the chain of physical stages (N production, the thermal history, BBN, photodisintegration, the
CMB inputs, the mu/y distortions), with provenance.

Each stage takes the previous stage's frozen result and returns its own; ``run`` chains them and
records what was run (package version, precision, per-stage timings). The ``Result`` carries every
physical output a likelihood compares with data, so the likelihoods never call back into the physics.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from . import _precompile, background, bbn, cmb, distortions, photodisintegration, production
from . import constants as c
from .errors import SolverError
from .model import Cosmology, DipolePortal, Precision, Relic


@dataclass(frozen=True)
class Result:
    """Everything computed for one model point."""

    model: DipolePortal | Relic | None
    """None: the Standard Model (no N); a ``Relic``: any particle decaying at rest into photons and neutrinos."""
    cosmology: Cosmology
    precision: Precision
    abundance: production.Abundance | None
    history: background.ThermalHistory
    bbn: bbn.BBNResult
    photodisintegration: photodisintegration.PhotodisintegrationResult | None = None
    """The abundances after photodisintegration by the decay photons (None if ``Precision.pdi`` is off);
    ``final`` picks it when present."""
    distortions: distortions.Distortions | None = None
    """mu, y and the heat released into the photons (from the history; the FIRAS chi^2)."""
    cmb_inputs: cmb.ClassInputs | None = None
    """What CLASS needs (omega_b, N_ur, YHe; a late N as decaying dark matter), or None where CLASS's
    parametrisation cannot describe the point (``cmb_inputs_error`` says why)."""
    cmb_inputs_error: str | None = None
    timings_s: dict[str, float] = field(default_factory=dict)
    version: str = ""

    @property
    def final(self) -> bbn.BBNResult | photodisintegration.PhotodisintegrationResult:
        """The primordial abundances as observed: after photodisintegration if it ran, else BBN's."""
        return self.photodisintegration if self.photodisintegration is not None else self.bbn


def run(
    model: DipolePortal | Relic | None, cosmology: Cosmology | None = None, precision: Precision | None = None
) -> Result:
    """Run the chain of stages for one model point (``model=None``: the Standard Model, no N)."""
    from . import __version__

    cosmology = cosmology or Cosmology()
    precision = precision or Precision()
    _precompile.start()  # a first run on a machine: BBN's kernels compile in a helper meanwhile
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    abundance = production.solve(model, precision) if isinstance(model, DipolePortal) else None
    timings["production"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    history = background.solve(
        model, abundance, cosmology, rtol=precision.history_rtol, neutrino_injection=precision.neutrino_injection
    )
    timings["background"] = time.perf_counter() - t0
    abundances, pdi = _nucleosynthesis(model, history, cosmology, precision, timings)
    t0 = time.perf_counter()
    sd = distortions.from_history(history, cosmology.T_cmb_K * c.K_B_MEV_PER_K)
    timings["distortions"] = time.perf_counter() - t0
    result = Result(
        model, cosmology, precision, abundance, history, abundances, pdi, sd, timings_s=timings, version=__version__
    )
    return _with_cmb_inputs(result)


def _with_cmb_inputs(result: Result) -> Result:
    """The result with its CMB-inputs stage (massless neutrinos; ``cmb.class_inputs`` for other choices)."""
    t0 = time.perf_counter()
    try:
        inputs, error = cmb.class_inputs(result), None
    except SolverError as err:
        inputs, error = None, err.reason
    timings = result.timings_s | {"cmb_inputs": time.perf_counter() - t0}
    return dataclasses.replace(result, cmb_inputs=inputs, cmb_inputs_error=error, timings_s=timings)


def _nucleosynthesis(model, history, cosmology: Cosmology, precision: Precision, timings: dict[str, float]):
    """BBN on the history, then photodisintegration by N's decay photons (if on and there is an N)."""
    _precompile.wait()
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
    sd = result.distortions
    if cosmology.T_cmb_K != result.cosmology.T_cmb_K or sd is None:
        sd = distortions.from_history(result.history, cosmology.T_cmb_K * c.K_B_MEV_PER_K)
    out = dataclasses.replace(
        result,
        cosmology=cosmology,
        bbn=abundances,
        photodisintegration=pdi,
        distortions=sd,
        timings_s=result.timings_s | timings,
    )
    return _with_cmb_inputs(out)
