"""Show the least needed: identity numbers, phones and bank accounts masked by default."""


def mask_id_number(value: str | None) -> str:
    """``320102196503011234`` -> ``320102********1234``."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812341234`` -> ``138****1234``; landlines keep the area code and the last four digits."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    keep_head = 4 if "-" in digits[:5] or len(digits) > 8 else 0
    head = digits[:keep_head]
    return head + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def mask_account(value: str | None) -> str:
    """Bank account: the last four digits only."""
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]
