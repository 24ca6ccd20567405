"""Uploads are what their names say: evidence and receipts are sniffed before they are stored,
photos are re-encoded, and the bank's return file is read only for someone who may use it."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gongjiang.accounts.enums import Role
from gongjiang.benefits import services as benefit_services
from gongjiang.benefits.enums import BatchState
from gongjiang.core import uploads
from gongjiang.platform import funding
from gongjiang.platform import services as platform_services
from gongjiang.platform.models import Evidence, Expense
from tests.api.conftest import ApiClient, token_for
from tests.benefits.conftest import allowance_scheme, retiree
from tests.factories import ModelWorkerFactory
from tests.platform.conftest import established

PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "JPEG")
    return out.getvalue()


def office(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<x/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("payload.exe", b"MZ")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("照片.jpg", jpeg(), True),
        ("照片.jpg", PAGE, False),
        ("报告.pdf", b"%PDF-1.7\n...", True),
        ("报告.pdf", PAGE, False),
        ("图.png", b"\x89PNG\r\n\x1a\n....", True),
        ("图.png", jpeg(), False),
        ("总结.docx", office("word/document.xml"), True),
        ("总结.docx", plain_zip(), False),
        ("总结.docx", office("xl/workbook.xml"), False),
        ("台账.xlsx", office("xl/workbook.xml"), True),
        ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8, True),
        ("旧表.xls", PAGE, False),
        ("说明.txt", "会议纪要：第一次例会。".encode(), True),
        ("说明.txt", PAGE, False),
        ("说明.txt", b"MZ\x90\x00\x03", False),
    ],
)
def test_the_content_must_fit_the_name(name, content, ok):
    assert uploads.matches(SimpleUploadedFile(name, content)) is ok


@pytest.fixture
def unit(staff_user, union_a):
    return established(staff_user, union=union_a)


def test_a_web_page_named_jpg_is_not_stored_as_evidence(client, staff_user, unit):
    client.force_login(staff_user)
    response = client.post(
        reverse("platform:evidence_upload", args=[unit.pk]),
        {"e-file": SimpleUploadedFile("现场照片.jpg", PAGE, content_type="image/jpeg"), "have": "venue"},
        follow=True,
    )
    assert "“现场照片.jpg”的内容并不是 JPG 文件，请上传真实的文件。" in response.content.decode()
    assert Evidence.objects.count() == 0
    platform_services.add_evidence(
        actor=staff_user, unit=unit, upload=SimpleUploadedFile("现场照片.jpg", jpeg()), have="venue"
    )
    assert Evidence.objects.get().original_name == "现场照片.jpg"


def test_a_receipt_must_be_a_real_pdf_or_picture(staff_user, unit):
    with pytest.raises(ValidationError) as e:
        funding.add_expense(
            actor=staff_user,
            unit=unit,
            spent_on=dt.date(2026, 3, 1),
            amount=Decimal("120.00"),
            purpose="耗材",
            receipt=SimpleUploadedFile("发票.pdf", PAGE),
        )
    assert e.value.message_dict == {"file": ["“发票.pdf”的内容并不是 PDF 文件，请上传真实的文件。"]}
    assert Expense.objects.count() == 0


def test_a_web_page_named_png_is_no_photo(client, staff_user, union_a):

    worker = ModelWorkerFactory(union=union_a)
    client.force_login(staff_user)
    response = client.post(
        reverse("archive:photo_upload", args=[worker.pk]),
        {"photo": SimpleUploadedFile("me.png", PAGE, content_type="image/png")},
        follow=True,
    )
    worker.refresh_from_db()
    assert not worker.photo
    assert "请上传一张有效的图片。您所上传的文件不是图片或者是已损坏的图片。" in response.content.decode()


@pytest.fixture
def approved(staff_user, make_user, union_a):

    scheme = allowance_scheme(staff_user)
    retiree(union_a, name="国一", actor=staff_user)
    batch = benefit_services.generate_batch(actor=staff_user, scheme=scheme, period=dt.date(2026, 11, 1))
    benefit_services.submit_batch(actor=staff_user, batch=batch)
    return benefit_services.approve_batch(actor=make_user(Role.FEDERATION_STAFF, username="shenpi"), batch=batch)


def damaged() -> SimpleUploadedFile:
    """A workbook the reader would have to open to find it broken."""
    return SimpleUploadedFile("回盘.xlsx", b"PK\x03\x04" + b"\x00" * 100)


def test_the_auditors_return_file_is_refused_before_it_is_read(client, auditor_user, approved):
    api = ApiClient(client, token_for(auditor_user))
    response = api.client.post(f"/api/v1/batches/{approved.pk}/results-file", {"file": damaged()}, headers=api.headers)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    client.force_login(auditor_user)
    page = client.post(reverse("benefits:batch_action", args=[approved.pk, "results"]), {"file": damaged()})
    assert page.status_code == 403
    approved.refresh_from_db()
    assert approved.state == BatchState.APPROVED


def test_the_preparers_damaged_return_file_is_read_and_explained(client, staff_user, approved):
    api = ApiClient(client, token_for(staff_user))
    response = api.client.post(f"/api/v1/batches/{approved.pk}/results-file", {"file": damaged()}, headers=api.headers)
    assert (response.status_code, response.json()["message"]) == (422, "文件已损坏，不是有效的 Excel 或 WPS 工作簿。")
