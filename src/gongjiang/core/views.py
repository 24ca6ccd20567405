import logging
import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_POST

from gongjiang.core import jobs
from gongjiang.core.errors import FAILED, RETRY_AFTER, UNAVAILABLE, DomainError, is_unavailable
from gongjiang.core.models import Job, JobStatus


def _own_job(request, pk):
    # A job's result is personal data: only the person who started it may see or fetch it.
    return get_object_or_404(Job, pk=pk, created_by=request.user)


@login_required
def job(request, pk):
    job = jobs.check(_own_job(request, pk))  # a job whose worker is gone shows as interrupted
    if request.htmx:
        response = render(request, "core/job_progress.html", {"job": job, "retryable": job.kind in jobs.KINDS})
        if job.status == "done" and job.result.get("next_url"):
            response["HX-Redirect"] = job.result["next_url"]  # finished work continues on its own page
        elif job.status == JobStatus.INTERRUPTED and request.htmx.current_url_abs_path != job.get_absolute_url():
            response["HX-Refresh"] = "true"  # the page the job works for shows what to do next
        return response
    return render(request, "core/job.html", {"job": job, "retryable": job.kind in jobs.KINDS})


@require_POST
@login_required
def job_retry(request, pk):
    job = _own_job(request, pk)
    try:
        new = jobs.retry(actor=request.user, job=job)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(job)
    return redirect(new)


@login_required
def job_download(request, pk):
    job = _own_job(request, pk)
    if not job.result_file:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name or "download")


@requires_csrf_token
def forbidden(request, exception=None):
    return render(request, "core/error.html", {"code": 403}, status=403)


@requires_csrf_token
def not_found(request, exception=None):
    return render(request, "core/error.html", {"code": 404}, status=404)


@requires_csrf_token
def server_error(request):
    """Django's last resort. The API keeps its JSON shape here too (a failure before its own
    handlers ran, e.g. in a middleware); a database that is away is a 503 with Retry-After."""

    unavailable = is_unavailable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    if unavailable:
        logging.getLogger(__name__).warning("database unavailable: %s %s", request.method, request.path)
    if request.path.startswith("/api/"):
        body = (
            {"code": "unavailable", "message": str(UNAVAILABLE)}
            if unavailable
            else {"code": "error", "message": str(FAILED)}
        )
        response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    elif unavailable:
        try:  # without the request: no session, no user, no menu — nothing that needs the database
            response = HttpResponse(render_to_string("core/unavailable.html"), status=503)
        except Exception:
            response = HttpResponse(str(UNAVAILABLE), status=503, content_type="text/plain; charset=utf-8")
    else:
        response = render(request, "core/error.html", {"code": 500}, status=500)
    if unavailable:
        response["Retry-After"] = RETRY_AFTER
    return response
