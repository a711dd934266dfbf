"""``ndpcosmo serve``: a warm server answers ``ndpcosmo run`` exactly as the command alone would."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ndpcosmo import verdict
from ndpcosmo._numba_cache import use_user_cache_dir as numba_cache_dir

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="serve needs a Unix system")

CLI = [sys.executable, "-m", "ndpcosmo.cli"]


def _wait_for(stream, text: str, timeout_s: float) -> str:
    """Lines of ``stream`` until one contains ``text`` (all of them), or fail after ``timeout_s``."""
    seen, end = "", time.monotonic() + timeout_s
    while time.monotonic() < end:
        ready, _, _ = select.select([stream], [], [], 1.0)
        if ready:
            line = stream.readline()
            seen += line
            if text in line:
                return seen
    raise AssertionError(f"no {text!r} within {timeout_s} s:\n{seen}")


@pytest.fixture()
def server(tmp_path):
    env = dict(os.environ, NDPCOSMO_CACHE_DIR=str(tmp_path / "cache"), NUMBA_CACHE_DIR=numba_cache_dir())
    env.pop("NDPCOSMO_SERVE", None)
    proc = subprocess.Popen([*CLI, "serve", "--idle", "5"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(proc.stderr, "serving on", 300.0)
        yield proc, env
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_server_answers_run_as_the_command_would(server, tmp_path):
    proc, env = server
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [*CLI, "run", "--mass", "1", "--mu", "1e-11", "--json", "--plot", "point.png"],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    _wait_for(proc.stderr, "ndpcosmo run --mass 1 --mu 1e-11", 30.0)  # the server answered it
    out = json.loads(done.stdout)
    expected = verdict.finite_or_none(verdict.assess({"mass_mev": 1.0, "mu_muB": 1e-11}))
    assert out.keys() == expected.keys()
    for key in ("excluded", "excluded_bbn", "excluded_cmb"):
        assert out[key] == expected[key]
    for probe, value in expected["delta_chi2"].items():
        assert out["delta_chi2"][probe] == pytest.approx(value, rel=1e-9)
    assert (work / "point.png").stat().st_size > 10_000  # the client's working directory

    bad = subprocess.run([*CLI, "run", "--mass", "1", "--mu", "-1"], env=env, cwd=work, capture_output=True, text=True)
    assert bad.returncode == 2 and "mu_muB" in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    _wait_for(proc.stderr, "--mu -1", 30.0)


def test_server_socket_is_private_and_removed_on_exit(server):
    proc, env = server
    where = [sys.executable, "-c", "from ndpcosmo import serve; print(serve.socket_path())"]
    path = Path(subprocess.run(where, env=env, capture_output=True, text=True).stdout.strip())
    assert path.exists() and (path.stat().st_mode & 0o077) == 0 and (path.parent.stat().st_mode & 0o077) == 0
    run = [*CLI, "run", "--mass", "1", "--mu", "1e-11"]
    off = subprocess.run(run, env=dict(env, NDPCOSMO_SERVE="off"), capture_output=True, text=True)
    assert off.returncode == 0, off.stderr
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    assert "ndpcosmo run" not in proc.stderr.read()  # NDPCOSMO_SERVE=off ran the command itself
    assert not path.exists()
    ask = "from ndpcosmo import serve; print(serve.forward(['run', '--mass', '1', '--mu', '1e-11']))"
    alone = subprocess.run([sys.executable, "-c", ask], env=env, capture_output=True, text=True)
    assert alone.stdout.strip() == "None"  # no server: the command runs itself


def test_forward_refuses_a_socket_others_can_reach(tmp_path, monkeypatch):
    """A socket in a directory other users can enter is never used (the request carries the environment
    and the terminal): no connection is even attempted."""
    import socket

    from ndpcosmo import serve

    directory = tmp_path / "open"
    directory.mkdir()
    os.chmod(directory, 0o755)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(directory / "x.sock"))
    listener.listen(1)
    listener.setblocking(False)
    monkeypatch.setattr(serve, "socket_path", lambda *args: directory / "x.sock")
    monkeypatch.delenv("NDPCOSMO_SERVE", raising=False)
    try:
        assert serve.forward(["run", "--mass", "1", "--mu", "1e-11"]) is None
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing connected
    finally:
        listener.close()
