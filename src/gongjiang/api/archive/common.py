"""What the archive's endpoint modules share: the router and the fetches."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from gongjiang.accounts import permissions
from gongjiang.accounts.models import Organisation
from gongjiang.archive import selectors
from gongjiang.archive.models import ModelWorker
from gongjiang.core.models import Job

router = Router(tags=["劳模档案"])


def get_worker(request, pk: int) -> ModelWorker:
    """A record the user may see (another's is a 404)."""
    return get_object_or_404(selectors.profile_queryset(request.user), pk=pk)


def with_private(request, worker: ModelWorker) -> ModelWorker:
    """The record with ``private``: whether the user may see its family and hardship file
    (``ModelWorkerDetail`` reads it)."""
    worker.private = permissions.may_see_private(request.user, worker)
    return worker


def worker_detail(request, pk: int) -> ModelWorker:
    """The record read afresh, for ``ModelWorkerDetail``."""
    return with_private(request, get_worker(request, pk))


def get_job(request, job_id: str) -> Job:
    """A background job the user started."""
    job = Job.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise HttpError(404, _("Not found, or not yours to see."))
    return job


def get_union(request, pk: int) -> Organisation:
    """A union a body names (the service checks it is within the user's scope)."""
    union = Organisation.objects.filter(pk=pk, parent__isnull=False).first()
    if union is None:
        raise HttpError(422, _("There is no such union."))
    return union
