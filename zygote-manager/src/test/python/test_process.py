"""Per-process plumbing and state: how a forked child ends, listening sockets, the trace, imports, hot pages,
the sandbox environment and the seccomp program."""

import mmap
import os
import struct
import sys
import tempfile
import unittest
from unittest import mock

import support
from sockeye_runtime import sandbox
from sockeye_runtime.hotpages import HotPages
from sockeye_runtime.imports import ImportRecorder, Preloaded, extend_sys_path
from sockeye_runtime.process import adopt_output, exit_after, listen_unix
from sockeye_runtime.seccomp import SeccompFilter, seccomp_program
from sockeye_runtime.state import PROCESS, ProcessState
from sockeye_runtime.trace import Trace


def child_status(body):
    """Forks a child that runs body through exit_after; returns (exit status, what it wrote to stderr)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 2)
        sys.stderr = os.fdopen(2, "w")
        exit_after(body)
    os.close(w)
    with os.fdopen(r) as err:
        stderr = err.read()
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), stderr


class AdoptOutputTest(unittest.TestCase):

    def test_the_instance_pipes_become_its_stdout_and_stderr(self):
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()

        def body():
            adopt_output({"stdout_fd": 1, "stderr_fd": 2}, [99, out_w, err_w])
            os.write(1, b"to stdout")
            os.write(2, b"to stderr")

        pid = os.fork()
        if pid == 0:
            exit_after(body)
        os.close(out_w)
        os.close(err_w)
        with os.fdopen(out_r, "rb") as out, os.fdopen(err_r, "rb") as err:
            self.assertEqual(out.read(), b"to stdout")
            self.assertEqual(err.read(), b"to stderr")
        self.assertEqual(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), 0)

    def test_a_request_without_pipes_keeps_the_inherited_streams(self):
        with mock.patch("os.dup2") as dup2:
            adopt_output({"listen_fd": 0}, [5])
        dup2.assert_not_called()


class ForkedChildTest(unittest.TestCase):

    def test_a_child_that_returns_exits_0(self):
        self.assertEqual(child_status(lambda: None), (0, ""))

    def test_a_child_that_raises_anything_exits_1_with_its_traceback_and_never_returns(self):
        def stop():
            raise SystemExit("stop here")
        status, stderr = child_status(stop)
        self.assertEqual(status, 1)
        self.assertIn("SystemExit: stop here", stderr)

    def test_a_stale_socket_file_is_replaced(self):
        path = os.path.join(tempfile.mkdtemp(prefix="sockeye-listen-"), "s.sock")
        open(path, "w").close()
        with listen_unix(path, 1) as listener:
            with support.connect(path):
                conn, _ = listener.accept()
                conn.close()

    def test_a_path_that_cannot_be_bound_is_an_error(self):
        with self.assertRaises(OSError):
            listen_unix("/" + "x" * 200, 1)


class StateTest(unittest.TestCase):

    def test_the_trace_marks_phases_with_time_and_faults_and_is_taken_once(self):
        trace = Trace()
        self.assertFalse(trace)
        trace.mark("a")
        trace.mark("b")
        marks = trace.take()
        self.assertEqual([m[0] for m in marks], ["a", "b"])
        self.assertLessEqual(marks[0][1], marks[1][1])
        self.assertFalse(trace)

    def test_an_unsandboxed_process_has_no_pid_namespace_of_its_own(self):
        state = ProcessState()
        self.assertFalse(state.sandboxed_zygote)
        state.pidns_fd = 5
        self.assertTrue(state.sandboxed_zygote)

    def test_only_a_sandboxed_zygote_settles_its_environment(self):
        with mock.patch.dict(os.environ, {"SERVICE_SECRET": "s"}):
            with mock.patch.object(PROCESS, "pidns_fd", None):
                sandbox.settle_environment()
                self.assertEqual(os.environ["SERVICE_SECRET"], "s")
            with mock.patch.object(PROCESS, "pidns_fd", 99), mock.patch.object(PROCESS, "environment_settled", False):
                sandbox.settle_environment()
                self.assertEqual(dict(os.environ), sandbox.SANDBOX_ENV)
                self.assertTrue(PROCESS.environment_settled)


class ImportsTest(unittest.TestCase):

    def test_preloads_are_timed_and_failures_named_not_raised(self):
        directory = tempfile.mkdtemp(prefix="sockeye-mods-")
        with open(os.path.join(directory, "sockeye_exits_on_import.py"), "w") as f:
            f.write("raise SystemExit(9)\n")
        extend_sys_path([directory])
        self.addCleanup(sys.path.remove, directory)
        preloaded = Preloaded()
        preloaded.import_all(["json", "sockeye_exits_on_import"])
        described = preloaded.describe()
        self.assertEqual((described["preloaded"], described["failed"]), (["json"], {"sockeye_exits_on_import": "SystemExit: 9"}))
        self.assertEqual(described["pid"], os.getpid())

    def test_sys_path_is_extended_in_order_without_duplicates(self):
        before = list(sys.path)
        self.addCleanup(lambda: sys.path.__setitem__(slice(None), before))
        extend_sys_path(["/sockeye/a", before[0], "/sockeye/b", "/sockeye/a"])
        self.assertEqual(sys.path, before + ["/sockeye/a", "/sockeye/b"])

    def test_the_recorder_names_only_modules_that_did_get_imported(self):
        recorder = ImportRecorder()
        recorder.start()
        sys.modules.pop("colorsys", None)
        import colorsys  # noqa: F401
        try:
            import sockeye_no_such_module_z  # noqa: F401
        except ImportError:
            pass
        self.assertEqual(recorder.take(), ["colorsys"])
        self.assertNotIn(recorder, sys.meta_path)


class HotPagesTest(unittest.TestCase):

    def test_runs_without_pages_are_dropped(self):
        pages = HotPages()
        self.assertEqual(pages.learn([[1, 2], ["3", "0"]], [[7, 1]]), {"ok": True, "hot_pages": 3})
        self.assertEqual((pages.runs, pages.read_runs), ([(1, 2)], [(7, 1)]))

    def test_copying_populates_mapped_pages_and_skips_unmapped_ones(self):
        region = mmap.mmap(-1, 4 * HotPages.PAGE)
        self.addCleanup(region.close)
        region[:5] = b"hello"
        import ctypes
        first = ctypes.addressof(ctypes.c_char.from_buffer(region)) // HotPages.PAGE
        pages = HotPages()
        pages.learn([[first, 4], [1, 1]], [[first, 1]])  # page 1 is never mapped: madvise fails, no read
        pages.copy()
        self.assertEqual(region[:5], b"hello")


class SeccompTest(unittest.TestCase):

    def test_the_program_is_whole_instructions_for_both_machines(self):
        for machine, denied in (("x86_64", 40), ("aarch64", 36)):
            code, count = seccomp_program(machine)
            self.assertEqual(len(code), 8 * count)
            self.assertEqual(count, 6 + 2 * denied + 2 + 5)
            self.assertEqual(struct.unpack_from("=HBBI", code, len(code) - 8), (0x06, 0, 0, 0x7FFF0000))

    def test_an_unknown_machine_is_refused_by_name(self):
        with self.assertRaisesRegex(OSError, "no syscall table for machine sparc"):
            seccomp_program("sparc")

    def test_the_filter_compiles_on_this_machine(self):
        SeccompFilter()


if __name__ == "__main__":
    unittest.main()
