"""Where the outbox may send: http(s) URLs (https only where
GLOSSARY_WEBHOOK_REQUIRE_HTTPS), and never a private, loopback or other
internal address unless GLOSSARY_WEBHOOK_ALLOW_PRIVATE (SSRF protection).
The address is checked as resolved at send time, and the connection goes
to that checked address (terms/outbox/http.py), so a name that resolves
elsewhere later (DNS rebinding) gains nothing."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError


class Refused(Exception):
    """The outbox will not send there."""


def validate_endpoint_url(url: str):
    parts = urlsplit(url)
    allowed = (
        ("https",) if settings.GLOSSARY_WEBHOOK_REQUIRE_HTTPS else ("http", "https")
    )
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError(
            "Enter an %(schemes)s URL.",
            code="scheme",
            params={"schemes": " or ".join(allowed)},
        )
    try:
        ip = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return  # a name: checked as it resolves, when sent
    if internal(ip) and not settings.GLOSSARY_WEBHOOK_ALLOW_PRIVATE:
        raise ValidationError(
            "%(ip)s is a private or internal address; webhooks go to public ones.",
            code="private",
            params={"ip": ip},
        )


def internal(ip) -> bool:
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def resolve(url: str) -> tuple[str, str, int]:
    """(host, checked address, port) to send `url` to; Refused if none."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"Not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise Refused(f"{parts.hostname} does not resolve: {error}") from error
    addresses = [info[4][0] for info in found]
    private = [a for a in addresses if internal(ipaddress.ip_address(a))]
    if private and not settings.GLOSSARY_WEBHOOK_ALLOW_PRIVATE:
        # Any internal answer refuses the name: a public one beside it could
        # be the decoy of a name that alternates.
        raise Refused(
            f"{parts.hostname} resolves to {private[0]}, a private or internal "
            "address (GLOSSARY_WEBHOOK_ALLOW_PRIVATE is off)."
        )
    return parts.hostname, addresses[0], port
