"""The cold-start trace: (phase, CLOCK_MONOTONIC ns, minor faults so far) marks, reported once to the peer.

On this project's VMs a copy-on-write fault costs ~20 us, so the fault count explains most of a phase."""

import resource
import time


class Trace:
    """The marks of one process. A forked child clears the zygote's marks and starts its own."""

    def __init__(self):
        self.marks = []

    def __bool__(self):
        return bool(self.marks)

    def mark(self, phase):
        self.marks.append((phase, time.perf_counter_ns(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt))

    def clear(self):
        del self.marks[:]

    def take(self):
        """The marks as JSON-ready lists; clears them."""
        marks = [list(m) for m in self.marks]
        self.clear()
        return marks


def micros_since(start_ns):
    return (time.perf_counter_ns() - start_ns) // 1000
