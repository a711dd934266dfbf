"""Any subset of the likelihoods, the profile over omega_b and the 95 % CL verdicts.

Data names (``data=``): ``bbn`` (``BBNLikelihood``: Y_P, D/H, 3He/D as an upper limit), ``cmb`` (the
compressed Planck 2018 Gaussian on omega_b, N_eff, Y_P), ``cmb_full`` (plik_lite with its two low-ell TT
bins and the tau prior on a classy run at Planck 2018 LCDM for the other parameters, A_planck profiled;
instead of ``cmb``, ~3 s per evaluation), ``firas`` (mu, y). Each term belongs to a probe: ``bbn``, or
``cmb`` (compressed or full Planck and FIRAS).

Verdict for a model point (``Assessor.assess``): for each probe and for all of them together,
Delta chi^2 = min over omega_b of chi^2(model) - min over omega_b of chi^2(Standard Model), omega_b
*profiled* (BBN and photodisintegration rerun on the model's history at each omega_b; the neutron
lifetime held at its prior mean with its width folded into the theory errors). A point is excluded at
95 % CL when Delta chi^2 > 3.84 (one degree of freedom: the point against the SM, as in a raster scan
at fixed M_N). A profile that contains a CMB measurement of omega_b runs over omega_b in [0.010, 0.040];
BBN alone (or with FIRAS) runs over the same range of the baryon density *BBN sees*, omega_b/eta_ratio
(``profile_range``), so that its verdict comes from the BBN data and not from an end of the range; the
BBN-CMB mismatch of eta is carried by the combined profile. ``at_bound`` says when a minimum still sits
on an end.

Every chi^2 is finite wherever the physics is (abundances floored at ``bbn.ABUNDANCE_FLOOR``, overflow-
free Gaussians): a point excluded by a mile gets a large, finite Delta chi^2, never NaN.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace

from ..errors import SolverError
from .bbn import BBNLikelihood
from .cmb import CompressedPlanck, Firas, PlikLite
from .data import DEFAULT_CMB_DATA, TAU_N_PRIORS, DataChoice, resolve

DATA_NAMES = ("bbn", "cmb", "cmb_full", "firas")
DEFAULT_DATA: tuple[str, ...] = ("bbn", "cmb", "firas")
PROBES = ("bbn", "cmb")
DELTA_CHI2_95 = 3.841458820694124
"""The 95 % point of chi^2 with one degree of freedom."""
OMEGA_B_RANGE: tuple[float, float] = (0.010, 0.040)
"""The omega_b range of the profile: wide enough that BBN alone never presses on it in the grid."""

PLANCK2018_LCDM: dict[str, float] = {
    "omega_cdm": 0.12011,
    "100*theta_s": 1.041085,
    "tau_reio": 0.0543,
    "ln10^{10}A_s": 3.0448,
    "n_s": 0.96605,
}
"""The other LCDM parameters of ``cmb_full``: Planck 2018 VI table 2 best fit (TT,TE,EE+lowE+lensing)."""


def parse_data(data: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Data names from 'bbn,cmb' or a sequence: probes (DATA_NAMES, each with its default data sets)
    and/or data-set names (``data.resolve``; ``ndpcosmo data`` lists them); an error names unknown or
    clashing ones."""
    names = tuple(n.strip() for n in (data.split(",") if isinstance(data, str) else data) if n.strip())
    names = tuple(dict.fromkeys(names))
    resolve(names)
    return names


@dataclass(frozen=True)
class CombinedLikelihood:
    """chi^2 terms of the chosen data for a ``pipeline.Result``; build it with ``create``."""

    data: tuple[str, ...]
    bbn: BBNLikelihood | None = None
    planck: CompressedPlanck | None = None
    plik: PlikLite | None = None
    firas: Firas | None = None
    class_settings: dict[str, float] = field(default_factory=lambda: dict(PLANCK2018_LCDM))
    choice: DataChoice | None = None
    """What the data names selected (``data.resolve``)."""

    @classmethod
    def create(
        cls,
        data: str | tuple[str, ...] | list[str] = DEFAULT_DATA,
        planck_dir: str | os.PathLike | None = None,
        bbn_data: tuple[str, ...] | None = None,
        theory_errors: str = "step3",
        fold_tau_n: bool = True,
    ) -> CombinedLikelihood:
        """Load what the data names need (``data.resolve``): the compressed Planck 2018 Gaussian from
        ``planck_dir`` or $NDPCOSMO_PLANCK_DIR if given, else the shipped copy (other CMB Gaussians: the
        shipped copy); plik_lite from that directory only; ``bbn_data`` overrides the BBN measurements."""
        names = parse_data(data)
        choice = resolve(names)
        prior = TAU_N_PRIORS[choice.tau_n]
        kwargs: dict[str, object] = {}
        if choice.bbn is not None:
            kwargs["bbn"] = BBNLikelihood.create(
                data=bbn_data if bbn_data is not None else choice.bbn,
                theory_errors=theory_errors,
                fold_tau_n=fold_tau_n,
                tau_n_prior_s=(prior.value, prior.sigma),
            )
        if choice.cmb == DEFAULT_CMB_DATA:
            kwargs["planck"] = CompressedPlanck.load(planck_dir)
        elif choice.cmb is not None:
            kwargs["planck"] = CompressedPlanck.named(choice.cmb)
        if choice.cmb_full:
            kwargs["plik"] = PlikLite.from_files(planck_dir, low_ell=True)
        if choice.firas:
            kwargs["firas"] = Firas()
        return cls(names, choice=choice, **kwargs)

    def data_sets(self) -> tuple[str, ...]:
        """Every data set this likelihood compares with, by name (and the neutron-lifetime prior)."""
        if self.choice is None:
            return self.data
        bbn = tuple(m.name for m in self.bbn.data) if self.bbn is not None else ()
        return bbn + tuple(n for n in self.choice.resolved if n not in (self.choice.bbn or ()))

    def tau_n_prior_s(self) -> tuple[float, float]:
        """The neutron-lifetime prior (mean, sigma) [s] of this choice."""
        from .data import DEFAULT_TAU_N

        prior = TAU_N_PRIORS[self.choice.tau_n if self.choice is not None else DEFAULT_TAU_N]
        return prior.value, prior.sigma

    def chi2_terms(self, result) -> dict[str, float]:
        """chi^2 per term (BBN data-set names, 'planck_compressed', 'plik_lite', 'firas')."""
        terms: dict[str, float] = {}
        if self.bbn is not None:
            terms.update(self.bbn.chi2_terms(result.final))
        if self.planck is not None:
            terms["planck_compressed"] = self.planck.chi2_result(result)
        if self.plik is not None:
            from ..cmb import run_class

            out = run_class(result, dict(self.class_settings), l_max=2508)
            terms["plik_lite"] = self.plik.chi2_class_run(out)
        if self.firas is not None:
            terms["firas"] = self.firas.chi2_result(result)
        return terms

    @staticmethod
    def probe_of(term: str) -> str:
        return "cmb" if term in ("planck_compressed", "plik_lite", "firas") else "bbn"

    def terms(self) -> tuple[str, ...]:
        """The names of the chi^2 terms (as ``chi2_terms`` returns them)."""
        names = tuple(m.name for m in self.bbn.data) if self.bbn is not None else ()
        for term, part in (("planck_compressed", self.planck), ("plik_lite", self.plik), ("firas", self.firas)):
            if part is not None:
                names += (term,)
        return names

    def probes(self) -> tuple[str, ...]:
        """The probes the chosen data cover."""
        covered = {"bbn"} if self.bbn is not None else set()
        if self.planck is not None or self.plik is not None or self.firas is not None:
            covered.add("cmb")
        return tuple(p for p in PROBES if p in covered)


@dataclass(frozen=True)
class Profile:
    """The minimum over omega_b of the chi^2 of some probes, where it is, and the terms there."""

    chi2: float
    omega_b: float
    """Today's omega_b at the minimum (the CMB's); BBN saw ``omega_b / eta_ratio``."""
    terms: dict[str, float]
    at_bound: bool = False
    """The minimum sits on an end of the profiled range (``profile_range``)."""


CMB_OMEGA_B_TERMS = ("planck_compressed", "plik_lite")
"""The terms that measure today's omega_b directly."""


def measures_omega_b(likelihood: CombinedLikelihood, probes: tuple[str, ...]) -> bool:
    """Whether a term of ``probes`` measures today's omega_b (the CMB's)."""
    return any(t in CMB_OMEGA_B_TERMS and likelihood.probe_of(t) in probes for t in likelihood.terms())


def profile_range(likelihood: CombinedLikelihood, result, probes: tuple[str, ...]) -> tuple[float, float]:
    """The omega_b range a profile of ``probes`` searches: OMEGA_B_RANGE if a term among them measures
    today's omega_b (the CMB); else (BBN, with or without FIRAS) eta_ratio * OMEGA_B_RANGE, i.e. the
    baryon-to-photon ratio *at BBN* over the same range as in the SM. BBN alone cannot tell a diluted
    eta from a lower omega_b: it is profiled in what it sees, and only a profile with the CMB carries
    the BBN-CMB eta mismatch."""
    if measures_omega_b(likelihood, probes):
        return OMEGA_B_RANGE
    ratio = float(result.history.eta_ratio)
    return OMEGA_B_RANGE[0] * ratio, OMEGA_B_RANGE[1] * ratio


class Evaluations:
    """The chi^2 terms (and the rerun result) at each omega_b a point's profiles asked for, shared by them."""

    def __init__(self, likelihood: CombinedLikelihood, result) -> None:
        self.likelihood, self.result = likelihood, result
        self.seen: dict[float, tuple[dict[str, float], object]] = {}

    def at(self, omega_b: float) -> tuple[dict[str, float], object]:
        from ..pipeline import with_cosmology

        if omega_b not in self.seen:
            point = with_cosmology(self.result, replace(self.result.cosmology, omega_b=omega_b))
            self.seen[omega_b] = (self.likelihood.chi2_terms(point), point)
        return self.seen[omega_b]

    def chi2(self, omega_b: float, probes: tuple[str, ...]) -> float:
        """The chi^2 of ``probes`` (NaN counts as +inf)."""
        terms = self.at(omega_b)[0]
        total = sum(v for k, v in terms.items() if self.likelihood.probe_of(k) in probes)
        return total if not math.isnan(total) else math.inf


def profile_omega_b(
    likelihood: CombinedLikelihood,
    result,
    probes: tuple[str, ...],
    start: tuple[float, float] | None = None,
    evaluations: Evaluations | None = None,
) -> Profile:
    """Minimise the chi^2 of ``probes`` over ln omega_b in ``profile_range`` (BBN and photodisintegration
    rerun on the history at each omega_b). Without ``start``: bounded Brent over the whole range (xatol
    1e-4 in ln omega_b). With ``start`` = (omega_b, chi^2) estimated (the fast profile's minimum):
    successive parabolas through three exact evaluations 1 % apart in omega_b, a few evaluations
    instead of ~15; where they do not converge, or end more than START_TOLERANCE from the estimated
    chi^2 (the estimate was poor), Brent over the whole range follows."""
    from scipy.optimize import minimize_scalar

    evaluations = evaluations or Evaluations(likelihood, result)
    lo, hi = profile_range(likelihood, result, probes)
    u_lo, u_hi = math.log(lo), math.log(hi)
    asked: list[float] = []

    def chi2(u: float) -> float:
        omega_b = math.exp(min(max(u, u_lo), u_hi))
        asked.append(omega_b)
        return evaluations.chi2(omega_b, probes)

    def best() -> float:
        return min(asked, key=lambda x: evaluations.chi2(x, probes))

    trusted = False
    if start is not None:
        converged = _parabolas(chi2, u_lo, u_hi, math.log(start[0]))
        found = evaluations.chi2(best(), probes)
        trusted = converged and abs(found - start[1]) <= START_TOLERANCE[0] + START_TOLERANCE[1] * abs(found)
    if not trusted:
        minimize_scalar(chi2, bounds=(u_lo, u_hi), method="bounded", options={"xatol": 1e-4})
    omega_b = best()
    value = evaluations.chi2(omega_b, probes)
    if not math.isfinite(value):
        raise SolverError("likelihood profile", result.model, f"chi^2 = {value} at every omega_b in [{lo}, {hi}]")
    at_bound = min(math.log(omega_b / lo), math.log(hi / omega_b)) < 1e-3
    return Profile(value, omega_b, evaluations.at(omega_b)[0], at_bound)


START_TOLERANCE = (0.3, 0.01)
"""(absolute, relative): how close the polished minimum must come to the estimate it started from."""


def _parabolas(chi2, u_lo: float, u_hi: float, u: float, step: float = 0.01, rounds: int = 5) -> bool:
    """Walk to the minimum of chi2(u) on [u_lo, u_hi] by parabolas through three points ``step`` apart
    (moving at most 4 steps a round); True when the vertex came within a step of the middle point (or
    onto an end)."""
    step = min(step, (u_hi - u_lo) / 2)
    for _ in range(rounds):
        u = min(max(u, u_lo + step), u_hi - step)
        xs = (u - step, u, u + step)
        ys = [chi2(x) for x in xs]
        if not all(math.isfinite(y) for y in ys):
            return False
        curvature = ys[0] - 2 * ys[1] + ys[2]
        if curvature <= 0.0:  # not convex here: go downhill
            target = u + (4 * step if ys[2] < ys[0] else -4 * step)
        else:
            target = u + step * 0.5 * (ys[0] - ys[2]) / curvature
            target = min(max(target, u - 4 * step), u + 4 * step)
        if abs(target - u) <= step:
            chi2(target)
            return True
        if target <= u_lo or target >= u_hi:
            chi2(target)  # the minimum lies on an end: evaluate it there
            if u <= u_lo + step or u >= u_hi - step:
                return True
        u = target
    return False


@dataclass(frozen=True)
class Assessment:
    """A model point's verdict (see the module docstring)."""

    observables: dict[str, object]
    chi2: dict[str, float]
    """Every term at the omega_b that minimises the total."""
    delta_chi2: dict[str, float]
    """By probe ('bbn', 'cmb') and 'total': the profiled chi^2 minus the SM's."""
    omega_b_best: dict[str, float]
    excluded: dict[str, bool]
    data: tuple[str, ...]
    at_bound: dict[str, bool] = field(default_factory=dict)
    """By probe and 'total': the profile's minimum sits on an end of its omega_b range."""
    data_sets: tuple[str, ...] = ()
    """Every data set compared with, by name (``CombinedLikelihood.data_sets``)."""
    result: object = field(default=None, repr=False, compare=False)
    """The ``pipeline.Result`` at the combined profile's omega_b (what the observables describe)."""

    def summary(self) -> dict[str, object]:
        """The JSON of ``ndpcosmo run`` (stable keys)."""
        return {
            "excluded": self.excluded["total"],
            "excluded_bbn": self.excluded.get("bbn"),
            "excluded_cmb": self.excluded.get("cmb"),
            **self.observables,
            "chi2": dict(self.chi2),
            "chi2_total": float(sum(self.chi2.values())),
            "delta_chi2": dict(self.delta_chi2),
            "omega_b_best": dict(self.omega_b_best),
            "profile_at_bound": dict(self.at_bound),
            "delta_chi2_95": DELTA_CHI2_95,
            "data": list(self.data),
            "data_sets": list(self.data_sets),
        }


def observables(result) -> dict[str, object]:
    """What ``ndpcosmo run`` prints about the point itself (all read from the ``Result``)."""
    final = result.final
    abundance = result.abundance
    return {
        "T_dec_mev": None if abundance is None else float(abundance.T_dec_mev),
        "tau_s": None if result.model is None else float(result.model.tau_s),
        "neff_bbn": float(result.history.neff_bbn),
        "neff_cmb": float(result.history.neff_cmb),
        "eta_ratio": float(result.history.eta_ratio),
        "Yp": float(final.Yp_bbn),
        "YHe": float(final.Yp),
        "D_H": float(final.D_H),
        "He3_H": float(final.He3_H),
        "Li7_H": float(final.Li7_H),
        "mu": result.distortions.mu,
        "y": result.distortions.y,
        "neutrino_injection": result.history.neutrino_injection,
        "injected_energy_fractions": result.history.energy_budget(),
    }


@dataclass(frozen=True)
class Assessor:
    """Verdicts against the Standard Model's best fit: build with ``create`` (profiles the SM once).

    With ``fast`` (``likelihoods.fast.FastProfiler``; all data but ``cmb_full``) each profile starts at
    the fast profile's minimum and is polished by a few exact evaluations (``profile_omega_b`` with
    ``start``); without it, bounded Brent over the whole range."""

    likelihood: CombinedLikelihood
    reference: dict[str, Profile]
    """The SM's profile per probe and 'total'."""
    fast: object | None = None

    @classmethod
    def create(cls, likelihood: CombinedLikelihood, cosmology=None, precision=None, fast: bool = True) -> Assessor:
        from ..model import Precision
        from ..pipeline import run
        from .fast import FastProfiler

        cosmology = cosmology or default_cosmology(likelihood)
        precision = precision or Precision(bbn_errors="none")
        sm = run(None, cosmology, precision)
        same = precision == Precision(bbn_errors="none")
        use_fast = fast and likelihood.plik is None
        profiler = FastProfiler.create(likelihood, cosmology, sm if same else None) if use_fast else None
        draft = cls(likelihood, {}, profiler)
        return replace(draft, reference=draft._profiles(sm)[0])

    def _profiles(self, result) -> tuple[dict[str, Profile], Evaluations]:
        starts = None
        if self.fast is not None:
            fast = self.fast.assess(result)
            starts = {k: (fast["omega_b_best"][k], fast["chi2"][k]) for k in fast["chi2"]}
        return _profiles(self.likelihood, result, starts)

    def assess(self, result) -> Assessment:
        """The verdict for a ``pipeline.Result`` (run with ``bbn_errors='none'``; errors come from the
        likelihood)."""
        profiles, evaluations = self._profiles(result)
        delta = {k: profiles[k].chi2 - self.reference[k].chi2 for k in profiles}
        best = evaluations.at(profiles["total"].omega_b)[1]
        return Assessment(
            observables=observables(best),
            chi2=profiles["total"].terms,
            delta_chi2=delta,
            omega_b_best={k: p.omega_b for k, p in profiles.items()},
            excluded={k: bool(v > DELTA_CHI2_95) for k, v in delta.items()},
            data=self.likelihood.data,
            at_bound={k: p.at_bound for k, p in profiles.items()},
            data_sets=self.likelihood.data_sets(),
            result=best,
        )


def with_omega_b(result, omega_b: float):
    from ..pipeline import with_cosmology

    return with_cosmology(result, replace(result.cosmology, omega_b=omega_b))


def _profiles(
    likelihood: CombinedLikelihood, result, starts: dict[str, tuple[float, float]] | None = None
) -> tuple[dict[str, Profile], Evaluations]:
    """Each probe's profile and the total's (``starts``: estimates of each minimum, (omega_b, chi^2))."""
    probes = likelihood.probes()
    evaluations = Evaluations(likelihood, result)
    starts = starts or {}
    out = {p: profile_omega_b(likelihood, result, (p,), starts.get(p), evaluations) for p in probes}
    if len(probes) > 1:
        out["total"] = profile_omega_b(likelihood, result, probes, starts.get("total"), evaluations)
    else:
        out["total"] = out[probes[0]]
    return out, evaluations


def default_cosmology(likelihood: CombinedLikelihood | None = None):
    """The cosmology of single-point verdicts: defaults, with tau_n at the mean of the likelihood's
    neutron-lifetime prior (without one: the default prior, PDG 2024)."""
    from ..model import Cosmology
    from .bbn import TAU_N_PRIOR_S

    tau_n = likelihood.tau_n_prior_s()[0] if likelihood is not None else TAU_N_PRIOR_S[0]
    return Cosmology(tau_n_s=tau_n)
