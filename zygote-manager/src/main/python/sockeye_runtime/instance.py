"""A handler instance: imports f.py, serves invoke requests on one connection, exits at its end."""

import os
import sys

from sockeye_runtime.frames import FrameError, read_frame, write_frame
from sockeye_runtime.handler import LoadedHandler
from sockeye_runtime.imports import extend_sys_path
from sockeye_runtime.invoke import invoke
from sockeye_runtime.process import flush_std_streams, listen_unix, set_parent_death_signal
from sockeye_runtime.state import PROCESS


def answer_instance_request(handler, header, blobs):
    """The reply (header, blobs) to one request; never raises."""
    try:
        if header.get("op") != "invoke":
            return {"error": "unsupported op %r on an instance socket" % (header.get("op"),)}, []
        return invoke(handler, header, blobs)
    # Everything: encoding a batch's outputs runs handler code (a dict subclass's items()), which may raise
    # SystemExit too, and the loop must serve on.
    except BaseException as e:
        return {"error": "invoke: %s: %s" % (type(e).__name__, e)}, []


def serve_instance(listener, function, version, code_dir):
    """Imports f.py, accepts one connection and serves it; exits the process at EOF."""
    handler = LoadedHandler(function, version, code_dir)
    conn, _ = listener.accept()
    listener.close()
    serve(conn, handler)


def serve_connection(conn, function, version, code_dir):
    """As serve_instance, on a connection already accepted."""
    serve(conn, LoadedHandler(function, version, code_dir))


def serve(conn, handler, exit_at_end=True):
    """Answers requests on conn until EOF, a socket error or a bad frame (answered once); then exits the process
    (exit_at_end=False returns instead, for tests)."""
    trace = PROCESS.trace
    trace.mark("accepted")
    while True:
        try:
            frame = read_frame(conn)
        except FrameError as e:
            send_quietly(conn, {"error": str(e)})
            break
        except (OSError, EOFError, ValueError):
            break
        if frame is None:
            break
        if trace:
            trace.mark("request_read")
        reply, out_blobs = answer_instance_request(handler, frame[0], frame[1])
        flush_std_streams()  # before the reply: the JVM attributes what is in the pipes then to this invocation
        try:
            write_frame(conn, reply, out_blobs)
        except (OSError, FrameError):
            break
    flush_std_streams()
    if exit_at_end:
        os._exit(0)


def send_quietly(conn, header):
    try:
        write_frame(conn, header)
    except (OSError, FrameError):
        pass


def prepare_instance(code_dir, env, sys_path=()):
    """The request-dependent part of becoming an instance: its environment, directory and sys.path."""
    os.environ.update(env)
    try:
        os.chdir(code_dir)
    except OSError:
        pass  # importing f.py reports the missing directory on every event, which is more useful than exiting
    extend_sys_path(sys_path)  # the function's packages, after what its zygote already has
    sys.path.insert(0, code_dir)


def become_instance(request, conn):
    """A forked child with its connection to the JVM: prepares for the request and serves; never returns."""
    prepare_instance(request["code_dir"], request.get("env") or {}, request.get("sys_path") or [])
    PROCESS.imports.start()
    serve_connection(conn, request["function"], request.get("version"), request["code_dir"])


def instance_main(args):
    """Mode instance: a fresh interpreter serving one handler (no zygote)."""
    set_parent_death_signal()
    code_dir = os.path.abspath(args.code_dir)
    prepare_instance(code_dir, {}, [p for p in (args.sys_path or "").split(os.pathsep) if p])
    listener = listen_unix(args.socket, 1)
    print("READY %d" % os.getpid(), flush=True)
    serve_instance(listener, args.function, args.version, code_dir)
