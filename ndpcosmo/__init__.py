"""ndpcosmo: cosmology of the neutrino dipole portal (a heavy neutral lepton N with a transition
magnetic moment to an active neutrino).

Public API: ``assess`` (the verdict of a point in one call), ``run``, ``DipolePortal``, ``Cosmology``,
``Precision``, ``Result``, ``loglike``.
"""

from ._numba_cache import announce_compilations, use_user_cache_dir

use_user_cache_dir()  # before any kernel module is imported: numba's caches never go beside the sources
announce_compilations()

from .interfaces.plain import loglike  # noqa: E402
from .model import Cosmology, DipolePortal, Precision  # noqa: E402
from .pipeline import Result, run  # noqa: E402
from .verdict import assess  # noqa: E402

__version__ = "0.1.0"

__all__ = ["Cosmology", "DipolePortal", "Precision", "Result", "__version__", "assess", "loglike", "run"]
