"""A plain (unsandboxed) fork of an instance: the zygote listens on the instance's socket, forks, and the child
serves the JVM's first connection on it."""

import os
import signal

from sockeye_runtime.instance import prepare_instance, serve_instance
from sockeye_runtime.process import adopt_output, exit_after, listen_unix, reseed_random, set_parent_death_signal
from sockeye_runtime.state import PROCESS


def fork_instance(request, zygote_sockets, fds=()):
    for field in ("function", "code_dir", "instance_socket"):
        if not isinstance(request.get(field), str):
            raise ValueError("fork request lacks string field %r" % field)
    trace = PROCESS.trace
    trace.mark("fork_request")
    path = request["instance_socket"]
    # Listen before fork so the JVM can connect as soon as it has the reply, without polling.
    instance_listener = listen_unix(path, 1)
    zygote_pid = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        instance_listener.close()
        os.unlink(path)
        raise
    if pid == 0:
        exit_after(run_forked_child, request, instance_listener, zygote_sockets, zygote_pid, fds)
    trace.mark("forked")
    instance_listener.close()
    return {"ok": True, "pid": pid, "trace": trace.take()}


def run_forked_child(request, instance_listener, zygote_sockets, zygote_pid, fds=()):
    """The instance side of fork(); fds are the request's descriptors (its output pipes), closed here."""
    trace = PROCESS.trace
    trace.clear()  # the zygote's marks
    trace.mark("child")
    adopt_output(request, fds)
    for fd in fds:
        os.close(fd)
    PROCESS.hot_pages.copy()
    trace.mark("hot_pages_copied")
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # handlers may use subprocess, which needs wait()
    set_parent_death_signal()
    if os.getppid() != zygote_pid:  # the zygote died before prctl took effect
        os._exit(0)
    for sock in zygote_sockets:
        sock.close()
    reseed_random()
    trace.mark("reseeded")
    prepare_instance(request["code_dir"], request.get("env") or {}, request.get("sys_path") or [])
    PROCESS.imports.start()
    serve_instance(instance_listener, request["function"], request.get("version"), request["code_dir"])
