"""Entering a sandbox in a forked child: its environment, UTS/IPC namespaces and hostname while it waits as a
spare; then root (fchdir + chroot), cgroups, network namespace, /proc, and dropped privileges with seccomp.

The JVM builds each sandbox (mounts, cgroup, network namespace) and sends the zygote open descriptors: the
sandbox's root directory, its cgroup.procs files and a network namespace. The zygote never has a path to any
sandbox; only the forked child uses the descriptors, then closes them."""

import json
import os

from sockeye_runtime.frames import encode_header
from sockeye_runtime.libc import (CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWUTS, MS_NODEV, MS_NOEXEC, MS_NOSUID,
                                  PR_SET_NO_NEW_PRIVS, check)
from sockeye_runtime.process import reseed_random
from sockeye_runtime.state import PROCESS

SANDBOX_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
               "USER": "sandbox"}


def settle_environment():
    """In a sandboxed zygote, after its imports: replaces the service's environment (inherited through `enter`)
    with SANDBOX_ENV once, so no spare has to. Clearing it in every spare cost ~100 copy-on-write faults
    (~3 ms of CPU) per sandbox, touching each inherited string; and package code imported later in this zygote
    or a child zygote no longer sees the service's variables. Called again after every later import, in case
    import-time code set a variable."""
    if not PROCESS.sandboxed_zygote:
        return
    if dict(os.environ) != SANDBOX_ENV:
        os.environ.clear()
        os.environ.update(SANDBOX_ENV)
    PROCESS.environment_settled = True


def prepare_spare(libc):
    """Everything of becoming an instance that does not depend on the sandbox, done while the spare waits: on
    this machine class a first write to a page shared with the zygote (copy-on-write) is the dominant cost, so
    the work and the page copies it causes happen here, off the request's path."""
    PROCESS.hot_pages.copy()  # the pages the zygote's earlier instances wrote, copied in bulk while no request waits
    reseed_random()
    if not PROCESS.environment_settled:  # a sandboxed zygote settled it once for all its children
        os.environ.clear()
        os.environ.update(SANDBOX_ENV)
    check(libc.unshare(CLONE_NEWUTS | CLONE_NEWIPC), "unshare(uts, ipc)")
    hostname = b"sandbox"
    check(libc.sethostname(hostname, len(hostname)), "sethostname")
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    # Warm the paths the request takes (frame decoding, the readiness frame), so their pages are copied now.
    json.loads(json.dumps({"op": "fork", "sandbox": {"root_fd": 0, "cgroup_fds": [1, 2], "uid": 1}}))
    encode_header({"ready": True}, ())


def enter_sandbox(libc, box, fds, keep=()):
    """In the forked child, still root: move into the sandbox's root, cgroup and network namespace."""
    os.fchdir(fds[box["root_fd"]])
    os.chroot(".")
    os.chdir("/")
    for index in box.get("cgroup_fds") or []:
        os.write(fds[index], b"0")  # "0" moves the writer itself, in cgroup v1 and v2
    if box.get("netns_fd") is not None:
        check(libc.setns(fds[box["netns_fd"]], CLONE_NEWNET), "setns(net)")
    # The PID namespace was made by the zygote before the fork; UTS and IPC by the spare while it waited.
    # A procfs of that PID namespace: the instance sees its own processes only. It lives in the service's mount
    # namespace under the sandbox root and goes with the root's lazy unmount.
    check(libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None), "mount /proc")
    for fd in fds:
        if fd not in keep:
            os.close(fd)


def drop_privileges(libc, uid, seccomp):
    """Unprivileged uid/gid, no supplementary groups, no capabilities, no way to regain any."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # leaving uid 0 clears the permitted and effective capability sets
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    seccomp.install(libc)
