"""Delivery signatures in the Standard Webhooks form (the one Stripe's
resembles): HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>", so a
receiver can check origin and freshness, and dedupe by webhook-id."""

import base64
import binascii
import hashlib
import hmac
import secrets
import time

from django.core.exceptions import ValidationError

# Standard Webhooks' form of a secret: whsec_ and the key in base64.
SECRET_PREFIX = "whsec_"
SHORTEST_KEY = 16  # bytes


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def key_of(secret: str) -> bytes:
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    return secret.encode()


def validate_secret(secret: str):
    try:
        key = key_of(secret)
    except (binascii.Error, ValueError) as error:
        raise ValidationError(
            "After whsec_ a secret is base64: %(error)s.",
            code="base64",
            params={"error": error},
        ) from error
    if len(key) < SHORTEST_KEY:
        raise ValidationError(
            "A secret needs at least %(bytes)d bytes of key.",
            code="short",
            params={"bytes": SHORTEST_KEY},
        )


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, body: bytes, now: float | None = None):
    """The headers of one attempt: a fresh timestamp, so a fresh signature."""
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json",
        "User-Agent": "glossary-api-webhooks",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (and the tests): the signature matches and the
    timestamp is within `tolerance` seconds of now."""
    try:
        timestamp = int(headers["webhook-timestamp"])
        message_id = headers["webhook-id"]
        sent = headers["webhook-signature"].split()
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = signature(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, s) for s in sent)
