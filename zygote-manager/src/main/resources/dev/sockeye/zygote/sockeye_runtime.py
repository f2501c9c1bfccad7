"""Sockeye Python runtime: the zygote fork server and the handler instance server.

The wire format (frames, requests, replies) is described in exactly one place:
zygote-manager/PROTOCOL.md in the Sockeye repository.

Modes:
  python3 sockeye_runtime.py zygote --socket PATH [--preload mod1,mod2]
  python3 sockeye_runtime.py instance --socket PATH --code-dir DIR --function NAME --version V
  python3 sockeye_runtime.py enter --root DIR [--cgroup-procs F1,F2] -- COMMAND...

Sandboxed forks (descriptors over SCM_RIGHTS, chroot, namespaces, seccomp) are in the
"sandbox" section below.

Standard library only; runs on Python 3.9+.
"""

import argparse
import ctypes
import gc
import importlib.util
import json
import os
import random
import select
import resource
import signal
import socket
import struct
import sys
import time
import traceback

MAX_FRAME = 64 * 1024 * 1024
MAX_FDS = 16
MAX_MESSAGE_BYTES = 4 * 1024
MAX_TRACEBACK_BYTES = 16 * 1024
PR_SET_PDEATHSIG = 1
JSON_TYPE = "application/json"
BYTES_TYPE = "application/octet-stream"


class FrameError(Exception):
    """A frame violates PROTOCOL.md; the stream cannot be trusted afterwards."""


# ---------------------------------------------------------------- framing


def _recv_exact(sock, n, eof_ok=False):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            if eof_ok and got == 0:
                return None
            raise EOFError("peer closed the socket after %d of %d bytes" % (got, n))
        got += k
    return buf


def _recv_prefix_with_fds(sock):
    """Reads the 4-byte length prefix with recvmsg, so descriptors sent with the frame arrive too."""
    got, fds = b"", []
    while len(got) < 4:
        data, more, _, _ = socket.recv_fds(sock, 4 - len(got), MAX_FDS)
        fds.extend(more)
        if not data:
            for fd in fds:
                os.close(fd)
            if not got:
                return None, []
            raise EOFError("peer closed the socket after %d of 4 bytes" % len(got))
        got += data
    return got, fds


def read_frame(sock, with_fds=False):
    """Returns (header, blobs), or (header, blobs, fds) when with_fds; None on a clean EOF between frames."""
    fds = []
    if with_fds:
        prefix, fds = _recv_prefix_with_fds(sock)
    else:
        prefix = _recv_exact(sock, 4, eof_ok=True)
    if prefix is None:
        return None
    try:
        header, blobs = _read_rest(sock, prefix)
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return (header, blobs, fds) if with_fds else (header, blobs)


def _read_rest(sock, prefix):
    (n,) = struct.unpack(">I", prefix)
    if n > MAX_FRAME:
        raise FrameError("frame of %d bytes exceeds the %d-byte limit" % (n, MAX_FRAME))
    if n < 4:
        raise FrameError("frame length %d is shorter than its header length field" % n)
    rest = _recv_exact(sock, n)
    (h,) = struct.unpack_from(">I", rest, 0)
    if h > n - 4:
        raise FrameError("header length %d exceeds frame length %d" % (h, n))
    header = json.loads(bytes(rest[4:4 + h]).decode("utf-8"))
    if not isinstance(header, dict):
        raise FrameError("frame header is not a JSON object")
    return header, _split_blobs(header.get("blobs") or [], memoryview(rest)[4 + h:])


def _split_blobs(lengths, body):
    if sum(lengths) != len(body):
        raise FrameError("blob lengths add up to %d but the body has %d bytes" % (sum(lengths), len(body)))
    blobs, pos = [], 0
    for length in lengths:
        blobs.append(bytes(body[pos:pos + length]))
        pos += length
    return blobs


def frame_size(header, blobs):
    return 4 + len(_encode_header(header, blobs)) + sum(len(b) for b in blobs)


def _encode_header(header, blobs):
    if blobs:
        header = dict(header, blobs=[len(b) for b in blobs])
    return json.dumps(header, separators=(",", ":")).encode("utf-8")


def write_frame(sock, header, blobs=()):
    encoded = _encode_header(header, blobs)
    n = 4 + len(encoded) + sum(len(b) for b in blobs)
    if n > MAX_FRAME:
        raise FrameError("frame of %d bytes exceeds the %d-byte limit" % (n, MAX_FRAME))
    sock.sendall(b"".join([struct.pack(">II", n, len(encoded)), encoded] + [bytes(b) for b in blobs]))


# ---------------------------------------------------------------- process plumbing


_PRCTL = []  # libc's prctl, looked up once in the zygote: a lookup in each forked child costs ~3 ms of page faults


def set_parent_death_signal():
    # Without this a zygote (or an instance) outlives a crashed JVM (or zygote).
    try:
        if not _PRCTL:
            _PRCTL.append(ctypes.CDLL(None, use_errno=True).prctl)
        if _PRCTL[0](PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            print("sockeye: prctl(PR_SET_PDEATHSIG) failed: errno %d" % ctypes.get_errno(), file=sys.stderr)
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
    except BaseException:
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
    """Makes the instance's own pipes (write ends the JVM sent, indices stdout_fd/stderr_fd into fds) its fd 1
    and 2, so its output is captured apart from its zygote's and from other instances'. The caller closes the
    originals with the rest of fds. Old requests without them leave the inherited streams in place."""
    out, err = request.get("stdout_fd"), request.get("stderr_fd")
    if not isinstance(out, int) or not isinstance(err, int):
        return
    flush_std_streams()  # what the zygote (or spare) buffered is not the instance's
    os.dup2(fds[out], 1)
    os.dup2(fds[err], 2)


def _truncate(text, limit):
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


# Cold-start trace: (phase, CLOCK_MONOTONIC ns, minor faults so far) marks, reported once to the peer.
# On this project's VMs a copy-on-write fault costs ~20 us, so the fault count explains most of a phase.
_TRACE = []


def mark(phase):
    _TRACE.append((phase, time.perf_counter_ns(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt))


def mark_spare_prepared():
    """In a spare that just got its request: its hot pages were copied while it waited, before this point."""
    if HOT_PAGES.pages:
        mark("hot_pages_copied")


def take_trace():
    marks = [list(m) for m in _TRACE]
    del _TRACE[:]
    return marks


def _micros_since(start_ns):
    return (time.perf_counter_ns() - start_ns) // 1000


# ---------------------------------------------------------------- handler instance


class LambdaContext:
    """The AWS-Lambda-style context passed as handler(event, context)."""

    def __init__(self, function_name, function_version, idempotency_key, deadline_ms):
        self.function_name = function_name
        self.function_version = function_version
        self.idempotency_key = idempotency_key
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        if self._deadline_ms is None:
            return sys.maxsize
        return max(0, int(self._deadline_ms - time.time() * 1000))


class LoadedHandler:
    """The imported f.py: either a callable and its style, or the error to report on every event."""

    def __init__(self, function, version, code_dir):
        self.function = function
        self.version = version
        self.call = None
        self.takes_context = False
        self.error = None
        mark("import_start")
        start = time.perf_counter_ns()
        self._load(code_dir)
        self.import_us = _micros_since(start)
        mark("imported")

    def _load(self, code_dir):
        try:
            # compile + exec rather than importlib's spec machinery: same module, a fraction of the child's faults
            path = os.path.join(code_dir, "f.py")
            with open(path, "rb") as source:
                code = compile(source.read(), path, "exec")
            module = type(sys)("f")
            module.__file__ = path
            sys.modules["f"] = module
            exec(code, module.__dict__)
        except BaseException as e:  # SyntaxError, ImportError, SystemExit...: report, keep serving
            self.error = (type(e).__name__, str(e), traceback.format_exc())
            return
        if callable(getattr(module, "handler", None)):
            self.call, self.takes_context = module.handler, True
        elif callable(getattr(module, "f", None)):
            self.call = module.f
        else:
            self.error = ("HandlerNotFound", "f.py defines neither handler(event, context) nor f(event)", "")


def _blob(blobs, index):
    return None if index is None else blobs[index]


def _decode_key(raw):
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _decode_value(raw):
    if raw is None:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return raw


def build_event(wire, blobs):
    headers = {}
    for name, index in wire.get("headers") or []:
        headers[name] = _blob(blobs, index)  # later duplicates win, as documented
    return {
        "topic": wire.get("topic"),
        "partition": wire.get("partition"),
        "offset": wire.get("offset"),
        "timestamp": wire.get("timestamp"),
        "key": _decode_key(_blob(blobs, wire.get("key"))),
        "value": _decode_value(_blob(blobs, wire.get("value"))),
        "headers": headers,
    }


def encode_output(result):
    if isinstance(result, (bytes, bytearray, memoryview)):
        return bytes(result), BYTES_TYPE
    try:
        return json.dumps(result, allow_nan=False).encode("utf-8"), JSON_TYPE
    except (TypeError, ValueError, RecursionError) as e:
        raise TypeError("handler result of type %s is not JSON-serialisable: %s" % (type(result).__name__, e))


def error_result(error_type, message, trace, handler_us):
    return {
        "status": "error",
        "error_type": error_type,
        "error_message": _truncate(message, MAX_MESSAGE_BYTES),
        "traceback": _truncate(trace, MAX_TRACEBACK_BYTES),
        "handler_us": handler_us,
    }


def run_event(handler, wire, blobs, deadline_ms, out_blobs):
    if handler.error is not None:
        return error_result(handler.error[0], handler.error[1], handler.error[2], 0)
    start = time.perf_counter_ns()
    try:
        event = build_event(wire, blobs)
        if handler.takes_context:
            context = LambdaContext(handler.function, handler.version, wire.get("idempotency_key"), deadline_ms)
            result = handler.call(event, context)
        else:
            result = handler.call(event)
        body, content_type = encode_output(result)
    except BaseException as e:  # includes SystemExit from the handler: it must become a reply
        return error_result(type(e).__name__, str(e), traceback.format_exc(), _micros_since(start))
    out_blobs.append(body)
    return {"status": "ok", "output": len(out_blobs) - 1, "content_type": content_type,
            "handler_us": _micros_since(start)}


def _ok_result(output, out_blobs, handler_us):
    try:
        body, content_type = encode_output(output)
    except TypeError as e:
        return error_result("TypeError", str(e), "", handler_us)
    out_blobs.append(body)
    return {"status": "ok", "output": len(out_blobs) - 1, "content_type": content_type, "handler_us": handler_us}


def _batch_outputs(result, wires):
    """Per-event outputs and the set of failed idempotency keys, from what a batch handler returned."""
    failed = set()
    outputs = None
    if isinstance(result, dict) and "batchItemFailures" in result:
        for item in result.get("batchItemFailures") or []:
            failed.add(item.get("itemIdentifier") if isinstance(item, dict) else item)
        outputs = result.get("results")
    elif isinstance(result, list) and len(result) == len(wires):
        outputs = result
    if not (isinstance(outputs, list) and len(outputs) == len(wires)):
        outputs = [None if failed else result] * len(wires)
    return outputs, failed


def run_batch(handler, wires, blobs, deadline_ms, out_blobs):
    """Calls the handler once with the list of events; see PROTOCOL.md for what it may return."""
    if handler.error is not None:
        return [error_result(handler.error[0], handler.error[1], handler.error[2], 0) for _ in wires]
    start = time.perf_counter_ns()
    try:
        events = [build_event(w, blobs) for w in wires]
        if handler.takes_context:
            context = LambdaContext(handler.function, handler.version, None, deadline_ms)
            result = handler.call(events, context)
        else:
            result = handler.call(events)
        outputs, failed = _batch_outputs(result, wires)
    except BaseException as e:  # the whole batch failed
        us = _micros_since(start) // max(1, len(wires))
        return [error_result(type(e).__name__, str(e), traceback.format_exc(), us) for _ in wires]
    us = _micros_since(start) // max(1, len(wires))
    results = []
    for wire, output in zip(wires, outputs):
        if wire.get("idempotency_key") in failed:
            results.append(error_result("BatchItemFailure", "the handler named this item in batchItemFailures", "", us))
        else:
            results.append(_ok_result(output, out_blobs, us))
    return results


def invoke(handler, header, blobs):
    events = header.get("events") or []
    mode = header.get("mode", "each")
    out_blobs = []
    if mode == "batch":
        results = run_batch(handler, events, blobs, header.get("deadline_ms"), out_blobs)
    elif mode != "each":
        message = "unsupported mode %r: this runtime supports 'each' and 'batch'" % (mode,)
        results = [error_result("UnsupportedMode", message, "", 0) for _ in events]
    else:
        results = [run_event(handler, ev, blobs, header.get("deadline_ms"), out_blobs) for ev in events]
    reply = {"import_us": handler.import_us, "results": results}
    if _TRACE:  # the first reply of a forked instance: how its cold start went, and what it imported itself
        mark("handled")
        reply["trace"] = take_trace()
        reply["imported"] = IMPORTS.take()
    if frame_size(reply, out_blobs) > MAX_FRAME:
        return _too_large(reply, out_blobs)
    return reply, out_blobs


def _too_large(reply, out_blobs):
    size = sum(len(b) for b in out_blobs)
    message = "outputs of %d bytes do not fit in one %d-byte frame" % (size, MAX_FRAME)
    reply["results"] = [r if r["status"] == "error" else error_result("OutputTooLarge", message, "", r["handler_us"])
                        for r in reply["results"]]
    return reply, []


def answer_instance_request(handler, header, blobs):
    try:
        if header.get("op") != "invoke":
            return {"error": "unsupported op %r on an instance socket" % (header.get("op"),)}, []
        return invoke(handler, header, blobs)
    except BaseException as e:  # never let the serving loop die on a bad request
        return {"error": "invoke: %s: %s" % (type(e).__name__, e)}, []


def serve_instance(listener, function, version, code_dir):
    """Imports f.py, accepts one connection and serves it; exits the process at EOF."""
    handler = LoadedHandler(function, version, code_dir)
    conn, _ = listener.accept()
    listener.close()
    _serve(conn, handler)


def serve_connection(conn, function, version, code_dir):
    """As serve_instance, on a connection already accepted."""
    _serve(conn, LoadedHandler(function, version, code_dir))


def _serve(conn, handler):
    mark("accepted")
    while True:
        try:
            frame = read_frame(conn)
        except FrameError as e:
            _send_quietly(conn, {"error": str(e)})
            break
        except (OSError, EOFError, ValueError):
            break
        if frame is None:
            break
        if _TRACE:
            mark("request_read")
        reply, out_blobs = answer_instance_request(handler, frame[0], frame[1])
        flush_std_streams()  # before the reply: the JVM attributes what is in the pipes then to this invocation
        try:
            write_frame(conn, reply, out_blobs)
        except (OSError, FrameError):
            break
    flush_std_streams()
    os._exit(0)


def _send_quietly(conn, header):
    try:
        write_frame(conn, header)
    except (OSError, FrameError):
        pass


def extend_sys_path(paths):
    """Appends package directories, keeping the order given and skipping ones already present."""
    for path in paths or ():
        if path not in sys.path:
            sys.path.append(path)


def prepare_instance(code_dir, env, sys_path=()):
    os.environ.update(env)
    try:
        os.chdir(code_dir)
    except OSError:
        pass  # importing f.py reports the missing directory on every event, which is more useful than exiting
    extend_sys_path(sys_path)  # the function's packages, after what its zygote already has
    sys.path.insert(0, code_dir)



# ---------------------------------------------------------------- sandbox
#
# The JVM builds each sandbox (mounts, cgroup, network namespace) and sends the zygote open descriptors:
# the sandbox's root directory, its cgroup.procs files and a network namespace. The zygote never has a path
# to any sandbox; only the forked child uses the descriptors, then closes them.

CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWCGROUP = 0x02000000
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000

# Syscalls a handler never needs and that open ways out of a sandbox (the denials OpenLambda and Docker's
# default profile share). clone is checked separately: only its namespace flags are refused.
_DENIED = {
    # x86_64
    0xC000003E: dict(clone=56, clone3=435, nrs=[
        101, 165, 166, 272, 308, 161, 155, 246, 320, 175, 313, 176, 321, 298, 250, 248, 249, 323, 310, 311,
        303, 304, 163, 167, 168, 169, 139, 134, 153, 154, 170, 171, 425, 426, 427, 428, 429, 430, 431, 432]),
    # aarch64
    0xC00000B7: dict(clone=220, clone3=435, nrs=[
        117, 40, 39, 97, 268, 51, 41, 104, 294, 105, 273, 106, 280, 241, 219, 217, 218, 282, 270, 271,
        264, 265, 89, 224, 225, 142, 161, 162, 425, 426, 427, 428, 429, 430, 431, 432]),
}


_LIBC = None


def _libc():
    # Loaded once per zygote and inherited: a child that loads it again pays for it in copy-on-write faults.
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
    return _LIBC


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def _bpf(code, k, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k & 0xFFFFFFFF)


def seccomp_program():
    """A filter that refuses namespace, mount, chroot, ptrace, module and key syscalls with EPERM."""
    import platform  # imported by the zygote once (see SandboxForks), never by a child
    arch = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}.get(platform.machine())
    if arch is None:
        raise OSError("seccomp: no syscall table for machine %s" % platform.machine())
    table = _DENIED[arch]
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    eperm = SECCOMP_RET_ERRNO | 1
    prog = [_bpf(ld, 4), _bpf(jeq, arch, 1, 0), _bpf(ret, SECCOMP_RET_KILL_PROCESS), _bpf(ld, 0),
            _bpf(jge, 0x40000000, 0, 1), _bpf(ret, eperm)]
    for nr in table["nrs"]:
        prog += [_bpf(jeq, nr, 0, 1), _bpf(ret, eperm)]
    prog += [_bpf(jeq, table["clone3"], 0, 1), _bpf(ret, SECCOMP_RET_ERRNO | 38)]  # ENOSYS: libc falls back to clone
    ns_flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWCGROUP
    prog += [_bpf(jeq, table["clone"], 0, 3), _bpf(ld, 16), _bpf(jset, ns_flags, 0, 1), _bpf(ret, eperm),
             _bpf(ret, SECCOMP_RET_ALLOW)]
    return b"".join(prog), len(prog)


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class SeccompFilter:
    """The compiled filter, built once in the zygote; a forked child only passes the pointer to prctl."""

    def __init__(self):
        code, count = seccomp_program()
        self._buffer = ctypes.create_string_buffer(code, len(code))
        self._prog = _Fprog(count, ctypes.addressof(self._buffer))

    def install(self, libc):
        _check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(self._prog), 0, 0),
               "prctl(PR_SET_SECCOMP)")


def drop_privileges(libc, uid, seccomp):
    """Unprivileged uid/gid, no supplementary groups, no capabilities, no way to regain any."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # leaving uid 0 clears the permitted and effective capability sets
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    seccomp.install(libc)


def enter_sandbox(libc, box, fds, keep=()):
    """In the forked child, still root: move into the sandbox's root, cgroup and network namespace."""
    os.fchdir(fds[box["root_fd"]])
    os.chroot(".")
    os.chdir("/")
    for index in box.get("cgroup_fds") or []:
        os.write(fds[index], b"0")  # "0" moves the writer itself, in cgroup v1 and v2
    if box.get("netns_fd") is not None:
        _check(libc.setns(fds[box["netns_fd"]], CLONE_NEWNET), "setns(net)")
    # The PID namespace was made by the zygote before the fork; UTS and IPC by the spare while it waited.
    # A procfs of that PID namespace: the instance sees its own processes only. It lives in the service's mount
    # namespace under the sandbox root and goes with the root's lazy unmount.
    _check(libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None), "mount /proc")
    for fd in fds:
        if fd not in keep:
            os.close(fd)


# [True, the descriptor of its PID namespace] in a zygote started by `enter` inside its own sandbox.
_SANDBOXED_ZYGOTE = [False, None]


class SandboxForks:
    """What a zygote prepares so that a sandboxed fork costs little on the request's path: libc and its symbols,
    the compiled seccomp filter, a descriptor of its own PID namespace (to return to after each
    unshare(CLONE_NEWPID)), and a pidfd of itself (by which a child learns whether the zygote died before
    PR_SET_PDEATHSIG took effect). Spares forked ahead of demand are held by the JVM (op "spares"). Per process:
    a child zygote builds its own."""

    _current = None

    def __init__(self):
        self.pid = os.getpid()
        self.libc = _libc()
        for name in ("prctl", "setns", "unshare", "sethostname", "mount"):
            getattr(self.libc, name)  # resolved here once (dlsym, ctypes objects), not in every child
        self.seccomp = SeccompFilter()
        self.own_pidns = self._own_pid_namespace()
        self.pidfd = os.pidfd_open(self.pid)

    @staticmethod
    def _own_pid_namespace():
        if _SANDBOXED_ZYGOTE[1] is not None:  # opened by `enter` before the chroot (no /proc inside)
            return _SANDBOXED_ZYGOTE[1]
        return os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)

    @classmethod
    def get(cls):
        if cls._current is None or cls._current.pid != os.getpid():
            cls._current = SandboxForks()
        return cls._current

    def zygote_alive(self):
        return not select.select([self.pidfd], [], [], 0)[0]  # a pidfd turns readable when its process exits

    def hand_over(self, request, fds, zygote_sockets):
        """Forks a spare now (the JVM had none left) and gives it the request and its descriptors; returns its pid."""
        data = _frame_bytes(request)
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
        _check(self.libc.unshare(CLONE_NEWPID), "unshare(pid)")
        try:
            return _fork_spare(lambda sock, foreign: run_spare(sock, foreign, self), zygote_sockets)
        finally:
            if os.getpid() == self.pid:
                _check(self.libc.setns(self.own_pidns, CLONE_NEWPID), "setns(own pid namespace)")


def _fork_spare(run, zygote_sockets):
    """Forks a child that runs run(its end of a new socketpair, the sockets it must close), which never returns;
    returns (pid, the holder's end)."""
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        pid = os.fork()
        if pid == 0:
            run(theirs, list(zygote_sockets) + [mine])
    except BaseException:
        mine.close()
        raise
    finally:
        theirs.close()
    return pid, mine


def _frame_bytes(header):
    encoded = _encode_header(header, ())
    return struct.pack(">II", 4 + len(encoded), len(encoded)) + encoded


def run_spare(sock, foreign_sockets, forks):
    """A sandboxed spare, PID 1 of its own PID namespace, still in the zygote's sandbox: waits for one sandboxed
    fork request (with its descriptors) from the holder of its socket (the JVM, or the zygote when it forked the
    spare on demand), then becomes that instance. Never returns; exits quietly when the holder closes the
    socket."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _check(forks.libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
        for other in foreign_sockets:
            other.close()
        if not forks.zygote_alive():
            os._exit(0)
        prepare_spare(forks.libc)
        frame = _await_request(sock)
        if frame is None:
            os._exit(0)
        code = 0
        run_sandboxed_instance(frame[0], frame[2], forks)
    except BaseException:
        traceback.print_exc()
    finally:
        flush_std_streams()
        os._exit(code)


def _await_request(sock):
    """Tells the holder of the spare's socket that the spare is prepared (one byte, read only by benchmarks that
    wait for steady state), then waits for the one request; None when the holder closed the socket instead."""
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


SANDBOX_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
               "USER": "sandbox"}
# [True] once this (sandboxed) zygote's own environment is SANDBOX_ENV, so its spares need not clear theirs.
_ENVIRONMENT = [False]


def settle_environment():
    """In a sandboxed zygote, after its imports: replaces the service's environment (inherited through `enter`)
    with SANDBOX_ENV once, so no spare has to. Clearing it in every spare cost ~100 copy-on-write faults
    (~3 ms of CPU) per sandbox, touching each inherited string; and package code imported later in this zygote
    or a child zygote no longer sees the service's variables. Called again after every later import, in case
    import-time code set a variable."""
    if not _SANDBOXED_ZYGOTE[0]:
        return
    if dict(os.environ) != SANDBOX_ENV:
        os.environ.clear()
        os.environ.update(SANDBOX_ENV)
    _ENVIRONMENT[0] = True


def prepare_spare(libc):
    """Everything of becoming an instance that does not depend on the sandbox, done while the spare waits: on
    this machine class a first write to a page shared with the zygote (copy-on-write) is the dominant cost, so
    the work and the page copies it causes happen here, off the request's path."""
    HOT_PAGES.copy()  # the pages the zygote's earlier instances wrote, copied in bulk while no request waits
    reseed_random()
    if not _ENVIRONMENT[0]:  # a sandboxed zygote settled it once for all its children (settle_environment)
        os.environ.clear()
        os.environ.update(SANDBOX_ENV)
    _check(libc.unshare(CLONE_NEWUTS | CLONE_NEWIPC), "unshare(uts, ipc)")
    hostname = b"sandbox"
    _check(libc.sethostname(hostname, len(hostname)), "sethostname")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    # Warm the paths the request takes (frame decoding, the readiness frame), so their pages are copied now.
    json.loads(json.dumps({"op": "fork", "sandbox": {"root_fd": 0, "cgroup_fds": [1, 2], "uid": 1}}))
    _encode_header({"ready": True}, ())


def _send_ready(listener, header):
    """Accepts the JVM's connection (already queued on the listener) and sends the readiness frame."""
    conn, _ = listener.accept()
    listener.close()
    write_frame(conn, header)
    return conn


def run_sandboxed_instance(request, fds, forks):
    """Becomes the instance of a sandboxed fork, as PID 1 of its own PID namespace: enters the sandbox, drops
    privileges, tells the JVM it is ready on the connection and serves. Never returns."""
    del _TRACE[:]  # the zygote's marks
    mark("child")
    mark_spare_prepared()
    code = 1
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
        conn = _send_ready(listener, {"ready": True})
        listener = None
        prepare_instance(request["code_dir"], request.get("env") or {}, request.get("sys_path") or [])
        IMPORTS.start()
        serve_connection(conn, request["function"], request.get("version"), request["code_dir"])
        code = 0
    except BaseException as e:
        if listener is not None:  # the JVM is waiting on the connection: tell it why
            try:
                _send_ready(listener, {"error": "enter sandbox: %s: %s" % (type(e).__name__, e)})
            except BaseException:
                pass
        traceback.print_exc()
    finally:
        flush_std_streams()
        os._exit(code)


def fork_sandboxed(request, fds, zygote_sockets):
    """Hands the request to a spare child (see SandboxForks) and replies at once. The child signals readiness
    itself, on the listening socket the JVM sent (index listen_fd), so the zygote is free for the next fork."""
    box = request.get("sandbox")
    if not isinstance(box, dict) or not isinstance(box.get("listen_fd"), int):
        raise ValueError("sandboxed fork request lacks 'sandbox' or its 'listen_fd'")
    return {"ok": True, "pid": SandboxForks.get().hand_over(request, fds, zygote_sockets)}


def enter_main(args):
    """Run COMMAND inside a sandbox root, in its cgroups and in a new network namespace (for zygotes)."""
    libc = _libc()
    for path in [p for p in (args.cgroup_procs or "").split(",") if p]:
        with open(path, "w") as f:
            f.write("0")
    _check(libc.unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare(net, ipc, uts)")
    pidns = os.open("/proc/self/ns/pid", os.O_RDONLY)  # the zygote returns to it after each sandboxed fork
    os.set_inheritable(pidns, True)
    os.environ["SOCKEYE_PIDNS_FD"] = str(pidns)
    os.chroot(args.root)
    os.chdir("/")
    command = args.command[1:] if args.command and args.command[0] == "--" else args.command
    if not command:
        raise SystemExit("enter: no command given")
    os.execv(command[0], command)

# ---------------------------------------------------------------- zygote


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


class ImportRecorder:
    """A meta path finder that finds nothing: it notes which modules an instance imports beyond its zygote,
    so that the zygote tree can import them in the zygotes that hold their packages (PIL.Image, say,
    when the package only names PIL). Cheap: it runs only for modules not yet in sys.modules."""

    def __init__(self):
        self.names = []

    def find_spec(self, fullname, path=None, target=None):
        self.names.append(fullname)
        return None

    def start(self):
        del self.names[:]
        sys.meta_path.insert(0, self)

    def take(self):
        """The recorded modules that did get imported; stops recording."""
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        names = [n for n in self.names if n in sys.modules]
        del self.names[:]
        return names


IMPORTS = ImportRecorder()


class HotPages:
    """Pages of this zygote that its instances were seen to write early (learned by the JVM from the instances'
    /proc/PID/pagemap). A forked child copies them in one madvise(MADV_POPULATE_WRITE) per run before it does
    anything else: on this project's VMs a copy-on-write fault costs ~20 us as a trap but ~2 us in bulk, so
    the copies a child would make anyway get ~8x cheaper. Pages an instance would not have touched cost
    memory, so the JVM caps the set."""

    MADV_POPULATE_READ = 22  # Linux 5.14+
    MADV_POPULATE_WRITE = 23
    PAGE = os.sysconf("SC_PAGE_SIZE")

    def __init__(self):
        self.runs = []  # (first page number, page count): private pages the instances wrote
        self.read_runs = []  # the same, of file mappings they read (code of extension modules, mostly)
        self.pages = 0
        self._madvise = None
        self._checksum = None

    def learn(self, runs, read_runs=()):
        if self._madvise is None:
            fn = ctypes.CDLL(None, use_errno=True).madvise
            fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
            self._madvise = fn
            import zlib  # here, in the zygote: a child never imports it for this
            self._checksum = zlib.adler32
        self.runs = [(int(a), int(n)) for a, n in runs if int(n) > 0]
        self.read_runs = [(int(a), int(n)) for a, n in read_runs if int(n) > 0]
        self.pages = sum(n for _, n in self.runs) + sum(n for _, n in self.read_runs)
        return {"ok": True, "hot_pages": self.pages}

    def copy(self):
        """In a forked child: copies the hot pages now and reads them once. On this machine class (a PVM guest)
        a page the new process has not touched yet costs it a trap on first access even when its page table
        already maps it: after a bulk populate, the first call of a pandas handler still took 12 ms; with the
        pages also read here, 4 ms. A range whose madvise fails (unmapped now, old kernel) is not touched."""
        madvise, page = self._madvise, self.PAGE
        for runs, advice in ((self.runs, self.MADV_POPULATE_WRITE), (self.read_runs, self.MADV_POPULATE_READ)):
            for first, count in runs:
                if madvise(first * page, count * page, advice) == 0:
                    self._checksum((ctypes.c_char * (count * page)).from_address(first * page))


HOT_PAGES = HotPages()


def run_forked_child(request, instance_listener, zygote_sockets, zygote_pid, fds=()):
    """The instance side of fork(): never returns."""
    code = 1
    del _TRACE[:]  # the zygote's marks
    mark("child")
    try:
        adopt_output(request, fds)
        for fd in fds:
            os.close(fd)
        HOT_PAGES.copy()
        mark("hot_pages_copied")
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # handlers may use subprocess, which needs wait()
        set_parent_death_signal()
        if os.getppid() != zygote_pid:  # the zygote died before prctl took effect
            os._exit(0)
        for sock in zygote_sockets:
            sock.close()
        reseed_random()
        mark("reseeded")
        prepare_instance(request["code_dir"], request.get("env") or {}, request.get("sys_path") or [])
        IMPORTS.start()
        serve_instance(instance_listener, request["function"], request.get("version"), request["code_dir"])
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        flush_std_streams()
        os._exit(code)


def spawn_plain_spare(zygote_sockets):
    """Forks an unsandboxed spare: a child that does everything of becoming an instance that does not depend on
    the request (hot pages, reseeding, parent-death signal) ahead of demand; returns (pid, holder's socket)."""
    zygote_pid = os.getpid()
    return _fork_spare(lambda sock, foreign: run_plain_spare(sock, foreign, zygote_pid), zygote_sockets)


def run_plain_spare(sock, foreign_sockets, zygote_pid):
    """The unsandboxed spare: prepares, waits for one fork request with the instance's listening socket (index
    listen_fd), then becomes that instance and says so on the listener's first connection. Never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # handlers may use subprocess, which needs wait()
        set_parent_death_signal()
        if os.getppid() != zygote_pid:  # the zygote died before prctl took effect
            os._exit(0)
        for other in foreign_sockets:
            other.close()
        HOT_PAGES.copy()
        reseed_random()
        frame = _await_request(sock)
        if frame is None:
            os._exit(0)
        request, fds = frame[0], frame[2]
        del _TRACE[:]  # the zygote's marks
        mark("child")
        mark_spare_prepared()
        listener = socket.socket(fileno=fds[request["listen_fd"]])
        adopt_output(request, fds)
        for fd in fds:
            if fd != listener.fileno():
                os.close(fd)
        conn = _send_ready(listener, {"ready": True})
        prepare_instance(request["code_dir"], request.get("env") or {}, request.get("sys_path") or [])
        IMPORTS.start()
        code = 0
        serve_connection(conn, request["function"], request.get("version"), request["code_dir"])
    except BaseException:
        traceback.print_exc()
    finally:
        flush_std_streams()
        os._exit(code)


def make_spares(request, zygote_sockets):
    """Forks spares whose sockets go to the JVM (which sends each one fork request directly, so the zygote is
    not on the request's path); returns the reply and the JVM's socket ends, sent after the reply."""
    count = request.get("count")
    if not isinstance(count, int) or not 0 < count <= 64:
        raise ValueError("spares request needs 'count' between 1 and 64")
    sandboxed = bool(request.get("sandboxed"))
    forks = SandboxForks.get() if sandboxed else None
    pids, ends = [], []
    try:
        for _ in range(count):
            pid, end = forks.spawn(list(zygote_sockets) + ends) if sandboxed else spawn_plain_spare(
                list(zygote_sockets) + ends)
            pids.append(pid)
            ends.append(end)
    except BaseException:
        for end in ends:
            end.close()
        raise
    return {"ok": True, "pids": pids}, ends


def fork_instance(request, zygote_sockets, fds=()):
    for field in ("function", "code_dir", "instance_socket"):
        if not isinstance(request.get(field), str):
            raise ValueError("fork request lacks string field %r" % field)
    mark("fork_request")
    path = request["instance_socket"]
    # Listen before fork so the JVM can connect as soon as it has the reply, without polling.
    instance_listener = listen_unix(path, 1)
    zygote_pid = os.getpid()
    try:
        pid = os.fork()
    except BaseException:
        instance_listener.close()
        os.unlink(path)
        raise
    if pid == 0:
        run_forked_child(request, instance_listener, zygote_sockets, zygote_pid, fds)
    mark("forked")
    instance_listener.close()
    return {"ok": True, "pid": pid, "trace": take_trace()}


class Preloaded:
    """What this zygote imported (inherited from its parent zygote or its own), with the cost of each."""

    def __init__(self):
        self.modules = []
        self.import_us = {}
        self.failed = {}

    def import_all(self, names):
        for name in names:
            start = time.perf_counter_ns()
            try:
                importlib.import_module(name)
            except BaseException as e:  # a module that fails to import is left out, not fatal to a child zygote
                self.failed[name] = "%s: %s" % (type(e).__name__, e)
                continue
            self.modules.append(name)
            self.import_us[name] = _micros_since(start)

    def describe(self):
        return {"ok": True, "pid": os.getpid(), "preloaded": self.modules, "import_us": self.import_us,
                "failed": self.failed}


def import_more(request, preloaded):
    """Imports more modules into this running zygote (what its instances were seen importing), so that
    later forks inherit them; the reply is the zygote's new description."""
    extend_sys_path(request.get("sys_path") or [])
    names = [n for n in request.get("modules") or [] if isinstance(n, str) and n not in sys.modules]
    preloaded.import_all(names)
    settle_environment()
    freeze_heap()
    return preloaded.describe()


def run_child_zygote(request, listener, zygote_sockets, parent_pid, preloaded):
    """The child side of fork_zygote: imports more, then serves as a zygote itself. Never returns."""
    code = 1
    try:
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
    except BaseException:
        traceback.print_exc()
    finally:
        flush_std_streams()
        os._exit(code)


def fork_zygote(request, zygote_sockets, preloaded):
    """Forks a child zygote that keeps everything this one imported and imports request["modules"] too."""
    path = request.get("socket")
    if not isinstance(path, str):
        raise ValueError("fork_zygote request lacks string field 'socket'")
    listener = listen_unix(path, 1)  # before fork: the JVM connects at once and its ping waits for the imports
    parent_pid = os.getpid()
    try:
        pid = os.fork()
    except BaseException:
        listener.close()
        os.unlink(path)
        raise
    if pid == 0:
        run_child_zygote(request, listener, zygote_sockets, parent_pid, preloaded)
    listener.close()
    return {"ok": True, "pid": pid}


def answer_zygote_request(header, fds, zygote_sockets, preloaded):
    op = header.get("op")
    try:
        if op == "ping":
            return preloaded.describe()
        if op == "fork" and header.get("sandbox") is not None:
            return fork_sandboxed(header, fds, zygote_sockets)
        if op == "fork":
            return fork_instance(header, zygote_sockets, fds)
        if op == "fork_zygote":
            return fork_zygote(header, zygote_sockets, preloaded)
        if op == "spares":
            reply, ends = make_spares(header, zygote_sockets)
            header["_ends"] = ends  # sent by the serving loop after the reply
            return reply
        if op == "import":
            return import_more(header, preloaded)
        if op == "hot_pages":
            return HOT_PAGES.learn(header.get("runs") or [], header.get("read_runs") or [])
        return {"ok": False, "error": "unsupported op %r on a zygote socket" % (op,)}
    except Exception as e:
        return {"ok": False, "error": "%s %s: %s: %s" % (op, header.get("function"), type(e).__name__, e)}
    finally:
        for fd in fds:  # the zygote keeps no descriptor of any sandbox
            os.close(fd)


def serve_zygote_connection(listener, conn, preloaded):
    while True:
        try:
            frame = read_frame(conn, with_fds=True)
        except FrameError as e:
            _send_quietly(conn, {"ok": False, "error": str(e)})
            return
        except (OSError, EOFError, ValueError):
            return
        if frame is None:
            return
        reply = answer_zygote_request(frame[0], frame[2], [listener, conn], preloaded)
        ends = frame[0].pop("_ends", [])
        try:
            write_frame(conn, reply)
            if ends:  # the spares' sockets, one marker byte carrying them all; the zygote keeps none
                socket.send_fds(conn, [b"S"], [end.fileno() for end in ends])
        except OSError:
            return
        finally:
            for end in ends:
                end.close()


def zygote_main(args):
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
        _SANDBOXED_ZYGOTE[:] = [True, int(inherited)]
        SandboxForks.get()
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
    handler = LoadedHandler.__new__(LoadedHandler)
    handler.function, handler.version, handler.error, handler.import_us = "warm-up", "", None, 0
    handler.call, handler.takes_context = (lambda event, context: {"n": [1, 2.5, "x"]}), True
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
    del _TRACE[:]


def freeze_heap():
    """Moves every object the zygote holds out of the collector's reach, so that a forked child's garbage
    collections do not write to (and so copy) the pages it shares with the zygote."""
    gc.collect()
    gc.freeze()


def serve_zygote(listener, preloaded):
    while True:  # one connection at a time: the JVM keeps a single one open
        conn, _ = listener.accept()
        try:
            serve_zygote_connection(listener, conn, preloaded)
        finally:
            conn.close()


def instance_main(args):
    set_parent_death_signal()
    code_dir = os.path.abspath(args.code_dir)
    prepare_instance(code_dir, {}, [p for p in (args.sys_path or "").split(os.pathsep) if p])
    listener = listen_unix(args.socket, 1)
    print("READY %d" % os.getpid(), flush=True)
    serve_instance(listener, args.function, args.version, code_dir)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="sockeye_runtime.py")
    modes = parser.add_subparsers(dest="mode", required=True)
    zygote = modes.add_parser("zygote", help="pre-import modules and fork handler instances on request")
    zygote.add_argument("--socket", required=True)
    zygote.add_argument("--preload", default="")
    zygote.add_argument("--sys-path", default="", help="package directories, joined with os.pathsep")
    instance = modes.add_parser("instance", help="serve one handler in this fresh interpreter")
    instance.add_argument("--socket", required=True)
    instance.add_argument("--code-dir", required=True)
    instance.add_argument("--function", required=True)
    instance.add_argument("--version", default="")
    enter = modes.add_parser("enter", help="run a command (a zygote) inside a sandbox root and its cgroups")
    enter.add_argument("--root", required=True)
    enter.add_argument("--cgroup-procs", default="")
    enter.add_argument("command", nargs=argparse.REMAINDER)
    instance.add_argument("--sys-path", default="", help="package directories, joined with os.pathsep")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.mode == "zygote":
        zygote_main(args)
    elif args.mode == "enter":
        enter_main(args)
    else:
        instance_main(args)


if __name__ == "__main__":
    main()
