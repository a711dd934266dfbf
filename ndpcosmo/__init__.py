"""ndpcosmo: cosmology of the neutrino dipole portal (a heavy neutral lepton N with a transition
magnetic moment to an active neutrino).

Public API: ``assess`` (the verdict of a point in one call), ``run``, ``DipolePortal``, ``Cosmology``,
``Precision``, ``Result``, ``loglike``.
"""

from .interfaces.plain import loglike
from .model import Cosmology, DipolePortal, Precision
from .pipeline import Result, run
from .verdict import assess

__version__ = "0.1.0"

__all__ = ["Cosmology", "DipolePortal", "Precision", "Result", "__version__", "assess", "loglike", "run"]
