"""The outbox worker (`manage.py run_outbox`): dispatches the change log
(dispatch.py), then sends what is due, outside any request.

- Deliveries of one endpoint and resource go in sequence order: one is sent
  only when no earlier one for the same resource, or the same key (a term
  deleted, then another made with its slug), is still pending (retrying
  included). An inactive endpoint's deliveries wait.
- Up to GLOSSARY_WEBHOOK_CONCURRENCY are in flight at once, and at most half
  of them (at least one) to one endpoint, each with a timeout of
  GLOSSARY_WEBHOOK_TIMEOUT seconds: a slow or hanging endpoint holds its own
  slots, never the others'.
- A failure is retried after an exponential backoff with jitter, up to
  GLOSSARY_WEBHOOK_MAX_ATTEMPTS attempts; then it is marked failed, and the
  admin can send it again. A refused address fails at once. Nothing an
  endpoint does or is configured with stops the worker: every fault is
  that delivery's failed attempt (terms/outbox/http.py); a database that
  does not answer is waited for.
- What is being sent is claimed in the database until its timeout has
  passed: a worker killed meanwhile leaves it to be sent again (at least
  once; receivers dedupe by webhook-id), and two workers never send it at
  the same time.
"""

import binascii
import logging
import random
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import http, purge, signing
from .dispatch import dispatch
from .http import Result
from .models import Delivery, Endpoint, Outgoing, Purge

logger = logging.getLogger(__name__)
# Deliveries read at a time, for each endpoint.
BATCH = 50
# A claim lasts this many request timeouts (a request takes one at most,
# terms/outbox/http.py): room for a slow database before another worker
# may take the delivery.
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
    """What an attempt came to: done, retried later, or given up. (An item
    deleted meanwhile, with its endpoint, is left deleted.)"""
    now = timezone.now()
    attempts = item.attempts + 1
    outcome = {
        "attempts": attempts,
        "last_status": result.status,
        "last_response": result.text,
        "claimed_until": None,
    }
    if result.ok:
        outcome |= {"status": Outgoing.Status.DONE, "done_at": now}
    elif result.refused or attempts >= settings.GLOSSARY_WEBHOOK_MAX_ATTEMPTS:
        outcome |= {"status": Outgoing.Status.FAILED}
        logger.warning("Gave up on %s: %s %s", item, result.status, result.text[:200])
    else:
        outcome |= {"next_attempt_at": now + backoff(attempts)}
    type(item).objects.filter(pk=item.pk).update(**outcome)


def ready(queryset):
    """What of `queryset` is due now and held by no worker."""
    now = timezone.now()
    return queryset.filter(
        Q(status=Outgoing.Status.PENDING, next_attempt_at__lte=now)
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def due_purges(limit: int = 100) -> list[Purge]:
    return list(ready(Purge.objects.all()).order_by("seq", "pk")[:limit])


def due_deliveries(endpoint: Endpoint, exclude, limit: int) -> list[Delivery]:
    """The endpoint's deliveries that may go now: each its resource's (and
    key's) earliest still pending."""
    pending = Delivery.objects.filter(
        endpoint=endpoint, status=Outgoing.Status.PENDING, seq__lt=OuterRef("seq")
    )
    same_resource = pending.filter(
        kind=OuterRef("kind"), resource_id=OuterRef("resource_id")
    )
    same_key = pending.filter(kind=OuterRef("kind"), key=OuterRef("key"))
    deliveries = ready(endpoint.deliveries.all()).exclude(pk__in=list(exclude))
    first = deliveries.exclude(Exists(same_resource)).exclude(Exists(same_key))
    return list(first.order_by("seq", "pk")[:limit])


def send(delivery: Delivery, endpoint: Endpoint) -> Result:
    body = delivery.body.encode()
    try:
        headers = signing.headers(endpoint.secret, delivery.message_id, body)
    except (binascii.Error, ValueError) as error:  # stored behind the admin's back
        return Result(None, f"The endpoint's secret cannot sign: {error}")
    return http.post(endpoint.url, body, headers, settings.GLOSSARY_WEBHOOK_TIMEOUT)


class Worker:
    def __init__(self, concurrency: int | None = None):
        self.concurrency = concurrency or settings.GLOSSARY_WEBHOOK_CONCURRENCY
        self.per_endpoint = max(1, self.concurrency // 2)
        self.in_flight: dict[Future, Delivery] = {}
        # Each endpoint's next deliveries, read a batch at a time: each the
        # first of its resource still pending, which stays true until it is
        # sent (a later change of that resource is not among them).
        self.queued: dict[int, deque[Delivery]] = {}
        # When to look at the change log again, unless it had more to read.
        self.next_dispatch = 0.0

    def run(self, stop: threading.Event, interval: float = 0.5):
        """Work until `stop` is set."""
        with ThreadPoolExecutor(self.concurrency, "outbox") as pool:
            while not stop.is_set():
                close_old_connections()
                try:
                    busy = self.step(pool, interval)
                except DatabaseError:
                    logger.exception("The outbox cannot reach the database; retrying.")
                    stop.wait(5)
                    continue
                if busy or self.in_flight:
                    self.collect(timeout=0 if busy else interval)
                else:
                    stop.wait(interval)
            while self.in_flight:  # finish, and record, what was sent
                self.collect(timeout=None)

    def run_until_idle(self):
        """Dispatch and send until nothing is due now (tests, cron)."""
        with ThreadPoolExecutor(self.concurrency, "outbox") as pool:
            while self.step(pool, interval=0) or self.in_flight:
                self.collect(timeout=None)

    def step(self, pool, interval: float) -> bool:
        """Dispatch (every `interval` seconds while the log has nothing new),
        purge, and start what is due; whether any work was done."""
        dispatched = 0
        if time.monotonic() >= self.next_dispatch:
            dispatched = dispatch()
            self.next_dispatch = time.monotonic() + (0 if dispatched else interval)
        purged = self.purge()
        started = self.start(pool)
        return bool(dispatched or purged or started)

    def purge(self) -> int:
        backend = purge.backend()
        items = [p for p in due_purges() if claim(p)]
        for item in items:
            record(item, backend.purge(item.keys))
        return len(items)

    def start(self, pool) -> int:
        """Start what may go, each active endpoint up to its share of the
        free slots: one endpoint's backlog never takes another's turn."""
        flying = [d.endpoint_id for d in self.in_flight.values()]
        sending = [d.pk for d in self.in_flight.values()]
        endpoints = list(Endpoint.objects.filter(active=True).order_by("pk"))
        self.queued = {e.pk: self.queued.get(e.pk, deque()) for e in endpoints}
        started = 0
        for endpoint in endpoints:
            free = min(
                self.per_endpoint - flying.count(endpoint.pk),
                self.concurrency - len(self.in_flight),
            )
            queue = self.queued[endpoint.pk]
            if free > 0 and not queue:
                queue.extend(due_deliveries(endpoint, sending, BATCH))
            while free > 0 and queue:
                delivery = queue.popleft()
                if claim(delivery):  # not sent, or taken, meanwhile
                    future = pool.submit(send, delivery, endpoint)
                    self.in_flight[future] = delivery
                    started, free = started + 1, free - 1
        return started

    def collect(self, timeout: float | None):
        if not self.in_flight:
            return
        done, _ = wait(self.in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            record(self.in_flight.pop(future), future.result())
