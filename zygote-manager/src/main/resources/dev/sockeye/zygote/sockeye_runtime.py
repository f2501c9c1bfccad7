"""Sockeye Python runtime: the zygote fork server and the handler instance server.

The wire format (frames, requests, replies) is described in exactly one place:
zygote-manager/PROTOCOL.md in the Sockeye repository.

Modes:
  python3 sockeye_runtime.py zygote --socket PATH [--preload mod1,mod2]
  python3 sockeye_runtime.py instance --socket PATH --code-dir DIR --function NAME --version V

Standard library only; runs on Python 3.9+.
"""

import argparse
import ctypes
import importlib.util
import json
import os
import random
import signal
import socket
import struct
import sys
import time
import traceback

MAX_FRAME = 64 * 1024 * 1024
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


def read_frame(sock):
    """Returns (header, blobs), or None on a clean EOF between frames."""
    prefix = _recv_exact(sock, 4, eof_ok=True)
    if prefix is None:
        return None
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


def set_parent_death_signal():
    # Without this a zygote (or an instance) outlives a crashed JVM (or zygote).
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
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


def _truncate(text, limit):
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


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
        start = time.perf_counter_ns()
        self._load(code_dir)
        self.import_us = _micros_since(start)

    def _load(self, code_dir):
        try:
            path = os.path.join(code_dir, "f.py")
            spec = importlib.util.spec_from_file_location("f", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules["f"] = module
            spec.loader.exec_module(module)
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
        reply, out_blobs = answer_instance_request(handler, frame[0], frame[1])
        try:
            write_frame(conn, reply, out_blobs)
        except (OSError, FrameError):
            break
        flush_std_streams()
    flush_std_streams()
    os._exit(0)


def _send_quietly(conn, header):
    try:
        write_frame(conn, header)
    except (OSError, FrameError):
        pass


def prepare_instance(code_dir, env):
    os.environ.update(env)
    try:
        os.chdir(code_dir)
    except OSError:
        pass  # importing f.py reports the missing directory on every event, which is more useful than exiting
    sys.path.insert(0, code_dir)


# ---------------------------------------------------------------- zygote


def reseed_random():
    # A forked child shares the zygote's PRNG state; without reseeding every instance draws the same numbers.
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        try:
            numpy.random.seed()
        except Exception:
            pass


def run_forked_child(request, instance_listener, zygote_sockets, zygote_pid):
    """The instance side of fork(): never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # handlers may use subprocess, which needs wait()
        set_parent_death_signal()
        if os.getppid() != zygote_pid:  # the zygote died before prctl took effect
            os._exit(0)
        for sock in zygote_sockets:
            sock.close()
        reseed_random()
        prepare_instance(request["code_dir"], request.get("env") or {})
        serve_instance(instance_listener, request["function"], request.get("version"), request["code_dir"])
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        flush_std_streams()
        os._exit(code)


def fork_instance(request, zygote_sockets):
    for field in ("function", "code_dir", "instance_socket"):
        if not isinstance(request.get(field), str):
            raise ValueError("fork request lacks string field %r" % field)
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
        run_forked_child(request, instance_listener, zygote_sockets, zygote_pid)
    instance_listener.close()
    return {"ok": True, "pid": pid}


def answer_zygote_request(header, zygote_sockets, preloaded):
    op = header.get("op")
    try:
        if op == "ping":
            return {"ok": True, "pid": os.getpid(), "preloaded": preloaded}
        if op == "fork":
            return fork_instance(header, zygote_sockets)
        return {"ok": False, "error": "unsupported op %r on a zygote socket" % (op,)}
    except Exception as e:
        return {"ok": False, "error": "%s %s: %s: %s" % (op, header.get("function"), type(e).__name__, e)}


def serve_zygote_connection(listener, conn, preloaded):
    while True:
        try:
            frame = read_frame(conn)
        except FrameError as e:
            _send_quietly(conn, {"ok": False, "error": str(e)})
            return
        except (OSError, EOFError, ValueError):
            return
        if frame is None:
            return
        reply = answer_zygote_request(frame[0], (listener, conn), preloaded)
        try:
            write_frame(conn, reply)
        except OSError:
            return


def preload_modules(names):
    loaded = []
    for name in names:
        try:
            importlib.import_module(name)
        except BaseException as e:
            print("sockeye zygote: preload of module %r failed: %s: %s" % (name, type(e).__name__, e), file=sys.stderr)
            sys.stderr.flush()
            sys.exit(2)
        loaded.append(name)
    return loaded


def zygote_main(args):
    set_parent_death_signal()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps forked instances for us
    names = [m.strip() for m in (args.preload or "").split(",") if m.strip()]
    preloaded = preload_modules(names)
    listener = listen_unix(args.socket, 1)
    print("READY %d" % os.getpid(), flush=True)
    while True:  # one connection at a time: the JVM keeps a single one open
        conn, _ = listener.accept()
        try:
            serve_zygote_connection(listener, conn, preloaded)
        finally:
            conn.close()


def instance_main(args):
    set_parent_death_signal()
    code_dir = os.path.abspath(args.code_dir)
    prepare_instance(code_dir, {})
    listener = listen_unix(args.socket, 1)
    print("READY %d" % os.getpid(), flush=True)
    serve_instance(listener, args.function, args.version, code_dir)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="sockeye_runtime.py")
    modes = parser.add_subparsers(dest="mode", required=True)
    zygote = modes.add_parser("zygote", help="pre-import modules and fork handler instances on request")
    zygote.add_argument("--socket", required=True)
    zygote.add_argument("--preload", default="")
    instance = modes.add_parser("instance", help="serve one handler in this fresh interpreter")
    instance.add_argument("--socket", required=True)
    instance.add_argument("--code-dir", required=True)
    instance.add_argument("--function", required=True)
    instance.add_argument("--version", default="")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.mode == "zygote":
        zygote_main(args)
    else:
        instance_main(args)


if __name__ == "__main__":
    main()
