"""Set translations in the zh_Hans catalogue: `python scripts/po_set.py FILE.json`.

FILE holds {"msgid": "译文", ...} (for a msgctxt entry use the key "context\\x04msgid").
Entries are created if makemessages has not added them; fuzzy flags are cleared.
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def main(path: str) -> None:
    po = polib.pofile(str(PO), wrapwidth=0)
    wanted = json.loads(Path(path).read_text())
    index = {((e.msgctxt + "\x04") if e.msgctxt else "") + e.msgid: e for e in po}
    for key, text in wanted.items():
        entry = index.get(key)
        if entry is None:
            print(f"not in catalogue (run make messages first): {key!r}")
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        # msgmerge's "#|" notes of the fuzzy guess are a syntax error once the flag is gone.
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    po.save()
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    for m in missing:
        print(f"still untranslated: {m!r}")


if __name__ == "__main__":
    main(sys.argv[1])
