"""Upstream keys at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key
derived from `MODELHUB_SECRETS_KEY`, or from the secret key when that is unset. Every process
that calls upstreams (web, supervisor) must share it; a changed key makes stored upstream
keys unreadable (`decrypt_secret` raises SecretUnreadable) and they must be entered again."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    pass


def _fernet() -> Fernet:
    source = settings.MODELHUB_SECRETS_KEY or settings.SECRET_KEY
    # A purpose-bound derivation: the same secret key signs sessions; this key only ever
    # encrypts upstream keys.
    digest = hashlib.sha256(b"modelhub.deployments.upstream-key\0" + source.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode("ascii") if plain else ""


def decrypt_secret(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable from exc
