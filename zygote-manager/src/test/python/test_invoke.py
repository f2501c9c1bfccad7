"""Invoke requests: events from the wire, single and batch outputs, partial-batch failures, errors and
tracebacks, replies too large for a frame."""

import json
import unittest
from unittest import mock

import support
from sockeye_runtime import invoke as invoke_module
from sockeye_runtime.handler import LoadedHandler
from sockeye_runtime.instance import answer_instance_request
from sockeye_runtime.invoke import BYTES_TYPE, JSON_TYPE, build_event, invoke
from sockeye_runtime.state import PROCESS


def handler(call, takes_context=False):
    return LoadedHandler.of(call, takes_context, function="fn", version="1")


def run(call, values, mode="each", keys=None, takes_context=False):
    PROCESS.trace.clear()
    header, blobs = support.invoke_header(values, mode=mode, keys=keys)
    return invoke(handler(call, takes_context), header, blobs)


def outputs(reply, out):
    return [json.loads(out[r["output"]]) if r["status"] == "ok" else r["error_type"] for r in reply["results"]]


def boom(event):
    raise ValueError("bad value %r" % (event,))


class EventTest(unittest.TestCase):

    def test_event_fields_come_from_the_wire_and_its_blobs(self):
        wire = {"topic": "orders", "partition": 3, "offset": 42, "timestamp": 1700, "key": 0, "value": 1,
                "headers": [["h1", 2], ["h2", None], ["h1", 3]]}
        event = build_event(wire, [b"key-1", b'{"n": [1, 2]}', b"first", b"second"])
        self.assertEqual(event, {"topic": "orders", "partition": 3, "offset": 42, "timestamp": 1700,
                                 "key": "key-1", "value": {"n": [1, 2]}, "headers": {"h1": b"second", "h2": None}})

    def test_values_that_are_not_json_and_keys_that_are_not_utf8_stay_bytes(self):
        event = build_event({"key": 0, "value": 1}, [b"\xff\xfe", b"plain text"])
        self.assertEqual((event["key"], event["value"]), (b"\xff\xfe", b"plain text"))

    def test_a_value_flagged_bytes_is_never_parsed_even_when_it_is_json(self):
        event = build_event({"key": None, "value": 0, "value_format": "bytes"}, [b'{"n": 1}'])
        self.assertEqual(event["value"], b'{"n": 1}')

    def test_absent_key_and_value_are_none(self):
        event = build_event({"key": None, "value": None}, [])
        self.assertEqual((event["key"], event["value"], event["headers"]), (None, None, {}))


class SingleOutputTest(unittest.TestCase):

    def test_each_event_gets_its_own_json_output(self):
        reply, out = run(lambda e: {"double": e["value"] * 2}, [b"1", b"2", b"3"])
        self.assertEqual(outputs(reply, out), [{"double": 2}, {"double": 4}, {"double": 6}])
        self.assertEqual({r["content_type"] for r in reply["results"]}, {JSON_TYPE})
        self.assertEqual([r["output"] for r in reply["results"]], [0, 1, 2])

    def test_bytes_outputs_are_sent_as_they_are(self):
        reply, out = run(lambda e: bytearray(b"\x00raw"), [b"1"])
        self.assertEqual((out, reply["results"][0]["content_type"]), ([b"\x00raw"], BYTES_TYPE))

    def test_none_is_a_json_null(self):
        reply, out = run(lambda e: None, [b"1"])
        self.assertEqual(out, [b"null"])

    def test_an_output_that_is_not_json_serialisable_is_a_type_error(self):
        reply, out = run(lambda e: {1, 2}, [b"1"])
        result = reply["results"][0]
        self.assertEqual((result["status"], result["error_type"], out), ("error", "TypeError", []))
        self.assertIn("handler result of type set is not JSON-serialisable", result["error_message"])

    def test_nan_is_not_json(self):
        reply, _ = run(lambda e: float("nan"), [b"1"])
        self.assertEqual(reply["results"][0]["error_type"], "TypeError")

    def test_output_indices_skip_failed_events(self):
        reply, out = run(lambda e: boom(e) if e["value"] == 2 else e["value"], [b"1", b"2", b"3"])
        self.assertEqual(outputs(reply, out), [1, "ValueError", 3])
        self.assertEqual(out, [b"1", b"3"])

    def test_an_unsupported_mode_fails_every_event(self):
        reply, _ = run(lambda e: 1, [b"1", b"2"], mode="stream")
        self.assertEqual([r["error_type"] for r in reply["results"]], ["UnsupportedMode"] * 2)
        self.assertIn("'stream'", reply["results"][0]["error_message"])


class ErrorTest(unittest.TestCase):

    def test_an_exception_is_a_result_with_type_message_and_traceback(self):
        reply, _ = run(boom, [b"7"])
        result = reply["results"][0]
        self.assertEqual((result["status"], result["error_type"]), ("error", "ValueError"))
        self.assertIn("bad value", result["error_message"])
        self.assertIn('raise ValueError("bad value %r" % (event,))', result["traceback"])
        self.assertTrue(result["traceback"].startswith("Traceback (most recent call last):"))
        self.assertGreaterEqual(result["handler_us"], 0)

    def test_system_exit_and_keyboard_interrupt_from_a_handler_become_results(self):
        for error in (SystemExit(4), KeyboardInterrupt()):
            def raising(event, error=error):
                raise error
            reply, _ = run(raising, [b"1"])
            self.assertEqual(reply["results"][0]["error_type"], type(error).__name__)

    def test_long_messages_and_tracebacks_are_truncated(self):
        def deep(event, n=0):
            if n < 500:
                return deep(event, n + 1)
            raise RuntimeError("\u00e9" * 10000)
        reply, _ = run(deep, [b"1"])
        result = reply["results"][0]
        self.assertLessEqual(len(result["error_message"].encode("utf-8")), invoke_module.MAX_MESSAGE_BYTES)
        self.assertLessEqual(len(result["traceback"].encode("utf-8")), invoke_module.MAX_TRACEBACK_BYTES)
        self.assertEqual(len(result["error_message"]), invoke_module.MAX_MESSAGE_BYTES // 2)

    def test_outputs_too_large_for_one_frame_turn_into_errors_and_errors_stay(self):
        with mock.patch.object(invoke_module, "MAX_FRAME", 2000):
            reply, out = run(lambda e: boom(e) if e["value"] == 1 else "x" * 1000, [b"1", b"2", b"3"])
        self.assertEqual(out, [])
        self.assertEqual([r["error_type"] for r in reply["results"]], ["ValueError", "OutputTooLarge", "OutputTooLarge"])
        self.assertIn("do not fit in one 2000-byte frame", reply["results"][1]["error_message"])


class BatchOutputTest(unittest.TestCase):

    def test_the_handler_is_called_once_with_the_list_of_events(self):
        calls = []
        reply, out = run(lambda events: calls.append(len(events)) or [e["value"] + 1 for e in events],
                         [b"1", b"2", b"3"], mode="batch")
        self.assertEqual(calls, [3])
        self.assertEqual(outputs(reply, out), [2, 3, 4])

    def test_a_list_of_another_length_is_every_events_output(self):
        reply, out = run(lambda events: [1, 2], [b"1", b"2", b"3"], mode="batch")
        self.assertEqual(outputs(reply, out), [[1, 2]] * 3)

    def test_a_single_value_is_every_events_output(self):
        reply, out = run(lambda events: {"count": len(events)}, [b"1", b"2"], mode="batch")
        self.assertEqual(outputs(reply, out), [{"count": 2}] * 2)

    def test_a_batch_handler_gets_a_context_without_idempotency_key(self):
        reply, out = run(lambda events, ctx: [ctx.idempotency_key, ctx.function_name], [b"1"], mode="batch",
                         takes_context=True)
        self.assertEqual(outputs(reply, out), [[None, "fn"]])

    def test_batch_item_failures_fail_only_the_items_named(self):
        reply, out = run(lambda events: {"batchItemFailures": [{"itemIdentifier": "k1"}]},
                         [b"1", b"2", b"3"], mode="batch")
        self.assertEqual(outputs(reply, out), [None, "BatchItemFailure", None])
        self.assertIn("batchItemFailures", reply["results"][1]["error_message"])

    def test_batch_item_failures_may_name_plain_keys_and_come_with_results(self):
        result = {"batchItemFailures": ["a", {"itemIdentifier": "c"}], "results": ["ra", "rb", "rc"]}
        reply, out = run(lambda events: result, [b"1", b"2", b"3"], mode="batch", keys=["a", "b", "c"])
        self.assertEqual(outputs(reply, out), ["BatchItemFailure", "rb", "BatchItemFailure"])

    def test_results_of_the_wrong_length_with_failures_leave_the_others_null(self):
        result = {"batchItemFailures": ["k0"], "results": ["only one"]}
        reply, out = run(lambda events: result, [b"1", b"2"], mode="batch")
        self.assertEqual(outputs(reply, out), ["BatchItemFailure", None])

    def test_an_empty_failure_list_with_results_of_the_wrong_length_is_every_events_output(self):
        result = {"batchItemFailures": [], "results": ["only one"]}
        reply, out = run(lambda events: result, [b"1", b"2"], mode="batch")
        self.assertEqual(outputs(reply, out), [result] * 2)

    def test_an_exception_fails_the_whole_batch_with_its_traceback(self):
        reply, _ = run(lambda events: boom(events[0]), [b"1", b"2"], mode="batch")
        self.assertEqual([r["error_type"] for r in reply["results"]], ["ValueError", "ValueError"])
        self.assertIn("boom", reply["results"][1]["traceback"])

    def test_an_item_that_is_not_json_fails_alone(self):
        reply, out = run(lambda events: [1, object(), 3], [b"1", b"2", b"3"], mode="batch")
        self.assertEqual(outputs(reply, out), [1, "TypeError", 3])

    def test_a_handler_that_failed_to_load_fails_every_item(self):
        broken = handler(None)
        broken.error = ("SyntaxError", "invalid syntax", "trace")
        header, blobs = support.invoke_header([b"1", b"2"], mode="batch")
        reply, _ = invoke(broken, header, blobs)
        self.assertEqual([(r["error_type"], r["traceback"]) for r in reply["results"]], [("SyntaxError", "trace")] * 2)


class InstanceRequestTest(unittest.TestCase):

    def test_an_op_other_than_invoke_is_an_error_reply(self):
        reply, out = answer_instance_request(handler(lambda e: 1), {"op": "ping"}, [])
        self.assertEqual((reply, out), ({"error": "unsupported op 'ping' on an instance socket"}, []))

    def test_a_request_the_runtime_cannot_read_is_an_error_reply(self):
        reply, _ = answer_instance_request(handler(lambda e: 1), {"op": "invoke", "events": 5}, [])
        self.assertEqual(reply, {"error": "invoke: TypeError: 'int' object is not iterable"})

    def test_handler_code_run_while_encoding_a_batch_cannot_stop_the_instance(self):
        class Exiting(dict):
            def items(self):
                raise SystemExit("from items()")
        header, blobs = support.invoke_header([b"1"], mode="batch")
        reply, _ = answer_instance_request(handler(lambda events: [Exiting(a=1)]), header, blobs)
        self.assertEqual(reply, {"error": "invoke: SystemExit: from items()"})

    def test_the_first_reply_of_a_traced_process_carries_its_trace_and_imports(self):
        PROCESS.trace.clear()
        PROCESS.trace.mark("child")
        header, blobs = support.invoke_header([b"1"])
        reply, _ = answer_instance_request(handler(lambda e: 1), header, blobs)
        self.assertEqual([m[0] for m in reply["trace"]], ["child", "handled"])
        self.assertEqual(reply["imported"], [])
        reply, _ = answer_instance_request(handler(lambda e: 1), header, blobs)
        self.assertNotIn("trace", reply)


if __name__ == "__main__":
    unittest.main()
