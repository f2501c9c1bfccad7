"""The handler: f.py imported once per instance, called as handler(event, context) or f(event)."""

import os
import sys
import time
import traceback

from sockeye_runtime.state import PROCESS
from sockeye_runtime.trace import micros_since


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
    """The imported f.py: either a callable and its style, or the error to report on every event.

    error is (type name, message, traceback); takes_context says handler(event, context) rather than f(event)."""

    def __init__(self, function, version, code_dir):
        self.function = function
        self.version = version
        self.call = None
        self.takes_context = False
        self.error = None
        PROCESS.trace.mark("import_start")
        start = time.perf_counter_ns()
        self._load(code_dir)
        self.import_us = micros_since(start)
        PROCESS.trace.mark("imported")

    @classmethod
    def of(cls, call, takes_context, function="", version=""):
        """A handler around a callable, with no f.py (the zygote's warm-up; tests)."""
        handler = cls.__new__(cls)
        handler.function, handler.version, handler.error, handler.import_us = function, version, None, 0
        handler.call, handler.takes_context = call, takes_context
        return handler

    def context(self, idempotency_key, deadline_ms):
        return LambdaContext(self.function, self.version, idempotency_key, deadline_ms)

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
        # Everything: f.py's own code runs here (SyntaxError, ImportError, SystemExit...); each is reported on
        # every event and the instance serves on.
        except BaseException as e:
            self.error = (type(e).__name__, str(e), traceback.format_exc())
            return
        if callable(getattr(module, "handler", None)):
            self.call, self.takes_context = module.handler, True
        elif callable(getattr(module, "f", None)):
            self.call = module.f
        else:
            self.error = ("HandlerNotFound", "f.py defines neither handler(event, context) nor f(event)", "")
