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

# IPv6 ranges that carry an IPv4 address to a gateway or relay (NAT64,
# 6to4, Teredo, IPv4-compatible and -translated forms), and the deprecated
# site-local range: no webhook endpoint needs them, and through them an
# internal IPv4 address could be reached.
TUNNELS = [
    ipaddress.ip_network(net)
    for net in (
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2002::/16",
        "2001::/32",
        "::/96",
        "::ffff:0:0:0/96",
        "fec0::/10",
    )
]


class Refused(Exception):
    """The outbox will not send there."""


def validate_endpoint_url(url: str):
    parts = urlsplit(url)
    https_only = settings.GLOSSARY_WEBHOOK_REQUIRE_HTTPS
    allowed = ["https"] if https_only else ["http", "https"]
    try:
        parts.port  # noqa: B018  (raises for a port out of range)
    except ValueError as error:
        message = "%(error)s."
        raise ValidationError(message, code="port", params={"error": error}) from error
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
    if ip.version == 6:
        if ip.ipv4_mapped:
            return internal(ip.ipv4_mapped)
        if any(ip in net for net in TUNNELS):
            return True
    return not ip.is_global or ip.is_multicast


def resolve(url: str) -> tuple[str, str, int]:
    """(host, checked address, port) to send `url` to. Refused if it may
    not go there; OSError if the name does not resolve now (a retry may)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise Refused(f"Not a valid URL: {error}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"Not an http(s) URL: {url}")
    found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
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
