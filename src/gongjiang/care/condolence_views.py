"""Condolence money or goods given at a visit: one form over ``care.services.condolence``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongjiang.accounts import permissions
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.benefits.services.condolence import schemes_for_visits
from gongjiang.care.access import access_visit
from gongjiang.care.forms import CondolenceForm
from gongjiang.care.services.condolence import give_condolence
from gongjiang.core.forms import apply_errors

Perm = permissions.Perm


@perm_required(Perm.PREPARE_BATCHES)
@section("care_visits")
def condolence_create(request, pk: int):
    visit = access_visit(request.user, pk)
    form = CondolenceForm(request.POST or None, schemes=schemes_for_visits())
    if request.method == "POST" and form.is_valid():
        try:
            condolence = give_condolence(
                actor=request.user,
                visit=visit,
                scheme=form.cleaned_data["scheme"],
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("Added to the batch “%(batch)s”: it is paid once the batch is approved.")
                % {"batch": condolence.line.batch.title},
            )
            return redirect(visit)
    return render(
        request,
        "care/form.html",
        {
            "form": form,
            "heading": _("Condolence money or goods given to %(name)s") % {"name": visit.model_worker.name},
            "back": visit.get_absolute_url(),
            "crumb": (visit.get_absolute_url(), _("Visit")),
        },
    )
