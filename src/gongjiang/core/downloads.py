import tempfile
from collections.abc import Callable
from pathlib import Path

from django.http import FileResponse


def file_download(write: Callable[[str], object], filename: str) -> FileResponse:
    """Let ``write(path)`` produce a file and send it as an attachment.

    The file lives in a temporary directory and is unlinked at once: the open handle keeps
    its data until the response has been sent, and nothing personal stays on disk.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "download"
        write(str(path))
        handle = path.open("rb")
    return FileResponse(handle, as_attachment=True, filename=filename)
