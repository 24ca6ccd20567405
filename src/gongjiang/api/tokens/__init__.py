"""The caller's own tokens: list them and revoke one (say, a token that has leaked). Tokens are
made only on the user's own page (see gongjiang.api.views): the API has no endpoint that mints
a token, so a leaked token cannot make more of itself."""

from gongjiang.api.tokens import endpoints  # noqa: F401 - adds its operations to the router
from gongjiang.api.tokens.common import router

__all__ = ["router"]
