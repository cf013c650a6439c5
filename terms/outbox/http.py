"""One POST to a checked address (terms/outbox/urls.py), with no redirects
followed, that takes at most `timeout` seconds in all: what a delivery or a
purge sends. Whatever goes wrong is a Result, never an exception, so one
endpoint's fault is that endpoint's failed attempt and nothing more."""

import contextlib
import http.client
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from .urls import Refused, resolve

# What is kept of a response body, for the admin.
KEPT = 2000
# Characters a request target may hold as they are; others are %-encoded.
TARGET_SAFE = "/:@!$&'()*+,;=%-._~?"


@dataclass(frozen=True)
class Result:
    status: int | None  # None: no response (refused, timeout, connection error)
    text: str
    refused: bool = False  # will not be sent there: not worth retrying

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


def target(url: str) -> str:
    parts = urlsplit(url)
    path = quote(parts.path or "/", safe=TARGET_SAFE)
    return path + ("?" + quote(parts.query, safe=TARGET_SAFE) if parts.query else "")


def post(url: str, body: bytes, headers: dict, timeout: float) -> Result:
    try:
        host, address, port = resolve(url)
    except Refused as error:
        return Result(None, str(error), refused=True)
    except (OSError, UnicodeError) as error:  # DNS may answer next time
        return Result(None, f"{urlsplit(url).hostname} does not resolve: {error}")
    kind = PinnedHTTPSConnection if url.startswith("https:") else PinnedHTTPConnection
    connection = kind(host, address, port, timeout)
    # Each wait on the socket has the timeout; this bounds them all together,
    # against an endpoint that answers a byte at a time.
    cut_at_deadline = threading.Event()
    cut = threading.Timer(timeout, cut_off, [connection, cut_at_deadline])
    cut.start()
    try:
        connection.request("POST", target(url), body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(KEPT).decode("utf-8", "replace")
        return Result(response.status, text)
    except Exception as error:  # any fault there is a failed attempt, no more
        if cut_at_deadline.is_set():
            return Result(None, f"timed out: no full answer within {timeout} s")
        return Result(None, f"{type(error).__name__}: {error}"[:KEPT])
    finally:
        cut.cancel()
        connection.close()


def cut_off(connection, done: threading.Event):
    done.set()  # first: the request fails because of it
    if connection.sock is not None:
        with contextlib.suppress(OSError):  # already closed
            connection.sock.shutdown(socket.SHUT_RDWR)
