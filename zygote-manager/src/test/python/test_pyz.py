"""The zipapp the JVM ships: the package's modules with bytecode for this interpreter, and a __main__."""

import importlib.util
import pathlib
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


if __name__ == "__main__":
    unittest.main()
