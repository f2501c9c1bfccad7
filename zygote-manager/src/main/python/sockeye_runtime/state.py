"""The per-process state object: everything a runtime process knows about itself, in one place.

A forked child inherits its parent's copy and corrects what differs (it clears the trace, a sandboxed-forks
cache built by another pid is rebuilt); nothing else in the runtime holds mutable module-level state."""

from sockeye_runtime.hotpages import HotPages
from sockeye_runtime.imports import ImportRecorder
from sockeye_runtime.trace import Trace


class ProcessState:
    """Owned by the process's only thread (the runtime runs no threads of its own)."""

    def __init__(self):
        self.trace = Trace()
        self.hot_pages = HotPages()  # learned in a zygote (op hot_pages), copied by its children
        self.imports = ImportRecorder()  # what an instance imports beyond its zygote, sent with its first reply
        # A zygote started by `enter` inside its own sandbox: the descriptor of its PID namespace, opened before
        # the chroot (there is no /proc inside); None in an unsandboxed zygote.
        self.pidns_fd = None
        # True once this (sandboxed) zygote's environment is SANDBOX_ENV, so its spares need not clear theirs.
        self.environment_settled = False
        self.sandbox_forks = None  # sandboxed.SandboxForks of the pid that built it

    @property
    def sandboxed_zygote(self):
        return self.pidns_fd is not None


PROCESS = ProcessState()
