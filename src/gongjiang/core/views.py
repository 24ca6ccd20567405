from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import requires_csrf_token

from gongjiang.core.models import Job


def _own_job(request, pk):
    # A job's result is personal data: only the person who started it may see or fetch it.
    return get_object_or_404(Job, pk=pk, created_by=request.user)


@login_required
def job(request, pk):
    job = _own_job(request, pk)
    template = "core/job_progress.html" if request.htmx else "core/job.html"
    return render(request, template, {"job": job})


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
    return render(request, "core/error.html", {"code": 500}, status=500)
