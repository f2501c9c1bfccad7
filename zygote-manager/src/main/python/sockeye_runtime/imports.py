"""What a process imports: a zygote's preloads (timed), sys.path extension, and the recorder of what an
instance imported beyond its zygote."""

import importlib
import os
import sys
import time

from sockeye_runtime.trace import micros_since


def extend_sys_path(paths):
    """Appends package directories, keeping the order given and skipping ones already present."""
    for path in paths or ():
        if path not in sys.path:
            sys.path.append(path)


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
            except BaseException as e:  # runs the module's code: SystemExit included, a failure is a result
                self.failed[name] = "%s: %s" % (type(e).__name__, e)
                continue
            self.modules.append(name)
            self.import_us[name] = micros_since(start)

    def describe(self):
        return {"ok": True, "pid": os.getpid(), "preloaded": self.modules, "import_us": self.import_us,
                "failed": self.failed}


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
