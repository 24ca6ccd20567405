from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain said no. ``message`` is translated text for the user; ``code`` lets
    the API choose a status (``conflict`` → 409, ``forbidden`` → 403, else 422)."""

    def __init__(self, message: str | Promise, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
