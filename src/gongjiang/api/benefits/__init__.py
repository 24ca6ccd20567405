"""Treatment: schemes, batches (generate, submit, approve, results), the ledger, the 按时足额
report, and one person's treatment — through the same services as the pages, so separation of
duties, masking of account numbers and the audit trail hold here too. Each module adds its
operations to the one ``router``, in the order the OpenAPI document lists them."""

# isort: off
from gongjiang.api.benefits import schemes, batches, ledger, reports, treatment  # noqa: F401
from gongjiang.api.benefits.common import router

# isort: on

__all__ = ["router"]
