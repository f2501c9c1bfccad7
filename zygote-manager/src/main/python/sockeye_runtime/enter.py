"""Mode enter: the host's interpreter puts itself into a zygote's sandbox (cgroups, new network, IPC and UTS
namespaces, chroot) and execs the command, normally the sandbox's interpreter running a zygote."""

import os

from sockeye_runtime.libc import CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWUTS, LIBC, check


def enter_main(args):
    """Run COMMAND inside a sandbox root, in its cgroups and in a new network namespace (for zygotes)."""
    for path in [p for p in (args.cgroup_procs or "").split(",") if p]:
        with open(path, "w") as f:
            f.write("0")
    check(LIBC.unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare(net, ipc, uts)")
    pidns = os.open("/proc/self/ns/pid", os.O_RDONLY)  # the zygote returns to it after each sandboxed fork
    os.set_inheritable(pidns, True)
    os.environ["SOCKEYE_PIDNS_FD"] = str(pidns)
    os.chroot(args.root)
    os.chdir("/")
    command = args.command[1:] if args.command and args.command[0] == "--" else args.command
    if not command:
        raise SystemExit("enter: no command given")
    os.execv(command[0], command)
