"""Organisations, model workers (一人一档) with honours, family and hardship file; export; jobs.
Each module adds its operations to the one ``router``, in the order the OpenAPI document lists them."""

# isort: off
from gongjiang.api.archive import organisations, workers, jobs  # noqa: F401
from gongjiang.api.archive.common import router

# isort: on

__all__ = ["router"]
