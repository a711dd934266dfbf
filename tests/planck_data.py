"""Where the tests find the Planck data: $NDPCOSMO_PLANCK_DIR, else the nearest shared/data above the
project (never committed)."""

from __future__ import annotations

import os
from pathlib import Path


def planck_data() -> Path:
    if os.environ.get("NDPCOSMO_PLANCK_DIR"):
        return Path(os.environ["NDPCOSMO_PLANCK_DIR"])
    here = Path(__file__).resolve()
    for parent in here.parents[1:5]:
        if (parent / "shared" / "data" / "planck2018_covmats").is_dir():
            return parent / "shared" / "data"
    return here.parents[2] / "shared" / "data"


DATA = planck_data()
