import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gongjiang.accounts.enums import AuditAction
from gongjiang.accounts.models import AuditEntry
from gongjiang.archive.enums import Level, Status
from gongjiang.archive.models import ModelWorker
from tests.factories import ModelWorkerFactory, valid_id


@pytest.fixture
def mine(union_a):
    return ModelWorkerFactory(name="张三", union=union_a, phone="13812345678", with_level=Level.PROVINCIAL)


@pytest.fixture
def theirs(union_b):
    return ModelWorkerFactory(name="李四", union=union_b, with_level=Level.MUNICIPAL)


PAGES = [
    "archive:detail",
    "archive:edit",
    "archive:honour_add",
    "archive:family_add",
    "archive:hardship_edit",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, mine, page):
    response = client.get(reverse(page, args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("page", PAGES)
def test_another_unions_record_is_not_reachable_by_url(client_for, union_user, theirs, page):
    response = client_for(union_user).get(reverse(page, args=[theirs.pk]))
    assert response.status_code == 404
    assert "不存在" in response.content.decode()


def test_union_staff_see_and_edit_their_own_people(client_for, union_user, mine):
    client = client_for(union_user)
    assert client.get(reverse("archive:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("archive:edit", args=[mine.pk])).status_code == 200


def test_the_list_of_union_staff_shows_only_their_union(client_for, union_user, mine, theirs):
    page = client_for(union_user).get(reverse("archive:list")).context["page"]
    assert [w.name for w in page.items] == ["张三"]


def test_a_model_worker_sees_only_their_own_record(client_for, worker_user, mine):
    client = client_for(worker_user)
    own = worker_user.model_worker
    assert client.get(reverse("archive:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("archive:detail", args=[mine.pk])).status_code == 404
    assert client.get(reverse("archive:edit", args=[own.pk])).status_code == 403
    assert client.get(reverse("archive:list")).status_code == 302
    assert client.get("/")["Location"] == reverse("archive:detail", args=[own.pk])


def test_a_studio_leader_is_scoped_like_a_model_worker_for_now(client_for, leader_user, mine):
    client = client_for(leader_user)
    assert client.get(reverse("archive:detail", args=[leader_user.model_worker_id])).status_code == 200
    assert client.get(reverse("archive:detail", args=[mine.pk])).status_code == 404


def test_the_auditor_reads_but_cannot_edit(client_for, auditor_user, mine):
    client = client_for(auditor_user)
    page = client.get(reverse("archive:detail", args=[mine.pk])).content.decode()
    assert "编辑" not in page.split("<main", 1)[1].split("历史", 1)[0]
    assert client.get(reverse("archive:edit", args=[mine.pk])).status_code == 403
    assert client.get(reverse("archive:create")).status_code == 403


def test_the_profile_masks_the_id_number_and_phone(client_for, staff_user, mine):
    body = client_for(staff_user).get(reverse("archive:detail", args=[mine.pk])).content.decode()
    masked = mine.id_number[:6] + "********" + mine.id_number[-4:]
    assert masked in body
    assert mine.id_number not in body
    assert "138****5678" in body
    assert "13812345678" not in body


def test_revealing_shows_the_number_and_writes_the_audit_log(client_for, staff_user, mine):
    response = client_for(staff_user).post(
        reverse("archive:reveal", args=[mine.pk, "id_number"]), REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 200
    assert mine.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert (entry.actor, entry.model_worker_id, entry.detail, entry.ip_address) == (
        staff_user,
        mine.pk,
        {"field": "id_number"},
        "10.0.0.9",
    )


def test_the_auditor_cannot_reveal(client_for, auditor_user, mine):
    response = client_for(auditor_user).post(reverse("archive:reveal", args=[mine.pk, "id_number"]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_is_post_only_and_only_for_known_fields(client_for, staff_user, mine):
    client = client_for(staff_user)
    assert client.get(reverse("archive:reveal", args=[mine.pk, "id_number"])).status_code == 405
    assert client.post(reverse("archive:reveal", args=[mine.pk, "address"])).status_code == 403


def form_data(union, **overrides):
    birth = dt.date(1966, 8, 8)
    data = {
        "name": "王建华",
        "id_number": valid_id(birth, "F"),
        "sex": "F",
        "birth_date": "1966-08-08",
        "ethnicity": "01",
        "union": union.pk,
        "employer": "梁溪区实验小学",
        "status": Status.WORKING,
    }
    data.update(overrides)
    return data


def test_creating_a_record_through_the_form(client_for, staff_user, union_a):
    response = client_for(staff_user).post(reverse("archive:create"), form_data(union_a))
    worker = ModelWorker.objects.get(name="王建华")
    assert response["Location"] == reverse("archive:detail", args=[worker.pk])
    assert worker.employer.name == "梁溪区实验小学"


def test_a_bad_id_number_in_the_form_shows_a_chinese_message_and_saves_nothing(client_for, staff_user, union_a):
    response = client_for(staff_user).post(
        reverse("archive:create"), form_data(union_a, id_number="320102196503011235")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "未能保存" in body
    assert "身份证号最后一位校验码不正确" in body
    assert ModelWorker.objects.count() == 0


def test_editing_through_the_form_records_the_change_in_the_history(client_for, staff_user, mine):
    client = client_for(staff_user)
    page = client.get(reverse("archive:edit", args=[mine.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update({"position": "车间主任", "union": mine.union_id, "birth_date": mine.birth_date.isoformat()})
    response = client.post(reverse("archive:edit", args=[mine.pk]), data)
    assert response.status_code == 302
    history = client.get(reverse("archive:detail", args=[mine.pk])).content.decode()
    assert "职务：— → 车间主任" in history


def test_archiving_needs_a_reason_and_hides_the_record_from_the_list(client_for, staff_user, mine):
    client = client_for(staff_user)
    client.post(reverse("archive:archive", args=[mine.pk]), {"reason": ""})
    assert not ModelWorker.objects.get(pk=mine.pk).is_archived
    client.post(reverse("archive:archive", args=[mine.pk]), {"reason": "重复录入"})
    assert ModelWorker.objects.get(pk=mine.pk).is_archived

    def names(url):
        return [w.name for w in client.get(url).context["page"].items]

    assert names(reverse("archive:list")) == []
    assert names(reverse("archive:list") + "?archived=on") == ["张三"]


def test_union_staff_cannot_archive(client_for, union_user, mine):
    client_for(union_user).post(reverse("archive:archive", args=[mine.pk]), {"reason": "x"})
    assert not ModelWorker.objects.get(pk=mine.pk).is_archived


def test_uploading_a_photo_strips_it_to_a_jpeg(client_for, staff_user, mine):

    buf = io.BytesIO()
    Image.new("RGB", (1200, 1600), "red").save(buf, "PNG")
    client = client_for(staff_user)
    client.post(
        reverse("archive:photo_upload", args=[mine.pk]),
        {"photo": SimpleUploadedFile("me.png", buf.getvalue(), content_type="image/png")},
    )
    mine.refresh_from_db()
    served = client.get(reverse("archive:photo", args=[mine.pk]))
    assert served["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert (image.format, image.size) == ("JPEG", (600, 800))


def test_a_photo_is_not_served_to_another_union(client_for, union_user, theirs):
    assert client_for(union_user).get(reverse("archive:photo", args=[theirs.pk])).status_code == 404


def test_revoking_an_honour_through_its_form(client_for, staff_user, mine):
    honour = mine.honours.get()
    client = client_for(staff_user)
    url = reverse("archive:honour_revoke", args=[mine.pk, honour.pk])
    assert "撤销荣誉称号" in client.get(url).content.decode()
    response = client.post(url, {"revoked_on": "2021-06-01", "reason": "受到刑事处罚"})
    assert response.status_code == 302
    honour.refresh_from_db()
    mine.refresh_from_db()
    assert (honour.revoked_on, honour.revocation_reason, mine.highest_level) == (
        dt.date(2021, 6, 1),
        "受到刑事处罚",
        Level.NONE,
    )


def test_a_revocation_without_reason_is_refused_in_chinese(client_for, staff_user, mine):
    honour = mine.honours.get()
    response = client_for(staff_user).post(
        reverse("archive:honour_revoke", args=[mine.pk, honour.pk]), {"revoked_on": "2021-06-01", "reason": ""}
    )
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    honour.refresh_from_db()
    assert honour.revoked_on is None


def test_opening_and_closing_a_hardship_file_through_the_forms(client_for, staff_user, mine):
    client = client_for(staff_user)
    client.post(
        reverse("archive:hardship_edit", args=[mine.pk]),
        {
            "is_active": "on",
            "category": "special",
            "established_on": "2024-03-01",
            "monthly_income": "2100",
            "family_monthly_income": "3900",
            "family_size": "2",
        },
    )
    mine.refresh_from_db()
    assert mine.in_hardship
    assert mine.hardship_file.per_capita_income == Decimal("1950.00")
    client.post(reverse("archive:hardship_close", args=[mine.pk]), {"ended_on": "2025-01-01", "reason": "收入改善"})
    mine.refresh_from_db()
    assert not mine.in_hardship
    assert mine.hardship_file.end_reason == "收入改善"


def test_another_unions_honour_is_not_reachable_through_my_record(client_for, union_user, mine, theirs):
    their_honour = theirs.honours.get()
    response = client_for(union_user).get(reverse("archive:honour_revoke", args=[mine.pk, their_honour.pk]))
    assert response.status_code == 404


def test_the_edit_form_shows_the_id_number_and_phone_masked_and_changes_them_only_when_typed(
    client_for, union_user, mine
):
    """Issue 10, item 3: the edit page never carries the full ID number or phone; a new one is
    typed into an empty field; left empty, the record keeps its values."""
    client = client_for(union_user)
    url = reverse("archive:edit", args=[mine.pk])
    page = client.get(url)
    html = page.content.decode()
    assert mine.id_number not in html
    assert "13812345678" not in html
    assert mine.id_number[:6] + "********" + mine.id_number[-4:] in html
    assert "138****5678" in html
    form = page.context["form"]
    assert (form["id_number"].value(), form["phone"].value()) == (None, None)
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"position": "教研组长", "union": mine.union_id, "birth_date": mine.birth_date.isoformat()})
    assert client.post(url, data).status_code == 302
    mine.refresh_from_db()
    assert (mine.position, mine.phone, mine.id_number is not None) == ("教研组长", "13812345678", True)
    assert client.post(url, {**data, "version": mine.version, "phone": "139 0000 1111"}).status_code == 302
    mine.refresh_from_db()
    assert mine.phone == "13900001111"
    change = AuditEntry.objects.filter(object_type="archive.modelworker", action="update").order_by("id").last()
    assert change.changes == {"phone": ["138****5678", "139****1111"]}


def test_marking_the_front_line_on_the_form_is_kept_shown_and_in_the_history(client_for, staff_user, mine):
    client = client_for(staff_user)
    page = client.get(reverse("archive:edit", args=[mine.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None and k != "front_line"}
    data.update({"front_line": "on", "union": mine.union_id, "birth_date": mine.birth_date.isoformat()})
    assert client.post(reverse("archive:edit", args=[mine.pk]), data).status_code == 302
    assert ModelWorker.objects.get(pk=mine.pk).front_line is True
    profile = client.get(reverse("archive:detail", args=[mine.pk])).content.decode()
    assert "<dt>基层一线或苦脏累险岗位</dt><dd>是</dd>" in profile
    assert "基层一线或苦脏累险岗位：否 → 是" in profile
