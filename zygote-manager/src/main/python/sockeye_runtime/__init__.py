"""Sockeye Python runtime: the zygote fork server and the handler instance server.

The wire format (frames, requests, replies) is described in exactly one place:
zygote-manager/PROTOCOL.md in the Sockeye repository.

Modes (see cli.py); the build ships this package as one zipapp, sockeye_runtime.pyz:
  python3 sockeye_runtime.pyz zygote --socket PATH [--preload mod1,mod2]
  python3 sockeye_runtime.pyz instance --socket PATH --code-dir DIR --function NAME --version V
  python3 sockeye_runtime.pyz enter --root DIR [--cgroup-procs F1,F2] -- COMMAND...

Modules, bottom up: frames (wire framing), libc (the one ctypes binding), trace, hotpages, imports, state (the
per-process state object), process (plumbing every process kind shares), handler (loading f.py), invoke (running
events and building replies), instance (an instance's serve loop), seccomp and sandbox (entering a sandbox),
spares and sandboxed (children forked ahead of demand), forks (a plain fork), zygote (the zygote's ops and serve
loop), enter, cli.

A forked child imports nothing: a zygote imports every module its children run before it forks.
Standard library only; runs on Python 3.9+.
"""
