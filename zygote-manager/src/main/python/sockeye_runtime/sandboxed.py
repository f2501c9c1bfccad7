"""Sandboxed forks: a spare forked as PID 1 of a new PID namespace, still in the zygote's sandbox, becomes an
instance inside the sandbox whose descriptors come with its request (PROTOCOL.md, "Sandboxed forks")."""

import os
import select
import signal
import socket

from sockeye_runtime.frames import FrameError, frame_bytes
from sockeye_runtime.instance import become_instance
from sockeye_runtime.libc import CLONE_NEWPID, LIBC, PR_SET_PDEATHSIG, check
from sockeye_runtime.process import adopt_output
from sockeye_runtime.sandbox import drop_privileges, enter_sandbox, prepare_spare
from sockeye_runtime.seccomp import SeccompFilter
from sockeye_runtime.spares import await_request, fork_spare, mark_spare_prepared, send_ready
from sockeye_runtime.state import PROCESS


class SandboxForks:
    """What a zygote prepares so that a sandboxed fork costs little on the request's path: the compiled seccomp
    filter, a descriptor of its own PID namespace (to return to after each unshare(CLONE_NEWPID)), and a pidfd
    of itself (by which a child learns whether the zygote died before PR_SET_PDEATHSIG took effect). Spares
    forked ahead of demand are held by the JVM (op "spares"). Per process: a child zygote builds its own."""

    def __init__(self, pidns_fd):
        self.pid = os.getpid()
        self.libc = LIBC
        self.seccomp = SeccompFilter()
        # A sandboxed zygote's was opened by `enter` before the chroot (there is no /proc inside).
        self.own_pidns = pidns_fd if pidns_fd is not None else os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        self.pidfd = os.pidfd_open(self.pid)

    def zygote_alive(self):
        return not select.select([self.pidfd], [], [], 0)[0]  # a pidfd turns readable when its process exits

    def hand_over(self, request, fds, zygote_sockets):
        """Forks a spare now (the JVM had none left) and gives it the request and its descriptors; returns its pid."""
        data = frame_bytes(request)
        pid, sock = self.spawn(zygote_sockets)
        try:
            sent = socket.send_fds(sock, [data], fds)
            if sent < len(data):
                sock.sendall(data[sent:])
        finally:
            sock.close()
        return pid

    def spawn(self, zygote_sockets):
        """Forks a sandboxed spare, PID 1 of a new PID namespace; returns (pid, holder's socket)."""
        # setns back after the fork, so that later forks are not in the new namespace.
        check(self.libc.unshare(CLONE_NEWPID), "unshare(pid)")
        try:
            return fork_spare(lambda sock, foreign: run_spare(sock, foreign, self), zygote_sockets)
        finally:
            if os.getpid() == self.pid:
                check(self.libc.setns(self.own_pidns, CLONE_NEWPID), "setns(own pid namespace)")


def current_forks():
    """This process's SandboxForks, built on first use (a zygote's inherited one belongs to its parent)."""
    forks = PROCESS.sandbox_forks
    if forks is None or forks.pid != os.getpid():
        forks = PROCESS.sandbox_forks = SandboxForks(PROCESS.pidns_fd)
    return forks


def run_spare(sock, foreign_sockets, forks):
    """A sandboxed spare, PID 1 of its own PID namespace, still in the zygote's sandbox: waits for one sandboxed
    fork request (with its descriptors) from the holder of its socket (the JVM, or the zygote when it forked the
    spare on demand), then becomes that instance. Exits quietly when the holder closes the socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    check(forks.libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    for other in foreign_sockets:
        other.close()
    if not forks.zygote_alive():
        os._exit(0)
    prepare_spare(forks.libc)
    frame = await_request(sock)
    if frame is None:
        os._exit(0)
    run_sandboxed_instance(frame[0], frame[2], forks)


def run_sandboxed_instance(request, fds, forks):
    """Becomes the instance of a sandboxed fork, as PID 1 of its own PID namespace: enters the sandbox, drops
    privileges, tells the JVM it is ready on the connection and serves."""
    PROCESS.trace.clear()  # the zygote's marks
    PROCESS.trace.mark("child")
    mark_spare_prepared()
    box = request["sandbox"]
    listener = socket.socket(fileno=fds[box["listen_fd"]])
    try:
        adopt_output(request, fds)  # the originals are closed with the zygote's descriptors below
        libc = forks.libc
        enter_sandbox(libc, box, fds, keep=(listener.fileno(),))
        if not forks.zygote_alive():  # died before PDEATHSIG was set: we are in the cgroup, the JVM kills it
            os._exit(0)
        # Nothing of the zygote's stays open in the sandbox: its sockets, its pidfd, its PID namespace.
        os.closerange(3, listener.fileno())
        os.closerange(listener.fileno() + 1, 1 << 20)
        drop_privileges(libc, int(box["uid"]), forks.seccomp)
        conn = send_ready(listener, {"ready": True})
    except Exception as e:  # the JVM is waiting on the connection: tell it why, then exit (exit_after)
        try:
            send_ready(listener, {"error": "enter sandbox: %s: %s" % (type(e).__name__, e)})
        except (OSError, FrameError):
            pass
        raise
    become_instance(request, conn)


def fork_sandboxed(request, fds, zygote_sockets):
    """Hands the request to a spare child (see SandboxForks) and replies at once. The child signals readiness
    itself, on the listening socket the JVM sent (index listen_fd), so the zygote is free for the next fork."""
    box = request.get("sandbox")
    if not isinstance(box, dict) or not isinstance(box.get("listen_fd"), int):
        raise ValueError("sandboxed fork request lacks 'sandbox' or its 'listen_fd'")
    return {"ok": True, "pid": current_forks().hand_over(request, fds, zygote_sockets)}
