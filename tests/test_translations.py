"""Every string a user sees has its Chinese translation, and the compiled catalogue is current.

Runs makemessages into a copy of the catalogue, so a string added to the code without a
translation fails here (and in CI) instead of showing up in English.
"""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_no_string_lacks_a_translation(tmp_path):
    original = PO.read_bytes()
    try:
        subprocess.run(
            [
                "python",
                "manage.py",
                "makemessages",
                "-l",
                "zh_Hans",
                "--no-obsolete",
                "--no-location",
                "--ignore=.venv",
                "--ignore=var",
                "--ignore=bench",
                "--ignore=tests",
                "-v0",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        po = polib.pofile(str(PO))
        missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    finally:
        PO.write_bytes(original)
    assert missing == []


def test_placeholders_survive_translation():
    bad = []
    for entry in polib.pofile(str(PO)):
        import re

        wanted = sorted(re.findall(r"%\(\w+\)[sd]|%\(\w+\)\.\d+f", entry.msgid))
        got = sorted(re.findall(r"%\(\w+\)[sd]|%\(\w+\)\.\d+f", entry.msgstr or entry.msgstr_plural.get(0, "")))
        if wanted != got:
            bad.append(entry.msgid)
    assert bad == []


def test_the_compiled_catalogue_matches_the_source():
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(MO))}
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.pofile(str(PO)).translated_entries()}
    assert mo == po
