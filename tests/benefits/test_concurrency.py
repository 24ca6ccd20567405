"""Two browsers at once: generation and approval under real concurrency (PostgreSQL)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from gongjiang.accounts.enums import Role
from gongjiang.archive.enums import Level
from gongjiang.benefits import services
from gongjiang.benefits.enums import BatchState
from gongjiang.benefits.models import Batch, BatchLine
from gongjiang.core.errors import DomainError
from tests.benefits.conftest import allowance_scheme, retiree

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*calls):
    """Run the calls at the same moment in their own threads (own connections); return results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as e:
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_generations_and_two_approvals_at_once_leave_one_batch_and_one_set_of_lines(make_user, staff_user, union_a):
    scheme = allowance_scheme(staff_user)
    for i in range(30):
        retiree(union_a, level=Level(1 + i % 3), actor=staff_user, name=f"并发{i}")
    period = dt.date(2026, 11, 1)
    results = together(
        lambda: services.generate_batch(actor=staff_user, scheme=scheme, period=period),
        lambda: services.generate_batch(actor=staff_user, scheme=scheme, period=period),
    )
    assert all(isinstance(r, Batch) for r in results), results
    assert results[0].pk == results[1].pk
    assert Batch.objects.count() == 1
    assert BatchLine.objects.count() == 30
    assert BatchLine.objects.values("model_worker").distinct().count() == 30

    batch = Batch.objects.get()
    services.submit_batch(actor=staff_user, batch=batch)
    first, second = make_user(Role.FEDERATION_STAFF, username="a1"), make_user(Role.FEDERATION_ADMIN, username="a2")
    results = together(
        lambda: services.approve_batch(actor=first, batch=batch),
        lambda: services.approve_batch(actor=second, batch=batch),
    )
    approved = [r for r in results if isinstance(r, Batch)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(approved), len(refused)) == (1, 1), results
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED
    assert batch.approved_by == approved[0].approved_by
