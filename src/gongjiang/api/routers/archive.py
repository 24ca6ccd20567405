"""Organisations, model workers (一人一档) with honours, family and hardship file; export; jobs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError

from gongjiang.accounts import permissions
from gongjiang.accounts.audit import record_read
from gongjiang.accounts.models import Organisation
from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Amount, Page, choice, logged_read, page
from gongjiang.archive import exports, selectors, services
from gongjiang.archive.enums import HardshipCategory, Housing, Level, Relation, Status, Verification
from gongjiang.archive.models import FamilyMember, Honour, ModelWorker
from gongjiang.core.masking import mask_id_number, mask_phone
from gongjiang.core.models import Job

router = Router(tags=["劳模档案"])


# --- Who am I, organisations ------------------------------------------------------------------


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    organisation_id: int | None
    model_worker_id: int | None
    permissions: list[str]


@router.get("/me", response={200: MeOut, **ERRORS}, summary="当前用户与权限", tags=["账户"])
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "role": user.role,
        "organisation_id": user.organisation_id,
        "model_worker_id": user.model_worker_id,
        "permissions": sorted(p.value for p in Perm if permissions.has_perm(user, p)),
    }


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    kind: str
    parent_id: int | None


def _organisations(user):
    qs = Organisation.objects.order_by("sort_order", "name")
    scope = permissions.union_scope(user)
    if scope is None:
        return qs
    own = [user.organisation_id] if user.organisation_id else []
    return qs.filter(pk__in=[*scope, *own])


def _org(o: Organisation) -> dict:
    return {
        "id": o.pk,
        "name": o.name,
        "short_name": o.short_name,
        "code": o.code or "",
        "kind": o.kind,
        "parent_id": o.parent_id,
    }


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **ERRORS},
    summary="组织机构（本人可见范围）",
    tags=["组织机构"],
)
def organisations(request):
    return [_org(o) for o in _organisations(request.user)]


@router.get(
    "/organisations/{int:org_id}", response={200: OrganisationOut, **ERRORS}, summary="一个组织机构", tags=["组织机构"]
)
def organisation(request, org_id: int):
    return _org(get_object_or_404(_organisations(request.user), pk=org_id))


# --- Model workers ----------------------------------------------------------------------------


class UnionRef(Schema):
    id: int
    name: str


class ModelWorkerSummary(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    id_number: str  # masked: POST …/reveal for the clear value (audited)
    phone: str  # masked
    union: UnionRef
    employer: str
    position: str
    status: str
    status_label: str
    highest_level: int
    highest_level_label: str
    in_hardship: bool
    archived: bool
    # pending (a union's record, counted nowhere until the federation confirms it), confirmed, rejected
    verification: str
    verification_label: str


class HonourOut(Schema):
    id: int
    title: str
    kind: str
    level: int
    awarding_body: str
    year: int
    document_number: str
    revoked_on: dt.date | None
    revocation_reason: str
    voided: bool


class FamilyOut(Schema):
    id: int
    relation: str
    name: str
    birth_date: dt.date | None
    employment: str
    health: str
    monthly_income: Decimal | None
    phone: str  # masked
    removed: bool


class HardshipOut(Schema):
    is_active: bool
    category: str
    established_on: dt.date
    ended_on: dt.date | None
    health: str
    serious_illness: bool
    monthly_income: Decimal | None
    family_monthly_income: Decimal | None
    family_size: int | None
    housing: str
    needs_and_wishes: str


class ModelWorkerDetail(ModelWorkerSummary):
    ethnicity: str
    political_affiliation: str
    education: str
    title_or_grade: str
    address: str
    retired_on: dt.date | None
    died_on: dt.date | None
    deeds: str
    remarks: str
    version: int
    honours: list[HonourOut]
    family: list[FamilyOut]
    hardship: HardshipOut | None


def summary(w: ModelWorker) -> dict:
    return {
        "id": w.pk,
        "name": w.name,
        "sex": w.sex,
        "birth_date": w.birth_date,
        "id_number": mask_id_number(w.id_number),
        "phone": mask_phone(w.phone),
        "union": {"id": w.union_id, "name": w.union.name},
        "employer": w.employer.name if w.employer_id else "",
        "position": w.position,
        "status": w.status,
        "status_label": choice(w.status, Status),
        "highest_level": w.highest_level,
        "highest_level_label": choice(w.highest_level, Level) if w.highest_level != Level.NONE else "",
        "in_hardship": w.in_hardship,
        "archived": w.archived_at is not None,
        "verification": w.verification,
        "verification_label": choice(w.verification, Verification),
    }


def honour_out(h: Honour) -> dict:
    return {
        "id": h.pk,
        "title": h.title,
        "kind": h.kind,
        "level": h.level,
        "awarding_body": h.awarding_body,
        "year": h.year,
        "document_number": h.document_number,
        "revoked_on": h.revoked_on,
        "revocation_reason": h.revocation_reason,
        "voided": h.voided_at is not None,
    }


def family_out(m: FamilyMember) -> dict:
    return {
        "id": m.pk,
        "relation": m.relation,
        "name": m.name,
        "birth_date": m.birth_date,
        "employment": m.employment,
        "health": m.health,
        "monthly_income": m.monthly_income,
        "phone": mask_phone(m.phone),
        "removed": m.removed_at is not None,
    }


def detail(w: ModelWorker, user) -> dict:
    """The record; its private matters (family, hardship file) only for those who may see them."""
    private = permissions.may_see_private(user, w)
    hardship = getattr(w, "hardship_file", None) if private else None
    return {
        **summary(w),
        "ethnicity": w.ethnicity,
        "political_affiliation": w.political_affiliation,
        "education": w.education,
        "title_or_grade": w.title_or_grade,
        "address": w.address,
        "retired_on": w.retired_on,
        "died_on": w.died_on,
        "deeds": w.deeds,
        "remarks": w.remarks,
        "version": w.version,
        "honours": [honour_out(h) for h in w.honours.all()],
        "family": [family_out(m) for m in w.family_members.all()] if private else [],
        "hardship": None
        if hardship is None
        else {
            "is_active": hardship.is_active,
            "category": hardship.category,
            "established_on": hardship.established_on,
            "ended_on": hardship.ended_on,
            "health": hardship.health,
            "serious_illness": hardship.serious_illness,
            "monthly_income": hardship.monthly_income,
            "family_monthly_income": hardship.family_monthly_income,
            "family_size": hardship.family_size,
            "housing": hardship.housing,
            "needs_and_wishes": hardship.needs_and_wishes,
        },
    }


WorkerPage = Page[ModelWorkerSummary]


class WorkerFilters(Schema):
    q: str = ""
    level: Literal["", "1", "2", "3", "4", "municipal_and_above"] = ""
    status: Literal["", "working", "retired", "deceased"] = ""
    union: int | None = None
    employer: str = ""
    hardship: Literal["", "yes", "no"] = ""
    honour_kind: Literal["", "model_worker", "advanced_worker", "may_day_medal", "other"] = ""
    honour_year: int | None = None
    archived: bool = False
    sort: Literal["", "level", "name", "-birth_date", "birth_date", "-id"] = ""

    def filters(self) -> selectors.ListFilters:
        return selectors.ListFilters(
            q=self.q,
            employer=self.employer,
            level=self.level,
            status=self.status,
            union=self.union,
            hardship=self.hardship,
            honour_kind=self.honour_kind,
            honour_year=self.honour_year,
            archived=self.archived,
            sort=self.sort,
        )


@router.get("/model-workers", response={200: WorkerPage, **ERRORS}, summary="劳模列表（搜索、筛选、游标分页）")
def model_workers(request, f: Query[WorkerFilters], cursor: str = "", limit: int = 50):
    filters = f.filters()
    result = page(
        selectors.list_queryset(request.user, filters),
        selectors.ordering_for(filters),
        cursor=cursor,
        limit=limit,
        serialize=summary,
    )
    return logged_read(request, "archive.modelworker", result)


def _worker(request, pk: int) -> ModelWorker:
    return get_object_or_404(selectors.profile_queryset(request.user), pk=pk)


@router.get("/model-workers/{int:worker_id}", response={200: ModelWorkerDetail, **ERRORS}, summary="一人一档")
def model_worker(request, worker_id: int):
    worker = _worker(request, worker_id)
    record_read(actor=request.user, object_type="archive.modelworker", rows=1, query=request.GET, obj=worker)
    return detail(worker, request.user)


class ModelWorkerIn(Schema):
    name: str
    sex: Literal["M", "F"] | None = None
    ethnicity: str = "01"
    birth_date: dt.date | None = None
    id_number: str | None = None
    political_affiliation: str = ""
    education: str = ""
    employer: str = ""
    position: str = ""
    title_or_grade: str = ""
    union: int
    phone: str = ""
    address: str = ""
    status: Literal["working", "retired", "deceased"] = "working"
    retired_on: dt.date | None = None
    died_on: dt.date | None = None
    deeds: str = ""
    remarks: str = ""


class ModelWorkerPatch(Schema):
    version: int | None = None
    name: str | None = None
    sex: Literal["M", "F"] | None = None
    ethnicity: str | None = None
    birth_date: dt.date | None = None
    id_number: str | None = None
    political_affiliation: str | None = None
    education: str | None = None
    employer: str | None = None
    position: str | None = None
    title_or_grade: str | None = None
    union: int | None = None
    phone: str | None = None
    address: str | None = None
    status: Literal["working", "retired", "deceased"] | None = None
    retired_on: dt.date | None = None
    died_on: dt.date | None = None
    deeds: str | None = None
    remarks: str | None = None


def _union(request, pk: int) -> Organisation:
    union = Organisation.objects.filter(pk=pk, parent__isnull=False).first()
    if union is None:
        raise HttpError(422, _("There is no such union."))
    return union


@router.post("/model-workers", response={201: ModelWorkerDetail, **WRITE_ERRORS}, summary="新建档案")
def create_model_worker(request, payload: ModelWorkerIn):
    data = payload.dict()
    data["union"] = _union(request, payload.union)
    worker = services.create_model_worker(actor=request.user, data=data)
    return Reply(201, detail(_worker(request, worker.pk), request.user))


@router.patch(
    "/model-workers/{int:worker_id}",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="修改档案（只改给出的字段；version 防止覆盖他人的修改）",
)
def update_model_worker(request, worker_id: int, payload: ModelWorkerPatch):
    worker = _worker(request, worker_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    if "union" in data:
        data["union"] = _union(request, data["union"])
    services.update_model_worker(actor=request.user, worker=worker, data=data, expected_version=version)
    return detail(_worker(request, worker_id), request.user)


class ReasonIn(Schema):
    reason: str


@router.post(
    "/model-workers/{int:worker_id}/archive",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="归档（不删除）",
)
def archive_model_worker(request, worker_id: int, payload: ReasonIn):
    services.archive_model_worker(actor=request.user, worker=_worker(request, worker_id), reason=payload.reason)
    return detail(_worker(request, worker_id), request.user)


@router.post(
    "/model-workers/{int:worker_id}/restore",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="恢复归档的档案",
)
def restore_model_worker(request, worker_id: int):
    services.restore_model_worker(actor=request.user, worker=_worker(request, worker_id))
    return detail(_worker(request, worker_id), request.user)


@router.post(
    "/model-workers/{int:worker_id}/confirm",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="核实基层工会报送的档案（区总工会）",
)
def confirm_model_worker(request, worker_id: int):
    services.confirm_model_worker(actor=request.user, worker=_worker(request, worker_id))
    return detail(_worker(request, worker_id), request.user)


@router.post(
    "/model-workers/{int:worker_id}/reject",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="不予通过基层工会报送的档案（区总工会；注明原因，档案归档保留）",
)
def reject_model_worker(request, worker_id: int, payload: ReasonIn):
    services.reject_model_worker(actor=request.user, worker=_worker(request, worker_id), reason=payload.reason)
    return detail(_worker(request, worker_id), request.user)


class RevealIn(Schema):
    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    field: str
    value: str


@router.post(
    "/model-workers/{int:worker_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="查看完整的身份证号或电话（记入审计日志）",
)
def reveal(request, worker_id: int, payload: RevealIn):
    value = services.reveal(actor=request.user, worker=_worker(request, worker_id), field=payload.field)
    return {"field": payload.field, "value": value}


class HonourIn(Schema):
    title: str
    kind: Literal["model_worker", "advanced_worker", "may_day_medal", "other"] = "model_worker"
    level: Literal[1, 2, 3, 4]
    awarding_body: str = ""
    year: int
    document_number: str = ""
    remarks: str = ""


@router.post(
    "/model-workers/{int:worker_id}/honours",
    response={201: HonourOut, **WRITE_ERRORS},
    summary="添加荣誉称号（最高级别随之更新）",
)
def add_honour(request, worker_id: int, payload: HonourIn):
    honour = services.add_honour(actor=request.user, worker=_worker(request, worker_id), data=payload.dict())
    return Reply(201, honour_out(honour))


class RevokeIn(Schema):
    revoked_on: dt.date
    reason: str


def _honour(request, pk: int) -> Honour:
    honour = get_object_or_404(Honour.objects.select_related("model_worker"), pk=pk)
    _worker(request, honour.model_worker_id)  # 404 outside the user's scope
    return honour


@router.post("/honours/{int:honour_id}/revoke", response={200: HonourOut, **WRITE_ERRORS}, summary="撤销荣誉称号")
def revoke_honour(request, honour_id: int, payload: RevokeIn):
    honour = services.revoke_honour(
        actor=request.user, honour=_honour(request, honour_id), revoked_on=payload.revoked_on, reason=payload.reason
    )
    return honour_out(honour)


class FamilyIn(Schema):
    relation: Literal[tuple(Relation.values)]  # type: ignore[valid-type]
    name: str
    birth_date: dt.date | None = None
    employment: str = ""
    health: str = ""
    monthly_income: Amount | None = None
    phone: str = ""
    remarks: str = ""


@router.post("/model-workers/{int:worker_id}/family", response={201: FamilyOut, **WRITE_ERRORS}, summary="添加家庭成员")
def add_family_member(request, worker_id: int, payload: FamilyIn):
    member = services.add_family_member(actor=request.user, worker=_worker(request, worker_id), data=payload.dict())
    return Reply(201, family_out(member))


class HardshipIn(Schema):
    category: Literal[tuple(HardshipCategory.values)]  # type: ignore[valid-type]
    established_on: dt.date
    health: str = ""
    serious_illness: bool = False
    monthly_income: Amount | None = None
    family_monthly_income: Amount | None = None
    family_size: int | None = None
    housing: Literal[("", *Housing.values)] = ""  # type: ignore[valid-type]
    housing_note: str = ""
    needs_and_wishes: str = ""
    remarks: str = ""


@router.put(
    "/model-workers/{int:worker_id}/hardship",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="建立或修改困难劳模档案",
)
def save_hardship(request, worker_id: int, payload: HardshipIn):
    services.save_hardship_file(actor=request.user, worker=_worker(request, worker_id), data=payload.dict())
    return detail(_worker(request, worker_id), request.user)


# --- Export and jobs --------------------------------------------------------------------------


class ExportIn(WorkerFilters):
    columns: list[str] = []
    unmasked: bool = False


class JobOut(Schema):
    id: str
    kind: str
    title: str
    status: str
    progress_done: int
    progress_total: int
    percent: int
    message: str
    result: dict
    download: str | None
    retried_as: str | None  # an interrupted job run again: the new job


def job_out(job: Job) -> dict:
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "percent": job.percent,
        "message": job.message,
        "result": job.result or {},
        "download": f"/api/v1/jobs/{job.pk}/file" if job.result_file else None,
        "retried_as": str(job.retried_as_id) if job.retried_as_id else None,
    }


@router.post(
    "/model-workers/export",
    response={200: None, 202: JobOut, **ERRORS},
    summary=("导出当前筛选的花名册（.xlsx；默认脱敏；较大的导出在后台进行，返回 202 和任务）"),
)
def export_model_workers(request, payload: ExportIn):
    """Small lists come back at once as .xlsx; larger ones start a job (GET /jobs/{id})."""
    from gongjiang.archive.tasks import export_list

    if not permissions.has_perm(request.user, Perm.EXPORT):
        raise PermissionDenied(_("You may not export lists."))
    if payload.unmasked and not permissions.has_perm(request.user, Perm.EXPORT_UNMASKED):
        raise PermissionDenied(_("You may not export unmasked personal data."))
    result = export_list(
        actor=request.user,
        filters=payload.filters(),
        description=str(_("API export")),
        unmasked=payload.unmasked,
        columns=[c for c in payload.columns if c in exports.COLUMN_KEYS] or None,
        ip=request.META.get("REMOTE_ADDR"),
    )
    return Reply(202, job_out(result)) if isinstance(result, Job) else result


def _job(request, job_id: str) -> Job:
    job = Job.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise HttpError(404, _("Not found, or not yours to see."))
    return job


@router.get(
    "/jobs/{uuid:job_id}",
    response={200: JobOut, **ERRORS},
    summary="后台任务的进度与结果",
    description="status：queued 等待、running 进行中、done 完成、failed 失败、"
    "interrupted 已中断（执行它的任务进程已停止，本次运行的结果未保存），可重试。",
    tags=["后台任务"],
)
def job(request, job_id: str):
    from gongjiang.core import jobs

    return job_out(jobs.check(_job(request, str(job_id))))


@router.post(
    "/jobs/{uuid:job_id}/retry",
    response={200: JobOut, **WRITE_ERRORS},
    summary="重试已中断的任务（返回新的任务；重复提交返回同一个新任务）",
    tags=["后台任务"],
)
def job_retry(request, job_id: str):
    from gongjiang.core import jobs

    return job_out(jobs.retry(actor=request.user, job=_job(request, str(job_id))))


@router.get(
    "/jobs/{uuid:job_id}/file", response={200: None, **ERRORS}, summary="下载后台任务生成的文件", tags=["后台任务"]
)
def job_file(request, job_id: str):
    found = _job(request, job_id)
    if not found.result_file:
        raise HttpError(404, _("Not found, or not yours to see."))
    return FileResponse(found.result_file.open("rb"), as_attachment=True, filename=found.result_name or "download")
