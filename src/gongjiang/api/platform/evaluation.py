"""Evaluation rounds and score sheets."""

from __future__ import annotations

from typing import Literal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from ninja import Status

from gongjiang.accounts.permissions import Perm
from gongjiang.api.common import ERRORS, WRITE_ERRORS, Page, page, require
from gongjiang.api.platform.common import require_reader, router
from gongjiang.api.platform.running_schemas import (
    EvaluationDetail,
    EvaluationOut,
    RoundClosedOut,
    RoundDetail,
    RoundIn,
    RoundOut,
    SheetIn,
)
from gongjiang.platform import access, evaluation
from gongjiang.platform.enums import Grade
from gongjiang.platform.evaluation import ev_items
from gongjiang.platform.models import Evaluation, EvaluationRound

ROUNDS = EvaluationRound.objects.annotate(
    n=Count("evaluations", distinct=True),
    graded=Count("evaluations", filter=~Q(evaluations__grade=""), distinct=True),
)


def _round(request, pk: int) -> EvaluationRound:
    """A round, for those who may read the running of the platform."""
    require_reader(request)
    return access.access_round(request.user, pk)


def _evaluation(request, pk: int) -> Evaluation:
    """An evaluation, for those who may read the running of the platform."""
    require_reader(request)
    return access.access_evaluation(request.user, pk)


def round_detail(pk: int) -> EvaluationRound:
    """The round counted, with the units per grade (``RoundDetail``)."""
    rnd = ROUNDS.get(pk=pk)
    summary = dict(
        rnd.evaluations.exclude(grade="").values_list("grade").annotate(n=Count("id")).values_list("grade", "n")
    )
    rnd.grade_counts = {g: summary.get(g, 0) for g in Grade.values}
    return rnd


@router.get("/platform/rounds", response={200: list[RoundOut], **ERRORS}, summary="考评轮次（新的在前）")
def rounds(request):
    require_reader(request)
    return list(ROUNDS.order_by("-id"))


@router.post(
    "/platform/rounds",
    response={201: RoundDetail, **WRITE_ERRORS},
    summary="开启一轮考评（所选层级的全部已建立载体）",
)
def open_round(request, payload: RoundIn):
    require(request, Perm.MANAGE_PLATFORM)
    rnd = evaluation.open_round(actor=request.user, year=payload.year, title=payload.title, tiers=payload.tiers)
    return Status(201, round_detail(rnd.pk))


@router.get(
    "/platform/rounds/{int:round_id}", response={200: RoundDetail, **ERRORS}, summary="一轮考评（各等次的载体数）"
)
def round_(request, round_id: int):
    return round_detail(_round(request, round_id).pk)


EvaluationPage = Page[EvaluationOut]


def _evaluations(request):
    return Evaluation.objects.select_related("unit", "round").annotate(
        sheets_n=Count("sheets", distinct=True),
        mine=Count("sheets", filter=Q(sheets__reviewer=request.user), distinct=True),
    )


@router.get(
    "/platform/rounds/{int:round_id}/evaluations",
    response={200: EvaluationPage, **ERRORS},
    summary="一轮考评中的载体：得分、等次、评审表份数",
)
def round_evaluations(
    request,
    round_id: int,
    tier: Literal["", "studio", "star_post", "standard_bearer"] = "",
    cursor: str = "",
    limit: int = 50,
):
    rnd = _round(request, round_id)
    qs = _evaluations(request).filter(round=rnd)
    if tier:
        qs = qs.filter(tier=tier)
    return page(qs, ["id"], cursor=cursor, limit=limit)


@router.post(
    "/platform/rounds/{int:round_id}/close",
    response={200: RoundClosedOut, **WRITE_ERRORS},
    summary="结束考评：计算结果，按规则调整星级、警示、产生晋级或摘牌候选",
)
def close_round(request, round_id: int):
    require(request, Perm.MANAGE_PLATFORM)
    rnd = get_object_or_404(EvaluationRound, pk=round_id)
    counts = evaluation.close_round(actor=request.user, rnd=rnd)
    closed = round_detail(rnd.pk)
    closed.counts = counts
    return closed


def evaluation_detail(request, pk: int) -> Evaluation:
    """The evaluation counted, with its rubric items and sheets read (``EvaluationDetail``)."""
    ev = get_object_or_404(_evaluations(request).select_related("unit__leader"), pk=pk)
    ev.sheet_list = list(ev.sheets.select_related("reviewer").prefetch_related("scores").order_by("id"))
    ev.item_list = ev_items(ev)
    return ev


@router.get(
    "/platform/evaluations/{int:evaluation_id}",
    response={200: EvaluationDetail, **ERRORS},
    summary="一个载体的考评：评分项、各评审的评分表、当前结果",
)
def evaluation_(request, evaluation_id: int):
    require_reader(request)
    return evaluation_detail(request, evaluation_id)


@router.put(
    "/platform/evaluations/{int:evaluation_id}/sheet",
    response={200: EvaluationDetail, **WRITE_ERRORS},
    summary="提交（或在考评结束前替换）本人的评分表；不能为自己带领的载体评分",
)
def submit_sheet(request, evaluation_id: int, payload: SheetIn):
    ev = _evaluation(request, evaluation_id)
    evaluation.submit_sheet(actor=request.user, evaluation=ev, points=payload.points, comment=payload.comment)
    return evaluation_detail(request, evaluation_id)
