"""Hot pages: pages of a zygote that its instances were seen to write (or read) early, copied by each forked
child in bulk before it does anything else."""

import ctypes
import os

from sockeye_runtime.libc import LIBC, MADV_POPULATE_READ, MADV_POPULATE_WRITE


class HotPages:
    """Pages of this zygote that its instances were seen to write early (learned by the JVM from the instances'
    /proc/PID/pagemap). A forked child copies them in one madvise(MADV_POPULATE_WRITE) per run before it does
    anything else: on this project's VMs a copy-on-write fault costs ~20 us as a trap but ~2 us in bulk, so
    the copies a child would make anyway get ~8x cheaper. Pages an instance would not have touched cost
    memory, so the JVM caps the set."""

    PAGE = os.sysconf("SC_PAGE_SIZE")

    def __init__(self):
        self.runs = []  # (first page number, page count): private pages the instances wrote
        self.read_runs = []  # the same, of file mappings they read (code of extension modules, mostly)
        self.pages = 0
        self._checksum = None

    def learn(self, runs, read_runs=()):
        """In the zygote (op hot_pages): replaces the set; the reply says how many pages it holds."""
        if self._checksum is None:
            import zlib  # here, in the zygote: a child never imports it for this
            self._checksum = zlib.adler32
        self.runs = [(int(a), int(n)) for a, n in runs if int(n) > 0]
        self.read_runs = [(int(a), int(n)) for a, n in read_runs if int(n) > 0]
        self.pages = sum(n for _, n in self.runs) + sum(n for _, n in self.read_runs)
        return {"ok": True, "hot_pages": self.pages}

    def copy(self):
        """In a forked child: copies the hot pages now and reads them once. On this machine class (a PVM guest)
        a page the new process has not touched yet costs it a trap on first access even when its page table
        already maps it: after a bulk populate, the first call of a pandas handler still took 12 ms; with the
        pages also read here, 4 ms. A range whose madvise fails (unmapped now, old kernel) is not touched."""
        madvise, page = LIBC.madvise, self.PAGE
        for runs, advice in ((self.runs, MADV_POPULATE_WRITE), (self.read_runs, MADV_POPULATE_READ)):
            for first, count in runs:
                if madvise(first * page, count * page, advice) == 0:
                    self._checksum((ctypes.c_char * (count * page)).from_address(first * page))
