from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.accounts.audit import record, record_read
from gongjiang.accounts.audit_display import resolve, show_value
from gongjiang.accounts.decorators import perm_required, section
from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.permissions import Perm
from gongjiang.archive import services as archive_services
from gongjiang.archive.models import ModelWorker
from gongjiang.archive.selectors import likely_duplicates, visible_model_workers
from gongjiang.core import jobs
from gongjiang.core.downloads import file_download
from gongjiang.core.errors import DomainError
from gongjiang.core.forms import apply_errors
from gongjiang.core.models import JobStatus
from gongjiang.core.pagination import page_from_request
from gongjiang.rosters import exports, services, tasks, template
from gongjiang.rosters.columns import FIELDS
from gongjiang.rosters.forms import MappingForm, UploadForm
from gongjiang.rosters.models import Decision, ImportMapping, ImportRow, ImportStatus, RowAction, SheetState
from gongjiang.rosters.preview import Previewer

BUSY = (ImportStatus.UPLOADED, ImportStatus.PARSING, ImportStatus.APPLYING)
SHOWN = [RowAction.REJECT, RowAction.CANDIDATE, RowAction.NEW, RowAction.UPDATE, RowAction.UNCHANGED, RowAction.SKIP]


def _import(request, pk: int):
    return get_object_or_404(services.visible_imports(request.user), pk=pk)


@perm_required(Perm.EDIT_RECORDS)
@section("rosters")
def index(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            ri = services.upload(
                actor=request.user,
                name=upload.name,
                data=upload.read(),
                default_union=form.cleaned_data["default_union"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            tasks.start_parse(actor=request.user, ri=ri)
            return redirect(ri)
    imports = services.visible_imports(request.user)[:30]
    return render(
        request,
        "rosters/index.html",
        {
            "form": form,
            "imports": imports,
            "mappings": ImportMapping.objects.all()[:20],
        },
    )


@perm_required(Perm.EDIT_RECORDS)
@section("rosters")
def detail(request, pk: int):
    ri = _import(request, pk)
    if ri.status in BUSY and ri.job_id and jobs.check(ri.job).status == JobStatus.INTERRUPTED:
        ri = _import(request, pk)  # its worker is gone: the import is back in the user's hands
    show = request.GET.get("show") or (RowAction.REJECT if ri.counts.get(RowAction.REJECT) else RowAction.NEW)
    if show not in RowAction.values:
        show = RowAction.REJECT
    rows = ImportRow.objects.filter(roster_import=ri, action=show)
    page = page_from_request(request, rows, ["id"])
    _describe_rows(ri, page.items)
    record_read(
        actor=request.user,
        object_type="rosters.importrow",
        rows=len(page.items),
        query=request.GET,
        roster_import=ri.pk,
    )
    mapping_form = None
    if ri.status in (ImportStatus.PARSED, ImportStatus.FAILED) and ri.headers:
        mapping_form = MappingForm(headers=ri.headers, mapping=ri.mapping, initial={"header_row": ri.header_row})
    tabs = [(a, RowAction(a).label, ri.counts.get(a, 0)) for a in SHOWN if ri.counts.get(a, 0) or a == show]
    return render(
        request,
        "rosters/detail.html",
        {
            "ri": ri,
            "page": page,
            "show": show,
            "tabs": tabs,
            "mapping_form": mapping_form,
            "candidates": services.candidates(ri) if ri.status == ImportStatus.PARSED else [],
            "decisions": Decision.choices[1:],
            "base_query": f"show={show}",
            "sheets": _sheets(ri),
            "several_sheets": len(services.sheets_read(ri)) > 1,
            "busy": ri.status in BUSY,
        },
    )


def _sheets(ri) -> list[dict]:
    """The workbook's sheets as the preview lists them: only for a workbook of several, or with notes skipped."""
    sheets = [s for s in ri.sheets or [] if isinstance(s, dict)]
    if len(sheets) < 2 and not any(s.get("notes") for s in sheets):
        return []
    states = dict(SheetState.choices)
    return [{**s, "state_label": states.get(s.get("state"), s.get("state"))} for s in sheets]


def _describe_rows(ri, rows) -> None:
    """What the preview shows of each row: the name, the ID masked, and why or what changes."""
    previewer = Previewer(ri)
    for row in rows:
        shown = previewer.describe(row)
        row.name = shown.name
        row.id_masked = shown.id_number
        row.change_list = []
        for key, pair in shown.changes.items():
            if key == "honours":
                continue
            before, after = [*pair, None, None][:2]
            label, field = resolve(ModelWorker, key)
            row.change_list.append(
                (str(FIELDS[key][0]) if key in FIELDS else label, show_value(field, before), show_value(field, after))
            )
        row.honours_added = shown.changes.get("honours", [])


@require_POST
@perm_required(Perm.EDIT_RECORDS)
def remap(request, pk: int):
    ri = _import(request, pk)
    form = MappingForm(request.POST, headers=ri.headers, mapping=ri.mapping)
    if not form.is_valid():
        messages.error(request, _("The mapping could not be read."))
        return redirect(ri)
    try:
        header_row = form.cleaned_data.get("header_row")
        services.remap(
            actor=request.user,
            ri=ri,
            mapping=form.mapping(),
            header_row=header_row,
            save_as=form.cleaned_data.get("save_as", ""),
        )
    except (ValidationError, DomainError) as e:
        messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
        return redirect(ri)
    tasks.start_parse(actor=request.user, ri=ri)
    messages.success(request, _("The file is read again with your columns."))
    return redirect(ri)


@require_POST
@perm_required(Perm.EDIT_RECORDS)
def confirm(request, pk: int):
    ri = _import(request, pk)
    decisions = {}
    for key, value in request.POST.items():
        if key.startswith("person_") and key[7:].isdigit() and value in Decision.values:
            decisions[int(key[7:])] = value
    try:
        ri = services.confirm(actor=request.user, ri=ri, decisions=decisions)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(ri)
    tasks.start_apply(actor=request.user, ri=ri)
    return redirect(ri)


@require_POST
@perm_required(Perm.EDIT_RECORDS)
def retry(request, pk: int):
    ri = _import(request, pk)
    try:
        tasks.retry(actor=request.user, ri=ri)
    except DomainError as e:
        messages.error(request, e.message)
    return redirect(ri)


@require_POST
@perm_required(Perm.EDIT_RECORDS)
def cancel(request, pk: int):
    ri = _import(request, pk)
    try:
        services.cancel(actor=request.user, ri=ri)
        messages.success(request, _("The import was cancelled; nothing was changed."))
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("rosters:index")


@require_POST
@perm_required(Perm.EDIT_RECORDS)
def undo(request, pk: int):
    ri = _import(request, pk)
    try:
        services.undo(actor=request.user, ri=ri)
        messages.success(request, _("The import was undone."))
    except DomainError as e:
        messages.error(request, e.message)
    return redirect(ri)


@perm_required(Perm.EDIT_RECORDS)
def errors(request, pk: int):
    return exports.errors_download(request.user, _import(request, pk))


@perm_required(Perm.EDIT_RECORDS)
def original(request, pk: int):
    ri = _import(request, pk)
    record(actor=request.user, action=AuditAction.DOWNLOAD, obj=ri, detail={"file": "original"})
    return FileResponse(ri.file.open("rb"), as_attachment=True, filename=ri.original_name)


@perm_required(Perm.EDIT_RECORDS)
def blank_template(request):
    return file_download(lambda path: template.write_template(path, user=request.user), "劳模花名册导入模板.xlsx")


# --- Duplicates already in the archive --------------------------------------------------------


@perm_required(Perm.ARCHIVE_RECORDS)
@section("rosters")
def duplicates(request):

    return render(request, "rosters/duplicates.html", {"pairs": likely_duplicates(request.user)})


@require_POST
@perm_required(Perm.ARCHIVE_RECORDS)
def merge(request):

    people = visible_model_workers(request.user)
    keep = get_object_or_404(people, pk=request.POST.get("keep"))
    other = get_object_or_404(people, pk=request.POST.get("other"))
    try:
        archive_services.merge_records(actor=request.user, keep=keep, other=other)
    except (ValidationError, DomainError) as e:
        messages.error(request, " ".join(getattr(e, "messages", [str(e)])))
        return redirect("rosters:duplicates")
    messages.success(
        request,
        _("%(other)s (record %(o)s) was merged into record %(k)s.")
        % {"other": other.name, "o": other.pk, "k": keep.pk},
    )
    return redirect(keep)
