"""Treatment acts for someone: ``None`` is refused (a command or a task passes the system actor)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from gongjiang.benefits import services
from gongjiang.benefits.models import Batch

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


def test_a_batch_is_not_made_for_no_one(scheme, people):
    with pytest.raises(PermissionDenied):
        services.generate_batch(actor=None, scheme=scheme, period=NOV)
    assert Batch.objects.count() == 0
