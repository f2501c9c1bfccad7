"""Loading f.py: handler(event, context) or f(event), and every way the import can fail."""

import os
import tempfile
import unittest

import support
from sockeye_runtime.handler import LoadedHandler
from sockeye_runtime.invoke import invoke


class HandlerLoadingTest(unittest.TestCase):

    def load(self, source):
        directory = tempfile.mkdtemp(prefix="sockeye-handler-")
        support.write_handler(directory, source)
        return LoadedHandler("fn", "v3", directory)

    def call(self, handler, value=b'{"x": 1}', keys=None):
        header, blobs = support.invoke_header([value], keys=keys)
        reply, out = invoke(handler, header, blobs)
        return reply["results"][0], out

    def test_f_of_event_gets_the_event_only(self):
        handler = self.load("def f(event):\n    return {'value': event['value'], 'topic': event['topic']}\n")
        self.assertFalse(handler.takes_context)
        result, out = self.call(handler)
        self.assertEqual(result["status"], "ok")
        self.assertEqual(out[result["output"]], b'{"value": {"x": 1}, "topic": "t"}')

    def test_handler_of_event_and_context_gets_an_aws_style_context(self):
        handler = self.load("""
            def handler(event, context):
                return [context.function_name, context.function_version, context.idempotency_key,
                        context.get_remaining_time_in_millis() > 10**9]
            """)
        self.assertTrue(handler.takes_context)
        result, out = self.call(handler, keys=["idem-1"])
        self.assertEqual(out[result["output"]], b'["fn", "v3", "idem-1", true]')

    def test_handler_wins_over_f_when_both_are_defined(self):
        handler = self.load("def f(event):\n    return 'f'\ndef handler(event, context):\n    return 'handler'\n")
        result, out = self.call(handler)
        self.assertEqual(out[result["output"]], b'"handler"')

    def test_remaining_time_counts_down_to_the_deadline(self):
        handler = self.load("def handler(event, context):\n    return context.get_remaining_time_in_millis()\n")
        header, blobs = support.invoke_header([b"1"])
        header["deadline_ms"] = 0  # long past
        reply, out = invoke(handler, header, blobs)
        self.assertEqual(out[reply["results"][0]["output"]], b"0")

    def test_a_syntax_error_is_reported_on_every_event(self):
        handler = self.load("def f(event) return 1\n")
        for _ in range(2):
            result, _ = self.call(handler)
            self.assertEqual((result["status"], result["error_type"]), ("error", "SyntaxError"))
            self.assertIn("f.py", result["traceback"])

    def test_an_exception_at_import_is_reported_with_its_traceback(self):
        handler = self.load("import no_such_module_sockeye\n")
        result, _ = self.call(handler)
        self.assertEqual(result["error_type"], "ModuleNotFoundError")
        self.assertIn("no_such_module_sockeye", result["error_message"])
        self.assertIn("import no_such_module_sockeye", result["traceback"])

    def test_system_exit_at_import_is_reported_not_obeyed(self):
        handler = self.load("raise SystemExit(3)\n")
        result, _ = self.call(handler)
        self.assertEqual((result["error_type"], result["error_message"]), ("SystemExit", "3"))

    def test_a_module_without_handler_or_f_is_handler_not_found(self):
        handler = self.load("def g(event):\n    return 1\nf = 42\n")
        result, _ = self.call(handler)
        self.assertEqual(result["error_type"], "HandlerNotFound")
        self.assertIn("neither handler(event, context) nor f(event)", result["error_message"])

    def test_a_missing_code_directory_is_reported_as_the_missing_file(self):
        handler = LoadedHandler("fn", "", os.path.join(tempfile.gettempdir(), "sockeye-no-such-dir"))
        result, _ = self.call(handler)
        self.assertEqual(result["error_type"], "FileNotFoundError")

    def test_import_time_is_measured(self):
        handler = self.load("import time\ntime.sleep(0.02)\ndef f(event):\n    return 1\n")
        self.assertGreaterEqual(handler.import_us, 20000)
        header, blobs = support.invoke_header([b"1"])
        self.assertEqual(invoke(handler, header, blobs)[0]["import_us"], handler.import_us)


if __name__ == "__main__":
    unittest.main()
