"""One invoke request (PROTOCOL.md, "Instance requests"): events built from the wire, the handler called once
per event (mode each) or once with the list (mode batch), and the reply with its output blobs."""

import json
import time
import traceback

from sockeye_runtime.frames import MAX_FRAME, frame_size
from sockeye_runtime.state import PROCESS
from sockeye_runtime.trace import micros_since

MAX_MESSAGE_BYTES = 4 * 1024
MAX_TRACEBACK_BYTES = 16 * 1024
JSON_TYPE = "application/json"
BYTES_TYPE = "application/octet-stream"


def _truncate(text, limit):
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


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
        "value": _blob(blobs, wire.get("value")) if wire.get("value_format") == "bytes"
        else _decode_value(_blob(blobs, wire.get("value"))),
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


def _load_error(handler):
    return error_result(handler.error[0], handler.error[1], handler.error[2], 0)


def run_event(handler, wire, blobs, deadline_ms, out_blobs):
    if handler.error is not None:
        return _load_error(handler)
    start = time.perf_counter_ns()
    try:
        event = build_event(wire, blobs)
        if handler.takes_context:
            result = handler.call(event, handler.context(wire.get("idempotency_key"), deadline_ms))
        else:
            result = handler.call(event)
        body, content_type = encode_output(result)
    except BaseException as e:  # the handler's code: SystemExit and KeyboardInterrupt too must become a result
        return error_result(type(e).__name__, str(e), traceback.format_exc(), micros_since(start))
    out_blobs.append(body)
    return {"status": "ok", "output": len(out_blobs) - 1, "content_type": content_type,
            "handler_us": micros_since(start)}


def _ok_result(output, out_blobs, handler_us):
    try:
        body, content_type = encode_output(output)
    except TypeError as e:
        return error_result("TypeError", str(e), "", handler_us)
    out_blobs.append(body)
    return {"status": "ok", "output": len(out_blobs) - 1, "content_type": content_type, "handler_us": handler_us}


def batch_outputs(result, wires):
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
        return [_load_error(handler) for _ in wires]
    start = time.perf_counter_ns()
    try:
        events = [build_event(w, blobs) for w in wires]
        if handler.takes_context:
            result = handler.call(events, handler.context(None, deadline_ms))
        else:
            result = handler.call(events)
        outputs, failed = batch_outputs(result, wires)
    except BaseException as e:  # the handler's code (SystemExit too): the whole batch failed
        us = micros_since(start) // max(1, len(wires))
        return [error_result(type(e).__name__, str(e), traceback.format_exc(), us) for _ in wires]
    us = micros_since(start) // max(1, len(wires))
    results = []
    for wire, output in zip(wires, outputs):
        if wire.get("idempotency_key") in failed:
            results.append(error_result("BatchItemFailure", "the handler named this item in batchItemFailures", "", us))
        else:
            results.append(_ok_result(output, out_blobs, us))
    return results


def invoke(handler, header, blobs):
    """The reply header and its output blobs for one invoke request."""
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
    trace = PROCESS.trace
    if trace:  # the first reply of a forked instance: how its cold start went, and what it imported itself
        trace.mark("handled")
        reply["trace"] = trace.take()
        reply["imported"] = PROCESS.imports.take()
    if frame_size(reply, out_blobs) > MAX_FRAME:
        return _too_large(reply, out_blobs)
    return reply, out_blobs


def _too_large(reply, out_blobs):
    size = sum(len(b) for b in out_blobs)
    message = "outputs of %d bytes do not fit in one %d-byte frame" % (size, MAX_FRAME)
    reply["results"] = [r if r["status"] == "error" else error_result("OutputTooLarge", message, "", r["handler_us"])
                        for r in reply["results"]]
    return reply, []
