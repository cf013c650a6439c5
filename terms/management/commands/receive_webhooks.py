import contextlib
import json
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.core.management.base import CommandError

from terms.management.base import BaseCommand
from terms.outbox import signing


class Command(BaseCommand):
    help = (
        "A webhook receiver for trying webhooks out locally: prints each "
        "delivery and whether its signature verifies with --secret."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=9000)
        parser.add_argument(
            "--secret", default="", help="The endpoint's signing secret (whsec_…)."
        )

    def handle(self, *args, port, secret, **options):
        command = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                signed = signing.verify(secret, headers, body) if secret else None
                command.show(headers, body, signed)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        try:
            server = HTTPServer(("127.0.0.1", port), Handler)
        except OSError as error:
            raise CommandError(f"Cannot listen on port {port}: {error}") from error
        self.stdout.write(
            f"Receiving webhooks at http://127.0.0.1:{port}/ (Ctrl-C stops)"
        )
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()

    def show(self, headers: dict, body: bytes, signed: bool | None):
        try:
            payload = json.loads(body)
            resource, seq = payload["resource"]["key"], payload["sequence"]
            what = f"{payload['event']} {resource} #{seq}"
        except (ValueError, KeyError, TypeError):
            what = f"{len(body)} bytes that are not a delivery"
        check = {True: "signature OK", False: "BAD SIGNATURE", None: "not checked"}
        self.stdout.write(f"{headers.get('webhook-id', '?')}: {what} ({check[signed]})")
