"""Fixtures shared by every test: the organisation tree, one user per role, records."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db.backends.base.operations import BaseDatabaseOperations

from gongjiang.accounts.enums import OrganisationKind, Role
from gongjiang.accounts.models import SecurityPolicy
from gongjiang.core import append_only
from tests.factories import ModelWorkerFactory, OrganisationFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# What a test runs in a subprocess (manage.py makemessages, a server) is part of the test run,
# not production (tests/core/test_production.py takes it away on purpose).
os.environ.setdefault("TESTING", "1")


# Left out of `make test-fast` (the inner loop), by module so a file keeps its mark when it moves:
# the whole demo, real processes killed and restarted, servers under load, the API fuzzer.
SLOW_MODULES = {
    "test_crawl.py",
    "test_demo.py",
    "test_demo_care.py",
    "test_people.py",
    "test_crash.py",
    "test_supervision.py",
    "test_schemathesis.py",
    "test_limits.py",
}


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run in the PostgreSQL pass and are deselected (not skipped) in
    the SQLite pass; in CI the PostgreSQL pass must really be on PostgreSQL. Property tests and
    the modules above are marked ``slow``."""
    vendor = "postgresql" if "postgres" in settings.DATABASES["default"]["ENGINE"] else "sqlite"
    keep, drop = [], []
    for item in items:
        if item.path.name in SLOW_MODULES or getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.slow)
        (drop if item.get_closest_marker("postgres") and vendor != "postgresql" else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_append_only_guards():
    """Transactional tests (``transaction=True``, the browser tests) empty every table after
    each test with Django's flush — DELETE on SQLite, TRUNCATE on PostgreSQL — which the
    append-only guards refuse. The test runner is the database's owner: it lifts the guards
    inside the flush's own transaction and puts them back before it commits. Nothing in the
    application can do this (``core.append_only``)."""

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        vendor = self.connection.vendor
        guarded = append_only.tables()
        lift = [sql for table in guarded for sql in append_only.remove_sql(vendor, table)]
        restore = [sql for table in guarded for sql in append_only.install_sql(vendor, table)]
        return original(self, [*lift, *sql_list, *restore])

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _isolated(request, settings, tmp_path, django_db_blocker):
    settings.MEDIA_ROOT = tmp_path / "private"
    # The shared cache is the database cache, as in production: a test that uses the database
    # starts and ends with it empty (the test database set up first, never the real one).
    uses_db = bool({"db", "transactional_db"} & set(request.fixturenames)) or request.node.get_closest_marker(
        "django_db"
    )
    if uses_db:
        request.getfixturevalue("django_db_setup")

    def clear():
        caches["local"].clear()
        if uses_db:
            with django_db_blocker.unblock():
                cache.clear()

    clear()
    yield
    clear()


@pytest.fixture
def policy(db):
    return SecurityPolicy.objects.create()


@pytest.fixture
def federation(db):
    return OrganisationFactory(name="无锡市梁溪区总工会", code="LX", kind=OrganisationKind.FEDERATION)


@pytest.fixture
def union_a(federation):
    return OrganisationFactory(name="梁溪区教育工会", short_name="教育工会", code="LX-001", parent=federation)


@pytest.fixture
def union_b(federation):
    return OrganisationFactory(name="梁溪区卫生健康工会", short_name="卫健工会", code="LX-002", parent=federation)


@pytest.fixture
def make_user(federation, union_a):
    def make(role: str, **kwargs):
        if "organisation" not in kwargs:
            kwargs["organisation"] = union_a if role == Role.UNION_STAFF else federation
        if role in (Role.MODEL_WORKER, Role.STUDIO_LEADER) and "model_worker" not in kwargs:
            kwargs["model_worker"] = ModelWorkerFactory(union=union_a)
        return UserFactory(
            role=role,
            username=kwargs.pop("username", None) or f"{role}-{UserFactory._meta.model.objects.count()}",
            **kwargs,
        )

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.FEDERATION_ADMIN, username="admin")


@pytest.fixture
def staff_user(make_user):
    return make_user(Role.FEDERATION_STAFF, username="staff")


@pytest.fixture
def union_user(make_user):
    return make_user(Role.UNION_STAFF, username="union")


@pytest.fixture
def auditor_user(make_user):
    return make_user(Role.AUDITOR, username="auditor")


@pytest.fixture
def worker_user(make_user):
    return make_user(Role.MODEL_WORKER, username="worker")


@pytest.fixture
def leader_user(make_user):
    return make_user(Role.STUDIO_LEADER, username="leader")


@pytest.fixture
def client_for(client):
    """A test client logged in as the given user."""

    def login(user):
        client.force_login(user)
        return client

    return login
