"""Builds the runtime's zipapp: python3 make_pyz.py SOURCE_DIR TARGET.pyz (run by Maven at process-resources).

Only the package's .py files go in (no __pycache__ from local runs), each with its bytecode beside it (the
layout zipimport reads), compiled by this interpreter with unchecked hashes: a zygote or a fresh instance then
starts without compiling the runtime, which the one-file runtime did on every start. An interpreter of another
version finds the bytecode's magic number wrong and compiles the .py instead. Stored uncompressed, so importing
from it needs no zlib; the archive's __main__ runs sockeye_runtime.cli:main."""

import pathlib
import py_compile
import shutil
import sys
import tempfile
import zipapp

PACKAGE = "sockeye_runtime"


def main(source, target):
    target = pathlib.Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sockeye-pyz-") as staging:
        package = pathlib.Path(staging) / PACKAGE
        package.mkdir()
        for module in sorted((pathlib.Path(source) / PACKAGE).glob("*.py")):
            shutil.copy2(module, package / module.name)
            py_compile.compile(str(package / module.name), cfile=str(package / (module.stem + ".pyc")),
                               dfile="%s/%s" % (PACKAGE, module.name), doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        zipapp.create_archive(staging, target, main="sockeye_runtime.cli:main")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_pyz.py SOURCE_DIR TARGET.pyz")
    main(sys.argv[1], sys.argv[2])
