from __future__ import annotations

import datetime as dt

from django import forms
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin

from gongjiang.accounts import notices, permissions
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.permissions import Perm
from gongjiang.archive.enums import Level
from gongjiang.core import charts
from gongjiang.core.forms import DateInput
from gongjiang.reports import stats

CHART_LEVELS = [Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL, Level.DISTRICT]


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), required=False, widget=DateInput())

    def date(self) -> dt.date:
        today = timezone.localdate()
        if self.is_valid() and self.cleaned_data["as_of"]:
            return min(self.cleaned_data["as_of"], today)
        return today


@perm_required(Perm.VIEW_DASHBOARD)
@section("dashboard")
def dashboard(request):
    form = AsOfForm(request.GET or None)
    as_of = form.date()
    data = stats.dashboard(request.user, as_of)
    year_rows = [
        {
            "year": y,
            "counts": [data.honours_by_year[y].get(lv, 0) for lv in CHART_LEVELS],
            "total": sum(data.honours_by_year[y].values()),
        }
        for y in sorted(data.years, reverse=True)
    ]
    status_rows = [
        {
            "status": status,
            "label": label,
            "counts": [data.by_status[status].get(lv, 0) for lv in [*CHART_LEVELS, Level.NONE]],
            "total": sum(data.by_status[status].values()),
        }
        for status, label in stats.Status.choices
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "d": data,
            "as_of": as_of,
            "is_today": as_of == timezone.localdate(),
            "year_rows": year_rows,
            "status_rows": status_rows,
            "level_labels": [lv.label for lv in CHART_LEVELS],
            "scoped": not permissions.has_perm(request.user, Perm.VIEW_ALL_RECORDS),
            "notices": notices.for_user(request.user),
        },
    )


@perm_required(Perm.VIEW_DASHBOARD)
@xframe_options_sameorigin
def honours_chart(request):
    as_of = AsOfForm(request.GET or None).date()
    data = stats.dashboard_years(request.user, as_of)
    years = sorted(data)
    fingerprint = hash(tuple((y, tuple(sorted(data[y].items()))) for y in years))
    key = f"chart:honours:{fingerprint}:{request.LANGUAGE_CODE}"
    svg = cache.get(key)
    if svg is None:
        list_url = reverse("archive:list")
        fig = charts.stacked_bars(
            [str(y) for y in years],
            [(str(lv.label), [data[y].get(lv, 0) for y in years]) for lv in CHART_LEVELS],
            urls=[f"{list_url}?honour_year={y}" for y in years],
            ylabel=_("Honours awarded"),
        )
        svg = charts.to_svg(fig)
        cache.set(key, svg, 3600)
    response = HttpResponse(svg, content_type="image/svg+xml")
    # The SVG is a document of its own: matplotlib styles it inline, and it runs no script.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    return response
