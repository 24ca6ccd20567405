"""A database that is away gives the API's own error shape: 503 ``unavailable`` with a Chinese
message and Retry-After — tested by really cutting the connection (PostgreSQL) or holding
a write lock too long (both) — and any other failure is a JSON 500 with the traceback logged."""

import json
import sqlite3

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.test import Client

from gongjiang.api.main import api
from tests.api.conftest import ApiClient, token_for
from tests.benefits.conftest import allowance_scheme, retiree

UNAVAILABLE = {"code": "unavailable", "message": "数据库暂时无法连接，请稍候再试。"}


def cut(conn) -> None:
    """End the server side of Django's connection, as a restart or a network cut would."""

    s = conn.settings_dict
    conn.ensure_connection()
    pid = conn.connection.info.backend_pid
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"],
        dbname=s["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_cut_connection_is_a_503_in_the_apis_shape_and_the_next_request_recovers(client, staff_user):
    api_client = ApiClient(client, token_for(staff_user))
    assert api_client.get("/schemes").status_code == 200
    cut(connection)
    response = api_client.get("/schemes")
    assert (response.status_code, response.json(), response["Retry-After"]) == (503, UNAVAILABLE, "5")
    close_old_connections()  # what the WSGI server does after every request (the test client does not)
    assert api_client.get("/schemes").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_cut_connection_before_the_api_runs_still_answers_json_and_a_page_answers_in_chinese(staff_user):
    browser = Client(raise_request_exception=False)
    browser.force_login(staff_user)
    cut(connection)  # the session is read by a middleware, before the API's own handlers
    response = browser.get("/api/v1/schemes")
    assert (response.status_code, response.json(), response["Retry-After"]) == (503, UNAVAILABLE, "5")
    close_old_connections()
    cut(connection)
    page = browser.get("/benefits/")
    assert (page.status_code, page["Retry-After"]) == (503, "5")
    assert "数据库暂时无法连接，请稍候再试。" in page.content.decode()
    close_old_connections()


class WriteLock:
    """Another connection holds the write lock longer than this one will wait."""

    def __enter__(self):
        s = connection.settings_dict
        if connection.vendor == "sqlite":
            self.other = sqlite3.connect(s["NAME"], isolation_level=None)
            self.other.execute("BEGIN IMMEDIATE")
            wait = "PRAGMA busy_timeout = 50"
        else:
            self.other = psycopg.connect(
                host=s["HOST"] or "127.0.0.1",
                port=s["PORT"] or 5432,
                user=s["USER"],
                password=s["PASSWORD"],
                dbname=s["NAME"],
            )
            self.other.execute("LOCK TABLE benefits_scheme IN ACCESS EXCLUSIVE MODE")
            wait = "SET lock_timeout = '50ms'"
        with connection.cursor() as cursor:
            cursor.execute(wait)
        return self

    def __exit__(self, *exc):
        self.other.rollback() if connection.vendor != "sqlite" else self.other.execute("ROLLBACK")
        self.other.close()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 20000" if connection.vendor == "sqlite" else "RESET lock_timeout")


@pytest.mark.django_db(transaction=True)
def test_a_database_too_busy_to_write_is_a_503_and_the_retry_makes_the_batch_once(client, staff_user, union_a):
    scheme = allowance_scheme(staff_user)
    retiree(union_a, actor=staff_user, name="国一")
    api_client = ApiClient(client, token_for(staff_user))
    api_client.get("/schemes")
    with WriteLock():
        response = api_client.post(f"/schemes/{scheme.pk}/batches", {"period": "2026-11-01"})
    assert (response.status_code, response.json(), response["Retry-After"]) == (503, UNAVAILABLE, "5")
    close_old_connections()
    again = api_client.post(f"/schemes/{scheme.pk}/batches", {"period": "2026-11-01"})
    assert (again.status_code, again.json()["line_count"]) == (201, 1)
    once_more = api_client.post(f"/schemes/{scheme.pk}/batches", {"period": "2026-11-01"})  # retry-safe
    assert (once_more.status_code, once_more.json()["id"]) == (201, again.json()["id"])


def test_any_other_failure_is_a_json_500_with_the_traceback_logged(rf, caplog):
    request = rf.get("/api/v1/schemes")
    try:
        raise RuntimeError("a bug")
    except RuntimeError as exc:  # as ninja calls it: inside the request's except clause
        response = api.on_exception(request, exc)
    assert response.status_code == 500
    assert json.loads(response.content) == {
        "code": "error",
        "message": "服务器出错，错误已记入日志。请重试，或告知系统管理员。",
    }
    assert "a bug" in caplog.text
    assert "Traceback" in caplog.text
