"""Model workers (一人一档): list, read, create, change, archive, verify; honours, family and
the hardship file."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query
from ninja import Status as Reply

from gongjiang.accounts.audit import record_read
from gongjiang.api.archive.common import get_union, get_worker, router, with_private, worker_detail
from gongjiang.api.archive.schemas import (
    FamilyIn,
    FamilyOut,
    HardshipIn,
    HonourIn,
    HonourOut,
    ModelWorkerDetail,
    ModelWorkerIn,
    ModelWorkerPatch,
    ModelWorkerSummary,
    ReasonIn,
    RevealIn,
    RevealOut,
    RevokeIn,
    WorkerFilters,
)
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, logged_read, page
from gongjiang.archive import selectors, services
from gongjiang.archive.models import Honour


def _honour(request, pk: int) -> Honour:
    honour = get_object_or_404(Honour.objects.select_related("model_worker"), pk=pk)
    get_worker(request, honour.model_worker_id)  # 404 outside the user's scope
    return honour


WorkerPage = Page[ModelWorkerSummary]


@router.get("/model-workers", response={200: WorkerPage, **ERRORS}, summary="劳模列表（搜索、筛选、游标分页）")
def model_workers(request, f: Query[WorkerFilters], cursor: str = "", limit: int = 50):
    filters = f.filters()
    result = page(
        selectors.list_queryset(request.user, filters),
        selectors.ordering_for(filters),
        cursor=cursor,
        limit=limit,
    )
    return logged_read(request, "archive.modelworker", result)


@router.get("/model-workers/{int:worker_id}", response={200: ModelWorkerDetail, **ERRORS}, summary="一人一档")
def model_worker(request, worker_id: int):
    worker = get_worker(request, worker_id)
    record_read(actor=request.user, object_type="archive.modelworker", rows=1, query=request.GET, obj=worker)
    return with_private(request, worker)


@router.post("/model-workers", response={201: ModelWorkerDetail, **WRITE_ERRORS}, summary="新建档案")
def create_model_worker(request, payload: ModelWorkerIn):
    data = payload.dict()
    data["union"] = get_union(request, payload.union)
    worker = services.create_model_worker(actor=request.user, data=data)
    return Reply(201, worker_detail(request, worker.pk))


@router.patch(
    "/model-workers/{int:worker_id}",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="修改档案（只改给出的字段；version 防止覆盖他人的修改）",
)
def update_model_worker(request, worker_id: int, payload: ModelWorkerPatch):
    worker = get_worker(request, worker_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    if "union" in data:
        data["union"] = get_union(request, data["union"])
    services.update_model_worker(actor=request.user, worker=worker, data=data, expected_version=version)
    return worker_detail(request, worker_id)


@router.post(
    "/model-workers/{int:worker_id}/archive",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="归档（不删除）",
)
def archive_model_worker(request, worker_id: int, payload: ReasonIn):
    services.archive_model_worker(actor=request.user, worker=get_worker(request, worker_id), reason=payload.reason)
    return worker_detail(request, worker_id)


@router.post(
    "/model-workers/{int:worker_id}/restore",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="恢复归档的档案",
)
def restore_model_worker(request, worker_id: int):
    services.restore_model_worker(actor=request.user, worker=get_worker(request, worker_id))
    return worker_detail(request, worker_id)


@router.post(
    "/model-workers/{int:worker_id}/confirm",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="核实基层工会报送的档案（区总工会）",
)
def confirm_model_worker(request, worker_id: int):
    services.confirm_model_worker(actor=request.user, worker=get_worker(request, worker_id))
    return worker_detail(request, worker_id)


@router.post(
    "/model-workers/{int:worker_id}/reject",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="不予通过基层工会报送的档案（区总工会；注明原因，档案归档保留）",
)
def reject_model_worker(request, worker_id: int, payload: ReasonIn):
    services.reject_model_worker(actor=request.user, worker=get_worker(request, worker_id), reason=payload.reason)
    return worker_detail(request, worker_id)


@router.post(
    "/model-workers/{int:worker_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="查看完整的身份证号或电话（记入审计日志）",
)
def reveal(request, worker_id: int, payload: RevealIn):
    value = services.reveal(actor=request.user, worker=get_worker(request, worker_id), field=payload.field)
    return {"field": payload.field, "value": value}


@router.post(
    "/model-workers/{int:worker_id}/honours",
    response={201: HonourOut, **WRITE_ERRORS},
    summary="添加荣誉称号（最高级别随之更新）",
)
def add_honour(request, worker_id: int, payload: HonourIn):
    honour = services.add_honour(actor=request.user, worker=get_worker(request, worker_id), data=payload.dict())
    return Reply(201, honour)


@router.post("/honours/{int:honour_id}/revoke", response={200: HonourOut, **WRITE_ERRORS}, summary="撤销荣誉称号")
def revoke_honour(request, honour_id: int, payload: RevokeIn):
    return services.revoke_honour(
        actor=request.user, honour=_honour(request, honour_id), revoked_on=payload.revoked_on, reason=payload.reason
    )


@router.post("/model-workers/{int:worker_id}/family", response={201: FamilyOut, **WRITE_ERRORS}, summary="添加家庭成员")
def add_family_member(request, worker_id: int, payload: FamilyIn):
    member = services.add_family_member(actor=request.user, worker=get_worker(request, worker_id), data=payload.dict())
    return Reply(201, member)


@router.put(
    "/model-workers/{int:worker_id}/hardship",
    response={200: ModelWorkerDetail, **WRITE_ERRORS},
    summary="建立或修改困难劳模档案",
)
def save_hardship(request, worker_id: int, payload: HardshipIn):
    services.save_hardship_file(actor=request.user, worker=get_worker(request, worker_id), data=payload.dict())
    return worker_detail(request, worker_id)
