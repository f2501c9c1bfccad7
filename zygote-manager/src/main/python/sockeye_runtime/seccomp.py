"""The seccomp filter of a sandboxed instance: compiled once in the zygote, installed by each child."""

import ctypes
import struct

from sockeye_runtime.libc import (CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID,
                                  CLONE_NEWUSER, CLONE_NEWUTS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, check)

SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}

# Syscalls a handler never needs and that open ways out of a sandbox (the denials OpenLambda and Docker's
# default profile share). clone is checked separately: only its namespace flags are refused.
_DENIED = {
    # x86_64
    0xC000003E: dict(clone=56, clone3=435, nrs=[
        101, 165, 166, 272, 308, 161, 155, 246, 320, 175, 313, 176, 321, 298, 250, 248, 249, 323, 310, 311,
        303, 304, 163, 167, 168, 169, 139, 134, 153, 154, 170, 171, 425, 426, 427, 428, 429, 430, 431, 432]),
    # aarch64
    0xC00000B7: dict(clone=220, clone3=435, nrs=[
        117, 40, 39, 97, 268, 51, 41, 104, 294, 105, 273, 106, 280, 241, 219, 217, 218, 282, 270, 271,
        264, 265, 89, 224, 225, 142, 161, 162, 425, 426, 427, 428, 429, 430, 431, 432]),
}


def _bpf(code, k, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k & 0xFFFFFFFF)


def seccomp_program(machine=None):
    """A filter that refuses namespace, mount, chroot, ptrace, module and key syscalls with EPERM; returns
    (the BPF program's bytes, its instruction count)."""
    if machine is None:
        import platform  # imported by the zygote once (see SandboxForks), never by a child
        machine = platform.machine()
    arch = AUDIT_ARCH.get(machine)
    if arch is None:
        raise OSError("seccomp: no syscall table for machine %s" % machine)
    table = _DENIED[arch]
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    eperm = SECCOMP_RET_ERRNO | 1
    prog = [_bpf(ld, 4), _bpf(jeq, arch, 1, 0), _bpf(ret, SECCOMP_RET_KILL_PROCESS), _bpf(ld, 0),
            _bpf(jge, 0x40000000, 0, 1), _bpf(ret, eperm)]
    for nr in table["nrs"]:
        prog += [_bpf(jeq, nr, 0, 1), _bpf(ret, eperm)]
    prog += [_bpf(jeq, table["clone3"], 0, 1), _bpf(ret, SECCOMP_RET_ERRNO | 38)]  # ENOSYS: libc falls back to clone
    ns_flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWCGROUP
    prog += [_bpf(jeq, table["clone"], 0, 3), _bpf(ld, 16), _bpf(jset, ns_flags, 0, 1), _bpf(ret, eperm),
             _bpf(ret, SECCOMP_RET_ALLOW)]
    return b"".join(prog), len(prog)


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class SeccompFilter:
    """The compiled filter, built once in the zygote; a forked child only passes the pointer to prctl."""

    def __init__(self):
        code, count = seccomp_program()
        self._buffer = ctypes.create_string_buffer(code, len(code))
        self._prog = _Fprog(count, ctypes.addressof(self._buffer))

    def install(self, libc):
        check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(self._prog), 0, 0),
              "prctl(PR_SET_SECCOMP)")
