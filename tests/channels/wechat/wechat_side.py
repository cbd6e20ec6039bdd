"""WeChat's side of the protocol, written from its documentation and independent of the
bridge's code: message XML, signed query strings, safe-mode encryption, and a fake server API
(access token + customer-service messages) on loopback."""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import secrets
import struct
import time
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "jiamenkou-wechat-token"
APP_ID = "wx1234567890abcdef"
APP_SECRET = "0123456789abcdef0123456789abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues
ACCOUNT = "gh_1234567890ab"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"

_msg_ids = itertools.count(6_054_768_590_064_713_728)


def signed_query(
    *, timestamp: int | None = None, nonce: str | None = None, **extra: str
) -> dict[str, str]:
    """A signed callback URL; like WeChat, a fresh nonce each time unless one is given."""
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    nonce = nonce if nonce is not None else str(secrets.randbelow(10**10))
    sig = hashlib.sha1("".join(sorted([TOKEN, stamp, nonce])).encode()).hexdigest()
    return {"signature": sig, "timestamp": stamp, "nonce": nonce, "openid": OPENID, **extra}


def message_xml(
    msg_type: str,
    *,
    msg_id: int | None = None,
    create_time: int | None = None,
    sender: str = OPENID,
    **fields: str,
) -> str:
    parts = [
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>",
        f"<FromUserName><![CDATA[{sender}]]></FromUserName>",
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>",
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
    ]
    for name, value in fields.items():
        parts.append(f"<{name}><![CDATA[{value}]]></{name}>")
    if msg_type != "event":
        parts.append(f"<MsgId>{msg_id or next(_msg_ids)}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


def text_xml(content: str, **kw: Any) -> str:
    return message_xml("text", Content=content, **kw)


def reply_fields(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ElementTree.fromstring(xml)}


# --- safe mode, as WeChat does it --------------------------------------------------------
def _key() -> bytes:
    return base64.b64decode(AES_KEY + "=")


def wechat_encrypt(xml: str) -> str:
    body = xml.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + APP_ID.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    enc = Cipher(algorithms.AES(_key()), modes.CBC(_key()[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def wechat_decrypt(encrypted: str) -> tuple[str, str]:
    """(xml, app id) of an encrypted reply."""
    dec = Cipher(algorithms.AES(_key()), modes.CBC(_key()[:16])).decryptor()
    plain = dec.update(base64.b64decode(encrypted)) + dec.finalize()
    plain = plain[: -plain[-1]]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20 : 20 + length].decode(), plain[20 + length :].decode()


def msg_signature(timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce, encrypted])).encode()).hexdigest()


def encrypted_request(xml: str, *, nonce: str = "1320562132") -> tuple[dict[str, str], str]:
    """Query parameters and body of a safe-mode callback carrying `xml`."""
    encrypted = wechat_encrypt(xml)
    query = signed_query(nonce=nonce, encrypt_type="aes")
    query["msg_signature"] = msg_signature(query["timestamp"], nonce, encrypted)
    body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    return query, body


# --- the server API ------------------------------------------------------------------------
@dataclass
class FakeWeChatApi:
    token_calls: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    valid_tokens: set[str] = field(default_factory=set)

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    def texts(self, openid: str = OPENID) -> list[str]:
        return [m["text"]["content"] for m in self.sent if m["touser"] == openid]

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/cgi-bin/token", self._token, methods=["GET"]),
                Route("/cgi-bin/message/custom/send", self._send, methods=["POST"]),
            ]
        )

    async def _token(self, request: Request) -> JSONResponse:
        q = request.query_params
        if (
            q.get("grant_type") != "client_credential"
            or q.get("appid") != APP_ID
            or q.get("secret") != APP_SECRET
        ):
            return JSONResponse({"errcode": 40013, "errmsg": "invalid appid"})
        self.token_calls += 1
        token = f"ACCESS_TOKEN_{self.token_calls}"
        self.valid_tokens.add(token)
        return JSONResponse({"access_token": token, "expires_in": 7200})

    async def _send(self, request: Request) -> JSONResponse:
        if request.query_params.get("access_token") not in self.valid_tokens:
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
        self.sent.append(await request.json())
        return JSONResponse({"errcode": 0, "errmsg": "ok"})
