"""The outbox worker (`manage.py run_outbox`): dispatches the change log
(dispatch.py), then sends what is due, outside any request.

- Deliveries of one endpoint and resource go in sequence order: one is sent
  only when no earlier one of theirs is still pending (retrying included).
- Up to GLOSSARY_WEBHOOK_CONCURRENCY are in flight at once, and at most half
  of them (at least one) to one endpoint, each with a timeout of
  GLOSSARY_WEBHOOK_TIMEOUT seconds: a slow or hanging endpoint holds its own
  slots, never the others'.
- A failure is retried after an exponential backoff with jitter, up to
  GLOSSARY_WEBHOOK_MAX_ATTEMPTS attempts; then it is marked failed, and the
  admin can send it again. A refused address fails at once.
- What is being sent is claimed in the database until its timeout has
  passed: a worker killed meanwhile leaves it to be sent again (at least
  once; receivers dedupe by webhook-id), and two workers never send it at
  the same time.
"""

import logging
import random
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import http, purge, signing
from .dispatch import dispatch
from .http import Result
from .models import Delivery, Outgoing, Purge

logger = logging.getLogger(__name__)
# A claim lasts this many request timeouts: a timeout bounds each wait on
# the socket (connecting, each read), not the whole request.
CLAIM_TIMEOUTS = 3


def backoff(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: doubling, with full jitter
    between half and all of it, capped at an hour."""
    base = settings.GLOSSARY_WEBHOOK_BACKOFF_SECONDS * 2 ** (attempts - 1)
    return timedelta(seconds=min(base, 3600) * random.uniform(0.5, 1))


def claim(item: Outgoing) -> bool:
    """Take `item` for sending, unless another worker holds it."""
    now = timezone.now()
    until = now + timedelta(seconds=settings.GLOSSARY_WEBHOOK_TIMEOUT * CLAIM_TIMEOUTS)
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    taken = type(item).objects.filter(
        Q(pk=item.pk, status=Outgoing.Status.PENDING) & free
    )
    return taken.update(claimed_until=until) == 1


def record(item: Outgoing, result: Result):
    """What an attempt came to: done, retried later, or given up."""
    now = timezone.now()
    item.attempts += 1
    item.last_status = result.status
    item.last_response = result.text
    item.claimed_until = None
    if result.ok:
        item.status, item.done_at = Outgoing.Status.DONE, now
    elif result.refused or item.attempts >= settings.GLOSSARY_WEBHOOK_MAX_ATTEMPTS:
        item.status = Outgoing.Status.FAILED
        logger.warning("Gave up on %s: %s %s", item, result.status, result.text[:200])
    else:
        item.next_attempt_at = now + backoff(item.attempts)
    item.save(
        update_fields=[
            "attempts",
            "last_status",
            "last_response",
            "claimed_until",
            "status",
            "done_at",
            "next_attempt_at",
        ]
    )


def due(model, exclude=(), limit: int = 100):
    now = timezone.now()
    pending = model.objects.filter(status=Outgoing.Status.PENDING)
    ready = pending.filter(next_attempt_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    if model is Delivery:
        earlier = pending.filter(
            endpoint=OuterRef("endpoint"),
            kind=OuterRef("kind"),
            resource_id=OuterRef("resource_id"),
            seq__lt=OuterRef("seq"),
        )
        ready = ready.exclude(Exists(earlier)).select_related("endpoint")
    return list(ready.exclude(pk__in=list(exclude)).order_by("seq", "pk")[:limit])


def send(delivery: Delivery) -> Result:
    body = delivery.body.encode()
    headers = signing.headers(delivery.endpoint.secret, delivery.message_id, body)
    return http.post(
        delivery.endpoint.url, body, headers, settings.GLOSSARY_WEBHOOK_TIMEOUT
    )


class Worker:
    def __init__(self, concurrency: int | None = None):
        self.concurrency = concurrency or settings.GLOSSARY_WEBHOOK_CONCURRENCY
        self.per_endpoint = max(1, self.concurrency // 2)
        self.in_flight: dict[Future, Delivery] = {}

    def run(self, stop: threading.Event, interval: float = 0.5):
        """Work until `stop` is set."""
        with ThreadPoolExecutor(self.concurrency, "outbox") as pool:
            while not stop.is_set():
                close_old_connections()
                busy = self.step(pool)
                if busy or self.in_flight:
                    self.collect(timeout=0 if busy else interval)
                else:
                    stop.wait(interval)
            while self.in_flight:  # finish, and record, what was sent
                self.collect(timeout=None)

    def run_until_idle(self):
        """Dispatch and send until nothing is due now (tests, cron)."""
        with ThreadPoolExecutor(self.concurrency, "outbox") as pool:
            while self.step(pool) or self.in_flight:
                self.collect(timeout=None)

    def step(self, pool) -> bool:
        """Dispatch, purge, and start what is due; whether any work was done."""
        dispatched = dispatch()
        purged = self.purge()
        started = self.start(pool)
        return bool(dispatched or purged or started)

    def purge(self) -> int:
        backend = purge.backend()
        items = [p for p in due(Purge) if claim(p)]
        for item in items:
            record(item, backend.purge(item.keys))
        return len(items)

    def start(self, pool) -> int:
        slots = self.concurrency - len(self.in_flight)
        flying = [d.endpoint_id for d in self.in_flight.values()]
        started = 0
        for delivery in due(Delivery, exclude=[d.pk for d in self.in_flight.values()]):
            if started >= slots:
                break
            if flying.count(delivery.endpoint_id) >= self.per_endpoint:
                continue
            if not claim(delivery):
                continue
            self.in_flight[pool.submit(send, delivery)] = delivery
            flying.append(delivery.endpoint_id)
            started += 1
        return started

    def collect(self, timeout: float | None):
        if not self.in_flight:
            return
        done, _ = wait(self.in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            record(self.in_flight.pop(future), future.result())
