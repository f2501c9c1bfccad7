"""A zygote started from the zipapp, driven over its socket as the JVM drives it: ping, plain forks, spares,
child zygotes, imports, hot pages, and bad requests (PROTOCOL.md, "Zygote requests")."""

import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import unittest

import support
from sockeye_runtime.frames import frame_bytes, read_frame, write_frame


class ZygoteTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="sockeye-zygote-")
        cls.code = support.write_handler(os.path.join(cls.work, "code"), """
            import json, os
            def f(event):
                return {"pid": os.getpid(), "value": event["value"], "json": "json" in __import__("sys").modules}
            """)
        cls.zygote = support.RuntimeProcess("zygote", "--socket", os.path.join(cls.work, "z.sock"), "--preload", "json")
        cls.sock = support.connect(os.path.join(cls.work, "z.sock"))

    @classmethod
    def tearDownClass(cls):
        cls.sock.close()
        cls.zygote.kill()

    def ask(self, header, sock=None):
        reply, blobs = support.request(sock or self.sock, header)
        self.assertEqual(blobs, [])
        return reply

    def invoke_once(self, conn, value=b"5"):
        header, blobs = support.invoke_header([value])
        reply, out = support.request(conn, header, blobs)
        self.assertEqual(reply["results"][0]["status"], "ok", reply)
        return reply, json.loads(out[0])

    def test_ping_describes_the_preloaded_modules(self):
        reply = self.ask({"op": "ping"})
        self.assertEqual((reply["ok"], reply["pid"], reply["preloaded"], reply["failed"]),
                         (True, self.zygote.pid, ["json"], {}))
        self.assertIn("json", reply["import_us"])

    def test_a_forked_instance_serves_its_handler_and_reports_its_cold_start(self):
        path = os.path.join(self.work, "fork.sock")
        reply = self.ask({"op": "fork", "function": "fn", "version": "1", "code_dir": self.code,
                          "instance_socket": path, "env": {"SOCKEYE_TEST": "1"}})
        self.assertTrue(reply["ok"], reply)
        self.assertEqual([m[0] for m in reply["trace"]], ["fork_request", "forked"])
        with support.connect(path) as conn:
            first, output = self.invoke_once(conn)
            self.assertEqual(output, {"pid": reply["pid"], "value": 5, "json": True})
            phases = [m[0] for m in first["trace"]]
            self.assertEqual(phases[:3], ["child", "hot_pages_copied", "reseeded"])
            self.assertEqual(phases[-1], "handled")
            self.assertEqual(first["imported"], [])  # the runtime imports nothing on the fork path
            second, _ = self.invoke_once(conn)
            self.assertNotIn("trace", second)

    def test_plain_spares_come_with_their_sockets_and_become_instances(self):
        write_frame(self.sock, {"op": "spares", "count": 2, "sandboxed": False})
        reply, _ = read_frame(self.sock)
        self.assertTrue(reply["ok"], reply)
        marker, fds, _, _ = socket.recv_fds(self.sock, 1, 16)
        self.assertEqual((marker, len(fds), len(reply["pids"])), (b"S", 2, 2))
        spares = [socket.socket(fileno=fd) for fd in fds]
        for n, spare in enumerate(spares):
            with spare:
                self.assertEqual(spare.recv(1), b"P")  # prepared
                path = os.path.join(self.work, "spare%d.sock" % n)
                listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                listener.bind(path)
                listener.listen(1)
                request = {"op": "fork", "function": "fn", "version": "1", "code_dir": self.code, "listen_fd": 0}
                socket.send_fds(spare, [frame_bytes(request)], [listener.fileno()])
                listener.close()
                with support.connect(path) as conn:
                    self.assertEqual(read_frame(conn), ({"ready": True}, []))
                    _, output = self.invoke_once(conn, b"7")
                    self.assertEqual((output["pid"], output["value"]), (reply["pids"][n], 7))

    def test_a_spare_whose_holder_lets_go_exits(self):
        write_frame(self.sock, {"op": "spares", "count": 1})
        reply, _ = read_frame(self.sock)
        _, fds, _, _ = socket.recv_fds(self.sock, 1, 16)
        os.close(fds[0])
        pidfd = os.pidfd_open(reply["pids"][0])
        try:
            self.assertTrue(select.select([pidfd], [], [], 10)[0], "spare still running")
        finally:
            os.close(pidfd)

    def test_a_child_zygote_keeps_its_parents_imports_and_adds_its_own(self):
        path = os.path.join(self.work, "child.sock")
        reply = self.ask({"op": "fork_zygote", "name": "c", "socket": path, "modules": ["csv", "no_such_mod_x"]})
        self.assertTrue(reply["ok"], reply)
        with support.connect(path) as child:
            described = self.ask({"op": "ping"}, child)
            self.assertEqual(described["pid"], reply["pid"])
            self.assertEqual(described["preloaded"], ["json", "csv"])
            self.assertIn("ModuleNotFoundError", described["failed"]["no_such_mod_x"])
            imported = self.ask({"op": "import", "modules": ["decimal", "json"]}, child)
            self.assertEqual(imported["preloaded"], ["json", "csv", "decimal"])

    def test_hot_pages_are_learned_and_counted(self):
        reply = self.ask({"op": "hot_pages", "runs": [[1, 2], [10, 0]], "read_runs": [[20, 3]]})
        self.assertEqual(reply, {"ok": True, "hot_pages": 5})
        self.assertEqual(self.ask({"op": "hot_pages", "runs": []}), {"ok": True, "hot_pages": 0})

    def test_bad_requests_are_errors_and_the_zygote_serves_on(self):
        self.assertEqual(self.ask({"op": "dance"}), {"ok": False, "error": "unsupported op 'dance' on a zygote socket"})
        reply = self.ask({"op": "fork", "function": "fn", "code_dir": self.code})
        self.assertEqual(reply, {"ok": False, "error": "fork fn: ValueError: fork request lacks string field "
                                                       "'instance_socket'"})
        reply = self.ask({"op": "spares", "count": 65})
        self.assertIn("'count' between 1 and 64", reply["error"])
        self.assertTrue(self.ask({"op": "ping"})["ok"])

    def test_a_malformed_frame_is_answered_and_ends_only_that_connection(self):
        path = os.path.join(self.work, "z.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as bad:
            self.sock.close()  # the zygote serves one connection at a time
            bad.connect(path)
            bad.sendall(b"\x00\x00\x00\x06\x00\x00\x00\x02[]")
            self.assertEqual(read_frame(bad), ({"ok": False, "error": "frame header is not a JSON object"}, []))
            self.assertIsNone(read_frame(bad))
        type(self).sock = support.connect(path)
        self.assertTrue(self.ask({"op": "ping"})["ok"])


class ZygoteStartTest(unittest.TestCase):

    def test_a_failing_preload_exits_with_status_2_and_names_the_module(self):
        path = os.path.join(tempfile.mkdtemp(prefix="sockeye-zygote-"), "z.sock")
        done = subprocess.run([sys.executable, support.pyz(), "zygote", "--socket", path, "--preload",
                               "json,no_such_module_y"], capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 2)
        self.assertIn("preload of module 'no_such_module_y' failed: ModuleNotFoundError", done.stderr)
        self.assertEqual(done.stdout, "")


if __name__ == "__main__":
    unittest.main()
