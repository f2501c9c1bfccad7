"""Spares: children forked ahead of demand, each holding one end of a socketpair, that prepare what does not
depend on the request while they wait and become an instance when its fork request arrives on the socket.

This module has the socketpair fork every spare kind uses, and the unsandboxed spare; sandboxed.py has the
sandboxed one."""

import os
import signal
import socket

from sockeye_runtime.frames import read_frame, write_frame
from sockeye_runtime.instance import become_instance
from sockeye_runtime.process import adopt_output, exit_after, reseed_random, set_parent_death_signal
from sockeye_runtime.state import PROCESS


def fork_spare(run, zygote_sockets):
    """Forks a child that runs run(its end of a new socketpair, the sockets it must close) and exits; returns
    (pid, the holder's end)."""
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        pid = os.fork()
        if pid == 0:
            exit_after(run, theirs, list(zygote_sockets) + [mine])
    except OSError:
        mine.close()
        raise
    finally:
        theirs.close()
    return pid, mine


def await_request(sock):
    """Tells the holder of the spare's socket that the spare is prepared (one byte, read only by benchmarks that
    wait for steady state), then waits for the one request; None when the holder closed the socket instead.
    Returns (header, blobs, fds)."""
    try:
        sock.sendall(b"P")
    except OSError:
        pass  # the holder may have sent the request and closed its end already: the request is still queued
    try:
        frame = read_frame(sock, with_fds=True)
    except ConnectionResetError:  # closed by a holder that had not read the byte above: let go, no request
        frame = None
    sock.close()
    return frame


def send_ready(listener, header):
    """Accepts the JVM's connection (already queued on the listener) and sends the readiness frame."""
    conn, _ = listener.accept()
    listener.close()
    write_frame(conn, header)
    return conn


def mark_spare_prepared():
    """In a spare that just got its request: its hot pages were copied (while it waited) before this point."""
    if PROCESS.hot_pages.pages:
        PROCESS.trace.mark("hot_pages_copied")


def spawn_plain_spare(zygote_sockets):
    """Forks an unsandboxed spare: a child that does everything of becoming an instance that does not depend on
    the request (hot pages, reseeding, parent-death signal) ahead of demand; returns (pid, holder's socket)."""
    zygote_pid = os.getpid()
    return fork_spare(lambda sock, foreign: run_plain_spare(sock, foreign, zygote_pid), zygote_sockets)


def run_plain_spare(sock, foreign_sockets, zygote_pid):
    """The unsandboxed spare: prepares, waits for one fork request with the instance's listening socket (index
    listen_fd), then becomes that instance and says so on the listener's first connection."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # handlers may use subprocess, which needs wait()
    set_parent_death_signal()
    if os.getppid() != zygote_pid:  # the zygote died before prctl took effect
        os._exit(0)
    for other in foreign_sockets:
        other.close()
    PROCESS.hot_pages.copy()
    reseed_random()
    frame = await_request(sock)
    if frame is None:
        os._exit(0)
    request, fds = frame[0], frame[2]
    PROCESS.trace.clear()  # the zygote's marks
    PROCESS.trace.mark("child")
    mark_spare_prepared()
    listener = socket.socket(fileno=fds[request["listen_fd"]])
    adopt_output(request, fds)
    for fd in fds:
        if fd != listener.fileno():
            os.close(fd)
    conn = send_ready(listener, {"ready": True})
    become_instance(request, conn)
