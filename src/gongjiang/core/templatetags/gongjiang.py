from django import template
from django.utils.http import urlencode

from gongjiang.core.masking import mask_account, mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def yuan(value):
    """¥1,234.50 — money as the staff write it."""
    if value is None or value == "":
        return ""
    return f"¥{value:,.2f}"


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters changed (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(sorted((k, v) for k, v in params.lists()), doseq=True)


@register.filter
def level_class(level):
    return f"l{level}" if level in (1, 2, 3, 4) else ""


@register.filter
def masked_account(value):
    return mask_account(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
