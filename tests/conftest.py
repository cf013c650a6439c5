import itertools
import os
import runpy
from collections import Counter
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from terms.models import Category, Citation, SeeAlso, Source, Term
from tests import prerequisites

_counter = itertools.count(1)
SETTINGS_FILE = Path(__file__).resolve().parents[1] / "glossary_api" / "settings.py"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def seed(db):
    """The fixtures a new deployment loads."""
    call_command("loaddata", "glossary", verbosity=0)


@pytest.fixture
def category(db):
    return Category.objects.create(name="Alignment", slug="alignment")


@pytest.fixture
def make_source(db):
    def make(**fields):
        n = next(_counter)
        values = {
            "key": f"source{n}",
            "title": f"Paper {n}",
            "authors": "Doe et al.",
            "publisher": "Lab",
            "year": 2022,
            "identifier": f"arXiv:2201.{n:05d}",
            "url": f"https://arxiv.org/abs/2201.{n:05d}",
        }
        return Source.objects.create(**values | fields)

    return make


@pytest.fixture
def make_term(db, make_source):
    """A published term with a definition and one cited source."""

    def make(name=None, *, cite=True, **fields):
        n = next(_counter)
        name = name or f"Term {n}"
        values = {
            "name": name,
            "slug": name.lower().replace(" ", "-"),
            "summary": f"Summary of {name}.",
            "definition": f"The *definition* of {name}.",
            "status": Term.Status.PUBLISHED,
        }
        term = Term.objects.create(**values | fields)
        if cite:
            Citation.objects.create(
                term=term, source=make_source(), position=1, accessed=date(2026, 1, 2)
            )
        return term

    return make


@pytest.fixture
def link():
    def make(term, target, position=0):
        return SeeAlso.objects.create(term=term, target=target, position=position)

    return make


@pytest.fixture
def token_client(db):
    """An API client signed in with the token of a new editor's account (a
    reviewer's unless asked otherwise), as an editors' tool calls the API."""
    from rest_framework.authtoken.models import Token

    from terms.accounts import create_editor

    def make(username="tool", *, reviewer=True, **client_options):
        user = create_editor(username, "", "a-long-test-password", reviewer=reviewer)
        client = APIClient(**client_options)
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}"
        )
        return client

    return make


@pytest.fixture
def tool(token_client):
    """An editors' tool with a reviewer's token."""
    return token_client()


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        "editor", "editor@example.org", "a-long-test-password"
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def term_form():
    """The POST data of a term's admin change form, as the page would send it."""

    def make(term, **changes):
        term.refresh_from_db()
        data = {
            "opened_version": term.updated_at.isoformat(),
            "name": term.name,
            "slug": term.slug,
            "title": term.title,
            "category": "",
            "status": term.status,
            "summary": term.summary,
            "definition": term.definition,
            "example": term.example,
            "last_reviewed": "",
            "review_interval_days": "",
        }
        for prefix in ("aliases", "see_also_links", "old_slugs"):
            data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
        citations = list(term.citations.all())
        data |= {
            "citations-TOTAL_FORMS": len(citations),
            "citations-INITIAL_FORMS": len(citations),
        }
        for n, citation in enumerate(citations):
            data |= {
                f"citations-{n}-id": citation.pk,
                f"citations-{n}-term": term.pk,
                f"citations-{n}-position": citation.position,
                f"citations-{n}-source": citation.source_id,
                f"citations-{n}-role": citation.role,
                f"citations-{n}-accessed": citation.accessed or "",
            }
        return data | changes

    return make


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE']} {database['NAME']}"


def pytest_configure(config):
    prerequisites.required()  # an unknown name stops the run before it starts


# Tests skipped for want of Redis or chromium, by reason (tests/prerequisites.py).
skipped_for = Counter()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for name in prerequisites.CHECKS:
        reason = item.get_closest_marker(name) and prerequisites.missing(name)
        if not reason:
            continue
        if name in prerequisites.required():
            pytest.fail(f"{reason}; required by GLOSSARY_TEST_REQUIRE or CI.", False)
        skipped_for[reason] += 1
        pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    for reason, count in skipped_for.items():
        tests = "test" if count == 1 else "tests"
        terminalreporter.write_line(f"Skipped {count} {tests}: {reason}")


@pytest.fixture(autouse=True)
def fresh_caches():
    """Rate-limit counters and rendered responses live in caches, and each
    process remembers the change log's head for a moment and which of its
    dependencies were down; each test starts with none of them."""
    from django.core.cache import caches

    from terms import cache as redis_cache
    from terms.api import unavailable
    from terms.api.freshness import version_memo

    for cache in caches.all():
        cache.clear()
    version_memo.forget()
    redis_cache.outages.clear()
    unavailable.outage.reset()


@pytest.fixture(autouse=True)
def one_rate_limit_window(monkeypatch):
    """Rate limits count per fixed window of the clock
    (terms/api/throttling.py). On the real clock a test whose requests
    cross a window's edge sees its count start again, and a limit it
    expects is not met (CI, once: 400 reads all 200). So each test's
    requests fall one second into one window, whether the rate is per
    second, minute, hour or day; a test about windows sets its own clock."""
    from terms.api.throttling import FixedWindowMixin

    day = 86_400.0  # a multiple of every rate's window
    monkeypatch.setattr(
        FixedWindowMixin, "timer", lambda self: day * 1000 + 1, raising=False
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashers are slow on purpose; tests check behaviour, not strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def environment_settings():
    """The settings module's values as it computes them from exactly this
    environment, for a test to apply the ones it is about."""

    def evaluate(**env: str) -> dict:
        with mock.patch.dict(os.environ, env, clear=True):
            return runpy.run_path(str(SETTINGS_FILE))

    return evaluate


# The outbox (terms/outbox/): a local receiver, and a deployment whose
# worker has dispatched everything so far.


@pytest.fixture
def outbox_settings(settings):
    settings.GLOSSARY_WEBHOOK_ALLOW_PRIVATE = True  # the receivers are local
    settings.GLOSSARY_WEBHOOK_REQUIRE_HTTPS = False  # and speak plain HTTP
    settings.GLOSSARY_WEBHOOK_BACKOFF_SECONDS = 0
    settings.GLOSSARY_WEBHOOK_TIMEOUT = 2
    settings.GLOSSARY_WEBHOOK_MAX_ATTEMPTS = 5
    settings.GLOSSARY_PUBLIC_URL = "http://testserver"
    return settings


@pytest.fixture
def receiver():
    from tests import receiver as receivers

    started = receivers.start()
    yield started
    started.close()


@pytest.fixture
def outbox(seed, outbox_settings):
    from terms.changes import versions
    from terms.models import Dispatched
    from terms.outbox.worker import Worker

    Dispatched.objects.update_or_create(pk=1, defaults={"seq": versions.head().number})
    return Worker()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser(monkeypatch):
    """Debian's chromium, headless, driven by Playwright (tests marked
    `browser`; tests/prerequisites.py skips them where it is missing)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from tests.prerequisites import CHROMIUM

    # Playwright's sync API keeps an event loop running in this thread, and
    # Django refuses ORM calls under a running loop unless told they are safe.
    # Both end before the database is flushed: this fixture is set up after
    # the database fixtures, so it is torn down before them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
        # Under the running loop Django keeps its connections apart from the
        # thread's own, so the test's are closed here: one left open would
        # stop PostgreSQL from dropping the test database.
        connections.close_all()
