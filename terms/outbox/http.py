"""One POST to a checked address (terms/outbox/urls.py), with a timeout
and no redirects: what a delivery or a purge sends."""

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from .urls import Refused, resolve

# What is kept of a response body, for the admin.
KEPT = 2000


@dataclass(frozen=True)
class Result:
    status: int | None  # None: no response (refused, timeout, connection error)
    text: str
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to `address` while naming `host` (Host header)."""

    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to `address`, verifying the certificate of `host` (SNI)."""

    def __init__(self, host, address, port, timeout):
        super().__init__(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict, timeout: float) -> Result:
    try:
        host, address, port = resolve(url)
    except Refused as error:
        return Result(None, str(error), refused=True)
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    kind = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = kind(host, address, port, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(KEPT).decode("utf-8", "replace")
        return Result(response.status, text)
    except (OSError, http.client.HTTPException) as error:
        return Result(None, f"{type(error).__name__}: {error}"[:KEPT])
    finally:
        connection.close()
