"""Treatment: every change of state, one module per noun — schemes and their standards, bank
accounts and holds, batches from generation to closing, payments, the ledger, arrears, and
in-kind stock. Every change is checked, audited and atomic.

The package re-exports its public functions, so ``services.generate_batch(...)`` reads as
before; code inside the app imports the noun's module."""

from gongjiang.benefits.selectors import person_treatment
from gongjiang.benefits.services.arrears import arrears_until, generate_arrears
from gongjiang.benefits.services.batches import (
    approve_batch,
    close_batch,
    generate_batch,
    regenerate_batch,
    remove_line,
    return_batch,
    submit_batch,
)
from gongjiang.benefits.services.condolence import give_at_visit, schemes_for_visits
from gongjiang.benefits.services.cover import covered, within_due
from gongjiang.benefits.services.ledger import reverse_entry
from gongjiang.benefits.services.lines import LINE_COLUMNS, LineRow, pending_line
from gongjiang.benefits.services.payment_accounts import (
    add_hold,
    current_accounts,
    end_hold,
    reveal_account,
    set_account,
)
from gongjiang.benefits.services.payments import pay_all, record_results, record_return_file
from gongjiang.benefits.services.schemes import RULE_FIELDS, SCHEME_FIELDS, save_rule, save_scheme, set_items
from gongjiang.benefits.services.stock import receive_stock, stock_of

__all__ = [
    "LINE_COLUMNS",
    "RULE_FIELDS",
    "SCHEME_FIELDS",
    "LineRow",
    "add_hold",
    "approve_batch",
    "arrears_until",
    "close_batch",
    "covered",
    "current_accounts",
    "end_hold",
    "generate_arrears",
    "generate_batch",
    "give_at_visit",
    "pay_all",
    "pending_line",
    "person_treatment",
    "receive_stock",
    "record_results",
    "record_return_file",
    "regenerate_batch",
    "remove_line",
    "return_batch",
    "reveal_account",
    "reverse_entry",
    "save_rule",
    "save_scheme",
    "schemes_for_visits",
    "set_account",
    "set_items",
    "stock_of",
    "submit_batch",
    "within_due",
]
