"""The API fuzzed from its own OpenAPI document with schemathesis: every operation, a bounded
number of generated requests each, sent to the application itself (WSGI, in-process, against
the real test database).

Checks: no server error (5xx), every response conforms to the schema it documents, and — for
a grassroots union's token — no response carries anything of another union."""

import datetime as dt
import logging
import os
import time
from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from gongjiang.accounts.enums import Role
from gongjiang.accounts.models import Organisation, User
from gongjiang.archive.models import Honour, ModelWorker
from gongjiang.benefits import services as benefit_services
from gongjiang.benefits.models import Batch, BatchLine, LedgerEntry, PaymentAccount, Scheme, TreatmentHold
from gongjiang.core.models import Job
from gongjiang.platform.enums import Have
from gongjiang.platform.models import (
    Achievement,
    Allocation,
    Case,
    Evaluation,
    EvaluationRound,
    Expense,
    FundingPlan,
    Mentorship,
    Unit,
    UnitMember,
)
from gongjiang.rosters.models import RosterImport
from tests.api.conftest import token_for
from tests.factories import UserFactory

# What another union holds. None of these may reach the grassroots union's token.
SECRETS = ("乙方秘密工会", "机密人员甲", "110101195507071234", "13900001111")


@pytest.fixture
def world(settings):
    """The demo (people, treatment with a year of payments, the 三创 platform's history) at a
    small size, a person of another union with recognisable data, and for every path parameter
    one object inside the grassroots union's scope and one outside it."""
    settings.GONGJIANG = {**settings.GONGJIANG, "API_RATE": "100000/m"}
    # The demo's history to the end of 2016, the article's year: every kind of record (rounds,
    # decisions, plans, payments, mentoring, this year's treatment) in a fraction of the time.
    call_command("demo", today=dt.date(2016, 12, 31), stdout=StringIO())
    staff, union_user = User.objects.get(username="staff"), User.objects.get(username="union")
    own = union_user.organisation
    other = Organisation.objects.filter(parent__isnull=False).exclude(pk=own.pk).order_by("id").first()
    other.name = SECRETS[0]
    other.save()
    secret = ModelWorker.objects.filter(union=other).order_by("id").first()
    ModelWorker.objects.filter(pk=secret.pk).update(name=SECRETS[1], id_number=SECRETS[2], phone=SECRETS[3])
    benefit_services.add_hold(actor=staff, worker=secret, reason="other", starts_on=dt.date(2026, 1, 1))
    mine = ModelWorker.objects.filter(union=own).order_by("id").first()
    benefit_services.add_hold(actor=staff, worker=mine, reason="other", starts_on=dt.date(2026, 1, 1))
    other_staff = UserFactory(role=Role.UNION_STAFF, organisation=other, username="other-union")
    for user in (union_user, other_staff):
        RosterImport.objects.create(created_by=user, original_name="名册.xlsx", file="x.xlsx")
        Job.objects.create(kind="export_roster", title="导出", created_by=user)

    def pair(model, union_path):
        inside = model.objects.filter(**{union_path: own}).order_by("id").values_list("pk", flat=True).first()
        outside = model.objects.filter(**{union_path: other}).order_by("id").values_list("pk", flat=True).first()
        return inside, outside

    def any_of(model):
        return (model.objects.order_by("id").values_list("pk", flat=True).first(),) * 2

    params = {
        "org_id": (own.pk, other.pk),
        "worker_id": (mine.pk, secret.pk),
        "honour_id": pair(Honour, "model_worker__union"),
        "account_id": pair(PaymentAccount, "model_worker__union"),
        "hold_id": pair(TreatmentHold, "model_worker__union"),
        "line_id": pair(BatchLine, "model_worker__union"),
        "entry_id": pair(LedgerEntry, "model_worker__union"),
        "import_id": pair(RosterImport, "created_by__organisation"),
        "job_id": pair(Job, "created_by__organisation"),
        "unit_id": pair(Unit, "union"),
        "achievement_id": pair(Achievement, "unit__union"),
        "mentorship_id": pair(Mentorship, "unit__union"),
        "member_id": pair(UnitMember, "unit__union"),
        "expense_id": pair(Expense, "unit__union"),
        "evaluation_id": pair(Evaluation, "unit__union"),
        "case_id": pair(Case, "unit__union"),
        "allocation_id": pair(Allocation, "unit__union"),
        "batch_id": any_of(Batch),
        "scheme_id": any_of(Scheme),
        "round_id": any_of(EvaluationRound),
        "plan_id": any_of(FundingPlan),
        "have": (Have.values[0], Have.values[-1]),
    }
    return {
        "staff": token_for(staff),
        "union": token_for(union_user),
        "inside": {k: str(v[0]) for k, v in params.items() if v[0] is not None},
        "outside": {k: str(v[1]) for k, v in params.items() if v[1] is not None},
    }


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, as a server should;
    inside a test that would close the test's transaction (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def load_schema(token: str):

    # The description itself needs a login or a token.
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), headers={"Authorization": f"Bearer {token}"}
    )


def no_other_unions_data(ctx, response, case):
    """Union A's token never sees union B's name, people or personal data."""
    text = response.content.decode("utf-8", errors="replace") if response.content else ""
    leaked = [s for s in SECRETS if s in text]
    if leaked:
        raise AssertionError(f"{case.method} {case.formatted_path} leaked another union's data: {leaked}")


SCHEMA_REFUSAL = "有的值缺失或不合规。"  # the API's answer when a request breaks the schema


def valid_requests_pass_the_schema(ctx, response, case):
    """A request the schema allows is never refused as malformed (400) or as breaking the
    schema (422 with the schema message): the document says exactly what the API accepts.
    A 422 for a business rule — an end before a start, a union that does not exist — is fine."""
    if response.status_code == 400 or (
        response.status_code == 422 and response.json().get("message") == SCHEMA_REFUSAL
    ):
        values = [*(case.query or {}).values(), *(case.path_parameters or {}).values()]
        if any("\x00" in str(v) for v in values):
            return  # a NUL in the address: refused at the door with 400, as the API's description says
        raise AssertionError(
            f"{case.method} {case.formatted_path}: a schema-valid request was refused: {response.text}"
        )


FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "6")),
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure here is reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)


def fuzz(token: str, ids: list[dict[str, str]], extra_checks=()) -> tuple[int, int, list[str]]:
    """Every operation, FUZZ's examples each: with generated path ids, then with each set of
    real ids in ``ids``. Returns (operations, runs, failures in words)."""
    schema = load_schema(token)
    operations, runs, failures = 0, 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = {p.name for p in operation.path_parameters}
        variants = [{}] + [{k: v for k, v in known.items() if k in names} for known in ids if names <= set(known)]
        for fixed in variants:
            runs += 1

            @given(
                case=operation.as_strategy(headers={"Authorization": f"Bearer {token}"}, path_parameters=fixed or None)
            )
            @FUZZ
            def run(case):
                # ignored_auth swaps one security scheme for a bad one while our bearer header
                # stays, so it would always "succeed"; the 401s are asserted in the contract tests.
                # positive_data_acceptance would take a business rule's 422 for a fault; the
                # stricter valid_requests_pass_the_schema replaces it.
                case.call_and_validate(
                    additional_checks=[valid_requests_pass_the_schema, *extra_checks],
                    excluded_checks=[ignored_auth, positive_data_acceptance],
                )

            try:
                run()
            except (Exception, BaseExceptionGroup) as e:
                where = f" with {fixed}" if fixed else ""
                failures.append(f"{operation.method.upper()} {operation.path}{where}: {str(e)[:2000]}")
    return operations, runs, failures


@pytest.mark.django_db
def test_the_api_fuzzed_as_federation_staff_and_as_a_grassroots_union(world):
    logging.disable(logging.WARNING)  # thousands of expected 404s and 422s; a 500 fails the check anyway
    try:
        started = time.monotonic()
        operations, runs, failures = fuzz(world["staff"], [world["inside"], world["outside"]])
        assert not failures, "\n\n".join(failures)
        assert operations == len([m for p in load_schema(world["staff"]).raw_schema["paths"].values() for m in p])
        # Another union's objects, by id, and everything the union's token can list: nothing leaks.
        _operations, union_runs, failures = fuzz(
            world["union"], [world["inside"], world["outside"]], extra_checks=[no_other_unions_data]
        )
        assert not failures, "\n\n".join(failures)
    finally:
        logging.disable(logging.NOTSET)
    print(f"{operations} operations, {runs + union_runs} runs, {time.monotonic() - started:.0f} s")
