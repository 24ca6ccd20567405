"""The sidebar's entries declared by the apps that own the pages (a registry: accounts knows no domain app).

An app registers its entries in ``AppConfig.ready()``::

    menu.register(
        menu.Item(group="care", label=_("Check-ups"), url_name="care:checkups", perm="view_care",
                  section="care_checkups"),
    )

The base template shows, under each group's heading, the entries whose ``perm`` the user holds
(``can``) and whose ``visible(user)`` says yes. The groups' headings and order are below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Heading of each group, in the sidebar's order; "" is no heading (the first entries).
GROUPS: dict[str, Promise | str] = {
    "start": "",
    "archive": "",
    "benefits": _("Treatment"),
    "care": _("Care"),
    "platform": _("三创 platform"),
    "nominations": _("Nomination and selection"),
    "publicity": _("Publicity"),
    "reports": _("Statistics and reports"),
    "admin": _("Administration"),
}


@dataclass(frozen=True)
class Item:
    group: str
    label: Promise | str
    url_name: str
    perm: str | None = None
    section: str = ""
    order: int = 100
    visible: Callable[[Any], bool] | None = field(default=None, compare=False)


_ITEMS: list[Item] = []


def register(*items: Item) -> None:
    for item in items:
        if item.group not in GROUPS:
            raise ValueError(f"unknown menu group {item.group!r}")
        if item not in _ITEMS:
            _ITEMS.append(item)


def entries_for(user, can: dict[str, bool]) -> list[dict]:
    """The registered groups with the entries this user may open, in order."""
    out = []
    for group, heading in GROUPS.items():
        items = sorted((i for i in _ITEMS if i.group == group), key=lambda i: i.order)
        shown = []
        for item in items:
            if item.perm and not can.get(item.perm):
                continue
            if item.visible is not None and not item.visible(user):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            shown.append({"label": item.label, "url": url, "section": item.section})
        if shown:
            out.append({"group": group, "heading": heading, "items": shown})
    return out
