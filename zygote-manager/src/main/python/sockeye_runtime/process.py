"""Plumbing every runtime process shares: dying with the parent, listening sockets, std streams, reseeding,
and how a forked child ends."""

import os
import random
import signal
import socket
import sys
import traceback

from sockeye_runtime.libc import LIBC, PR_SET_PDEATHSIG, errno


def set_parent_death_signal():
    # Without this a zygote (or an instance) outlives a crashed JVM (or zygote).
    try:
        if LIBC.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            print("sockeye: prctl(PR_SET_PDEATHSIG) failed: errno %d" % errno(), file=sys.stderr)
    except (OSError, AttributeError) as e:
        print("sockeye: prctl unavailable (%s); process will not die with its parent" % e, file=sys.stderr)


def listen_unix(path, backlog):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
        sock.listen(backlog)
    except (OSError, ValueError):  # ValueError: a NUL in the path
        sock.close()
        raise
    return sock


def flush_std_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def adopt_output(request, fds):
    """Makes the instance's own pipes (write ends the JVM sent; indices stdout_fd and stderr_fd into fds) its
    fd 1 and 2, so its output is captured apart from its zygote's and from other instances' (PROTOCOL.md,
    Instance output). The caller closes the originals with the rest of fds. A request without them leaves the
    inherited streams in place."""
    out, err = request.get("stdout_fd"), request.get("stderr_fd")
    if not isinstance(out, int) or not isinstance(err, int):
        return
    flush_std_streams()  # what the zygote (or spare) buffered is not the instance's
    os.dup2(fds[out], 1)
    os.dup2(fds[err], 2)


def reseed_random():
    # A forked child shares the zygote's PRNG state; without reseeding every instance draws the same numbers.
    # (CPython's own at-fork hook reseeds random too; this keeps the rule independent of that.)
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        try:
            # An int seed goes straight to MT19937's C seeding; seed() with no argument builds a SeedSequence
            # in Python, which costs ~100 more copy-on-write faults (2-3 ms) in every child.
            numpy.random.seed(int.from_bytes(os.urandom(4), "little"))
        except Exception:
            pass


def exit_after(body, *args):
    """Runs body(*args) in a forked child, then exits the process (status 0, or 1 if body raised): the child
    must never return into its parent's code, whatever stopped it."""
    code = 1
    try:
        body(*args)
        code = 0
    except BaseException:  # SystemExit or KeyboardInterrupt included: print it, then exit below
        traceback.print_exc()
    finally:
        flush_std_streams()
        os._exit(code)
