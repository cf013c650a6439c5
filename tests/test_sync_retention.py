"""The change log keeps GLOSSARY_CHANGE_LOG_RETENTION_DAYS of changes
(`manage.py prune_changes`); a sync cursor from before what it still holds
answers 410, and the client resyncs from scratch."""

import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from terms.changes import feed
from terms.changes.feed import Cursor
from terms.changes.retention import prune
from terms.models import Change, Term
from tests.test_openapi import documented_body
from tests.test_sync import published, sync

RETENTION = 30


def age(days: int, after: int = 0):
    """Make the logged changes (those after seq `after`) `days` old."""
    when = timezone.now() - timedelta(days=days)
    Change.objects.filter(seq__gt=after).update(changed_at=when)


def last_seq() -> int:
    return Change.objects.order_by("-seq").values_list("seq", flat=True).first()


def edit(slug: str, summary: str = "Edited."):
    Term.objects.filter(slug=slug).update(summary=summary)


@pytest.fixture
def synced(seed, api):
    """A client's copy of the whole glossary and the cursor it polls with."""
    copy = {}
    return copy, sync(api, copy)


def versions_kept() -> set[int]:
    """Each resource's latest change: its version, which pruning keeps."""
    latest = Change.objects.values("kind", "resource_id").annotate(seq=Max("seq"))
    return {row["seq"] for row in latest}


def test_pruning_deletes_only_the_changes_older_than_the_retention(seed):
    old = set(Change.objects.values_list("seq", flat=True))
    age(RETENTION + 1)
    edit("jailbreak")
    age(RETENTION - 1, after=max(old))  # almost expired: kept
    edit("hallucination")
    recent = set(Change.objects.values_list("seq", flat=True)) - old
    versions = versions_kept() & old

    pruned = prune(RETENTION)

    assert set(Change.objects.values_list("seq", flat=True)) == recent | versions
    assert pruned.count == len(old - versions) > 0
    assert pruned.through == max(old)


def test_pruning_again_deletes_nothing_more(seed):
    age(RETENTION + 1)
    first = prune(RETENTION)
    again = prune(RETENTION)
    assert (again.count, again.through) == (0, first.through)


def test_a_change_cursor_from_before_the_pruned_changes_is_410(synced, api):
    copy, cursor = synced
    Term.objects.get(slug="hallucination").delete()  # its tombstone gets pruned
    age(RETENTION + 1)
    prune(RETENTION)

    response = api.get("/api/v1/sync/", {"cursor": cursor})

    assert response.status_code == 410
    assert "resync from scratch" in response.json()["detail"].lower()
    assert "without a cursor" in response.json()["detail"]
    # Resyncing from scratch into a new copy: the old one still holds the
    # term whose tombstone is gone.
    fresh = {}
    sync(api, fresh)
    assert fresh == published(api)
    assert ("term", "hallucination") in copy
    assert ("term", "hallucination") not in fresh


def test_a_snapshot_cursor_is_410_once_changes_since_it_began_are_pruned(seed, api):
    first = api.get("/api/v1/sync/", {"limit": 2}).json()
    assert first["has_more"]
    edit("jailbreak")  # logged after the snapshot began
    age(RETENTION + 1)
    prune(RETENTION)

    response = api.get("/api/v1/sync/", {"cursor": first["next_cursor"], "limit": 2})

    assert response.status_code == 410
    assert "resync from scratch" in response.json()["detail"].lower()


def test_a_prune_just_before_the_log_is_read_is_a_410(synced, api, monkeypatch):
    """A prune that commits after a poll began, as its page is read: the
    answer is a 410, never a page silently short of the pruned changes."""
    _, cursor = synced
    edit("jailbreak")
    age(RETENTION + 1)
    read_changes = feed.changes

    def pruned_first(cursor, limit):
        prune(RETENTION)
        return read_changes(cursor, limit)

    monkeypatch.setattr(feed, "changes", pruned_first)
    response = api.get("/api/v1/sync/", {"cursor": cursor})
    assert response.status_code == 410


def test_the_410_body_is_the_one_the_schema_documents(synced, api):
    _, cursor = synced
    edit("jailbreak")
    age(RETENTION + 1)
    prune(RETENTION)
    response = api.get("/api/v1/sync/", {"cursor": cursor})
    assert response.status_code == 410
    schema = api.get("/api/schema/?format=json").json()
    documented = documented_body(
        schema, "/api/v1/sync/", "410", "application/problem+json"
    )
    documented.validate(response.json())


def test_a_cursor_at_the_pruned_point_syncs_on_once_all_due_is_pruned(synced, api):
    copy, cursor = synced
    age(RETENTION + 1)
    pruned = prune(RETENTION)
    assert not Change.objects.filter(seq__gt=pruned.through).exists()
    assert pruned.through == Cursor.decode(cursor).seq

    caught_up = api.get("/api/v1/sync/", {"cursor": cursor}).json()
    assert caught_up == {"results": [], "next_cursor": cursor, "has_more": False}
    Term.objects.get(slug="hallucination").delete()
    renamed = Term.objects.get(slug="ai-alignment")
    renamed.slug = "alignment-of-ai"
    renamed.save()
    edit("jailbreak")
    sync(api, copy, cursor)
    assert copy == published(api)


def test_a_cursor_after_the_pruned_point_syncs_on(seed, api):
    age(RETENTION + 1)  # the fixtures' load: pruned
    edit("jailbreak")  # recent: kept
    copy = {}
    cursor = sync(api, copy)
    pruned = prune(RETENTION)
    assert pruned.count
    assert pruned.through < Cursor.decode(cursor).seq

    Term.objects.filter(slug="hallucination").update(status="draft")
    edit("ai-alignment")
    sync(api, copy, cursor)
    assert copy == published(api)


def test_a_new_client_syncs_and_polls_after_all_due_was_pruned(seed, api):
    age(RETENTION + 1)
    pruned = prune(RETENTION)
    assert not Change.objects.filter(seq__gt=pruned.through).exists()
    copy = {}
    cursor = sync(api, copy)
    assert copy == published(api)
    edit("jailbreak", "After the prune.")
    sync(api, copy, cursor)
    assert copy == published(api)
    assert copy[("term", "jailbreak")]["summary"] == "After the prune."


def test_prune_changes_says_what_it_pruned(seed, settings):
    settings.GLOSSARY_CHANGE_LOG_RETENTION_DAYS = 7
    old, through = set(Change.objects.values_list("seq", flat=True)), last_seq()
    age(8)
    edit("jailbreak")  # recent: kept
    count = len(old - versions_kept())

    out = StringIO()
    call_command("prune_changes", stdout=out)
    assert out.getvalue() == (
        f"Pruned {count} changes older than 7 days, up to change {through}.\n"
    )

    out = StringIO()
    call_command("prune_changes", stdout=out)
    assert out.getvalue() == "Nothing to prune: no change is older than 7 days.\n"


def test_the_retention_comes_from_the_environment(environment_settings):
    def retention(**env):
        settings = environment_settings(DJANGO_DEBUG="true", **env)
        return settings["GLOSSARY_CHANGE_LOG_RETENTION_DAYS"]

    assert retention() == 30
    assert retention(GLOSSARY_CHANGE_LOG_RETENTION_DAYS="90") == 90
    with pytest.raises(ImproperlyConfigured):
        retention(GLOSSARY_CHANGE_LOG_RETENTION_DAYS="a month")


def test_the_schema_declares_the_410_of_the_sync_feed(api, db):
    schema = api.get("/api/schema/?format=json").json()
    responses = schema["paths"]["/api/v1/sync/"]["get"]["responses"]
    assert "410" in responses
    assert "resync from scratch" in responses["410"]["description"].lower()
    assert "application/problem+json" in responses["410"]["content"]


def test_pruning_keeps_every_resources_version(api, make_term, settings):
    """A resource's version is its latest change: pruning old changes must
    not move it, or two states could share an ETag."""
    settings.GLOSSARY_CHANGE_LOG_RETENTION_DAYS = 1
    make_term("Old")
    before = api.get("/api/v1/terms/old/")
    Change.objects.update(changed_at=timezone.now() - timedelta(days=5))
    call_command("prune_changes", verbosity=0)
    caches["responses"].clear()
    after = api.get("/api/v1/terms/old/")
    assert after["ETag"] == before["ETag"]
    assert after.json()["version"] == before.json()["version"] > 0


@dataclass
class Client:
    """A sync client that obeys a 410: it drops its copy and starts again."""

    api: object
    copy: dict = field(default_factory=dict)
    cursor: str | None = None

    def poll(self, limit: int = 3) -> bool:
        """Apply one page; whether there is more to read."""
        params = {"limit": limit} | ({"cursor": self.cursor} if self.cursor else {})
        response = self.api.get("/api/v1/sync/", params)
        if response.status_code == 410:
            self.copy, self.cursor = {}, None
            return True
        assert response.status_code == 200, response.content
        body = response.json()
        for entry in body["results"]:
            key = (entry["kind"], entry["key"])
            if entry["deleted"]:
                self.copy.pop(key, None)
            else:
                self.copy[key] = entry["document"]
        self.cursor = body["next_cursor"]
        return body["has_more"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_client_syncing_while_writes_and_prunes_run_ends_exact(seed, api, settings):
    """Prunes that keep nothing (a retention of 0) run while a writer edits:
    each poll either brings every change since its cursor or answers 410, so
    a client that resyncs on 410 ends with exactly the public glossary."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "100000/minute")
    }
    slugs = list(Term.objects.published().values_list("slug", flat=True))
    written = threading.Event()
    failures = []

    def write():
        for n in range(60):
            slug = slugs[n % len(slugs)]
            if n % 7 == 3:
                Term.objects.filter(slug=slug).update(status="draft")
            elif n % 7 == 5:
                Term.objects.filter(slug=slug).update(status="published")
            else:
                edit(slug, f"Edit {n}.")
            time.sleep(0.01)  # the client polls between edits

    def keep_pruning():
        while not written.is_set():
            prune(0)
            time.sleep(0.005)  # SQLite's lock is not fair: let the writer in

    def in_thread(work, then=None):
        def run():
            try:
                work()
            except Exception as error:  # failed below, not lost in the thread
                failures.append(error)
            finally:
                if then:
                    then.set()
                connection.close()

        return threading.Thread(target=run)

    threads = [in_thread(write, then=written), in_thread(keep_pruning)]
    for thread in threads:
        thread.start()
    client = Client(api)
    while not written.is_set():
        client.poll()
    for thread in threads:
        thread.join()
    assert failures == []
    while client.poll():
        pass
    assert client.copy == published(api)
