from django.db.utils import InterfaceError, OperationalError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


class DomainError(Exception):
    """A rule of the domain said no. ``message`` is translated text for the user; ``code`` lets
    the API choose a status (``conflict`` → 409, ``forbidden`` → 403, else 422)."""

    def __init__(self, message: str | Promise, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


def is_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached, or the connection broke (a restart, a network cut):
    the request's work was rolled back unless it had already committed."""

    return isinstance(exc, OperationalError | InterfaceError)


RETRY_AFTER = "5"  # seconds: long enough for the connection pool to reconnect
UNAVAILABLE = gettext_lazy("The database cannot be reached just now. Wait a moment and try again.")
FAILED = gettext_lazy(
    "Something went wrong on the server; the error has been logged. Try again, or tell the administrator."
)
