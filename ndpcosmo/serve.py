"""``ndpcosmo serve``: a warm process that answers ``ndpcosmo run`` in a fraction of a second.

A new Python process pays ~1.5 s to import numpy, scipy and numba and ~0.7 s for numba's first calls
of the cached kernels before any physics (docs/performance.md). ``serve`` pays that once: it imports
everything, judges one point with the default data (kernels loaded, the Standard Model's profiles
made), then listens on a Unix socket. ``ndpcosmo run`` finds it (``forward``) and hands over its
arguments, working directory, environment and its stdin/stdout/stderr file descriptors; the server
forks a child that runs the command on those descriptors (output, warnings, errors and the exit code
exactly as without the server) while the parent waits for the next client. Ctrl-C in the client ends
its child. The socket lives in a private directory of the user (mode 0700) and its name is a hash of
the package's sources, the Python and the table cache directory: a changed install never reaches an
old server. The server exits after ``--idle`` minutes without a client (default 30). Unix only.

    ndpcosmo serve [--idle MIN]       # in the background: ndpcosmo serve &
    ndpcosmo run --mass 1 --mu 1e-11  # answered by the server when one runs
"""

from __future__ import annotations

import functools
import json
import os
import signal
import socket
import struct
import sys
import tempfile
import threading
from pathlib import Path

FORWARDED = ("run",)
"""The commands a server answers (short, single points; scans and chains run in their own process)."""

_MAX_REQUEST = 1 << 20
_CODE = struct.Struct("!i")


def socket_path() -> Path:
    """The server's socket for this install, Python and table cache directory."""
    from .cache import cache_dir

    return _socket_for(str(cache_dir()))


@functools.lru_cache(maxsize=4)
def _socket_for(cache_directory: str) -> Path:
    from .cache import fingerprint

    root = Path(__file__).resolve().parent
    fp = fingerprint(sorted(root.rglob("*.py")), (sys.version, cache_directory))
    return Path(tempfile.gettempdir()) / f"ndpcosmo-{os.getuid()}" / f"{fp}.sock"


def forward(argv: list[str]) -> int | None:
    """Run ``ndpcosmo <argv>`` in a running server and return its exit code; None if no server answers
    (the caller then runs the command itself). Never raises for a missing or dead server."""
    if os.environ.get("NDPCOSMO_SERVE") == "off" or not hasattr(socket, "send_fds"):
        return None
    path = socket_path()
    if not path.exists() or not _private(path):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
    except OSError:
        conn.close()
        return None
    with conn:
        request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            socket.send_fds(conn, [_CODE.pack(len(request)) + request], [0, 1, 2])
        except OSError:
            return None
        try:
            reply = _receive_exactly(conn, _CODE.size)
        except KeyboardInterrupt:
            return 130  # closing the connection ends the child
        if reply is None:
            message = "ndpcosmo: error: the server ended without an answer (run again, or NDPCOSMO_SERVE=off)"
            print(message, file=sys.stderr)
            return 1
        return _CODE.unpack(reply)[0]


def _private(path: Path) -> bool:
    """The socket and its directory belong to this user and nobody else can enter the directory (so
    the arguments, environment and terminal are handed to our own server only)."""
    try:
        directory, sock = path.parent.stat(), path.stat()
    except OSError:
        return False
    uid = os.getuid()
    return directory.st_uid == uid and sock.st_uid == uid and not directory.st_mode & 0o077


def _receive_exactly(conn: socket.socket, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def warm_up() -> None:
    """Import what ``run`` needs and judge one point with the default data (kernels loaded, the SM's
    profiles made): the forked children inherit all of it."""
    from . import cli
    from .verdict import assess

    assess({"mass_mev": 1.0, "mu_muB": 1e-11})
    cli._build_parser()


def serve(idle_minutes: float = 30.0, ready=None) -> int:
    """Listen until ``idle_minutes`` pass without a client (``ready``: called once listening)."""
    if not hasattr(socket, "send_fds") or not hasattr(os, "fork"):
        raise ValueError("ndpcosmo serve needs a Unix system (fork and file-descriptor passing)")
    if not idle_minutes > 0:
        raise ValueError(f"--idle = {idle_minutes}: minutes > 0")
    warm_up()
    path = socket_path()
    path.parent.mkdir(mode=0o700, exist_ok=True)
    if path.parent.stat().st_uid != os.getuid():
        raise ValueError(f"{path.parent} belongs to another user: set TMPDIR to a directory of your own")
    os.chmod(path.parent, 0o700)
    if path.exists():
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()  # a dead server's socket
        else:
            probe.close()
            print(f"ndpcosmo: a server for this install already listens on {path}", file=sys.stderr)
            return 0
        finally:
            probe.close()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    os.chmod(path, 0o600)
    listener.listen(16)
    listener.settimeout(idle_minutes * 60.0)
    print(f"ndpcosmo: serving on {path} (exits after {idle_minutes:g} min idle)", file=sys.stderr, flush=True)
    if ready is not None:
        ready()
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                return 0
            conn.settimeout(None)
            _handle(conn)
    except KeyboardInterrupt:
        return 0
    finally:
        listener.close()
        path.unlink(missing_ok=True)


def _handle(conn: socket.socket) -> None:
    """Receive a request and fork its child; the parent only closes its copies."""
    fds: list[int] = []
    try:
        header, fds, _, _ = socket.recv_fds(conn, _CODE.size + _MAX_REQUEST, 3)
        size = _CODE.unpack(header[: _CODE.size])[0]
        body = header[_CODE.size :]
        rest = _receive_exactly(conn, size - len(body)) if size > len(body) else b""
        if rest is None or len(fds) != 3:
            raise OSError("incomplete request")
        request = json.loads(body + rest)
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        conn.close()
        return
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            code = _child(conn, fds, request)
        finally:
            os._exit(code)
    for fd in fds:
        os.close(fd)
    conn.close()
    print(f"ndpcosmo serve: ndpcosmo {' '.join(request['argv'])} (process {pid})", file=sys.stderr, flush=True)


def _child(conn: socket.socket, fds: list[int], request: dict) -> int:
    """Run the command on the client's descriptors, in its directory and environment; send the code."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 (the process's own descriptors)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["NDPCOSMO_SERVE"] = "off"  # the child runs the command itself

    def watch() -> None:  # the client went away (Ctrl-C): end the run
        try:
            if not conn.recv(1):
                os._exit(130)
        except OSError:
            os._exit(130)

    threading.Thread(target=watch, daemon=True).start()
    from .cli import main

    try:
        code = int(main(request["argv"]) or 0)
    except SystemExit as exc:  # argparse: --help, usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        conn.sendall(_CODE.pack(code))
    except OSError:
        pass
    return code
