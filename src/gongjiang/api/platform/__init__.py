"""The 三创 platform (studios, star posts, standard-bearers): units from application to plaque,
the six haves and the team, achievements, mentoring, expenses, evaluation rounds and score
sheets, candidates for promotion or removal, and funding plans.

Every endpoint reads through the pages' scoped querysets (``selectors.visible_units``,
``visible_model_workers``) and their permission rules, and changes state only through the
platform's services, so a union's token reaches its own units only and a reviewer never
scores a unit they lead. Each module adds its operations to the one ``router``, in the order
the OpenAPI document lists them.
"""

# isort: off
from gongjiang.api.platform import units, achievements, mentoring, expenses, evaluation, cases, funding  # noqa: F401
from gongjiang.api.platform.common import router

# isort: on

__all__ = ["router"]
