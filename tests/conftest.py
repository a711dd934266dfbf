"""Shared test configuration: a per-session cache directory for the precomputed tables."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# Keep the user's cache untouched unless the caller chose a directory.
os.environ.setdefault("NDPCOSMO_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "ndpcosmo"))
