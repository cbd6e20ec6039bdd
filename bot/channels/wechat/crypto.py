"""The AES message encryption of WeChat's safe mode (安全模式); signatures: `signature.py`."""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeChat pads to 32 bytes (PKCS#7 style), not to AES's 16


class CryptoError(ValueError):
    """An encrypted body that does not decrypt to a message for our AppID."""


class MessageCrypto:
    """AES-256-CBC with key = base64(EncodingAESKey + "="), IV = key[:16]; the plaintext is
    16 random bytes, the XML length (4 bytes, big-endian), the XML and the AppID."""

    def __init__(self, *, encoding_aes_key: str, app_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("WECHAT_AES_KEY (EncodingAESKey) must be 43 characters")
        try:
            self._key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise ValueError("WECHAT_AES_KEY is not valid base64") from exc
        self._app_id = app_id.encode()

    def encrypt(self, xml: str, *, random_prefix: bytes | None = None) -> str:
        body = xml.encode()
        prefix = random_prefix if random_prefix is not None else os.urandom(16)
        plain = prefix + struct.pack(">I", len(body)) + body + self._app_id
        pad = BLOCK - len(plain) % BLOCK
        encryptor = self._cipher().encryptor()
        data = encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
        return base64.b64encode(data).decode()

    def decrypt(self, encrypted: str) -> str:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except binascii.Error as exc:
            raise CryptoError("Encrypt is not base64") from exc
        if not data or len(data) % 16:
            raise CryptoError("Encrypt has a wrong length")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or len(plain) < 20 + pad:
            raise CryptoError("bad padding")
        content = plain[16:-pad]
        (length,) = struct.unpack(">I", content[:4])
        xml, app_id = content[4 : 4 + length], content[4 + length :]
        if len(xml) != length or not hmac.compare_digest(app_id, self._app_id):
            raise CryptoError("the message is not for this AppID")
        try:
            return xml.decode()
        except UnicodeDecodeError as exc:
            raise CryptoError("the message is not UTF-8") from exc

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))
