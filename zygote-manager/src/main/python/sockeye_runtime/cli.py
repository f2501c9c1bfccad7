"""The command line: `zygote`, `instance` or `enter` (PROTOCOL.md, "Startup" and "Sandboxed zygotes").

Each mode imports only its own modules; a zygote's import of sockeye_runtime.zygote loads everything its forked
children run, before the first fork."""

import argparse
import sys


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="sockeye_runtime.pyz")
    modes = parser.add_subparsers(dest="mode", required=True)
    zygote = modes.add_parser("zygote", help="pre-import modules and fork handler instances on request")
    zygote.add_argument("--socket", required=True)
    zygote.add_argument("--preload", default="")
    zygote.add_argument("--sys-path", default="", help="package directories, joined with os.pathsep")
    instance = modes.add_parser("instance", help="serve one handler in this fresh interpreter")
    instance.add_argument("--socket", required=True)
    instance.add_argument("--code-dir", required=True)
    instance.add_argument("--function", required=True)
    instance.add_argument("--version", default="")
    instance.add_argument("--sys-path", default="", help="package directories, joined with os.pathsep")
    enter = modes.add_parser("enter", help="run a command (a zygote) inside a sandbox root and its cgroups")
    enter.add_argument("--root", required=True)
    enter.add_argument("--cgroup-procs", default="")
    enter.add_argument("command", nargs=argparse.REMAINDER)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.mode == "zygote":
        from sockeye_runtime.zygote import zygote_main
        zygote_main(args)
    elif args.mode == "enter":
        from sockeye_runtime.enter import enter_main
        enter_main(args)
    else:
        from sockeye_runtime.instance import instance_main
        instance_main(args)
