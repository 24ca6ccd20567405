"""Is an uploaded file what its name says? The first bytes of every format we keep are known;
a web page named ``.jpg`` or a zip named ``.docx`` is refused before it is stored (and later
served with the content type its name implies)."""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps (Office 97–2003, WPS)
MAGIC = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".doc": (OLE2,),
    ".xls": (OLE2,),
    ".wps": (OLE2,),
}
# Office Open XML and OpenDocument files are zips with a known part inside.
ZIP_PARTS = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".xlsm": "xl/workbook.xml",
    ".ods": "content.xml",
}
TEXT = {".txt", ".csv"}
MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")


def _head(upload, n: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def matches(upload, name: str | None = None) -> bool:
    """Whether the content of ``upload`` (a file object) fits the suffix of its name."""
    suffix = PurePath(name or upload.name or "").suffix.lower()
    head = _head(upload)
    if suffix in MAGIC:
        return head.startswith(MAGIC[suffix])
    if suffix in ZIP_PARTS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(upload) as archive:  # reads the directory only
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return False
        finally:
            upload.seek(0)
        return ZIP_PARTS[suffix] in names
    if suffix in TEXT:
        return b"\x00" not in head and not head.lstrip().lower().startswith(MARKUP)
    return False


def check(upload, *, field: str = "file", name: str | None = None) -> None:
    """Refuse, in Chinese, a file whose content does not fit its name."""
    if not matches(upload, name):
        shown = PurePath(name or upload.name or "").name
        suffix = PurePath(shown).suffix.lstrip(".").upper() or "?"
        raise ValidationError(
            {
                field: [
                    _("The content of “%(name)s” is not a %(kind)s file, whatever its name says. Upload the real file.")
                    % {"name": shown, "kind": suffix}
                ]
            }
        )
