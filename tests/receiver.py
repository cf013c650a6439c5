"""A local HTTP receiver for the outbox's tests: records each POST as it
arrives and answers with the statuses it is told, in order (then 200), for
the payloads about one resource key or for any."""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    at: float
    answered: int

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    statuses: dict = field(default_factory=dict)  # key (None: any) -> deque
    delay: float = 0.0
    received: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def answer(self, *statuses: int, about: str | None = None):
        self.statuses.setdefault(about, deque()).extend(statuses)

    def status_for(self, body: bytes) -> int:
        try:
            key = json.loads(body)["resource"]["key"]
        except (ValueError, KeyError, TypeError):
            key = None
        for queue in (self.statuses.get(key), self.statuses.get(None)):
            if queue:
                return queue.popleft()
        return 200

    def about(self, key: str) -> list:
        """What was sent about one resource (an edit is also sent about the
        terms and sources that show the edited term)."""
        return [r for r in self.received if r.json["resource"]["key"] == key]

    def wait_for(self, count: int, timeout: float = 20) -> list:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def start(delay: float = 0.0) -> Receiver:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                status = receiver.status_for(body)
                receiver.received.append(
                    Received(
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        time.monotonic(),
                        status,
                    )
                )
            time.sleep(receiver.delay)
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"try later")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(server, delay=delay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
