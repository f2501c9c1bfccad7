"""An instance's serve loop: requests answered in order on one connection, a bad frame answered once then the
connection dropped; and `instance` mode from the zipapp."""

import os
import socket
import struct
import tempfile
import threading
import unittest

import support
from sockeye_runtime.frames import read_frame
from sockeye_runtime.handler import LoadedHandler
from sockeye_runtime.instance import serve


class ServeLoopTest(unittest.TestCase):

    def start(self, call):
        self.jvm, conn = socket.socketpair()
        handler = LoadedHandler.of(call, False)
        thread = threading.Thread(target=lambda: (serve(conn, handler, exit_at_end=False), conn.close()))
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(self.jvm.close)  # first: the loop ends at end of stream

    def test_requests_are_answered_in_order_until_end_of_stream(self):
        self.start(lambda event: event["value"] * 10)
        for n in (1, 2, 3):
            header, blobs = support.invoke_header([str(n).encode()])
            reply, out = support.request(self.jvm, header, blobs)
            self.assertEqual((reply["results"][0]["status"], out), ("ok", [str(n * 10).encode()]))
        self.jvm.shutdown(socket.SHUT_WR)
        self.assertIsNone(read_frame(self.jvm))

    def test_a_malformed_frame_is_answered_with_its_error_and_the_connection_closed(self):
        self.start(lambda event: 1)
        self.jvm.sendall(struct.pack(">II", 10, 2) + b"[]" + b"\x00" * 4)
        self.assertEqual(read_frame(self.jvm), ({"error": "frame header is not a JSON object"}, []))
        self.assertIsNone(read_frame(self.jvm))

    def test_a_frame_over_the_limit_is_answered_with_the_size_and_the_limit(self):
        self.start(lambda event: 1)
        self.jvm.sendall(struct.pack(">I", 1 << 30))
        reply, _ = read_frame(self.jvm)
        self.assertEqual(reply, {"error": "frame of 1073741824 bytes exceeds the 67108864-byte limit"})

    def test_a_handler_that_raises_keeps_the_instance_serving(self):
        def fail_on_two(event):
            if event["value"] == 2:
                raise SystemExit("handler called exit")
            return event["value"]
        self.start(fail_on_two)
        header, blobs = support.invoke_header([b"2"])
        reply, _ = support.request(self.jvm, header, blobs)
        self.assertEqual(reply["results"][0]["error_type"], "SystemExit")
        header, blobs = support.invoke_header([b"3"])
        self.assertEqual(support.request(self.jvm, header, blobs)[1], [b"3"])


class InstanceModeTest(unittest.TestCase):

    def test_a_fresh_interpreter_serves_its_handler_from_the_zipapp(self):
        work = tempfile.mkdtemp(prefix="sockeye-instance-")
        code = support.write_handler(os.path.join(work, "code"), """
            import os
            def handler(event, context):
                return {"cwd": os.getcwd(), "fn": context.function_name, "value": event["value"]}
            """)
        path = os.path.join(work, "i.sock")
        process = support.RuntimeProcess("instance", "--socket", path, "--code-dir", code, "--function", "fn")
        self.addCleanup(process.kill)
        with support.connect(path) as sock:
            header, blobs = support.invoke_header([b'{"a": 1}'])
            reply, out = support.request(sock, header, blobs)
        self.assertEqual(reply["results"][0]["status"], "ok", reply)
        self.assertEqual(out, [b'{"cwd": "%s", "fn": "fn", "value": {"a": 1}}' % code.encode()])
        self.assertEqual(process.proc.wait(10), 0)  # exits at the end of its one connection


if __name__ == "__main__":
    unittest.main()
