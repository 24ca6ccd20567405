"""The statistics' router."""

from ninja import Router

router = Router(tags=["统计"])
