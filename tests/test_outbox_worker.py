"""The worker as it runs in production (`manage.py run_outbox`, a process of
its own): killed in the middle of a batch, it loses no change, and a
restarted worker sends what was not taken, in order per resource."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from terms.changes import versions
from terms.models import Delivery, Dispatched, Endpoint, Term
from tests import receiver as receivers
from tests.processes import database_url

ROOT = Path(__file__).resolve().parents[1]


def start_worker() -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "true",
        "GLOSSARY_WEBHOOK_ALLOW_PRIVATE": "true",
        "GLOSSARY_WEBHOOK_BACKOFF_SECONDS": "0",
        "GLOSSARY_WEBHOOK_TIMEOUT": "1",
        "GLOSSARY_WEBHOOK_CONCURRENCY": "4",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_outbox", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def wait_until(condition, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_keeps_the_order(seed):
    receiver = receivers.start(delay=0.2)
    Dispatched.objects.update_or_create(pk=1, defaults={"seq": versions.head().number})
    Endpoint.objects.create(url=receiver.url)
    slugs = list(Term.objects.published().values_list("slug", flat=True)[:8])
    worker = start_worker()
    try:
        for n, slug in enumerate(slugs):  # titles: shown on the term's own page only
            Term.objects.filter(slug=slug).update(title=f"First {n}.")
        receiver.wait_for(3)
        worker.send_signal(signal.SIGKILL)  # in the middle of the batch
        worker.wait(10)
        sent_before = len(receiver.received)
        assert Delivery.objects.exclude(status="done").exists()  # work was cut off
        for n, slug in enumerate(slugs[:3]):
            Term.objects.filter(slug=slug).update(title=f"Second {n}.")

        worker = start_worker()
        wait_until(
            lambda: (
                Delivery.objects.count() == len(slugs) + 3
                and not Delivery.objects.exclude(status="done").exists()
            )
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(10)
        receiver.close()

    assert len(receiver.received) > sent_before
    received = {r.headers["webhook-id"] for r in receiver.received}
    assert {d.message_id for d in Delivery.objects.all()} <= received  # at least once
    for slug in slugs[:3]:
        firsts = []
        for r in receiver.received:
            if r.json["resource"]["key"] == slug and r.json["sequence"] not in firsts:
                firsts.append(r.json["sequence"])
        assert firsts == sorted(firsts), slug
        assert len(firsts) == 2
