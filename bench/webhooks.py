"""`make bench`'s webhook rows, run against the benchmark's database with
its environment (python bench/webhooks.py --writes N; bench/run.py calls it).

- Added write latency: the same N edits of terms through the ORM (save(),
  as the admin and the API save them), first with no endpoint and no
  worker, then with an active endpoint and `manage.py run_outbox` sending
  to a local receiver at the same time. The outbox adds nothing to a
  write's own transaction (its deliveries are made from the change log the
  write already keeps), so what this shows is the worker's load on the
  database and the 2 cores.
- Delivery throughput: deliveries per second from the worker to a local
  receiver that answers at once, for N edits made while no worker ran,
  from the first delivery's arrival to the last's.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


class Receiver(BaseHTTPRequestHandler):
    count = 0
    first = last = 0.0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.last = time.perf_counter()
        Receiver.first = Receiver.first or Receiver.last
        Receiver.count += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def edit(terms, label: str) -> list[float]:
    """Each edit's wall time, in ms."""
    took, run = [], time.time_ns()  # new titles on every run: real writes
    for n, term in enumerate(terms):
        term.title = f"{label} {n} ({run})"
        started = time.perf_counter()
        term.save()
        took.append((time.perf_counter() - started) * 1000)
    return took


def summary(took: list[float]) -> dict:
    ordered = sorted(took)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 2),
    }


def worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_outbox", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=300)
    options = parser.parse_args()
    import django

    django.setup()
    from terms.changes import versions
    from terms.models import Delivery, Dispatched, Endpoint, Term

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    env = os.environ | {"GLOSSARY_WEBHOOK_ALLOW_PRIVATE": "true"}
    published = Term.objects.published().order_by("pk")
    terms = list(published[: options.writes * 2])
    before, during = terms[: options.writes], terms[options.writes :]

    Dispatched.objects.update_or_create(pk=1, defaults={"seq": versions.head().number})
    alone = edit(before, "Alone")
    Dispatched.objects.update_or_create(pk=1, defaults={"seq": versions.head().number})

    endpoint = Endpoint.objects.create(url=url)
    pending = Delivery.objects.filter(endpoint=endpoint, status="pending")
    running = worker(env)
    try:
        with_worker = edit(during, "Beside the worker")
        deadline = time.monotonic() + 600
        while pending.exists():
            assert time.monotonic() < deadline, "deliveries still pending"
            time.sleep(0.1)
        # Throughput on its own: the same edits again, dispatched and sent by
        # a worker started afterwards.
        running.terminate()
        running.wait(30)
        endpoint.deliveries.all().delete()
        edit(during, "Queued")
        Receiver.count, Receiver.first = 0, 0.0
        running = worker(env)
        while Receiver.count == 0 or pending.exists():
            assert time.monotonic() < deadline, "deliveries still pending"
            time.sleep(0.05)
        # From the first arrival to the last: the worker's start-up left out.
        seconds = Receiver.last - Receiver.first
        sent = Receiver.count - 1
    finally:
        running.terminate()
        running.wait(30)
        server.shutdown()
        endpoint.delete()
    result = {
        "writes": len(during),
        "write_alone": summary(alone),
        "write_beside_worker": summary(with_worker),
        "deliveries": sent,
        "delivery_seconds": round(seconds, 2),
        "deliveries_per_s": round(sent / seconds, 1),
    }
    print("WEBHOOKS_JSON " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
