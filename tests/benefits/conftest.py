import datetime as dt

import pytest

from gongjiang.archive.enums import HonourKind, Level, Status
from gongjiang.archive.models import Honour
from gongjiang.benefits import services
from gongjiang.benefits.enums import SchemeKind, SchemePeriod
from tests.factories import ModelWorkerFactory


def allowance_scheme(actor, *, national="300", provincial="200", municipal="80", start=dt.date(2016, 1, 1), **rule):
    scheme = services.save_scheme(
        actor=actor,
        data={
            "name": "劳模荣誉津贴",
            "kind": SchemeKind.HONOUR_ALLOWANCE,
            "period": SchemePeriod.MONTHLY,
            "purpose": "劳模荣誉津贴",
        },
    )
    services.save_rule(
        actor=actor,
        scheme=scheme,
        data={
            "label": "2016 年标准",
            "effective_from": start,
            "statuses": [Status.RETIRED],
            "levels": [1, 2, 3],
            "amounts": {"1": national, "2": provincial, "3": municipal},
            **rule,
        },
    )
    return scheme


def retiree(
    union, *, level=Level.NATIONAL, retired_on=dt.date(2020, 6, 15), year=2000, account=True, actor=None, **kwargs
):
    worker = ModelWorkerFactory(
        union=union, status=Status.RETIRED, retired_on=retired_on, birth_date=dt.date(1958, 1, 1), **kwargs
    )
    Honour.objects.create(model_worker=worker, title="劳动模范", kind=HonourKind.MODEL_WORKER, level=level, year=year)
    worker.highest_level = level
    worker.save(update_fields=["highest_level"])
    if account:
        services.set_account(
            actor=actor,
            worker=worker,
            bank="工商银行无锡分行",
            account_number="6222020000000000" + str(worker.pk).zfill(3)[-3:],
            holder=worker.name,
            valid_from=dt.date(2015, 1, 1),
        )
    return worker


@pytest.fixture
def scheme(staff_user):
    return allowance_scheme(staff_user)


@pytest.fixture
def people(union_a, staff_user):
    return {
        "national": retiree(union_a, level=Level.NATIONAL, actor=staff_user, name="国一"),
        "provincial": retiree(union_a, level=Level.PROVINCIAL, actor=staff_user, name="省二"),
        "recent": retiree(
            union_a, level=Level.MUNICIPAL, retired_on=dt.date(2026, 11, 3), actor=staff_user, name="新退"
        ),
        "working": ModelWorkerFactory(union=union_a, with_level=Level.NATIONAL, name="在职"),
        "no_account": retiree(union_a, level=Level.MUNICIPAL, account=False, actor=staff_user, name="无卡"),
    }
