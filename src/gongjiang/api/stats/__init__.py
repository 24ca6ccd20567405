"""The dashboard's figures and the platform's statistics."""

from gongjiang.api.stats import endpoints  # noqa: F401 - adds its operations to the router
from gongjiang.api.stats.common import router

__all__ = ["router"]
