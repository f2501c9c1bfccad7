"""Shared by the runtime's tests: makes sockeye_runtime importable from src/main/python when run by hand, finds
(or builds) the zipapp, and starts runtime processes from it."""

import os
import pathlib
import select
import socket
import subprocess
import sys
import tempfile
import textwrap
import time

MODULE = pathlib.Path(__file__).resolve().parents[3]  # zygote-manager/
SOURCE = MODULE / "src" / "main" / "python"
if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))

from sockeye_runtime.frames import read_frame, write_frame  # noqa: E402

_BUILT = []


def pyz():
    """The zipapp Maven built (SOCKEYE_RUNTIME_PYZ), or one built from the sources for a run by hand."""
    given = os.environ.get("SOCKEYE_RUNTIME_PYZ")
    if given:
        return given
    if not _BUILT:
        target = os.path.join(tempfile.mkdtemp(prefix="sockeye-pyz-"), "sockeye_runtime.pyz")
        subprocess.run([sys.executable, str(MODULE / "src/build/python/make_pyz.py"), str(SOURCE), target],
                       check=True)
        _BUILT.append(target)
    return _BUILT[0]


def write_handler(directory, source):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "f.py"), "w") as f:
        f.write(textwrap.dedent(source))
    return directory


class RuntimeProcess:
    """A `zygote` or `instance` process started from the zipapp; waits for its READY line; kill() ends it."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, "-u", pyz()] + list(args), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("READY "):
            self.kill()
            raise AssertionError("no READY line from %s: %r, stderr %r" % (args, line, self.proc.stderr.read()))
        self.pid = int(line.split()[1])

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def connect(path, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            sock.settimeout(timeout)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def request(sock, header, blobs=()):
    write_frame(sock, header, blobs)
    return read_frame(sock)


def invoke_header(values, mode="each", keys=None):
    """An invoke request of one event per value (JSON-encoded bytes), its blobs, as the JVM would send it."""
    events, blobs = [], []
    for i, value in enumerate(values):
        blobs.append(value)
        events.append({"topic": "t", "partition": 0, "offset": i, "timestamp": 1000 + i, "key": None,
                       "value": len(blobs) - 1, "headers": [],
                       "idempotency_key": (keys or ["k%d" % n for n in range(len(values))])[i]})
    return {"op": "invoke", "mode": mode, "deadline_ms": None, "events": events}, blobs
