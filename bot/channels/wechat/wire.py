"""WeChat's XML: safe parsing of callbacks, and the passive reply documents."""

from __future__ import annotations

import time
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

MAX_BODY_BYTES = 64 * 1024  # real callbacks are well under 2 kB


class WireError(ValueError):
    """Not a WeChat XML document we accept (malformed, too large, DTD or entities)."""


@dataclass(frozen=True)
class WeChatMessage:
    fields: dict[str, str]

    @property
    def from_user(self) -> str:  # the resident's openid
        return self.fields.get("FromUserName", "")

    @property
    def to_user(self) -> str:  # our account (gh_…)
        return self.fields.get("ToUserName", "")

    @property
    def msg_type(self) -> str:
        return self.fields.get("MsgType", "").lower()

    @property
    def key(self) -> str:
        """Dedupe key: MsgId for messages; events have none, so sender + CreateTime."""
        return self.fields.get("MsgId") or f"{self.from_user}:{self.fields.get('CreateTime', '')}"

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


def parse_fields(body: bytes) -> dict[str, str]:
    """The top-level elements of a WeChat XML document as a flat dict of text values."""
    if len(body) > MAX_BODY_BYTES:
        raise WireError("body larger than 64 KiB")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException) as exc:
        raise WireError(f"unacceptable XML: {type(exc).__name__}") from exc
    if root.tag != "xml":
        raise WireError("the root element is not <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def _cdata(text: str) -> str:
    # "]]>" inside the text would end the section early: split it across two sections.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(*, to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    created = now if now is not None else int(time.time())
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName>"
        f"<FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )


def encrypted_reply(*, encrypted: str, signature: str, timestamp: str, nonce: str) -> str:
    return (
        f"<xml><Encrypt>{_cdata(encrypted)}</Encrypt>"
        f"<MsgSignature>{_cdata(signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>"
    )
