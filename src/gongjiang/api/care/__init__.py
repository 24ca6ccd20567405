"""Care (关爱服务): check-up and stay campaigns, their batches and invitations, the rules, visit
plans and visits, needs followed to resolution, and the care year's figures.

Every endpoint reads through the pages' scoped querysets (``care.selectors``,
``care.visit_selectors``) and fetch-and-check helpers (``care.access``), and changes state only
through ``care.services``, so a union's token reaches its own people only and a batch's
capacity holds through the API as on the pages. Each module adds its operations to the one
``router``, in the order the OpenAPI document lists them.
"""

# isort: off
from gongjiang.api.care import campaigns, invitations, rules, visits, needs, year  # noqa: F401
from gongjiang.api.care.common import router

# isort: on

__all__ = ["router"]
