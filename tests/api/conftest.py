"""API tests: tokens for users, and a client that speaks JSON with a bearer token."""

import json

import pytest

from gongjiang.api import services


class ApiClient:
    """Django's test client with a user's token: ``api.get(path)``, ``api.post(path, {...})``."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method, path, body=None, **extra):
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        kwargs = {"headers": {**self.headers, **extra.pop("headers", {})}, **extra}
        if body is not None:
            kwargs["data"] = json.dumps(body, default=str)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path, **extra):
        return self._call("get", path, **extra)

    def post(self, path, body=None, **extra):
        return self._call("post", path, body if body is not None else {}, **extra)

    def patch(self, path, body=None, **extra):
        return self._call("patch", path, body or {}, **extra)

    def put(self, path, body=None, **extra):
        return self._call("put", path, body or {}, **extra)


def token_for(user, name="测试令牌") -> str:
    return services.create_token(actor=user, name=name)[1]


@pytest.fixture
def api_for(client):
    """``api_for(user)`` → an ApiClient with a fresh token of that user; ``api_for(None)`` is anonymous."""

    def make(user):
        return ApiClient(client, token_for(user) if user is not None else None)

    return make
