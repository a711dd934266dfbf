"""The verdict of one point in one call: ``assess(model_or_params, data=...)``.

It returns exactly what ``ndpcosmo run --json`` prints (the CLI calls it): the point's observables, the
chi^2 per term, Delta chi^2 against the Standard Model per probe with omega_b profiled, the omega_b of
each minimum, whether a profile sits on an end of its range, and the 95 % CL verdicts
(``likelihoods.combined``). The fast settings of the CLI are the default: the chain runs with
``Precision(bbn_errors="none")`` (the likelihood carries the Standard Model's nuclear-rate theory errors)
and the Standard Model's profiles are computed once per choice of data and kept for the next call.
"""

from __future__ import annotations

import dataclasses
import math
import os
from functools import lru_cache

from .model import DipolePortal, Precision, Relic

MODEL_KEYS = ("mass_mev", "mu_muB", "T_RH_mev", "nature", "flavour", "reheating", "cw_over_cb")
"""The keys of a parameter dict ``assess`` accepts (``mass_mev`` and ``mu_muB`` required)."""


DEFAULT_DATA = "bbn,cmb,firas"
"""BBN, the compressed Planck 2018 Gaussian (shipped with the package) and FIRAS."""


def model_from(model_or_params: DipolePortal | Relic | dict[str, object]) -> DipolePortal | Relic:
    """A DipolePortal or Relic as given, or a DipolePortal built from a dict with MODEL_KEYS."""
    if isinstance(model_or_params, (DipolePortal, Relic)):
        return model_or_params
    if not isinstance(model_or_params, dict):
        raise ValueError(f"model_or_params: a DipolePortal or a dict with keys {MODEL_KEYS}, got {model_or_params!r}")
    params = model_or_params
    missing = [k for k in MODEL_KEYS[:2] if k not in params]
    unknown = sorted(set(params) - set(MODEL_KEYS))
    if missing or unknown:
        raise ValueError(f"params: missing {missing}, unknown {unknown}; allowed {list(MODEL_KEYS)}")
    trh = params.get("T_RH_mev")
    return DipolePortal(
        float(params["mass_mev"]),
        float(params["mu_muB"]),
        nature=str(params.get("nature", "dirac")),
        flavour=str(params.get("flavour", "mu")),
        T_RH_mev=None if trh is None else float(trh),
        reheating=str(params.get("reheating", "instantaneous")),
        cw_over_cb=params.get("cw_over_cb", 0.0),  # type: ignore[arg-type]
    )


@lru_cache(maxsize=8)
def assessor(data: str, planck_dir: str | None, theory_errors: str):
    """The ``Assessor`` (likelihood + the SM's profiles) for these settings, built once per process."""
    from .likelihoods.combined import Assessor, CombinedLikelihood

    likelihood = CombinedLikelihood.create(data, planck_dir=planck_dir, theory_errors=theory_errors)
    return Assessor.create(likelihood)


def assess(
    model_or_params: DipolePortal | dict[str, object],
    data: str | tuple[str, ...] | list[str] | None = None,
    planck_dir: str | os.PathLike | None = None,
    theory_errors: str = "step3",
    precision: Precision | None = None,
) -> dict[str, object]:
    """The verdict of a point: the dict ``ndpcosmo run --json`` prints (infinities as None).

    ``data``: names from ``likelihoods.combined.DATA_NAMES`` ('bbn,cmb,firas' or a sequence; default
    DEFAULT_DATA); ``planck_dir``: the Planck files (else $NDPCOSMO_PLANCK_DIR, else the compressed
    Gaussian shipped with the package; plik_lite, ``cmb_full``, needs the files); ``precision``: the
    chain's settings (default the CLI's, ``Precision(bbn_errors="none")``). Bad input raises
    ``ValueError`` naming the parameter."""
    return assess_with_result(model_or_params, data, planck_dir, theory_errors, precision)[0]


def assess_with_result(
    model_or_params: DipolePortal | dict[str, object],
    data: str | tuple[str, ...] | list[str] | None = None,
    planck_dir: str | os.PathLike | None = None,
    theory_errors: str = "step3",
    precision: Precision | None = None,
):
    """``assess``'s dict and the ``pipeline.Result`` at the combined profile's omega_b (for plots)."""
    from .likelihoods.combined import default_cosmology, parse_data
    from .pipeline import run

    model = model_from(model_or_params)
    names = ",".join(parse_data(DEFAULT_DATA if data is None else data))
    # the environment's choice is part of the cached assessor's key (it may change between calls)
    planck_dir = planck_dir if planck_dir is not None else (os.environ.get("NDPCOSMO_PLANCK_DIR") or None)
    judge = assessor(names, None if planck_dir is None else str(planck_dir), theory_errors)
    result = run(model, default_cosmology(judge.likelihood), precision or Precision(bbn_errors="none"))
    assessment = judge.assess(result)
    if isinstance(model, Relic):
        point = {"relic": dataclasses.asdict(model)}
    else:
        point = {"mass_mev": model.mass_mev, "mu_muB": model.mu_muB, "T_RH_mev": model.T_RH_mev}
    return finite_or_none(point | assessment.summary()), assessment.result


def finite_or_none(value: object) -> object:
    """JSON has no inf or nan: they become None (null), in nested dicts and lists too."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    return value
