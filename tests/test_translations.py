"""Every string a user sees has its Chinese translation, and the compiled catalogue is current.

Runs makemessages into a copy of the catalogue, so a string added to the code without a
translation fails here (and in CI) instead of showing up in English.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_no_string_lacks_a_translation(tmp_path):
    # makemessages rewrites the catalogue it finds, so it runs on a copy of the sources and the
    # catalogue: the real .po is never touched while other test workers (or a running server) read it.
    before = PO.read_bytes()
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(ROOT / "locale", copy / "locale")
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
            "-v0",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DEMO": "1", "GONGJIANG_VAR_DIR": str(tmp_path / "var")},
    )
    po = polib.pofile(str(copy / PO.relative_to(ROOT)))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert missing == []
    assert PO.read_bytes() == before


def test_placeholders_survive_translation():
    bad = []
    for entry in polib.pofile(str(PO)):
        wanted = sorted(re.findall(r"%\(\w+\)[sd]|%\(\w+\)\.\d+f", entry.msgid))
        got = sorted(re.findall(r"%\(\w+\)[sd]|%\(\w+\)\.\d+f", entry.msgstr or entry.msgstr_plural.get(0, "")))
        if wanted != got:
            bad.append(entry.msgid)
    assert bad == []


def test_the_compiled_catalogue_matches_the_source():
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(MO))}
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.pofile(str(PO)).translated_entries()}
    assert mo == po
