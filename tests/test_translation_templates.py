"""Every addon ships the translation template of its current texts (addons/<module>/i18n/<module>.pot).

A text added or changed without re-exporting the template (bin/export-pot) fails here: a
translator would never see it.
"""

import io
import pathlib

import polib
from suite_modules import SUITE  # tests/ is on sys.path under pytest

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

ADDONS = pathlib.Path(__file__).resolve().parent.parent / "addons"


@tagged("post_install", "-at_install")
class TestTranslationTemplates(TransactionCase):
    def test_each_addon_ships_the_template_of_its_current_texts(self):
        for module in SUITE:
            with self.subTest(module=module):
                path = ADDONS / module / "i18n" / f"{module}.pot"
                self.assertTrue(path.is_file(), f"{path} is missing: run bin/export-pot")
                shipped = {entry.msgid for entry in polib.pofile(str(path))}
                buffer = io.BytesIO()
                trans_export(False, [module], buffer, "po", self.env.cr)
                current = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
                self.assertGreater(len(current), 100)
                self.assertEqual(sorted(current - shipped), [], f"texts missing from {path.name}: run bin/export-pot")
                self.assertEqual(sorted(shipped - current), [], f"texts gone from the code still in {path.name}")
