"""The zipapp the JVM ships: the package's modules with bytecode for this interpreter, and a __main__."""

import importlib.util
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest
import zipfile

import support


class ZipappTest(unittest.TestCase):

    def test_every_module_ships_with_bytecode_for_this_interpreter(self):
        sources = sorted(p.name for p in (support.SOURCE / "sockeye_runtime").glob("*.py"))
        with zipfile.ZipFile(support.pyz()) as archive:
            names = set(archive.namelist())
            self.assertIn("__main__.py", names)
            for name in sources:
                self.assertIn("sockeye_runtime/" + name, names)
                bytecode = archive.read("sockeye_runtime/" + pathlib.Path(name).stem + ".pyc")
                self.assertEqual(bytecode[:4], importlib.util.MAGIC_NUMBER, name)
            self.assertFalse([n for n in names if "__pycache__" in n])
            self.assertTrue(all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist()))

    def test_an_interpreter_of_another_version_runs_the_sources(self):
        # Bytecode with another magic number, as a sandbox base with another Python would find it.
        other = os.path.join(tempfile.mkdtemp(prefix="sockeye-pyz-"), "other.pyz")
        with zipfile.ZipFile(support.pyz()) as source, zipfile.ZipFile(other, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                target.writestr(info, b"\x00\x00\r\n" + data[4:] if info.filename.endswith(".pyc") else data)
        socket_path = os.path.join(os.path.dirname(other), "z.sock")
        done = subprocess.run([sys.executable, other, "zygote", "--socket", socket_path, "--preload", "no_such_mod_q"],
                              capture_output=True, text=True, timeout=30, env=dict(os.environ, PYTHONPATH=""))
        # The zygote module (which imports every other) loaded, ran and reported the bad preload.
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("preload of module 'no_such_mod_q' failed", done.stderr)


if __name__ == "__main__":
    unittest.main()
