"""The addons of the suite, as bin/_lib.sh lists them (SUITE_MODULES, the core first): one list for
the scripts (install, serve, benchmark, export-pot) and the tests that check every addon."""

import pathlib
import re

_LIB = pathlib.Path(__file__).resolve().parent.parent / "bin" / "_lib.sh"
SUITE = tuple(re.search(r'^SUITE_MODULES="([^"]+)"$', _LIB.read_text(), re.MULTILINE).group(1).split(","))
