"""Small scan configs for the scan and contour tests: heavier N (fast points), BBN and FIRAS (no Planck files)."""

from __future__ import annotations


def small_config(
    output: str, processes: int = 1, T_RH: str = '["none", 5.0]', mu_min: float = 1e-12, chunk: int = 6, extra: str = ""
) -> str:
    """TOML text: M_N 1-100 MeV x mu mu_min-1e-9 mu_B, 4 x 4 log-spaced, with ``extra`` appended."""
    return f"""
output = "{output}"
data = "bbn,firas"
T_RH_mev = {T_RH}
chunk = {chunk}
processes = {processes}
[mass_mev]
min = 1.0
max = 100.0
points = 4
[mu_muB]
min = {mu_min:g}
max = 1e-9
points = 4
{extra}"""
