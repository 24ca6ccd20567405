"""The one audited download: a file built for the user, sent as an attachment, and the entry
that says who took it.

In ``accounts`` rather than ``core`` because it writes the audit entry (``accounts.audit``);
``core.downloads.file_download`` is the part without the audit. Each app's ``exports`` builds the
file; views and API routers send it through here, so every export is logged the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse

from gongjiang.accounts.audit import record
from gongjiang.accounts.enums import AuditAction
from gongjiang.core.downloads import file_download


def audited_download(
    write: Callable[[str], object],
    filename: str,
    *,
    actor,
    action: str = AuditAction.EXPORT,
    **entry,
) -> FileResponse:
    """Let ``write(path)`` build the file, send it as ``filename`` and record ``action`` (an
    export unless told) by ``actor``; ``entry`` is the rest of the audit entry (``obj`` or
    ``object_type``/``object_repr``, ``detail``), as ``accounts.audit.record`` takes it.

    The entry is written once the file has been built, so a failed build leaves none."""
    response = file_download(write, filename)
    record(actor=actor, action=action, **entry)
    return response
