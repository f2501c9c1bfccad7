"""Builds the runtime's zipapp: python3 make_pyz.py SOURCE_DIR TARGET.pyz (run by Maven at process-classes).

Only the package's .py files go in (no __pycache__ from local runs), stored uncompressed so that importing
from it needs no zlib; the archive's __main__ runs sockeye_runtime.cli:main."""

import pathlib
import sys
import zipapp


def main(source, target):
    target = pathlib.Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    zipapp.create_archive(source, target, main="sockeye_runtime.cli:main",
                          filter=lambda path: path.suffix == ".py" or path.name == "sockeye_runtime")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_pyz.py SOURCE_DIR TARGET.pyz")
    main(sys.argv[1], sys.argv[2])
