"""The /wechat router is part of the web app only when WECHAT_TOKEN is set."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.config import Settings
from bot.web.app import create_app
from tests.channels.wechat.wechat_side import TOKEN, signed_query


def test_mounted_only_with_a_token(settings: Settings) -> None:
    query = signed_query(echostr="hello")
    with TestClient(create_app(settings)) as client:
        assert client.get("/wechat", params=query).status_code == 404
    with_token = settings.model_copy(update={"wechat_token": TOKEN})
    with TestClient(create_app(with_token)) as client:
        response = client.get("/wechat", params=query)
        assert (response.status_code, response.text) == (200, "hello")
