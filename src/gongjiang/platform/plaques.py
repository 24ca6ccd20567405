"""The certificate and the plaque (授牌) in the one unified style (三统: one sign, one standard,
one set of norms), rendered to PDF by WeasyPrint with the Noto CJK fonts of the system."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from gongjiang.accounts.models import Organisation
from gongjiang.platform.enums import Tier
from gongjiang.platform.models import Unit

# The tiers' full names as the federation's documents write them.
TIER_TITLES = {
    Tier.STUDIO: "劳模先进“三创”工作室",
    Tier.STAR_POST: "职工“三创”星级示范岗",
    Tier.STANDARD_BEARER: "职工“三创”标兵",
}


def federation_name() -> str:
    root = Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
    return root.name if root else "区总工会"


def context(unit: Unit) -> dict:
    federation = federation_name()
    district = federation.removesuffix("总工会")
    awarded = unit.awarded_on or timezone.localdate()
    return {
        "unit": unit,
        "federation": federation,
        "tier_title": f"{district}{TIER_TITLES[unit.tier]}",
        "stars": "★" * (unit.stars or 0),
        "awarded": f"{awarded.year}年{awarded.month}月",
        "awarded_full": f"{awarded.year}年{awarded.month}月{awarded.day}日",
    }


def render_pdf(unit: Unit) -> bytes:
    # Lazy: weasyprint is heavy and loads only when a plaque PDF is made.
    from weasyprint import HTML  # noqa: PLC0415

    html = render_to_string("platform/pdf/plaque.html", context(unit))
    # No base URL: the document has no external resources, and fetches nothing.
    return HTML(string=html).write_pdf()


def pdf_response(unit: Unit) -> HttpResponse:
    """The certificate and plaque as an inline PDF (pages and API); 404 without a plaque held."""
    if not unit.holds_plaque:
        raise Http404
    response = HttpResponse(render_pdf(unit), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plaque-{unit.plaque_number}.pdf"'
    return response
