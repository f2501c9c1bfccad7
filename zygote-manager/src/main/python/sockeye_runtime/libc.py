"""The one binding of libc (ctypes), and the constants of the calls the runtime makes through it.

Loaded and its symbols resolved once, when a zygote imports this module: a forked child inherits the ctypes
objects, where a lookup of its own would cost it ~3 ms of copy-on-write page faults (dlsym, new objects)."""

import ctypes
import os

LIBC = ctypes.CDLL(None, use_errno=True)
for _name in ("prctl", "setns", "unshare", "sethostname", "mount", "madvise"):
    getattr(LIBC, _name)  # CDLL caches the function object on first attribute access
LIBC.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]

PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2

CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWCGROUP = 0x02000000

MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8

MADV_POPULATE_READ = 22  # Linux 5.14+
MADV_POPULATE_WRITE = 23


def check(result, what):
    """Raises OSError naming the call when a libc call returned non-zero."""
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def errno():
    return ctypes.get_errno()
