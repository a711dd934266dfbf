"""The ``ndpcosmo`` command."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence

import numpy as np

from .model import FLAVOURS, NATURES, REHEATINGS, Cosmology, DipolePortal, Precision, Relic
from .verdict import finite_or_none


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"ndpcosmo: error: {message} (see 'ndpcosmo {self.prog.split()[-1]} --help')\n")


def _add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """The model point as optional arguments (omitted: the Standard Model, where the command allows)."""
    parser.add_argument("--mass", type=float, metavar="MEV", help="N mass M_N [MeV]")
    parser.add_argument("--mu", type=float, metavar="MUB", help="transition moment [Bohr magnetons]")
    parser.add_argument("--trh", type=float, default=None, metavar="MEV", help="reheating temperature [MeV]")
    _add_production_options(parser)
    parser.add_argument("--nature", choices=NATURES, default="dirac")
    parser.add_argument("--flavour", choices=FLAVOURS, default="mu")
    _add_injection_argument(parser)


def _add_production_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reheating",
        choices=REHEATINGS,
        default="instantaneous",
        help="how the plasma reaches T_RH: an instantaneous switch (default) or perturbative inflaton decay "
        "(T_max > T_RH, entropy release; needs --trh >= 20)",
    )
    parser.add_argument(
        "--cw-over-cb",
        type=float,
        default=0.0,
        metavar="R",
        help="C_NW/C_NB, the ratio of the SU(2) and hypercharge dimension-6 dipole operators (production above "
        "the electroweak crossover; default 0, hypercharge only)",
    )


def _dipole_portal(args: argparse.Namespace) -> DipolePortal:
    return DipolePortal(
        args.mass,
        args.mu,
        nature=args.nature,
        flavour=args.flavour,
        T_RH_mev=args.trh,
        reheating=args.reheating,
        cw_over_cb=args.cw_over_cb,
    )


def _add_relic_arguments(parser: argparse.ArgumentParser) -> None:
    """Any particle decaying at rest into photons and neutrinos instead of N (``model.Relic``)."""
    parser.add_argument("--relic-mass", type=float, metavar="MEV", help="a decaying relic instead of N: its mass [MeV]")
    parser.add_argument("--relic-tau", type=float, metavar="S", help="the relic's lifetime [s]")
    parser.add_argument("--relic-abundance", type=float, metavar="R", help="the relic's n/n_gamma at T0")
    parser.add_argument("--relic-T0", type=float, default=10.0, metavar="MEV", help="T0 [MeV] (default 10)")
    parser.add_argument("--relic-flavour", choices=FLAVOURS, default="mu", help="its neutrinos' flavour")
    parser.add_argument(
        "--relic-photon-fraction", type=float, default=0.5, metavar="F", help="share of M into photons (default 0.5)"
    )


def _relic(args: argparse.Namespace) -> Relic | None:
    """The Relic of the --relic-* arguments (None without --relic-mass)."""
    given = [a for a in ("relic_mass", "relic_tau", "relic_abundance") if getattr(args, a, None) is not None]
    if not given:
        return None
    if len(given) < 3:
        raise ValueError("a relic needs --relic-mass, --relic-tau and --relic-abundance")
    if getattr(args, "mass", None) is not None or getattr(args, "mu", None) is not None:
        raise ValueError("give either --relic-* or --mass/--mu, not both")
    return Relic(
        args.relic_mass,
        args.relic_tau,
        args.relic_abundance,
        T0_mev=args.relic_T0,
        photon_fraction=args.relic_photon_fraction,
        flavour=args.relic_flavour,
    )


def _add_injection_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--neutrino-injection",
        choices=("spectral", "thermal"),
        default="spectral",
        help="decay neutrinos as a non-thermal spectrum (default) or into the nu temperature at once",
    )


def _build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="ndpcosmo", description="Cosmology of the neutrino dipole portal.")
    parser.add_argument("--version", action="version", version=f"ndpcosmo {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    rn = sub.add_parser("run", help="one model point: observables, chi^2 per term and the 95 %% CL verdicts")
    rn.add_argument("--mass", type=float, metavar="MEV", help="N mass M_N [MeV] (required unless --relic-*)")
    rn.add_argument("--mu", type=float, metavar="MUB", help="transition moment [Bohr magnetons] (with --mass)")
    rn.add_argument("--trh", type=float, default=None, metavar="MEV", help="reheating temperature [MeV] (default none)")
    _add_production_options(rn)
    rn.add_argument("--nature", choices=NATURES, default="dirac")
    rn.add_argument("--flavour", choices=FLAVOURS, default="mu")
    _add_injection_argument(rn)
    _add_relic_arguments(rn)
    rn.add_argument(
        "--data",
        default=None,
        metavar="LIST",
        help="comma-separated from bbn, cmb, cmb_full, firas (default bbn,cmb,firas)",
    )
    rn.add_argument(
        "--planck-dir",
        default=None,
        metavar="DIR",
        help="Planck files (default $NDPCOSMO_PLANCK_DIR, else the compressed Planck 2018 Gaussian shipped inside)",
    )
    rn.add_argument(
        "--plot",
        metavar="FILE",
        help="draw the point's story: T_gamma/T_nu, rho_N/rho_gamma, N_eff and the abundances against the data",
    )
    rn.add_argument(
        "--theory-errors", choices=("step3", "reference", "none"), default="step3", help="BBN theory errors"
    )
    rn.add_argument("--json", action="store_true", help="print a JSON object")
    dt = sub.add_parser("data", help="list every data set (name, quantity, value, sigma, kind, source, year, default)")
    dt.add_argument("--json", action="store_true", help="print a JSON list")
    sv = sub.add_parser(
        "serve",
        help="a warm process that answers 'ndpcosmo run' in a fraction of a second (Unix; run it in the background)",
    )
    sv.add_argument("--idle", type=float, default=30.0, metavar="MIN", help="exit after MIN minutes without a client")
    mc = sub.add_parser("mcmc", help="emcee MCMC from a YAML config (resumes an interrupted chain)")
    mc.add_argument("config", metavar="CONFIG.yaml", help="the run (see chains/ for examples)")
    mc.add_argument("--steps", type=int, default=None, help="total steps (overrides the config)")
    mc.add_argument("--pool", choices=("serial", "multiprocessing", "mpi"), default=None, help="overrides the config")
    mc.add_argument("--processes", type=int, default=None, help="processes of the multiprocessing pool")
    mc.add_argument("--no-progress", action="store_true", help="no progress bar")
    pl = sub.add_parser("plot", help="corner plot of a chain (CHAIN.h5 from ndpcosmo mcmc)")
    pl.add_argument("chain", metavar="CHAIN.h5")
    pl.add_argument("--output", default=None, metavar="PNG", help="default: CHAIN.png")
    pl.add_argument("--burn-in", type=float, default=0.3, help="fraction of the steps dropped (default 0.3)")
    sc = sub.add_parser("scan", help="bound table on an (M_N, mu) grid per T_RH from a TOML config (resumes)")
    sc.add_argument("config", metavar="CONFIG.toml", help="the scan (see tables/ for the default tables' configs)")
    sc.add_argument("--processes", type=int, default=None, help="local processes (default: all cores)")
    sc.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a dask.distributed scheduler address")
    sc.add_argument("--no-progress", action="store_true", help="no progress bar")
    co = sub.add_parser(
        "contours", help="95 %% CL exclusion contours by adaptive refinement of a coarse grid (TOML config; resumes)"
    )
    co.add_argument("config", metavar="CONFIG.toml", help="a scan config (the coarse grid) with [contours] settings")
    co.add_argument("--processes", type=int, default=None, help="local processes (default: all cores)")
    co.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a dask.distributed scheduler address")
    co.add_argument("--no-progress", action="store_true", help="no progress bar")
    ab = sub.add_parser("abundance", help="N abundance from thermal production (freeze-out or freeze-in)")
    ab.add_argument("--mass", type=float, required=True, metavar="MEV", help="N mass M_N [MeV]")
    ab.add_argument("--mu", type=float, required=True, metavar="MUB", help="transition moment [Bohr magnetons]")
    ab.add_argument(
        "--trh",
        type=float,
        default=None,
        metavar="MEV",
        help="reheating temperature [MeV] (default: no reheating limit)",
    )
    _add_production_options(ab)
    ab.add_argument("--nature", choices=NATURES, default="dirac")
    ab.add_argument("--flavour", choices=FLAVOURS, default="mu")
    ab.add_argument("--json", action="store_true", help="print a JSON object")
    hi = sub.add_parser("history", help="thermal history with N: N_eff at BBN and CMB, eta ratio")
    hi.add_argument("--sm", action="store_true", help="the Standard Model (no N)")
    _add_model_arguments(hi)
    _add_relic_arguments(hi)
    hi.add_argument("--json", action="store_true", help="print a JSON object")
    hi.add_argument("--plot", metavar="FILE", help="write a plot of T_gamma/T_nu, rho_N/rho_gamma and N_eff")
    bb = sub.add_parser("bbn", help="primordial abundances: the SM (plus Delta N_eff) or with N")
    bb.add_argument("--omega-b", type=float, default=0.02242, metavar="OMB", help="Omega_b h^2 (default 0.02242)")
    bb.add_argument("--tau-n", type=float, default=879.4, metavar="S", help="neutron lifetime [s] (default 879.4)")
    bb.add_argument("--dneff", type=float, default=0.0, metavar="DN", help="extra free-streaming Delta N_eff")
    _add_model_arguments(bb)
    _add_relic_arguments(bb)
    bb.add_argument("--network", choices=("key", "extended"), default="key", help="nuclear network")
    bb.add_argument("--library", choices=("starlib", "reaclib"), default="starlib", help="nuclear rate library")
    bb.add_argument(
        "--errors", choices=("none", "linear", "montecarlo"), default="linear", help="rate-uncertainty propagation"
    )
    bb.add_argument(
        "--cross-sections",
        choices=("cyburt2003", "evaluated"),
        default="cyburt2003",
        help="photodisintegration cross sections (with --mass/--mu)",
    )
    bb.add_argument("--json", action="store_true", help="print a JSON object")
    cm = sub.add_parser("cmb", help="the inputs for CLASS (omega_b, N_ur, YHe) of the SM or a model; --class runs it")
    cm.add_argument("--sm", action="store_true", help="the Standard Model (no N)")
    _add_model_arguments(cm)
    cm.add_argument("--omega-b", type=float, default=0.02242, help="baryon density today")
    cm.add_argument(
        "--m-nu",
        type=float,
        nargs="*",
        default=[],
        metavar="EV",
        help="masses of massive neutrinos [eV] (e.g. --m-nu 0.06; default: all massless)",
    )
    cm.add_argument("--class", dest="run_class", action="store_true", help="run classy (Planck 2018 LCDM otherwise)")
    cm.add_argument("--json", action="store_true", help="print a JSON object")
    pd = sub.add_parser("pdi", help="photodisintegration of the SBBN abundances by decays at rest (ACROPOLIS's setup)")
    pd.add_argument("--mass", type=float, required=True, metavar="MEV", help="mass of the decaying particle [MeV]")
    pd.add_argument("--tau", type=float, required=True, metavar="S", help="lifetime [s]")
    pd.add_argument("--n-over-ngamma", type=float, required=True, metavar="R", help="n/n_gamma at T0")
    pd.add_argument("--T0", type=float, default=10.0, metavar="MEV", help="reference temperature [MeV] (default 10)")
    pd.add_argument(
        "--cross-sections", choices=("cyburt2003", "evaluated"), default="cyburt2003", help="cross-section set"
    )
    pd.add_argument(
        "--method", choices=("table", "direct"), default="table", help="cached response table or cascade solves"
    )
    pd.add_argument("--json", action="store_true", help="print a JSON object")
    return parser


def _format_value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _abundance(args: argparse.Namespace) -> int:
    from . import production

    model = _dipole_portal(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = production.solve(model)
    for w in caught:
        print(f"ndpcosmo: warning: {w.message}", file=sys.stderr)
    _print_summary(result.summary(), args.json)
    return 0


def _print_summary(summary: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(finite_or_none(summary), indent=2))
    else:
        width = max(len(k) for k in summary)
        for key, value in summary.items():
            print(f"{key:<{width}}  {_format_value(value)}")


def _history(args: argparse.Namespace) -> int:
    from . import background, production

    relic = _relic(args)
    abundance = None
    if args.sm:
        if args.mass is not None or args.mu is not None or relic is not None:
            raise ValueError("--sm takes no --mass, --mu or --relic-*")
        model = None
    elif relic is not None:
        model = relic
    else:
        if args.mass is None or args.mu is None:
            raise ValueError("history needs --mass and --mu, or --relic-*, or --sm for the Standard Model")
        model = _dipole_portal(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if isinstance(model, DipolePortal):
            abundance = production.solve(model)
        history = background.solve(model, abundance, neutrino_injection=args.neutrino_injection)
    for w in caught:
        print(f"ndpcosmo: warning: {w.message}", file=sys.stderr)
    summary: dict[str, object] = {}
    if abundance is not None:
        summary.update(abundance.summary())
    summary.update(history.summary())
    _print_summary(summary, args.json)
    if args.plot:
        from .plotting import plot_history

        plot_history(history, args.plot)
    return 0


def _bbn(args: argparse.Namespace) -> int:
    from . import background, production
    from .bbn import solve as solve_bbn

    if args.dneff < -3.0 or args.dneff > 10.0:
        raise ValueError(f"--dneff = {args.dneff}: allowed range [-3, 10]")
    cosmology = Cosmology(omega_b=args.omega_b, tau_n_s=args.tau_n)
    if (args.mass is None) != (args.mu is None):
        raise ValueError("bbn with N needs both --mass and --mu (neither for the Standard Model)")
    model = _relic(args)
    if args.mass is not None:
        model = _dipole_portal(args)
    summary: dict[str, object] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        abundance = production.solve(model) if isinstance(model, DipolePortal) else None
        history = background.solve(model, abundance, cosmology, neutrino_injection=args.neutrino_injection)
        result = solve_bbn(
            history, cosmology, network=args.network, library=args.library, errors=args.errors, delta_neff=args.dneff
        )
        pdi = None
        if model is not None:
            from .photodisintegration import solve as solve_pdi

            pdi = solve_pdi(history, result, cosmology, model.mass_mev, cross_sections=args.cross_sections)
    for w in caught:
        print(f"ndpcosmo: warning: {w.message}", file=sys.stderr)
    if abundance is not None:
        summary.update(abundance.summary())
    summary.update(result.summary())
    if pdi is not None:
        # the abundances after photodisintegration by the N -> nu gamma photons
        summary["photodisintegration"] = pdi.summary()
    _print_summary(summary, args.json)
    return 0


def _pdi(args: argparse.Namespace) -> int:
    from .photodisintegration import solve_decay

    record = solve_decay(
        args.mass,
        args.tau,
        args.n_over_ngamma,
        T0_mev=args.T0,
        cross_sections=args.cross_sections,
        method=args.method,
        details=True,
    )
    out = record.final
    H = out["p"]
    summary: dict[str, object] = {
        "D_H": out["D"] / H,
        "He3_H": out["He3"] / H,
        "Li7_H": out["Li7"] / H,
        "Li6_H": out["Li6"] / H,
        "Yp_bbn": 4.0 * out["He4"],
        "n_over_nb": out,
        "destroyed_per_baryon": {str(k): v for k, v in record.destroyed.items()},
        "T_window_mev": list(record.T_window_mev),
    }
    _print_summary(summary, args.json)
    return 0


PLANCK2018_LCDM = {"h": 0.6736, "omega_cdm": 0.1200, "A_s": 2.100e-9, "n_s": 0.9649, "tau_reio": 0.0544}
"""The other CLASS parameters of ``ndpcosmo cmb --class``: Planck 2018 VI (arXiv:1807.06209) table 2,
TT,TE,EE+lowE+lensing."""


def _cmb(args: argparse.Namespace) -> int:
    from .cmb import class_inputs, run_class
    from .pipeline import run

    if args.sm == (args.mass is not None or args.mu is not None):
        raise ValueError("cmb needs either --sm or both --mass and --mu")
    model = None
    if not args.sm:
        if args.mass is None or args.mu is None:
            raise ValueError("cmb with N needs both --mass and --mu")
        model = _dipole_portal(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run(model, Cosmology(omega_b=args.omega_b), Precision(neutrino_injection=args.neutrino_injection))
        from .errors import SolverError

        sd = result.distortions
        summary: dict[str, object] = {"class_inputs": None}
        try:
            inputs = class_inputs(result, massive_nu_ev=tuple(args.m_nu)) if args.m_nu else result.cmb_inputs
            if inputs is None:
                summary["class_inputs_error"] = result.cmb_inputs_error
            else:
                summary["class_inputs"] = inputs.as_dict()
        except SolverError as err:  # the rest of the summary still holds
            summary["class_inputs_error"] = err.reason
        summary.update(
            neff_cmb=float(result.history.neff_cmb),
            YHe=float(result.final.Yp),
            mu=sd.mu,
            y=sd.y,
            excluded_firas=sd.excluded_firas,
        )
        if args.run_class:
            if summary["class_inputs"] is None:
                raise SolverError("CMB inputs", model, str(summary["class_inputs_error"]))
            out = run_class(result, PLANCK2018_LCDM, massive_nu_ev=tuple(args.m_nu))
            summary["class_derived"] = out.derived
            summary["class_seconds"] = out.seconds
    for w in caught:
        print(f"ndpcosmo: warning: {w.message}", file=sys.stderr)
    _print_summary(summary, args.json)
    return 0


def _run(args: argparse.Namespace) -> int:
    from .verdict import assess_with_result

    model = _relic(args)
    if model is None:
        if args.mass is None or args.mu is None:
            raise ValueError("run needs --mass and --mu (or --relic-mass, --relic-tau and --relic-abundance)")
        model = _dipole_portal(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary, result = assess_with_result(
            model,
            data=args.data,
            planck_dir=args.planck_dir,
            theory_errors=args.theory_errors,
            precision=Precision(bbn_errors="none", neutrino_injection=args.neutrino_injection),
        )
    for w in caught:
        print(f"ndpcosmo: warning: {w.message}", file=sys.stderr)
    if args.plot:
        from .plotting import plot_point

        plot_point(result, summary, args.plot)
    _print_summary(summary, args.json)
    return 0


def _mcmc(args: argparse.Namespace) -> int:
    from .sampling import MCMCConfig, run_mcmc

    overrides = {"steps": args.steps, "pool": args.pool, "processes": args.processes}
    if args.no_progress:
        overrides["progress"] = False
    config = MCMCConfig.from_file(args.config, **overrides)
    result = run_mcmc(config)
    if result is not None:  # None on MPI workers
        print(result.report())
    return 0


def _scan(args: argparse.Namespace) -> int:
    from .scan import ScanConfig, run_scan

    config = ScanConfig.from_file(args.config, processes=args.processes, scheduler=args.scheduler)
    print(run_scan(config, progress=not args.no_progress).report())
    return 0


def _contours(args: argparse.Namespace) -> int:
    from .refine import ContourConfig, run_contours

    config = ContourConfig.from_file(args.config, processes=args.processes, scheduler=args.scheduler)
    print(run_contours(config, progress=not args.no_progress).report())
    return 0


def _plot(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .plotting import corner_plot
    from .sampling import LATEX, read_chain

    if not 0.0 <= args.burn_in < 1.0:
        raise ValueError(f"--burn-in = {args.burn_in}: a fraction in [0, 1)")
    if not Path(args.chain).is_file():
        raise ValueError(f"{args.chain}: no such chain file")
    import h5py

    if not h5py.is_hdf5(args.chain):
        raise ValueError(f"{args.chain}: not an HDF5 file (give the .h5 chain that ndpcosmo mcmc writes)")
    names, chain, log_prob, _ = read_chain(args.chain)
    first = int(args.burn_in * chain.shape[0])
    samples = chain[first:].reshape(-1, chain.shape[2])[np.isfinite(log_prob[first:].reshape(-1))]
    output = args.output or str(Path(args.chain).with_suffix(".png"))
    corner_plot(samples, [f"${LATEX[n]}$" for n in names], output)
    print(output)
    return 0


def _data(args: argparse.Namespace) -> int:
    from .likelihoods.data import catalogue

    rows = catalogue()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'name':<18} {'probe':<6} {'quantity':<22} {'value':<28} {'sigma':<28} {'year':<5} default")
    for row in rows:
        value, sigma = (_short(row[k]) for k in ("value", "sigma"))
        default = "yes" if row["default"] else ""
        quantity = str(row["quantity"])[:22]
        print(f"{row['name']:<18} {row['probe']:<6} {quantity:<22} {value:<28} {sigma:<28} {row['year']:<5} {default}")
    print("sources: ndpcosmo data --json; choose with --data (probes bbn, cmb, cmb_full, firas and/or these names)")
    return 0


def _short(x: object) -> str:
    if x is None:
        return "-"
    if isinstance(x, list):
        return ", ".join(f"{v:.6g}" for v in x)
    return f"{x:.6g}"


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args.idle)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ndpcosmo`` console script (``run`` is answered by an ``ndpcosmo serve``
    process when one runs: ``serve.forward``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _build_parser().parse_args(argv)
    from .serve import FORWARDED, forward

    if args.command in FORWARDED:
        code = forward(argv)
        if code is not None:
            return code
    commands = {
        "data": _data,
        "serve": _serve,
        "run": _run,
        "mcmc": _mcmc,
        "plot": _plot,
        "scan": _scan,
        "contours": _contours,
        "abundance": _abundance,
        "history": _history,
        "bbn": _bbn,
        "pdi": _pdi,
        "cmb": _cmb,
    }
    try:
        handler = commands.get(args.command)
        if handler is not None:
            return handler(args)
    except BrokenPipeError:  # output piped into e.g. head: not an error
        return 0
    except ValueError as exc:
        print(f"ndpcosmo: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a failure inside a stage: one line, no traceback
        print(f"ndpcosmo: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
