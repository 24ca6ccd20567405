"""The API's contract for treatment: schemes, batches with separation of duties, results, the
ledger, the 按时足额 report, arrears and one person's treatment."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.accounts.enums import AuditAction, Role
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import Level
from gongjiang.benefits import services
from gongjiang.benefits.models import Batch, LedgerEntry, PaymentAccount
from gongjiang.core.masking import mask_account
from tests.benefits.conftest import allowance_scheme, retiree
from tests.factories import ModelWorkerFactory

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def scheme(staff_user):
    return allowance_scheme(staff_user)


@pytest.fixture
def people(union_a, union_b, staff_user):
    return {
        "national": retiree(union_a, level=Level.NATIONAL, actor=staff_user, name="国一"),
        "provincial": retiree(union_b, level=Level.PROVINCIAL, actor=staff_user, name="省二"),
        "working": ModelWorkerFactory(union=union_a, with_level=Level.NATIONAL, name="在职"),
    }


@pytest.fixture
def approver(make_user):
    return make_user(Role.FEDERATION_STAFF, username="shenpi")


ANONYMOUS = [
    ("get", "/schemes"),
    ("get", "/schemes/1"),
    ("post", "/schemes/1/batches"),
    ("get", "/batches"),
    ("get", "/batches/1"),
    ("get", "/batches/1/lines"),
    ("get", "/batches/1/left-out"),
    ("post", "/batches/1/submit"),
    ("post", "/batches/1/approve"),
    ("post", "/batches/1/return"),
    ("post", "/batches/1/regenerate"),
    ("post", "/batches/1/lines/1/remove"),
    ("post", "/batches/1/results"),
    ("post", "/batches/1/pay-all"),
    ("post", "/batches/1/close"),
    ("get", "/batches/1/bank-file"),
    ("get", "/ledger"),
    ("post", "/ledger/1/reverse"),
    ("get", "/schemes/1/report?first=2026-01-01&last=2026-11-01"),
    ("post", "/schemes/1/arrears"),
    ("get", "/model-workers/1/treatment"),
    ("post", "/model-workers/1/accounts"),
    ("post", "/accounts/1/reveal"),
    ("post", "/model-workers/1/holds"),
    ("post", "/holds/1/end"),
]


@pytest.mark.parametrize(("method", "path"), ANONYMOUS)
def test_every_treatment_endpoint_refuses_anonymous_callers(api_for, method, path):
    response = getattr(api_for(None), method)(path)
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")


def test_schemes_list_their_standards(api_for, auditor_user, scheme):
    body = api_for(auditor_user).get("/schemes").json()
    assert [(s["name"], s["kind_label"], s["period_label"]) for s in body] == [("劳模荣誉津贴", "荣誉津贴", "按月")]
    assert body[0]["rules"][0]["amounts"] == {"1": "300.00", "2": "200.00", "3": "80.00"}
    assert api_for(auditor_user).get(f"/schemes/{scheme.pk}").json()["rules"][0]["label"] == "2016 年标准"


@pytest.mark.parametrize("role", [Role.UNION_STAFF, Role.MODEL_WORKER, Role.STUDIO_LEADER])
def test_treatment_is_closed_to_unions_leaders_and_model_workers(api_for, make_user, scheme, role):
    api = api_for(make_user(role))
    assert api.get("/schemes").status_code == 403
    assert api.get("/batches").status_code == 403
    assert api.get("/ledger").status_code == 403
    response = api.post(f"/schemes/{scheme.pk}/batches", {"period": "2026-11-01"})
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert Batch.objects.count() == 0


def test_generate_submit_and_approve_with_two_users_tokens(api_for, staff_user, approver, scheme, people):
    preparer = api_for(staff_user)
    response = preparer.post(f"/schemes/{scheme.pk}/batches", {"period": "2026-11-20"})
    assert response.status_code == 201
    batch = response.json()
    assert (batch["title"], batch["period"], batch["state"], batch["line_count"], batch["total"]) == (
        "劳模荣誉津贴 · 2026年11月",
        "2026-11-01",
        "draft",
        2,
        "500.00",
    )
    assert batch["lines_by_state"] == {"pending": 2}
    left = preparer.get(f"/batches/{batch['id']}/left-out").json()["items"]
    assert [(x["name"], x["words"]) for x in left] == [("在职", "在职，不在发放范围")]
    submitted = preparer.post(f"/batches/{batch['id']}/submit").json()
    assert (submitted["state"], submitted["submitted_by"]["id"]) == ("submitted", staff_user.pk)
    # Separation of duties: the preparer's own approval is refused and changes nothing.
    refused = preparer.post(f"/batches/{batch['id']}/approve")
    assert refused.status_code == 403
    assert refused.json() == {"code": "forbidden", "message": "此批次由您制作，须由他人审批。"}
    assert Batch.objects.get().state == "submitted"
    approved = api_for(approver).post(f"/batches/{batch['id']}/approve").json()
    assert (approved["state"], approved["approved_by"]["id"]) == ("approved", approver.pk)
    # Each step names the token that did it in the audit log.
    steps = AuditEntry.objects.filter(object_type="benefits.batch", action=AuditAction.UPDATE).order_by("id")
    assert [(e.actor_id, e.via, e.changes.get("state")) for e in steps] == [
        (staff_user.pk, "api", ["draft", "submitted"]),
        (approver.pk, "api", ["submitted", "approved"]),
    ]
    assert all(e.detail.get("token") for e in steps)


def test_an_approved_batch_cannot_be_approved_again(api_for, staff_user, approver, scheme, people):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    response = api_for(approver).post(f"/batches/{batch.pk}/approve")
    assert (response.status_code, response.json()["code"]) == (409, "conflict")


def test_returning_needs_a_reason(api_for, staff_user, approver, scheme, people):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    api = api_for(approver)
    blank = api.post(f"/batches/{batch.pk}/return", {"reason": " "})
    assert (blank.status_code, blank.json()["fields"]) == (422, {"reason": ["请填写原因。"]})
    assert api.post(f"/batches/{batch.pk}/return", {"reason": "金额有误"}).json()["state"] == "draft"


def test_lines_mask_account_numbers_for_every_role(api_for, staff_user, auditor_user, scheme, people):
    """Issue 10, item 5: the lines hand out no full account number, not even to staff who may
    reveal one (that is the audited reveal, or the audited bank file)."""
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    account = PaymentAccount.objects.get(model_worker=people["national"])
    number = account.account_number
    lines = api_for(staff_user).get(f"/batches/{batch.pk}/lines").json()["items"]
    assert next((line["name"], line["amount"], line["account_number"]) for line in lines) == (
        "国一",
        "300.00",
        mask_account(number),
    )
    assert number not in str(lines)
    revealed = api_for(staff_user).post(f"/accounts/{account.pk}/reveal").json()
    assert revealed == {"account_number": number}
    assert AuditEntry.objects.filter(action="reveal", object_type="benefits.paymentaccount").count() == 1
    masked = api_for(auditor_user).get(f"/batches/{batch.pk}/lines").json()["items"][0]["account_number"]
    assert masked == mask_account(number)
    assert masked != number
    # The auditor reads but may not act.
    assert api_for(auditor_user).post(f"/batches/{batch.pk}/submit").status_code == 403


def test_results_write_the_ledger_and_a_failure_needs_a_reason(api_for, staff_user, approver, scheme, people):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    national = batch.lines.get(model_worker=people["national"])
    provincial = batch.lines.get(model_worker=people["provincial"])
    api = api_for(staff_user)
    bad = api.post(f"/batches/{batch.pk}/results", {"results": [{"line": provincial.pk, "paid": False}]})
    assert (bad.status_code, bad.json()["message"]) == (422, f"第 {provincial.pk} 行：请填写失败原因。")
    assert LedgerEntry.objects.count() == 0
    body = api.post(
        f"/batches/{batch.pk}/results",
        {
            "results": [
                {"line": national.pk, "paid": True, "paid_on": "2026-11-10", "reference": "BK001"},
                {"line": provincial.pk, "paid": False, "reason": "账户已销户"},
            ]
        },
    ).json()
    assert (body["paid"], body["failed"], body["batch"]["state"]) == (1, 1, "partly_failed")
    ledger = api.get(f"/ledger?worker={people['national'].pk}").json()["items"]
    assert [(e["name"], e["period"], e["amount"], e["reference"]) for e in ledger] == [
        ("国一", "2026-11-01", "300.00", "BK001")
    ]
    assert api.post(f"/batches/{batch.pk}/close").json()["state"] == "closed"


def test_the_bank_file_is_audited_and_only_after_approval(api_for, staff_user, approver, scheme, people):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    api = api_for(staff_user)
    early = api.get(f"/batches/{batch.pk}/bank-file")
    assert (early.status_code, early.json()["message"]) == (409, "批次审批通过后才能下载银行代发文件。")
    services.submit_batch(actor=staff_user, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    response = api.get(f"/batches/{batch.pk}/bank-file")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row >= 3
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="benefits.batch")
    assert (entry.via, entry.detail["file"], entry.detail["unmasked"]) == ("api", "bank.xlsx", True)


def test_a_payment_is_reversed_by_the_approver_not_edited(api_for, staff_user, approver, scheme, people):
    batch = services.generate_batch(actor=staff_user, scheme=scheme, period=NOV)
    services.submit_batch(actor=staff_user, batch=batch)
    services.approve_batch(actor=approver, batch=batch)
    services.pay_all(actor=staff_user, batch=batch, paid_on=dt.date(2026, 11, 10), reference="BK")
    entry = LedgerEntry.objects.get(model_worker=people["national"])
    response = api_for(approver).post(f"/ledger/{entry.pk}/reverse", {"reason": "重复支付，已追回"})
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["amount"], response.json()["reverses_id"]) == (
        "reversal",
        "-300.00",
        entry.pk,
    )
    again = api_for(approver).post(f"/ledger/{entry.pk}/reverse", {"reason": "again"})
    assert (again.status_code, again.json()["code"]) == (409, "conflict")


def test_the_on_time_report_and_arrears(api_for, staff_user, approver, scheme, people):
    api = api_for(staff_user)
    body = api.get(f"/schemes/{scheme.pk}/report?first=2026-10-01&last=2026-11-01").json()
    assert (body["first"], body["last"], body["person_periods"], body["problems"], body["owed"]) == (
        "2026-10-01",
        "2026-11-01",
        4,
        4,
        "1000.00",
    )
    assert body["totals"]["missing"] == {"n": 4, "due": "1000.00", "paid": "0.00", "owed": "1000.00", "over": "0.00"}
    assert sorted((r["name"], r["period"], r["owed"]) for r in body["rows"]) == [
        ("国一", "2026-10-01", "300.00"),
        ("国一", "2026-11-01", "300.00"),
        ("省二", "2026-10-01", "200.00"),
        ("省二", "2026-11-01", "200.00"),
    ]
    backwards = api.get(f"/schemes/{scheme.pk}/report?first=2026-11-01&last=2026-10-01")
    assert (backwards.status_code, backwards.json()["message"]) == (422, "截止日期早于开始日期。")
    arrears = api.post(f"/schemes/{scheme.pk}/arrears", {"first": "2026-10-01", "last": "2026-11-01"})
    assert (arrears.status_code, arrears.json()["kind"], arrears.json()["line_count"]) == (201, "arrears", 4)
    # Everything owed is now being paid: nothing more to make.
    again = api.post(f"/schemes/{scheme.pk}/arrears", {"first": "2026-10-01", "last": "2026-11-01"})
    assert again.status_code == 204


def test_a_persons_treatment_follows_the_profiles_scope(api_for, staff_user, union_user, scheme, people):
    body = api_for(staff_user).get(f"/model-workers/{people['national'].pk}/treatment").json()
    assert [(s["scheme"], s["due_now"], s["basis_now"]) for s in body["schemes"]] == [
        ("劳模荣誉津贴", "300.00", "退休 · 全国劳模 · 2016 年标准 ¥300")
    ]
    assert body["accounts"][0]["account_number"] == mask_account(
        PaymentAccount.objects.get(model_worker=people["national"]).account_number
    )
    # Another union's person is not found; the union may not change treatment.
    assert api_for(union_user).get(f"/model-workers/{people['provincial'].pk}/treatment").status_code == 404
    refused = api_for(union_user).post(
        f"/model-workers/{people['national'].pk}/holds", {"reason": "unreachable", "starts_on": "2026-11-01"}
    )
    assert refused.status_code == 403


def test_accounts_holds_and_an_audited_reveal(api_for, staff_user, scheme, people):
    api = api_for(staff_user)
    worker = people["national"]
    bad = api.post(
        f"/model-workers/{worker.pk}/accounts",
        {"bank": "农业银行", "account_number": "12ab", "holder": "国一", "valid_from": "2026-12-01"},
    )
    assert (bad.status_code, bad.json()["fields"]) == (422, {"account_number": ["银行账号应为 12 至 30 位数字。"]})
    created = api.post(
        f"/model-workers/{worker.pk}/accounts",
        {"bank": "农业银行", "account_number": "6228 4800 0000 0000 999", "holder": "国一", "valid_from": "2026-12-01"},
    )
    assert created.status_code == 201
    assert created.json()["account_number"] == mask_account("6228480000000000999")
    revealed = api.post(f"/accounts/{created.json()['id']}/reveal").json()
    assert revealed == {"account_number": "6228480000000000999"}
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, object_type="benefits.paymentaccount").count() == 1
    hold = api.post(f"/model-workers/{worker.pk}/holds", {"reason": "unreachable", "starts_on": "2026-11-01"})
    assert (hold.status_code, hold.json()["reason_label"]) == (201, "失去联系")
    ended = api.post(f"/holds/{hold.json()['id']}/end", {"ends_on": "2026-11-30"}).json()
    assert ended["ends_on"] == "2026-11-30"


def test_batch_lines_and_the_ledger_make_a_fixed_number_of_queries(api_for, staff_user, approver, scheme, union_a):

    api = api_for(staff_user)
    api.get("/me")  # the token's first use is recorded (an UPDATE); later ones within a minute are not

    def counts(batch_id):
        out = []
        for path in (f"/batches/{batch_id}/lines", f"/batches/{batch_id}", "/ledger", "/batches"):
            with CaptureQueriesContext(connection) as ctx:
                assert api.get(path).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    def paid_batch(period):
        batch = services.generate_batch(actor=staff_user, scheme=scheme, period=period)
        services.submit_batch(actor=staff_user, batch=batch)
        services.approve_batch(actor=approver, batch=batch)
        services.pay_all(actor=staff_user, batch=batch, paid_on=period, reference="BK")
        return batch

    retiree(union_a, actor=staff_user, name="一")
    small = counts(paid_batch(dt.date(2026, 10, 1)).pk)
    for n in range(9):
        retiree(union_a, actor=staff_user, name=f"多{n}")
    assert counts(paid_batch(NOV).pk) == small


def test_an_arrears_batch_takes_no_newly_entitled_people(api_for, staff_user, scheme, people):
    api = api_for(staff_user)
    arrears = api.post(f"/schemes/{scheme.pk}/arrears", {"first": "2026-10-01", "last": "2026-11-01"}).json()
    response = api.post(f"/batches/{arrears['id']}/regenerate")
    assert (response.status_code, response.json()["message"]) == (409, "只有常规批次可以补入新近符合条件的人。")
