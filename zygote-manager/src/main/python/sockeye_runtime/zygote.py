"""The zygote: imports once, then forks instances, spares and child zygotes on request (PROTOCOL.md, "Zygote
requests"), serving one connection at a time."""

import gc
import os
import signal
import socket
import sys

from sockeye_runtime.forks import fork_instance
from sockeye_runtime.frames import FrameError, read_frame, write_frame
from sockeye_runtime.handler import LoadedHandler
from sockeye_runtime.imports import Preloaded, extend_sys_path
from sockeye_runtime.instance import answer_instance_request, send_quietly
from sockeye_runtime.process import (exit_after, flush_std_streams, listen_unix, reseed_random,
                                     set_parent_death_signal)
from sockeye_runtime.sandbox import settle_environment
from sockeye_runtime.sandboxed import current_forks, fork_sandboxed
from sockeye_runtime.spares import spawn_plain_spare
from sockeye_runtime.state import PROCESS


def answer_zygote_request(header, fds, zygote_sockets, preloaded):
    """The reply header to one request, and the sockets to send after it (op spares; the caller closes them).
    Closes fds: the zygote keeps no descriptor of any sandbox. Never raises."""
    op = header.get("op")
    try:
        if op == "ping":
            return preloaded.describe(), []
        if op == "fork" and header.get("sandbox") is not None:
            return fork_sandboxed(header, fds, zygote_sockets), []
        if op == "fork":
            return fork_instance(header, zygote_sockets, fds), []
        if op == "fork_zygote":
            return fork_zygote(header, zygote_sockets, preloaded), []
        if op == "spares":
            return make_spares(header, zygote_sockets)
        if op == "import":
            return import_more(header, preloaded), []
        if op == "hot_pages":
            return PROCESS.hot_pages.learn(header.get("runs") or [], header.get("read_runs") or []), []
        return {"ok": False, "error": "unsupported op %r on a zygote socket" % (op,)}, []
    except Exception as e:
        return {"ok": False, "error": "%s %s: %s: %s" % (op, header.get("function"), type(e).__name__, e)}, []
    finally:
        for fd in fds:
            os.close(fd)


def make_spares(request, zygote_sockets):
    """Forks spares whose sockets go to the JVM (which sends each one fork request directly, so the zygote is
    not on the request's path); returns the reply and the JVM's socket ends, sent after the reply."""
    count = request.get("count")
    if not isinstance(count, int) or not 0 < count <= 64:
        raise ValueError("spares request needs 'count' between 1 and 64")
    sandboxed = bool(request.get("sandboxed"))
    forks = current_forks() if sandboxed else None
    pids, ends = [], []
    try:
        for _ in range(count):
            others = list(zygote_sockets) + ends
            pid, end = forks.spawn(others) if sandboxed else spawn_plain_spare(others)
            pids.append(pid)
            ends.append(end)
    except Exception:  # the spares forked so far exit when their holder's ends close
        for end in ends:
            end.close()
        raise
    return {"ok": True, "pids": pids}, ends


def import_more(request, preloaded):
    """Imports more modules into this running zygote (what its instances were seen importing), so that
    later forks inherit them; the reply is the zygote's new description."""
    extend_sys_path(request.get("sys_path") or [])
    names = [n for n in request.get("modules") or [] if isinstance(n, str) and n not in sys.modules]
    preloaded.import_all(names)
    settle_environment()
    freeze_heap()
    return preloaded.describe()


def fork_zygote(request, zygote_sockets, preloaded):
    """Forks a child zygote that keeps everything this one imported and imports request["modules"] too."""
    path = request.get("socket")
    if not isinstance(path, str):
        raise ValueError("fork_zygote request lacks string field 'socket'")
    listener = listen_unix(path, 1)  # before fork: the JVM connects at once and its ping waits for the imports
    parent_pid = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        listener.close()
        os.unlink(path)
        raise
    if pid == 0:
        exit_after(run_child_zygote, request, listener, zygote_sockets, parent_pid, preloaded)
    listener.close()
    return {"ok": True, "pid": pid}


def run_child_zygote(request, listener, zygote_sockets, parent_pid, preloaded):
    """The child side of fork_zygote: imports more, then serves as a zygote itself."""
    set_parent_death_signal()  # a child zygote dies with its parent: the tree is rebuilt from the root
    if os.getppid() != parent_pid:
        os._exit(0)
    for sock in zygote_sockets:
        sock.close()
    extend_sys_path(request.get("sys_path") or [])
    preloaded.import_all(request.get("modules") or [])
    reseed_random()
    settle_environment()
    freeze_heap()
    flush_std_streams()
    serve_zygote(listener, preloaded)


def serve_zygote_connection(listener, conn, preloaded):
    while True:
        try:
            frame = read_frame(conn, with_fds=True)
        except FrameError as e:
            send_quietly(conn, {"ok": False, "error": str(e)})
            return
        except (OSError, EOFError, ValueError):
            return
        if frame is None:
            return
        reply, ends = answer_zygote_request(frame[0], frame[2], [listener, conn], preloaded)
        try:
            write_frame(conn, reply)
            if ends:  # the spares' sockets, one marker byte carrying them all; the zygote keeps none
                socket.send_fds(conn, [b"S"], [end.fileno() for end in ends])
        except OSError:
            return
        finally:
            for end in ends:
                end.close()


def serve_zygote(listener, preloaded):
    while True:  # one connection at a time: the JVM keeps a single one open
        conn, _ = listener.accept()
        try:
            serve_zygote_connection(listener, conn, preloaded)
        finally:
            conn.close()


def zygote_main(args):
    """Mode zygote: preloads (a failure exits 2), prepares forks, prints READY and serves."""
    set_parent_death_signal()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps forked instances for us
    names = [m.strip() for m in (args.preload or "").split(",") if m.strip()]
    extend_sys_path([p for p in (args.sys_path or "").split(os.pathsep) if p])
    preloaded = Preloaded()
    preloaded.import_all(names)
    if preloaded.failed:  # the root's own preload list is configuration: a failure there is fatal
        for name, error in preloaded.failed.items():
            print("sockeye zygote: preload of module %r failed: %s" % (name, error), file=sys.stderr)
        sys.stderr.flush()
        sys.exit(2)
    warm_up_instance_path()
    inherited = os.environ.get("SOCKEYE_PIDNS_FD")
    if inherited:  # a sandboxed zygote: prepare sandboxed forks before the heap freezes
        PROCESS.pidns_fd = int(inherited)
        current_forks()
        settle_environment()
    freeze_heap()
    listener = listen_unix(args.socket, 1)
    print("READY %d" % os.getpid(), flush=True)
    serve_zygote(listener, preloaded)


def warm_up_instance_path():
    """Runs the instance's event path a few times in the zygote, so that a forked child finds its bytecode
    already specialised and its caches filled instead of writing (and so copying) those pages itself."""
    wire = {"topic": "t", "partition": 0, "offset": 0, "timestamp": 0, "key": 0, "value": 1,
            "headers": [["h", None]], "idempotency_key": "k"}
    handler = LoadedHandler.of(lambda event, context: {"n": [1, 2.5, "x"]}, True, function="warm-up")
    left, right = socket.socketpair()
    try:
        for _ in range(10):
            write_frame(left, {"op": "invoke", "mode": "each", "deadline_ms": None, "events": [wire]}, [b"k", b"{}"])
            header, blobs = read_frame(right)
            reply, out = answer_instance_request(handler, header, blobs)
            write_frame(right, reply, out)
            read_frame(left)
    finally:
        left.close()
        right.close()
    PROCESS.trace.clear()


def freeze_heap():
    """Moves every object the zygote holds out of the collector's reach, so that a forked child's garbage
    collections do not write to (and so copy) the pages it shares with the zygote."""
    gc.collect()
    gc.freeze()
